#!/usr/bin/env python3
"""Hashed TF-IDF peer: scikit-learn's HashingVectorizer + TfidfTransformer on review (bench/specs/hashtfidf.json).

usage: sklearn_hashtfidf.py INPUT OUTPUT [--threads N]

pandas reads the CSV (missing tokens "", NA, null, ?; a missing review is the
empty document); HashingVectorizer(n_features=2**20, alternate_sign=False,
norm=None) then TfidfTransformer() (l2, smooth idf) fit_transform the review
column; review becomes its "index:weight" pairs (index order) and the table is
written with to_csv, as prepline writes it. The seconds spent in scikit-learn
alone (vectorize + fit + transform, no CSV reading or writing) go to stderr as
`sklearn_seconds=…`, so the report can compare with scikit-learn's part only.
"""
import peer_args
import sys
import time


def main() -> int:
    a = peer_args.parse(__doc__)
    peer_args.cap_blas_threads(a.threads)
    import pandas as pd
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

    df = pd.read_csv(a.input, dtype=str, keep_default_na=False, na_values=["", "NA", "null", "?"])
    docs = df["review"].fillna("").tolist()
    started = time.perf_counter()
    counts = HashingVectorizer(n_features=2**20, alternate_sign=False, norm=None).transform(docs)
    weights = TfidfTransformer().fit_transform(counts).tocsr()
    weights.sort_indices()
    print(f"sklearn_seconds={time.perf_counter() - started:.3f}", file=sys.stderr)
    indptr, indices, data = weights.indptr, weights.indices, weights.data
    df["review"] = [" ".join(f"{j}:{x!r}" for j, x in zip(indices[indptr[r]:indptr[r + 1]].tolist(), data[indptr[r]:indptr[r + 1]].tolist()))
                    for r in range(weights.shape[0])]
    df.to_csv(a.output, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
