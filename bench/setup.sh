#!/usr/bin/env bash
# Install what the benchmark harness (bench/run.sh) needs, only if missing.
#
#   apt:  hyperfine miller time libcsv-dev zlib1g-dev gcc   (+ python3-pip if pip is missing)
#   pip:  polars duckdb pandas scikit-learn
#
# Idempotent and quiet: each tool is probed first, apt-get runs only when
# something is missing, pip only for missing modules. Prints one line per
# action. Needs root or sudo for apt. Swift itself is not installed here.
set -euo pipefail

say() { printf 'setup: %s\n' "$*"; }

# ---- apt packages: package name -> how to tell it is present ---------------
missing_apt=()
need_apt() { # PKG TEST...
    local pkg=$1; shift
    if ! "$@" >/dev/null 2>&1; then missing_apt+=("$pkg"); fi
}
need_apt hyperfine  command -v hyperfine
need_apt miller     command -v mlr
need_apt time       test -x /usr/bin/time
need_apt libcsv-dev test -f /usr/include/csv.h
need_apt zlib1g-dev test -f /usr/include/zlib.h
need_apt gcc        command -v gcc
need_apt python3    command -v python3
if ! python3 -m pip --version >/dev/null 2>&1; then missing_apt+=(python3-pip); fi

if ((${#missing_apt[@]})); then
    if [[ $(id -u) -eq 0 ]]; then
        SUDO=()
    elif command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        say "missing ${missing_apt[*]} and not root (no sudo): install them by hand" >&2
        exit 1
    fi
    say "apt-get install ${missing_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -qq >/dev/null
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing_apt[@]}" >/dev/null
else
    say "system packages present (hyperfine, mlr, /usr/bin/time, libcsv, zlib, gcc)"
fi

# ---- Python modules: import name -> pip name --------------------------------
# find_spec locates a module without importing it (importing all four takes ~2 s).
read -r -a missing_pip <<<"$(python3 - <<'PY'
import importlib.util
mods = {"polars": "polars", "duckdb": "duckdb", "pandas": "pandas", "sklearn": "scikit-learn"}
print(" ".join(pkg for mod, pkg in mods.items() if importlib.util.find_spec(mod) is None))
PY
)"

if ((${#missing_pip[@]})); then
    say "pip install ${missing_pip[*]}"
    pip_log=$(mktemp)
    trap 'rm -f "$pip_log"' EXIT
    if ! python3 -m pip install -q "${missing_pip[@]}" >"$pip_log" 2>&1; then
        if grep -q externally-managed "$pip_log"; then
            # PEP 668 (Debian 12+): a system Python refuses pip without this flag.
            python3 -m pip install -q --break-system-packages "${missing_pip[@]}" >"$pip_log" 2>&1 \
                || { cat "$pip_log" >&2; exit 1; }
        else
            cat "$pip_log" >&2
            exit 1
        fi
    fi
else
    say "python modules present (polars, duckdb, pandas, scikit-learn)"
fi

command -v swift >/dev/null 2>&1 || say "note: swift is not on PATH; run.sh will skip prepline (install a Swift 6 toolchain)"
say "ok"
