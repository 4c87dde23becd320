"""scikit-learn's side of prepline's `hash` stage and of `tfidf` with `hash_features`.

- `hash` → `FeatureHasher(n_features, input_type="dict", alternate_sign)`: each row is the dict
  {column: text} of the stage's columns with a value (a missing value is left out), so the feature
  is `"column=text"`; the block `<output>_0 … <output>_<n-1>` replaces the hashed columns at the
  place of the leftmost one.
- `tfidf` with `hash_features: N` → `HashingVectorizer(n_features=N, alternate_sign=False,
  norm=None, binary=…, **analyzer)` then `TfidfTransformer(use_idf, smooth_idf, sublinear_tf,
  norm)`; the output is the non-zero `index:repr(weight)` pairs of each row in index order.

`register(module)` adds both to sklearn_reference.py's tables (given its running module, so
`RefExit`, `Table` and `Column` are the classes its `main` knows).
"""

import numpy as np
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

# The contract's limit on a dense hash block (HashStage.maxFeatures): scikit-learn has none.
HASH_MAX_FEATURES = 4096
HASH_KEYS = {"stage", "columns", "n_features", "alternate_sign", "output"}
VOCABULARY_OPTIONS = ("min_df", "max_df", "max_features", "vocabulary")


_REF = None


def _sklearn_reference():
    return _REF


class HashStage:
    def __init__(self, spec, idx):
        ref = _sklearn_reference()
        self.p = f"stages[{idx}]"
        self.spec = spec
        n = spec.get("n_features")
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= HASH_MAX_FEATURES:
            raise ref.spec_error(f"{self.p}.n_features", f"expected an integer from 1 to {HASH_MAX_FEATURES}")
        sign = spec.get("alternate_sign", True)
        if not isinstance(sign, bool):
            raise ref.spec_error(f"{self.p}.alternate_sign", "expected true or false")
        self.output = spec.get("output", "hash")
        self.hasher = FeatureHasher(n_features=n, input_type="dict", alternate_sign=sign)

    def fit(self, table):
        ref = _sklearn_reference()
        self.columns = ref.resolve_columns(table, self.spec.get("columns"), f"{self.p}.columns")
        return self

    def transform(self, table):
        ref = _sklearn_reference()
        cols = [table.get(name) for name in self.columns]
        for c in cols:
            if c.kind != "text":
                raise ref.RefExit(5, "hash of a column a previous stage made numeric is not modelled by the reference")
        rows = [{c.name: c.raw[r] for c in cols if not c.miss[r]} for r in range(len(cols[0]))]
        block = self.hasher.transform(rows).toarray()
        names = table.names()
        first = min(self.columns, key=names.index)
        out = ref.Table([c for c in table.columns if c.name == first or c.name not in self.columns], table.file, table.floors)
        out.replace(first, [ref.Column.num(f"{self.output}_{j}", block[:, j]) for j in range(block.shape[1])])
        return out


class HashedTfidfStage:
    """HashingVectorizer + TfidfTransformer per column; a missing text is an empty document."""

    def __init__(self, spec, idx):
        ref = _sklearn_reference()
        self.p = f"stages[{idx}]"
        self.spec = spec
        for key in VOCABULARY_OPTIONS:
            if key in spec:
                raise ref.spec_error(f"{self.p}.{key}", "needs a vocabulary; HashingVectorizer keeps none")
        if spec.get("output", "sparse") != "sparse":
            raise ref.spec_error(f"{self.p}.output", "with hash_features the output is sparse")
        self.n = spec["hash_features"]
        self.binary = spec.get("binary", False)
        kw = {k: spec[k] for k in ("use_idf", "smooth_idf", "sublinear_tf") if k in spec}
        norm = spec.get("norm", "l2")
        kw["norm"] = None if norm in (None, "none") else norm
        self.kw = kw
        self.fitted = {}

    def vectorizer(self, col):
        analyzer = getattr(col, "analyzer", None) or {}
        return HashingVectorizer(n_features=self.n, alternate_sign=False, norm=None, binary=self.binary,
                                 dtype=np.float64, **analyzer)

    def fit(self, table):
        ref = _sklearn_reference()
        self.columns = ref.resolve_columns(table, self.spec.get("columns"), f"{self.p}.columns")
        for name in self.columns:
            col = table.get(name)
            hv = self.vectorizer(col)
            self.fitted[name] = (hv, TfidfTransformer(**self.kw).fit(hv.transform(ref.TfidfStage.documents(col))))
        return self

    def transform(self, table):
        ref = _sklearn_reference()
        out = ref.Table(list(table.columns), table.file, table.floors)
        for name in self.columns:
            hv, tt = self.fitted[name]
            X = tt.transform(hv.transform(ref.TfidfStage.documents(table.get(name)))).tocsr()
            X.sort_indices()
            cells = []
            for r in range(X.shape[0]):
                row = X.getrow(r)
                cells.append(" ".join(f"{j}:{repr(float(x))}" for j, x in zip(row.indices, row.data) if x != 0))
            out.replace(name, [ref.Column.text(name, cells, [False] * len(cells), True)])
        return out


def register(module):
    """Adds `hash`, and `hash_features` to `tfidf`, to the reference's stage tables."""
    global _REF
    _REF = module
    stages, stage_keys = module.STAGES, module.STAGE_KEYS
    vocabulary_tfidf = stages["tfidf"]
    stages["tfidf"] = lambda spec, idx: (HashedTfidfStage if "hash_features" in spec else vocabulary_tfidf)(spec, idx)
    stage_keys["tfidf"] = stage_keys["tfidf"] | {"hash_features"}
    stages["hash"] = HashStage
    stage_keys["hash"] = HASH_KEYS
