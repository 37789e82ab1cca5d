#!/usr/bin/env bash
# sessionguard detection benchmark: generate the labelled corpus, build its GeoIP databases, run
# `sessionguard analyze` on it and score the recommendations against the labels.
#
#   bench/detection/run.sh [--work DIR] [--rules DIR] [--users N] [--days D] [--seed S]
#                          [--start YYYY-MM-DD] [--anomalies K] [--build] [--verbose]
#
#   --work DIR     work directory (default /tmp/sessionguard-detection, or $WORK): odoo.log,
#                  labels.json, networks.json, geoip/*.mmdb, sessionguard.yml, store.sqlite,
#                  out/report.json, analyze.out/.err, score.txt
#   --rules DIR    rules directory (default: the repository's Rules/)
#   --users/--days/--seed/--start/--anomalies   passed to generate.py (defaults 300, 30, 20250303)
#   --build        build the release binary when it is missing (never while another swift build runs)
#   --verbose      score.py lists every label, caught or missed
#
# Environment: SG (default <repo>/.build/release/sessionguard), WORK.
# Exit: 0 when analyze finished (its exit 0 or 1) and the score was printed; 2 on usage errors or
# rule errors; 3 when analyze could not read its input; 4 when the binary is missing.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${WORK:-/tmp/sessionguard-detection}
RULES=$ROOT/Rules
SG=${SG:-$ROOT/.build/release/sessionguard}
BUILD=0
gen_args=()
score_args=()
while (($#)); do
    case $1 in
        --work) WORK=$2; shift 2 ;;
        --rules) RULES=$2; shift 2 ;;
        --users | --days | --seed | --start | --anomalies) gen_args+=("$1" "$2"); shift 2 ;;
        --build) BUILD=1; shift ;;
        -v | --verbose) score_args+=(--verbose); shift ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ $RULES = /* ]] || RULES=$(cd "$RULES" && pwd)
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

# ---- corpus and GeoIP databases
echo "== generating the corpus in $WORK" >&2
python3 "$HERE/generate.py" --out "$WORK" "${gen_args[@]}"
perl "$HERE/build_geoip.pl" "$WORK/geoip" "$WORK/networks.json" >&2
NOW=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["now"])' "$WORK/labels.json")

cat > "$WORK/sessionguard.yml" <<EOF
# written by bench/detection/run.sh
geoip: $WORK/geoip/GeoLite2-City-Detection.mmdb
geoip_asn: $WORK/geoip/GeoLite2-ASN-Detection.mmdb
rules: $RULES
EOF

# ---- the binary
if [[ ! -x $SG ]]; then
    if ((BUILD)); then
        if pgrep -x swift-build > /dev/null 2>&1; then
            echo "run.sh: $SG is missing and another swift build is running; run again when it is done" >&2
            exit 4
        fi
        echo "== building: swift build -c release (in $ROOT)" >&2
        (cd "$ROOT" && swift build -c release) >&2
    else
        echo "run.sh: $SG not found. Build it with:  (cd $ROOT && swift build -c release)" >&2
        echo "        or pass --build. The corpus is ready in $WORK." >&2
        exit 4
    fi
fi

# ---- analyze (a fresh store: the corpus is the user's whole history)
rm -f "$WORK/store.sqlite" "$WORK/store.sqlite-"*
rm -rf "$WORK/out"
echo "== $SG analyze --config $WORK/sessionguard.yml --store sqlite:$WORK/store.sqlite --report $WORK/out --now $NOW $WORK/odoo.log" >&2
rc=0
start=$(date +%s.%N)
"$SG" analyze --config "$WORK/sessionguard.yml" --store "sqlite:$WORK/store.sqlite" --report "$WORK/out" \
    --now "$NOW" "$WORK/odoo.log" > "$WORK/analyze.out" 2> "$WORK/analyze.err" || rc=$?
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
if ((rc > 1)); then
    echo "run.sh: analyze exited $rc after ${secs}s (2: usage or rule error, 3: input error):" >&2
    sed 's/^/  /' "$WORK/analyze.err" | tail -n 20 >&2
    if grep -q "unknown detector" "$WORK/analyze.err"; then
        echo "  (rules name detectors this binary does not have: rebuild, or pass --rules with a" >&2
        echo "   directory holding only the rules it knows)" >&2
    fi
    exit "$rc"
fi
echo "== analyze: exit $rc in ${secs}s; summary in $WORK/analyze.out" >&2
sed -n '/^Inputs/,/^Findings/p' "$WORK/analyze.out" | sed '$d' >&2

# ---- score
echo >&2
python3 "$HERE/score.py" "$WORK/labels.json" "$WORK/out/report.json" --json "$WORK/score.json" "${score_args[@]}" \
    | tee "$WORK/score.txt"
