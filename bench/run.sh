#!/usr/bin/env bash
# prepline benchmark harness: whole-command comparisons against peers on the
# generated mixed CSV, timed with hyperfine, peak RSS with /usr/bin/time.
#
#   bench/run.sh [--rows 200000,1000000] [--rss-rows 4000000] [--runs N] [--threads 2]
#                [--workloads passthrough[,tabular][,full][,clean][,validate][,shaped][,hashtfidf][,split][,profile]]
#                [--rss-target-mb 64] [--skip-build]
#                [--rss-runs 3] [--prepline PATH] [--keep-outputs]
#
# quick development run:   bench/run.sh --rows 20000 --runs 2 --rss-rows 0
#
# Writes bench/out/report.md (also printed), hyperfine JSON per workload and
# size, and an index (bench/out/run.tsv) that bench/report.py turns into the
# report. Data goes to bench/data/ (generated once, reused). See bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
ORIG_PWD=$PWD
cd "$ROOT" # every path in a benchmarked command is relative to the repo root

abspath() { [[ $1 == /* ]] && printf '%s' "$1" || printf '%s/%s' "$ORIG_PWD" "$1"; } # relative to the caller's cwd
GEN=$(abspath "${GEN_MIXED:-$ROOT/../shared/bench/gen_mixed.py}")
DATA_DIR=bench/data
OUT_DIR=bench/out
BIN_DIR=bench/bin
INDEX=$OUT_DIR/run.tsv

# ---- options ----------------------------------------------------------------
ROWS_LIST=200000,1000000
RSS_ROWS=4000000
RUNS=""            # empty: 5 below 1M rows, 3 from 1M rows
RSS_RUNS=3         # prepline's peak RSS is the median of this many runs (a single peak varies by ~±5%)
THREADS=2
WORKLOADS=passthrough
RSS_TARGET_MB=64
SKIP_BUILD=0
# The Makefile's release flags (static runtime, no PIE: see its `release` target).
RELEASE_FLAGS=(--static-swift-stdlib -Xlinker -no-pie)
PREPLINE=""
KEEP_OUTPUTS=0

usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { printf 'run.sh: error: %s\n' "$*" >&2; exit 1; }
note() { printf 'run.sh: note: %s\n' "$*" >&2; }
info() { printf '==> %s\n' "$*" >&2; }
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

while (($#)); do
    case $1 in
        --rows) ROWS_LIST=${2:?--rows needs a value}; shift 2 ;;
        --rows=*) ROWS_LIST=${1#*=}; shift ;;
        --rss-rows) RSS_ROWS=${2:?--rss-rows needs a value}; shift 2 ;;
        --rss-rows=*) RSS_ROWS=${1#*=}; shift ;;
        --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
        --runs=*) RUNS=${1#*=}; shift ;;
        --rss-runs) RSS_RUNS=${2:?--rss-runs needs a value}; shift 2 ;;
        --rss-runs=*) RSS_RUNS=${1#*=}; shift ;;
        --threads) THREADS=${2:?--threads needs a value}; shift 2 ;;
        --threads=*) THREADS=${1#*=}; shift ;;
        --workloads) WORKLOADS=${2:?--workloads needs a value}; shift 2 ;;
        --workloads=*) WORKLOADS=${1#*=}; shift ;;
        --rss-target-mb) RSS_TARGET_MB=${2:?--rss-target-mb needs a value}; shift 2 ;;
        --rss-target-mb=*) RSS_TARGET_MB=${1#*=}; shift ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        --prepline) PREPLINE=$(abspath "${2:?--prepline needs a path}"); shift 2 ;;
        --prepline=*) PREPLINE=$(abspath "${1#*=}"); shift ;;
        --keep-outputs) KEEP_OUTPUTS=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done

IFS=, read -r -a SIZES <<<"$ROWS_LIST"
((${#SIZES[@]})) || die "--rows is empty"
for n in "${SIZES[@]}"; do is_uint "$n" && ((n > 0)) || die "--rows: '$n' is not a positive integer"; done
mapfile -t SIZES < <(printf '%s\n' "${SIZES[@]}" | sort -n -u) # smallest first: it gets the correctness checks
is_uint "$RSS_ROWS" || die "--rss-rows: '$RSS_ROWS' is not a non-negative integer"
[[ -z $RUNS ]] || { is_uint "$RUNS" && ((RUNS >= 1)); } || die "--runs: '$RUNS' is not a positive integer"
is_uint "$RSS_RUNS" && ((RSS_RUNS >= 1)) || die "--rss-runs: '$RSS_RUNS' is not a positive integer"
is_uint "$THREADS" && ((THREADS >= 1)) || die "--threads: '$THREADS' is not a positive integer"
is_uint "$RSS_TARGET_MB" || die "--rss-target-mb: '$RSS_TARGET_MB' is not an integer"
IFS=, read -r -a WORKLOAD_LIST <<<"$WORKLOADS" # checked against the workload_* functions below

# ---- prerequisites ------------------------------------------------------------
command -v hyperfine >/dev/null 2>&1 || die "hyperfine is missing: run bench/setup.sh"
command -v python3 >/dev/null 2>&1 || die "python3 is missing: run bench/setup.sh"
[[ -f $GEN ]] || die "data generator not found: $GEN (set GEN_MIXED=/path/to/gen_mixed.py)"
HAVE_TIME=1
[[ -x /usr/bin/time ]] || { HAVE_TIME=0; note "/usr/bin/time is missing: peak RSS will be n/a (run bench/setup.sh)"; }

have_py() { python3 -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('$1') is None)" 2>/dev/null; }
HAVE_POLARS=0; have_py polars && HAVE_POLARS=1 || note "python module polars is missing: skipping the Polars peer"
HAVE_DUCKDB=0; have_py duckdb && HAVE_DUCKDB=1 || note "python module duckdb is missing: skipping the DuckDB peer"
HAVE_MLR=0; command -v mlr >/dev/null 2>&1 && HAVE_MLR=1 || note "mlr (Miller) is missing: skipping the Miller peer"
HAVE_SKLEARN=0 # pandas + scikit-learn: only the tabular/full peers need them, so the note waits for those
have_py pandas && have_py sklearn && HAVE_SKLEARN=1

mkdir -p "$DATA_DIR" "$OUT_DIR" "$BIN_DIR"

# ---- the libcsv parse floor -----------------------------------------------------
FLOOR=""
PREPLINE_STATUS="" # why prepline is not measured, for the report
build_floor() {
    local bin=$BIN_DIR/floor
    if [[ -x $bin && $bin -nt bench/floor.c ]]; then FLOOR=$bin; return; fi
    command -v gcc >/dev/null 2>&1 || { note "gcc is missing: skipping the libcsv floor"; return; }
    info "building $bin (gcc -O2, libcsv)"
    if gcc -O2 -o "$bin" bench/floor.c -lcsv 2>"$OUT_DIR/floor-build.log"; then
        FLOOR=$bin
    else
        note "floor.c did not build (libcsv-dev missing? see $OUT_DIR/floor-build.log): skipping the libcsv floor"
    fi
}

# ---- prepline release build -------------------------------------------------------
build_prepline() {
    if [[ -n $PREPLINE ]]; then
        [[ -x $PREPLINE ]] || die "--prepline $PREPLINE is not an executable"
        snapshot_prepline "$PREPLINE"
        return
    fi
    if ! command -v swift >/dev/null 2>&1; then
        note "swift is not on PATH: skipping prepline"
        PREPLINE_STATUS="not measured: swift not on PATH"
        return
    fi
    if ((SKIP_BUILD == 0)); then
        info "building prepline (swift build -c release ${RELEASE_FLAGS[*]}; log: $OUT_DIR/build.log)"
        if ! swift build -c release "${RELEASE_FLAGS[@]}" >"$OUT_DIR/build.log" 2>&1; then
            note "swift build -c release ${RELEASE_FLAGS[*]} failed; last lines of $OUT_DIR/build.log:"
            tail -n 15 "$OUT_DIR/build.log" | sed 's/^/    /' >&2
            note "skipping prepline (peers and floor still run)"
            PREPLINE_STATUS="not measured: swift build -c release ${RELEASE_FLAGS[*]} failed (see $OUT_DIR/build.log)"
            return
        fi
    fi
    local bin_dir
    bin_dir=$(swift build -c release "${RELEASE_FLAGS[@]}" --show-bin-path 2>/dev/null) || true
    if [[ -n $bin_dir && -x $bin_dir/prepline ]]; then
        snapshot_prepline "$bin_dir/prepline"
    else
        note "no prepline binary at ${bin_dir:-<swift build --show-bin-path failed>}/prepline: skipping prepline"
        PREPLINE_STATUS="not measured: no binary at ${bin_dir:-?}/prepline"
    fi
}

# The engine is rebuilt in this tree while we measure: time a private copy
# (bench/bin/prepline) so every command of a run uses the same binary. The
# Swift runtime is found through the binary's absolute RUNPATH.
PREPLINE_SOURCE=""
snapshot_prepline() { # PATH
    PREPLINE_SOURCE=$1
    cp "$1" "$BIN_DIR/prepline.tmp" && mv -f "$BIN_DIR/prepline.tmp" "$BIN_DIR/prepline"
    PREPLINE=$BIN_DIR/prepline
}

# ---- data -------------------------------------------------------------------------
data_file() { printf '%s/mixed_%s.csv' "$DATA_DIR" "$1"; }

ensure_data() { # ROWS
    local rows=$1 f
    f=$(data_file "$rows")
    [[ -s $f ]] && return
    # gen_mixed.py runs at roughly 60k rows/s (~16 s and 270 MB per million rows).
    info "generating $f ($rows rows, ~$((rows * 270 / 1000000)) MB, ~$((rows / 60000 + 1)) s)"
    local t0=$SECONDS
    python3 "$GEN" "$rows" >"$f.tmp" || { rm -f "$f.tmp"; die "gen_mixed.py failed for $rows rows"; }
    mv "$f.tmp" "$f" # never leave a partial file that looks complete
    info "generated $f in $((SECONDS - t0)) s ($(du -h "$f" | cut -f1))"
}

file_bytes() { stat -L -c %s "$1"; }
# Benchmarked commands write their CSV outputs to bench/out/*.csv (up to ~1 GB each).
clean_outputs() { rm -f "$OUT_DIR"/*.csv; }

# ---- command registry ---------------------------------------------------------------
# A workload function registers the commands to time for one data size with
# add_cmd KEY NAME COMMAND. KEY is a stable identifier the report uses for
# ratios (prepline, prepline_t1, polars, duckdb, mlr, floor, ...); NAME is the
# label shown in the table; COMMAND is run by a shell from the repo root.
CMD_KEYS=(); CMD_NAMES=(); CMD_LINES=()
add_cmd() { CMD_KEYS+=("$1"); CMD_NAMES+=("$2"); CMD_LINES+=("$3"); }
reset_cmds() { CMD_KEYS=(); CMD_NAMES=(); CMD_LINES=(); }

q() { printf '%q' "$1"; }
# prepline on --threads $THREADS (key prepline) and, unless that is 1, on one thread (key
# prepline_t1), for the speed-up line of the report.
add_prepline_pair() { # LABEL COMMAND COMMAND_FOR_1_THREAD (both without --threads)
    add_cmd prepline "$1 ($(thread_label "$THREADS"))" "$2 --threads $THREADS"
    ((THREADS == 1)) || add_cmd prepline_t1 "$1 (1 thread)" "$3 --threads 1"
}
thread_label() { (($1 == 1)) && echo "1 thread" || echo "$1 threads"; }

# Workload "passthrough": read the CSV and write it back unchanged.
workload_passthrough() { # ROWS DATA
    local rows=$1 data=$2 spec=bench/specs/passthrough.json
    if [[ -n $PREPLINE ]]; then
        add_cmd prepline "prepline ($(thread_label "$THREADS"))" \
            "$(q "$PREPLINE") run $spec $(q "$data") -o $OUT_DIR/prepline.csv -q --threads $THREADS"
        # Parse throughput: validate parses and checks every record and writes nothing. With
        # --parser libcsv it is DESIGN's parse floor (libcsv on parallel chunks).
        add_cmd prepline_parse "prepline validate, parse only ($(thread_label "$THREADS"))" \
            "$(q "$PREPLINE") validate $spec $(q "$data") -q --threads $THREADS"
        add_cmd prepline_parse_libcsv "prepline validate --parser libcsv, parse only ($(thread_label "$THREADS"))" \
            "$(q "$PREPLINE") validate $spec $(q "$data") -q --threads $THREADS --parser libcsv"
        if ((THREADS != 1)); then
            add_cmd prepline_t1 "prepline (1 thread)" \
                "$(q "$PREPLINE") run $spec $(q "$data") -o $OUT_DIR/prepline_t1.csv -q --threads 1"
        fi
    fi
    ((HAVE_POLARS)) && add_cmd polars "Polars read+write" \
        "python3 bench/peers/polars_passthrough.py $(q "$data") $OUT_DIR/polars.csv --threads $THREADS"
    ((HAVE_DUCKDB)) && add_cmd duckdb "DuckDB COPY" \
        "python3 bench/peers/duckdb_passthrough.py $(q "$data") $OUT_DIR/duckdb.csv --threads $THREADS"
    ((HAVE_MLR)) && add_cmd mlr "mlr --csv cat" \
        "GOMAXPROCS=$THREADS mlr --csv cat $(q "$data") > $OUT_DIR/mlr.csv"
    [[ -n $FLOOR ]] && add_cmd floor "libcsv floor (1 thread)" "$FLOOR $(q "$data")"
    return 0
}

# Checks run once, on the smallest size, after the timings.
check_passthrough() { # ROWS DATA
    local rows=$1 data=$2 out=$OUT_DIR/prepline.csv
    if [[ -z $PREPLINE || ! -f $out ]]; then
        add_check "$rows" note "correctness checks skipped: no prepline output"
        return 0
    fi
    local files=("$data" "$out")
    [[ -f $OUT_DIR/prepline_t1.csv ]] && files+=("$OUT_DIR/prepline_t1.csv")
    local counts want got
    counts=$(python3 bench/csv_records.py "${files[@]}") || { add_check "$rows" warn "could not count records"; return 0; }
    want=$(sed -n 1p <<<"$counts" | cut -f1)
    while IFS=$'\t' read -r got f; do
        [[ $f == "$data" ]] && continue
        if [[ $got == "$want" ]]; then
            add_check "$rows" ok "$f has $got CSV records, as the input"
        else
            add_check "$rows" WARNING "$f has $got CSV records, the input has $want"
        fi
    done <<<"$counts"
    if [[ -f $OUT_DIR/prepline_t1.csv ]]; then
        if cmp -s "$out" "$OUT_DIR/prepline_t1.csv"; then
            add_check "$rows" ok "output with --threads $THREADS is byte-identical to --threads 1"
        else
            add_check "$rows" WARNING "output with --threads $THREADS differs from --threads 1 (DESIGN: must be byte-identical)"
        fi
    fi
    if cmp -s "$out" "$data"; then
        add_check "$rows" ok "pass-through output is byte-identical to the input"
    else
        add_check "$rows" note "pass-through output differs from the input bytes (quoting/line endings may legitimately differ)"
    fi
}

# Workload "tabular" (DESIGN.md "Performance targets", issue 3): age, income:
# fill mean + z-score; score: min-max; city: fill "unknown" + one-hot; device:
# one-hot; the rest passed through. bench/specs/tabular.json; each peer does
# the same work, fit included, and writes the same columns (checked below).
workload_tabular() { # ROWS DATA
    local rows=$1 data=$2 spec=bench/specs/tabular.json
    [[ -z $PREPLINE ]] || add_prepline_pair "prepline" \
        "$(q "$PREPLINE") run $spec $(q "$data") -o $OUT_DIR/tabular_prepline.csv -q" \
        "$(q "$PREPLINE") run $spec $(q "$data") -o $OUT_DIR/tabular_prepline_t1.csv -q"
    # Two Polars versions, as fast as each other here (within noise): the report
    # holds prepline to the faster of the two in each run.
    if ((HAVE_POLARS)); then
        add_cmd polars "Polars lazy (scan, sink_csv)" \
            "python3 bench/peers/polars_tabular.py $(q "$data") $OUT_DIR/tabular_polars.csv --threads $THREADS"
        add_cmd polars_eager "Polars eager (to_dummies)" \
            "python3 bench/peers/polars_tabular.py $(q "$data") $OUT_DIR/tabular_polars_eager.csv --threads $THREADS --eager"
    fi
    ((HAVE_DUCKDB)) && add_cmd duckdb "DuckDB SQL" \
        "python3 bench/peers/duckdb_tabular.py $(q "$data") $OUT_DIR/tabular_duckdb.csv --threads $THREADS"
    if ((HAVE_SKLEARN)); then
        add_cmd pandas_sklearn "pandas + scikit-learn" \
            "python3 bench/peers/pandas_sklearn_tabular.py $(q "$data") $OUT_DIR/tabular_pandas_sklearn.csv --threads $THREADS"
    else
        note "python modules pandas and scikit-learn are missing: skipping the pandas + scikit-learn peer"
    fi
    return 0
}

# On the smallest size: every output against the pandas + scikit-learn one
# (the reference DESIGN.md names), cell by cell by column name, numbers within
# 1e-9 relative (bench/check_tabular.py); and prepline's --threads T output
# byte-identical to --threads 1.
check_tabular() { # ROWS DATA
    local rows=$1 ref=$OUT_DIR/tabular_pandas_sklearn.csv ref_name="pandas + scikit-learn" key out
    if [[ ! -f $ref ]]; then
        ref=$OUT_DIR/tabular_polars.csv ref_name=Polars
        [[ -f $ref ]] || { add_check "$rows" note "tabular: no pandas + scikit-learn or Polars output to compare against"; return 0; }
    fi
    for key in prepline polars polars_eager duckdb; do
        out=$OUT_DIR/tabular_$key.csv
        [[ $out != "$ref" ]] || continue
        if [[ ! -f $out ]]; then
            [[ $key == prepline ]] && add_check "$rows" note "tabular: no prepline output (not measured or failed): nothing to compare"
            continue
        fi
        check_agrees "$rows" tabular "$key" "$out" "$ref" "$ref_name"
    done
    check_threads_identical "$rows" tabular
}

# prepline's WORKLOAD output with --threads T against --threads 1: byte-identical.
check_threads_identical() { # ROWS WORKLOAD
    local rows=$1 w=$2
    [[ -f $OUT_DIR/${w}_prepline.csv && -f $OUT_DIR/${w}_prepline_t1.csv ]] || return 0
    if cmp -s "$OUT_DIR/${w}_prepline.csv" "$OUT_DIR/${w}_prepline_t1.csv"; then
        add_check "$rows" ok "$w: output with --threads $THREADS is byte-identical to --threads 1"
    else
        add_check "$rows" WARNING "$w: output with --threads $THREADS differs from --threads 1 (DESIGN: must be byte-identical)"
    fi
}

# One output against the reference, cell by cell by column name (bench/check_tabular.py).
check_agrees() { # ROWS WORKLOAD KEY OUT REF REF_NAME
    local rows=$1 w=$2 key=$3 out=$4 ref=$5 ref_name=$6 log verdict
    log=$OUT_DIR/${w}_${rows}.check_$key.log
    if python3 bench/check_tabular.py "$out" "$ref" >"$log" 2>&1; then
        add_check "$rows" ok "$w: $key output agrees with $ref_name ($(tail -n 1 "$log" | sed 's/^AGREE: [^:]*: //'))"
    else
        verdict=$(grep -m 1 '^  x ' "$log" | sed 's/^  x //')
        add_check "$rows" WARNING "$w: $key output differs from $ref_name: ${verdict:-see $log} (all differences: $log)"
    fi
}

# Workload "full" (DESIGN.md "Performance targets", issue 4): the tabular work
# plus review: tokenize (lowercase, english stop words) + tfidf (min_df 2,
# max_features 64, dense). bench/specs/full.json. Peers: Polars (tabular) +
# scikit-learn's TfidfVectorizer, and pandas + scikit-learn.
workload_full() { # ROWS DATA
    local rows=$1 data=$2 spec=bench/specs/full.json
    [[ -z $PREPLINE ]] || add_prepline_pair "prepline" \
        "$(q "$PREPLINE") run $spec $(q "$data") -o $OUT_DIR/full_prepline.csv -q" \
        "$(q "$PREPLINE") run $spec $(q "$data") -o $OUT_DIR/full_prepline_t1.csv -q"
    ((HAVE_POLARS && HAVE_SKLEARN)) && add_cmd polars_sklearn "Polars + TfidfVectorizer" \
        "python3 bench/peers/polars_sklearn_full.py $(q "$data") $OUT_DIR/full_polars_sklearn.csv --threads $THREADS"
    if ((HAVE_SKLEARN)); then
        add_cmd pandas_sklearn "pandas + scikit-learn" \
            "python3 bench/peers/pandas_sklearn_full.py $(q "$data") $OUT_DIR/full_pandas_sklearn.csv --threads $THREADS"
    else
        note "python modules pandas and scikit-learn are missing: skipping the scikit-learn peers"
    fi
    return 0
}

# Workload "clean" (issue 15): the typical text clean (lowercase, remove_punctuation,
# collapse_whitespace, trim) before TF-IDF, against the same TF-IDF alone
# (bench/specs/clean_tfidf_only.json): clean + tfidf must take at most 1.3x the
# time of tfidf alone. Both are prepline; no peer.
workload_clean() { # ROWS DATA
    local rows=$1 data=$2 spec=bench/specs/clean.json
    [[ -z $PREPLINE ]] || {
        add_prepline_pair "prepline" \
            "$(q "$PREPLINE") run $spec $(q "$data") -o $OUT_DIR/clean_prepline.csv -q" \
            "$(q "$PREPLINE") run $spec $(q "$data") -o $OUT_DIR/clean_prepline_t1.csv -q"
        add_cmd prepline_tfidf_only "prepline tfidf alone ($THREADS threads)" \
            "$(q "$PREPLINE") run bench/specs/clean_tfidf_only.json $(q "$data") -o $OUT_DIR/clean_tfidf_only.csv -q --threads $THREADS"
    }
    return 0
}

# Workload "validate" (issue 5): check every row against a Table Schema covering
# all 9 columns (bench/specs/validate.schema.json: types, required, bounds,
# pattern, enum, lengths, a primary key) plus dataset checks, against
# `frictionless validate` with the same schema. frictionless reads about 60k
# rows/s here, so it is timed only up to FRICTIONLESS_MAX_ROWS rows (default
# 200000); the report scales nothing, it compares sizes where both ran.
FRICTIONLESS_MAX_ROWS=${FRICTIONLESS_MAX_ROWS:-200000}
HAVE_FRICTIONLESS=0; command -v frictionless >/dev/null 2>&1 && HAVE_FRICTIONLESS=1
workload_validate() { # ROWS DATA
    local rows=$1 data=$2 spec=bench/specs/validate.json
    [[ -z $PREPLINE ]] || add_prepline_pair "prepline validate" \
        "$(q "$PREPLINE") validate $spec $(q "$data") -q --report json:$OUT_DIR/validate_prepline.json" \
        "$(q "$PREPLINE") validate $spec $(q "$data") -q"
    if ((HAVE_FRICTIONLESS == 0)); then
        note "frictionless is missing (pip install frictionless): skipping the frictionless peer"
    elif ((rows <= FRICTIONLESS_MAX_ROWS)); then
        add_cmd frictionless "frictionless validate" \
            "frictionless validate $(q "$data") --schema bench/specs/validate.schema.json --json > $OUT_DIR/validate_frictionless.json"
    else
        note "frictionless is not timed at $rows rows (> FRICTIONLESS_MAX_ROWS=$FRICTIONLESS_MAX_ROWS)"
    fi
    return 0
}

# On the smallest size: prepline's and Polars' outputs against pandas +
# scikit-learn's, cell by cell (bench/check_tabular.py), and --threads T
# byte-identical to --threads 1.
check_full() { # ROWS DATA
    local rows=$1 ref=$OUT_DIR/full_pandas_sklearn.csv key out
    [[ -f $ref ]] || { add_check "$rows" note "full: no pandas + scikit-learn output to compare against"; return 0; }
    for key in prepline polars_sklearn; do
        out=$OUT_DIR/full_$key.csv
        [[ -f $out ]] && check_agrees "$rows" full "$key" "$out" "$ref" "pandas + scikit-learn"
    done
    check_threads_identical "$rows" full
}

# Both must reach the same verdict on the generated data (valid), with no errors.
check_validate() { # ROWS DATA
    local rows=$1 p=$OUT_DIR/validate_prepline.json f=$OUT_DIR/validate_frictionless.json msg
    if [[ ! -f $p || ! -f $f ]]; then
        add_check "$rows" note "validate: no prepline or frictionless report to compare"
        return 0
    fi
    if msg=$(python3 - "$p" "$f" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); f = json.load(open(sys.argv[2]))
t = f["tasks"][0]
ok = p["valid"] == f["valid"] and p["stats"]["errors"] == t["stats"]["errors"] and p["stats"]["rows"] == t["stats"]["rows"]
print(f"prepline valid={p['valid']} errors={p['stats']['errors']} rows={p['stats']['rows']}; "
      f"frictionless valid={f['valid']} errors={t['stats']['errors']} rows={t['stats']['rows']}")
sys.exit(0 if ok else 1)
PY
    ); then
        add_check "$rows" ok "validate: same verdict as frictionless ($msg)"
    else
        add_check "$rows" WARNING "validate: verdicts differ ($msg)"
    fi
}

# Workload "shaped" (issue 14): the tabular spec with a rename and a select added
# (bench/specs/shaped.json), against the tabular spec itself in the same session: the
# shaping stages only change the column list, so the ratio must stay within 5%.
workload_shaped() { # ROWS DATA
    local rows=$1 data=$2
    [[ -n $PREPLINE ]] || return 0
    add_prepline_pair "prepline shaped" \
        "$(q "$PREPLINE") run bench/specs/shaped.json $(q "$data") -o $OUT_DIR/shaped_prepline.csv -q" \
        "$(q "$PREPLINE") run bench/specs/shaped.json $(q "$data") -o $OUT_DIR/shaped_prepline_t1.csv -q"
    add_cmd tabular "prepline tabular ($(thread_label "$THREADS"))" \
        "$(q "$PREPLINE") run bench/specs/tabular.json $(q "$data") -o $OUT_DIR/shaped_tabular.csv -q --threads $THREADS"
    return 0
}

# Workload "hashtfidf" (issue 15): review through tfidf with hash_features 2^20
# (bench/specs/hashtfidf.json: HashingVectorizer + TfidfTransformer, sparse
# index:weight output), against scikit-learn's own pair; prepline's vocabulary
# tfidf on the same column (bench/specs/hashtfidf_vocabulary.json, sparse, every
# term) is timed too, for the memory comparison. The peer prints the seconds spent
# in scikit-learn alone (sklearn_seconds= in its log).
workload_hashtfidf() { # ROWS DATA
    local rows=$1 data=$2 spec=bench/specs/hashtfidf.json
    if [[ -n $PREPLINE ]]; then
        add_prepline_pair "prepline hash_features" \
            "$(q "$PREPLINE") run $spec $(q "$data") -o $OUT_DIR/hashtfidf_prepline.csv -q" \
            "$(q "$PREPLINE") run $spec $(q "$data") -o $OUT_DIR/hashtfidf_prepline_t1.csv -q"
        add_cmd prepline_vocabulary "prepline vocabulary tfidf ($(thread_label "$THREADS"))" \
            "$(q "$PREPLINE") run bench/specs/hashtfidf_vocabulary.json $(q "$data") -o $OUT_DIR/hashtfidf_vocabulary.csv -q --threads $THREADS"
    fi
    if ((HAVE_SKLEARN)); then
        add_cmd sklearn_hashing "pandas + HashingVectorizer + TfidfTransformer" \
            "python3 bench/peers/sklearn_hashtfidf.py $(q "$data") $OUT_DIR/hashtfidf_sklearn.csv --threads $THREADS"
    else
        note "python modules pandas and scikit-learn are missing: skipping the scikit-learn peer"
    fi
    return 0
}

# On the smallest size: prepline's review column against scikit-learn's, pair by pair
# (the conformance comparator), and --threads T byte-identical to --threads 1.
check_hashtfidf() { # ROWS DATA
    local rows=$1 ref=$OUT_DIR/hashtfidf_sklearn.csv out=$OUT_DIR/hashtfidf_prepline.csv msg
    if [[ -f $ref && -f $out ]]; then
        if msg=$(python3 - "$out" "$ref" <<'PY'
import csv, sys
sys.path.insert(0, "Tests/Conformance")
from compare_csv import cells_equal
def review(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return [r[rows[0].index("review")] for r in rows[1:]]
p, s = review(sys.argv[1]), review(sys.argv[2])
bad = sum(not cells_equal(b, a) for a, b in zip(p, s))
print(f"{len(p)} rows, {bad} review cells differ")
sys.exit(0 if len(p) == len(s) and bad == 0 else 1)
PY
        ); then add_check "$rows" ok "hashtfidf: review agrees with scikit-learn ($msg)"; else add_check "$rows" WARNING "hashtfidf: review differs from scikit-learn ($msg)"; fi
    else
        add_check "$rows" note "hashtfidf: no scikit-learn or prepline output to compare"
    fi
    check_threads_identical "$rows" hashtfidf
}

# Workload "split" (issue 16): a seeded 80/20 train/test split of the whole file. prepline
# split (--seed 42: scikit-learn's rows; two passes) against pandas read_csv +
# train_test_split + to_csv (bench/peers/pandas_split.py, the same test rows), and against
# `mlr split -n`, Miller's closest verb: it cuts by position (the first 80% of the records in
# one file, the rest in another), which is prepline's `--no-shuffle`, timed too. prepline's
# one-pass `--by-key id` is shown beside them (no peer has it).
workload_split() { # ROWS DATA
    local rows=$1 data=$2 train_rows=$(($1 - ($1 + 4) / 5))
    [[ -z $PREPLINE ]] || {
        add_prepline_pair "prepline split --seed 42" \
            "$(q "$PREPLINE") split $(q "$data") --test-size 0.2 --seed 42 --train $OUT_DIR/split_train.csv --test $OUT_DIR/split_test.csv -q" \
            "$(q "$PREPLINE") split $(q "$data") --test-size 0.2 --seed 42 --train $OUT_DIR/split_train_t1.csv --test $OUT_DIR/split_test_t1.csv -q"
        add_cmd prepline_noshuffle "prepline split --no-shuffle ($(thread_label "$THREADS"))" \
            "$(q "$PREPLINE") split $(q "$data") --test-size 0.2 --no-shuffle --train $OUT_DIR/split_ns_train.csv --test $OUT_DIR/split_ns_test.csv -q --threads $THREADS"
        add_cmd prepline_bykey "prepline split --by-key id ($(thread_label "$THREADS"))" \
            "$(q "$PREPLINE") split $(q "$data") --by-key id --test-size 0.2 --train $OUT_DIR/split_key_train.csv --test $OUT_DIR/split_key_test.csv -q --threads $THREADS"
    }
    ((HAVE_SKLEARN)) && add_cmd pandas_split "pandas + train_test_split" \
        "python3 bench/peers/pandas_split.py $(q "$data") $OUT_DIR/split_pandas_train.csv $OUT_DIR/split_pandas_test.csv --threads $THREADS"
    ((HAVE_MLR)) && add_cmd mlr_split "mlr split -n $train_rows (by position)" \
        "GOMAXPROCS=$THREADS mlr --csv split -n $train_rows --prefix $OUT_DIR/split_mlr $(q "$data")"
    return 0
}

# On the smallest size: prepline's test rows are pandas + train_test_split's (as sets of ids),
# and the --no-shuffle parts are mlr split -n's, byte for byte.
check_split() { # ROWS DATA
    local rows=$1
    if [[ -f $OUT_DIR/split_test.csv && -f $OUT_DIR/split_pandas_test.csv ]]; then
        if python3 -c '
import csv, sys
ids = lambda p: sorted(r[0] for r in list(csv.reader(open(p, newline="")))[1:])
sys.exit(ids(sys.argv[1]) != ids(sys.argv[2]))' "$OUT_DIR/split_test.csv" "$OUT_DIR/split_pandas_test.csv"; then
            add_check "$rows" ok "split: prepline's test rows are train_test_split's (random_state=42)"
        else
            add_check "$rows" WARNING "split: prepline's test rows differ from train_test_split's (random_state=42)"
        fi
    fi
    if [[ -f $OUT_DIR/split_ns_train.csv && -f $OUT_DIR/split_mlr_1.csv ]]; then
        if cmp -s "$OUT_DIR/split_ns_train.csv" "$OUT_DIR/split_mlr_1.csv" && cmp -s "$OUT_DIR/split_ns_test.csv" "$OUT_DIR/split_mlr_2.csv"; then
            add_check "$rows" ok "split: --no-shuffle parts are byte-identical to mlr split -n's"
        else
            add_check "$rows" note "split: --no-shuffle parts differ in bytes from mlr split -n's"
        fi
    fi
    [[ -f $OUT_DIR/split_train_t1.csv ]] && { cmp -s "$OUT_DIR/split_train.csv" "$OUT_DIR/split_train_t1.csv" && cmp -s "$OUT_DIR/split_test.csv" "$OUT_DIR/split_test_t1.csv" \
        && add_check "$rows" ok "split: --threads $THREADS parts are byte-identical to --threads 1" \
        || add_check "$rows" WARNING "split: --threads $THREADS parts differ from --threads 1"; }
    return 0
}

# Workload "profile": prepline profile (JSON) vs Polars computing a subset of the same
# figures (describe, null counts, n_unique, five quantiles) and ydata-profiling's minimal
# report, the latter only when its venv exists (YDATA_PYTHON, default /work/venv-ydata:
# it needs its own pandas and is never installed into the main Python).
YDATA_PYTHON=${YDATA_PYTHON:-/work/venv-ydata/bin/python}
YDATA_MAX_ROWS=${YDATA_MAX_ROWS:-1000000}
workload_profile() { # ROWS DATA
    local rows=$1 data=$2 spec=bench/specs/profile.json
    [[ -z $PREPLINE ]] || add_prepline_pair "prepline profile" \
        "$(q "$PREPLINE") profile $(q "$data") --spec $spec -q --json $OUT_DIR/profile_prepline.json" \
        "$(q "$PREPLINE") profile $(q "$data") --spec $spec -q --json $OUT_DIR/profile_prepline_t1.json"
    if have_py polars; then
        add_cmd polars "Polars describe + n_unique + quantiles" \
            "python3 bench/peers/polars_profile.py $(q "$data") $OUT_DIR/profile_polars.json --threads $THREADS"
    else
        note "polars is missing: skipping the Polars profile peer"
    fi
    if [[ ! -x $YDATA_PYTHON ]]; then
        note "no ydata-profiling venv at $YDATA_PYTHON: skipping the ydata-profiling peer"
    elif ((rows <= YDATA_MAX_ROWS)); then
        add_cmd ydata "ydata-profiling minimal" \
            "$(q "$YDATA_PYTHON") bench/peers/ydata_profile.py $(q "$data") $OUT_DIR/profile_ydata.json --threads $THREADS"
    fi
    return 0
}

# A further workload: add workload_NAME ROWS DATA (register commands with
# add_cmd), optionally check_NAME, a summary in bench/report.py's SUMMARIES, and
# select it with --workloads. A workload with a spec bench/specs/NAME.json also
# gets the --rss-rows run of prepline.

for w in "${WORKLOAD_LIST[@]}"; do
    declare -F "workload_$w" >/dev/null || die "unknown workload '$w' (known: $(declare -F | awk '/ workload_/{sub("workload_","",$3); printf "%s ", $3}'))"
done

# ---- index for report.py ---------------------------------------------------------------
index() { local IFS=$'\t'; printf '%s\n' "$*" >>"$INDEX"; }
add_check() { # ROWS LEVEL MESSAGE
    index check "$1" "$2" "$3"
    printf '    [%s] %s\n' "$2" "$3" >&2
}

# Run one command once under /usr/bin/time: sets RUN_WALL and RUN_RSS_KB.
# Returns the command's status; its output goes to LOG.
measure_once() { # COMMAND LOG
    local cmd=$1 log=$2 tf=$OUT_DIR/.time.$$ status=0
    RUN_WALL=""; RUN_RSS_KB=""
    if ((HAVE_TIME)); then
        /usr/bin/time -f '%e %M' -o "$tf" bash -c "$cmd" >"$log" 2>&1 || status=$?
        if ((status == 0)) && [[ -s $tf ]]; then read -r RUN_WALL RUN_RSS_KB < <(tail -n 1 "$tf"); fi
        rm -f "$tf"
    else
        local t0; t0=$(date +%s.%N)
        bash -c "$cmd" >"$log" 2>&1 || status=$?
        RUN_WALL=$(python3 -c "import sys; print(round($(date +%s.%N) - $t0, 2))")
    fi
    return "$status"
}

# Run a command RUNS times under /usr/bin/time: sets RUN_WALL and RUN_RSS_KB to the medians
# and RUN_RSS_ALL to every peak (KB, in run order). Returns the first failing status.
measure_median() { # RUNS COMMAND LOG
    local runs=$1 cmd=$2 log=$3 k walls=() peaks=()
    for ((k = 0; k < runs; k++)); do
        measure_once "$cmd" "$log" || return
        walls+=("$RUN_WALL"); peaks+=("$RUN_RSS_KB")
    done
    RUN_RSS_ALL="${peaks[*]}"
    RUN_WALL=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
    [[ -n ${peaks[0]} ]] && RUN_RSS_KB=$(printf '%s\n' "${peaks[@]}" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : int((v[NR/2]+v[NR/2+1])/2)}')
    return 0
}

runs_for() { # ROWS
    if [[ -n $RUNS ]]; then echo "$RUNS"; elif (($1 >= 1000000)); then echo 3; else echo 5; fi
}

run_section() { # WORKLOAD ROWS CHECK(0/1)
    local w=$1 rows=$2 do_check=$3 data tag
    data=$(data_file "$rows")
    tag=${w}_${rows}
    clean_outputs # no stale output from an earlier run can pass a check
    reset_cmds
    "workload_$w" "$rows" "$data"
    if ((${#CMD_KEYS[@]} == 0)); then note "$w @ $rows rows: no command to run"; return; fi

    info "$w @ $rows rows: peak RSS (prepline: median of $RSS_RUNS runs, peers: 1 run; a failing command is dropped)"
    local manifest=$OUT_DIR/$tag.tsv i keep=() n
    : >"$manifest"
    for i in "${!CMD_KEYS[@]}"; do
        local log=$OUT_DIR/$tag.${CMD_KEYS[$i]}.log
        n=1; [[ ${CMD_KEYS[$i]} == prepline* ]] && n=$RSS_RUNS
        RUN_RSS_ALL=""
        if measure_median "$n" "${CMD_LINES[$i]}" "$log"; then
            printf '    %-26s %6s s  %8s KB%s\n' "${CMD_NAMES[$i]}" "${RUN_WALL:-?}" "${RUN_RSS_KB:-n/a}" \
                "$( ((n > 1)) && printf ' (median of %s)' "${RUN_RSS_ALL// /, }")" >&2
            printf '%s\t%s\t%s\t%s\n' "${CMD_KEYS[$i]}" "${CMD_NAMES[$i]}" "${CMD_LINES[$i]}" "${RUN_RSS_KB:-}" >>"$manifest"
            keep+=("$i")
        else
            note "'${CMD_NAMES[$i]}' failed (exit $?); skipping it. Last lines of $log:"
            tail -n 5 "$log" | sed 's/^/    /' >&2
            index check "$rows" WARNING "${CMD_NAMES[$i]} failed on $data; not timed (see $log)"
        fi
    done
    ((${#keep[@]})) || { note "$w @ $rows rows: every command failed"; return; }

    local runs json=$OUT_DIR/$tag.json args=()
    runs=$(runs_for "$rows")
    for i in "${keep[@]}"; do args+=(--command-name "${CMD_NAMES[$i]}" "${CMD_LINES[$i]}"); done
    info "$w @ $rows rows: hyperfine --warmup 1 --runs $runs (${#keep[@]} commands)"
    if ! hyperfine --warmup 1 --runs "$runs" --export-json "$json" "${args[@]}" >&2; then
        note "hyperfine failed for $w @ $rows rows; no timings for this size"
        index check "$rows" WARNING "hyperfine failed for $w; no timings"
        return
    fi
    index section "$w" "$rows" "$data" "$(file_bytes "$data")" "$manifest" "$json"

    if ((do_check)) && declare -F "check_$w" >/dev/null; then
        info "$w @ $rows rows: correctness checks"
        "check_$w" "$rows" "$data"
    fi
}

# ---- run ----------------------------------------------------------------------------------
: >"$INDEX"
build_floor
build_prepline
[[ -n $PREPLINE ]] && info "prepline: $PREPLINE (copy of $PREPLINE_SOURCE)"

index meta root "$ROOT" # report.py resolves the relative paths below against it
index meta date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
index meta host "$(uname -srm), $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null)"
read -r LOAD1 _ </proc/loadavg 2>/dev/null || LOAD1=?
index meta load "1-min load average at start: $LOAD1 (other work on the machine skews timings)"
[[ $LOAD1 == "?" ]] || awk -v l="$LOAD1" 'BEGIN { exit !(l >= 1.0) }' \
    && note "1-min load average is $LOAD1: other work on the machine will skew the timings"
index meta threads "$THREADS"
index meta rss_target_mb "$RSS_TARGET_MB"
index meta rss_runs "$RSS_RUNS"
if [[ -n $PREPLINE ]]; then
    index meta prepline "$PREPLINE_SOURCE ($(date -u -r "$PREPLINE_SOURCE" +%Y-%m-%dT%H:%M:%SZ), sha256 $(sha256sum "$PREPLINE" | cut -c1-12)), timed as $PREPLINE"
else
    index meta prepline "$PREPLINE_STATUS"
fi
# read-only git: --no-optional-locks keeps `status` from refreshing the index
index meta git "$(git -C "$ROOT" rev-parse --short --verify -q HEAD 2>/dev/null || echo 'no commit')$(git -C "$ROOT" --no-optional-locks status --porcelain 2>/dev/null | grep -q . && echo ' (dirty tree)')"
tools=("hyperfine $(hyperfine --version | awk '{print $2}')")
((HAVE_MLR)) && tools+=("mlr $(mlr --version | awk '{print $2}')")
tools+=("$(python3 -c '
import importlib.metadata as m, platform
out = ["python " + platform.python_version()]
for p in ("polars", "duckdb", "pandas", "scikit-learn"):
    try: out.append(p + " " + m.version(p))
    except Exception: pass
print(", ".join(out))')")
command -v gcc >/dev/null 2>&1 && tools+=("$(gcc --version | head -n 1)")
command -v swift >/dev/null 2>&1 && tools+=("$(swift --version 2>/dev/null | head -n 1)")
index meta tools "$(IFS=';'; echo "${tools[*]}" | sed 's/;/; /g')"

for rows in "${SIZES[@]}"; do ensure_data "$rows"; done
first=1
for rows in "${SIZES[@]}"; do
    for w in "${WORKLOAD_LIST[@]}"; do run_section "$w" "$rows" "$first"; done
    first=0
done

# Memory at a larger size: prepline only, --rss-runs runs per selected workload that
# has a spec (RSS must not grow with rows).
if ((RSS_ROWS > 0)); then
    if [[ -z $PREPLINE ]]; then
        note "--rss-rows $RSS_ROWS: prepline is not available, skipping the large-file RSS run"
    elif ((HAVE_TIME == 0)); then
        note "--rss-rows $RSS_ROWS: /usr/bin/time is missing, skipping the large-file RSS run"
    else
        ensure_data "$RSS_ROWS"
        data=$(data_file "$RSS_ROWS")
        for w in "${WORKLOAD_LIST[@]}"; do
            spec=bench/specs/$w.json
            [[ -f $spec ]] || continue
            cmd="$(q "$PREPLINE") run $spec $(q "$data") -o $OUT_DIR/prepline_rss.csv -q --threads $THREADS"
            [[ $w == validate ]] && cmd="$(q "$PREPLINE") validate $spec $(q "$data") -q --threads $THREADS"
            [[ $w == profile ]] && cmd="$(q "$PREPLINE") profile $(q "$data") --spec $spec -q --threads $THREADS --json $OUT_DIR/profile_rss.json"
            log=$OUT_DIR/rss_${w}_$RSS_ROWS.log
            info "prepline $w @ $RSS_ROWS rows: $RSS_RUNS runs for peak RSS and time (medians)"
            if measure_median "$RSS_RUNS" "$cmd" "$log"; then
                printf '    %s s, %s KB (median of %s)\n' "$RUN_WALL" "$RUN_RSS_KB" "${RUN_RSS_ALL// /, }" >&2
                index rss "$RSS_ROWS" "$data" "$(file_bytes "$data")" prepline "prepline ($(thread_label "$THREADS"))" "$RUN_WALL" "$RUN_RSS_KB" "$cmd" "$w"
            else
                note "prepline $w failed at $RSS_ROWS rows (see $log)"
                tail -n 3 "$log" | sed 's/^/    /' >&2
                index check "$RSS_ROWS" WARNING "prepline $w failed at $RSS_ROWS rows (see $log)"
            fi
            rm -f "$OUT_DIR/prepline_rss.csv"
        done
    fi
fi

((KEEP_OUTPUTS)) || clean_outputs

echo >&2
python3 bench/report.py "$INDEX" --out "$OUT_DIR/report.md"
info "report written to $OUT_DIR/report.md"
