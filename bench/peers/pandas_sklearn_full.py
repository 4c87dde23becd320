#!/usr/bin/env python3
"""Full peer: pandas + scikit-learn, the way a typical user script does it (bench/specs/full.json).

usage: pandas_sklearn_full.py INPUT OUTPUT [--threads N]

pandas_sklearn_tabular.py's ColumnTransformer plus, on review, a Pipeline of
SimpleImputer(constant "") and TfidfVectorizer(lowercase=True,
stop_words="english", max_features=64, min_df=2), dense pandas output, the
columns put back in input order (review_<term> in place of review), to_csv.

--threads caps the BLAS/OpenMP pools (set before numpy is imported); pandas
and this pipeline are single-threaded anyway.
"""
import peer_args
import sys

import pandas_sklearn_tabular

MISSING = pandas_sklearn_tabular.MISSING


def main() -> int:
    a = peer_args.parse(__doc__)
    peer_args.cap_blas_threads(a.threads)

    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    df = pd.read_csv(a.input, keep_default_na=False, na_values=MISSING)

    text = Pipeline([("fill", SimpleImputer(strategy="constant", fill_value="")),
                     ("flat", FunctionTransformer(lambda x: x.ravel(), feature_names_out="one-to-one")),
                     ("tfidf", TfidfVectorizer(lowercase=True, stop_words="english", max_features=64, min_df=2))])
    ct = ColumnTransformer(
        pandas_sklearn_tabular.tabular_transformers() + [("review", text, ["review"])],
        remainder="passthrough",
        verbose_feature_names_out=False,
        sparse_threshold=0,
    )
    matrix = ct.fit_transform(df)
    tfidf_names = [f"review_{t}" for t in ct.named_transformers_["review"].named_steps["tfidf"].get_feature_names_out()]
    names = []
    for name, transformer, columns in ct.transformers_:
        if name == "review":
            names += tfidf_names
        elif name == "remainder":
            names += [df.columns[i] for i in columns] if len(columns) and not isinstance(columns[0], str) else list(columns)
        else:
            names += list(transformer.get_feature_names_out(columns))
    out = pd.DataFrame(matrix, columns=names)

    expanded = pandas_sklearn_tabular.onehot_names(ct)
    expanded["review"] = tfidf_names
    pandas_sklearn_tabular.write_in_source_order(out, df.columns, expanded, a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
