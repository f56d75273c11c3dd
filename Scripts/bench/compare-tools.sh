#!/usr/bin/env bash
# Compare scanlog with what an admin would otherwise run on a ufw log: the awk count, fwlogwatch's summary and
# psad's analysis mode (sandboxed: temporary config and directories, no DNS/whois/mail/syslog, no iptables
# checks). fwlogwatch and psad are far slower than linear, so they run on slices (heads) of the log; the
# 1M-line figure is extrapolated from the two largest slices with t = c * n^k (k printed).
#
#   Scripts/bench/compare-tools.sh --scanlog BIN --log FILE [--sizes "10000 50000 100000"] [--target 1000000]
#
# Needs: apt-get install fwlogwatch psad time mawk. Exit status 0.
set -uo pipefail

SCANLOG=""
LOG=""
SIZES="10000 50000 100000"
TARGET=1000000
while [ $# -gt 0 ]; do
    case "$1" in
        --scanlog) SCANLOG=$2; shift 2 ;;
        --log) LOG=$2; shift 2 ;;
        --sizes) SIZES=$2; shift 2 ;;
        --target) TARGET=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 64 ;;
    esac
done
[ -x "$SCANLOG" ] && [ -s "$LOG" ] || { echo "usage: $0 --scanlog BIN --log FILE" >&2; exit 64; }

TMP=$(mktemp -d /tmp/scanlog-tools.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
RAW="$TMP/raw.tsv"
: > "$RAW"

# psad sandbox: everything under $TMP/psad, lookups and alerts off.
PSAD_CONF=""
if command -v psad > /dev/null && [ -r /etc/psad/psad.conf ]; then
    PSAD_CONF="$TMP/psad.conf"
    sed -e "s|^INSTALL_ROOT .*|INSTALL_ROOT                $TMP/psad;|" \
        -e 's|^HOSTNAME .*|HOSTNAME                    bench;|' \
        -e 's|^ENABLE_WHOIS_LOOKUPS .*|ENABLE_WHOIS_LOOKUPS        N;|' \
        -e 's|^ENABLE_DNS_LOOKUPS .*|ENABLE_DNS_LOOKUPS          N;|' \
        -e 's|^ALERTING_METHODS .*|ALERTING_METHODS            noemail,nosyslog;|' \
        -e 's|^ENABLE_FW_LOGGING_CHECK .*|ENABLE_FW_LOGGING_CHECK     N;|' \
        -e 's|^PSAD_CONF_DIR .*|PSAD_CONF_DIR               /etc/psad;|' \
        -e 's|^PSAD_LIBS_DIR .*|PSAD_LIBS_DIR               /usr/lib/psad;|' \
        /etc/psad/psad.conf > "$PSAD_CONF"
fi

AWK_PROG='match($0,/ SRC=[^ ]+/){s[substr($0,RSTART+5,RLENGTH-5)]++} match($0,/ DPT=[0-9]+/){p[substr($0,RSTART+5,RLENGTH-5)]++} END{print length(s), length(p)}'

run() { # tool size command...
    local tool=$1 size=$2; shift 2
    local t0 t1 rss
    : > "$TMP/rss"
    if [ "$tool" = psad ]; then rm -rf "$TMP/psad"; mkdir -p "$TMP/psad/var/log/psad" "$TMP/psad/var/run/psad" "$TMP/psad/var/lib/psad"; fi
    t0=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$TMP/rss" "$@" > "$TMP/out.$tool" 2> "$TMP/err.$tool"
    t1=$(date +%s%N)
    rss=$(tail -n 1 "$TMP/rss" | grep -E '^[0-9]+$' || echo 0)
    printf '%s\t%s\t%s\t%s\n' "$tool" "$size" "$((t1 - t0))" "$rss" >> "$RAW"
    printf '   %-10s %8s lines %8.2f s %8d KB\n' "$tool" "$size" "$(awk -v n=$((t1 - t0)) 'BEGIN{print n/1e9}')" "$rss" >&2
}

for n in $SIZES; do
    head -n "$n" "$LOG" > "$TMP/slice.log"
    run scanlog "$n" "$SCANLOG" analyze --format json "$TMP/slice.log"
    run mawk "$n" mawk "$AWK_PROG" "$TMP/slice.log"
    command -v fwlogwatch > /dev/null && run fwlogwatch "$n" fwlogwatch -P n "$TMP/slice.log"
    [ -n "$PSAD_CONF" ] && run psad "$n" psad -c "$PSAD_CONF" -A -m "$TMP/slice.log" --no-rdns --no-whois --no-fwcheck --no-netstat
done
cp "$TMP/out.psad" /tmp/scanlog-tools-last-psad.txt 2> /dev/null || true
cp "$TMP/out.fwlogwatch" /tmp/scanlog-tools-last-fwlogwatch.txt 2> /dev/null || true

python3 - "$RAW" "$TARGET" <<'PY'
import math, sys
from collections import defaultdict
rows = defaultdict(dict)
for line in open(sys.argv[1]):
    tool, n, ns, rss = line.split()
    rows[tool][int(n)] = (int(ns) / 1e9, int(rss))
target = int(sys.argv[2])
sizes = sorted({n for t in rows.values() for n in t})
print()
print("Tools on the first N lines of the log (one run each; RSS in MB):")
print("%-11s" % "tool" + "".join("%22s" % ("%d lines" % n) for n in sizes) + "   growth k   est. %d lines" % target)
for tool in ("scanlog", "mawk", "fwlogwatch", "psad"):
    if tool not in rows:
        continue
    r = rows[tool]
    cells = "".join("%22s" % ("%.2f s %5.0f MB" % (r[n][0], r[n][1] / 1024) if n in r else "-") for n in sizes)
    a, b = sizes[-2], sizes[-1]
    k = math.log(r[b][0] / r[a][0]) / math.log(b / a) if r[a][0] > 0 else float("nan")
    est = r[b][0] * (target / b) ** max(k, 1.0)
    print("%-11s%s   %8.2f   %8.0f s (x%.0f scanlog)" % (tool, cells, k, est, est / (rows["scanlog"][b][0] * target / b)))
print("k = log(t2/t1)/log(n2/n1) between the two largest slices; estimates use max(k, 1).")
PY
exit 0
