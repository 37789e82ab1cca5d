#!/usr/bin/env bash
# sessionguard benchmark for access logs: what reading nginx's log costs, against a grep -P
# baseline on the same file and against analysing Odoo's log alone. Not a test: it prints ratios
# measured in the same run (this machine is shared and noisy) and judges nothing.
#
#   bench/nginx.sh                # from anywhere; builds nothing (swift build -c release first)
#
# Corpus: the sample month at scale $SCALE (default 60), written once by
#   python3 Samples/generate_logs.py --out "$BENCH_DIR/month-s$SCALE" --scale $SCALE
# into a rotated Odoo set (odoo.log, .1, .2.gz) and the matching nginx set (nginx/access.log,
# .1, .2.gz: combined + sid=, one line per Odoo request line). At scale 60: ~860k Odoo lines and
# ~725k nginx lines. Regenerated only when missing or when the generator changed.
#
# Measured, REPS times each (median of wall times):
#   grep          grep -a -oP <PCRE> extracting address, time, method, target, status, user agent
#                 and sid of every nginx line (gzip'd file through zcat), piped to wc -l
#   nginx         sessionguard analyze <nginx set>
#   odoo          sessionguard analyze <Odoo set>
#   odoo+nginx    sessionguard analyze <Odoo set> <nginx set>   (the join)
# Each analyze starts from a fresh SQLite store, with Samples/sessionguard.yml and a fixed --now.
#
# Environment: SG (default .build/release/sessionguard), BENCH_DIR (default
#   ${TMPDIR:-/tmp}/sessionguard-bench), REPS (default 3), SCALE (default 60).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SG=${SG:-.build/release/sessionguard}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/sessionguard-bench}
REPS=${REPS:-3}
SCALE=${SCALE:-60}
GEN=Samples/generate_logs.py
SET=$BENCH_DIR/month-s$SCALE
PCRE='^(\S+) - \S+ \[([^\]]+)\] "([A-Z]+) (\S+) HTTP/[\d.]+" (\d{3}) \S+ "[^"]*" "([^"]*)" sid=(\S+)$'

[[ -x $SG ]] || { echo "build first: swift build -c release" >&2; exit 2; }
mkdir -p "$BENCH_DIR"
stamp="$(sha256sum "$GEN" | cut -d' ' -f1) --scale $SCALE"
if [[ -f $SET/stamp && $(<"$SET/stamp") == "$stamp" ]]; then
    echo "corpus: $SET (already there)" >&2
else
    echo "corpus: generating $SET (scale $SCALE) ..." >&2
    rm -rf "$SET"
    mkdir -p "$SET"
    python3 "$GEN" --out "$SET" --scale "$SCALE" 2> "$SET/generate.log" || { cat "$SET/generate.log" >&2; exit 2; }
    echo "$stamp" > "$SET/stamp"
fi
ODOO=("$SET/odoo.log.2.gz" "$SET/odoo.log.1" "$SET/odoo.log")
NGINX=("$SET/nginx/access.log.2.gz" "$SET/nginx/access.log.1" "$SET/nginx/access.log")
nginx_lines=$(zcat -f "${NGINX[@]}" | wc -l)
odoo_lines=$(zcat -f "${ODOO[@]}" | wc -l)
zcat -f "${ODOO[@]}" "${NGINX[@]}" > /dev/null   # warm the page cache

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
declare -A WALL
run() {   # run NAME CMD...
    local name=$1; shift
    local walls=() i t0 rc
    for ((i = 1; i <= REPS; i++)); do
        rm -f "$BENCH_DIR/nginx-bench.sqlite"*
        t0=$EPOCHREALTIME
        rc=0
        "$@" > "$BENCH_DIR/$name.out" 2> "$BENCH_DIR/$name.err" || rc=$?
        if ((rc > 1)); then echo "$name failed (exit $rc):" >&2; tail -n 20 "$BENCH_DIR/$name.err" >&2; exit 3; fi
        walls+=("$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')")
        echo "  $name run $i: ${walls[-1]}s" >&2
    done
    WALL[$name]=$(median "${walls[@]}")
}
analyze() { "$SG" analyze --config Samples/sessionguard.yml --store "sqlite:$BENCH_DIR/nginx-bench.sqlite" --now 2025-03-15T00:00:00Z "$@"; }

run grep bash -c 'zcat -f "$@" | LC_ALL=C grep -a -oP "$0" | wc -l' "$PCRE" "${NGINX[@]}"
run nginx analyze "${NGINX[@]}"
run odoo analyze "${ODOO[@]}"
run odoo+nginx analyze "${ODOO[@]}" "${NGINX[@]}"
grep -h "access logs:" "$BENCH_DIR/odoo+nginx.out" >&2 || true

echo
echo "Scale $SCALE: $odoo_lines Odoo lines, $nginx_lines nginx lines (grep extracted $(tail -n 1 "$BENCH_DIR/grep.out")); median of $REPS, seconds"
echo
echo "| measure | seconds | ratio |"
echo "| --- | ---: | ---: |"
awk -v g="${WALL[grep]}" -v n="${WALL[nginx]}" -v o="${WALL[odoo]}" -v j="${WALL[odoo+nginx]}" 'BEGIN {
    printf "| grep -P over the nginx set | %.2f | 1 |\n", g
    printf "| analyze the nginx set | %.2f | %.2f× grep |\n", n, n / g
    printf "| analyze the Odoo set | %.2f | 1 |\n", o
    printf "| analyze Odoo + nginx (the join) | %.2f | %.2f× Odoo alone |\n", j, j / o
}'
