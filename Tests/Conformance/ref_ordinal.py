"""scikit-learn reference for prepline's `ordinal` stage: OrdinalEncoder, one per column.

Wired into sklearn_reference.py (`make(ref)` gets that module, for its Column / Table / errors).
Mapping (README.md, "ordinal"): the column's text (object dtype, np.nan for missing) into
`OrdinalEncoder(categories, handle_unknown, unknown_value, encoded_missing_value, min_frequency,
max_categories, dtype=float64)`; `null` in the spec is np.nan (unknown_value, encoded_missing_value,
and the missing category).
"""

import warnings

import numpy as np
import pandas as pd
from sklearn.preprocessing import OrdinalEncoder
from sklearn.utils._param_validation import InvalidParameterError

KIND = "ordinal"
KEYS = {"stage", "columns", "categories", "handle_unknown", "unknown_value", "encoded_missing_value",
        "min_frequency", "max_categories", "fitted"}


def make(ref):
    def is_int(v):
        return isinstance(v, int) and not isinstance(v, bool)

    class OrdinalStage:
        def __init__(self, spec, idx):
            self.p = f"stages[{idx}]"
            self.label = f"stage {idx + 1} ordinal"
            self.spec = spec
            cats = spec.get("categories")
            if cats is not None:
                if not isinstance(cats, dict):
                    raise ref.spec_error(f"{self.p}.categories", "expected an object: column name -> array of categories")
                for k, v in cats.items():
                    if not isinstance(v, list) or not v or not all(isinstance(x, str) or x is None for x in v):
                        raise ref.spec_error(f"{self.p}.categories.{k}", "expected a non-empty array of strings (null = missing)")
                    if v.count(None) > 1 or len(set(x for x in v if x is not None)) != len([x for x in v if x is not None]):
                        raise ref.spec_error(f"{self.p}.categories.{k}", "duplicate category")
                    if None in v and v[-1] is not None:
                        raise ref.spec_error(f"{self.p}.categories.{k}", "null (missing) must be the last category")
            self.categories = cats or {}
            hu = spec.get("handle_unknown", "error")
            if hu not in ("error", "use_encoded_value"):
                raise ref.spec_error(f"{self.p}.handle_unknown", "expected \"error\" or \"use_encoded_value\"")
            if hu == "use_encoded_value":
                if "unknown_value" not in spec:
                    # scikit-learn: "unknown_value should be an integer or np.nan when handle_unknown is 'use_encoded_value'"
                    raise ref.spec_error(f"{self.p}.unknown_value", "missing; use_encoded_value needs it")
                uv = spec["unknown_value"]
                if uv is not None and not is_int(uv):
                    raise ref.spec_error(f"{self.p}.unknown_value", "expected an integer or null")
                unknown_value = np.nan if uv is None else uv
            else:
                if "unknown_value" in spec:
                    raise ref.spec_error(f"{self.p}.unknown_value", "only with handle_unknown \"use_encoded_value\"")
                unknown_value = None
            emv = spec.get("encoded_missing_value")
            if emv is not None and not is_int(emv):
                raise ref.spec_error(f"{self.p}.encoded_missing_value", "expected an integer or null")
            mf = spec.get("min_frequency")
            if mf is not None and (isinstance(mf, bool) or not ((isinstance(mf, int) and mf >= 1) or
                                                                (isinstance(mf, float) and 0 < mf < 1))):
                raise ref.spec_error(f"{self.p}.min_frequency", "expected an integer >= 1 or a number in (0, 1)")
            mc = spec.get("max_categories")
            if mc is not None and (not is_int(mc) or mc < 1):
                raise ref.spec_error(f"{self.p}.max_categories", "expected an integer >= 1")
            self.kw = dict(handle_unknown=hu, unknown_value=unknown_value,
                           encoded_missing_value=np.nan if emv is None else emv,
                           min_frequency=mf, max_categories=mc, dtype=np.float64)
            self.fitted = {}

        def fit(self, table):
            self.columns = ref.resolve_columns(table, self.spec.get("columns"), f"{self.p}.columns")
            for k in self.categories:
                if k not in self.columns:
                    raise ref.spec_error(f"{self.p}.categories.{k}", "not one of the stage's columns")
            for name in self.columns:
                X = pd.DataFrame({name: table.get(name).object_values()}, dtype=object)
                given = self.categories.get(name)
                cats = "auto" if given is None else [[np.nan if x is None else x for x in given]]
                enc = OrdinalEncoder(categories=cats, **self.kw)
                try:
                    enc.fit(X)
                except InvalidParameterError as e:
                    raise ref.spec_error(self.p, str(e))
                except ValueError as e:
                    if "unknown categor" in str(e):
                        raise ref.RefExit(1, f"{table.file}: column '{name}': {e} ({self.label})")
                    if "already used" in str(e):  # unknown_value / encoded_missing_value is a category's code
                        raise ref.spec_error(self.p, str(e))
                    raise
                self.fitted[name] = enc
            return self

        def transform(self, table):
            out = ref.Table(list(table.columns), table.file, table.floors)
            for name in self.columns:
                X = pd.DataFrame({name: table.get(name).object_values()}, dtype=object)
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", UserWarning)
                        res = self.fitted[name].transform(X)
                except ValueError as e:
                    if "unknown categor" in str(e):
                        raise ref.RefExit(1, f"{table.file}: column '{name}': {e} ({self.label})")
                    raise
                out.replace(name, [ref.Column.num(name, res[:, 0])])
            return out

    return OrdinalStage
