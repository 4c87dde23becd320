"""A profile document (DESIGN.md F2, `"profile": 1`) of a CSV computed by pandas and numpy, for
the HTML page's tests: python3 pandas_profile.py INPUT.csv OUTPUT.json [BANDS]

The figures are pandas' own (isna, nunique, describe, quantile, value_counts, duplicated,
isna().corr()), so the page is drawn from numbers it did not compute itself.
"""
import json
import math
import sys

import numpy as np
import pandas as pd


def clean(value):
    """JSON-safe: numpy scalars to Python, NaN/inf to None."""
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


def column_profile(name, series, rows):
    missing = int(series.isna().sum())
    present = series.dropna()
    entry = {"name": name}
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    if numeric:
        # Integral values are Table Schema integers even when NaN made pandas read floats.
        integral = len(present) > 0 and bool((present.astype("float64") % 1 == 0).all())
        entry["type"] = "integer" if integral else "number"
    else:
        entry["type"] = "string"
    entry["count"] = int(len(present))
    entry["missing"] = missing
    entry["missing_ratio"] = missing / rows if rows else 0.0
    entry["distinct"] = int(series.nunique())
    entry["distinct_exact"] = True
    if numeric:
        values = present.astype("float64").to_numpy()
        if len(values):
            entry["min"] = clean(values.min())
            entry["max"] = clean(values.max())
            entry["mean"] = clean(present.mean())
            entry["std"] = clean(present.std(ddof=1))
            entry["quantiles"] = {key: clean(np.quantile(values, float(key))) for key in ["0.05", "0.25", "0.5", "0.75", "0.95"]}
            counts, edges = np.histogram(values, bins=20)
            entry["quantiles_exact"] = True
            entry["histogram"] = {"edges": [clean(e) for e in edges], "counts": [int(c) for c in counts]}
            entry["histogram_exact"] = True
        entry["zeros"] = int((present == 0).sum())
        entry["negatives"] = int((present < 0).sum())
    else:
        text = present.astype(str)
        if len(text):
            lengths = text.str.len()
            entry["length"] = {"min": int(lengths.min()), "mean": clean(lengths.mean()), "max": int(lengths.max())}
        top = text.value_counts(sort=True).head(10)
        entry["top"] = [{"value": value, "count": int(count)} for value, count in top.items()]
        entry["top_exact"] = True
    return entry


def main():
    path, out = sys.argv[1], sys.argv[2]
    max_bands = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    df = pd.read_csv(path, keep_default_na=True)
    rows = len(df)
    isna = df.isna()
    document = {
        "profile": 1,
        "input": path.rsplit("/", 1)[-1],
        "rows": rows,
        "column_count": len(df.columns),
        "missing_cells": int(isna.to_numpy().sum()),
        "duplicate_rows": int(df.duplicated().sum()),
        "duplicate_rows_exact": True,
        "malformed_rows": 0,
        "budgets": {"distinct": 1000000, "quantile": 1000000},
        "columns": [column_profile(name, df[name], rows) for name in df.columns],
    }
    bands = []
    count = min(max_bands, rows)
    for band in range(count):
        first, last = band * rows // count, (band + 1) * rows // count
        share = isna.iloc[first:last].mean()
        # 0-based rows, inclusive, as prepline's document (README, "The JSON document").
        bands.append({"first_row": first, "last_row": last - 1,
                      "missing": {name: clean(share[name]) for name in df.columns}})
    document["missingness"] = {"bands": bands}
    corr = isna.astype("float64").corr()
    document["nullity_correlation"] = {a: {b: clean(corr.loc[a, b]) for b in df.columns} for a in df.columns}
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=1)


main()
