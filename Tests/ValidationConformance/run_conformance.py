#!/usr/bin/env python3
"""Validate every case with frictionless (its Python API, in this process) and with prepline
(`validate spec.json data.csv --report json`), and compare the findings.

usage: run_conformance.py CASES_DIR --prepline BIN [-k NAME] [-v]

A case agrees when both say the same valid/invalid and report the same set of
(error type, rowNumber, fieldNumber). prepline must also list exactly the same findings, in the
same order, at chunk sizes 1, 13 bytes and 1 MiB on 1-3 threads. Prints "PASS name", "FAIL name: why" or, for a case marked
as a known gap in index.json, "GAP name: still differs" (expected) or "FAIL name: gap closed"
(the gap is gone: remove the mark). Last line: "N/M cases pass (G known gaps still differ)".
Exit 0 when every case is as expected.
"""
import argparse
import json
import os
import subprocess
import sys

import frictionless
from frictionless import Dialect, Resource, Schema, formats


def frictionless_findings(case_dir):
    return _frictionless_findings(case_dir)


def _frictionless_findings(case_dir):
    if os.path.exists(os.path.join(case_dir, "datapackage.json")):
        package = frictionless.Package(os.path.join(case_dir, "datapackage.json"))
        report = package.get_resource("data").validate(limit_errors=10**9)
        task = report.tasks[0]
        found = {(e.type, e.row_number, e.field_number) for e in task.errors}
        return report.valid, found, task.stats.get("rows") or 0
    with open(os.path.join(case_dir, "schema.json"), encoding="utf-8") as f:
        schema = Schema.from_descriptor(json.load(f))
    # Pin the dialect and encoding: frictionless would otherwise sniff them from a sample.
    dialect = Dialect(controls=[formats.CsvControl(delimiter=",", quote_char='"')])
    resource = Resource(path="data.csv", basepath=case_dir, schema=schema, dialect=dialect, encoding="utf-8", format="csv")
    report = resource.validate(limit_errors=10**9)
    task = report.tasks[0]
    found = set()
    for e in task.errors:
        d = e.to_descriptor()
        found.add((d["type"], d.get("rowNumber"), d.get("fieldNumber")))
    # frictionless leaves stats.rows unset when there is no data row; prepline says 0.
    return report.valid, found, task.stats.get("rows") or 0


def prepline_report(binary, case_dir, options):
    proc = subprocess.run([binary, "validate", "spec.json", "data.csv", "--report", "json", "-q", "--max-errors", "1000000000"] + options,
                          cwd=case_dir, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"prepline exited {proc.returncode}: {proc.stderr.strip()}")
    report = json.loads(proc.stdout)
    if report["valid"] != (proc.returncode == 0):
        raise RuntimeError(f"exit {proc.returncode} contradicts valid={report['valid']}")
    return report


def prepline_findings(binary, case_dir, options):
    report = prepline_report(binary, case_dir, options)
    found = {(e["type"], e.get("rowNumber"), e.get("fieldNumber")) for e in report["errors"]}
    return report["valid"], found, report["stats"]["rows"]


# Chunk sizes and thread counts that must not change a single finding or its place in the list.
SWEEP = [["--chunk-size", "1", "--threads", "1"], ["--chunk-size", "1", "--threads", "3"],
         ["--chunk-size", "13", "--threads", "2"], ["--chunk-size", "1M", "--threads", "1"]]


def sweep_differences(binary, case_dir):
    """The first (options, difference) where the ordered error list depends on chunking."""
    def key(r):
        return [(e["type"], e.get("rowNumber"), e.get("fieldNumber"), e.get("line"), e.get("note")) for e in r["errors"]], r["stats"]["rows"], r["checks"]
    base = key(prepline_report(binary, case_dir, []))
    for options in SWEEP:
        other = key(prepline_report(binary, case_dir, options))
        if other != base:
            return f"{' '.join(options)} changes the findings or their order"
    return None


def fmt(s):
    return ", ".join(f"{t}@{r}:{n}" for t, r, n in sorted(s, key=lambda x: (x[1] or 0, x[2] or 0, x[0])))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("cases")
    ap.add_argument("--prepline", required=True)
    ap.add_argument("-k", dest="only", default="")
    ap.add_argument("-v", action="store_true", help="print the findings of passing cases too")
    args = ap.parse_args(argv)
    args.prepline = os.path.abspath(args.prepline)
    with open(os.path.join(args.cases, "index.json"), encoding="utf-8") as f:
        index = json.load(f)
    print(f"frictionless {frictionless.__version__}")
    passed = gaps = total = 0
    ok = True
    for name, meta in index.items():
        if args.only not in name:
            continue
        total += 1
        d = os.path.join(args.cases, name)
        try:
            fv, ff, frows = frictionless_findings(d)
            pv, pf, prows = prepline_findings(args.prepline, d, meta.get("options", []))
        except Exception as exc:  # noqa: BLE001 - reported as a failure of the case
            print(f"FAIL {name}: {exc}")
            ok = False
            continue
        agree = fv == pv and ff == pf and frows == prows
        why = []
        unstable = sweep_differences(args.prepline, d)
        if unstable:
            print(f"FAIL {name}: {unstable}")
            ok = False
            continue
        if fv != pv:
            why.append(f"frictionless valid={fv}, prepline valid={pv}")
        if frows != prows:
            why.append(f"rows: frictionless {frows}, prepline {prows}")
        if ff - pf:
            why.append(f"only frictionless: {fmt(ff - pf)}")
        if pf - ff:
            why.append(f"only prepline: {fmt(pf - ff)}")
        if meta.get("gap"):
            if agree:
                print(f"FAIL {name}: gap closed ({meta['gap']}): remove the gap mark")
                ok = False
            else:
                gaps += 1
                print(f"GAP {name}: still differs as listed ({meta['gap']}): {'; '.join(why)}")
            continue
        if agree:
            passed += 1
            print(f"PASS {name}: {'valid' if fv else f'{len(ff)} findings'}" + (f" [{fmt(ff)}]" if args.v else ""))
        else:
            print(f"FAIL {name}: {'; '.join(why)}")
            ok = False
    print(f"{passed}/{total - gaps} cases pass ({gaps} known gaps still differ)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
