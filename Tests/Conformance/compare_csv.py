#!/usr/bin/env python3
"""Compare two CSV files cell by cell, by column name.

Usage:
    compare_csv.py EXPECTED ACTUAL [--spec SPEC] [--delimiter D] [--quote Q] [--max-report N]

Equal means:
  * the same column names in the same order (differences are reported: missing, extra, order);
  * the same number of data rows;
  * every cell (matched by column name): both empty; or both numbers (decimal, with optional
    exponent, or inf/nan) with a == b or |a - b| <= max(1e-12 * |a|, 1e-15) where a is the expected
    value (two NaNs are equal); otherwise the exact same text.

The dialect is ',' and '"' unless --spec (the output block of a prepline spec: output.delimiter /
output.quote, defaulting to input.delimiter / input.quote) or --delimiter / --quote say otherwise.
Both files must have a header line.

Exit: 0 equal, 1 different (a report of the first N mismatches, default 20, on stdout),
2 usage error or unreadable file.
"""

import argparse
import csv
import json
import os
import math
import re
import sys

NUMBER_RE = re.compile(
    r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf(?:inity)?|nan)\Z", re.IGNORECASE)
REL_TOL = 1e-12
ABS_TOL = 1e-15


def as_number(text):
    if NUMBER_RE.match(text) is None:
        return None
    return float(text)


def pairs_equal(expected, actual, floor=0.0):
    """tfidf's sparse output: "term:weight" pairs separated by one space, the same terms in the
    same order, each weight equal as a number."""
    e, a = expected.split(" "), actual.split(" ")
    if len(e) != len(a):
        return False
    for x, y in zip(e, a):
        tx, _, wx = x.rpartition(":")
        ty, _, wy = y.rpartition(":")
        if not tx or tx != ty or as_number(wx) is None or as_number(wy) is None:
            return False
        if not cells_equal(wx, wy, floor):
            return False
    return True


def cells_equal(expected, actual, floor=0.0):
    if expected == actual:
        return True
    if expected == "" or actual == "":
        return False
    a, b = as_number(expected), as_number(actual)
    if a is None or b is None:
        return pairs_equal(expected, actual, floor)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if a == b:  # also inf == inf
        return True
    return abs(a - b) <= max(REL_TOL * abs(a), ABS_TOL, floor)


def read_csv(path, delimiter, quote):
    try:
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f, delimiter=delimiter, quotechar=quote, doublequote=True, strict=True))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        print(f"compare_csv: {path}: cannot read: {e}", file=sys.stderr)
        sys.exit(2)
    if not rows:
        print(f"compare_csv: {path}: empty file (no header)", file=sys.stderr)
        sys.exit(2)
    return rows[0], rows[1:]


def dialect_from_spec(path):
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    inp = spec.get("input", {}) or {}
    out = spec.get("output", {}) or {}
    if out.get("header", True) is False:
        print("compare_csv: the spec has output.header false; this comparator needs a header",
              file=sys.stderr)
        sys.exit(2)
    return (out.get("delimiter", inp.get("delimiter", ",")), out.get("quote", inp.get("quote", '"')))


def compare(expected_path, actual_path, delimiter=",", quote='"', max_report=20, out=sys.stdout):
    """Returns True when equal; prints a report otherwise. A sidecar EXPECTED.floors.json (written by
    sklearn_reference.py) gives per-column absolute noise floors for centred scaled values."""
    floors = {}
    if os.path.exists(expected_path + ".floors.json"):
        with open(expected_path + ".floors.json", encoding="utf-8") as f:
            floors = json.load(f)
    eh, erows = read_csv(expected_path, delimiter, quote)
    ah, arows = read_csv(actual_path, delimiter, quote)
    problems = []

    for label, header in (("expected", eh), ("actual", ah)):
        dups = sorted({h for h in header if header.count(h) > 1})
        if dups:
            problems.append(f"{label} has duplicate column names: {dups}")
    missing = [h for h in eh if h not in ah]
    extra = [h for h in ah if h not in eh]
    if missing:
        problems.append(f"columns missing from actual: {missing}")
    if extra:
        problems.append(f"unexpected columns in actual: {extra}")
    common_e = [h for h in eh if h in ah]
    common_a = [h for h in ah if h in eh]
    if common_e != common_a:
        problems.append(f"column order differs:\n    expected: {eh}\n    actual:   {ah}")
    if len(erows) != len(arows):
        problems.append(f"row count differs: expected {len(erows)} data rows, actual {len(arows)}")

    for label, header, rows in (("expected", eh, erows), ("actual", ah, arows)):
        for i, r in enumerate(rows):
            if len(r) != len(header):
                problems.append(f"{label} row {i + 1} has {len(r)} fields, header has {len(header)}")
                break

    ei = {h: eh.index(h) for h in eh}
    ai = {h: ah.index(h) for h in ah}
    mismatches = []
    n_mismatch = 0
    for r in range(min(len(erows), len(arows))):
        er, ar = erows[r], arows[r]
        for h in common_e:
            e = er[ei[h]] if ei[h] < len(er) else None
            a = ar[ai[h]] if ai[h] < len(ar) else None
            if e is None or a is None or not cells_equal(e, a, floors.get(h, 0.0)):
                n_mismatch += 1
                if len(mismatches) < max_report:
                    mismatches.append((r + 1, h, e, a))

    if not problems and not n_mismatch:
        return True
    print(f"DIFFERENT: expected {expected_path} vs actual {actual_path}", file=out)
    for p in problems:
        print(f"  {p}", file=out)
    if n_mismatch:
        print(f"  {n_mismatch} cell(s) differ (tolerance |a-b| <= max({REL_TOL:g}*|a|, {ABS_TOL:g}));"
              f" first {len(mismatches)}:", file=out)
        print(f"  {'row':>6}  {'column':<24} {'expected':<26} actual", file=out)
        for row, col, e, a in mismatches:
            diff = ""
            x, y = as_number(e or ""), as_number(a or "")
            if x is not None and y is not None and not (math.isnan(x) or math.isnan(y)):
                diff = f"   (diff {abs(x - y):.3g})"
            print(f"  {row:>6}  {col:<24} {e!r:<26} {a!r}{diff}", file=out)
    return False


def main(argv=None):
    ap = argparse.ArgumentParser(description="Compare two CSVs cell by cell by column name.")
    ap.add_argument("expected")
    ap.add_argument("actual")
    ap.add_argument("--spec", help="take the output delimiter/quote from this prepline spec")
    ap.add_argument("--delimiter")
    ap.add_argument("--quote")
    ap.add_argument("--max-report", type=int, default=20)
    args = ap.parse_args(argv)
    delimiter, quote = ",", '"'
    if args.spec:
        delimiter, quote = dialect_from_spec(args.spec)
    if args.delimiter is not None:
        delimiter = args.delimiter
    if args.quote is not None:
        quote = args.quote
    return 0 if compare(args.expected, args.actual, delimiter, quote, args.max_report) else 1


if __name__ == "__main__":
    sys.exit(main())
