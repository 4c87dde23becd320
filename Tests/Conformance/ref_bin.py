"""scikit-learn reference for prepline's `bin` stage: KBinsDiscretizer, one per column.

Wired into sklearn_reference.py (`make(ref)` gets that module). Mapping (README.md, "bin"): the
column as float64 (a non-number is a row-level error); `KBinsDiscretizer(n_bins, encode="ordinal"
or "onehot-dense", strategy, quantile_method="averaged_inverted_cdf", subsample=None)` fitted on the
observed (non-missing) values, as scikit-learn refuses NaN; a missing value stays NaN (ordinal) or
is a row of zeros (onehot). Fixed `edges`: `np.searchsorted(edges[1:-1], x, side="right")`, the
transform KBinsDiscretizer applies to its `bin_edges_`, names `<col>_0.0`, … as it gives them.
"""

import warnings

import numpy as np
from sklearn.preprocessing import KBinsDiscretizer

KIND = "bin"
KEYS = {"stage", "columns", "n_bins", "strategy", "encode", "edges", "fitted"}


def make(ref):
    class BinStage:
        def __init__(self, spec, idx):
            self.p = f"stages[{idx}]"
            self.label = f"stage {idx + 1} bin"
            self.spec = spec
            n = spec.get("n_bins", 5)
            if isinstance(n, bool) or not isinstance(n, int) or n < 2:
                raise ref.spec_error(f"{self.p}.n_bins", "expected an integer >= 2")
            strategy = spec.get("strategy", "quantile")
            if strategy not in ("uniform", "quantile", "kmeans"):
                raise ref.spec_error(f"{self.p}.strategy", "expected uniform, quantile or kmeans")
            self.encode = spec.get("encode", "ordinal")
            if self.encode not in ("ordinal", "onehot"):
                raise ref.spec_error(f"{self.p}.encode", "expected ordinal or onehot")
            self.edges = spec.get("edges")
            if self.edges is not None:
                for k in ("n_bins", "strategy"):
                    if k in spec:
                        raise ref.spec_error(f"{self.p}.{k}", "does not apply with edges")
                if not isinstance(self.edges, dict):
                    raise ref.spec_error(f"{self.p}.edges", "expected an object")
                for k, v in self.edges.items():
                    if not isinstance(v, list) or len(v) < 2 or not all(ref.is_real(x) for x in v) or \
                            any(b <= a for a, b in zip(v, v[1:])):
                        raise ref.spec_error(f"{self.p}.edges.{k}", "expected at least two strictly increasing numbers")
            self.kw = dict(n_bins=n, strategy=strategy, quantile_method="averaged_inverted_cdf", subsample=None,
                           encode="ordinal" if self.encode == "ordinal" else "onehot-dense")
            self.fitted = {}

        def fit(self, table):
            where = ref.Where(table.file, self.label)
            self.columns = ref.resolve_columns(table, self.spec.get("columns"), f"{self.p}.columns")
            if self.edges is not None:
                for k in self.edges:
                    if k not in self.columns:
                        raise ref.spec_error(f"{self.p}.edges.{k}", "not one of the stage's columns")
                for name in self.columns:
                    if name not in self.edges:
                        raise ref.spec_error(f"{self.p}.edges", f"no edges for column '{name}'")
            for name in self.columns:
                x = table.get(name).as_float(where)
                if self.edges is not None:
                    self.fitted[name] = np.asarray(self.edges[name], dtype=np.float64)
                    continue
                observed = x[~np.isnan(x)]
                if observed.size == 0:
                    raise ref.RefExit(2, f"{table.file}: column '{name}' has no observed values ({self.label})")
                est = KBinsDiscretizer(**self.kw)
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")  # constant feature, narrow bins removed, convergence
                        est.fit(observed.reshape(-1, 1))
                except ValueError as e:
                    if "n_samples" in str(e) and "n_clusters" in str(e):  # kmeans: fewer values than bins
                        raise ref.spec_error(f"{self.p}.n_bins", str(e))
                    raise
                self.fitted[name] = est
            return self

        def transform(self, table):
            where = ref.Where(table.file, self.label)
            out = ref.Table(list(table.columns), table.file, table.floors)
            for name in self.columns:
                x = table.get(name).as_float(where)
                miss = np.isnan(x)
                fitted = self.fitted[name]
                if isinstance(fitted, np.ndarray):
                    bins = np.searchsorted(fitted[1:-1], x[~miss], side="right").astype(np.float64)
                    width = len(fitted) - 1
                    names = [f"{name}_{float(j)!r}" for j in range(width)]
                    coded = bins if self.encode == "ordinal" else np.eye(width)[bins.astype(int)]
                else:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        coded = fitted.transform(x[~miss].reshape(-1, 1))
                    if self.encode == "ordinal":
                        coded = coded[:, 0]
                    else:
                        names = list(fitted.get_feature_names_out([name]))
                if self.encode == "ordinal":
                    vals = np.full(len(x), np.nan)
                    vals[~miss] = coded
                    out.replace(name, [ref.Column.num(name, vals)])
                else:
                    block = np.zeros((len(x), len(names)))
                    block[~miss] = coded
                    out.replace(name, [ref.Column.num(n, block[:, j]) for j, n in enumerate(names)])
            return out

    return BinStage
