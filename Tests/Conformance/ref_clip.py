"""Reference for prepline's `clip` stage: numpy's clip and fences (feature-engine's Winsorizer /
OutlierTrimmer idea, computed with numpy since feature-engine is not installed).

Wired into sklearn_reference.py by `stages(ref)` (see ref_log.py for why the namespace is passed).

- fixed `min` / `max` (either or both): the fences as given (the absent side unbounded).
- `quantiles: [lo, hi]`: `np.percentile(x, 100 * lo)`, `np.percentile(x, 100 * hi)` on the observed
  values (numpy's default linear method).
- `iqr: k`: Q1, Q3 = `np.percentile(x, [25, 75])`; fences Q1 - k * (Q3 - Q1), Q3 + k * (Q3 - Q1).
- `zscore: k`: `np.mean(x)` -/+ k * `np.std(x)` (ddof 0). prepline's mean and variance are the
  correctly rounded exact ones; numpy's pairwise sums differ by a few ulp, so the fence columns carry
  a noise floor of 4 ulp of |mean| + k * std.
- `action`: clip -> `np.clip(x, low, high)`; missing -> NaN where x < low or x > high; reject -> a
  row-level error (exit 1) naming the value and the fence.
- `indicator: true`: `<col>_outlier` right after the column, 1 where x < low or x > high, else 0.
- Missing (NaN) stays missing and is never an outlier. Learned fences need an observed value: else
  exit 2. Impossible options (min >= max, fixed and learned fences together, two learned fences,
  quantiles outside [0, 1] or lo >= hi, k < 0, unknown action): exit 2.
"""

import numpy as np

KEYS = {"stage", "columns", "min", "max", "quantiles", "iqr", "zscore", "action", "indicator", "fitted"}
LEARNED = ("quantiles", "iqr", "zscore")


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def stages(ref):
    RefExit, Column, Table, Where = ref["RefExit"], ref["Column"], ref["Table"], ref["Where"]
    spec_error, resolve_columns = ref["spec_error"], ref["resolve_columns"]
    eps = np.finfo(np.float64).eps

    class ClipStage:
        def __init__(self, spec, idx):
            p = self.p = f"stages[{idx}]"
            self.label = f"stages[{idx}] clip"
            self.spec = spec
            for k in ("min", "max", "iqr", "zscore"):
                if k in spec and not _number(spec[k]):
                    raise spec_error(f"{p}.{k}", "expected a number")
            low, high = spec.get("min"), spec.get("max")
            if low is not None and high is not None and not low < high:
                raise spec_error(f"{p}.max", f"expected max > min, got {low}, {high}")
            learned = [k for k in LEARNED if k in spec]
            if len(learned) > 1:
                raise spec_error(f"{p}.{learned[1]}", "two learned fences")
            if learned and (low is not None or high is not None):
                raise spec_error(f"{p}.{learned[0]}", "fixed and learned fences together")
            if not learned and low is None and high is None:
                raise spec_error(p, "no fences")
            self.kind = learned[0] if learned else "fixed"
            if self.kind == "quantiles":
                q = spec["quantiles"]
                if not (isinstance(q, list) and len(q) == 2 and all(_number(v) for v in q) and 0 <= q[0] < q[1] <= 1):
                    raise spec_error(f"{p}.quantiles", "expected [lo, hi] with 0 <= lo < hi <= 1")
            if self.kind in ("iqr", "zscore") and spec[self.kind] < 0:
                raise spec_error(f"{p}.{self.kind}", "expected k >= 0")
            self.action = spec.get("action", "clip")
            if self.action not in ("clip", "missing", "reject"):
                raise spec_error(f"{p}.action", "expected clip, missing or reject")
            self.indicator = spec.get("indicator", False)
            if not isinstance(self.indicator, bool):
                raise spec_error(f"{p}.indicator", "expected true or false")
            self.fences = {}

        def fit(self, table):
            where = Where(table.file, self.label)
            self.columns = resolve_columns(table, self.spec.get("columns"), f"{self.p}.columns")
            s = self.spec
            for name in self.columns:
                x = table.get(name).as_float(where)
                x = x[~np.isnan(x)]
                floor = 0.0
                if self.kind == "fixed":
                    low = -np.inf if s.get("min") is None else float(s["min"])
                    high = np.inf if s.get("max") is None else float(s["max"])
                elif x.size == 0:
                    raise RefExit(2, f"{self.label}: column '{name}' has no observed values")
                elif self.kind == "quantiles":
                    lo, hi = s["quantiles"]
                    low, high = np.percentile(x, 100 * lo), np.percentile(x, 100 * hi)
                elif self.kind == "iqr":
                    k = s["iqr"]
                    q1, q3 = np.percentile(x, [25, 75])
                    low, high = q1 - k * (q3 - q1), q3 + k * (q3 - q1)
                else:
                    k = s["zscore"]
                    mean, std = np.mean(x), np.std(x)
                    low, high = mean - k * std, mean + k * std
                    floor = 4 * eps * (abs(float(mean)) + k * float(std))
                self.fences[name] = (float(low), float(high), floor)
            return self

        def transform(self, table):
            where = Where(table.file, self.label)
            out = Table(list(table.columns), table.file, table.floors)
            for name in self.columns:
                x = table.get(name).as_float(where)
                low, high, floor = self.fences[name]
                outside = (x < low) | (x > high)  # NaN compares false: never an outlier
                if self.action == "reject" and outside.any():
                    i = int(np.argmax(outside))
                    side = f"below the lower fence {low!r}" if x[i] < low else f"above the upper fence {high!r}"
                    raise RefExit(1, f"{table.file}: record {i + 1}: column '{name}': {x[i]!r} is {side} ({self.label})")
                if self.action == "clip":
                    y = np.clip(x, low, high)
                elif self.action == "missing":
                    y = np.where(outside, np.nan, x)
                else:
                    y = x
                new = [Column.num(name, y)]
                if self.indicator:
                    new.append(Column.num(f"{name}_outlier", outside.astype(np.float64)))
                out.replace(name, new)
                out.floors[name] = max(table.floors.get(name, 0.0), floor if self.action == "clip" else 0.0)
            return out

    return {"clip": (ClipStage, KEYS)}
