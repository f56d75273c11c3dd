#!/usr/bin/env bash
# Benchmark scanlog against the tools it replaces (issue 6). Prints medians, ratios to baselines measured in
# the same run (the machine is shared and noisy: only ratios are compared with the targets), lines/s, MB/s and
# peak RSS, then whether each target is met. Always exits 0 unless the build or the data generation fails.
#
#   Scripts/benchmark.sh [--lines N] [--runs R] [--quick] [--full] [--tools] [--work-dir DIR] [--no-build]
#
#   --lines N     size of the main log (default 1000000, ~254 MB; sources default to N/2)
#   --runs R      timed runs per command, scanlog and its baseline alternating (default 5; scaling uses min(R,3))
#   --quick       200000 lines, 3 runs, no source/time-span series
#   --full        also the 10,000,000-line, 1,000,000-source memory run (slow: ~1 min to generate)
#   --tools       also compare with fwlogwatch and psad (Scripts/bench/compare-tools.sh) on slices
#   --work-dir D  where generated logs are cached by parameters (default $SCANLOG_BENCH_DIR or /tmp/scanlog-bench)
#   --no-build    use the binary already in .build-bench
#   --scanlog BIN measure this binary instead of building (e.g. an experimental build); implies --no-build
#   --timeout S   give up on any single command after S seconds (default 900); a timed-out run counts as S
#
# Needs: swift, python3, mawk, gzip/zcat, /usr/bin/time (apt-get install time mawk).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BENCH="$HERE/bench"
LINES=1000000
RUNS=5
QUICK=0
FULL=0
TOOLS=0
BUILD=1
SOURCES=""
SEED=1
SCANLOG_BIN=""
TIMEOUT=900
WORK=${SCANLOG_BENCH_DIR:-/tmp/scanlog-bench}

while [ $# -gt 0 ]; do
    case "$1" in
        --lines) LINES=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --sources) SOURCES=$2; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --full) FULL=1; shift ;;
        --tools) TOOLS=1; shift ;;
        --work-dir) WORK=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --scanlog) SCANLOG_BIN=$2; BUILD=0; shift 2 ;;
        --timeout) TIMEOUT=$2; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 64 ;;
    esac
done
if [ "$QUICK" = 1 ]; then
    [ "$LINES" = 1000000 ] && LINES=200000
    [ "$RUNS" = 5 ] && RUNS=3
fi
SOURCES=${SOURCES:-$((LINES / 2))}
SCALE_RUNS=$(( RUNS < 3 ? RUNS : 3 ))

for tool in python3 mawk zcat gzip; do
    command -v "$tool" > /dev/null || { echo "missing $tool (apt-get install mawk gzip python3)" >&2; exit 69; }
done
[ -x /usr/bin/time ] || { echo "missing /usr/bin/time: apt-get install time" >&2; exit 69; }

mkdir -p "$WORK"
RUNDIR=$(mktemp -d "$WORK/run.XXXXXX")
trap 'rm -rf "$RUNDIR"' EXIT
RAW="$RUNDIR/raw.tsv"
META="$RUNDIR/meta.json"
: > "$RAW"
: > "$RUNDIR/rss"
CHECKS=()

say() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------------------
# Build (own scratch path; other engineers' work in progress may not compile for a moment: retry).
SCRATCH="$ROOT/.build-bench"
if [ "$BUILD" = 1 ]; then
    for attempt in 1 2 3 4 5; do
        say "== building scanlog (release, $SCRATCH), attempt $attempt"
        if (cd "$ROOT" && swift build -c release --scratch-path "$SCRATCH" 2>&1 | tail -3 >&2; exit "${PIPESTATUS[0]}"); then
            break
        fi
        [ "$attempt" = 5 ] && { say "build failed 5 times"; exit 1; }
        say "build failed; retrying in 60 s"; sleep 60
    done
fi
if [ -n "$SCANLOG_BIN" ]; then
    SCANLOG=$(cd "$(dirname "$SCANLOG_BIN")" && pwd)/$(basename "$SCANLOG_BIN")
else
    SCANLOG="$(cd "$ROOT" && swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/scanlog"
fi
[ -x "$SCANLOG" ] || { say "no binary at $SCANLOG"; exit 1; }
COMMIT=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(cd "$ROOT" && git status --porcelain -- Sources 2>/dev/null | wc -l)

# ---------------------------------------------------------------------------------------------------------
# Data, cached by parameters. All files get the same fixed mtime, so year inference is the same everywhere.
MTIME="2025-12-01 00:00:00 UTC"
gen() { # lines sources days [port-range] -> path of the plain file
    local lines=$1 sources=$2 days=$3 pr=${4:-65535}
    local f="$WORK/ufw-L${lines}-S${sources}-D${days}-P${pr}-K${SEED}.log"
    if [ ! -s "$f" ]; then
        say "== generating $f"
        python3 "$BENCH/generate-bench-log.py" --lines "$lines" --sources "$sources" --days "$days" \
            --port-range "$pr" --seed "$SEED" --out "$f.tmp"
        mv "$f.tmp" "$f"
        touch -d "$MTIME" "$f"
    fi
    printf '%s\n' "$f"
}
gz_of() { # plain -> gzip copy (gzip -6 -n)
    local g="$1.gz"
    if [ ! -s "$g" ]; then
        say "== compressing $g"
        gzip -6 -n -c "$1" > "$g.tmp" && mv "$g.tmp" "$g"
        touch -d "$MTIME" "$g"
    fi
    printf '%s\n' "$g"
}
rotated_set() { # plain -> dir with ufw.log.2.gz (oldest third), ufw.log.1, ufw.log
    local src=$1 dir="$1.rotated"
    if [ ! -s "$dir/ufw.log" ]; then
        say "== splitting $src into a rotated set"
        mkdir -p "$dir"
        local n; n=$(wc -l < "$src")
        local third=$(( n / 3 ))
        head -n "$third" "$src" | gzip -6 -n > "$dir/ufw.log.2.gz"
        tail -n +"$((third + 1))" "$src" | head -n "$third" > "$dir/ufw.log.1"
        tail -n +"$((2 * third + 1))" "$src" > "$dir/ufw.log.tmp" && mv "$dir/ufw.log.tmp" "$dir/ufw.log"
        touch -d "$MTIME" "$dir"/ufw.log*
    fi
    printf '%s\n' "$dir"
}

AWK_PROG='match($0,/ SRC=[^ ]+/){s[substr($0,RSTART+5,RLENGTH-5)]++} match($0,/ DPT=[0-9]+/){p[substr($0,RSTART+5,RLENGTH-5)]++} END{print length(s), length(p)}'
q() { printf '%q' "$1"; }
awk_cmd() { echo "mawk $(q "$AWK_PROG") $*"; }

# ---------------------------------------------------------------------------------------------------------
# Measurement: wall time by date +%s%N around /usr/bin/time (which gives the peak RSS of the command).
measure() { # scenario role label bytes lines command-string
    local scen=$1 role=$2 label=$3 bytes=$4 lines=$5 cmd=$6
    local t0 t1 rss
    : > "$RUNDIR/rss"; t0=$(date +%s%N)
    if ! timeout "$TIMEOUT" /usr/bin/time -f '%M' -o "$RUNDIR/rss" bash -c "$cmd" > /dev/null 2> "$RUNDIR/err"; then
        say "   (exit status non-zero: $cmd)"; tail -3 "$RUNDIR/err" >&2 || true
    fi
    t1=$(date +%s%N)
    rss=$(tail -n 1 "$RUNDIR/rss" 2>/dev/null | grep -E '^[0-9]+$' || echo 0)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scen" "$role" "$label" "$bytes" "$lines" "$((t1 - t0))" "$rss" >> "$RAW"
    printf '   %-18s %-8s %-34s %7.3f s %7d KB\n' "$scen" "$role" "${label:0:34}" "$(awk -v n=$((t1 - t0)) 'BEGIN{printf "%.3f", n/1e9}')" "$rss" >&2
}
# scenario runs bytes lines subject-cmd  then pairs of (label cmd) baselines; alternates the order per run.
compare() {
    local scen=$1 runs=$2 bytes=$3 lines=$4 subject=$5; shift 5
    local r i
    say "== $scen ($runs runs)"
    for ((r = 1; r <= runs; r++)); do
        if ((r % 2 == 1)); then
            measure "$scen" subject scanlog "$bytes" "$lines" "$subject"
        fi
        for ((i = 1; i <= $#; i += 2)); do
            local label=${!i} j=$((i + 1))
            measure "$scen" base "$label" "$bytes" "$lines" "${!j}"
        done
        if ((r % 2 == 0)); then
            measure "$scen" subject scanlog "$bytes" "$lines" "$subject"
        fi
    done
}
memo() { # label file... : one run with the JSON kept, counts sources and ports
    local label=$1; shift
    local out="$RUNDIR/memo.json" t0 t1 rss bytes lines counts
    : > "$RUNDIR/rss"; t0=$(date +%s%N)
    timeout "$TIMEOUT" /usr/bin/time -f '%M' -o "$RUNDIR/rss" "$SCANLOG" analyze --format json "$@" > "$out" 2> "$RUNDIR/err" || true
    t1=$(date +%s%N)
    rss=$(tail -n 1 "$RUNDIR/rss" 2>/dev/null | grep -E '^[0-9]+$' || echo 0)
    counts=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(i["bytes"] for i in d["inputs"]), d["summary"]["lines"], len(d["sources"]), len(d["ports"]))' "$out" 2>/dev/null || echo 0 0 0 0)
    read -r bytes lines s p <<< "$counts"
    printf 'memory\tmemo\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$bytes" "$lines" "$((t1 - t0))" "$rss" "$s" "$p" >> "$RAW"
    say "   memory $label: $lines lines, $s sources, $p ports, $rss KB, $(( (t1 - t0) / 1000000 )) ms"
}
size_of() { stat -c %s "$1"; }
lines_of() { wc -l < "$1"; }

# ---------------------------------------------------------------------------------------------------------
MAIN=$(gen "$LINES" "$SOURCES" 7)
MAIN_GZ=$(gz_of "$MAIN")
SET=$(rotated_set "$MAIN")
MAIN_BYTES=$(size_of "$MAIN")
say "== scanlog $COMMIT (+$DIRTY changed files under Sources); $("$SCANLOG" --version 2>/dev/null || true)"
say "== main log: $MAIN ($MAIN_BYTES bytes, $LINES lines, $SOURCES sources)"
SL="$(q "$SCANLOG") analyze --format json"

# 1. Plain file vs the simplest awk count.
compare plain "$RUNS" "$MAIN_BYTES" "$LINES" "$SL $(q "$MAIN")" "mawk count" "$(awk_cmd "$(q "$MAIN")")"

# 2. Gzip file vs zcat.
compare gzip "$RUNS" "$MAIN_BYTES" "$LINES" "$SL $(q "$MAIN_GZ")" "zcat > /dev/null" "zcat $(q "$MAIN_GZ")"

# 2b. The same files on one thread (--jobs 1), against the same baselines: what the second thread buys.
if "$SCANLOG" analyze --help 2>&1 | grep -q -- '--jobs'; then
    compare plain-1-thread "$RUNS" "$MAIN_BYTES" "$LINES" "$SL --jobs 1 $(q "$MAIN")" "mawk count" "$(awk_cmd "$(q "$MAIN")")"
    compare gzip-1-thread "$RUNS" "$MAIN_BYTES" "$LINES" "$SL --jobs 1 $(q "$MAIN_GZ")" "zcat > /dev/null" "zcat $(q "$MAIN_GZ")"
fi

# 3. A rotated set of three files vs the sum of the baselines; results must equal the concatenation's.
S0="$SET/ufw.log"; S1="$SET/ufw.log.1"; S2="$SET/ufw.log.2.gz"
compare three-files "$RUNS" "$MAIN_BYTES" "$LINES" "$SL $(q "$S0") $(q "$S1") $(q "$S2")" \
    "mawk count ufw.log ufw.log.1" "$(awk_cmd "$(q "$S0")" "$(q "$S1")")" \
    "zcat ufw.log.2.gz > /dev/null" "zcat $(q "$S2")"
compare three-files-each "$RUNS" "$MAIN_BYTES" "$LINES" "$SL $(q "$S2") > /dev/null; $SL $(q "$S1") > /dev/null; $SL $(q "$S0")"
say "== three-files: comparing JSON of the set with JSON of the concatenation (modulo inputs)"
"$SCANLOG" analyze --format json "$S0" "$S1" "$S2" > "$RUNDIR/set.json" || true
"$SCANLOG" analyze --format json "$S2" "$S0" "$S1" > "$RUNDIR/set-shuffled.json" || true
"$SCANLOG" analyze --format json "$MAIN" > "$RUNDIR/concat.json" || true
JOBS_OPT=""
if "$SCANLOG" analyze --help 2>&1 | grep -q -- '--jobs'; then
    JOBS_OPT="--jobs 1"
    "$SCANLOG" analyze --format json --jobs 1 "$S0" "$S1" "$S2" > "$RUNDIR/set-seq.json" || true
fi
SAME=$(python3 - "$RUNDIR" "$JOBS_OPT" <<'PY'
import json, sys, os
d = sys.argv[1]
def load(name):
    j = json.load(open(os.path.join(d, name)))
    j.pop("inputs", None)
    return j
c = load("concat.json")
out = []
for name, what in (("set.json", "set == concatenation"), ("set-shuffled.json", "set in another order == concatenation"),
                   ("set-seq.json", "parallel == --jobs 1")):
    if not os.path.exists(os.path.join(d, name)):
        continue
    j = load(name)
    if j == c:
        out.append(what + ": identical")
    else:
        diff = [k for k in set(j) | set(c) if j.get(k) != c.get(k)]
        out.append(what + ": DIFFERENT in " + ",".join(sorted(diff)))
print("; ".join(out))
PY
)
if [ -n "$JOBS_OPT" ]; then
    CHECKS+=("identical: $SAME")
else
    CHECKS+=("identical: $SAME (no --jobs option: files are read one after another)")
fi

# 4. Scaling: lines (same sources), sources (same lines), time span (same lines and sources).
SCALE_SOURCES=$(( LINES / 20 ))
for frac in 4 2 1; do
    n=$(( LINES / frac ))
    f=$(gen "$n" "$SCALE_SOURCES" 7)
    compare "lines-$n" "$SCALE_RUNS" "$(size_of "$f")" "$n" "$SL $(q "$f")" "mawk count" "$(awk_cmd "$(q "$f")")"
done
if [ "$QUICK" = 0 ]; then
    for s in "$SCALE_SOURCES" "$SOURCES"; do
        f=$(gen "$LINES" "$s" 7)
        compare "sources-$(printf '%08d' "$s")" "$SCALE_RUNS" "$(size_of "$f")" "$LINES" "$SL $(q "$f")" "mawk count" "$(awk_cmd "$(q "$f")")"
    done
    for d in 1 30; do
        f=$(gen "$LINES" "$SOURCES" "$d")
        compare "days-$(printf '%02d' "$d")" "$SCALE_RUNS" "$(size_of "$f")" "$LINES" "$SL $(q "$f")" "mawk count" "$(awk_cmd "$(q "$f")")"
    done
fi

# 5. Memory: RSS against distinct sources and ports at a fixed number of lines (single runs, output counted).
say "== memory"
for s in $(( LINES / 100 )) "$SCALE_SOURCES" $(( LINES / 5 )) "$SOURCES"; do
    memo "S=$s ports=all" "$(gen "$LINES" "$s" 7)"
done
memo "S=$SCALE_SOURCES ports<=1000" "$(gen "$LINES" "$SCALE_SOURCES" 7 1000)"
if [ "$FULL" = 1 ]; then
    BIG=$(gen 10000000 1000000 30)
    memo "full 10M lines 1M sources" "$BIG"
fi

python3 -c 'import json,sys; json.dump({"checks": {"results": sys.argv[1]}}, open(sys.argv[2], "w"))' "${CHECKS[0]}" "$META"

echo
echo "scanlog benchmark - $SCANLOG - commit $COMMIT (+$DIRTY uncommitted files under Sources), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "main log: $LINES lines, $SOURCES sources, 7 days, $MAIN_BYTES bytes; runs: $RUNS (scaling $SCALE_RUNS); data in $WORK"
python3 "$BENCH/report.py" "$RAW" "$META"
if [ -n "${SCANLOG_BENCH_KEEP:-}" ]; then cp "$RAW" "$SCANLOG_BENCH_KEEP"; echo "raw measurements copied to $SCANLOG_BENCH_KEEP"; fi

if [ "$TOOLS" = 1 ]; then
    "$BENCH/compare-tools.sh" --scanlog "$SCANLOG" --log "$MAIN" || true
fi
exit 0
