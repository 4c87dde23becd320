#!/usr/bin/env python3
"""scikit-learn reference for prepline's tabular stages (fill, scale, onehot).

Usage:
    sklearn_reference.py SPEC INPUT OUTPUT [--fit FIT_CSV]

Reads a prepline spec (JSON) and a CSV, fits the spec's stages IN ORDER with scikit-learn exactly as a
sequential Pipeline would (stage k is fitted on the output of stages 0..k-1), transforms, and writes
the CSV that prepline must produce (layout: see README.md in this directory). It never imports or
runs prepline.

Without --fit it mirrors `prepline run SPEC INPUT` (fit and transform the same data). With
--fit FIT_CSV it mirrors `prepline fit SPEC FIT_CSV -o F && prepline apply F INPUT`: every stage is
fitted on FIT_CSV (sequentially), then INPUT is transformed by the fitted stages.

Exit codes (chosen to match prepline's, so a test can compare them):
    0  success, OUTPUT written
    1  row-level error under on_error "fail": a non-numeric value in a numeric stage, an unknown
       category under handle_unknown "error"          (no OUTPUT written)
    2  spec error, or a fill column with no observed values and no fallback `value`
    3  unreadable or malformed input
    5  the reference does not model this spec (e.g. tokenize/tfidf, onehot on a computed numeric
       column); not a prepline behaviour, the test must not compare such a case
"""

import argparse
import csv
import fnmatch
import json
import math
import re
import sys
import warnings

import ref_shape

import numpy as np
import pandas as pd

import ref_hash
import sklearn
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.preprocessing import (MaxAbsScaler, MinMaxScaler, OneHotEncoder, RobustScaler,
                                   StandardScaler)
from sklearn.utils._param_validation import InvalidParameterError

DEFAULT_MISSING = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"]

# A number, as the reference decides it: optional sign, decimal digits with an optional fraction,
# optional exponent. No surrounding spaces, no "inf"/"nan" words, no "_" separators, no hex.
NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")


class RefExit(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def spec_error(path, message):
    return RefExit(2, f"spec error: {path}: {message}")


def is_number(text):
    return NUMBER_RE.match(text) is not None


# --------------------------------------------------------------------------------------------
# The table: an ordered list of columns. A column is either
#   text: `raw` (object array of str, the original field text) + `miss` (bool array); `rewritten`
#         says whether a stage produced it (then a missing value is written as an empty field;
#         a pass-through column writes its original text, missing tokens included);
#   num:  `vals` float64 array, NaN = missing (written with repr(float), missing as empty).
# --------------------------------------------------------------------------------------------
class Column:
    __slots__ = ("name", "kind", "raw", "miss", "vals", "rewritten", "analyzer")

    def __init__(self, name, kind, raw=None, miss=None, vals=None, rewritten=False):
        self.name, self.kind, self.raw, self.miss, self.vals = name, kind, raw, miss, vals
        self.rewritten = rewritten
        self.analyzer = None

    @staticmethod
    def text(name, raw, miss, rewritten):
        return Column(name, "text", raw=np.asarray(raw, dtype=object),
                      miss=np.asarray(miss, dtype=bool), rewritten=rewritten)

    @staticmethod
    def num(name, vals):
        return Column(name, "num", vals=np.asarray(vals, dtype=np.float64), rewritten=True)

    def __len__(self):
        return len(self.vals) if self.kind == "num" else len(self.raw)

    def missing_mask(self):
        return np.isnan(self.vals) if self.kind == "num" else self.miss.copy()

    def object_values(self):
        """Text values with np.nan for missing (what pandas gives with na_values)."""
        if self.kind != "text":
            raise RefExit(5, f"column '{self.name}': a text stage on a column a previous stage made "
                             "numeric is not modelled by the reference")
        out = self.raw.copy()
        out[self.miss] = np.nan
        return out

    def all_observed_are_numbers(self):
        if self.kind == "num":
            return True
        return all(is_number(v) for v, m in zip(self.raw, self.miss) if not m)

    def as_float(self, where):
        """float64 values, NaN for missing; a non-number is a row-level error (exit 1)."""
        if self.kind == "num":
            return self.vals.copy()
        out = np.full(len(self.raw), np.nan)
        for i, (v, m) in enumerate(zip(self.raw, self.miss)):
            if m:
                continue
            if not is_number(v):
                raise RefExit(1, f"{where.file}: record {i + 1}: column '{self.name}': '{v}' is not a "
                                 f"number ({where.stage})")
            out[i] = float(v)
            if not math.isfinite(out[i]):
                # scikit-learn's check_array refuses infinity ("Input X contains infinity or a
                # value too large"): a row-level error, as prepline's.
                raise RefExit(1, f"{where.file}: record {i + 1}: column '{self.name}': '{v}' is not a "
                                 f"finite number ({where.stage})")
        return out


class Where:
    def __init__(self, file, stage):
        self.file, self.stage = file, stage


class Table:
    def __init__(self, columns, file, floors=None):
        self.columns = columns
        self.file = file
        # Per output column: the absolute rounding noise a correct result may carry (see
        # ScaleStage.transform), written beside the output for compare_csv.py.
        self.floors = dict(floors or {})

    def names(self):
        return [c.name for c in self.columns]

    def get(self, name):
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def replace(self, name, new_columns):
        i = self.names().index(name)
        self.columns[i:i + 1] = new_columns


def read_table(path, dialect):
    kw = dict(sep=dialect["delimiter"], quotechar=dialect["quote"], dtype=str, encoding="utf-8",
              header=0 if dialect["header"] else None, keep_default_na=False)
    try:
        raw = pd.read_csv(path, na_filter=False, **kw)
        withna = pd.read_csv(path, na_values=dialect["missing"], **kw)
    except FileNotFoundError as e:
        raise RefExit(3, f"{path}: no such file ({e})")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as e:
        raise RefExit(3, f"{path}: malformed input: {e}")
    except pd.errors.EmptyDataError:
        raise RefExit(3, f"{path}: empty input")
    if not dialect["header"]:
        names = [f"column_{i + 1}" for i in range(raw.shape[1])]
        raw.columns = names
        withna.columns = names
    cols = []
    missing = set(dialect["missing"])
    for j, name in enumerate(raw.columns):
        r = raw.iloc[:, j].to_numpy(dtype=object)
        m = withna.iloc[:, j].isna().to_numpy()
        # pandas' na_values must mean exactly "the field is one of the missing tokens"
        assert (m == np.array([v in missing for v in r], dtype=bool)).all(), name
        cols.append(Column.text(str(name), r, m, rewritten=False))
    return Table(cols, path)


def fmt_float(x):
    return "" if math.isnan(x) else repr(float(x))


def write_table(table, path, out_dialect):
    floors = {k: v for k, v in table.floors.items() if v > 0 and k in table.names()}
    if floors:
        with open(path + ".floors.json", "w", encoding="utf-8") as f:
            json.dump(floors, f, indent=1, sort_keys=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=out_dialect["delimiter"], quotechar=out_dialect["quote"],
                       quoting=csv.QUOTE_MINIMAL, lineterminator="\n", doublequote=True)
        if out_dialect["header"]:
            w.writerow(table.names())
        n = len(table.columns[0]) if table.columns else 0
        cells = []
        for c in table.columns:
            if c.kind == "num":
                cells.append([fmt_float(v) for v in c.vals])
            elif c.rewritten:
                cells.append(["" if m else v for v, m in zip(c.raw, c.miss)])
            else:
                cells.append(list(c.raw))
        for i in range(n):
            w.writerow([col[i] for col in cells])


# --------------------------------------------------------------------------------------------
# Spec reading
# --------------------------------------------------------------------------------------------
def one_byte(path, v):
    if not isinstance(v, str) or len(v.encode("utf-8")) != 1:
        raise spec_error(path, f"expected a single-byte string, got {json.dumps(v)}")
    return v


def read_dialects(spec):
    inp = spec.get("input", {}) or {}
    for k in inp:
        if k not in ("delimiter", "quote", "header", "missing"):
            raise spec_error(f"input.{k}", "unknown key")
    d = {"delimiter": one_byte("input.delimiter", inp.get("delimiter", ",")),
         "quote": one_byte("input.quote", inp.get("quote", '"')),
         "header": inp.get("header", True),
         "missing": inp.get("missing", DEFAULT_MISSING)}
    if not isinstance(d["header"], bool):
        raise spec_error("input.header", "expected true or false")
    if not isinstance(d["missing"], list) or not all(isinstance(s, str) for s in d["missing"]):
        raise spec_error("input.missing", "expected an array of strings")
    out = spec.get("output", {}) or {}
    o = {"delimiter": one_byte("output.delimiter", out.get("delimiter", d["delimiter"])),
         "quote": one_byte("output.quote", out.get("quote", d["quote"])),
         "header": out.get("header", True)}
    if out.get("on_error", "fail") != "fail":
        raise RefExit(5, "output.on_error other than \"fail\" is not modelled by the reference")
    return d, o


STAGE_KEYS = {
    "fill": {"stage", "columns", "strategy", "value", "indicator", "fitted"},
    "scale": {"stage", "columns", "method", "range", "clip", "quantile_range", "fitted"},
    "onehot": {"stage", "columns", "categories", "drop", "handle_unknown", "min_frequency",
               "max_categories", "fitted"},
    "tokenize": {"stage", "columns", "lowercase", "pattern", "stopwords", "ngrams", "strip_accents"},
    "tfidf": {"stage", "columns", "min_df", "max_df", "max_features", "vocabulary", "binary", "use_idf",
              "smooth_idf", "sublinear_tf", "norm", "output", "fitted"},
}


def resolve_columns(table, entries, path):
    if not isinstance(entries, list) or not entries or not all(isinstance(e, str) for e in entries):
        raise spec_error(path, "expected a non-empty array of column names or globs")
    names = table.names()
    chosen = []
    for k, e in enumerate(entries):
        if any(ch in e for ch in "*?["):
            hits = [n for n in names if fnmatch.fnmatchcase(n, e)]
        else:
            hits = [e] if e in names else []
        if not hits:
            raise spec_error(f"{path}[{k}]", f"no column matches '{e}' (columns: {', '.join(names)})")
        for h in hits:
            if h not in chosen:
                chosen.append(h)
    return chosen


def is_real(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# --------------------------------------------------------------------------------------------
# Stages. Each has fit(table) -> self (the table it sees is the previous stages' output) and
# transform(table) -> Table. All three transformers act column by column, so one estimator per
# column gives exactly what one estimator over all the stage's columns gives.
# --------------------------------------------------------------------------------------------
class FillStage:
    def __init__(self, spec, idx):
        self.p = f"stages[{idx}]"
        self.label = f"stage {idx + 1} fill"
        self.spec = spec
        self.strategy = spec.get("strategy")
        if self.strategy not in ("constant", "mean", "median", "most_frequent", "ffill"):
            raise spec_error(f"{self.p}.strategy",
                             "expected one of constant, mean, median, most_frequent, ffill")
        self.has_value = "value" in spec
        self.value = spec.get("value")
        if self.has_value and not (isinstance(self.value, str) or is_real(self.value)):
            raise spec_error(f"{self.p}.value", "expected a string or a number")
        if self.strategy == "constant" and not self.has_value:
            raise spec_error(f"{self.p}.value", "strategy \"constant\" needs a value")
        if self.strategy in ("mean", "median") and self.has_value and not self.value_is_number():
            raise spec_error(f"{self.p}.value", f"strategy \"{self.strategy}\" needs a numeric fallback value")
        if self.strategy == "ffill" and self.has_value:
            raise RefExit(5, f"{self.p}.value with strategy \"ffill\" is not specified; not modelled")
        self.indicator = spec.get("indicator", False)
        if not isinstance(self.indicator, bool):
            raise spec_error(f"{self.p}.indicator", "expected true or false")
        self.fitted = {}

    def value_is_number(self):
        return is_real(self.value) or (isinstance(self.value, str) and is_number(self.value))

    def value_text(self):
        if isinstance(self.value, str):
            return self.value
        return json.dumps(self.value)  # 0 -> "0", 1.5 -> "1.5"

    def fit(self, table):
        where = Where(table.file, self.label)
        self.columns = resolve_columns(table, self.spec.get("columns"), f"{self.p}.columns")
        for name in self.columns:
            col = table.get(name)
            miss = col.missing_mask()
            observed = int((~miss).sum())
            mode = None  # ("num"|"text", estimator or None)
            if self.strategy == "ffill":
                if observed == 0:
                    raise RefExit(2, f"{table.file}: column '{name}' has no observed values "
                                     f"({self.label}, strategy ffill)")
                self.fitted[name] = ("ffill", None)
                continue
            if observed == 0 and self.strategy != "constant":
                if not self.has_value:
                    raise RefExit(2, f"{table.file}: column '{name}' has no observed values and the "
                                     f"stage gives no fallback value ({self.label}, strategy {self.strategy})")
                strategy = "constant"  # the fallback value fills the whole column
            else:
                strategy = self.strategy
            if self.strategy in ("mean", "median"):
                numeric = True
            else:
                numeric = col.all_observed_are_numbers() and (
                    strategy != "constant" or self.value_is_number())
            if numeric:
                X = col.as_float(where).reshape(-1, 1)
                fill_value = float(self.value) if strategy == "constant" else None
                imp = SimpleImputer(strategy=strategy, fill_value=fill_value,
                                    keep_empty_features=(strategy == "constant"),
                                    add_indicator=self.indicator)
                imp.fit(X)
                mode = ("num", imp)
            else:
                X = pd.DataFrame({name: col.object_values()}, dtype=object)
                fill_value = self.value_text() if strategy == "constant" else None
                imp = SimpleImputer(strategy=strategy, fill_value=fill_value,
                                    keep_empty_features=(strategy == "constant"),
                                    add_indicator=self.indicator)
                imp.fit(X)
                mode = ("text", imp)
            if self.indicator:
                # SimpleImputer(add_indicator=True) only adds an indicator for features that had a
                # missing value during fit (MissingIndicator(features="missing-only")); prepline
                # always adds <col>_missing, so the reference uses features="all".
                mi = MissingIndicator(features="all")
                mi.fit(X)
                mode = mode + (mi,)
            self.fitted[name] = mode
        return self

    def transform(self, table):
        where = Where(table.file, self.label)
        out = Table(list(table.columns), table.file, table.floors)
        for name in self.columns:
            col = table.get(name)
            miss = col.missing_mask()
            kind = self.fitted[name][0]
            if kind == "ffill":
                if col.kind == "num":
                    new = Column.num(name, pd.Series(col.vals).ffill().to_numpy())
                else:
                    s = pd.Series(col.object_values(), dtype=object).ffill()
                    m = s.isna().to_numpy()
                    raw = s.where(~s.isna(), "").to_numpy(dtype=object)
                    new = Column.text(name, raw, m, rewritten=True)
                ind = miss.astype(np.float64)
            else:
                imp = self.fitted[name][1]
                if kind == "num":
                    X = col.as_float(where).reshape(-1, 1)
                    res = imp.transform(X)
                    new = Column.num(name, res[:, 0].astype(np.float64))
                else:
                    X = pd.DataFrame({name: col.object_values()}, dtype=object)
                    res = imp.transform(X)
                    vals = res[:, 0]
                    m = np.array([isinstance(v, float) and math.isnan(v) for v in vals], dtype=bool)
                    raw = np.array(["" if mm else str(v) for v, mm in zip(vals, m)], dtype=object)
                    new = Column.text(name, raw, m, rewritten=True)
                ind = None
                if self.indicator:
                    ind = self.fitted[name][2].transform(X)[:, 0].astype(np.float64)
                    if res.shape[1] == 2:  # SimpleImputer's own indicator, when it made one
                        assert (res[:, 1].astype(np.float64) == ind).all()
            cols = [new]
            if self.indicator:
                assert (ind == miss.astype(np.float64)).all()
                cols.append(Column.num(f"{name}_missing", ind))
            out.replace(name, cols)
        return out


class ScaleStage:
    def __init__(self, spec, idx):
        self.p = f"stages[{idx}]"
        self.label = f"stage {idx + 1} scale"
        self.spec = spec
        self.method = spec.get("method")
        if self.method not in ("zscore", "minmax", "robust", "maxabs"):
            raise spec_error(f"{self.p}.method", "expected one of zscore, minmax, robust, maxabs")
        allowed = {"zscore": set(), "minmax": {"range", "clip"}, "robust": {"quantile_range"},
                   "maxabs": set()}[self.method]
        for k in ("range", "clip", "quantile_range"):
            if k in spec and k not in allowed:
                raise spec_error(f"{self.p}.{k}", f"not an option of method \"{self.method}\"")
        if self.method == "minmax":
            r = spec.get("range", [0, 1])
            if not (isinstance(r, list) and len(r) == 2 and all(is_real(x) for x in r)):
                raise spec_error(f"{self.p}.range", "expected [min, max], two numbers")
            if not r[0] < r[1]:
                raise spec_error(f"{self.p}.range", f"min must be smaller than max, got {r}")
            clip = spec.get("clip", False)
            if not isinstance(clip, bool):
                raise spec_error(f"{self.p}.clip", "expected true or false")
            self.make = lambda: MinMaxScaler(feature_range=(float(r[0]), float(r[1])), clip=clip)
        elif self.method == "robust":
            q = spec.get("quantile_range", [25, 75])
            if not (isinstance(q, list) and len(q) == 2 and all(is_real(x) for x in q)):
                raise spec_error(f"{self.p}.quantile_range", "expected [low, high], two numbers")
            if not (0 <= q[0] < q[1] <= 100):
                raise spec_error(f"{self.p}.quantile_range", f"expected 0 <= low < high <= 100, got {q}")
            self.make = lambda: RobustScaler(with_centering=True, with_scaling=True,
                                             quantile_range=(float(q[0]), float(q[1])))
        elif self.method == "zscore":
            self.make = lambda: StandardScaler()
        else:
            self.make = lambda: MaxAbsScaler()
        self.fitted = {}

    def fit(self, table):
        where = Where(table.file, self.label)
        self.columns = resolve_columns(table, self.spec.get("columns"), f"{self.p}.columns")
        for name in self.columns:
            X = table.get(name).as_float(where).reshape(-1, 1)
            self.fitted[name] = self.make().fit(X)
        return self

    def transform(self, table):
        where = Where(table.file, self.label)
        out = Table(list(table.columns), table.file, table.floors)
        for name in self.columns:
            X = table.get(name).as_float(where).reshape(-1, 1)
            scaler = self.fitted[name]
            res = scaler.transform(X)[:, 0]
            out.replace(name, [Column.num(name, res)])
            out.floors[name] = noise_floor(scaler, X[:, 0], out.floors.get(name, 0.0))
        return out


def noise_floor(scaler, x, earlier):
    """The absolute rounding noise of a scaled value. A centred value (x - c) / s cancels: its
    error is a few ulps of max(|x|, |c|), divided by s, whatever the summation order that gave c
    (numpy's pairwise sum in scikit-learn, a streaming merge in prepline). A fixed 1e-15 is below
    that noise for, e.g., penguin masses (|x| ~ 6000, s ~ 800); the floor is 4 ulps of it."""
    eps = np.finfo(np.float64).eps
    finite = x[np.isfinite(x)]
    magnitude = float(np.max(np.abs(finite))) if finite.size else 0.0
    if isinstance(scaler, StandardScaler):
        centre, slope = abs(float(scaler.mean_[0])), 1.0 / float(scaler.scale_[0])
    elif isinstance(scaler, RobustScaler):
        centre, slope = abs(float(scaler.center_[0])), 1.0 / float(scaler.scale_[0])
    elif isinstance(scaler, MinMaxScaler):
        centre, slope = abs(float(scaler.min_[0])) / float(scaler.scale_[0]) if scaler.scale_[0] else 0.0, float(scaler.scale_[0])
    else:  # MaxAbsScaler divides only: no cancellation
        return earlier * (1.0 / float(scaler.scale_[0]) if scaler.scale_[0] else 1.0)
    if not (math.isfinite(centre) and math.isfinite(slope)):
        return 0.0
    return 4 * eps * max(magnitude, centre) * abs(slope) + earlier * abs(slope)


class OnehotStage:
    def __init__(self, spec, idx):
        self.p = f"stages[{idx}]"
        self.label = f"stage {idx + 1} onehot"
        self.spec = spec
        cats = spec.get("categories")
        if cats is not None:
            if not isinstance(cats, dict):
                raise spec_error(f"{self.p}.categories",
                                 "expected an object: column name -> array of categories")
            for k, v in cats.items():
                if not isinstance(v, list) or not v or not all(isinstance(x, str) or x is None for x in v):
                    raise spec_error(f"{self.p}.categories.{k}",
                                     "expected a non-empty array of strings (null = the missing value)")
                if v.count(None) > 1 or len({x for x in v if x is not None}) != len([x for x in v if x is not None]):
                    raise spec_error(f"{self.p}.categories.{k}", "duplicate category")
                if None in v and v[-1] is not None:
                    # sklearn: "Nan should be the last element in user provided categories"
                    raise spec_error(f"{self.p}.categories.{k}", "null (missing) must be the last category")
        self.categories = cats or {}
        drop = spec.get("drop")
        if drop not in (None, "first", "if_binary"):
            raise spec_error(f"{self.p}.drop", "expected null, \"first\" or \"if_binary\"")
        hu = spec.get("handle_unknown", "error")
        hu_map = {"error": "error", "ignore": "ignore", "infrequent": "infrequent_if_exist"}
        if hu not in hu_map:
            raise spec_error(f"{self.p}.handle_unknown", "expected \"error\", \"ignore\" or \"infrequent\"")
        mf = spec.get("min_frequency")
        if mf is not None:
            if isinstance(mf, bool) or not ((isinstance(mf, int) and mf >= 1) or
                                            (isinstance(mf, float) and 0 < mf < 1)):
                raise spec_error(f"{self.p}.min_frequency",
                                 "expected an integer >= 1 (a count) or a number in (0, 1) (a fraction)")
        mc = spec.get("max_categories")
        if mc is not None and (isinstance(mc, bool) or not isinstance(mc, int) or mc < 1):
            raise spec_error(f"{self.p}.max_categories", "expected an integer >= 1")
        self.kw = dict(sparse_output=False, drop=drop, handle_unknown=hu_map[hu],
                       min_frequency=mf, max_categories=mc)
        self.fitted = {}

    def fit(self, table):
        self.columns = resolve_columns(table, self.spec.get("columns"), f"{self.p}.columns")
        for k in self.categories:
            if k not in self.columns:
                raise spec_error(f"{self.p}.categories.{k}", "not one of the stage's columns")
        for name in self.columns:
            X = pd.DataFrame({name: table.get(name).object_values()}, dtype=object)
            given = self.categories.get(name)
            cats = "auto" if given is None else [[np.nan if x is None else x for x in given]]
            enc = OneHotEncoder(categories=cats, **self.kw)
            try:
                enc.fit(X)
            except InvalidParameterError as e:
                raise spec_error(self.p, str(e))
            except ValueError as e:
                if "unknown categor" in str(e):  # a value outside the given categories, handle_unknown error
                    raise RefExit(1, f"{table.file}: column '{name}': {e} ({self.label})")
                raise
            names = list(enc.get_feature_names_out([name]))
            if getattr(enc, "_infrequent_enabled", False) and \
                    enc.infrequent_categories_[0] is not None and names and \
                    names[-1] == f"{name}_infrequent_sklearn":
                names[-1] = f"{name}_infrequent"
            self.fitted[name] = (enc, names)
        return self

    def transform(self, table):
        out = Table(list(table.columns), table.file, table.floors)
        for name in self.columns:
            enc, names = self.fitted[name]
            X = pd.DataFrame({name: table.get(name).object_values()}, dtype=object)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # "unknown categories ... all zeros"
                try:
                    res = enc.transform(X)
                except ValueError as e:
                    if "unknown categor" in str(e):
                        raise RefExit(1, f"{table.file}: column '{name}': {e} ({self.label})")
                    raise
            assert res.shape[1] == len(names)
            out.replace(name, [Column.num(n, res[:, j]) for j, n in enumerate(names)])
        return out


def analyzer_options(spec, path):
    """The CountVectorizer analyzer arguments of a tokenize spec (or the defaults)."""
    kw = {}
    if "lowercase" in spec:
        kw["lowercase"] = spec["lowercase"]
    if "pattern" in spec:
        kw["token_pattern"] = spec["pattern"]
    sw = spec.get("stopwords")
    if sw is not None:
        kw["stop_words"] = sw if sw == "english" else list(sw)
    if "ngrams" in spec:
        kw["ngram_range"] = tuple(spec["ngrams"])
    if spec.get("strip_accents") is not None:
        if spec["strip_accents"] != "unicode":
            raise spec_error(f"{path}.strip_accents", "expected \"unicode\" or null")
        kw["strip_accents"] = "unicode"
    return kw


class TokenizeStage:
    """The analyzer of a later tfidf on the same column (its tokens are consumed there), or, with
    no such tfidf, the terms joined by one space."""

    def __init__(self, spec, idx, later):
        self.p = f"stages[{idx}]"
        self.spec = spec
        self.later = later
        self.kw = analyzer_options(spec, self.p)

    def fit(self, table):
        self.columns = resolve_columns(table, self.spec.get("columns"), f"{self.p}.columns")
        consumed = set()
        for later in self.later:
            if later.get("stage") == "tfidf":
                try:
                    consumed |= set(resolve_columns(table, later.get("columns"), "later"))
                except RefExit:
                    pass
        self.consumed = consumed
        return self

    def transform(self, table):
        out = Table(list(table.columns), table.file, table.floors)
        for name in self.columns:
            col = table.get(name)
            if name in self.consumed:
                col = Column.text(name, col.raw, col.miss, col.rewritten)
                col.analyzer = self.kw
                out.replace(name, [col])
                continue
            analyze = TfidfVectorizer(**self.kw).build_analyzer()
            values = col.object_values()
            joined = ["" if m else " ".join(analyze(v)) for v, m in zip(values, col.miss)]
            out.replace(name, [Column.text(name, joined, col.miss, True)])
        return out


class TfidfStage:
    """TfidfVectorizer per column; a missing text is an empty document."""

    def __init__(self, spec, idx):
        self.p = f"stages[{idx}]"
        self.spec = spec
        kw = {}
        for key in ("min_df", "max_df", "max_features", "binary", "use_idf", "smooth_idf", "sublinear_tf"):
            if key in spec:
                kw[key] = spec[key]
        if "vocabulary" in spec:
            kw["vocabulary"] = spec["vocabulary"]
        norm = spec.get("norm", "l2")
        kw["norm"] = None if norm in (None, "none") else norm
        self.output = spec.get("output", "dense")
        if self.output not in ("dense", "sparse"):
            raise spec_error(f"{self.p}.output", "expected \"dense\" or \"sparse\"")
        self.kw = kw
        self.fitted = {}

    @staticmethod
    def documents(col):
        if col.kind != "text":
            raise RefExit(5, "tfidf on a numeric column is not modelled by the reference")
        return ["" if m else v for v, m in zip(col.raw, col.miss)]

    def fit(self, table):
        self.columns = resolve_columns(table, self.spec.get("columns"), f"{self.p}.columns")
        for name in self.columns:
            col = table.get(name)
            analyzer = getattr(col, "analyzer", None) or {}
            vec = TfidfVectorizer(dtype=np.float64, **analyzer, **self.kw)
            try:
                vec.fit(self.documents(col))
            except InvalidParameterError as e:
                raise spec_error(self.p, str(e))
            except ValueError as e:
                raise spec_error(self.p, f"column '{name}': {e}")
            if vec.max_features is not None and vec.vocabulary is None:
                vec = self.ties_by_term(vec, analyzer, self.documents(col))
            self.fitted[name] = vec
        return self

    def ties_by_term(self, vec, analyzer, docs):
        """`max_features` keeps the terms with the highest corpus counts; scikit-learn ranks them
        with numpy's default argsort, which is not stable, so among terms tied at the cut its
        choice depends on the sort's internals (README, "Where scikit-learn surprises" 12). The
        contract breaks ties by term (code-point order). Counted by scikit-learn without
        `max_features`; when its own choice differs only among tied terms, the contract's choice
        is fitted as a given vocabulary (same counts, idf and norms for the same terms)."""
        kw = {k: v for k, v in self.kw.items() if k in ("min_df", "max_df", "binary")}
        counter = CountVectorizer(dtype=np.float64, **analyzer, **kw)
        X = counter.fit_transform(docs)
        terms = counter.get_feature_names_out()
        tfs = np.asarray(X.sum(axis=0)).ravel()
        order = sorted(range(len(terms)), key=lambda j: (-tfs[j], terms[j]))
        chosen = set(terms[j] for j in order[:vec.max_features])
        theirs = set(vec.vocabulary_)
        if chosen == theirs:
            return vec
        cut = tfs[order[vec.max_features - 1]]
        counts = dict(zip(terms, tfs))
        assert all(counts[t] == cut for t in chosen ^ theirs), "max_features differs beyond a tie"
        kw = {k: v for k, v in self.kw.items() if k not in ("min_df", "max_df", "max_features")}
        fixed = TfidfVectorizer(dtype=np.float64, vocabulary=sorted(chosen), **analyzer, **kw)
        # idf from the same documents: scikit-learn's own numbers for the chosen terms.
        return fixed.fit(docs)

    def transform(self, table):
        out = Table(list(table.columns), table.file, table.floors)
        for name in self.columns:
            vec = self.fitted[name]
            X = vec.transform(self.documents(table.get(name))).tocsr()
            X.sort_indices()
            terms = list(vec.get_feature_names_out())
            if self.output == "dense":
                D = X.toarray()
                out.replace(name, [Column.num(f"{name}_{t}", D[:, j]) for j, t in enumerate(terms)])
            else:
                cells = []
                for r in range(X.shape[0]):
                    row = X.getrow(r)
                    cells.append(" ".join(f"{terms[j]}:{repr(float(x))}" for j, x in zip(row.indices, row.data) if x != 0))
                out.replace(name, [Column.text(name, cells, [False] * len(cells), True)])
        return out


STAGES = {"fill": FillStage, "scale": ScaleStage, "onehot": OnehotStage, "tfidf": TfidfStage,
          "select": lambda s, i: ref_shape.SelectStage(s, i, resolve_columns),
          "drop": lambda s, i: ref_shape.DropStage(s, i, resolve_columns),
          "rename": lambda s, i: ref_shape.RenameStage(s, i, spec_error)}
STAGE_KEYS.update(select=ref_shape.SelectStage.KEYS, drop=ref_shape.SelectStage.KEYS, rename=ref_shape.RenameStage.KEYS)
ref_hash.register(sys.modules[__name__])  # hash, and tfidf's hash_features (ref_hash.py)

import ref_clean  # noqa: E402  (the clean stage: Python's own string operations)
STAGES["clean"] = lambda spec, idx: ref_clean.CleanStage(spec, idx, sys.modules[__name__])
STAGE_KEYS["clean"] = ref_clean.CLEAN_KEYS

# The toolbox stages (issue 15), one reference file each: ref_<stage>.py.
import ref_bin, ref_ordinal  # noqa: E402
for _stage in (ref_ordinal, ref_bin):
    STAGES[_stage.KIND], STAGE_KEYS[_stage.KIND] = _stage.make(sys.modules[__name__]), _stage.KEYS

# Stages whose reference lives in a file of its own (ref_<stage>.py): each gets this module's namespace.
import ref_clip  # noqa: E402
import ref_log  # noqa: E402
import ref_datetime  # noqa: E402
for _module in (ref_log, ref_clip, ref_datetime):
    for _kind, (_stage, _keys) in _module.stages(globals()).items():
        STAGES[_kind], STAGE_KEYS[_kind] = _stage, _keys


def build_stages(spec):
    stages = spec.get("stages", [])
    if not isinstance(stages, list):
        raise spec_error("stages", "expected an array")
    built = []
    for i, s in enumerate(stages):
        if not isinstance(s, dict):
            raise spec_error(f"stages[{i}]", "expected an object")
        kind = s.get("stage")
        if kind not in STAGES and kind != "tokenize":
            raise spec_error(f"stages[{i}].stage", "expected one of " + ", ".join(sorted(set(STAGES) | {"tokenize"})))
        for k in s:
            if k not in STAGE_KEYS[kind]:
                raise spec_error(f"stages[{i}].{k}", f"unknown key for stage \"{kind}\"")
        if kind == "tokenize":
            built.append(TokenizeStage(s, i, stages[i + 1:]))
        else:
            built.append(STAGES[kind](s, i))
    # output.columns: a last select.
    columns = (spec.get("output") or {}).get("columns", "all")
    if columns != "all":
        built.append(ref_shape.SelectStage({"columns": columns}, len(stages), resolve_columns, path="output.columns"))
    return built


def run(spec_path, input_path, output_path, fit_path=None):
    try:
        with open(spec_path, encoding="utf-8") as f:
            spec = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise RefExit(2, f"{spec_path}: cannot read the spec: {e}")
    if not isinstance(spec, dict) or spec.get("prepline") != 1:
        raise spec_error("prepline", "a spec starts with \"prepline\": 1")
    for k in ("schema", "checks"):
        if k in spec:
            raise RefExit(5, f"\"{k}\" is not modelled by the reference")
    in_dialect, out_dialect = read_dialects(spec)
    stages = build_stages(spec)

    data = read_table(input_path, in_dialect)
    if fit_path is None:
        # Pipeline.fit_transform: stage k is fitted on, and transforms, the previous output.
        table = data
        for st in stages:
            st.fit(table)
            table = st.transform(table)
            ref_shape.check_unique(table, f"stages[{stages.index(st)}]", spec_error)
    else:
        fit_table = read_table(fit_path, in_dialect)
        if fit_table.names() != data.names():
            raise RefExit(3, f"{input_path}: header differs from {fit_path}'s")
        for st in stages:  # Pipeline.fit
            st.fit(fit_table)
            fit_table = st.transform(fit_table)
            ref_shape.check_unique(fit_table, f"stages[{stages.index(st)}]", spec_error)
        table = data
        for st in stages:  # Pipeline.transform
            table = st.transform(table)
    write_table(table, output_path, out_dialect)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("spec")
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--fit", metavar="FIT_CSV",
                    help="fit on this file, then transform INPUT (prepline fit + apply)")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore", RuntimeWarning)  # overflow in square, all-NaN slices
    try:
        run(args.spec, args.input, args.output, args.fit)
    except RefExit as e:
        print(f"sklearn_reference: {e.message}", file=sys.stderr)
        return e.code
    except Exception as e:  # a reference bug or an unmodelled sklearn failure: never exit 1/2
        import traceback
        traceback.print_exc()
        print(f"sklearn_reference: unexpected failure (scikit-learn {sklearn.__version__}): {e}",
              file=sys.stderr)
        return 5
    return 0


if __name__ == "__main__":
    sys.exit(main())
