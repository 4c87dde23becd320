#!/usr/bin/env python3
"""Write the validation conformance cases: CSV files and Table Schemas that break every type,
format and constraint prepline validate checks, and valid files.

usage: make_cases.py OUTDIR

Each case is OUTDIR/<name>/{data.csv, schema.json, spec.json}; OUTDIR/index.json lists them with a
description, the prepline options to run with, and "gap" (a reason) for a case where prepline is
known to differ from frictionless. Deterministic (seeded).
"""
import json
import os
import random
import sys

CASES = {}


def case(name, description, header, rows, fields, *, schema_extra=None, raw=None, options=None, gap=None, package=False):
    """rows: lists of cells (written with minimal quoting) or None for a blank line."""
    schema = {"fields": fields}
    schema.update(schema_extra or {})
    CASES[name] = dict(description=description, header=header, rows=rows, schema=schema, raw=raw,
                       options=options or [], gap=gap, package=package)


def quote(cell):
    if any(c in cell for c in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def render(header, rows, newline="\n"):
    lines = [",".join(quote(h) for h in header)]
    for r in rows:
        lines.append("" if r is None else ",".join(quote(c) for c in r))
    return newline.join(lines) + newline


def col(values):
    return [[v] for v in values]


# --- types -------------------------------------------------------------------------------------
case("integer", "integers as Python's int() reads them: blanks, signs, underscores; not 1.5, 1e3, 0x10",
     ["n"], col(["1", "-7", "+3", " 42 ", "1_000", "007", "1.5", "1e3", "0x10", "abc", "1__0", "_1", "1_", "--1", "+",
                 "9223372036854775808", "1 2", "\t5\t"]),
     [{"name": "n", "type": "integer"}])
case("number", "numbers as Python's Decimal() reads them: exponents (1e999 too: Decimal does not overflow), NaN, Infinity, underscores",
     ["x"], col(["1", "-1.5", ".5", "5.", "1e5", "1E-3", "+2.5e+2", "1e999", "-1e400", "NaN", "nan", "-inf", "Infinity", "inf", "sNaN", "NaN12",
                 "1_0.5", "abc", "1,5", "-", ".", "e5", "1e", "1.2.3", " 3.5 ", "0x1p3", "1__0", "Infinityx", "1_", "_1", "In_f", "_", "1e_5", "+_1"]),
     [{"name": "x", "type": "number"}])
case("number-options", "decimalChar, groupChar: 1.234,5 with groupChar '.' and decimalChar ','",
     ["x"], col(["1.234,5", "1234,5", "12,34", "1234.5", "1,234.5", "1.2.3", "abc", "1 234,5"]),
     [{"name": "x", "type": "number", "decimalChar": ",", "groupChar": "."}])
case("number-group-only", "groupChar ',' alone: 1,234.5 is a number",
     ["x"], col(["1,234.5", "1234.5", "12,,34", "1,2,3", "a,b"]),
     [{"name": "x", "type": "number", "groupChar": ","}])
case("number-bare", "bareNumber false: currency signs and percent signs around numbers are dropped",
     ["x", "n"], [["€1.5", "$10"], ["1.5%", "10%"], ["USD -3", "-4 USD"], ["abc", "abc"], ["1.5 x 2", "7 items"]],
     [{"name": "x", "type": "number", "bareNumber": False}, {"name": "n", "type": "integer", "bareNumber": False}])
case("boolean", "booleans: the default true/false values only, case as listed",
     ["b"], col(["true", "True", "TRUE", "1", "false", "False", "FALSE", "0", "yes", "tRue", " true", "2", "t"]),
     [{"name": "b", "type": "boolean"}])
case("boolean-custom", "trueValues / falseValues replace the defaults",
     ["b"], col(["yes", "no", "Y", "N", "true", "1", "0"]),
     [{"name": "b", "type": "boolean", "trueValues": ["yes", "Y"], "falseValues": ["no", "N"]}])
case("date", "dates: %Y-%m-%d as Python's strptime reads it (one-digit months and days, ' 5' days), calendar checked",
     ["d"], col(["2020-01-05", "2020-1-5", "2020-01- 5", "2020-02-29", "2021-02-29", "2020-02-30", "2020-13-01", "2020-00-10",
                 "2020-01-00", "20-01-01", "0000-01-01", "2020-01-01T00:00", "2020-01-01 ", " 2020-01-01", "2020/01/01",
                 "2020-1-32", "99999-01-01", "2020-011-01", "abc"]),
     [{"name": "d", "type": "date"}])
case("date-formats", "date patterns: %d/%m/%Y, %Y%m%d, %b %d %Y, %d %B %y",
     ["a", "b", "c", "e"],
     [["05/01/2020", "20200105", "Jan 05 2020", "5 January 20"],
      ["5/1/2020", "2020015", "jan 5 2020", "05 JANUARY 99"],
      ["31/02/2020", "20201301", "Foo 05 2020", "5 Jan 20"],
      ["2020-01-05", "2020-01-05", "January 05 2020", "5 January 2020"]],
     [{"name": "a", "type": "date", "format": "%d/%m/%Y"}, {"name": "b", "type": "date", "format": "%Y%m%d"},
      {"name": "c", "type": "date", "format": "%b %d %Y"}, {"name": "e", "type": "date", "format": "%d %B %y"}])
case("datetime", "datetimes: frictionless' default (dateutil isoparse with a ':' at [16] and 19+ characters)",
     ["t"], col(["2020-01-01T10:00:00", "2020-01-01 10:00:00", "2020-01-01T10:00:00Z", "2020-01-01T10:00:00+01:00",
                 "2020-01-01T10:00:00+0100", "2020-01-01T10:00:00+01", "2020-01-01T10:00:00.123", "2020-01-01T10:00:00,5",
                 "2020-01-01T10:00:00.1234567", "2020-01-01T24:00:00", "2020-01-01T24:00:01", "2020-01-01T10:00",
                 "2020-01-01T25:00:00", "2020-01-01X10:00:00", "2020-02-30T10:00:00", "2020-01-01T10:60:00",
                 "2020-01-01T10:00:00+24:00", "2020-01-01T10:00:00+01:0", "2020-01-01T10:00:00+01000", "2020-01-01T10:00:00+01:60", "2020-01-01T10:00:00+0160", "2020-01-01T10:00:00 ", "2020-01-01T10:00:00z",
                 "abc", "2020-01-01T10:00:00-00:00"]),
     [{"name": "t", "type": "datetime"}])
case("datetime-format", "datetime pattern %Y-%m-%d %H:%M and %d/%m/%Y %I:%M %p",
     ["t", "u"], [["2020-01-01 10:30", "01/02/2020 10:30 PM"], ["2020-01-01 7:5", "01/02/2020 12:00 am"],
                  ["2020-01-01 24:00", "01/02/2020 13:00 PM"], ["2020-01-01T10:30", "01/02/2020 10:30"]],
     [{"name": "t", "type": "datetime", "format": "%Y-%m-%d %H:%M"}, {"name": "u", "type": "datetime", "format": "%d/%m/%Y %I:%M %p"}])
case("year", "years: exactly four characters that int() reads, 0..9999",
     ["y"], col(["2020", "0999", "999", "+999", "-999", "20200", "abcd", "1_23", " 999", "0000", "9999", "1e3"]),
     [{"name": "y", "type": "year"}])
case("string", "strings: anything is a string", ["s"], col(["a", " ", "ü", "1", "\"q\""]), [{"name": "s", "type": "string"}])

# --- constraints -------------------------------------------------------------------------------
case("required", "required: missing cells (empty, and absent in a short row) fail; a blank row is only a blank-row",
     ["a", "b", "c"], [["1", "x", ""], ["", "y", "z"], ["3", "", "z"], ["4", "w"], ["", "", ""], ["5", "v", "u"]],
     [{"name": "a", "type": "integer", "constraints": {"required": True}}, {"name": "b", "type": "string", "constraints": {"required": True}},
      {"name": "c", "type": "string"}])
case("minmax", "minimum / maximum on integer, number, date, year, datetime; NaN fails both",
     ["i", "x", "d", "y", "t"],
     [["5", "0.5", "2020-01-01", "2000", "2020-01-01T00:00:00"], ["-1", "-0.1", "2019-12-31", "1999", "2019-12-31T23:59:59"],
      ["11", "10.01", "2021-01-02", "2031", "2021-01-01T00:00:01"], ["0", "0", "2020-06-01", "2030", "2021-01-01T00:00:00"],
      ["10", "NaN", "2021-01-01", "2010", "2020-06-01T12:00:00"], ["x", "inf", "bad", "20", "bad"]],
     [{"name": "i", "type": "integer", "constraints": {"minimum": 0, "maximum": 10}},
      {"name": "x", "type": "number", "constraints": {"minimum": 0, "maximum": 10}},
      {"name": "d", "type": "date", "constraints": {"minimum": "2020-01-01", "maximum": "2021-01-01"}},
      {"name": "y", "type": "year", "constraints": {"minimum": 2000, "maximum": 2030}},
      {"name": "t", "type": "datetime", "constraints": {"minimum": "2020-01-01T00:00:00", "maximum": "2021-01-01T00:00:00"}}])
case("exclusive", "exclusiveMinimum / exclusiveMaximum",
     ["i", "x"], [["0", "0"], ["1", "0.5"], ["10", "1"], ["9", "0.99"], ["-5", "NaN"]],
     [{"name": "i", "type": "integer", "constraints": {"exclusiveMinimum": 0, "exclusiveMaximum": 10}},
      {"name": "x", "type": "number", "constraints": {"exclusiveMinimum": 0, "exclusiveMaximum": 1}}],
     # frictionless accepts exclusive bounds only inside a v2 data package.
     package=True)
case("length", "minLength / maxLength count characters, not bytes",
     ["s"], col(["ab", "abc", "abcd", "a", "üüü", "üüüü", "日本語", "日本語日本", " ab"]),
     [{"name": "s", "type": "string", "constraints": {"minLength": 2, "maxLength": 3}}])
case("pattern", "pattern is ^PATTERN$ with re.match: the alternation is not grouped",
     ["code", "alt"], [["AB12", "a"], ["ab12", "b"], ["AB123", "xa"], ["A12", "ax"], ["AB12\n", "c"], ["", "xb"], ["ZZ99", "bx"]],
     [{"name": "code", "type": "string", "constraints": {"pattern": "[A-Z]{2}[0-9]{2}"}},
      {"name": "alt", "type": "string", "constraints": {"pattern": "a|b"}}])
case("enum", "enum: strings exactly, integers and numbers by value (01 is 1), booleans by value",
     ["s", "i", "x", "b"],
     [["red", "1", "1.5", "true"], ["Red", "01", "1.50", "1"], ["blue", "2", "2", "false"], ["green", "3", "1.49", "0"], ["", "+1", "15e-1", "TRUE"]],
     [{"name": "s", "type": "string", "constraints": {"enum": ["red", "blue"]}},
      {"name": "i", "type": "integer", "constraints": {"enum": [1, 2]}},
      {"name": "x", "type": "number", "constraints": {"enum": [1.5, 2]}},
      {"name": "b", "type": "boolean", "constraints": {"enum": [True]}}])
case("unique", "unique: by typed value (1 and 01 collide for integers), missing values never collide",
     ["s", "i", "d"], [["a", "1", "2020-01-01"], ["b", "01", "2020-1-1"], ["a", "2", "2020-01-02"], ["", "", ""], ["", "", ""],
                        ["c", "+2", "2020-01-03"], ["A", "x", "bad"], ["A", "x", "bad"]],
     [{"name": "s", "type": "string", "constraints": {"unique": True}}, {"name": "i", "type": "integer", "constraints": {"unique": True}},
      {"name": "d", "type": "date", "constraints": {"unique": True}}])
case("several-constraints", "one cell breaking several constraints gives one error per constraint; a type error hides them",
     ["s", "n"], [["abcdef", "50"], ["x", "-5"], ["ok", "abc"], ["", "5"]],
     [{"name": "s", "type": "string", "constraints": {"required": True, "maxLength": 3, "pattern": "[a-z]+", "enum": ["ok", "abcdef"]}},
      {"name": "n", "type": "integer", "constraints": {"minimum": 0, "maximum": 10, "enum": [1, 5, 50]}}])
case("missing-values", "custom missingValues: NA and - are missing, the empty string is not (an integer type error)",
     ["a", "b"], [["NA", "x"], ["-", "y"], ["", "z"], ["1", "NA"], ["NA", "-"], ["na", "w"]],
     [{"name": "a", "type": "integer", "constraints": {"required": True}}, {"name": "b", "type": "string"}],
     schema_extra={"missingValues": ["NA", "-"]})
case("primary-key", "primaryKey: duplicates, all-missing keys, blank rows",
     ["id", "v"], [["1", "a"], ["2", "b"], ["1", "c"], ["", "d"], ["", "e"], None, ["3", "f"], ["03", "g"]],
     [{"name": "id", "type": "integer"}, {"name": "v", "type": "string"}], schema_extra={"primaryKey": "id"})
case("primary-key-composite", "composite primaryKey: a tuple with one missing part is a key; all missing is an error",
     ["a", "b", "v"], [["1", "x", "p"], ["1", "y", "q"], ["1", "x", "r"], ["", "x", "s"], ["", "x", "t"], ["", "", "u"], ["2", "", "w"], ["2", "", "z"]],
     [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}, {"name": "v", "type": "string"}],
     schema_extra={"primaryKey": ["a", "b"]})

# --- header and structure ----------------------------------------------------------------------
case("extra-label", "a header column the schema does not have (its cells are not checked)",
     ["a", "b", "zz"], [["1", "x", "q"], ["2", "y"], ["3", "z", "r", "s"]],
     [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}])
case("missing-label", "a schema field the header does not have",
     ["a"], [["1"], ["x"], ["2", "extra"]],
     [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}, {"name": "c", "type": "string"}])
case("incorrect-label", "header names that differ from the schema's, by position (case matters)",
     ["a", "B", "c"], [["1", "x", "y"]],
     [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}, {"name": "cc", "type": "string"}])
case("duplicate-blank-label", "a duplicated and a blank header label",
     ["a", "a", "", "d"], [["1", "2", "3", "4"]],
     [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}, {"name": "c", "type": "integer"}, {"name": "d", "type": "integer"}])
case("blank-rows", "blank lines (inside and at the end) and all-empty records are blank rows; a short empty record too",
     ["a", "b", "c"], [["1", "x", "y"], None, ["", "", ""], ["2", "y", "z"], [""], ["", ""], ["", "", "", ""], ["3", "z", "w"], None, None],
     [{"name": "a", "type": "integer", "constraints": {"required": True}}, {"name": "b", "type": "string"}, {"name": "c", "type": "string"}])
case("widths", "short rows (missing-cell per absent field) and long rows (extra-cell per extra value)",
     ["a", "b", "c"], [["1"], ["1", "2"], ["1", "2", "3", "4", "5"], ["x", "2", "3", "4"], ["1", "2", "3"]],
     [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}, {"name": "c", "type": "integer", "constraints": {"required": True}}])
case("quoted-newlines", "quoted fields spanning lines: rows are records, lines are physical",
     ["id", "text", "n"], [["1", "one\nline", "5"], ["2", "two\n\nlines", "x"], ["3", "plain", "7"], None, ["4", "a,b", "y"]],
     [{"name": "id", "type": "integer"}, {"name": "text", "type": "string"}, {"name": "n", "type": "integer"}])
case("crlf", "CRLF line ends, a blank CRLF line",
     ["a", "b"], [], [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}],
     raw="a,b\r\n1,x\r\n\r\nq,y\r\n3\r\n")

# --- valid files ----------------------------------------------------------------------------------
ALL_TYPES = [
    {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True, "minimum": 1}},
    {"name": "name", "type": "string", "constraints": {"minLength": 1, "maxLength": 20, "pattern": "[a-z]+"}},
    {"name": "score", "type": "number", "constraints": {"minimum": 0, "maximum": 100}},
    {"name": "ok", "type": "boolean"},
    {"name": "day", "type": "date", "constraints": {"minimum": "2000-01-01"}},
    {"name": "at", "type": "datetime"},
    {"name": "yr", "type": "year", "constraints": {"enum": [2019, 2020, 2021]}},
    {"name": "color", "type": "string", "constraints": {"enum": ["red", "green", "blue"]}},
]
rng = random.Random(5)
valid_rows = []
for i in range(1, 301):
    valid_rows.append([str(i), "".join(rng.choice("abcxyz") for _ in range(rng.randint(1, 8))), "%.3f" % rng.uniform(0, 100),
                       rng.choice(["true", "false", "1", "0", ""]), "20%02d-%02d-%02d" % (rng.randint(0, 25), rng.randint(1, 12), rng.randint(1, 28)),
                       "2020-%02d-%02dT%02d:%02d:%02d" % (rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)),
                       rng.choice(["2019", "2020", "2021"]), rng.choice(["red", "green", "blue", ""])])
case("valid-all-types", "a valid file with every type and constraint", [f["name"] for f in ALL_TYPES], valid_rows, ALL_TYPES,
     schema_extra={"primaryKey": ["id"]})
case("valid-empty-body", "a header and no rows", ["a", "b"], [], [{"name": "a", "type": "integer"}, {"name": "b", "type": "date"}])

# --- a large random case, run with small chunks and several threads -------------------------------
rng = random.Random(11)
bad_int = ["x", "1.5", "", "-"]
big = []
for i in range(4000):
    r = [str(i), "%.2f" % rng.uniform(-10, 110), rng.choice(["red", "green", "blue"]), "2020-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28)), rng.choice(["true", "false"])]
    roll = rng.random()
    if roll < 0.02: r[0] = rng.choice(bad_int)
    elif roll < 0.04: r[0] = str(rng.randint(0, i))              # duplicate id
    elif roll < 0.06: r[2] = rng.choice(["Red", "purple", ""])
    elif roll < 0.08: r[3] = rng.choice(["2020-02-30", "bad", "2020-13-01"])
    elif roll < 0.09: r = r[:3]
    elif roll < 0.10: r = r + ["extra"]
    elif roll < 0.11: r = None
    elif roll < 0.12: r[4] = "maybe"
    big.append(r)
case("random-large", "4000 rows with random breakage of every kind, checked with 7 KB chunks on 3 threads",
     ["id", "score", "color", "day", "flag"], big,
     [{"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
      {"name": "score", "type": "number", "constraints": {"minimum": 0, "maximum": 100}},
      {"name": "color", "type": "string", "constraints": {"enum": ["red", "green", "blue"], "required": True}},
      {"name": "day", "type": "date"}, {"name": "flag", "type": "boolean"}],
     options=["--chunk-size", "7K", "--threads", "3"])

# --- known gaps: asserted to differ ---------------------------------------------------------------
case("gap-unicode-digits", "Python's int() reads non-ASCII digits (Arabic-Indic ١٢); prepline reads ASCII digits only",
     ["n"], col(["12", "١٢"]), [{"name": "n", "type": "integer"}],
     gap="non-ASCII digits: frictionless accepts them through Python's int(), prepline reports a type-error")
case("gap-unicode-space", "Python's strip() removes a no-break space around a number; prepline strips ASCII blanks only",
     ["n"], col(["12", "\u00a012"]), [{"name": "n", "type": "integer"}],
     gap="non-ASCII whitespace around numbers: frictionless strips it, prepline reports a type-error")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    index = {}
    for name, c in CASES.items():
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        text = c["raw"] if c["raw"] is not None else render(c["header"], c["rows"])
        with open(os.path.join(d, "data.csv"), "w", encoding="utf-8", newline="") as f:
            f.write(text)
        with open(os.path.join(d, "schema.json"), "w", encoding="utf-8") as f:
            json.dump(c["schema"], f, indent=1, ensure_ascii=False)
        schema_ref = "schema.json"
        if c["package"]:
            # A v2 data package whose second resource is the data (the first is a decoy, so the
            # spec must choose by name); its schema is the schema.json beside it.
            package = {"$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
                       "resources": [{"name": "decoy", "path": "decoy.csv", "schema": {"fields": [{"name": "z"}]}},
                                     {"name": "data", "path": "data.csv", "schema": "schema.json"}]}
            with open(os.path.join(d, "datapackage.json"), "w", encoding="utf-8") as f:
                json.dump(package, f, indent=1)
            with open(os.path.join(d, "decoy.csv"), "w", encoding="utf-8") as f:
                f.write("z\n1\n")
            schema_ref = {"path": "datapackage.json", "resource": "data"}
        with open(os.path.join(d, "spec.json"), "w", encoding="utf-8") as f:
            json.dump({"prepline": 1, "input": {"missing": [""]}, "schema": schema_ref}, f, indent=1)
        index[name] = {"description": c["description"], "options": c["options"], "gap": c["gap"]}
    with open(os.path.join(out, "index.json"), "w", encoding="utf-8") as f:
        json.dump(index, f, indent=1, ensure_ascii=False)
    print(f"{len(index)} cases in {out}")


if __name__ == "__main__":
    main()
