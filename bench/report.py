#!/usr/bin/env python3
"""Turn a bench/run.sh index (bench/out/run.tsv) into a markdown report.

usage: report.py bench/out/run.tsv [--out bench/out/report.md]

The index is tab-separated, one record per line:
  meta     KEY VALUE
  section  WORKLOAD ROWS DATA BYTES MANIFEST HYPERFINE_JSON
  rss      ROWS DATA BYTES KEY NAME WALL_S RSS_KB COMMAND [WORKLOAD]
  check    ROWS LEVEL MESSAGE
A section's MANIFEST lists the timed commands in hyperfine's order:
  KEY NAME COMMAND RSS_KB
Units: wall time in seconds (hyperfine median), throughput in MB/s of input
(1 MB = 10^6 bytes), peak RSS in MiB (/usr/bin/time %M KiB / 1024).

Each workload may register a summary function in SUMMARIES that adds its
target lines under its table.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field

FLAT_TOLERANCE = 1.10  # RSS at the large size may exceed the 1M-row RSS by 10% and still count as flat
TABULAR_RSS_TARGET_MB = 100  # DESIGN.md / issue 3: tabular peak RSS <= 100 MB at 1M rows, flat at 4M
TABULAR_VS_PANDAS = 10.0  # issue 3: >= 10x faster than pandas + scikit-learn
FULL_RSS_TARGET_MB = 150  # issue 4: full peak RSS <= 150 MB at 1M rows, flat at 4M
FULL_VS_POLARS = 5.0  # issue 4: >= 5x faster than Polars + TfidfVectorizer
FULL_VS_PANDAS = 20.0  # issue 4: >= 20x faster than pandas + scikit-learn


def rss_target(workload: str, meta: dict[str, str]) -> float:
    """The peak-RSS target (MiB) of a workload: --rss-target-mb for the pass-through."""
    if workload == "tabular":
        return TABULAR_RSS_TARGET_MB
    if workload in ("full", "clean"):
        return FULL_RSS_TARGET_MB
    if workload == "profile":
        return PROFILE_RSS_TARGET_MB
    return float(meta.get("rss_target_mb", "64"))


@dataclass
class Cmd:
    key: str
    name: str
    command: str
    rss_kb: int | None
    median: float | None = None
    stddev: float | None = None
    min: float | None = None
    max: float | None = None
    runs: int = 0

    @property
    def rss_mib(self) -> float | None:
        return None if self.rss_kb is None else self.rss_kb / 1024


@dataclass
class Section:
    workload: str
    rows: int
    data: str
    bytes: int
    cmds: list[Cmd] = field(default_factory=list)

    def get(self, key: str) -> Cmd | None:
        return next((c for c in self.cmds if c.key == key), None)


@dataclass
class RssRun:
    rows: int
    data: str
    bytes: int
    key: str
    name: str
    wall: float
    rss_kb: int
    command: str
    workload: str = "passthrough"


def load(index_path: str):
    meta: dict[str, str] = {}
    sections: list[Section] = []
    rss_runs: list[RssRun] = []
    checks: list[tuple[int, str, str]] = []
    with open(index_path, encoding="utf-8") as f:
        for line in f:
            rec = line.rstrip("\n").split("\t")
            kind, rest = rec[0], rec[1:]
            if kind == "meta":
                meta[rest[0]] = rest[1] if len(rest) > 1 else ""
            elif kind == "section":
                workload, rows, data, nbytes, manifest, hf_json = rest[:6]
                # paths are relative to the repo root, wherever report.py is run from
                root = meta.get("root", ".")
                sections.append(load_section(workload, int(rows), data, int(nbytes),
                                             os.path.join(root, manifest), os.path.join(root, hf_json)))
            elif kind == "rss":
                rows, data, nbytes, key, name, wall, rss_kb, command = rest[:8]
                workload = rest[8] if len(rest) > 8 and rest[8] else "passthrough"  # older indexes: no field
                rss_runs.append(RssRun(int(rows), data, int(nbytes), key, name, float(wall), int(rss_kb), command,
                                       workload))
            elif kind == "check":
                checks.append((int(rest[0]), rest[1], rest[2]))
    return meta, sections, rss_runs, checks


def load_section(workload, rows, data, nbytes, manifest, hf_json) -> Section:
    sec = Section(workload, rows, data, nbytes)
    with open(manifest, encoding="utf-8") as f:
        for line in f:
            key, name, command, rss = line.rstrip("\n").split("\t")
            sec.cmds.append(Cmd(key, name, command, int(rss) if rss else None))
    with open(hf_json, encoding="utf-8") as f:
        results = json.load(f)["results"]
    if len(results) != len(sec.cmds):
        raise SystemExit(f"report.py: {hf_json} has {len(results)} results, {manifest} lists {len(sec.cmds)}")
    for cmd, r in zip(sec.cmds, results):
        cmd.median = r.get("median", r["mean"])
        cmd.stddev = r.get("stddev")
        cmd.min, cmd.max = r.get("min"), r.get("max")
        cmd.runs = len(r.get("times", []))
    return sec


# ---- formatting ----------------------------------------------------------------

def fmt(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def times(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}×"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**NOT met**")


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def polars_ref(sec: Section) -> Cmd | None:
    """The Polars command ratios are taken against: the faster of `polars` and `polars_eager`."""
    pols = [c for c in (sec.get("polars"), sec.get("polars_eager")) if c and c.median is not None]
    return min(pols, key=lambda c: c.median, default=None)


def table(sec: Section) -> list[str]:
    polars = polars_ref(sec)
    out = [
        "| command | median (s) | ± σ (s) | MB/s | peak RSS (MiB) | vs Polars |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for c in sec.cmds:
        mbps = sec.bytes / 1e6 / c.median if c.median else None
        out.append(
            f"| {c.name} | {fmt(c.median, 3)} | {fmt(c.stddev, 3)} | {fmt(mbps, 0)} | "
            f"{fmt(c.rss_mib, 1)} | {fmt(ratio(c.median, polars.median if polars else None))} |"
        )
    return out


# ---- per-workload summaries -------------------------------------------------------

def common_lines(sec: Section, meta: dict[str, str], pre, pre1, target_mb: float, peers=()) -> list[str]:
    """The lines every workload ends with: thread speed-up, prepline's peak RSS against its target
    (which applies at 1M rows), the peers' peak RSS, and a warning when prepline was not measured."""
    lines = []
    if pre and pre1:
        lines.append(f"- prepline speedup {meta.get('threads', '?')} threads vs 1 thread: {fmt(ratio(pre1.median, pre.median))}×")
    if pre and pre.rss_mib is not None:
        if sec.rows >= 1_000_000:
            lines.append(f"- peak RSS prepline: {fmt(pre.rss_mib, 1)} MiB "
                         f"(target ≤ {target_mb:g} MiB at 1M rows: {verdict(pre.rss_mib <= target_mb)})")
        else:
            lines.append(f"- peak RSS prepline: {fmt(pre.rss_mib, 1)} MiB "
                         f"(target ≤ {target_mb:g} MiB applies at 1M rows)")
    measured = [c for c in peers if c and c.rss_mib is not None]
    if measured:
        lines.append("- peak RSS of the peers: " + ", ".join(f"{c.name} {fmt(c.rss_mib, 0)} MiB" for c in measured))
    if not pre:
        lines.append("- prepline was not measured (binary missing or failing): ratios are n/a")
    return lines

def summary_passthrough(sec: Section, meta: dict[str, str]) -> list[str]:
    threads = meta.get("threads", "?")
    target_mb = float(meta.get("rss_target_mb", "64"))
    pre, pre1, polars, floor, parse, parse_libcsv = (sec.get(k) for k in ("prepline", "prepline_t1", "polars", "floor", "prepline_parse",
                                                                        "prepline_parse_libcsv"))
    lines = []

    r = ratio(pre.median if pre else None, polars.median if polars else None)
    lines.append(f"- pass-through / Polars wall ratio: **{fmt(r)}** "
                 f"(median prepline / median Polars; target ≤ 1.0: {verdict(None if r is None else r <= 1.0)})")

    r = ratio(floor.median if floor else None, parse_libcsv.median if parse_libcsv else None)
    lines.append(f"- parse throughput with libcsv, prepline validate --parser libcsv ({threads} threads) / libcsv floor (1 thread): "
                 f"**{fmt(r)}** (median floor / median prepline validate; DESIGN's parse floor, target ≥ 1.5: "
                 f"{verdict(None if r is None else r >= 1.5)})")
    r = ratio(floor.median if floor else None, parse.median if parse else None)
    lines.append(f"- parse throughput with the default fast splitter, prepline validate ({threads} threads) / libcsv floor "
                 f"(1 thread): **{fmt(r)}** (median floor / median prepline validate; the parser every command uses)")
    r = ratio(floor.median if floor else None, pre.median if pre else None)
    lines.append(f"- whole pass-through (parse + write) vs libcsv floor: {fmt(r)} "
                 f"(median floor / median prepline run; informative, it also formats and writes every byte)")
    lines += common_lines(sec, meta, pre, pre1, target_mb)
    return lines


def summary_tabular(sec: Section, meta: dict[str, str]) -> list[str]:
    target_mb = rss_target("tabular", meta)
    pre, pre1, duck, pdsk = (sec.get(k) for k in ("prepline", "prepline_t1", "duckdb", "pandas_sklearn"))
    # Polars runs in two versions (lazy, eager); the target is against the faster one.
    polars = polars_ref(sec)
    pols = [c for c in (sec.get("polars"), sec.get("polars_eager")) if c]
    lines = []
    r = ratio(pre.median if pre else None, polars.median if polars else None)
    lines.append(f"- tabular / Polars wall ratio: **{fmt(r)}** "
                 f"(median prepline / median {polars.name if polars else 'Polars'}, the faster Polars; "
                 f"target ≤ 1.0: {verdict(None if r is None else r <= 1.0)})")
    r = ratio(pdsk.median if pdsk else None, pre.median if pre else None)
    lines.append(f"- pandas + scikit-learn / prepline: **{times(r, 1)}** "
                 f"(median pandas + scikit-learn / median prepline; target ≥ {TABULAR_VS_PANDAS:g}×: "
                 f"{verdict(None if r is None else r >= TABULAR_VS_PANDAS)})")
    r = ratio(duck.median if duck else None, pre.median if pre else None)
    lines.append(f"- DuckDB / prepline: {times(r)} (median DuckDB / median prepline; informative)")
    lines += common_lines(sec, meta, pre, pre1, target_mb, (*pols, duck, pdsk))
    return lines


def summary_full(sec: Section, meta: dict[str, str]) -> list[str]:
    target_mb = rss_target("full", meta)
    pre, pre1, pol, pdsk = (sec.get(k) for k in ("prepline", "prepline_t1", "polars_sklearn", "pandas_sklearn"))
    lines = []
    r = ratio(pol.median if pol else None, pre.median if pre else None)
    lines.append(f"- Polars + TfidfVectorizer / prepline: **{times(r, 1)}** "
                 f"(target ≥ {FULL_VS_POLARS:g}×: {verdict(None if r is None else r >= FULL_VS_POLARS)})")
    r = ratio(pdsk.median if pdsk else None, pre.median if pre else None)
    lines.append(f"- pandas + scikit-learn / prepline: **{times(r, 1)}** "
                 f"(target ≥ {FULL_VS_PANDAS:g}×: {verdict(None if r is None else r >= FULL_VS_PANDAS)})")
    lines += common_lines(sec, meta, pre, pre1, target_mb, (pol, pdsk))
    return lines


VALIDATE_VS_FRICTIONLESS = 50.0
VALIDATE_ROWS_PER_S = 1_000_000


def summary_validate(sec: Section, meta: dict[str, str]) -> list[str]:
    threads = meta.get("threads", "?")
    target_mb = rss_target("validate", meta)
    pre, pre1, fr = (sec.get(k) for k in ("prepline", "prepline_t1", "frictionless"))
    lines = []
    r = ratio(fr.median if fr else None, pre.median if pre else None)
    lines.append(f"- frictionless / prepline: **{times(r, 0)}** (median frictionless validate / median prepline "
                 f"validate, same file and schema; target ≥ {VALIDATE_VS_FRICTIONLESS:g}×: "
                 f"{verdict(None if r is None else r >= VALIDATE_VS_FRICTIONLESS)})")
    rate = sec.rows / pre.median if pre and pre.median else None
    lines.append(f"- prepline rows/s ({threads} threads): **{fmt(rate, 0)}** "
                 f"(target ≥ {VALIDATE_ROWS_PER_S:,}: {verdict(None if rate is None else rate >= VALIDATE_ROWS_PER_S)})")
    if pre and pre1:
        lines.append(f"- prepline speedup {threads} threads vs 1 thread: {fmt(ratio(pre1.median, pre.median))}×")
    if pre and pre.rss_mib is not None:
        lines.append(f"- peak RSS prepline: {fmt(pre.rss_mib, 1)} MiB (target ≤ {target_mb:g} MiB: "
                     f"{verdict(pre.rss_mib <= target_mb)}; the primary key keeps one entry per row)")
    if fr and fr.rss_mib is not None:
        lines.append(f"- peak RSS frictionless: {fmt(fr.rss_mib, 0)} MiB")
    return lines


PROFILE_RSS_TARGET_MB = 100  # issue 17: peak RSS <= 100 MB at 4M rows
PROFILE_VS_YDATA = 100.0  # issue 17: >= 100x faster than ydata-profiling minimal=True
PROFILE_VS_POLARS = 1.0  # issue 17: faster than Polars computing the same figures


def summary_profile(sec: Section, meta: dict[str, str]) -> list[str]:
    threads = meta.get("threads", "?")
    pre, pre1, pol, yd = (sec.get(k) for k in ("prepline", "prepline_t1", "polars", "ydata"))
    lines = []
    r = ratio(pol.median if pol else None, pre.median if pre else None)
    lines.append(f"- Polars / prepline: **{times(r, 2)}** (describe + null_count + n_unique + 5 quantiles vs the whole "
                 f"profile; target > {PROFILE_VS_POLARS:g}×: {verdict(None if r is None else r > PROFILE_VS_POLARS)})")
    r = ratio(yd.median if yd else None, pre.median if pre else None)
    lines.append(f"- ydata-profiling (minimal) / prepline: **{times(r, 0)}** "
                 f"(target ≥ {PROFILE_VS_YDATA:g}×: {verdict(None if r is None else r >= PROFILE_VS_YDATA)})")
    if pre and pre1:
        lines.append(f"- prepline speedup {threads} threads vs 1 thread: {fmt(ratio(pre1.median, pre.median))}×")
    if pre and pre.rss_mib is not None:
        lines.append(f"- peak RSS prepline: {fmt(pre.rss_mib, 1)} MiB")
    return lines


SHAPED_SLOWDOWN = 1.05  # issue 14: a select and a rename added cost at most 5%


def summary_shaped(sec: Section, meta: dict[str, str]) -> list[str]:
    pre, tab = sec.get("prepline"), sec.get("tabular")
    r = ratio(pre.median if pre else None, tab.median if tab else None)
    return [f"- shaped / tabular (a rename and a select added): **{times(r, 2)}** "
            f"(target ≤ {SHAPED_SLOWDOWN:g}×: {verdict(None if r is None else r <= SHAPED_SLOWDOWN)})"]
HASHTFIDF_VS_SKLEARN = 10.0  # issue 15: >= 10x faster than HashingVectorizer + TfidfTransformer


def summary_hashtfidf(sec: Section, meta: dict[str, str]) -> list[str]:
    pre, pre1, voc, sk = (sec.get(k) for k in ("prepline", "prepline_t1", "prepline_vocabulary", "sklearn_hashing"))
    lines = []
    r = ratio(sk.median if sk else None, pre.median if pre else None)
    lines.append(f"- pandas + HashingVectorizer + TfidfTransformer / prepline hash_features: **{times(r, 1)}** "
                 f"(whole commands; target ≥ {HASHTFIDF_VS_SKLEARN:g}×: {verdict(None if r is None else r >= HASHTFIDF_VS_SKLEARN)}; "
                 f"scikit-learn's own seconds are in the peer's log, sklearn_seconds=)")
    if pre and voc and pre.rss_mib is not None and voc.rss_mib is not None:
        lines.append(f"- peak RSS hash_features {fmt(pre.rss_mib, 1)} MiB vs vocabulary tfidf {fmt(voc.rss_mib, 1)} MiB "
                     f"(target: less: {verdict(pre.rss_mib < voc.rss_mib)})")
    if pre and pre1:
        lines.append(f"- prepline speedup vs 1 thread: {fmt(ratio(pre1.median, pre.median))}×")
CLEAN_VS_TFIDF = 1.3  # issue 15: clean + tfidf at most 1.3x the time of tfidf alone


def summary_clean(sec: Section, meta: dict[str, str]) -> list[str]:
    pre, pre1, alone = (sec.get(k) for k in ("prepline", "prepline_t1", "prepline_tfidf_only"))
    r = ratio(pre.median if pre else None, alone.median if alone else None)
    lines = [f"- clean + tfidf / tfidf alone: **{fmt(r)}** (median prepline with clean / median without; "
             f"target ≤ {CLEAN_VS_TFIDF:g}: {verdict(None if r is None else r <= CLEAN_VS_TFIDF)})"]
    lines += common_lines(sec, meta, pre, pre1, rss_target("full", meta))
    return lines


SPLIT_VS_PANDAS = 4.0  # issue 16: >= 4x faster than pandas read_csv + train_test_split + to_csv
SPLIT_RSS_BASE_MB = 64  # issue 16: peak RSS <= 64 MB plus one bit per row


def summary_split(sec: Section, meta: dict[str, str]) -> list[str]:
    pre, pre1, ns, key, pd_, mlr = (sec.get(k) for k in ("prepline", "prepline_t1", "prepline_noshuffle", "prepline_bykey",
                                                         "pandas_split", "mlr_split"))
    target_mb = SPLIT_RSS_BASE_MB + sec.rows / 8 / 2**20
    lines = []
    r = ratio(pd_.median if pd_ else None, pre.median if pre else None)
    lines.append(f"- pandas + train_test_split / prepline split --seed: **{times(r, 1)}** "
                 f"(target ≥ {SPLIT_VS_PANDAS:g}×: {verdict(None if r is None else r >= SPLIT_VS_PANDAS)})")
    r = ratio(mlr.median if mlr else None, pre.median if pre else None)
    lines.append(f"- mlr split -n / prepline split --seed: **{times(r, 2)}** (target > 1: {verdict(None if r is None else r > 1)})")
    r = ratio(mlr.median if mlr else None, ns.median if ns else None)
    lines.append(f"- mlr split -n / prepline split --no-shuffle (the same parts): {times(r, 2)}")
    if key and pre:
        lines.append(f"- prepline --by-key (one pass) / --seed (two passes): {fmt(ratio(key.median, pre.median))}")
    lines += common_lines(sec, meta, pre, pre1, target_mb, (pd_, mlr))
    return lines


# A workload without an entry here gets only its table.
SUMMARIES = {
    "passthrough": summary_passthrough,
    "tabular": summary_tabular,
    "full": summary_full,
    "validate": summary_validate,
    "shaped": summary_shaped,
    "hashtfidf": summary_hashtfidf,
    "clean": summary_clean,
    "split": summary_split,
    "profile": summary_profile,
}


def memory_lines(sections: list[Section], rss_runs: list[RssRun], meta: dict[str, str]) -> list[str]:
    lines = []
    for run in rss_runs:
        target_mb = rss_target(run.workload, meta)
        big = run.rss_kb / 1024
        mbps = run.bytes / 1e6 / run.wall if run.wall else None
        lines.append(f"- {run.name} {run.workload} at {run.rows:,} rows ({run.bytes / 1e6:,.0f} MB): "
                     f"{run.wall:.2f} s wall ({rss_runs_phrase(meta)}, {fmt(mbps, 0)} MB/s), peak RSS {big:.1f} MiB")
        base = [s for s in sections if s.workload == run.workload and s.get("prepline")
                and s.get("prepline").rss_kb is not None]
        base_sec = next((s for s in base if s.rows == 1_000_000), max(base, key=lambda s: s.rows, default=None))
        if base_sec is None:
            lines.append(f"- {run.workload} peak RSS at 1M vs {human_rows(run.rows)} rows: "
                         f"n/a (no prepline RSS from the timed sizes)")
            continue
        small = base_sec.get("prepline").rss_mib
        growth = big / small if small else None
        ok = big <= target_mb and small <= target_mb and growth is not None and growth <= FLAT_TOLERANCE
        lines.append(f"- {run.workload} peak RSS at {human_rows(base_sec.rows)} vs {human_rows(run.rows)} rows: "
                     f"**{small:.1f} MiB vs {big:.1f} MiB** (×{fmt(growth)}; target ≤ {target_mb:g} MiB at both "
                     f"and flat within +{FLAT_TOLERANCE - 1:.0%}: {verdict(ok)})")
    return lines


def rss_runs_phrase(meta: dict[str, str]) -> str:
    n = int(meta.get("rss_runs", "1"))
    return "one run" if n == 1 else f"median of {n} runs"


def human_rows(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return f"{n:,}"


def render(meta, sections, rss_runs, checks) -> str:
    out = ["# prepline benchmark report", ""]
    for key in ("date", "host", "load", "threads", "prepline", "git", "tools"):
        if key in meta:
            out.append(f"- {key}: {meta[key]}")
    out += ["", "Medians from hyperfine (`--warmup 1`); MB/s = input bytes / 10^6 / median; "
            f"peak RSS under `/usr/bin/time -f %M`: prepline {rss_runs_phrase(meta)}, peers one run; \"vs Polars\" = median / Polars median "
            "(< 1 is faster; where two Polars versions run, the faster one).", ""]

    for sec in sections:
        runs = max((c.runs for c in sec.cmds), default=0)
        out.append(f"## {sec.workload} — {sec.rows:,} rows ({sec.bytes / 1e6:,.1f} MB input, {runs} runs)")
        out.append("")
        out += table(sec)
        summary = SUMMARIES.get(sec.workload)
        if summary:
            out.append("")
            out += summary(sec, meta)
        out.append("")

    mem = memory_lines(sections, rss_runs, meta)
    if mem:
        out += ["## Memory vs rows", ""] + mem + [""]

    if checks:
        out += ["## Checks", ""]
        out += [f"- [{level}] {rows:,} rows: {msg}" for rows, level, msg in checks]
        out.append("")

    if sections or rss_runs:
        out += ["## Commands", "", "Run from the repository root.", ""]
        seen = set()
        for sec in sections:
            for c in sec.cmds:
                cmd = c.command.replace(sec.data, "DATA")
                if (c.name, cmd) not in seen:
                    seen.add((c.name, cmd))
                    out.append(f"- {c.name}: `{cmd}`")
        for run in rss_runs:
            out.append(f"- {run.name} {run.workload} at {run.rows:,} rows: `{run.command}`")
        out.append("")
    if not sections:
        out += ["No timings were recorded (see the messages of bench/run.sh).", ""]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description="Render the bench/run.sh index as markdown.")
    ap.add_argument("index", help="bench/out/run.tsv")
    ap.add_argument("--out", help="also write the report to this file")
    a = ap.parse_args()
    text = render(*load(a.index))
    sys.stdout.write(text)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
