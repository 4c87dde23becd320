#!/usr/bin/env python3
"""Profile peer: Polars computes the figures prepline profile reports (per column).

usage: polars_profile.py INPUT OUTPUT [--threads N]

One eager read_csv with the bench's missing tokens, then per column: describe()
(count, null_count, mean, std, min, max, 25/50/75%), n_unique, and the five
quantiles 5/25/50/75/95 with the "linear" interpolation; written as JSON. This
is less than prepline computes (no histogram, top values, text lengths,
duplicate rows, missingness bands or nullity correlation), so the ratio favours
Polars.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_args

args = peer_args.parse(__doc__)
if args.threads:
    os.environ["POLARS_MAX_THREADS"] = str(args.threads)
import polars as pl

df = pl.read_csv(args.input, null_values=["", "NA", "null", "?"], infer_schema_length=10000)
out = {"describe": df.describe().to_dicts(), "null_count": df.null_count().to_dicts()[0],
       "n_unique": {c: df[c].n_unique() for c in df.columns}}
numeric = [c for c, t in df.schema.items() if t.is_numeric()]
out["quantiles"] = {c: [df[c].quantile(q, interpolation="linear") for q in (0.05, 0.25, 0.5, 0.75, 0.95)] for c in numeric}
with open(args.output, "w") as f:
    json.dump(out, f, default=str)
