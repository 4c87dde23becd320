#!/usr/bin/env python3
"""Tabular peer: Polars does the tabular work (bench/specs/tabular.json).

usage: polars_tabular.py INPUT OUTPUT [--threads N] [--eager]

  age, income  fill missing with the mean, then z-score (population std, ddof 0)
  score        min-max to [0, 1]
  city         fill missing with "unknown", then one-hot
  device       one-hot
  the rest     passed through unchanged

The missing tokens "", "NA", "null" and "?" are given as null_values: without
them Polars infers age and income as String (because of "NA"/"?").

Default: lazy, two scans of the file. The first collects the statistics and
the sorted category lists (projection pushdown: only age, income, score, city,
device are materialised); the second applies them as literal expressions
(one-hot as `(col == category).cast(UInt8)`, which is what to_dummies
produces) and streams the result with sink_csv. --eager reads the file once
with read_csv, computes the statistics as column aggregates and one-hot
encodes with DataFrame.to_dummies before write_csv. Same numbers; the two
measured the same wall time here (eager: less CPU, lazy: less memory), so
bench/run.sh times both and holds prepline to the faster.

As scikit-learn's Pipeline does, the scaler's statistics are those of the
filled column (a filled row's z-score is then (mean - mean') / std, a few
1e-16, not exactly 0); a zero std or range scales by 1, as scikit-learn does.
Categories are sorted by code point (Polars sorts strings by UTF-8 bytes).

--threads caps Polars' thread pool (POLARS_MAX_THREADS, which must be set
before polars is imported) so the peer uses the same cores as prepline.
"""
import peer_args
import os
import sys

MISSING = ["", "NA", "null", "?"]
ZSCORE = ["age", "income"]


def lazy(pl, inp: str, out: str) -> None:
    lf = pl.scan_csv(inp, null_values=MISSING)
    filled = {c: pl.col(c).fill_null(pl.col(c).mean()) for c in ZSCORE}
    st = lf.select(
        *[pl.col(c).mean().alias(f"{c}_fill") for c in ZSCORE],
        *[filled[c].mean().alias(f"{c}_mean") for c in ZSCORE],
        *[filled[c].std(ddof=0).alias(f"{c}_std") for c in ZSCORE],
        pl.col("score").min().cast(pl.Float64).alias("score_min"),
        pl.col("score").max().cast(pl.Float64).alias("score_max"),
        pl.col("city").fill_null("unknown").unique().sort().implode().alias("city_cats"),
        pl.col("device").unique().sort().implode().alias("device_cats"),
    ).collect().row(0, named=True)

    exprs = []
    for name in lf.collect_schema().names():
        if name in ZSCORE:
            fill, center, std = st[f"{name}_fill"], st[f"{name}_mean"], st[f"{name}_std"] or 1.0
            exprs.append(((pl.col(name).fill_null(fill) - center) / std).alias(name))
        elif name == "score":
            lo, rng = st["score_min"], (st["score_max"] - st["score_min"]) or 1.0
            exprs.append(((pl.col(name) - lo) / rng).alias(name))
        elif name in ("city", "device"):
            col = pl.col(name).fill_null("unknown") if name == "city" else pl.col(name)
            exprs += [(col == v).cast(pl.UInt8).alias(f"{name}_{v}") for v in st[f"{name}_cats"]]
        else:
            exprs.append(pl.col(name))
    lf.select(exprs).sink_csv(out)


def eager_frame(pl, inp: str):
    """The eager tabular work as a DataFrame (polars_sklearn_full.py adds TF-IDF to it)."""
    df = pl.read_csv(inp, null_values=MISSING)
    df = df.with_columns(*[pl.col(c).fill_null(pl.col(c).mean()) for c in ZSCORE],
                         pl.col("city").fill_null("unknown"))
    nz = lambda e: pl.when(e == 0).then(1.0).otherwise(e)  # scikit-learn's _handle_zeros_in_scale
    smin, smax = pl.col("score").min(), pl.col("score").max()
    df = df.with_columns(
        *[(pl.col(c) - pl.col(c).mean()) / nz(pl.col(c).std(ddof=0)) for c in ZSCORE],
        (pl.col("score") - smin) / nz(smax - smin),
    )
    return df.to_dummies(columns=["city", "device"])


def eager(pl, inp: str, out: str) -> None:
    eager_frame(pl, inp).write_csv(out)


def main() -> int:
    a = peer_args.parse(__doc__, eager=True)
    if a.threads:
        os.environ["POLARS_MAX_THREADS"] = str(a.threads)
    import polars as pl  # after POLARS_MAX_THREADS is set

    (eager if a.eager else lazy)(pl, a.input, a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
