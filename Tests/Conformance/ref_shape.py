"""The shaping stages (select, drop, rename, output.columns) for sklearn_reference.py.

They act on the reference's table of named columns as pandas does on a DataFrame:
`select` is `df[names]` (globs expanded with fnmatch in the current column order, each name
once, in the order given), `drop` is `df.drop(columns=names)`, `rename` is
`df.rename(columns=map, errors="raise")` (all at once, so a swap works). No value changes, so
the numbers of the stages after them are the Pipeline's on the reshaped table.

Names stay unique: a rename onto an existing column, or a stage making a name that is already
a column, is refused (exit 2), as `ColumnTransformer(verbose_feature_names_out=False)` refuses
output feature names that are not unique (`check_unique_output_names`, `_add_prefix_for_feature_names_out`).
"""

import copy


def check_unique(table, where, spec_error):
    seen = set()
    for name in table.names():
        if name in seen:
            raise spec_error(where, f"column '{name}' would be written twice")
        seen.add(name)


class SelectStage:
    KEYS = {"stage", "columns"}

    def __init__(self, spec, idx, resolve_columns, path=None):
        self.entries = spec.get("columns")
        self.path = path or f"stages[{idx}].columns"
        self.resolve = resolve_columns

    def fit(self, table):
        pass

    def transform(self, table):
        chosen = self.resolve(table, self.entries, self.path)
        out = copy.copy(table)
        out.columns = [table.get(n) for n in chosen]
        return out


class DropStage(SelectStage):
    def __init__(self, spec, idx, resolve_columns):
        super().__init__(spec, idx, resolve_columns)

    def transform(self, table):
        dropped = set(self.resolve(table, self.entries, self.path))
        out = copy.copy(table)
        out.columns = [c for c in table.columns if c.name not in dropped]
        return out


class RenameStage:
    KEYS = {"stage", "map"}

    def __init__(self, spec, idx, spec_error):
        m = spec.get("map")
        if not isinstance(m, dict) or not m or not all(isinstance(v, str) and v for v in m.values()):
            raise spec_error(f"stages[{idx}].map", "expected an object of old → new names")
        if len(set(m.values())) != len(m):
            raise spec_error(f"stages[{idx}].map", "two columns would get the same name")
        self.map, self.idx, self.spec_error = m, idx, spec_error

    def fit(self, table):
        pass

    def transform(self, table):
        names = table.names()
        for old in self.map:
            if old not in names:  # pandas: rename(errors="raise") raises KeyError
                raise self.spec_error(f"stages[{self.idx}].map.{old}", f"unknown column '{old}'")
        out = copy.copy(table)
        out.columns = []
        for c in table.columns:
            if c.name in self.map:
                c = copy.copy(c)
                c.name = self.map[c.name]
            out.columns.append(c)
        out.floors = {self.map.get(k, k): v for k, v in table.floors.items()}
        check_unique(out, f"stages[{self.idx}]", self.spec_error)
        return out
