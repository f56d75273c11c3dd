#!/usr/bin/env bash
# Two weeks of `scanlog nightly` in a temporary directory: each night appends a day of generated ufw lines
# (Scripts/generate-nights.py: background noise, a source that comes back daily to 22 and 3389, a slow scan of
# five new ports a night, forty sources on 3089/tcp on day 13), runs `scanlog nightly`, and prints a line of what
# it found. Night 13's report is printed whole, then `scanlog history` of a port and a source.
# Usage: Scripts/nightly-demo.sh [path/to/scanlog]   (default: a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
scanlog=${1:-}
if [ -z "$scanlog" ]; then
  swift build -c release --product scanlog >&2
  scanlog=.build/release/scanlog
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 Scripts/generate-nights.py "$work/days" 13
: > "$work/ufw.log"
run() { "$scanlog" nightly --state "$work/state/state.json" --year 2026 --log-utc-offset +00:00 "$@" "$work/ufw.log"; }
for day in $(seq -w 1 13); do
  cat "$work/days/day$day.log" >> "$work/ufw.log"
  if [ "$day" = 13 ]; then break; fi
  printf 'night %s: ' "$day"
  run --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); h=d["history"]; print(len(d["events"]), "targeted event(s);", len(h["rising_ports"]), "rising port(s);", len(h["new_ports"]), "new port(s)")'
done
echo
echo "\$ scanlog nightly --always ... (night 13)"
run --always --top 3 | sed "s|$work|/var/lib/scanlog|g"
echo
echo "\$ scanlog history 3089"
"$scanlog" history --state "$work/state/state.json" 3089 --days 13
echo
echo "\$ scanlog history 203.0.113.77"
"$scanlog" history --state "$work/state/state.json" 203.0.113.77 --days 13
