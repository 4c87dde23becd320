#!/usr/bin/env python3
"""Checks a `prepline profile --json` document against pandas itself on the same CSV.

usage: check_profile.py DATA.csv PROFILE.json [--missing TOKENS_JSON] [--sep ,] [--estimates]

Every figure is recomputed with pandas (numpy for the histogram): counts exactly, the rest
within 1e-12 relative (the nullity correlation within 1e-12 absolute, pandas' NaN as null).
With --estimates (a run past its budgets) the figures marked inexact are checked against the
errors the README states instead: HyperLogLog within 5 standard errors (4.05%), quantiles
within 0.1% relative. Prints the disagreements and exits 1 when there is any.
"""
import argparse, json, math, sys
import numpy as np, pandas as pd

ap = argparse.ArgumentParser()
ap.add_argument("data"); ap.add_argument("profile")
ap.add_argument("--missing", default=json.dumps(["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"]))
ap.add_argument("--sep", default=",")
ap.add_argument("--estimates", action="store_true")
a = ap.parse_args()
tokens = json.loads(a.missing)
prof = json.load(open(a.profile))
df = pd.read_csv(a.data, sep=a.sep, keep_default_na=False, na_values=tokens)
text = pd.read_csv(a.data, sep=a.sep, keep_default_na=False, na_values=tokens, dtype=str)
bad = []

def same(name, got, want, rel=1e-12, absolute=0.0):
    if want is None or (isinstance(want, float) and math.isnan(want)):
        if got is not None:
            bad.append(f"{name}: prepline {got!r}, pandas NaN")
        return
    if got is None:
        bad.append(f"{name}: prepline null, pandas {want!r}"); return
    # An infinite std or quantile (past a double's range) is written "inf" or "-inf".
    if got in ("inf", "-inf"):
        got = math.inf if got == "inf" else -math.inf
    want = float(want)
    if not (got == want or abs(got - want) <= max(rel * abs(want), absolute)):
        bad.append(f"{name}: prepline {got!r}, pandas {want!r}")

def exact(name, got, want):
    if got != want:
        bad.append(f"{name}: prepline {got!r}, pandas {want!r}")

HLL_TOLERANCE = 5 * 1.04 / math.sqrt(16384)
SKETCH_TOLERANCE = 0.001

exact("profile", prof["profile"], 1)
exact("rows", prof["rows"], len(df))
exact("column_count", prof["column_count"], len(df.columns))
exact("missing_cells", prof["missing_cells"], int(df.isna().sum().sum()))
if prof["duplicate_rows_exact"]:
    exact("duplicate_rows", prof["duplicate_rows"], int(df.duplicated().sum()))
elif a.estimates:
    if not prof["duplicate_rows"] <= int(df.duplicated().sum()):
        bad.append(f"duplicate_rows past the budget: {prof['duplicate_rows']} is not a lower bound of {int(df.duplicated().sum())}")
else:
    bad.append("duplicate_rows_exact is false within the budget")
exact("column names", [c["name"] for c in prof["columns"]], list(df.columns))

for c in prof["columns"]:
    name = c["name"]; s = df[name]; t = text[name]
    exact(f"{name} count", c["count"], int(s.count()))
    exact(f"{name} missing", c["missing"], int(s.isna().sum()))
    same(f"{name} missing_ratio", c["missing_ratio"], float(s.isna().mean()))
    numeric = c["type"] in ("integer", "number")
    if not numeric and c["count"] > 0 and pd.api.types.is_float_dtype(s):
        bad.append(f"{name}: prepline says {c['type']}, pandas reads {s.dtype}")
    if c["count"] == 0:
        exact(f"{name} type of an empty column", c["type"], "any")
        continue
    if numeric:
        if not (pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)):
            bad.append(f"{name}: prepline says {c['type']}, pandas reads {s.dtype}")
            continue
        # The infinities (inf, 1e999) are counted; the other figures but count, distinct and
        # negatives are of the finite values (pandas' describe gives inf or NaN there).
        exact(f"{name} infinite", c.get("infinite", 0), int(np.isinf(s.astype(float)).sum()))
        full = s
        s = s[~np.isinf(s.astype(float))]
        values = s.dropna().astype(float)
        if c["distinct_exact"]:
            exact(f"{name} distinct", c["distinct"], int(full.nunique()))
        elif a.estimates:
            same(f"{name} distinct (estimate)", c["distinct"], int(full.nunique()), rel=HLL_TOLERANCE)
        else:
            bad.append(f"{name}: distinct_exact false within the budget")
        if values.empty:
            for key in ("min", "max", "mean", "std"):
                exact(f"{name} {key} with no finite value", c[key], None)
            if "histogram" in c: bad.append(f"{name}: a histogram with no finite value")
            exact(f"{name} negatives", c["negatives"], int((full < 0).sum()))
            continue
        d = s.describe()
        for key, want in (("min", d["min"]), ("max", d["max"]), ("mean", d["mean"]), ("std", d["std"])):
            same(f"{name} {key}", c[key], float(want))
        same(f"{name} mean (Series.mean)", c["mean"], float(s.mean()))
        same(f"{name} std (Series.std)", c["std"], float(s.std()))
        qs = s.quantile([0.05, 0.25, 0.5, 0.75, 0.95])
        for key, q in zip(["0.05", "0.25", "0.5", "0.75", "0.95"], [0.05, 0.25, 0.5, 0.75, 0.95]):
            if c["quantiles_exact"]:
                same(f"{name} quantile {key}", c["quantiles"][key], float(qs[q]))
            elif a.estimates:
                same(f"{name} quantile {key} (sketch)", c["quantiles"][key], float(qs[q]), rel=SKETCH_TOLERANCE, absolute=1e-300)
            else:
                bad.append(f"{name}: quantiles_exact false within the budget")
        for key, want in (("25%", 0.25), ("50%", 0.5), ("75%", 0.75)):
            if c["quantiles_exact"]:
                same(f"{name} describe {key}", c["quantiles"][str(want)], float(d[key]))
        counts, edges = np.histogram(values.to_numpy(), bins=20)
        if c["histogram_exact"]:
            exact(f"{name} histogram counts", c["histogram"]["counts"], [int(x) for x in counts])
            for i, (g, w) in enumerate(zip(c["histogram"]["edges"], edges)):
                same(f"{name} histogram edge {i}", g, float(w))
        exact(f"{name} zeros", c["zeros"], int((s == 0).sum()))
        exact(f"{name} negatives", c["negatives"], int((full < 0).sum()))
        for key in ("length", "top"):
            if key in c: bad.append(f"{name}: numeric column has {key}")
    else:
        for key in ("mean", "std", "quantiles", "histogram"):
            if key in c: bad.append(f"{name}: {c['type']} column has {key}")
        if c["distinct_exact"]:
            exact(f"{name} distinct", c["distinct"], int(t.nunique()))
        elif a.estimates:
            same(f"{name} distinct (estimate)", c["distinct"], int(t.nunique()), rel=HLL_TOLERANCE)
        else:
            bad.append(f"{name}: distinct_exact false within the budget")
        lengths = t.dropna().str.len()
        exact(f"{name} length min", c["length"]["min"], int(lengths.min()))
        exact(f"{name} length max", c["length"]["max"], int(lengths.max()))
        same(f"{name} length mean", c["length"]["mean"], float(lengths.mean()))
        vc = t.value_counts().head(10)
        want = [[str(v), int(n)] for v, n in vc.items()]
        got = [[e["value"], e["count"]] for e in c["top"]]
        if c["top_exact"]:
            exact(f"{name} top (value_counts)", got, want)
        elif a.estimates:
            full = t.value_counts()
            for v, n in got:
                exact(f"{name} top count of {v!r}", n, int(full[v]))
        else:
            bad.append(f"{name}: top_exact false within the budget")

# Missingness bands: contiguous, covering every row, at most 200, shares as pandas computes them.
bands = prof["missingness"]["bands"]
if len(bands) > 200: bad.append(f"{len(bands)} bands")
expected_first = 0
for b in bands:
    exact("band first_row", b["first_row"], expected_first)
    expected_first = b["last_row"] + 1
    share = df.iloc[b["first_row"]:b["last_row"] + 1].isna().mean()
    for name in df.columns:
        same(f"band {b['first_row']}-{b['last_row']} {name}", b["missing"][name], float(share[name]))
exact("bands cover the rows", expected_first, len(df))

if "nullity_correlation" in prof:
    corr = df.isna().corr()
    for i in df.columns:
        for j in df.columns:
            same(f"nullity_correlation {i} {j}", prof["nullity_correlation"][i][j], float(corr.loc[i, j]), absolute=1e-12)

if bad:
    print("\n".join(bad[:40]))
    print(f"{len(bad)} disagreements")
    sys.exit(1)
print("ok")
