#!/usr/bin/env python3
"""Write prepline's scikit-learn conformance cases.

Usage:
    make_cases.py OUTDIR

Writes one directory per case under OUTDIR, each holding
    spec.json    the prepline spec
    input.csv    the data prepline transforms
    fit.csv      (only in "fit-apply" cases) the data every stage is fitted on
and OUTDIR/index.json: {case: {"description", "form", "expect_exit", "note"?}}, where
    form "run"        prepline run spec.json input.csv          vs  sklearn_reference.py spec.json input.csv OUT
    form "fit-apply"  prepline fit spec.json fit.csv -o F.json;
                      prepline apply F.json input.csv           vs  sklearn_reference.py ... --fit fit.csv
    expect_exit       what the reference exits with (0 ok, 1 row-level error, 2 spec / no-observed-values
                      error); prepline must exit the same way, and when 0 its CSV must equal the reference's
                      (compare_csv.py --spec spec.json).
    note              present when the case pins a scikit-learn behaviour that DESIGN.md does not spell
                      out (see README.md, "Where scikit-learn surprises").

Everything is deterministic (fixed seeds, no clock, no environment), so the files are byte-identical
from run to run. Real samples are read from samples/ in the repository (two levels up).
"""

import csv
import io
import json
import os
import random
import shutil
import sys

import cases_hash

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.normpath(os.path.join(HERE, "..", "..", "samples"))

CASES = []  # (name, meta, spec, input_text, fit_text)


def csv_text(rows, delimiter=",", quote='"'):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, quotechar=quote, quoting=csv.QUOTE_MINIMAL,
                   lineterminator="\n")
    for r in rows:
        w.writerow([str(x) for x in r])
    return buf.getvalue()


def spec_of(stages, input_=None, output=None):
    s = {"prepline": 1}
    if input_:
        s["input"] = input_
    s["stages"] = stages
    if output:
        s["output"] = output
    return s


def case(name, description, stages, rows, fit_rows=None, expect_exit=0, note=None, input_=None,
         input_text=None, fit_text=None, output=None):
    assert not any(c[0] == name for c in CASES), name
    d = (input_ or {}).get("delimiter", ",")
    q = (input_ or {}).get("quote", '"')
    text = input_text if input_text is not None else csv_text(rows, d, q)
    ftext = fit_text if fit_text is not None else (csv_text(fit_rows, d, q) if fit_rows is not None else None)
    meta = {"description": description, "form": "fit-apply" if ftext is not None else "run",
            "expect_exit": expect_exit}
    if note:
        meta["note"] = note
    CASES.append((name, meta, spec_of(stages, input_, output), text, ftext))


def fill(columns, strategy, **kw):
    return dict(stage="fill", columns=columns, strategy=strategy, **kw)


def scale(columns, method, **kw):
    return dict(stage="scale", columns=columns, method=method, **kw)


def onehot(columns, **kw):
    return dict(stage="onehot", columns=columns, **kw)


# ---------------------------------------------------------------------------------------------
# fill
# ---------------------------------------------------------------------------------------------
# x: numbers with missing (several tokens); k: numbers where 9 and 10 tie for most frequent (numeric
# order picks 9, text order would pick "10"); t: text with missing; u: text where "é", "Z", "a" tie
# (code-point order picks "Z", a locale would pick "a"); lead: leading missing values (ffill keeps
# them missing); full: no missing value (its indicator is all zeros); id passes through.
FILL = [
    ["id", "x", "k", "t", "u", "lead", "full"],
    ["r1", "1.5", "10", "b", "é", "NA", "1"],
    ["r2", "NA", "9", "NA", "Z", "", "2"],
    ["r3", "-3", "", "a", "a", "5", "3"],
    ["r4", "4.25", "10", "", "é", "NA", "4"],
    ["r5", "", "9", "b", "Z", "-2.5", "5"],
    ["r6", "10", "NA", "é", "a", "N/A", "6"],
    ["r7", "7", "3", "Z", "NA", "7", "7"],
    ["r8", "NaN", "4", "a", "null", "", "8"],
    ["r9", "2", "NULL", "None", "N/A", "1e2", "9"],
    ["r10", "0", "nan", "N/A", "NA", "NA", "10"],
]

for ind in (False, True):
    sfx = "-indicator" if ind else ""
    extra = {"indicator": True} if ind else {}
    case(f"fill-constant-number{sfx}", "constant fill with a JSON number on numeric columns",
         [fill(["x", "k", "lead"], "constant", value=0, **extra)], FILL)
    case(f"fill-constant-text{sfx}", "constant fill with a string on text columns",
         [fill(["t", "u"], "constant", value="unknown", **extra)], FILL)
    case(f"fill-mean{sfx}", "mean fill (numbers, missing in several spellings; full has none)",
         [fill(["x", "k", "lead", "full"], "mean", **extra)], FILL)
    case(f"fill-median{sfx}", "median fill: x has 7 observed values (odd); lead has 4 (even: the average of 5 and 7)",
         [fill(["x", "k", "lead", "full"], "median", **extra)], FILL)
    case(f"fill-most-frequent-number{sfx}",
         "most_frequent on numeric columns: 9 and 10 tie in k, numeric order picks 9 (text order would pick 10)",
         [fill(["k", "x"], "most_frequent", **extra)], FILL)
    case(f"fill-most-frequent-text{sfx}",
         "most_frequent on text: é, Z, a tie in u; code-point order picks Z (locale order would pick a)",
         [fill(["t", "u"], "most_frequent", **extra)], FILL)
    case(f"fill-ffill{sfx}", "forward fill in input order; lead's leading missing values stay missing",
         [fill(["x", "t", "u", "lead"], "ffill", **extra)], FILL)

case("fill-most-frequent-equal-numbers",
     "most_frequent on 1.0, 1, 2, 2: 1.0 and 1 are one value, tied with 2; the smallest (1) wins",
     [fill(["a"], "most_frequent")], [["a"], ["1.0"], ["1"], ["2"], ["2"], ["NA"], ["3"]])
case("fill-most-frequent-equal-numbers-scaled",
     "most_frequent on 1.0, 1, 2, 2 then maxabs (a numeric column): the smallest of the tied values wins",
     [fill(["a"], "most_frequent"), scale(["a"], "maxabs")], [["a"], ["1.0"], ["1"], ["2"], ["2"], ["NA"], ["3"]])
case("fill-constant-numeric-string", "constant fill with the string \"-1\" on a numeric column (numeric: the value parses)",
     [fill(["x"], "constant", value="-1")], FILL)
case("fill-constant-number-on-text", "constant fill with a number on a text column: the column stays text, filled with \"0\"",
     [fill(["t"], "constant", value=0)], FILL)
case("fill-constant-text-on-number", "constant fill with a non-numeric string on a numeric column: the column becomes text",
     [fill(["x"], "constant", value="missing", indicator=True)], FILL)
case("fill-mean-glob", "a glob in columns (\"[xk]\" and \"le*\")",
     [fill(["[xk]", "le*"], "mean", indicator=True)], FILL)
case("fill-mean-text-error", "mean on a text column: 'b' is not a number, a row-level error (exit 1)",
     [fill(["t"], "mean")], FILL, expect_exit=1)
case("fill-unknown-column", "a column that does not exist: spec error (exit 2)",
     [fill(["nope"], "mean")], FILL, expect_exit=2)
case("fill-constant-without-value", "strategy constant without value: spec error (exit 2)",
     [fill(["x"], "constant")], FILL, expect_exit=2)

EMPTY = [["id", "e", "x"], ["a", "NA", "1"], ["b", "", "2"], ["c", "null", "NA"]]
case("fill-no-observed-mean", "mean on a column with no observed value and no fallback value: error naming it (exit 2)",
     [fill(["e"], "mean")], EMPTY, expect_exit=2)
case("fill-no-observed-median", "median, no observed value, no fallback: exit 2",
     [fill(["x", "e"], "median")], EMPTY, expect_exit=2)
case("fill-no-observed-most-frequent", "most_frequent, no observed value, no fallback: exit 2",
     [fill(["e"], "most_frequent")], EMPTY, expect_exit=2)
case("fill-no-observed-mean-fallback", "mean with fallback value 5: e (no observed value) is filled with 5, x with its mean",
     [fill(["e", "x"], "mean", value=5, indicator=True)], EMPTY)
case("fill-no-observed-median-fallback", "median with fallback value -1.5",
     [fill(["e", "x"], "median", value=-1.5)], EMPTY)
case("fill-no-observed-most-frequent-fallback", "most_frequent with the text fallback \"none\": e becomes text \"none\"",
     [fill(["e"], "most_frequent", value="none", indicator=True)], EMPTY)
case("fill-no-observed-constant", "constant on a column with no observed value: simply filled (no error)",
     [fill(["e"], "constant", value=7, indicator=True)], EMPTY)
case("fill-no-observed-ffill", "ffill on a column with no observed value: exit 2 (DESIGN's no-observed-values rule)",
     [fill(["e"], "ffill")], EMPTY, expect_exit=2,
     note="decision: DESIGN.md states the no-observed-values error for fill in general; ffill has no sklearn counterpart")

CUSTOM_MISSING = [["id", "v", "w"], ["a", "1", "NA"], ["b", "?", "x"], ["c", "3", "-"], ["d", "-", "NA"],
                  ["e", "10", ""]]
case("fill-custom-missing", "input.missing [\"?\", \"-\"]: \"NA\" and \"\" are ordinary text, \"?\" and \"-\" are missing",
     [fill(["v"], "mean", indicator=True), fill(["w"], "most_frequent", indicator=True)], CUSTOM_MISSING,
     input_={"missing": ["?", "-"]})

# ---------------------------------------------------------------------------------------------
# scale
# ---------------------------------------------------------------------------------------------
# a: general with missing and negatives; c: constant; digits: many significant digits;
# neg: all negative.
SCALE = [
    ["id", "a", "c", "digits", "neg"],
    ["r1", "3.5", "5", "3.141592653589793238", "-1"],
    ["r2", "-2", "5", "2.718281828459045235", "-20.5"],
    ["r3", "NA", "5", "1.4142135623730950488", "-3e2"],
    ["r4", "10.25", "5", "0.1234567890123456789", "-0.001"],
    ["r5", "0", "5", "1234567.891011121314", "-7"],
    ["r6", "", "5", "0.000001234567890123", "-1e-5"],
    ["r7", "-7.75", "5", "98765.4321098765432", "-42"],
    ["r8", "1e1", "5", "-0.3333333333333333333", "-8"],
    ["r9", "4", "5", "6.02214076", "-0.5"],
    ["r10", "2.5", "5", "-1.602176634e-19", "-100"],
    ["r11", "6", "5", "NA", "-13.37"],
]
SCALE_COLS = ["a", "c", "digits", "neg"]
case("scale-zscore", "zscore (StandardScaler, ddof 0; c is constant: scale 1)", [scale(SCALE_COLS, "zscore")], SCALE)
case("scale-minmax", "minmax, default range [0, 1] (c constant: range 1)", [scale(SCALE_COLS, "minmax")], SCALE)
case("scale-minmax-range", "minmax with range [-1, 2]", [scale(SCALE_COLS, "minmax", range=[-1, 2])], SCALE)
case("scale-minmax-clip", "minmax with clip true on its own fit data (clip changes nothing)",
     [scale(SCALE_COLS, "minmax", range=[-1, 2], clip=True)], SCALE)
case("scale-robust", "robust, default quantile_range [25, 75], linear percentiles", [scale(SCALE_COLS, "robust")], SCALE)
case("scale-robust-quantile", "robust with quantile_range [10, 90]",
     [scale(SCALE_COLS, "robust", quantile_range=[10, 90])], SCALE)
case("scale-maxabs", "maxabs", [scale(SCALE_COLS, "maxabs")], SCALE)
case("scale-glob", "scale with a glob (\"*\" minus id is not expressible, so \"[acdn]*\")",
     [scale(["[acdn]*"], "zscore")], SCALE)

APPLY_FIT = [["id", "v"], ["f1", "0"], ["f2", "10"], ["f3", "NA"], ["f4", "4"], ["f5", "6"]]
APPLY_IN = [["id", "v"], ["a1", "-5"], ["a2", "20"], ["a3", "5"], ["a4", ""], ["a5", "10"], ["a6", "0"]]
case("scale-minmax-clip-apply", "minmax range [-1, 2] clip true, fitted on [0, 10], applied to -5 and 20: clipped to -1 and 2",
     [scale(["v"], "minmax", range=[-1, 2], clip=True)], APPLY_IN, fit_rows=APPLY_FIT)
case("scale-minmax-noclip-apply", "minmax range [-1, 2] without clip, applied outside the fitted range: not clipped",
     [scale(["v"], "minmax", range=[-1, 2])], APPLY_IN, fit_rows=APPLY_FIT)
for m in ("zscore", "robust", "maxabs"):
    case(f"scale-{m}-apply", f"{m} fitted on fit.csv, applied to other values", [scale(["v"], m)], APPLY_IN,
         fit_rows=APPLY_FIT)

# Edge numbers. big: huge and tiny magnitudes; tiny: a range far below 1e-15; near: a range of one
# ulp around 1; single: one data row; allmiss: no observed value.
# big_z: huge, but its squared deviations stay finite (zscore's domain, see README); big and huge2:
# squared deviations overflow, so they are only scaled by minmax, robust and maxabs.
EDGE = [
    ["id", "big", "big_z", "tiny", "near", "allmiss", "huge2"],
    ["r1", "1e300", "1e150", "1e-300", "1", "NA", "1e300"],
    ["r2", "-1e-300", "-1e-300", "-1e-300", "1.0000000000000002", "", "-1e300"],
    ["r3", "123456789012345678", "123456789012345678", "0", "1", "NA", "1e299"],
    ["r4", "-5.5", "-5.5", "5e-301", "1.0000000000000002", "NA", "NA"],
    ["r5", "NA", "-1.5e149", "NA", "1", "", "-2e299"],
]
for m in ("zscore", "minmax", "robust", "maxabs"):
    if m == "zscore":
        cols = ["big_z", "tiny", "near"]
        note = ("sklearn: StandardScaler's near-constant test (var <= n*eps*var + (n*mean*eps)^2) holds for near and "
                "tiny, so their scale is 1 (centering only), not 1/std")
    else:
        cols = ["big", "big_z", "tiny", "near", "huge2"]
        note = ("sklearn: a scale (range, IQR, max|x|) below 10*eps = 2.2e-15, absolute, is treated as zero and "
                "replaced by 1, so tiny and near are not stretched (_handle_zeros_in_scale)")
    case(f"edge-huge-{m}", f"{m} on huge, tiny and one-ulp ranges (1e300, 1e150, -1e-300, 123456789012345678)",
         [scale(cols, m)], EDGE, note=note)
case("edge-all-missing-scale", "every method on a column with no observed value: it stays missing",
     [scale(["allmiss"], "zscore"), scale(["allmiss"], "minmax"), scale(["allmiss"], "robust"),
      scale(["allmiss"], "maxabs")], EDGE,
     note="sklearn: scalers fitted on an all-NaN column output NaN (missing); DESIGN's no-observed-values error is for fill only")

SINGLE = [["id", "v", "w", "city"], ["only", "-3.25", "NA", "Zürich"]]
for m in ("zscore", "minmax", "robust", "maxabs"):
    case(f"edge-single-row-{m}", f"{m} on a single data row", [scale(["v", "w"], m)], SINGLE)
case("edge-single-row-fill", "fill mean (with indicator), fill constant on a missing value, onehot, on a single data row",
     [fill(["v"], "mean", indicator=True), fill(["w"], "constant", value=1, indicator=True),
      onehot(["city"])], SINGLE)
case("edge-single-row-onehot-drop-first", "onehot drop first on a column with one category: the column produces no output column",
     [onehot(["city"], drop="first")], SINGLE,
     note="sklearn: drop='first' on a single-category column yields zero output columns; the column disappears")

CONST = [["id", "c", "z"], ["a", "7", "0"], ["b", "7", "0"], ["c", "7", "0"], ["d", "NA", "0"]]
for m in ("zscore", "minmax", "robust", "maxabs"):
    case(f"edge-constant-{m}", f"{m} on constant columns (7, and all zeros)", [scale(["c", "z"], m)], CONST)

case("scale-text-error", "a non-numeric value in a scaled column: row-level error (exit 1)",
     [scale(["t"], "zscore")], FILL, expect_exit=1)
# A number is finite: 1e999 reads as infinity in Python, which scikit-learn refuses (exit 1).
OVERFLOW = [["id", "a", "b"], ["r1", "1", "2"], ["r2", "1e999", "3"], ["r3", "3", "-1e400"], ["r4", "NA", "5"]]
for m in ("zscore", "minmax", "robust", "maxabs"):
    case(f"scale-{m}-overflow", f"{m} on 1e999 and -1e400 (infinite as Python reads them): row-level error (exit 1)",
         [scale(["a", "b"], m)], OVERFLOW, expect_exit=1)
for s_ in ("mean", "median", "most_frequent"):
    case(f"fill-{s_}-overflow", f"{s_} fill on 1e999 (infinite): row-level error (exit 1)",
         [fill(["a"], s_), scale(["a"], "maxabs")], OVERFLOW, expect_exit=1)
case("scale-named-infinity", "inf, -Infinity in a scaled column: not numbers to the reference, row-level error (exit 1)",
     [scale(["a"], "zscore")], [["a"], ["1"], ["inf"], ["-Infinity"]], expect_exit=1)
case("scale-bad-range", "minmax range [1, 0]: spec error (exit 2)",
     [scale(["a"], "minmax", range=[1, 0])], SCALE, expect_exit=2)

# ---------------------------------------------------------------------------------------------
# onehot
# ---------------------------------------------------------------------------------------------
# city: Unicode text, code-point order differs from locale order ("Z" < "a" < "é") and from UTF-16
# order ("！" U+FF01 < "😀" U+1F600); "ä" (NFC, U+00E4) and "ä" (NFD, a + U+0308) are different
# categories (Swift's String == would merge them). dev: binary. bin_na: binary + missing.
# num: numeric-looking text, compared as text ("01" < "1" < "1.0" < "10" < "9").
ONEHOT = [
    ["id", "city", "dev", "bin_na", "num"],
    ["r1", "é", "ios", "y", "10"],
    ["r2", "Z", "android", "n", "9"],
    ["r3", "a", "ios", "NA", "1"],
    ["r4", "東京", "ios", "y", "1.0"],
    ["r5", "😀", "android", "y", "01"],
    ["r6", "NA", "ios", "n", "10"],
    ["r7", "ä", "android", "", "9"],
    ["r8", "a\u0308", "ios", "y", "10"],
    ["r9", "！", "ios", "n", "1"],
    ["r10", "a", "android", "y", "NA"],
    ["r11", "Z", "ios", "n", "10"],
    ["r12", "", "ios", "y", "9"],
    ["r13", "Zürich", "android", "y", "1"],
    ["r14", "a", "ios", "n", "10"],
]
case("onehot-auto", "onehot with default options: code-point order, missing as <col>_nan last",
     [onehot(["city", "dev", "bin_na", "num"])], ONEHOT)
case("onehot-categories", "categories given (object keyed by column) in a non-sorted order, null = missing; "
     "values outside the list under handle_unknown ignore are all zeros",
     [onehot(["city", "dev"], categories={"city": ["東京", "a", "Z", None], "dev": ["ios", "android"]},
             handle_unknown="ignore")], ONEHOT,
     note="sklearn keeps the given order of string categories (it does not sort them)")
case("onehot-categories-partial", "categories given for one column of two (the other is auto); missing not in the list -> all zeros under ignore",
     [onehot(["city", "num"], categories={"num": ["9", "10", "1"]}, handle_unknown="ignore")], ONEHOT)
case("onehot-categories-error", "categories given, a value outside them under handle_unknown error: row-level error (exit 1)",
     [onehot(["dev"], categories={"dev": ["ios"]})], ONEHOT, expect_exit=1)
case("onehot-drop-first", "drop first", [onehot(["city", "dev", "bin_na"], drop="first")], ONEHOT)
case("onehot-drop-if-binary", "drop if_binary: dev (2 categories) loses its first; bin_na (y, n, missing: 3) and city keep all",
     [onehot(["city", "dev", "bin_na"], drop="if_binary")], ONEHOT)
case("onehot-min-frequency-int", "min_frequency 2 (count): rarer categories grouped as <col>_infrequent",
     [onehot(["city", "num"], min_frequency=2)], ONEHOT,
     note="sklearn: the missing value is an ordinary category for infrequency (counted, can be grouped)")
case("onehot-min-frequency-float", "min_frequency 0.2 (fraction of rows, missing rows included)",
     [onehot(["city", "num", "bin_na"], min_frequency=0.2)], ONEHOT)
case("onehot-max-categories", "max_categories 3 with ties in counts",
     [onehot(["city", "num", "bin_na"], max_categories=3)], ONEHOT,
     note="sklearn: among tied counts the categories LATER in sorted order stay frequent (stable argsort ascending, "
          "the smallest-count / earliest ones are grouped first); the missing category, sorted last, wins ties")
case("onehot-max-categories-1", "max_categories 1: every category is infrequent, one <col>_infrequent column of ones",
     [onehot(["dev"], max_categories=1)], ONEHOT)
case("onehot-min-frequency-max-categories", "min_frequency 2 and max_categories 3 together",
     [onehot(["city", "num"], min_frequency=2, max_categories=3)], ONEHOT)
case("onehot-drop-first-infrequent", "drop first with infrequent categories: \"01\" sorts first but is infrequent; the "
     "first column after grouping (num_1) is the one dropped",
     [onehot(["num"], min_frequency=2, drop="first")], ONEHOT,
     note="sklearn: drop='first' drops the first output column after infrequent grouping (the first frequent "
          "category; the <col>_infrequent column only when every category is infrequent)")
case("onehot-drop-if-binary-max-categories", "drop if_binary with max_categories 2: binary after grouping, the first (frequent) column is dropped",
     [onehot(["city", "num"], drop="if_binary", max_categories=2)], ONEHOT)
case("onehot-glob", "onehot with a glob", [onehot(["?ev", "bin_*"])], ONEHOT)

UNICODE = [["w"]] + [[w] for w in
                     ["é", "Z", "a", "É", "z", "ß", "Ω", "東京", "😀", "！", "ｱ", "\ue000", "ä", "a\u0308",
                      "Å", "A\u030a", "ǅ", "ﬁ", "ı", "İ", "e", "E", "\u00a0x", "x", " x", "x "]]
case("onehot-unicode", "code-point order of accents, CJK, emoji, fullwidth, private use, NFC vs NFD, spaces",
     [onehot(["w"])], UNICODE)

OH_FIT = [["id", "c", "d"], ["f1", "a", "x"], ["f2", "b", "x"], ["f3", "a", "y"], ["f4", "c", "x"],
          ["f5", "a", "y"], ["f6", "b", "NA"], ["f7", "d", "x"]]
OH_IN = [["id", "c", "d"], ["i1", "a", "x"], ["i2", "zz", "y"], ["i3", "NA", "q"], ["i4", "c", "NA"],
         ["i5", "b", "x"], ["i6", "d", "é"]]
case("onehot-unknown-ignore", "unknown categories (zz, missing in c; q, é in d) under ignore: all zeros",
     [onehot(["c", "d"], handle_unknown="ignore")], OH_IN, fit_rows=OH_FIT)
case("onehot-unknown-error", "unknown category under handle_unknown error: row-level error (exit 1)",
     [onehot(["c", "d"])], OH_IN, fit_rows=OH_FIT, expect_exit=1)
case("onehot-unknown-infrequent", "handle_unknown infrequent with min_frequency 2: unknowns go to <col>_infrequent",
     [onehot(["c", "d"], handle_unknown="infrequent", min_frequency=2)], OH_IN, fit_rows=OH_FIT)
case("onehot-unknown-infrequent-none", "handle_unknown infrequent without infrequent categories: unknowns are all zeros",
     [onehot(["c", "d"], handle_unknown="infrequent")], OH_IN, fit_rows=OH_FIT)
case("onehot-unknown-infrequent-max-categories", "handle_unknown infrequent with max_categories 2",
     [onehot(["c", "d"], handle_unknown="infrequent", max_categories=2)], OH_IN, fit_rows=OH_FIT)
case("onehot-unknown-ignore-drop-first", "handle_unknown ignore with drop first: an unknown is all zeros (like the dropped category)",
     [onehot(["c", "d"], handle_unknown="ignore", drop="first")], OH_IN, fit_rows=OH_FIT)
case("onehot-all-missing", "onehot on a column with no observed value: one <col>_nan column",
     [onehot(["e"])], EMPTY)

# ---------------------------------------------------------------------------------------------
# chains: a stage sees the previous stages' output
# ---------------------------------------------------------------------------------------------
case("chain-fill-mean-zscore", "fill mean then zscore on the same columns",
     [fill(["x", "k"], "mean"), scale(["x", "k"], "zscore")], FILL)
case("chain-fill-mean-indicator-zscore", "fill mean with indicator, then zscore of the filled column (the indicator is not scaled)",
     [fill(["x"], "mean", indicator=True), scale(["x"], "zscore")], FILL)
case("chain-fill-median-robust", "fill median then robust", [fill(["x", "k"], "median"), scale(["x", "k"], "robust")], FILL)
case("chain-fill-constant-onehot", "fill constant then onehot: the filled value is a category, no <col>_nan",
     [fill(["t", "u"], "constant", value="unknown"), onehot(["t", "u"])], FILL)
case("chain-fill-most-frequent-onehot", "fill most_frequent then onehot",
     [fill(["t", "u"], "most_frequent"), onehot(["t", "u"], drop="if_binary")], FILL)
case("chain-ffill-minmax", "ffill then minmax (leading missing stays missing)",
     [fill(["x", "lead"], "ffill", indicator=True), scale(["x", "lead"], "minmax", range=[-1, 2])], FILL)
case("chain-zscore-fill-mean", "zscore then fill mean (the fill value is the mean of z-scores, ~0)",
     [scale(["x"], "zscore"), fill(["x"], "mean")], FILL)
case("chain-onehot-zscore-glob", "onehot, then zscore on its output columns through a glob (u_*)",
     [onehot(["u"]), scale(["u_*"], "zscore")], FILL)
case("chain-onehot-zscore-then-fill-onehot", "onehot then zscore on u_* (second pass), then a later fill + onehot on another column in that pass",
     [onehot(["u"]), scale(["u_*"], "zscore"), fill(["t"], "most_frequent"), onehot(["t"])], FILL)
case("chain-indicator-scale", "fill with indicator, then minmax [-1, 1] on the indicator column itself",
     [fill(["x"], "median", indicator=True), scale(["x_missing"], "minmax", range=[-1, 1])], FILL)
CH_FIT = [["id", "x", "city"], ["f1", "1", "a"], ["f2", "NA", "b"], ["f3", "3", "NA"], ["f4", "8", "a"]]
CH_IN = [["id", "x", "city"], ["i1", "NA", "b"], ["i2", "100", "NA"], ["i3", "-1", "c"], ["i4", "4", "a"]]
case("chain-onehot-minmax-drop-apply", "onehot (drop first, handle_unknown ignore) then minmax on one output column: fit on fit.csv, apply",
     [onehot(["city"], drop="first", handle_unknown="ignore"), scale(["city_b"], "minmax", range=[-1, 1])], CH_IN, fit_rows=CH_FIT)
case("chain-fill-mean-zscore-apply", "fit on fit.csv: mean 4 fills x, zscore on the filled fit data; applied to new data",
     [fill(["x"], "mean", indicator=True), scale(["x"], "zscore"),
      fill(["city"], "constant", value="?"), onehot(["city"], handle_unknown="ignore")], CH_IN, fit_rows=CH_FIT)

# ---------------------------------------------------------------------------------------------
# dialect and pass-through
# ---------------------------------------------------------------------------------------------
DIALECT = [["id", "note", "v", "cat"], ["1", "a;b", "1.5", "x"], ["2", "it's", "NA", "y"],
           ["3", "plain", "-2", "x"], ["4", "line\nbreak", "4", "NA"]]
case("dialect-semicolon-quote", "delimiter ';' and quote \"'\": output uses the input dialect (compare with --spec)",
     [fill(["v"], "mean"), scale(["v"], "zscore"), onehot(["cat"])], DIALECT,
     input_={"delimiter": ";", "quote": "'"})
PASS = [["id", "text", "v", "raw"], ["1", "Smith, John", "1", "NA"], ["2", "He said \"hi\"", "NA", ""],
        ["3", "multi\nline", "3", "N/A"], ["4", "  padded  ", "", "x"]]
case("passthrough-text", "columns no stage names pass through as text, missing tokens kept as written",
     [fill(["v"], "mean", indicator=True)], PASS)

# ---------------------------------------------------------------------------------------------
# real samples
# ---------------------------------------------------------------------------------------------
def sample_text(name):
    with open(os.path.join(SAMPLES, name), encoding="utf-8", newline="") as f:
        return f.read()


penguins = sample_text("penguins.csv")
iris = sample_text("iris.csv")
case("penguins-fill-zscore-onehot", "penguins: fill mean -> zscore bill_length_mm, body_mass_g; onehot species, island, sex (NA -> sex_nan)",
     [fill(["bill_length_mm", "body_mass_g"], "mean"), scale(["bill_length_mm", "body_mass_g"], "zscore"),
      onehot(["species", "island", "sex"])], None, input_text=penguins)
case("penguins-tabular", "penguins: fill median -> robust, minmax, maxabs, fill most_frequent sex -> onehot if_binary, onehot year",
     [fill(["bill_depth_mm"], "median", indicator=True), scale(["bill_depth_mm"], "robust"),
      scale(["flipper_length_mm"], "minmax", range=[-1, 2]), scale(["body_mass_g"], "maxabs"),
      fill(["sex"], "most_frequent"), onehot(["sex"], drop="if_binary"),
      onehot(["year"], min_frequency=0.34)], None, input_text=penguins)
lines = penguins.splitlines(keepends=True)
fit_part = lines[0] + "".join(l for l in lines[1:] if not l.startswith("Chinstrap"))
case("penguins-apply-unknown", "penguins: fitted without Chinstrap rows, applied to all: Chinstrap unknown -> zeros (ignore); "
     "fill and zscore learned on the fit rows",
     [fill(["bill_length_mm", "bill_depth_mm"], "mean"), scale(["bill_length_mm", "bill_depth_mm"], "zscore"),
      onehot(["species", "island"], handle_unknown="ignore"), onehot(["sex"], handle_unknown="infrequent",
                                                                     min_frequency=0.4)],
     None, input_text=penguins, fit_text=fit_part)
case("iris-headerless", "iris with header false (columns column_1..column_5; its first record is metadata): "
     "zscore, minmax, onehot with max_categories",
     [scale(["column_1"], "zscore"), scale(["column_2"], "minmax"), onehot(["column_5"]),
      onehot(["column_3"], max_categories=4), fill(["column_4"], "most_frequent")], None,
     input_={"header": False}, input_text=iris)
case("iris-headerless-text-error", "iris headerless: robust on column_3, whose first record is 'setosa': exit 1",
     [scale(["column_3"], "robust")], None, input_={"header": False}, input_text=iris, expect_exit=1)

# ---------------------------------------------------------------------------------------------
# generated mixed data (the bench's tabular workload, small)
# ---------------------------------------------------------------------------------------------
def generated(n, seed):
    rng = random.Random(seed)
    cities = ["Zürich", "zagreb", "Ålesund", "Évora", "東京", "São Paulo", "Berlin", "berlin", "Łódź", "😀town"]
    rows = [["id", "age", "income", "score", "city", "device", "note"]]
    for i in range(n):
        age = "NA" if rng.random() < 0.1 else str(rng.randint(18, 90))
        income = "" if rng.random() < 0.05 else repr(round(rng.lognormvariate(10, 1.5), 2))
        score = repr(rng.uniform(-50, 150))
        city = rng.choice(["NA", ""]) if rng.random() < 0.07 else rng.choice(cities)
        device = rng.choices(["ios", "android", "web", "tv"], weights=[10, 10, 5, 1])[0]
        note = rng.choice(["ok", "NA", "a,b", "say \"x\"", ""])
        rows.append([f"u{i}", age, income, score, city, device, note])
    return rows


TABULAR = [fill(["age", "income"], "mean"), scale(["age", "income"], "zscore"),
           scale(["score"], "minmax"), fill(["city"], "constant", value="unknown"), onehot(["city", "device"])]
GEN = generated(600, 20240611)
case("generated-tabular", "600 generated rows: the bench's tabular workload (fill mean + zscore, minmax, fill constant + onehot)",
     TABULAR, GEN)
case("generated-tabular-apply", "fit on 400 generated rows, apply to 300 others (new cities -> ignore, infrequent device)",
     [fill(["age", "income"], "median", indicator=True), scale(["age"], "robust", quantile_range=[10, 90]),
      scale(["income"], "maxabs"), scale(["score"], "minmax", clip=True),
      onehot(["city"], handle_unknown="ignore"), onehot(["device"], handle_unknown="infrequent", min_frequency=30)],
     [GEN[0]] + generated(300, 7)[1:] + [["new1", "40", "1000", "200", "Oslo", "watch", ""]],
     fit_rows=GEN[:401])


# ---------------------------------------------------------------------------------------------
# tokenize + tfidf (TfidfVectorizer)
# ---------------------------------------------------------------------------------------------
def tokenize(columns, **kw):
    return dict(stage="tokenize", columns=columns, **kw)


def tfidf(columns, **kw):
    return dict(stage="tfidf", columns=columns, **kw)


# Unicode: accents (NFC and NFD), Greek with a final sigma, Cyrillic, CJK, Arabic, Devanagari
# (combining vowel signs split Python's \w runs), digits (Arabic-Indic, superscripts, fractions
# are \w), underscores, emoji, fullwidth letters, Turkish dotted I, German sharp s, ligatures.
TEXT = [
    ["id", "text", "other"],
    ["d1", "The quick brown fox jumps over the lazy dog; the DOG sleeps.", "a b"],
    ["d2", "Café crème brûlée — naïve CAFÉ, cafe\u0301 (NFD) and Ærøskøbing!", "x"],
    ["d3", "ΟΔΟΣ ΟΔΟΣ. Σίσυφος ΣΟΦΟΣ’Σ λόγος; Москва МОСКВА москва", ""],
    ["d4", "東京 東京タワー 北京大学 中文分词 ん", "NA"],
    ["d5", "مرحبا بالعالم ١٢٣ हिन्दी भाषा नमस्ते", "y"],
    ["d6", "x_y snake_case __init__ a_ _b 42 3.14 ² ½ x² 2nd 1st", "z"],
    ["d7", "emoji 😀😀 party🎉time rocket🚀 👍🏽 thumbs", "w"],
    ["d8", "", "empty text"],
    ["d9", "NA", "missing text"],
    ["d10", "the and of to", "only stop words"],
    ["d11", "Ｆｕｌｌｗｉｄｔｈ ＬＥＴＴＥＲＳ İstanbul ISTANBUL Straße STRASSE ﬁne ﬂow", "v"],
    ["d12", "fox fox fox dog dog cat bird bird bird bird", "u"],
    ["d13", "a I x y z 1 2", "single chars only"],
    ["d14", "Quick quick QUICK quicker; brown-fox brown_fox", "t"],
]

case("tfidf-defaults", "tfidf with every default (untokenized column: default analyzer) on Unicode text, empty and missing documents",
     [tfidf(["text"])], TEXT)
case("tfidf-tokenize-defaults", "tokenize (defaults) then tfidf", [tokenize(["text"]), tfidf(["text"])], TEXT)
case("tfidf-no-lowercase", "lowercase false: QUICK, Quick and quick are three terms",
     [tokenize(["text"], lowercase=False), tfidf(["text"])], TEXT)
case("tfidf-strip-accents", "strip_accents unicode (after lowercasing): café = cafe = cafe\u0301, ﬁ -> fi, ² -> 2",
     [tokenize(["text"], strip_accents="unicode"), tfidf(["text"])], TEXT)
case("tfidf-stopwords-english", "stopwords english (scikit-learn's list): d10 becomes an empty document",
     [tokenize(["text"], stopwords="english"), tfidf(["text"])], TEXT)
case("tfidf-stopwords-list", "stopwords as a list (case-sensitive after lowercasing)",
     [tokenize(["text"], stopwords=["the", "fox", "москва", "東京"]), tfidf(["text"])], TEXT)
case("tfidf-ngrams-1-2", "ngrams [1, 2]: unigrams and bigrams, stop words removed first",
     [tokenize(["text"], ngrams=[1, 2], stopwords="english"), tfidf(["text"])], TEXT)
case("tfidf-ngrams-2-3", "ngrams [2, 3]: no unigrams", [tokenize(["text"], ngrams=[2, 3]), tfidf(["text"])], TEXT)
case("tfidf-pattern-single-chars", "pattern (?u)\\b\\w+\\b: one-character terms too (Swift Regex path)",
     [tokenize(["text"], pattern="(?u)\\b\\w+\\b"), tfidf(["text"])], TEXT[:2] + TEXT[8:11] + TEXT[12:])
case("tfidf-pattern-group", "a pattern with one capturing group: the group is the term",
     [tokenize(["text"], pattern="([a-z]+)o"), tfidf(["text"])], TEXT[:2] + TEXT[8:11] + TEXT[12:])
case("tfidf-min-df-int", "min_df 2 (documents)", [tfidf(["text"], min_df=2)], TEXT)
case("tfidf-min-df-float", "min_df 0.1 (a fraction of 14 documents: 1.4)", [tfidf(["text"], min_df=0.1)], TEXT)
case("tfidf-max-df-int", "max_df 1 (an integer: at most one document)", [tfidf(["text"], max_df=1)], TEXT)
case("tfidf-max-df-float", "max_df 0.1 (a fraction)", [tfidf(["text"], max_df=0.1)], TEXT)
case("tfidf-max-df-one-float", "max_df 1.0 (a float: every document), min_df 1.0 would be every document too",
     [tfidf(["text"], max_df=1.0, min_df=1)], TEXT)
case("tfidf-min-df-one-float", "min_df 1.0 (a float: every document): nothing remains, spec error",
     [tfidf(["text"], min_df=1.0)], TEXT, expect_exit=2)
case("tfidf-pruned-empty", "min_df 20 over 14 documents: nothing remains, spec error",
     [tfidf(["text"], min_df=20)], TEXT, expect_exit=2)
case("tfidf-max-below-min", "max_df 0.1 (1.4 documents) below min_df 2: spec error",
     [tfidf(["text"], min_df=2, max_df=0.1)], TEXT, expect_exit=2)
case("tfidf-only-stopwords", "every document empty after stop words: empty vocabulary, spec error",
     [tokenize(["other"], stopwords=["a", "b", "x", "y", "z", "w", "v", "u", "t", "na", "empty", "text", "missing",
                                     "only", "stop", "words", "single", "chars"]), tfidf(["other"])], TEXT, expect_exit=2)
case("tfidf-max-features-ties", "max_features 5: fox, bird (4), dog (3) then a tie at 2 among many terms, broken by term order",
     [tfidf(["text"], max_features=5)], TEXT)
case("tfidf-max-features-binary", "max_features with binary: ranked by document frequency",
     [tfidf(["text"], max_features=4, binary=True)], TEXT)
case("tfidf-vocabulary", "a given vocabulary, in its given order (not sorted), terms absent from the corpus included",
     [tfidf(["text"], vocabulary=["fox", "dog", "zzz", "東京", "café"])], TEXT)
case("tfidf-vocabulary-no-idf", "a given vocabulary with use_idf false: nothing to learn",
     [tfidf(["text"], vocabulary=["fox", "dog", "quick"], use_idf=False)], TEXT)
case("tfidf-binary", "binary counts", [tfidf(["text"], binary=True)], TEXT)
case("tfidf-no-idf", "use_idf false", [tfidf(["text"], use_idf=False)], TEXT)
case("tfidf-no-smooth", "smooth_idf false: ln(n/df) + 1", [tfidf(["text"], smooth_idf=False)], TEXT)
# scikit-learn's test_tfidf_no_smoothing: a term no document holds gets an infinite idf; fit must
# write it so that apply reads it back (the weights of rows without the term are finite).
for norm_ in ("l2", "none"):
    for out_ in ("dense", "sparse"):
        kw_ = dict(vocabulary=["fox", "dog", "zzz"], smooth_idf=False, norm=norm_, output=out_)
        case(f"tfidf-no-smooth-absent-term-{norm_}-{out_}", f"smooth_idf false, norm {norm_}, {out_}: 'zzz' is in no document (idf inf)",
             [tfidf(["text"], **kw_)], TEXT)
        case(f"tfidf-no-smooth-absent-term-{norm_}-{out_}-fit-apply",
             f"as tfidf-no-smooth-absent-term-{norm_}-{out_}, through fit then apply of the written fitted spec",
             [tfidf(["text"], **kw_)], TEXT, fit_rows=TEXT)
case("tfidf-sublinear", "sublinear_tf: 1 + ln(tf)", [tfidf(["text"], sublinear_tf=True)], TEXT)
case("tfidf-norm-l1", "norm l1", [tfidf(["text"], norm="l1")], TEXT)
case("tfidf-norm-none", "norm none", [tfidf(["text"], norm="none", sublinear_tf=True, smooth_idf=False)], TEXT)
case("tfidf-sparse", "output sparse: term:weight pairs in vocabulary order",
     [tokenize(["text"], ngrams=[1, 2]), tfidf(["text"], output="sparse", min_df=1)], TEXT)
case("tfidf-two-columns", "two text columns in one stage; a tokenize on one of them only",
     [tokenize(["other"], stopwords="english"), tfidf(["text", "other"], max_features=6)], TEXT)
case("tokenize-alone", "tokenize with no tfidf after it: the terms joined by one space, missing stays missing",
     [tokenize(["text"], ngrams=[1, 2], stopwords="english", strip_accents="unicode")], TEXT)
case("tfidf-fill-then-tfidf", "fill constant on the text column, then tfidf (the filled text is a document)",
     [fill(["text"], "constant", value="filled fox"), tfidf(["text"])], TEXT)
case("tfidf-most-frequent-then-tfidf", "fill most_frequent (a learned value) on the text column, then tokenize + tfidf: the filled documents count",
     [fill(["text"], "most_frequent"), tokenize(["text"], ngrams=[1, 2]), tfidf(["text"], min_df=2)], TEXT + [["d15", "NA", "s"], ["d16", "fox fox fox dog dog cat bird bird bird bird", "r"]])
case("tfidf-apply", "tfidf fitted on some documents, applied to others (unknown terms ignored, all-unknown rows zero)",
     [tokenize(["text"], stopwords="english"), tfidf(["text"], min_df=1, sublinear_tf=True)], TEXT[:1] + TEXT[9:],
     fit_rows=TEXT[:9])
case("tfidf-bad-option", "max_df 1.5 (a float above 1): spec error", [tfidf(["text"], max_df=1.5)], TEXT, expect_exit=2)

speeches = sample_text("commons-speeches.csv")
case("tfidf-commons-speeches", "commons-speeches sample: tokenize (english stop words, [1, 2]-grams) + tfidf (min_df 2, max_features 200)",
     [tokenize(["text"], stopwords="english", ngrams=[1, 2]), tfidf(["text"], min_df=2, max_features=200, sublinear_tf=True),
      onehot(["party"])], None, input_text=speeches)
case("tfidf-commons-speeches-full", "commons-speeches sample: default tfidf over the whole vocabulary, agenda too",
     [tfidf(["text", "agenda"])], None, input_text=speeches)


def review_rows(n, seed):
    rng = random.Random(seed)
    words = ["phh", "pieuehg", "eieei", "sreste", "nykpoaa", "it", "hi", "no", "Café", "naïve", "东京", "x", "a_b", "42"]
    rows = [["id", "review", "rating"]]
    for i in range(n):
        k = rng.randint(0, 12)
        text = " ".join(rng.choice(words) for _ in range(k))
        rows.append([f"r{i}", "NA" if rng.random() < 0.05 else text, str(rng.randint(1, 5))])
    return rows


case("tfidf-generated", "500 generated reviews: max_features 8 with many ties among counts",
     [tokenize(["review"]), tfidf(["review"], max_features=8, min_df=2)], review_rows(500, 99))


# Cases of later stages, one file each (several people add stages at once).
import cases_shape  # noqa: E402
cases_shape.add(sys.modules[__name__])
cases_hash.add(case, tokenize, tfidf, fill, scale)  # hash and hashed tfidf (cases_hash.py)
import cases_clean  # noqa: E402  (the clean stage's cases)
cases_clean.add(case, TEXT, tfidf=tfidf, tokenize=tokenize, fill=fill, onehot=onehot, sample_text=sample_text)
# The toolbox stages (issue 15), one cases file each: cases_<stage>.py.
sys.path.insert(0, HERE)
import cases_bin, cases_ordinal  # noqa: E402
for _stage_cases in (cases_ordinal, cases_bin):
    _stage_cases.add(sys.modules[__name__])
# Stages whose cases live in a file of their own (cases_<stage>.py): each adds to CASES.
import cases_clip  # noqa: E402
import cases_log  # noqa: E402
import cases_datetime  # noqa: E402
for _module in (cases_log, cases_clip, cases_datetime):
    _module.add(globals())


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    index = {}
    for name, meta, spec, text, ftext in CASES:
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "spec.json"), "w", encoding="utf-8", newline="\n") as f:
            json.dump(spec, f, ensure_ascii=False, indent=2)
            f.write("\n")
        with open(os.path.join(d, "input.csv"), "w", encoding="utf-8", newline="") as f:
            f.write(text)
        fit_path = os.path.join(d, "fit.csv")
        if ftext is not None:
            with open(fit_path, "w", encoding="utf-8", newline="") as f:
                f.write(ftext)
        elif os.path.exists(fit_path):
            os.remove(fit_path)
        index[name] = meta
    with open(os.path.join(out, "index.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(index, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(f"make_cases: {len(CASES)} cases in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
