"""Reference for prepline's `datetime` stage: pandas' `to_datetime` and `.dt` accessors, and
feature-engine's `CyclicalFeatures` for the sines and cosines.

Wired into sklearn_reference.py by `stages(ref)`, which receives that module's namespace.

Mapping (README.md, "datetime"):
- the column's observed values go through `pd.to_datetime(values, format=FORMAT)` (`"ISO8601"` by
  default); a column mixing offsets, which pandas refuses as a whole ("Mixed timezones"), is read
  value by value (`pd.to_datetime` of each), every value keeping its own offset. A value pandas
  cannot read is a row-level error (exit 1). With ISO 8601, prepline accepts a documented subset of
  what pandas' ISO parser takes (`ISO_SUBSET` below): a value outside it is a row-level error too.
- each part is the `.dt` accessor of that name (`dayofweek`: Monday = 0); `epoch` is
  `(ts - Timestamp("1970-01-01", tz="UTC")) // Timedelta("1s")` (a naive value read as UTC),
  whole seconds towards the past. Written as floats (the columns hold NaN where missing).
- `cyclical`: `CyclicalFeatures(variables=<the cyclical part columns>, max_values=...)` fitted on
  the observed rows (feature-engine refuses NaN), its `_sin` / `_cos` columns moved right after each
  part; a missing row stays NaN. A learned maximum of 0 (feature-engine would divide by it) or a
  column with no observed value is a spec error (exit 2), as prepline's.
"""

import re

import numpy as np
import pandas as pd
from feature_engine.creation import CyclicalFeatures

KEYS = {"stage", "columns", "format", "parts", "cyclical", "max_values", "fitted"}
PARTS = ["year", "month", "day", "hour", "minute", "second", "dayofweek", "dayofyear", "quarter", "epoch"]
CYCLICAL = ["month", "day", "hour", "dayofweek"]
DEFAULT_PARTS = ["year", "month", "day", "dayofweek"]
# The strptime directives prepline's DatePattern reads.
DIRECTIVES = set("YymdHIMSfzjbBpaA%")
# What prepline reads as ISO 8601 (pandas' own parser also takes 2024-3-5, 2024/03/05, 20240305, ...).
ISO_SUBSET = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}(?::\d{2}(?::\d{2}(?:\.\d+)?)?)?(?: ?(?:Z|[+-]\d{2}(?::?\d{2})?))?)?\Z")
EPOCH_UTC = pd.Timestamp("1970-01-01", tz="UTC")
SECOND = pd.Timedelta("1s")


def stages(ref):
    RefExit, Column, Table, spec_error, resolve_columns = ref["RefExit"], ref["Column"], ref["Table"], ref["spec_error"], ref["resolve_columns"]

    def is_real(v):
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    class DateTimeStage:
        def __init__(self, spec, idx):
            self.p = f"stages[{idx}]"
            self.label = f"stages[{idx}] datetime"
            self.spec = spec
            self.format = spec.get("format", "ISO8601")
            if not isinstance(self.format, str) or not self.format:
                raise spec_error(f"{self.p}.format", "expected ISO8601 or a strptime pattern")
            if self.format != "ISO8601":
                if "%" not in self.format:
                    raise spec_error(f"{self.p}.format", "no % directive")
                i = 0
                while i < len(self.format):
                    if self.format[i] == "%":
                        if i + 1 >= len(self.format) or self.format[i + 1] not in DIRECTIVES:
                            raise spec_error(f"{self.p}.format", "unsupported directive")
                        i += 2
                    else:
                        i += 1
            self.parts = spec.get("parts", DEFAULT_PARTS)
            if not isinstance(self.parts, list) or not self.parts:
                raise spec_error(f"{self.p}.parts", "expected a non-empty array of part names")
            for i, part in enumerate(self.parts):
                if part not in PARTS or self.parts.index(part) != i:
                    raise spec_error(f"{self.p}.parts[{i}]", "unknown or repeated part")
            self.cyclical = spec.get("cyclical", False)
            if not isinstance(self.cyclical, bool):
                raise spec_error(f"{self.p}.cyclical", "expected true or false")
            self.max_values = spec.get("max_values")
            if self.max_values is not None:
                if not self.cyclical:
                    raise spec_error(f"{self.p}.max_values", "applies with cyclical")
                if not isinstance(self.max_values, dict):
                    raise spec_error(f"{self.p}.max_values", "expected an object")
                for k, v in self.max_values.items():
                    if k not in CYCLICAL or k not in self.parts or not is_real(v) or not v > 0:
                        raise spec_error(f"{self.p}.max_values.{k}", "expected a cyclical part of the stage and a number > 0")
            self.max_values = self.max_values or {}
            self.waves = [p for p in self.parts if p in CYCLICAL] if self.cyclical else []
            if self.cyclical and not self.waves:
                raise spec_error(f"{self.p}.cyclical", "no cyclical part among the parts")
            self.encoders = {}

        def part_values(self, table, name):
            """Per part, the float64 values (NaN where missing), from pandas."""
            col = table.get(name)
            if col.kind != "text":
                raise RefExit(5, f"column '{name}': datetime on a column a stage made numeric is not modelled")
            observed = ~col.miss
            raw = col.raw[observed]
            rows = np.flatnonzero(observed)
            if self.format == "ISO8601":
                for r, v in zip(rows, raw):
                    if not ISO_SUBSET.match(v):
                        raise RefExit(1, f"{table.file}: record {r + 1}: column '{name}': '{v}' is not an ISO 8601 date "
                                         f"prepline reads ({self.label})")
            values = pd.Series(raw, dtype=object)
            try:
                stamps = pd.to_datetime(values, format=self.format, errors="coerce")
                bad = stamps.isna().to_numpy()
                stamps = list(stamps)
            except ValueError as e:
                if "Mixed timezones" not in str(e):
                    raise
                # pandas refuses a column of mixed offsets as a whole: each value on its own.
                stamps = [pd.to_datetime(pd.Series([v], dtype=object), format=self.format, errors="coerce")[0] for v in raw]
                bad = np.array([pd.isna(s) for s in stamps], dtype=bool)
            if bad.any():
                i = int(np.argmax(bad))
                raise RefExit(1, f"{table.file}: record {rows[i] + 1}: column '{name}': '{raw[i]}' does not parse ({self.label})")
            out = {}
            for part in self.parts:
                if part == "epoch":
                    got = [((s - EPOCH_UTC) if s.tzinfo is not None else (s - EPOCH_UTC.tz_localize(None))) // SECOND for s in stamps]
                else:
                    got = [getattr(s, part) for s in stamps]
                full = np.full(len(col.raw), np.nan)
                full[rows] = np.asarray(got, dtype=np.float64)
                out[part] = full
            # The same numbers through the Series accessors, where pandas takes the column whole.
            try:
                whole = pd.to_datetime(pd.Series(raw, dtype=object), format=self.format)
            except ValueError:
                whole = None
            if whole is not None:
                for part in self.parts:
                    if part == "epoch":
                        origin = EPOCH_UTC if whole.dt.tz is not None else EPOCH_UTC.tz_localize(None)
                        got = ((whole - origin) // SECOND).to_numpy(dtype=np.float64)
                    else:
                        got = getattr(whole.dt, part).to_numpy(dtype=np.float64)
                    assert (got == out[part][rows]).all(), (part, got, out[part][rows])
            return out, observed

        def fit(self, table):
            self.columns = resolve_columns(table, self.spec.get("columns"), f"{self.p}.columns")
            for name in self.columns:
                if not self.waves:
                    continue
                values, observed = self.part_values(table, name)
                variables = [f"{name}_{p}" for p in self.waves]
                frame = pd.DataFrame({f"{name}_{p}": values[p][observed].astype(np.int64) for p in self.waves})
                learned = [p for p in self.waves if p not in self.max_values]
                if learned and not observed.any():
                    raise RefExit(2, f"{table.file}: column '{name}' has no observed values ({self.label})")
                for p in learned:
                    if frame[f"{name}_{p}"].max() == 0:
                        raise RefExit(2, f"{table.file}: every {p} of column '{name}' is 0 ({self.label})")
                if learned:
                    encoder = CyclicalFeatures(variables=variables).fit(frame)
                    if len(learned) < len(self.waves):
                        # Some given: feature-engine takes a max_values dict for all or none, so
                        # the learned ones join the given ones.
                        maxima = {f"{name}_{p}": self.max_values.get(p, encoder.max_values_[f"{name}_{p}"]) for p in self.waves}
                        encoder = CyclicalFeatures(variables=variables, max_values=maxima).fit(frame)
                else:
                    encoder = CyclicalFeatures(variables=variables, max_values={f"{name}_{p}": self.max_values[p] for p in self.waves})
                    encoder.fit(frame if len(frame) else pd.DataFrame({v: [0] for v in variables}))
                self.encoders[name] = encoder
            return self

        def transform(self, table):
            out = Table(list(table.columns), table.file, table.floors)
            for name in self.columns:
                values, observed = self.part_values(table, name)
                waves = {}
                if self.waves and observed.any():
                    frame = pd.DataFrame({f"{name}_{p}": values[p][observed].astype(np.int64) for p in self.waves})
                    encoded = self.encoders[name].transform(frame)
                    for p in self.waves:
                        for suffix in ("sin", "cos"):
                            full = np.full(len(observed), np.nan)
                            full[observed] = encoded[f"{name}_{p}_{suffix}"].to_numpy(dtype=np.float64)
                            waves[(p, suffix)] = full
                elif self.waves:
                    for p in self.waves:
                        for suffix in ("sin", "cos"):
                            waves[(p, suffix)] = np.full(len(observed), np.nan)
                columns = []
                for p in self.parts:
                    columns.append(Column.num(f"{name}_{p}", values[p]))
                    if p in self.waves:
                        columns += [Column.num(f"{name}_{p}_sin", waves[(p, "sin")]), Column.num(f"{name}_{p}_cos", waves[(p, "cos")])]
                out.replace(name, columns)
            return out

    return {"datetime": (DateTimeStage, KEYS)}
