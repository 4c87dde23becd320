#!/usr/bin/env python3
"""Exact references for the "quantiles": "sketch" opt-in (PartialFitSketchTests).

`sketch_reference.py data DATA.csv` writes the test data (numpy, fixed seed): a continuous
positive column with missing cells, a column of both signs with zeros and negative zeros, a
near-constant column with a large offset (1e10 +- 1e-3), and one of extreme magnitudes
(subnormals to 1.7e308).

`sketch_reference.py reference DATA.csv` prints, per statistic a sketch-fitted stage learns,
numpy's / scikit-learn's exact value and the error bound the sketch promises for it: alpha = 0.001
times the largest magnitude among the ranks it is interpolated from (and their neighbours), plus
the subnormal spacing, and never more than the column's range (the sketch's values are clamped
into the exact minimum and maximum). A difference of two quantiles (robust's scale) gets the sum
of their unclamped bounds. JSON: {stage: {column: {key: [exact, bound], ...}}}.
"""
import json
import sys

import numpy as np
from sklearn.preprocessing import KBinsDiscretizer, RobustScaler

ALPHA = 0.001
SUBNORMAL = 5e-324
COLUMNS = ["pos", "mixed", "offset", "extreme"]


def write_data(path, rows=6000):
    rng = np.random.default_rng(20261201)
    pos = rng.lognormal(3.0, 1.2, rows)
    pos[rng.random(rows) < 0.05] = np.nan
    mixed = rng.normal(1.5, 5.0, rows)
    mixed[rng.random(rows) < 0.04] = 0.0
    mixed[rng.random(rows) < 0.04] = -0.0
    offset = 1e10 + rng.uniform(-1e-3, 1e-3, rows)
    kinds = rng.integers(0, 4, rows)
    extreme = np.where(kinds == 0, rng.uniform(1, 2000, rows) * SUBNORMAL,
                       np.where(kinds == 1, rng.uniform(1, 1.79, rows) * 1e308,
                                np.where(kinds == 2, rng.lognormal(0, 3, rows), rng.uniform(1e-310, 1e-300, rows))))
    with open(path, "w") as out:
        out.write(",".join(COLUMNS) + "\n")
        for r in range(rows):
            cells = []
            for column in (pos, mixed, offset, extreme):
                x = column[r]
                cells.append("" if np.isnan(x) else repr(float(x)))
            out.write(",".join(cells) + "\n")


def read_data(path):
    with open(path) as f:
        names = f.readline().strip().split(",")
        rows = [line.rstrip("\n").split(",") for line in f]
    return {name: np.array([float(r[i]) if r[i] != "" else np.nan for r in rows]) for i, name in enumerate(names)}


def bound(values, positions, clamped=True):
    """The sketch's bound for a statistic read from the sorted `values` at fractional `positions`
    (`clamped`: no more than the column's range, which holds for a value of one rank)."""
    n = len(values)
    ranks = set()
    for p in positions:
        base = int(np.floor(p))
        ranks.update(k for k in (base - 1, base, base + 1, base + 2) if 0 <= k < n)
    magnitude = max(abs(values[k]) for k in ranks)
    relative = ALPHA * magnitude * (1 + 1e-9) + 2 * SUBNORMAL
    return min(relative, values[-1] - values[0]) if clamped else relative


def reference(path):
    data = read_data(path)
    out = {"fill": {}, "scale": {}, "bin": {}, "clip_iqr": {}, "clip_quantiles": {}}
    for name in COLUMNS:
        x = data[name]
        present = np.sort(x[~np.isnan(x)])
        n = len(present)
        median_bound = bound(present, [(n - 1) / 2])
        out["fill"][name] = {"value": [float(np.nanmedian(x)), median_bound]}
        scaler = RobustScaler().fit(x.reshape(-1, 1))
        q_bounds = [bound(present, [(n - 1) * q]) for q in (0.25, 0.75)]
        out["scale"][name] = {"center": [float(scaler.center_[0]), median_bound],
                              # A difference: 0.001 (|Q1| + |Q3|), not clamped (a spread the sketch cannot
                              # resolve comes out 0, which scikit-learn's rule turns into scale 1).
                              "scale": [float(scaler.scale_[0]), sum(bound(present, [(n - 1) * q], clamped=False) for q in (0.25, 0.75))]}
        if name != "offset":
            # The offset column's spread is below the sketch's resolution there: its edges collapse
            # (the test checks that on its own).
            bins = KBinsDiscretizer(n_bins=5, encode="ordinal", strategy="quantile", quantile_method="averaged_inverted_cdf", subsample=None)
            edges = bins.fit(present.reshape(-1, 1)).bin_edges_[0]
            # scikit-learn's edges before it removes bins of width <= 1e-8, with their ranks.
            levels = np.linspace(0, 100, 6)
            unmasked = np.percentile(present, levels, method="averaged_inverted_cdf")
            kept = np.ediff1d(unmasked, to_begin=np.inf) > 1e-8
            assert np.array_equal(unmasked[kept], edges)
            bounds = [bound(present, [n * q / 100 - 1]) for q in levels]
            out["bin"][name] = {f"edge{i}": [float(e), b] for i, (e, b) in enumerate(zip(unmasked[kept], np.array(bounds)[kept]))}
        q1, q3 = np.percentile(present, [25, 75])
        if name == "extreme":
            # Q3 + 1.5 IQR is past the largest double there.
            q1 = q3 = None
        iqr_bound = q_bounds[0] + q_bounds[1]
        if q1 is not None:
            out["clip_iqr"][name] = {"low": [float(q1 - 1.5 * (q3 - q1)), q_bounds[0] + 1.5 * iqr_bound],
                                     "high": [float(q3 + 1.5 * (q3 - q1)), q_bounds[1] + 1.5 * iqr_bound]}
        low, high = np.percentile(present, [5.0, 95.0])
        out["clip_quantiles"][name] = {"low": [float(low), bound(present, [(n - 1) * 0.05])],
                                       "high": [float(high), bound(present, [(n - 1) * 0.95])]}
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "data":
        write_data(sys.argv[2])
    else:
        reference(sys.argv[2])
