#!/usr/bin/env bash
# Partial fits vs one fit (DESIGN.md E2 targets): 4 partitions fitted as 4 processes, 2 at a time,
# plus the merge, against one `fit` of the same file; merging 1000 parts; part sizes.
# Usage: bench/partial_fit.sh [ROWS] [ROUNDS]   (release binary; data and outputs in /dev/shm)
# PART_ARGS: extra arguments of each partition's `fit --partial`; default "--threads 1": one core
# per task, as an engine runs them and as docs/distributed.md's recipes pass it (PART_ARGS=" "
# leaves each at the default, all cores: 4 threads on 2 cores, 2 at a time).
set -euo pipefail
ROWS=${1:-200000}; ROUNDS=${2:-5}
BIN=${BIN:-.build/release/prepline}
WORK=${WORK:-/dev/shm/prepline-partial-bench}
PART_ARGS=${PART_ARGS:---threads 1}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK"
[ -s "$WORK/mixed.csv" ] || python3 "$HERE/../../shared/bench/gen_mixed.py" "$ROWS" > "$WORK/mixed.csv"
# 4 partitions at record boundaries, each with the header (quote-aware: the reviews are quoted).
python3 - "$WORK/mixed.csv" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
recs, start, quoted = [], 0, False
for i, b in enumerate(data):
    if b == 0x22: quoted = not quoted
    elif b == 0x0A and not quoted: recs.append(data[start:i + 1]); start = i + 1
head, body = recs[0], recs[1:]
for p in range(4):
    open(f"{sys.argv[1]}.{p}", 'wb').write(head + b''.join(body[len(body) * p // 4:len(body) * (p + 1) // 4]))
PY
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for spec in tabular full; do
  S="$HERE/specs/$spec.json"
  : > "$WORK/one.$spec"; : > "$WORK/parts.$spec"
  for r in $(seq "$ROUNDS"); do
    t0=$(now); "$BIN" fit "$S" "$WORK/mixed.csv" -o "$WORK/single.json" -q; t1=$(now)
    echo "$t1 - $t0" | bc >> "$WORK/one.$spec"
    t0=$(now)
    printf '%s\n' 0 1 2 3 | xargs -P 2 -I{} "$BIN" fit "$S" "$WORK/mixed.csv.{}" --partial $PART_ARGS -o "$WORK/{}.part" -q
    "$BIN" merge "$WORK"/{0,1,2,3}.part -o "$WORK/merged.json" -q; t1=$(now)
    echo "$t1 - $t0" | bc >> "$WORK/parts.$spec"
  done
  one=$(median < "$WORK/one.$spec"); parts=$(median < "$WORK/parts.$spec")
  # Each round times the one fit and the parts back to back: the median of the rounds' own
  # ratios is less moved by the machine's speed drifting between rounds than the medians' ratio.
  round_ratio=$(paste "$WORK/one.$spec" "$WORK/parts.$spec" | awk '{printf "%.4f\n", $2 / $1}' | median)
  SOURCE_DATE_EPOCH=0 "$BIN" fit "$S" "$WORK/mixed.csv" -o "$WORK/a.json" -q
  SOURCE_DATE_EPOCH=0 "$BIN" merge "$WORK"/{0,1,2,3}.part -o "$WORK/b.json" -q
  cmp -s "$WORK/a.json" "$WORK/b.json" && same=identical || same=DIFFERENT
  sizes=$(stat -c %s "$WORK"/{0,1,2,3}.part | tr '\n' ' ')
  echo "$spec: one fit ${one}s, 4 parts (2 at a time, fit --partial $PART_ARGS) + merge ${parts}s, ratio $(echo "scale=3; $parts / $one" | bc) (median of the rounds' ratios $round_ratio); merged spec $same; part bytes: $sizes"
  # 1000 parts: the four cycled (one spec, one header: they merge).
  list=(); for i in $(seq 0 999); do list+=("$WORK/$((i % 4)).part"); done
  : > "$WORK/m1000.$spec"
  for r in $(seq 3); do t0=$(now); "$BIN" merge "${list[@]}" -o "$WORK/m1000.json" -q; t1=$(now); echo "$t1 - $t0" | bc >> "$WORK/m1000.$spec"; done
  echo "$spec: merging 1000 parts $(median < "$WORK/m1000.$spec")s"
done
uptime
