#!/usr/bin/env bash
# sessionguard benchmark: `sessionguard analyze` against a grep -P baseline on one big Odoo log.
# Not a test: it prints numbers (a Markdown table to paste into the README) and judges nothing.
#
#   bench/run.sh                  # from anywhere; builds nothing
#
# Corpus: one plain Odoo 18.0 server log of 1,000,000 lines (~174 MB), written once by
#   python3 Samples/generate_logs.py --single-file "$BENCH_DIR/odoo-1M.log" --lines 1000000
# (deterministic, ~20 s): the sample scenario plus 5×72 cloned office users over 2025-02-17 ..
# 2025-03-14 (cut at line 1,000,000 on 2025-03-14), 6 prefork workers + cron, ~92 % werkzeug
# request lines (~15 % of them from IPv6 clients), the rest auth/device/cron/traceback lines and
# 4 garbage lines (NULs and invalid UTF-8 included).
# It is regenerated only when missing or when the generator changed (stamp file next to it).
#
# Measured, REPS times each (median reported):
#   grep      grep -a -oP <PCRE> extracting IP, time, method, target and status of every
#             werkzeug line (output piped to wc -l: GNU grep stops at the first match when
#             stdout is /dev/null)
#   analyze   $SG analyze --config Samples/sessionguard.yml --store sqlite:<fresh file>
#             --now 2025-03-15T00:00:00Z <corpus>     (the store is deleted before each run)
# Wall time and peak RSS come from /usr/bin/time when installed (Debian package `time`), else
# from bash's $EPOCHREALTIME and VmHWM sampled in /proc.
#
# Environment: SG (default .build/release/sessionguard; build with `swift build -c release`),
#   BENCH_DIR (default ${TMPDIR:-/tmp}/sessionguard-bench), REPS (default 3),
#   LINES (default 1000000), CONFIG (default Samples/sessionguard.yml).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SG=${SG:-.build/release/sessionguard}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/sessionguard-bench}
REPS=${REPS:-3}
LINES=${LINES:-1000000}
CONFIG=${CONFIG:-Samples/sessionguard.yml}
NOW=2025-03-15T00:00:00Z
GEN=Samples/generate_logs.py
CORPUS=$BENCH_DIR/odoo-$((LINES / 1000))k.log
[[ $LINES -eq 1000000 ]] && CORPUS=$BENCH_DIR/odoo-1M.log
PCRE='^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \d+ INFO \S+ werkzeug: \K(\S+) - - \[(\d\d/\w{3}/\d{4} \d\d:\d\d:\d\d)\] "([A-Z]+) (.*) HTTP/\d\.\d" (\d{3})(?= - )'

mkdir -p "$BENCH_DIR"

# ---- corpus (skip when already there and made by this generator with these arguments)
stamp="$(sha256sum "$GEN" | cut -d' ' -f1) --lines $LINES"
if [[ -s $CORPUS && -f $CORPUS.stamp && $(<"$CORPUS.stamp") == "$stamp" ]]; then
    echo "corpus: $CORPUS (already there)" >&2
else
    echo "corpus: generating $CORPUS ($LINES lines) ..." >&2
    rm -f "$CORPUS.stamp"
    python3 "$GEN" --single-file "$CORPUS" --lines "$LINES" 2> "$BENCH_DIR/generate.log" ||
        { cat "$BENCH_DIR/generate.log" >&2; exit 2; }
    echo "$stamp" > "$CORPUS.stamp"
fi
corpus_lines=$(wc -l < "$CORPUS")
corpus_bytes=$(stat -c %s "$CORPUS")
cat "$CORPUS" > /dev/null   # warm the page cache: both tools read from memory

# ---- measuring
# measure OUT_PREFIX CMD... : runs CMD (stdout to OUT_PREFIX.out, stderr to OUT_PREFIX.err);
# sets WALL (seconds), RSS_KB and RC.
if [[ -x /usr/bin/time ]]; then
    measure() {
        local p=$1; shift
        RC=0
        /usr/bin/time -f '%e %M' -o "$p.time" "$@" > "$p.out" 2> "$p.err" || RC=$?
        read -r WALL RSS_KB < <(tail -n 1 "$p.time")
    }
else
    echo "note: /usr/bin/time not found (apt-get install time); sampling /proc instead" >&2
    measure() {
        local p=$1; shift
        local t0=$EPOCHREALTIME hwm=0 v
        "$@" > "$p.out" 2> "$p.err" &
        local pid=$!
        while kill -0 "$pid" 2> /dev/null; do
            # the process and its children (grep runs under `bash -c`): the largest peak
            for v in "$pid" $(pgrep -P "$pid" 2> /dev/null || true); do
                v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$v/status" 2> /dev/null || true)
                [[ -n $v ]] && ((v > hwm)) && hwm=$v
            done
            sleep 0.02
        done
        RC=0; wait "$pid" || RC=$?
        WALL=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
        RSS_KB=$hwm
    }
fi

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

grep_extract() { LC_ALL=C grep -a -oP "$PCRE" "$1" | wc -l; }
export -f grep_extract
export PCRE

declare -A WALLS RSSS
run_tool() {   # run_tool NAME CMD...
    local name=$1; shift
    local walls=() rsss=() i
    for ((i = 1; i <= REPS; i++)); do
        [[ $name == analyze ]] && rm -f "$BENCH_DIR/bench.sqlite" "$BENCH_DIR"/bench.sqlite-*
        measure "$BENCH_DIR/$name" "$@"
        if [[ $RC -gt 1 ]]; then    # analyze: 0 done, 1 done with findings at --fail-on
            echo "$name failed (exit $RC); stderr:" >&2
            sed 's/^/  /' "$BENCH_DIR/$name.err" | tail -n 20 >&2
            exit 3
        fi
        echo "  $name run $i: ${WALL}s, ${RSS_KB} KB" >&2
        walls+=("$WALL"); rsss+=("$RSS_KB")
    done
    WALLS[$name]=$(median "${walls[@]}")
    RSSS[$name]=$(median "${rsss[@]}")
}

row() {   # row LABEL NAME
    awk -v label="$1" -v lines="$corpus_lines" -v bytes="$corpus_bytes" \
        -v wall="${WALLS[$2]}" -v rss="${RSSS[$2]}" 'BEGIN {
        mb = bytes / 1e6; w = (wall > 0 ? wall : 0.001)
        printf "| %s | %d | %.1f | %.2f | %.0f | %.1f | %.1f |\n", label, lines, mb, wall, lines / w, mb / w, rss / 1024 }'
}

echo "grep: bash -c 'grep -a -oP … | wc -l' × $REPS" >&2
run_tool grep bash -c 'grep_extract "$1"' _ "$CORPUS"
extracted=$(tail -n 1 "$BENCH_DIR/grep.out")

have_sg=1
if [[ ! -x $SG ]]; then
    have_sg=0
    echo "analyze: skipped, $SG not found; build it with:  swift build -c release" >&2
elif [[ ! -f $CONFIG ]]; then
    have_sg=0
    echo "analyze: skipped, $CONFIG not found (the sample configuration)" >&2
else
    echo "analyze: $SG analyze … × $REPS" >&2
    run_tool analyze "$SG" analyze --config "$CONFIG" --store "sqlite:$BENCH_DIR/bench.sqlite" \
        --now "$NOW" "$CORPUS"
fi

# ---- report (Markdown)
echo
echo "Corpus: \`$(basename "$CORPUS")\`, $corpus_lines lines, $(awk -v b="$corpus_bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB" \
     "(Odoo 18.0 server log from \`Samples/generate_logs.py --lines $LINES\`); median of $REPS runs;" \
     "$(nproc) CPUs, $(uname -m); MB = 10^6 bytes."
echo
echo "| run | lines | MB | wall s | lines/s | MB/s | peak RSS MB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
row "grep -oP (werkzeug fields, $extracted lines out)" grep
if ((have_sg)); then
    row "sessionguard analyze (SQLite store)" analyze
    awk -v a="${WALLS[analyze]}" -v g="${WALLS[grep]}" -v ra="${RSSS[analyze]}" -v rg="${RSSS[grep]}" 'BEGIN {
        printf "\nanalyze / grep: %.2f× the wall time, %.1f× the peak memory.\n", a / (g > 0 ? g : 0.001), ra / (rg > 0 ? rg : 1) }'
else
    echo "| sessionguard analyze | not built (\`swift build -c release\`) | | | | | |"
    exit 1
fi
