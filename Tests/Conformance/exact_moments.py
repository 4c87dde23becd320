#!/usr/bin/env python3
"""Check a fitted spec's zscore means and variances against the exact ones and scikit-learn's.

Usage:
    exact_moments.py DATA_CSV FITTED_JSON [--tolerance 1e-13]

For every column of every zscore stage in FITTED_JSON (fitted on DATA_CSV alone, every value a
number or empty), the exact mean and population variance of the column's doubles are computed
with fractions.Fraction (no rounding at all) and compared with the fitted "mean" and "var":
each must be within TOLERANCE relative of the exact value (or both zero). scikit-learn's
StandardScaler is fitted too: its variance must agree with the exact one within the same
tolerance (what its test_standard_scaler_near_constant_features pins); its mean is only
reported (with offsets far below the spread, 1e10 ± 1e18, numpy's sum cancels: 1.7e-8 off). Exit 0 when all agree, 1 otherwise (a report
on stdout), 2 on unusable input.
"""

import csv
import json
import sys
from fractions import Fraction

import numpy as np
from sklearn.preprocessing import StandardScaler


def relative(a, exact):
    if exact == 0:
        return 0.0 if a == 0 else float("inf")
    return float(abs(Fraction(a) - exact) / abs(exact))


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    tolerance = float(argv[argv.index("--tolerance") + 1]) if "--tolerance" in argv else 1e-13
    with open(argv[1], newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    with open(argv[2], encoding="utf-8") as f:
        fitted = json.load(f)
    failures, notes, checked = [], [], 0
    for stage in fitted["stages"]:
        if stage.get("stage") != "scale" or stage.get("method", "zscore") != "zscore":
            continue
        for column, learned in stage["fitted"].items():
            j = header.index(column)
            values = [float(r[j]) for r in body if r[j] != ""]
            n = len(values)
            exact_mean = sum(Fraction(v) for v in values) / n
            exact_var = sum((Fraction(v) - exact_mean) ** 2 for v in values) / n
            scaler = StandardScaler().fit(np.array(values).reshape(-1, 1))
            for what, exact, ours, theirs in (("mean", exact_mean, learned["mean"], scaler.mean_[0]),
                                              ("var", exact_var, learned["var"], scaler.var_[0])):
                checked += 1
                mine, sk = relative(ours, exact), relative(float(theirs), exact)
                line = f"{column} {what}: prepline {ours!r} (rel {mine:.2e}), scikit-learn {float(theirs)!r} (rel {sk:.2e}), exact {float(exact)!r}"
                if mine > tolerance:
                    failures.append("prepline: " + line)
                if sk > tolerance and what == "var":
                    failures.append("scikit-learn: " + line)
                elif sk > tolerance:
                    notes.append("note, scikit-learn: " + line)
    for line in notes + failures:
        print(line)
    print(f"{checked} statistics checked, {len(failures)} beyond {tolerance:g} relative")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
