#!/usr/bin/env python3
"""Pass-through peer: DuckDB COPYs a CSV to a CSV.

usage: duckdb_passthrough.py INPUT OUTPUT [--threads N]

Runs COPY (SELECT * FROM read_csv('INPUT')) TO 'OUTPUT' (HEADER, DELIMITER ',')
in an in-memory database; --threads caps DuckDB's worker threads so the peer
uses the same cores as prepline.
"""
import peer_args
import sys

import duckdb


def sql_string(s: str) -> str:
    """A SQL string literal (single quotes doubled)."""
    return "'" + s.replace("'", "''") + "'"


def main() -> int:
    a = peer_args.parse(__doc__)
    con = duckdb.connect(":memory:")
    if a.threads:
        con.execute(f"SET threads = {int(a.threads)}")
    con.execute(
        f"COPY (SELECT * FROM read_csv({sql_string(a.input)})) "
        f"TO {sql_string(a.output)} (HEADER, DELIMITER ',')"
    )
    con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
