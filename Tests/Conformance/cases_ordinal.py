"""Conformance cases for `ordinal` (OrdinalEncoder). Wired into make_cases.py: `add(mc)` gets that
module (for `case`, the stage helpers and the samples). Each case cites the scikit-learn test
(sklearn/preprocessing/tests/test_encoders.py) whose shape it mirrors, where one exists."""

import random


def add(mc):
    def ordinal(columns, **kw):
        return dict(stage="ordinal", columns=columns, **kw)

    case = mc.case
    animals = [["id", "pet", "colour"]] + [[i, p, c] for i, (p, c) in enumerate([
        ("dog", "red"), ("cat", "green"), ("", "red"), ("dog", "NA"), ("snake", "blue"), ("cat", "red"),
        ("Z", "green"), ("é", "red"), ("dog", "red"), ("a b", "")])]
    case("ordinal-auto", "categories in code-point order (Z < a b < cat < é), missing stays missing; mirrors test_ordinal_encoder",
         [ordinal(["pet", "colour"])], animals)
    case("ordinal-encoded-missing-value", "encoded_missing_value -1: a missing value seen in fit gets -1; mirrors test_ordinal_encoder_passthrough_missing_values_float",
         [ordinal(["pet", "colour"], encoded_missing_value=-1)], animals)
    case("ordinal-encoded-missing-value-clash", "encoded_missing_value 1 is a category's code: spec error; mirrors test_ordinal_encoder_encoded_missing_value_error",
         [ordinal(["pet"], encoded_missing_value=1)], animals, expect_exit=2)
    case("ordinal-given-categories", "given categories keep their order, null last; mirrors test_ordinal_encoder_specified_categories",
         [ordinal(["pet"], categories={"pet": ["snake", "dog", "cat", "Z", "é", "a b", None]})], animals)
    case("ordinal-given-categories-unknown-in-fit", "a value outside given categories under handle_unknown error is a row error in fit; mirrors test_ordinal_encoder_fit_with_unseen_category",
         [ordinal(["pet"], categories={"pet": ["dog", "cat", None]})], animals, expect_exit=1)
    case("ordinal-given-categories-unknown-encoded", "given categories with use_encoded_value: an unseen value in fit is encoded -1",
         [ordinal(["pet"], categories={"pet": ["dog", "cat"]}, handle_unknown="use_encoded_value", unknown_value=-1)], animals,
         note="a missing value with given categories lacking null is unknown, not missing (scikit-learn's _check_unknown)")

    train = [["pet", "k"], ["dog", 1], ["cat", 2], ["dog", 3], ["bird", 4]]
    test = [["pet", "k"], ["dog", 1], ["fish", 2], ["", 3], ["bird", 4]]
    case("ordinal-unknown-error", "an unknown category at apply is a row error; mirrors test_ordinal_encoder_handle_unknowns_string",
         [ordinal(["pet"])], [["pet", "k"], ["dog", 1], ["fish", 2]], fit_rows=train, expect_exit=1)
    case("ordinal-unknown-missing-not-seen", "a missing value at apply when fit saw none is unknown: a row error",
         [ordinal(["pet"])], [["pet", "k"], ["dog", 1], ["", 2]], fit_rows=train, expect_exit=1,
         note="scikit-learn treats a missing value the fit never saw as an unknown category")
    case("ordinal-use-encoded-value", "use_encoded_value -1: unknown and unseen missing values get -1; mirrors test_ordinal_encoder_handle_unknowns_string",
         [ordinal(["pet"], handle_unknown="use_encoded_value", unknown_value=-1)], test, fit_rows=train)
    case("ordinal-use-encoded-value-null", "unknown_value null: unknowns become missing; mirrors test_ordinal_encoder_handle_unknowns_nan",
         [ordinal(["pet"], handle_unknown="use_encoded_value", unknown_value=None)], test, fit_rows=train)
    case("ordinal-unknown-value-large", "unknown_value 3 (beyond the 3 codes) is allowed",
         [ordinal(["pet"], handle_unknown="use_encoded_value", unknown_value=3)], test, fit_rows=train)
    case("ordinal-unknown-value-clash", "unknown_value 1 is a category's code: spec error; mirrors test_ordinal_encoder_handle_unknowns_raise",
         [ordinal(["pet"], handle_unknown="use_encoded_value", unknown_value=1)], test, fit_rows=train, expect_exit=2)
    case("ordinal-unknown-value-missing", "use_encoded_value without unknown_value: spec error",
         [ordinal(["pet"], handle_unknown="use_encoded_value")], train, expect_exit=2)
    case("ordinal-unknown-value-without-use", "unknown_value with handle_unknown error: spec error",
         [ordinal(["pet"], unknown_value=-1)], train, expect_exit=2)
    train_missing = [["pet", "k"], ["dog", 1], ["", 2], ["cat", 3]]
    case("ordinal-missing-and-unknown", "missing seen in fit: encoded_missing_value -2, unknown -1; mirrors test_ordinal_encoder_unknown_missing_interaction",
         [ordinal(["pet"], handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-2)], test, fit_rows=train_missing)
    case("ordinal-missing-unknown-both-null", "unknown_value and encoded_missing_value null; mirrors test_ordinal_encoder_unknown_missing_interaction_both_nan",
         [ordinal(["pet"], handle_unknown="use_encoded_value", unknown_value=None)], test, fit_rows=train_missing)

    three = [["x", "k"]] + [[v, i] for i, v in enumerate(["a"] * 5 + ["b"] * 20 + ["c"] * 10 + ["d"] * 3)]
    for name, kw in [("min-frequency-count", dict(min_frequency=6)), ("min-frequency-fraction", dict(min_frequency=0.24)),
                     ("max-categories", dict(max_categories=3)), ("both", dict(max_categories=3, min_frequency=8))]:
        case(f"ordinal-infrequent-{name}", f"infrequent categories share the code after the frequent ones ({kw}); mirrors test_ordinal_encoder_infrequent_three_levels",
             [ordinal(["x"], **kw)], three)
    case("ordinal-infrequent-unknown-encoded", "an unknown under use_encoded_value gets unknown_value, not the infrequent code; mirrors test_ordinal_encoder_infrequent_three_levels",
         [ordinal(["x"], min_frequency=6, handle_unknown="use_encoded_value", unknown_value=-1)],
         [["x", "k"], ["a", 0], ["zz", 1], ["d", 2], ["b", 3]], fit_rows=three)
    case("ordinal-unknown-value-infrequent-code", "unknown_value equal to the infrequent group's code is accepted, as scikit-learn does",
         [ordinal(["x"], min_frequency=6, handle_unknown="use_encoded_value", unknown_value=2)],
         [["x", "k"], ["a", 0], ["zz", 1]], fit_rows=three,
         note="scikit-learn checks unknown_value against the frequent categories' codes only")
    case("ordinal-all-infrequent", "max_categories 1: every category shares code 0; mirrors test_ordinal_encoder_all_infrequent",
         [ordinal(["x"], max_categories=1)], three)
    frequent_missing = [["x", "k"]] + [[v, i] for i, v in enumerate([""] * 20 + ["dog"] * 10 + ["cat"] * 5 + ["snake", "deer"])]
    case("ordinal-missing-appears-frequent", "the missing value is never grouped, nor counted in max_categories; mirrors test_ordinal_encoder_missing_appears_frequent",
         [ordinal(["x"], max_categories=3)], frequent_missing,
         note="unlike OneHotEncoder, OrdinalEncoder keeps the missing value out of infrequent grouping")
    infrequent_missing = [["x", "y"]] + [[a, b] for a, b in zip([""] + ["dog"] * 10 + ["cat"] * 5 + ["snake", "deer"], ["red"] * 9 + ["green"] * 9)]
    case("ordinal-missing-appears-infrequent", "a rare missing value stays missing with min_frequency 4; mirrors test_ordinal_encoder_missing_appears_infrequent",
         [ordinal(["x", "y"], min_frequency=4)], infrequent_missing)
    case("ordinal-min-frequency-fraction-counts-missing", "a fraction of min_frequency counts the missing rows too",
         [ordinal(["x"], min_frequency=0.2)], frequent_missing)

    case("ordinal-fill-chain", "fill most_frequent then ordinal", [mc.fill(["pet"], "most_frequent"), ordinal(["pet"])], animals)
    case("ordinal-then-scale", "ordinal then zscore on the codes (a second fit pass)", [ordinal(["pet", "colour"]), mc.scale(["pet"], "zscore")], animals)
    rng = random.Random(1515)
    rows = [["id", "city", "tier"]] + [[i, rng.choice(["Oslo", "Åre", "Bergen", "Tromsø", "NA", "Ålesund"]), rng.choice("ABCDE")] for i in range(400)]
    case("ordinal-generated", "400 generated rows, two columns, min_frequency 0.1", [ordinal(["city", "tier"], min_frequency=0.1)], rows)
    case("ordinal-generated-fit-apply", "generated rows: fit on 300, apply to 100 with unknowns encoded -1",
         [ordinal(["city", "tier"], handle_unknown="use_encoded_value", unknown_value=-1, max_categories=4)],
         [rows[0]] + rows[301:] + [[999, "Paris", "Z"]], fit_rows=rows[:301])
    penguins = mc.sample_text("penguins.csv")
    case("ordinal-penguins", "penguins: species, island, sex (NA missing) encoded", [ordinal(["species", "island", "sex"])], None, input_text=penguins)
