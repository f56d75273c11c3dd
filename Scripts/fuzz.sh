#!/usr/bin/env bash
# Builds and runs the libFuzzer harnesses in Scripts/fuzz/ against ScanlogCore.
#
#   Scripts/fuzz.sh [--seconds N | --runs N] [--head] [--jobs J] [--no-build] [--find-known] [--out DIR] [target ...]
#
# Targets: line (LineParser + LineFramer + Aggregator), envelope (EnvelopeParser), gzip (GzipSource ->
# ReadAhead -> LineFramer -> LineParser). Default: all three, 60 s each, two at a time.
# --head fuzzes the committed Sources (git HEAD) instead of the working tree (which others may be editing).
# Inputs that hit bugs already reported are skipped (SCANLOG_FUZZ_SKIP_KNOWN=1, see FuzzSupport.swift's
# hitsKnownBug) unless --find-known is given.
# --runs N (or gzip=N,line=N,envelope=N): a deterministic run for CI (Scripts/fuzz-ci.sh): N executions per
# target with -seed=1, seeded only from Fixtures/ and the committed regression corpus Scripts/fuzz/corpus/<target>/
# (never ../shared), from an empty working corpus, without ASLR, corpus reloads, the RSS thread, the comparison
# dictionary or the gzip target's reader thread: two runs of the same build take exactly the same inputs.
# When ScanlogCore imports GRDB (the history database), GRDB is built first with SwiftPM (in <out>/spm).
# Everything goes under .build-fuzz/ (or --out DIR; not committed): binaries, seeds, corpora, crash artifacts, logs.
# Exits 1 if any target crashed (the artifacts are listed), 2 on a build or usage error.
# Reproduce a crash:  .build-fuzz/<target>-fuzzer <artifact>
# Minimise a crash:   .build-fuzz/<target>-fuzzer -minimize_crash=1 -runs=20000 <artifact>
set -u -o pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seconds=60
runs=0
runs_spec=
out_name=.build-fuzz
jobs=2
from_head=0
build=1
find_known=0
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --runs) runs_spec="$2"; runs=1; shift 2 ;;
        --out) out_name="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        --head) from_head=1; shift ;;
        --no-build) build=0; shift ;;
        --find-known) find_known=1; shift ;;
        -h|--help) sed -n '2,/^set -u/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
        line|envelope|gzip) targets+=("$1"); shift ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
[ ${#targets[@]} -eq 0 ] && targets=(line envelope gzip)

case "$out_name" in /*) out="$out_name" ;; *) out="$root/$out_name" ;; esac
mkdir -p "$out"

# --- Build -------------------------------------------------------------------------------------------
# The harness is compiled into the same module as the ScanlogCore sources (a snapshot copy, so that edits
# made during the build do not break it), with libFuzzer and AddressSanitizer.
if [ $build -eq 1 ]; then
    snapshot="$out/src"
    rm -rf "$snapshot"; mkdir -p "$snapshot"
    if [ $from_head -eq 1 ]; then
        git archive HEAD Sources | tar -x -C "$snapshot"
        echo "fuzzing Sources at $(git rev-parse --short HEAD)"
    else
        cp -R Sources "$snapshot/"
        echo "fuzzing the working tree's Sources (git HEAD $(git rev-parse --short HEAD))"
    fi
    cp Scripts/fuzz/*.swift "$snapshot/"
    core_sources=()
    while IFS= read -r file; do core_sources+=("$file"); done < <(find "$snapshot/Sources/ScanlogCore" -name '*.swift' | sort)
    # The history database (Sources/ScanlogCore/History) imports GRDB: build GRDB with SwiftPM (release, in
    # $out/spm) and compile against its module and objects. No harness reaches it, but the module needs it.
    extra=()
    if grep -rlq '^import GRDB' "$snapshot/Sources/ScanlogCore"; then
        echo "building GRDB (swift build -c release --target GRDB, in $out_name/spm)"
        if ! swift build -c release --scratch-path "$out/spm" --target GRDB > "$out/grdb-build.log" 2>&1 < /dev/null; then
            tail -20 "$out/grdb-build.log" >&2
            echo "build of GRDB failed" >&2
            exit 2
        fi
        grdb_objects=("$out"/spm/release/GRDB.build/*.o)
        extra=(-I "$out/spm/release/Modules" -I "$out/spm/checkouts/GRDB.swift/Sources/GRDBSQLite" -lsqlite3 "${grdb_objects[@]}")
    fi
    build_target() {
        local target="$1" harness
        case "$target" in
            line) harness=LineFuzzer.swift ;;
            envelope) harness=EnvelopeFuzzer.swift ;;
            gzip) harness=GzipFuzzer.swift ;;
        esac
        swiftc -sanitize=fuzzer,address -parse-as-library -O -wmo -g -module-name ScanlogCore \
            -I "$snapshot/Sources/CZlib" -lz "${extra[@]}" \
            "${core_sources[@]}" "$snapshot/FuzzSupport.swift" "$snapshot/$harness" \
            -o "$out/$target-fuzzer" > "$out/$target-build.log" 2>&1 < /dev/null
        echo $? > "$out/$target-build.status"
    }
    # Up to --jobs builds at a time (each compiles the whole module on one core).
    building=0
    for target in "${targets[@]}"; do
        echo "building $target-fuzzer"
        rm -f "$out/$target-build.status"
        build_target "$target" &
        building=$((building + 1))
        if [ $building -ge "$jobs" ]; then wait -n; building=$((building - 1)); fi
    done
    wait
    for target in "${targets[@]}"; do
        if [ "$(cat "$out/$target-build.status" 2>/dev/null || echo 1)" -ne 0 ]; then
            grep -v 'ld.gold: warning' "$out/$target-build.log" >&2
            echo "build of $target-fuzzer failed" >&2
            exit 2
        fi
    done
fi

# --- Seeds -------------------------------------------------------------------------------------------
# One line per seed file, sampled across every capture (and ../shared/corpus when present).
sample_lines() {  # sample_lines <dir> <lines per file> <file...>
    local dir="$1" per="$2"; shift 2
    local file total step
    for file in "$@"; do
        case "$file" in *.gz) continue ;; esac
        total=$(wc -l < "$file")
        [ "$total" -gt 0 ] || continue
        step=$(( total / per )); [ $step -lt 1 ] && step=1
        awk -v step="$step" -v per="$per" -v dir="$dir" -v tag="$(basename "$file" | tr -c 'A-Za-z0-9.\n' _)" '
            (NR - 1) % step == 0 && taken < per { taken++; f = sprintf("%s/%s-%d", dir, tag, NR); printf "%s", $0 > f; close(f) }
        ' "$file"
    done
}

make_seeds() {
    local target="$1" dir="$out/seeds/$1"
    if [ "$runs" -gt 0 ]; then rm -rf "$dir"; elif [ -d "$dir" ]; then return; fi
    mkdir -p "$dir"
    local text=()
    while IFS= read -r f; do text+=("$f"); done < <(find Fixtures/captures -type f \( -name '*.log' -o -name '*.log.[0-9]' \) | sort)
    local shared=()
    if [ -d ../shared/corpus ] && [ "$runs" -eq 0 ]; then
        while IFS= read -r f; do shared+=("$f"); done < <(find ../shared/corpus -maxdepth 1 -type f ! -name '*.gz' ! -name '*.md' | sort)
    fi
    case "$target" in
        line|envelope)
            sample_lines "$dir" 40 "${text[@]}"
            [ ${#shared[@]} -gt 0 ] && sample_lines "$dir" 6 "${shared[@]}"
            # Formats the captures lack: journal JSON and export, ulogd JSON, repeats, Proxmox.
            printf '%s' '{"__REALTIME_TIMESTAMP":"1700000000123456","_HOSTNAME":"gw","MESSAGE":"[UFW BLOCK] IN=eth0 OUT= MAC=00:11 SRC=198.51.100.7 DST=192.0.2.20 LEN=44 TTL=241 ID=1 PROTO=TCP SPT=4000 DPT=23 WINDOW=65535 SYN URGP=0"}' > "$dir/x-journal-json"
            printf '%s' '{"MESSAGE":[73,78,61,101,116,104,48,32,79,85,84,61,32,83,82,67,61,49,46,50,46,51,46,52,32,68,83,84,61,53,46,54,46,55,46,56,32,80,82,79,84,79,61,85,68,80,32,83,80,84,61,49,32,68,80,84,61,50]}' > "$dir/x-journal-bytes"
            printf '%s' '{"timestamp":"2024-01-01T00:00:00","oob.prefix":"DROP","oob.time.sec":1700000000,"oob.time.usec":5,"oob.in":"eth0","oob.out":"","src_ip":"198.51.100.7","dest_ip":"192.0.2.20","ip.protocol":6,"ip.ttl":64,"src_port":4000,"dest_port":22,"tcp.syn":1,"action":"blocked"}' > "$dir/x-ulogd-json"
            printf '%s' 'MESSAGE=[UFW BLOCK] IN=eth0 OUT= SRC=2001:db8::1 DST=2001:db8::2 LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=1 DPT=443 WINDOW=1 RES=0x00 SYN URGP=0' > "$dir/x-export-message"
            printf '%s' '__REALTIME_TIMESTAMP=1700000000123456' > "$dir/x-export-time"
            printf '%s' 'Nov 22 02:11:03 gw kernel: message repeated 3 times: [ [UFW BLOCK] IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 PROTO=ICMP TYPE=3 CODE=1 [SRC=5.6.7.8 DST=1.2.3.4 LEN=40 PROTO=TCP SPT=1 DPT=2 ] ]' > "$dir/x-repeat-icmp"
            printf '%s' '0 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 +0200 policy DROP: IN=vmbr0 PHYSIN=eno1 MAC=aa SRC=1.2.3.4 DST=5.6.7.8 LEN=40 PROTO=TCP SPT=1 DPT=3389 SYN' > "$dir/x-proxmox"
            printf '%s' '<4>1 2026-11-22T02:11:03.123456+01:00 host kernel - - - [UFW BLOCK] IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 PROTO=UDP SPT=1 DPT=2' > "$dir/x-rfc5424"
            printf '%s' 'Sat Apr  2 10:31:53 2022 kern.warn kernel: [ 12.5] DROP IN=br0 OUT= SRC=1.2.3.4 DST=5.6.7.8 PROTO=TCP SPT=1 DPT=2' > "$dir/x-busybox"
            printf '%s' '1700000000.123456 host kernel: IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 PROTO=TCP SPT=1 DPT=2' > "$dir/x-short-unix"
            if [ "$target" = line ]; then
                # Multi-line seeds for the framed half (the first byte sets the limit and chunk size).
                local i=0 f
                for f in "${text[@]}"; do
                    i=$((i + 1))
                    { printf "$(printf '\\x%02x' $(( (i * 37) % 256 )))"; head -n 4 "$f"; printf 'a\r\nb\r\n\r\n'; } > "$dir/multi-$i"
                done
            fi
            ;;
        gzip)
            # A control byte (buffer sizes) and a gzip file: the captures, small members, joined members, tails.
            local i=0 f c
            for f in $(find Fixtures/captures -name '*.gz' | sort); do
                for c in 0x00 0x55 0xaa 0xff; do i=$((i + 1)); { printf "\\x${c#0x}"; cat "$f"; } > "$dir/capture-$i"; done
            done
            for f in "${text[@]}"; do
                i=$((i + 1))
                { printf "$(printf '\\x%02x' $(( (i * 53) % 256 )))"; head -n 3 "$f" | gzip -c -n; } > "$dir/small-$i"
            done
            { printf '\x1b'; printf 'a\nb\n' | gzip -c -n; printf 'c\r\nd' | gzip -c -n; } > "$dir/members"
            { printf '\x6e'; printf 'line\n' | gzip -c -n; printf '\0\0\0\0'; } > "$dir/nul-tail"
            { printf '\x93'; printf 'line\n' | gzip -c -n | head -c 20; } > "$dir/truncated"
            { printf '\xc4'; printf '' | gzip -c -n; } > "$dir/empty"
            ;;
    esac
}

# --- Run ---------------------------------------------------------------------------------------------
runs_for() {  # the --runs count for one target: a plain number, or that target's entry of line=N,envelope=N,...
    case "$runs_spec" in
        *=*) tr ',' '\n' <<< "$runs_spec" | sed -n "s/^$1=//p" | head -1 ;;
        *) echo "$runs_spec" ;;
    esac
}

run_target() {
    local target="$1" max_len
    case "$target" in line) max_len=4096 ;; envelope) max_len=512 ;; gzip) max_len=8192 ;; esac
    make_seeds "$target"
    mkdir -p "$out/corpus/$target" "$out/artifacts/$target"
    local log="$out/$target-run.log"
    local limit=(-max_total_time="$seconds") dirs=("$out/corpus/$target" "$out/seeds/$target") launcher=() rss_limit=2048
    if [ "$runs" -gt 0 ]; then
        # Deterministic: a fixed seed and number of runs, an empty working corpus, committed seeds only.
        rm -rf "$out/corpus/$target"; mkdir -p "$out/corpus/$target"
        limit=(-runs="$(runs_for "$target")" -seed=1)
        # Same addresses every run (no ASLR): buffer alignment and address-based hashing then take the
        # same paths, so that the coverage feedback, and with it every mutation, repeats.
        command -v setarch > /dev/null && setarch "$(uname -m)" -R true 2> /dev/null && launcher=(setarch "$(uname -m)" -R)
        # No RSS-watching thread: its allocations, counted while an input runs, would now and then make
        # libFuzzer suspect a leak and run that input again, shifting every later mutation.
        rss_limit=0
        # Nor a re-read of the corpus folder every second (-reload), which runs units again at times that vary;
        # and no dictionary from traced comparisons (-use_cmp): Swift compares string storage addresses, which
        # differ from run to run. With these, two runs of the line or envelope target repeat exactly.
        limit+=(-reload=0 -use_cmp=0)
        # The gzip target without its reader thread (see GzipFuzzer.swift), for the same reason.
        export SCANLOG_FUZZ_NO_THREADS=1
        [ -d "Scripts/fuzz/corpus/$target" ] && dirs+=("Scripts/fuzz/corpus/$target")
    fi
    # The Swift runtime's own backtracer would catch the trap first and confuse ASan: leave it to libFuzzer.
    SCANLOG_FUZZ_SKIP_KNOWN=$(( 1 - find_known )) SWIFT_DETERMINISTIC_HASHING=1 SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}" \
    "${launcher[@]}" "$out/$target-fuzzer" "${dirs[@]}" \
        "${limit[@]}" -max_len="$max_len" -timeout=20 -rss_limit_mb="$rss_limit" \
        -artifact_prefix="$out/artifacts/$target/" -print_final_stats=1 > "$log" 2>&1
    echo $? > "$out/$target-run.status"
}

for target in "${targets[@]}"; do rm -f "$out/$target-run.status"; done
running=0
for target in "${targets[@]}"; do
    if [ "$runs" -gt 0 ]; then
        echo "running $target for $(runs_for "$target") runs, seed 1 (log: $out_name/$target-run.log)"
    else
        echo "running $target for ${seconds}s (log: $out_name/$target-run.log)"
    fi
    run_target "$target" &
    running=$((running + 1))
    if [ $running -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait

failed=0
for target in "${targets[@]}"; do
    log="$out/$target-run.log"
    status=$(cat "$out/$target-run.status" 2>/dev/null || echo 1)
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    echo "$target: exit $status, ${execs:-?} executions; last status: ${last:-none}"
    artifacts=$(find "$out/artifacts/$target" -type f -newer "$out/$target-fuzzer" 2>/dev/null)
    if [ "$status" -ne 0 ] || [ -n "$artifacts" ]; then
        failed=1
        echo "  CRASH in $target:" >&2
        grep -E 'ERROR: |FUZZ INVARIANT|Fatal error|SUMMARY' "$log" | head -5 | sed 's/^/    /' >&2
        for a in $artifacts; do echo "    artifact: $a" >&2; done
    fi
done
exit $failed
