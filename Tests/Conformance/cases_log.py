"""Conformance cases for the `log` stage (reference: ref_log.py). Added to make_cases.py's CASES
by `add(ns)`, which receives make_cases.py's namespace (its `case` and helpers)."""

import random

METHODS = ["log1p", "log", "log2", "log10", "sqrt"]


def log(columns, **kw):
    return dict(stage="log", columns=columns, **kw)


def add(ns):
    case, fill, scale, penguins = ns["case"], ns["fill"], ns["scale"], ns["penguins"]
    rng = random.Random(4242)
    # Positive values over many magnitudes, many digits, missing ones (NA and empty).
    positive = [["k", "v"]]
    for i in range(200):
        r = rng.random()
        if r < 0.1:
            v = rng.choice(["", "NA"])
        elif r < 0.2:
            v = repr(10.0 ** rng.uniform(-300, 300))
        elif r < 0.3:
            v = repr(1 + rng.uniform(-1e-9, 1e-9))
        else:
            v = repr(rng.uniform(0, 1000))
        positive.append([i, v])
    positive += [[900, "1"], [901, "2"], [902, "1e-320"], [903, "1.7976931348623157e308"]]
    # One case for the five methods (a column each): every case costs a Python start.
    wide = [["k"] + [f"v_{m}" for m in METHODS]] + [[r[0]] + [r[1]] * len(METHODS) for r in positive[1:]]
    case("log-every-method", "log methods log1p, log, log2, log10, sqrt (a column each) on 200 positive values (1e-300 .. 1e300, "
         "near 1, subnormal, the largest double), missing kept: FunctionTransformer(np.<method>) (scikit-learn "
         "test_function_transformer.py::test_np_log)", [log([f"v_{m}"], method=m) for m in METHODS], wide)
    case("log-default-log1p-small", "log with the default method (log1p) on 0, -0.5, -0.999999 and values near 0, where log1p differs from log(1+x)",
         [log(["v"])], [["k", "v"], [1, "0"], [2, "-0.5"], [3, "-0.999999"], [4, "1e-17"], [5, "-1e-10"], [6, "3"], [7, ""]])
    case("log-sqrt-zero-and-negative-zero", "sqrt of 0 and -0 (the domain's edge: numpy gives 0.0 and -0.0)",
         [log(["v"], method="sqrt")], [["k", "v"], [1, "0"], [2, "-0"], [3, "2"]])
    for method, bad in [("log1p", "-1"), ("log1p", "-7.5"), ("log", "0"), ("log", "-0"), ("log2", "-3"), ("log10", "0"), ("sqrt", "-1e-300")]:
        case(f"log-{method}-domain-{bad}", f"log method {method} of {bad}: outside the domain, a row-level error (exit 1)",
             [log(["v"], method=method)], [["k", "v"], [1, "1"], [2, bad], [3, "2"]], expect_exit=1)
    case("log-spec-unknown-method", "log with method \"ln\": spec error (exit 2)", [log(["v"], method="ln")], [["k", "v"], [1, "1"]], expect_exit=2)
    case("log-fill-log-zscore", "fill mean -> log1p -> zscore: the scaler fits on the logged filled values (a second fit pass), "
         "Pipeline(SimpleImputer, FunctionTransformer(np.log1p), StandardScaler)",
         [fill(["v"], "mean"), log(["v"]), scale(["v"], "zscore")], positive[:-1])  # the largest double would overflow numpy's mean
    case("log-then-robust", "log10 -> robust in one fit pass (nothing to learn before the scaler)",
         [log(["v"], method="log10"), scale(["v"], "robust")], positive)
    case("log-penguins", "penguins: log of body_mass_g, log1p of flipper_length_mm then zscore, sqrt of bill_depth_mm (NA stays missing)",
         [log(["body_mass_g"], method="log"), log(["flipper_length_mm"]), scale(["flipper_length_mm"], "zscore"),
          log(["bill_depth_mm"], method="sqrt")], None, input_={"missing": ["NA"]}, input_text=penguins)
    case("log-fit-apply", "fit log2 -> minmax on some rows, apply to others (the scaler's range learned on the logged fit rows)",
         [log(["v"], method="log2"), scale(["v"], "minmax")], [positive[0]] + positive[120:], fit_rows=positive[:120])
