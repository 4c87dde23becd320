#!/usr/bin/env python3
"""Pass-through peer: Polars reads a CSV and writes it back.

usage: polars_passthrough.py INPUT OUTPUT [--threads N]

--threads caps Polars' thread pool (POLARS_MAX_THREADS, which must be set
before polars is imported) so the peer uses the same cores as prepline.
"""
import argparse
import os
import sys


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--threads", type=int, default=None)
    a = ap.parse_args()
    if a.threads:
        os.environ["POLARS_MAX_THREADS"] = str(a.threads)
    import polars as pl  # after POLARS_MAX_THREADS is set

    pl.read_csv(a.input).write_csv(a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
