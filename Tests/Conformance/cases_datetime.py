"""Conformance cases for the `datetime` stage (reference: ref_datetime.py: pandas' to_datetime and
.dt accessors, feature-engine's CyclicalFeatures). Added to make_cases.py's CASES by `add(ns)`,
which receives make_cases.py's namespace (its `case` and helpers)."""

import json
import os
import random

ALL = ["year", "month", "day", "hour", "minute", "second", "dayofweek", "dayofyear", "quarter", "epoch"]
WAVES = ["month", "day", "hour", "dayofweek"]


def dt(columns, **kw):
    return dict(stage="datetime", columns=columns, **kw)


def iso_forms(rng, n, offset=None, date_share=0.2, nanos=False):
    """n ISO 8601 values in every form prepline reads; `offset`: the same offset on every datetime
    (None: naive), "mixed": a random one each (pandas refuses such a column whole). `nanos`: some
    with 9 fraction digits, which make pandas read the whole column at ns resolution, holding
    only 1677-09-21 .. 2262-04-11 (prepline has no such bound): the years stay within."""
    out = []
    for _ in range(n):
        y, mo = rng.randint(1678, 2261) if nanos else rng.randint(1600, 2400), rng.randint(1, 12)
        d = rng.randint(1, 31 if mo in (1, 3, 5, 7, 8, 10, 12) else 30 if mo != 2 else 28)
        if mo == 2 and rng.random() < 0.3 and (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)):
            d = 29
        date = f"{y:04d}-{mo:02d}-{d:02d}"
        if offset is None and rng.random() < date_share:
            out.append(date)
            continue
        h, mi, s = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
        sep = rng.choice("T ")
        time = rng.choice([f"{h:02d}", f"{h:02d}:{mi:02d}", f"{h:02d}:{mi:02d}:{s:02d}",
                           f"{h:02d}:{mi:02d}:{s:02d}.{rng.randint(0, 999999):06d}",
                           f"{h:02d}:{mi:02d}:{s:02d}.{rng.randint(0, 9)}",
                           f"{h:02d}:{mi:02d}:{s:02d}.{rng.randint(0, 999999999):09d}" if nanos else f"{h:02d}:{mi:02d}"])
        zone = ""
        if offset == "mixed":
            oh, om = rng.randint(0, 14), rng.choice([0, 30, 45])
            zone = rng.choice(["Z", f"+{oh:02d}:{om:02d}", f"-{oh:02d}{om:02d}", f"+{oh:02d}", "", " Z", f" -{oh:02d}:{om:02d}"])
        elif offset is not None:
            zone = offset
        out.append(f"{date}{sep}{time}{zone}")
    return out


def with_missing(rng, values, share=0.1):
    return [rng.choice(["", "NA"]) if rng.random() < share else v for v in values]


def add(ns):
    case, fill, scale, sample_text = ns["case"], ns["fill"], ns["scale"], ns["sample_text"]
    rng = random.Random(7315)
    n = 240
    naive = with_missing(rng, iso_forms(rng, n))
    aware = with_missing(rng, iso_forms(rng, n, offset="+02:00", nanos=True))
    utc = with_missing(rng, iso_forms(rng, n, offset="Z"))
    mixed = with_missing(rng, iso_forms(rng, n, offset="mixed"))
    rows = [["k", "naive", "aware", "utc", "mixed"]] + [[i, a, b, c, d] for i, (a, b, c, d) in enumerate(zip(naive, aware, utc, mixed))]
    case("datetime-every-part-iso", "datetime with every part on ISO 8601 values in every accepted form (date only, T or space, "
         "HH / HH:MM / HH:MM:SS, fractions of 1, 6 and 9 digits; naive, +02:00, Z, and a column of mixed offsets), "
         "missing kept: pandas to_datetime(format='ISO8601') and its .dt accessors, epoch (ts - 1970 UTC) // 1s",
         [dt(["naive", "aware", "utc", "mixed"], parts=ALL)], rows,
         note="a column of mixed offsets, which pandas refuses whole, is read value by value (each keeps its offset)")
    case("datetime-default-parts", "datetime with the default parts (year, month, day, dayofweek) on dates",
         [dt(["naive"])], rows)
    # Edges of the calendar and of epoch: leap days, the turn of 1970, fractions before 1970
    # (floored towards the past), years 0000 and 9999, pandas' old nanosecond bounds.
    edges = ["0000-01-01", "0001-01-01T00:00:00", "1582-10-15", "1899-12-31T23:59:59.999999",
             "1900-02-28", "1900-03-01", "1969-12-31T23:59:59.5", "1969-12-31T23:59:59", "1970-01-01", "1970-01-01T00:00:00.5",
             "2000-02-29", "2016-12-31T23:59:59", "2020-02-29T12:00", "2100-03-01", "9999-12-31T23:59:59.999999", ""]
    # Nanosecond values, in a column of their own (pandas then holds 1677-09-21 .. 2262-04-11 only).
    nanos = ["1677-09-21T00:12:43.145224193", "1969-12-31T23:59:59.999999999", "1970-01-01T00:00:00.000000001",
             "2262-04-11T23:47:16.854775807", "2024-03-05T14:07:09.1234567891", "", "2000-01-01", "2000-01-01T00:00:00.1"]
    nanos += [""] * (len(edges) - len(nanos))
    case("datetime-calendar-edges", "datetime every part on calendar and epoch edges: year 0000 and 9999, leap days of 1900 / 2000 / 2100, "
         "the second before 1970 with a fraction (epoch floors to -1); nanosecond values at pandas' ns bounds, and ten fraction digits",
         [dt(["d", "ns"], parts=ALL)], [["k", "d", "ns"]] + [[i, v, w] for i, (v, w) in enumerate(zip(edges, nanos))])
    offsets = ["2024-03-05T14:07:09Z", "2024-03-05T14:07:09+02:00", "2024-03-05T14:07:09-05:30", "2024-03-05T00:30+0130",
               "2024-03-05 23:59:59.75 +02:00", "2024-03-05T14Z", "2024-12-31T23:00:00-23:59", "2024-01-01T00:00:00+23:00", "2024-03-05T14:07:09+14"]
    case("datetime-offsets", "datetime parts under offsets: the wall-clock parts as written, epoch in UTC (the day and year may differ)",
         [dt(["d"], parts=ALL)], [["k", "d"]] + [[i, v] for i, v in enumerate(offsets)])
    # strptime formats (pandas' strptime, as Python's; %f up to 9 digits).
    formats = [
        ("dmy-hm", "%d/%m/%Y %H:%M", lambda y, mo, d, h, mi, s: f"{d:02d}/{mo:02d}/{y:04d} {h:02d}:{mi:02d}"),
        ("mdy-short-year", "%m/%d/%y", lambda y, mo, d, h, mi, s: f"{mo}/{d}/{y % 100:02d}"),
        ("compact", "%Y%m%d%H%M%S", lambda y, mo, d, h, mi, s: f"{y:04d}{mo:02d}{d:02d}{h:02d}{mi:02d}{s:02d}"),
        ("month-name-12h", "%d %b %Y %I:%M %p", lambda y, mo, d, h, mi, s: f"{d} {['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][mo - 1]} {y} {(h % 12) or 12:02d}:{mi:02d} {'AM' if h < 12 else 'PM'}"),
        ("dotted-fraction-offset", "%d.%m.%Y %H:%M:%S.%f%z", lambda y, mo, d, h, mi, s: f"{d:02d}.{mo:02d}.{1678 + y % 584} {h:02d}:{mi:02d}:{s:02d}.{mi * 7654321 % 1000000000:09d}+0530"),
        ("day-of-year", "%Y-%j", lambda y, mo, d, h, mi, s: f"{y}-{(mo - 1) * 28 + d:03d}"),
    ]
    for name, fmt, render in formats:
        frng = random.Random(name)
        values = []
        for _ in range(80):
            y = frng.randint(1970 if "%y" in fmt else 1000, 2068 if "%y" in fmt else 2999)
            mo, d = frng.randint(1, 12), frng.randint(1, 28)
            values.append(render(y, mo, d, frng.randint(0, 23), frng.randint(0, 59), frng.randint(0, 59)))
        values = with_missing(frng, values)
        case(f"datetime-format-{name}", f"datetime with format {fmt!r}: pandas to_datetime(format=...) then every part",
             [dt(["d"], format=fmt, parts=ALL)], [["k", "d"]] + [[i, v] for i, v in enumerate(values)])
    # Cyclical: learned maxima, given, partly given; feature-engine CyclicalFeatures.
    case("datetime-cyclical-learned", "datetime cyclical on month, day, hour, dayofweek with maxima learned (feature-engine "
         "CyclicalFeatures' default: the largest value seen), sin/cos right after each part, missing rows stay missing",
         [dt(["naive", "mixed"], parts=["year", "month", "day", "hour", "dayofweek", "epoch"], cyclical=True)], rows)
    case("datetime-cyclical-given", "datetime cyclical with every max given (max_values; nothing learned)",
         [dt(["aware"], parts=["hour", "dayofweek", "month"], cyclical=True, max_values={"hour": 24, "dayofweek": 7, "month": 12})], rows)
    case("datetime-cyclical-partly-given", "datetime cyclical with max_values for hour only: month and day learned",
         [dt(["utc"], parts=["month", "day", "hour", "minute"], cyclical=True, max_values={"hour": 24.5})], rows)
    small = [["k", "d"]] + [[i, v] for i, v in enumerate(["2024-01-07T03:00", "2024-02-14T05:30", "", "2024-06-03T01:00", "2024-04-30T02:15"])]
    later = [["k", "d"]] + [[i, v] for i, v in enumerate(["2024-12-31T23:59", "2024-03-05T14:00", "NA", "2025-07-19T06:00", "2024-06-03T01:00"])]
    case("datetime-fit-apply-larger-at-apply", "datetime cyclical fitted on months up to 6 and hours up to 5, applied to December 23:59: "
         "the learned maxima stay (sin(2π·12/6) ...), as feature-engine's transform",
         [dt(["d"], parts=ALL, cyclical=True)], later, fit_rows=small)
    case("datetime-fit-apply-format", "datetime with a format, fit on some rows and applied to others (nothing learned)",
         [dt(["d"], format="%d/%m/%Y", parts=["year", "dayofyear", "quarter"])],
         [["k", "d"], [1, "31/12/2024"], [2, "1/1/1999"], [3, ""]], fit_rows=[["k", "d"], [1, "05/03/2024"]])
    # Chains.
    case("datetime-fill-then-datetime", "fill most_frequent on a date column, then datetime cyclical: the maxima are learned on the "
         "filled values (a second fit pass); Pipeline(SimpleImputer, datetime)",
         [fill(["d"], "most_frequent"), dt(["d"], parts=["month", "dayofweek"], cyclical=True)],
         [["k", "d"], [1, "2024-03-05"], [2, ""], [3, "2024-03-05"], [4, "2023-11-30"], [5, "NA"], [6, "2024-01-14"]])
    case("datetime-constant-fill-then-datetime", "fill constant on a date column, then datetime (the fill's value parsed as a date)",
         [fill(["d"], "constant", value="2020-12-25T18:00"), dt(["d"], parts=["year", "month", "hour", "epoch"])],
         [["k", "d"], [1, "2024-03-05"], [2, ""], [3, "NA"]])
    case("datetime-then-scale", "datetime then zscore on some of its columns by name and glob (they fit in the next pass)",
         [dt(["naive"], parts=["year", "dayofyear", "epoch"], cyclical=False), scale(["naive_year", "naive_e*"], "zscore")], rows)
    case("datetime-cyclical-then-scale", "datetime cyclical (maxima learned) then minmax on its sin column (next pass)",
         [dt(["naive"], parts=["month"], cyclical=True), scale(["naive_month_sin"], "minmax")], rows)
    # Samples.
    case("datetime-commons-speeches", "commons-speeches.csv: the speech date's parts, cyclical month and dayofweek",
         [dt(["date"], parts=["year", "month", "dayofweek", "dayofyear", "quarter", "epoch"], cyclical=True)], None,
         input_text=sample_text("commons-speeches.csv"))
    case("datetime-penguins-raw", "penguins-raw.csv: the 'Date Egg' column's year, month, day, dayofweek",
         [dt(["Date Egg"])], None, input_text=sample_text("penguins-raw.csv"))
    # The example in pipelines/ (its numbers in pipelines/README.md are these).
    with open(os.path.join(ns["HERE"], "..", "..", "pipelines", "commons-speeches-dates.json"), encoding="utf-8") as f:
        example = json.load(f)
    case("datetime-pipelines-commons-speeches-example", "pipelines/commons-speeches-dates.json on commons-speeches: parts, cyclical "
         "with given maxima, output.columns", example["stages"], None, input_text=sample_text("commons-speeches.csv"), output=example["output"])
    # Row-level errors (exit 1) and spec errors (exit 2).
    for bad in ["2024-13-01", "2023-02-29", "2024-03-05T24:00", "2024-3-5", "2024/03/05", "20240305", "2024-03-05Z", "2024-03-05T14:07:09.",
                "2024-03-05t14:07", "2024-03-05T14:07:09+2:00", " 2024-03-05", "yesterday"]:
        case(f"datetime-unparsable-{bad.strip().replace('/', '_').replace(':', '').replace(' ', '_').replace('+', 'p')}",
             f"datetime on {bad!r}: not an ISO 8601 value prepline reads (pandas refuses it, or reads it outside prepline's documented subset): "
             "a row-level error (exit 1)", [dt(["d"])], [["k", "d"], [1, "2024-03-05"], [2, bad], [3, "2024-03-06"]], expect_exit=1)
    case("datetime-format-mismatch", "datetime with format %d/%m/%Y on '2024-03-05': a row-level error (exit 1)",
         [dt(["d"], format="%d/%m/%Y")], [["k", "d"], [1, "05/03/2024"], [2, "2024-03-05"]], expect_exit=1)
    for name, stage in [("unknown-part", dt(["d"], parts=["year", "weekday"])),
                        ("repeated-part", dt(["d"], parts=["year", "year"])),
                        ("max-values-without-cyclical", dt(["d"], parts=["month"], max_values={"month": 12})),
                        ("max-values-not-cyclical", dt(["d"], parts=["month", "year"], cyclical=True, max_values={"year": 3000})),
                        ("max-values-zero", dt(["d"], parts=["month"], cyclical=True, max_values={"month": 0})),
                        ("cyclical-without-cyclical-part", dt(["d"], parts=["year", "epoch"], cyclical=True)),
                        ("format-without-directive", dt(["d"], format="yyyy-mm-dd")),
                        ("format-unsupported-directive", dt(["d"], format="%Y-%m-%d %Z"))]:
        case(f"datetime-spec-{name}", f"datetime spec error: {name} (exit 2)", [stage], [["k", "d"], [1, "2024-03-05"]], expect_exit=2)
    case("datetime-spec-hour-always-zero", "datetime cyclical hour on dates only: the largest hour is 0 (feature-engine would divide by it): exit 2",
         [dt(["d"], parts=["hour"], cyclical=True)], [["k", "d"], [1, "2024-03-05"], [2, "2024-03-06"]], expect_exit=2)
    case("datetime-spec-no-observed-values", "datetime cyclical with no observed value to learn the maxima from: exit 2",
         [dt(["d"], parts=["month"], cyclical=True)], [["k", "d"], [1, ""], [2, "NA"]], expect_exit=2)
    case("datetime-spec-name-collision", "datetime makes d_year, already a column: exit 2",
         [dt(["d"], parts=["year"])], [["d", "d_year"], ["2024-03-05", "1"]], expect_exit=2)
    # Many rows.
    big = random.Random(99)
    values = with_missing(big, iso_forms(big, 1500, date_share=0.3), share=0.05)
    case("datetime-generated", "1500 generated ISO values, every part and cyclical (learned)",
         [dt(["d"], parts=ALL, cyclical=True)], [["k", "d"]] + [[i, v] for i, v in enumerate(values)])
