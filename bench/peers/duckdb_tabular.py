#!/usr/bin/env python3
"""Tabular peer: DuckDB SQL does the tabular work (bench/specs/tabular.json).

usage: duckdb_tabular.py INPUT OUTPUT [--threads N]

  age, income  fill missing with the mean, then z-score (population std)
  score        min-max to [0, 1]
  city         fill missing with "unknown", then one-hot
  device       one-hot
  the rest     passed through unchanged

Two queries over read_csv(INPUT, nullstr = ['', 'NA', 'null', '?']), in an
in-memory database:
 1. the fit: avg, stddev_pop, count, min, max and list(DISTINCT ...) of the
    categories (only the five columns are converted);
 2. COPY (SELECT ...) TO OUTPUT (HEADER, DELIMITER ','), with the statistics
    as literals and one CASE WHEN per category (sorted by code point in
    Python) in place of city and device.
(Materialising the file in a temporary table and running both on it, or one
query with a statistics CTE, measured the same or slower, and used more memory.)

The z-score uses the filled column's statistics, as scikit-learn's Pipeline
does, by algebra: the mean is unchanged by a mean fill and the population
variance becomes var_obs * n_obs / n. So a filled row's z-score is exactly 0
here, where scikit-learn (which recomputes the mean after the fill) writes a
few 1e-16. A zero std or range scales by 1, as in scikit-learn.

--threads caps DuckDB's worker threads (SET threads) so the peer uses the
same cores as prepline.
"""
import peer_args
import sys

import duckdb

MISSING = ["", "NA", "null", "?"]
ZSCORE = ["age", "income"]


def lit(s: str) -> str:
    """A SQL string literal (single quotes doubled)."""
    return "'" + s.replace("'", "''") + "'"


def ident(s: str) -> str:
    """A SQL quoted identifier."""
    return '"' + s.replace('"', '""') + '"'


def num(x: float) -> str:
    """A DOUBLE literal that round-trips exactly."""
    return f"{float(x)!r}::DOUBLE"


def main() -> int:
    a = peer_args.parse(__doc__)
    con = duckdb.connect(":memory:")
    if a.threads:
        con.execute(f"SET threads = {int(a.threads)}")
    src = f"read_csv({lit(a.input)}, nullstr = [{', '.join(map(lit, MISSING))}])"
    columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()]

    fit = con.execute(
        "SELECT "
        + ", ".join(f"avg({c}), stddev_pop({c}) * sqrt(count({c}) / count(*))" for c in ZSCORE)
        + ", min(score)::DOUBLE, max(score)::DOUBLE"
        + ", list(DISTINCT coalesce(city, 'unknown')), list(DISTINCT device)"
        + f" FROM {src}"
    ).fetchone()
    stats = {c: (fit[2 * i], fit[2 * i + 1] or 1.0) for i, c in enumerate(ZSCORE)}
    smin, smax = fit[2 * len(ZSCORE)], fit[2 * len(ZSCORE) + 1]
    cats = {"city": sorted(fit[-2]), "device": sorted(fit[-1])}  # Python sorts str by code point

    select = []
    for c in columns:
        if c in stats:
            mean, std = stats[c]
            select.append(f"(coalesce({ident(c)}, {num(mean)}) - {num(mean)}) / {num(std)} AS {ident(c)}")
        elif c == "score":
            select.append(f"(score - {num(smin)}) / {num((smax - smin) or 1.0)} AS score")
        elif c in cats:
            value = "coalesce(city, 'unknown')" if c == "city" else ident(c)
            select += [f"CASE WHEN {value} = {lit(v)} THEN 1 ELSE 0 END AS {ident(f'{c}_{v}')}"
                       for v in cats[c]]
        else:
            select.append(ident(c))
    con.execute(f"COPY (SELECT {', '.join(select)} FROM {src}) TO {lit(a.output)} (HEADER, DELIMITER ',')")
    con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
