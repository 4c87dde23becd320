"""Conformance cases of the shaping stages (select, drop, rename, output.columns) and of stages
on the columns earlier stages make (DESIGN.md B2), for make_cases.py.

The reference is scikit-learn's sequential Pipeline on the reshaped table (ref_shape.py): a
stage fitted after `onehot` / `tfidf` / an indicator sees their output columns, as a Pipeline
step after a ColumnTransformer does.
"""


def add(m):
    case, fill, scale, onehot, tokenize, tfidf = m.case, m.fill, m.scale, m.onehot, m.tokenize, m.tfidf
    penguins, FILL, TEXT = m.penguins, m.FILL, m.TEXT
    select = lambda columns: dict(stage="select", columns=columns)  # noqa: E731
    drop = lambda columns: dict(stage="drop", columns=columns)  # noqa: E731
    rename = lambda mapping: dict(stage="rename", map=mapping)  # noqa: E731

    case("shape-select-reorder-globs", "penguins: select with globs (expanded in column order) and a new order",
         [select(["year", "bill_*", "species"])], None, input_text=penguins)
    case("shape-drop-glob", "penguins: drop a glob and a name", [drop(["*_mm", "island"])], None, input_text=penguins)
    case("shape-output-columns", "penguins: output.columns as a list (a last select) after fill + zscore",
         [fill(["body_mass_g"], "mean"), scale(["body_mass_g"], "zscore")], None, input_text=penguins,
         output={"columns": ["body_mass_g", "species", "s*"]})
    case("shape-rename-then-scale", "penguins: rename, then fill + zscore on the new names (the fill's mean replayed through the rename)",
         [rename({"bill_length_mm": "bill", "body_mass_g": "mass"}), fill(["bill", "mass"], "median"), scale(["bill", "mass"], "robust")],
         None, input_text=penguins)
    case("shape-fill-rename-scale", "fill mean on x, rename x to y, zscore y: fitted in one pass, the fill's values replayed under the new name",
         [fill(["x"], "mean", indicator=True), rename({"x": "y", "x_missing": "y_was_missing"}), scale(["y", "y_was_missing"], "zscore")], FILL)
    case("shape-rename-swap", "rename swaps two columns at once, then minmax on one of them",
         [rename({"x": "t", "t": "x"}), scale(["t"], "minmax")], FILL)
    case("shape-onehot-scale-select", "penguins: onehot species, zscore species_* (second pass), select a subset and reorder",
         [onehot(["species", "island"]), scale(["species_*"], "zscore"), select(["island_*", "species_Gentoo", "species_Adelie", "body_mass_g"])],
         None, input_text=penguins)
    case("shape-onehot-rename-scale", "onehot, rename one of its columns, minmax it",
         [onehot(["u"]), rename({"u_a": "is_a"}), scale(["is_a"], "minmax", range=[-1, 1])], FILL)
    case("shape-onehot-drop-block", "onehot then drop the whole block by its glob; zscore after",
         [onehot(["u", "t"]), drop(["u_*"]), scale(["x"], "zscore")], FILL)
    case("shape-fill-on-indicator", "fill mean with indicator, then fill most_frequent and minmax on the indicator column",
         [fill(["x"], "mean", indicator=True), fill(["x_missing"], "most_frequent"), scale(["x_missing"], "minmax")], FILL)
    case("shape-tfidf-select-terms", "tfidf dense, then select some term columns by glob and minmax one of them (second pass)",
         [tokenize(["text"], stopwords="english"), tfidf(["text"], min_df=2), select(["id", "text_f*", "text_d*"]), scale(["text_fox"], "minmax")],
         m.TEXT)
    case("shape-tfidf-select-block", "tfidf dense, select the whole block with text_* and reorder around it (no second pass)",
         [tfidf(["text"], min_df=2), select(["other", "text_*", "id"])], m.TEXT)
    case("shape-fit-apply-select", "fit-apply: onehot (ignore unknown), zscore on u_*, select and rename; applied to rows with unknown categories",
         [onehot(["u"], handle_unknown="ignore"), scale(["u_*"], "zscore"), select(["u_*", "x"]), rename({"x": "value"})],
         FILL[:1] + FILL[5:] + [[r if j != 4 else "zz" for j, r in enumerate(FILL[1])]], fit_rows=FILL[:8])
    # Errors: a name written twice is a spec error (exit 2), never a second column of that name.
    case("shape-error-onehot-collision", "onehot of a makes a_x, which the input has: exit 2",
         [onehot(["a"])], [["a", "a_x", "b"], ["x", "1", "2"], ["y", "3", "4"]], expect_exit=2)
    case("shape-error-indicator-collision", "indicator b_missing next to an input column b_missing: exit 2",
         [fill(["b"], "mean", indicator=True)], [["b", "b_missing"], ["1", "0"], ["", "1"]], expect_exit=2)
    case("shape-error-rename-collision", "rename onto an existing column: exit 2",
         [rename({"x": "t"})], FILL, expect_exit=2)
    case("shape-error-rename-unknown", "rename of a column that does not exist: exit 2", [rename({"nope": "x"})], FILL, expect_exit=2)
    case("shape-error-select-unknown", "select of a column that does not exist: exit 2", [select(["x", "nope"])], FILL, expect_exit=2)
