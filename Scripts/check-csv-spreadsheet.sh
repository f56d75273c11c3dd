#!/usr/bin/env bash
# Opens scanlog's CSV tables the way users do and checks that columns and values survive:
#   1. Python's csv module reads every table; header names are the JSON field names; row counts match the JSON.
#   2. LibreOffice (headless) converts each CSV to xlsx and back to CSV: same cells; in the xlsx, number columns
#      are numbers and no cell became a formula (a hostile log tries =HYPERLINK, @SUM, +cmd, -2+3).
# Needs libreoffice-calc-nogui (apt-get install --no-install-recommends libreoffice-calc-nogui). Exits 1 on a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v soffice >/dev/null || { echo "soffice not found: apt-get install --no-install-recommends libreoffice-calc-nogui" >&2; exit 2; }
swift build -c release --product scanlog >&2
bin=.build/release/scanlog
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
demo=Fixtures/captures/demo/ufw.log
# A hostile log: prefixes that spreadsheets would run as formulas.
for prefix in '=HYPERLINK("http://example.invalid","x") ' '@SUM(1+1) ' '+cmd|x ' '-2+3 '; do
  printf 'Nov 22 02:11:03 web1 kernel: %sIN=eth0 OUT= MAC= SRC=198.51.100.7 DST=192.0.2.20 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0 \n' "$prefix"
done > "$work/hostile.log"
$bin analyze --year 2026 --format json "$demo" > "$work/demo.json"
for table in ports sources events probes; do
  $bin analyze --year 2026 --format csv --table $table "$demo" "$work/hostile.log" > "$work/$table.csv"
  (cd "$work" && soffice --headless --calc --convert-to xlsx "$table.csv" >/dev/null 2>&1)
  mkdir -p "$work/back" && (cd "$work" && soffice --headless --calc --convert-to csv:"Text - txt - csv (StarCalc)":44,34,76 --outdir back "$table.xlsx" >/dev/null 2>&1)
done
python3 - "$work" <<'PY'
import csv, json, sys, zipfile, re
work = sys.argv[1]
failures = 0
def fail(message):
    global failures
    failures += 1
    print("FAIL:", message)
numeric = {"ports": ["probes", "sources", "targets"], "sources": ["probes", "ports", "targets", "visits", "days"],
           "events": ["probes"], "probes": ["dpt", "ttl", "len", "count"]}
for table in ["ports", "sources", "events", "probes"]:
    rows = list(csv.DictReader(open(f"{work}/{table}.csv", newline="")))
    back = list(csv.DictReader(open(f"{work}/back/{table}.csv", newline="")))
    if not rows: fail(f"{table}: no rows")
    if rows[0].keys() != back[0].keys(): fail(f"{table}: columns changed in LibreOffice")
    changed = [(i, k, r[k], b[k]) for i, (r, b) in enumerate(zip(rows, back)) for k in r
               if r[k] != b[k] and not (r[k].replace(".", "", 1).isdigit() and float(r[k]) == float(b[k] or "nan"))]
    if len(rows) != len(back): fail(f"{table}: {len(rows)} rows, {len(back)} after LibreOffice")
    if changed: fail(f"{table}: {len(changed)} cells changed, e.g. {changed[:2]}")
    sheet = zipfile.ZipFile(f"{work}/{table}.xlsx").read("xl/worksheets/sheet1.xml").decode()
    if "<f>" in sheet or "<f " in sheet: fail(f"{table}: a cell became a formula")
    header = list(rows[0].keys())
    for column in numeric[table]:
        letter = chr(ord("A") + header.index(column))
        cells = re.findall(rf'<c r="{letter}(\d+)"([^>]*)>', sheet)
        texts = [r for r, attributes in cells if r != "1" and 't="s"' in attributes]
        if texts: fail(f"{table}.{column}: {len(texts)} number cells stored as text")
    print(f"{table}: {len(rows)} rows, {len(header)} columns survive Python csv and LibreOffice xlsx round trip")
demo = json.load(open(f"{work}/demo.json"))
prefixes = [r["prefix"] for r in csv.DictReader(open(f"{work}/probes.csv", newline="")) if r["src"] == "198.51.100.7"]
if not all(p.startswith("'") for p in prefixes) or len(prefixes) != 4: fail(f"hostile prefixes not made inert: {prefixes}")
print("hostile prefixes kept as text:", prefixes)
sys.exit(1 if failures else 0)
PY
