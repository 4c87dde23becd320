#!/usr/bin/env python3
"""Split peer: pandas read_csv + scikit-learn train_test_split + to_csv, as a user script does.

usage: pandas_split.py INPUT TRAIN TEST [--test-size 0.2] [--seed 42] [--threads N]

The same work as `prepline split INPUT --test-size 0.2 --seed 42 --train TRAIN --test TEST`:
the test set holds the same rows (train_test_split with random_state=SEED). Its rows come out
in train_test_split's shuffled order (prepline keeps input order; the sort is not added here,
which only helps the peer). The CSVs are read with keep_default_na=False and dtype=str so the
values are written back as read, not re-typed (a faster read than pandas' inference, too).
"""
import argparse
import os
import sys

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("input")
ap.add_argument("train")
ap.add_argument("test")
ap.add_argument("--test-size", type=float, default=0.2)
ap.add_argument("--seed", type=int, default=42)
ap.add_argument("--threads", type=int, default=None)
args = ap.parse_args()
if args.threads:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)

import pandas as pd  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

table = pd.read_csv(args.input, dtype=str, keep_default_na=False)
train, test = train_test_split(table, test_size=args.test_size, random_state=args.seed)
train.to_csv(args.train, index=False)
test.to_csv(args.test, index=False)
print(f"rows={len(table)} train={len(train)} test={len(test)}", file=sys.stderr)
