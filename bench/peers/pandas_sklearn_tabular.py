#!/usr/bin/env python3
"""Tabular peer: pandas + scikit-learn, the way a typical user script does it.

usage: pandas_sklearn_tabular.py INPUT OUTPUT [--threads N]

pd.read_csv -> ColumnTransformer of Pipelines (SimpleImputer, StandardScaler,
MinMaxScaler, OneHotEncoder(sparse_output=False)) with pandas output ->
columns put back in input order (one-hot columns in place of their source) ->
DataFrame.to_csv. The work is bench/specs/tabular.json:

  age, income  fill missing with the mean, then z-score (population std)
  score        min-max to [0, 1]
  city         fill missing with "unknown", then one-hot
  device       one-hot
  the rest     passed through unchanged

The missing tokens are "", "NA", "null" and "?". pandas' default na_values
cover the first three but not "?", so they are given explicitly (with
keep_default_na=False so that no other token, e.g. "None" or "N/A", is turned
into a missing value). Without that, age and income are read as strings and
SimpleImputer(strategy="mean") raises, and "?" becomes a city category.

--threads caps the BLAS/OpenMP pools (set before numpy is imported); pandas
and this pipeline are single-threaded anyway.
"""
import peer_args
import sys

MISSING = ["", "NA", "null", "?"]


def tabular_transformers():
    """The tabular work as ColumnTransformer entries (pandas_sklearn_full.py adds TF-IDF)."""
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

    return [
        ("num", Pipeline([("fill", SimpleImputer(strategy="mean")),
                          ("scale", StandardScaler())]), ["age", "income"]),
        ("score", MinMaxScaler(), ["score"]),
        ("city", Pipeline([("fill", SimpleImputer(strategy="constant", fill_value="unknown")),
                           ("onehot", OneHotEncoder(sparse_output=False))]), ["city"]),
        ("device", OneHotEncoder(sparse_output=False), ["device"]),
    ]


def main() -> int:
    a = peer_args.parse(__doc__)
    peer_args.cap_blas_threads(a.threads)

    import pandas as pd
    from sklearn.compose import ColumnTransformer

    df = pd.read_csv(a.input, keep_default_na=False, na_values=MISSING)

    ct = ColumnTransformer(
        tabular_transformers(),
        remainder="passthrough",
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")
    out = ct.fit_transform(df)

    write_in_source_order(out, df.columns, onehot_names(ct), a.output)
    return 0


def onehot_names(ct) -> dict:
    """The one-hot output columns of city and device, by source column."""
    return {col: list(ct.named_transformers_[col].get_feature_names_out([col])) for col in ("city", "device")}


def write_in_source_order(out, source_columns, expanded: dict, path: str) -> None:
    """ColumnTransformer emits its transformers' columns first and the remainder last; this
    writes every output column back at its source column's position, as prepline does."""
    order = []
    for col in source_columns:
        order += expanded.get(col, [col])
    out[order].to_csv(path, index=False)


if __name__ == "__main__":
    sys.exit(main())
