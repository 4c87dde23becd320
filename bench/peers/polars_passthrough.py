#!/usr/bin/env python3
"""Pass-through peer: Polars reads a CSV and writes it back.

usage: polars_passthrough.py INPUT OUTPUT [--threads N]

--threads caps Polars' thread pool (POLARS_MAX_THREADS, which must be set
before polars is imported) so the peer uses the same cores as prepline.
"""
import peer_args
import os
import sys


def main() -> int:
    a = peer_args.parse(__doc__)
    if a.threads:
        os.environ["POLARS_MAX_THREADS"] = str(a.threads)
    import polars as pl  # after POLARS_MAX_THREADS is set

    pl.read_csv(a.input).write_csv(a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
