#!/usr/bin/env python3
"""Run the conformance cases: the scikit-learn reference on each, and optionally prepline.

Usage:
    run_conformance.py CASES_DIR [--prepline BIN] [--keep DIR] [-k SUBSTRING] [-j JOBS]

CASES_DIR is what make_cases.py wrote (case directories + index.json). For every case:
  1. run sklearn_reference.py; its exit code must be the case's expect_exit;
  2. with --prepline, run prepline the same way (form "run": `BIN run spec.json input.csv -q -o OUT`;
     form "fit-apply": `BIN fit spec.json fit.csv -q -o fitted.json` then
     `BIN apply fitted.json input.csv -q -o OUT`); its exit code must equal the reference's, and when
     that is 0 its output must equal the reference's (compare_csv.py, dialect from the spec).
Exit 0 when every case passes, 1 otherwise. --keep DIR keeps the outputs (DIR/<case>/expected.csv,
actual.csv, *.err).
"""

import argparse
import concurrent.futures
import io
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare_csv  # noqa: E402


def run(cmd, err_path):
    with open(err_path, "w") as err:
        return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=err).returncode


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("cases")
    ap.add_argument("--prepline")
    ap.add_argument("--keep")
    ap.add_argument("-k", dest="only", default="", help="only the cases whose name contains this")
    ap.add_argument("-j", dest="jobs", type=int, default=os.cpu_count() or 1, help="cases run in parallel")
    args = ap.parse_args(argv)
    with open(os.path.join(args.cases, "index.json"), encoding="utf-8") as f:
        index = json.load(f)
    work = args.keep or tempfile.mkdtemp(prefix="prepline-conformance-")

    def check(name, meta):
        """Returns None when the case passes, else a failure message."""
        c = os.path.join(args.cases, name)
        w = os.path.join(work, name)
        os.makedirs(w, exist_ok=True)
        spec, inp, fit = (os.path.join(c, x) for x in ("spec.json", "input.csv", "fit.csv"))
        expected = os.path.join(w, "expected.csv")
        cmd = [sys.executable, os.path.join(HERE, "sklearn_reference.py"), spec, inp, expected]
        if meta["form"] == "fit-apply":
            cmd += ["--fit", fit]
        ref_rc = run(cmd, os.path.join(w, "expected.err"))
        if ref_rc != meta["expect_exit"]:
            return (f"{name}: reference exited {ref_rc}, index says {meta['expect_exit']} "
                    f"(see {w}/expected.err)")
        if not args.prepline:
            return None
        actual = os.path.join(w, "actual.csv")
        if meta["form"] == "run":
            rc = run([args.prepline, "run", spec, inp, "-q", "-o", actual], os.path.join(w, "actual.err"))
        else:
            fitted = os.path.join(w, "fitted.json")
            rc = run([args.prepline, "fit", spec, fit, "-q", "-o", fitted], os.path.join(w, "fit.err"))
            if rc == 0:
                rc = run([args.prepline, "apply", fitted, inp, "-q", "-o", actual],
                         os.path.join(w, "actual.err"))
        if rc != ref_rc:
            return f"{name}: prepline exited {rc}, the reference {ref_rc} (see {w})"
        if rc == 0:
            delimiter, quote = compare_csv.dialect_from_spec(spec)
            report = io.StringIO()
            if not compare_csv.compare(expected, actual, delimiter, quote, out=report):
                return f"{name}: {report.getvalue().rstrip()}"
        return None

    selected = [(k, v) for k, v in index.items() if args.only in k]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda kv: check(*kv), selected))
    failures = [r for r in results if r]
    for f in failures:
        print(f"FAIL {f}")
    n = len(selected)
    print(f"{n - len(failures)}/{n} cases pass" + ("" if args.prepline else " (reference only)")
          + (f"; outputs in {work}" if args.keep else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
