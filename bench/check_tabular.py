#!/usr/bin/env python3
"""Compare two tabular-workload outputs cell by cell, by column name.

usage: check_tabular.py A.csv B.csv [--rel 1e-9] [--abs 1e-12] [--quiet]

Both files must have the same column names (a different order is reported but
the cells are still compared by name) and the same number of records. A pair
of cells is equal when the texts are identical, or when both parse as numbers
and |a - b| <= max(rel * max(|a|, |b|), abs). The worst relative difference
is reported over the pairs that differ by more than the absolute floor (below
it, a relative difference says nothing). The absolute floor is for
values that are zero up to rounding: a mean-filled row's z-score is
(mean - mean') / std, where mean' is the mean recomputed after the fill, so
one tool writes 0.0 and another 3.6e-16. Numbers may be written differently
("1" / "1.0" / "1e-05" / "1.0e-5"); text must match exactly.

Prints a line per column whose numbers are written differently (with the
largest difference), one "  x ..." line per problem, and a last line starting
AGREE or DIFFER. Exit 0 when the outputs agree, 1 when they differ, 2 on a
usage or read error.
"""
import argparse
import csv
import sys


def number(s: str):
    """The float a CSV cell denotes, or None for text (and for nan/inf words)."""
    if not s or s[0] not in "+-.0123456789":
        return None
    try:
        return float(s)
    except ValueError:
        return None


def read(path: str):
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        header = next(rows, None)
        if header is None:
            raise ValueError(f"{path}: empty file")
        return header, list(zip(*rows)) if header else []


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--rel", type=float, default=1e-9, help="relative tolerance (default 1e-9)")
    ap.add_argument("--abs", type=float, default=1e-12, help="absolute tolerance near zero (default 1e-12)")
    ap.add_argument("--quiet", action="store_true", help="print only the one-line verdict")
    a = ap.parse_args()
    csv.field_size_limit(1 << 30)
    try:
        ha, ca = read(a.a)
        hb, cb = read(a.b)
    except (OSError, ValueError, csv.Error, UnicodeDecodeError) as e:
        print(f"check_tabular: {e}", file=sys.stderr)
        return 2

    problems = []
    if len(set(ha)) != len(ha) or len(set(hb)) != len(hb):
        problems.append("duplicate column names")
    only_a = [c for c in ha if c not in hb]
    only_b = [c for c in hb if c not in ha]
    if only_a:
        problems.append(f"columns only in A: {only_a}")
    if only_b:
        problems.append(f"columns only in B: {only_b}")
    if not only_a and not only_b and ha != hb:
        problems.append("same columns in a different order")
    na = len(ca[0]) if ca else 0
    nb = len(cb[0]) if cb else 0
    if any(len(c) != na for c in ca) or any(len(c) != nb for c in cb):
        problems.append("ragged records")
    if na != nb:
        problems.append(f"{na} records in A, {nb} in B")

    col_b = {name: i for i, name in enumerate(hb)}
    worst_rel, worst_abs, cells, bad_cols, near_zero, fmt_only = 0.0, 0.0, 0, 0, 0, 0
    for i, name in enumerate(ha):
        if name not in col_b:
            continue
        xa, xb = ca[i], cb[col_b[name]]
        bad, first, max_abs, max_rel, texts, floor = 0, None, 0.0, 0.0, 0, 0
        for r, (sa, sb) in enumerate(zip(xa, xb)):
            cells += 1
            if sa == sb:
                continue
            va, vb = number(sa), number(sb)
            if va is not None and vb is not None:
                d = abs(va - vb)
                scale = max(abs(va), abs(vb))
                if d <= a.rel * scale:
                    texts += 1
                    max_abs = max(max_abs, d)
                    if d > a.abs:  # the worst relative difference is reported above the absolute floor
                        max_rel = max(max_rel, d / scale)
                    continue
                if d <= a.abs:  # zero up to rounding
                    texts += 1
                    floor += 1
                    max_abs = max(max_abs, d)
                    continue
            bad += 1
            if first is None:
                first = (r + 1, sa, sb)
        worst_rel, worst_abs = max(worst_rel, max_rel), max(worst_abs, max_abs)
        near_zero += floor
        if bad:
            bad_cols += 1
            rec, sa, sb = first
            problems.append(f"column {name!r}: {bad} cells differ (first in data record {rec}: {sa!r} vs {sb!r})")
        elif max_abs > 0:
            if not a.quiet:
                print(f"  {name}: {texts} cells written differently, max |diff| {max_abs:.3g}, "
                      f"max relative {max_rel:.3g}" + (f", {floor} within the {a.abs:g} absolute floor" if floor else ""))
        elif texts:
            fmt_only += 1

    if problems:
        for p in problems[:40]:
            print(f"  x {p}")
        if len(problems) > 40:
            print(f"  ... and {len(problems) - 40} more")
        print(f"DIFFER: {a.a} vs {a.b}: {bad_cols} of {len(ha)} columns differ")
        return 1
    if fmt_only and not a.quiet:
        print(f"  {fmt_only} more columns differ only in how equal numbers are written (e.g. 1 / 1.0)")
    print(f"AGREE: {a.a} vs {a.b}: {len(ha)} columns, {na} records, {cells} cells; numbers within "
          f"{a.rel:g} relative (max |diff| {worst_abs:.3g}; worst relative {worst_rel:.3g} where |diff| > {a.abs:g}), "
          f"{near_zero} near-zero cells only within {a.abs:g} absolute")
    return 0


if __name__ == "__main__":
    sys.exit(main())
