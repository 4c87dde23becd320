"""Conformance cases for `bin` (KBinsDiscretizer with quantile_method="averaged_inverted_cdf",
subsample=None). Wired into make_cases.py: `add(mc)` gets that module. Each case cites the
scikit-learn test (sklearn/preprocessing/tests/test_discretization.py) it mirrors, where one exists."""

import random


def add(mc):
    def bin_(columns, **kw):
        return dict(stage="bin", columns=columns, **kw)

    case = mc.case
    # test_discretization.py's X
    X = [["a", "b", "c", "d"], [-2, 1.5, -4, -1], [-1, 2.5, -3, -0.5], [0, 3.5, -2, 0.5], [1, 4.5, -1, 2]]
    for strategy in ("uniform", "quantile", "kmeans"):
        case(f"bin-fit-transform-{strategy}", f"{strategy}, 3 bins on scikit-learn's test data; mirrors test_fit_transform",
             [bin_(["a", "b", "c", "d"], n_bins=3, strategy=strategy)], X)
        nonuniform = [["x", "k"]] + [[v, i] for i, v in enumerate([0, 0.5, 2, 3, 9, 10])]
        for n in (2, 3, 5):
            case(f"bin-nonuniform-{strategy}-{n}", f"{strategy}, {n} bins on [0, 0.5, 2, 3, 9, 10]; mirrors test_nonuniform_strategies",
                 [bin_(["x"], n_bins=n, strategy=strategy)], nonuniform)
        case(f"bin-same-min-max-{strategy}", f"{strategy} on a constant column: one bin, all 0; mirrors test_same_min_max",
             [bin_(["a", "b"], n_bins=3, strategy=strategy)], [["a", "b"], [1, -2], [1, -1], [1, 0], [1, 1]])
        case(f"bin-outside-fit-range-{strategy}", f"{strategy}: values outside the fitted range go to the first / last bin; mirrors test_transform_outside_fit_range",
             [bin_(["x"], n_bins=4, strategy=strategy)], [["x"], [-100], [2], [5.5], [100]],
             fit_rows=[["x"], [2], [4], [6], [3], [2], [5], [1]])
        case(f"bin-onehot-{strategy}", f"{strategy} onehot: <col>_0.0 … in the column's place, missing all zeros; mirrors test_encode_options",
             [bin_(["b", "d"], n_bins=3, strategy=strategy, encode="onehot")],
             [["a", "b", "d"], ["p", 1.5, -1], ["q", "", -0.5], ["r", 3.5, 0.5], ["s", 4.5, 2], ["t", 2.5, ""]])
    for strategy in ("quantile", "kmeans"):
        case(f"bin-redundant-{strategy}", f"{strategy}: narrow bins removed (0,0,0,0,3,3 in 3 bins); mirrors test_redundant_bins",
             [bin_(["x"], n_bins=3, strategy=strategy)], [["x", "k"], [0, 1], [0, 2], [0, 3], [0, 4], [3, 5], [3, 6]])
    for i in (1, 4, 8):
        case(f"bin-numeric-stability-{i}", f"quantile, 2 bins on [2, 4, 6, 8, 10] / 10^{i}; mirrors test_numeric_stability",
             [bin_(["x"], n_bins=2)], [["x", "k"]] + [[repr(v / 10 ** i), j] for j, v in enumerate([2.0, 4.0, 6.0, 8.0, 10.0])])
    case("bin-percentile-many-ties", "quantile, 10 bins on [0.05, 0.05, 0.95]: narrow bins removed; mirrors test_percentile_numeric_stability",
         [bin_(["x"], n_bins=10)], [["x", "k"], [0.05, 1], [0.05, 2], [0.95, 3]])

    rng = random.Random(1516)
    rows = [["id", "x", "y"]]
    for i in range(500):
        x = "" if rng.random() < 0.05 else repr(round(rng.gauss(50, 15), rng.choice([0, 1, 3])))
        y = repr(rng.choice([rng.expovariate(0.1), rng.uniform(-5, 5), 1000.0 + rng.random()]))
        rows.append([i, x, y])
    for strategy in ("uniform", "quantile", "kmeans"):
        for n in (2, 7, 20):
            case(f"bin-generated-{strategy}-{n}", f"500 generated rows (ties, missing, a skewed column), {strategy}, {n} bins",
                 [bin_(["x", "y"], n_bins=n, strategy=strategy)], rows)
    case("bin-generated-fit-apply", "generated rows: fit on 400, apply to 100 (some outside the range)",
         [bin_(["x", "y"], n_bins=6, strategy="kmeans")], [rows[0]] + rows[401:] + [[999, -1000, 1e9]], fit_rows=rows[:401])
    clusters = [["x"]] + [[repr(v)] for v in [0.0] * 30 + [1.0] * 3 + [10.0] * 2 + [100.0]]
    case("bin-kmeans-empty-clusters", "kmeans on clustered data whose uniform init leaves clusters empty (relocated)",
         [bin_(["x"], n_bins=5, strategy="kmeans")], clusters)
    case("bin-kmeans-too-few-values", "kmeans with fewer values than bins: spec error",
         [bin_(["x"], n_bins=5, strategy="kmeans")], [["x", "k"], [1, 1], [2, 2], [3, 3]], expect_exit=2)
    case("bin-edges", "fixed edges: values below the first and above the last edge in the end bins",
         [bin_(["x"], edges={"x": [0, 10, 20, 50]})], [["x", "k"], [-5, 1], [0, 2], [10, 3], [19.99, 4], [50, 5], [70, 6], ["", 7]])
    case("bin-edges-onehot", "fixed edges, onehot", [bin_(["x"], edges={"x": [0, 1, 2]}, encode="onehot")], [["x", "k"], [0.5, 1], [1.5, 2], ["", 3]])
    case("bin-edges-with-n-bins", "edges with n_bins: spec error", [bin_(["x"], edges={"x": [0, 1]}, n_bins=3)], [["x"], [1]], expect_exit=2)
    case("bin-edges-not-increasing", "edges not increasing: spec error", [bin_(["x"], edges={"x": [0, 2, 1]})], [["x"], [1]], expect_exit=2)
    case("bin-n-bins-one", "n_bins 1: spec error; mirrors test_valid_n_bins", [bin_(["x"], n_bins=1)], [["x"], [1]], expect_exit=2)
    case("bin-not-a-number", "a text value is a row error", [bin_(["x"])], [["x", "k"], [1, 1], ["abc", 2]], expect_exit=1)
    case("bin-no-observed-values", "a column with no observed values: error", [bin_(["x"])], [["x", "k"], ["", 1], ["NA", 2]], expect_exit=2)
    case("bin-fill-chain", "fill mean then quantile bins (the filled values count)",
         [mc.fill(["x"], "mean"), bin_(["x"], n_bins=4)], rows)
    case("bin-fill-median-kmeans", "fill median then kmeans bins, onehot",
         [mc.fill(["x"], "median"), bin_(["x"], n_bins=3, strategy="kmeans", encode="onehot")], rows)
    case("bin-scale-chain", "zscore then uniform bins", [mc.scale(["y"], "zscore"), bin_(["y"], n_bins=5, strategy="uniform")], rows)
    case("bin-onehot-then-scale", "bin onehot then zscore of its columns by a glob",
         [bin_(["x"], n_bins=3, encode="onehot", strategy="uniform"), mc.scale(["x_*"], "zscore")], [r[:2] for r in rows[:60]])
    penguins = mc.sample_text("penguins.csv")
    case("bin-penguins", "penguins: quantile bill length, kmeans body mass onehot (NA missing)",
         [bin_(["bill_length_mm"], n_bins=4), bin_(["body_mass_g"], n_bins=3, strategy="kmeans", encode="onehot")], None, input_text=penguins)
