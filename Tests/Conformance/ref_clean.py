"""The reference of prepline's `clean` stage: Python itself (unicodedata, re, str methods) and
scikit-learn's strip_accents functions, applying the spec's steps in DESIGN.md's fixed order.

Wired into sklearn_reference.py (STAGES / STAGE_KEYS); `ref` is that module, for its table,
column and error helpers.
"""

import re
import unicodedata

from sklearn.feature_extraction.text import strip_accents_ascii, strip_accents_unicode

CLEAN_KEYS = {"stage", "columns", "normalize", "replace", "strip_accents", "case", "remove_punctuation",
              "collapse_whitespace", "trim", "empty_as_missing"}
STEPS = ["normalize", "replace", "strip_accents", "case", "remove_punctuation", "collapse_whitespace", "trim",
         "empty_as_missing"]


class CleanStage:
    def __init__(self, spec, idx, ref):
        self.ref = ref
        self.p = f"stages[{idx}]"
        self.spec = spec
        err = ref.spec_error

        def choice(key, allowed):
            v = spec.get(key)
            if v is not None and v not in allowed:
                raise err(f"{self.p}.{key}", f"expected one of {allowed} or null")
            return v

        self.normalize = choice("normalize", ["NFC", "NFKC", "NFD", "NFKD"])
        self.strip = choice("strip_accents", ["unicode", "ascii"])
        self.case = choice("case", ["lower", "upper", "casefold"])
        self.flags = {}
        for key in ("remove_punctuation", "collapse_whitespace", "trim", "empty_as_missing"):
            v = spec.get(key, False)
            if not isinstance(v, bool):
                raise err(f"{self.p}.{key}", "expected true or false")
            self.flags[key] = v
        self.replace = []
        items = spec.get("replace", [])
        if not isinstance(items, list):
            raise err(f"{self.p}.replace", "expected an array")
        for k, item in enumerate(items):
            path = f"{self.p}.replace[{k}]"
            if not isinstance(item, dict) or not isinstance(item.get("pattern"), str):
                raise err(path, "expected {\"pattern\": str, \"with\": str}")
            for key in item:
                if key not in ("pattern", "with"):
                    raise err(f"{path}.{key}", "unknown key")
            repl = item.get("with", "")
            if not isinstance(repl, str):
                raise err(f"{path}.with", "expected a string")
            try:
                rx = re.compile(item["pattern"])
            except re.error as e:
                raise err(f"{path}.pattern", str(e))
            try:
                rx.sub(repl, "")  # parses the template: a bad group or escape raises here
            except (re.error, IndexError) as e:
                raise err(f"{path}.with", str(e))
            self.replace.append((rx, repl))
        if not any(k in spec and spec[k] not in (None, False, []) for k in STEPS):
            raise err(self.p, "the clean stage names no step")

    def clean(self, s):
        if self.normalize:
            s = unicodedata.normalize(self.normalize, s)
        for rx, repl in self.replace:
            s = rx.sub(repl, s)
        if self.strip == "unicode":
            s = strip_accents_unicode(s)
        elif self.strip == "ascii":
            s = strip_accents_ascii(s)
        if self.case:
            s = getattr(s, self.case)()
        if self.flags["remove_punctuation"]:
            s = re.sub(r"[^\w\s]", "", s)
        if self.flags["collapse_whitespace"]:
            s = re.sub(r"\s+", " ", s)
        if self.flags["trim"]:
            s = s.strip()
        return s

    def fit(self, table):
        self.columns = self.ref.resolve_columns(table, self.spec.get("columns"), f"{self.p}.columns")
        return self

    def transform(self, table):
        ref = self.ref
        out = ref.Table(list(table.columns), table.file, table.floors)
        for name in self.columns:
            col = table.get(name)
            values = col.object_values()  # exit 5 for a column a stage made numeric
            raw, miss = [], []
            for v, m in zip(values, col.miss):
                if m:
                    raw.append("")
                    miss.append(True)
                    continue
                c = self.clean(v)
                raw.append(c)
                miss.append(self.flags["empty_as_missing"] and c == "")
            out.replace(name, [ref.Column.text(name, raw, miss, True)])
        return out
