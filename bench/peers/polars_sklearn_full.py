#!/usr/bin/env python3
"""Full peer: Polars does the tabular work, scikit-learn's TfidfVectorizer the text (bench/specs/full.json).

usage: polars_sklearn_full.py INPUT OUTPUT [--threads N]

The tabular part is polars_tabular.py's eager variant (read_csv, column
aggregates, to_dummies). review: TfidfVectorizer(lowercase=True,
stop_words="english", max_features=64, min_df=2) fitted and applied on the
column (a missing review is the empty document), its 64 dense columns
review_<term> put in the review column's place, then write_csv. Polars has no
TF-IDF, so this is how a Polars user gets one: the text goes through Python
strings and a scipy sparse matrix, densified for the CSV.

--threads caps Polars' thread pool (POLARS_MAX_THREADS, set before polars is
imported) and the BLAS/OpenMP pools.
"""
import peer_args
import os
import sys

import polars_tabular


def main() -> int:
    a = peer_args.parse(__doc__)
    if a.threads:
        for var in ("POLARS_MAX_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(a.threads)
    import polars as pl
    from sklearn.feature_extraction.text import TfidfVectorizer

    df = polars_tabular.eager_frame(pl, a.input)

    vec = TfidfVectorizer(lowercase=True, stop_words="english", max_features=64, min_df=2)
    weights = vec.fit_transform(df["review"].fill_null("").to_list()).toarray()
    names = [f"review_{t}" for t in vec.get_feature_names_out()]
    tfidf = pl.DataFrame(weights, schema=names, orient="row")
    at = df.columns.index("review")
    out = pl.concat([df[:, :at], tfidf, df[:, at + 1:]], how="horizontal")
    out.write_csv(a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
