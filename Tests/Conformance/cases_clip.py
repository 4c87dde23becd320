"""Conformance cases for the `clip` stage (reference: ref_clip.py). Added to make_cases.py's CASES
by `add(ns)`, which receives make_cases.py's namespace (its `case` and helpers)."""

import json
import os
import random


def clip(columns, **kw):
    return dict(stage="clip", columns=columns, **kw)


def add(ns):
    case, fill, scale, penguins = ns["case"], ns["fill"], ns["scale"], ns["penguins"]
    rng = random.Random(777)
    rows = [["k", "v", "w"]]
    for i in range(300):
        v = "" if rng.random() < 0.1 else repr(rng.gauss(50, 15))
        w = "NA" if rng.random() < 0.05 else str(rng.randint(-20, 20))  # many ties
        rows.append([i, v, w])
    rows += [[900, "400", "300"], [901, "-250", "-90"], [902, "1e6", "0"]]  # outliers
    small = [["k", "v"], [1, "-5"], [2, "0"], [3, ""], [4, "3.5"], [5, "10"], [6, "12"]]

    # Fixed bounds (numpy test_numeric.py::TestClip::test_simple_double).
    case("clip-fixed-both", "clip fixed min 0, max 10: np.clip", [clip(["v"], min=0, max=10)], small)
    case("clip-fixed-min", "clip fixed min only (no upper bound)", [clip(["v"], min=1)], small)
    case("clip-fixed-max", "clip fixed max only, on two columns", [clip(["v", "w"], max=2.5)], rows)
    case("clip-fixed-missing-indicator", "clip fixed [0, 10], action missing, indicator", [clip(["v"], min=0, max=10, action="missing", indicator=True)], small)
    case("clip-fixed-reject", "clip fixed [0, 10], action reject: a value beyond a fence is a row-level error (exit 1)",
         [clip(["v"], min=0, max=10, action="reject")], small, expect_exit=1)
    case("clip-fixed-reject-none-outside", "clip fixed, action reject, every value inside: nothing fails",
         [clip(["v"], min=-5, max=12, action="reject")], small)

    # Learned fences (numpy test_function_base.py::TestPercentile::test_linear_nan_1D and
    # ::test_linear_interpolation for the percentiles; scikit-learn's RobustScaler for the quartiles).
    # One case per kind of fence, each variant on its own copy of v and w (a Python start per case).
    def copies(n):
        return [["k"] + [f"{c}{j}" for j in range(n) for c in ("v", "w")]] + [[r[0]] + [r[1], r[2]] * n for r in rows[1:]]
    quantiles = ([0.05, 0.95], [0.0, 1.0], [0.1, 0.5], [0.333, 0.667])
    case("clip-quantiles", f"clip quantiles {', '.join(map(str, quantiles))}: np.percentile(x, 100 * q) on the observed values, ties in w",
         [clip([f"v{j}", f"w{j}"], quantiles=q) for j, q in enumerate(quantiles)], copies(len(quantiles)))
    case("clip-iqr", "clip iqr 1.5, 0, 3 with indicator: Tukey fences Q1 - k IQR, Q3 + k IQR, np.percentile(x, [25, 75])",
         [clip([f"v{j}", f"w{j}"], iqr=k, indicator=True) for j, k in enumerate((1.5, 0, 3))], copies(3))
    case("clip-zscore", "clip zscore 2, 0, 0.5: np.mean(x) -/+ k np.std(x) (ddof 0)",
         [clip([f"v{j}", f"w{j}"], zscore=k) for j, k in enumerate((2, 0, 0.5))], copies(3))
    case("clip-quantiles-missing-indicator", "clip quantiles [0.1, 0.9], action missing, indicator", [clip(["v"], quantiles=[0.1, 0.9], action="missing", indicator=True)], rows)
    case("clip-iqr-reject", "clip iqr 1.5, action reject: the outliers fail (exit 1)", [clip(["v"], iqr=1.5, action="reject")], rows, expect_exit=1)
    near = [["k", "v"]] + [[i, repr(1e10 + rng.uniform(-1e-3, 1e-3))] for i in range(400)] + [[999, repr(1e10 + 1)]]
    case("clip-zscore-near-constant", "clip zscore 3 on 1e10 + U(-1e-3, 1e-3) and one 1e10 + 1 (scikit-learn test_data.py::test_standard_scaler_near_constant_features shape)",
         [clip(["v"], zscore=3, indicator=True)], near)

    # Chains.
    case("clip-fill-clip-scale", "fill median -> clip quantiles [0.05, 0.95] -> zscore: the clip learns on the filled values, the scaler on the clipped ones",
         [fill(["v"], "median"), clip(["v"], quantiles=[0.05, 0.95]), scale(["v"], "zscore")], rows)
    case("clip-fill-fixed-clip-scale", "fill mean -> clip fixed [45, 80] (the mean fill value is clipped too) -> robust",
         [fill(["v"], "mean"), clip(["v"], min=45, max=80), scale(["v"], "robust")], rows)
    case("clip-missing-then-fill", "clip iqr 1.5 action missing -> fill mean with indicator: the fill learns without the outliers and fills them",
         [clip(["v"], iqr=1.5, action="missing"), fill(["v"], "mean", indicator=True)], rows)
    case("clip-zscore-then-minmax", "clip zscore 2 -> minmax: the scaler's range is the fences",
         [clip(["w"], zscore=2), scale(["w"], "minmax")], rows)

    # Fit on some rows, apply to others: the fences are learned on the fit rows.
    apply_rows = [rows[0]] + rows[200:] + [[990, "-1e9", "1e9"], [991, "", ""]]
    case("clip-fit-apply-quantiles", "fit clip quantiles [0.05, 0.95] on 200 rows, apply to the others and to values far beyond",
         [clip(["v", "w"], quantiles=[0.05, 0.95], indicator=True)], apply_rows, fit_rows=rows[:201])
    case("clip-fit-apply-iqr-missing", "fit clip iqr 1 action missing on 200 rows, apply to others",
         [clip(["v", "w"], iqr=1, action="missing")], apply_rows, fit_rows=rows[:201])
    case("clip-fit-apply-zscore-scale", "fit clip zscore 1.5 -> zscore on 200 rows, apply to others",
         [clip(["v"], zscore=1.5), scale(["v"], "zscore")], apply_rows, fit_rows=rows[:201])
    case("clip-fit-apply-reject", "fit clip iqr 1.5 action reject on inliers, apply to data with an outlier: exit 1",
         [clip(["w"], iqr=1.5, action="reject")], [["k", "v", "w"], [1, "1", "500"]], fit_rows=rows[:201], expect_exit=1)

    # Real sample.
    case("clip-penguins", "penguins: fill median -> clip iqr 1.5 (indicator) -> zscore on body_mass_g; clip quantiles [0.01, 0.99] on bill_length_mm",
         [fill(["body_mass_g"], "median"), clip(["body_mass_g"], iqr=1.5, indicator=True), scale(["body_mass_g"], "zscore"),
          clip(["bill_length_mm"], quantiles=[0.01, 0.99])], None, input_={"missing": ["NA"]}, input_text=penguins)

    # The example in pipelines/ (its numbers in pipelines/README.md are these).
    with open(os.path.join(ns["HERE"], "..", "..", "pipelines", "penguins-clip.json"), encoding="utf-8") as f:
        example = json.load(f)
    case("clip-pipelines-penguins-example", "pipelines/penguins-clip.json on penguins: clip quantiles + indicator -> zscore, iqr -> robust, log1p",
         example["stages"], None, input_=example["input"], input_text=penguins)

    # Impossible options: spec errors (exit 2).
    for name, stage in [("min-not-below-max", clip(["v"], min=5, max=5)), ("fixed-and-learned", clip(["v"], max=1, iqr=1.5)),
                        ("two-learned", clip(["v"], iqr=1.5, zscore=3)), ("quantiles-percent", clip(["v"], quantiles=[5, 95])),
                        ("quantiles-reversed", clip(["v"], quantiles=[0.9, 0.1])), ("iqr-negative", clip(["v"], iqr=-1)),
                        ("zscore-negative", clip(["v"], zscore=-0.1)), ("unknown-action", clip(["v"], min=0, action="drop")),
                        ("no-fences", clip(["v"]))]:
        case(f"clip-spec-{name}", f"clip {name}: spec error (exit 2)", [stage], small, expect_exit=2)
    case("clip-no-observed-values", "clip quantiles on a column with no observed values: exit 2",
         [clip(["v"], quantiles=[0.1, 0.9])], [["k", "v"], [1, ""], [2, "NA"]], expect_exit=2)
