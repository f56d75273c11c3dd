#!/usr/bin/env bash
# The short, deterministic fuzzing run of CI (Scripts/test.sh runs it after the test suite).
#
#   Scripts/fuzz-ci.sh
#
# Builds the three libFuzzer + AddressSanitizer targets of Scripts/fuzz.sh (line, envelope, gzip) and runs
# each for a fixed number of executions with a fixed seed (-seed=1), seeded only from Fixtures/ and the
# committed regression corpus Scripts/fuzz/corpus/<target>/, into .build-fuzz-ci/ (not committed). The same
# commit always passes or always fails (see fuzz.sh --runs). Takes about 3 minutes on 2 cores.
#
# Skips (exit 0, with a message) when SCANLOG_SKIP_FUZZ=1, or when this toolchain cannot build and run a
# libFuzzer target (swiftc -sanitize=fuzzer needs the Linux toolchain's libFuzzer runtime).
# Exits 1 when a target crashed (the artifact is named: reproduce with .build-fuzz-ci/<target>-fuzzer FILE,
# then fix it, add the file to Scripts/fuzz/corpus/<target>/ and a test to FuzzRegressionTests.swift),
# 2 when a target does not build.
# Run counts: SCANLOG_FUZZ_CI_RUNS_LINE, _ENVELOPE, _GZIP override the defaults below.
set -u -o pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out=.build-fuzz-ci

if [ "${SCANLOG_SKIP_FUZZ:-0}" = 1 ]; then
    echo "fuzz-ci: skipped (SCANLOG_SKIP_FUZZ=1)"
    exit 0
fi

# --- Can this toolchain build and run a libFuzzer target? ---------------------------------------------
probe="$out/probe"
rm -rf "$probe"; mkdir -p "$probe"
cat > "$probe/probe.swift" <<'EOF'
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt { 0 }
EOF
if ! command -v swiftc >/dev/null 2>&1; then
    echo "fuzz-ci: skipped: no swiftc on PATH"
    exit 0
fi
if ! swiftc -sanitize=fuzzer,address -parse-as-library "$probe/probe.swift" -o "$probe/probe" > "$probe/build.log" 2>&1 < /dev/null; then
    echo "fuzz-ci: skipped: this toolchain cannot build libFuzzer targets (swiftc -sanitize=fuzzer,address failed):"
    grep -v 'ld.gold: warning' "$probe/build.log" | head -5 | sed 's/^/    /'
    exit 0
fi
if ! "$probe/probe" -runs=1 > "$probe/run.log" 2>&1 < /dev/null; then
    echo "fuzz-ci: skipped: a libFuzzer target builds but does not run here:"
    tail -5 "$probe/run.log" | sed 's/^/    /'
    exit 0
fi

# --- Build and run ------------------------------------------------------------------------------------
# Executions per target: about 45 s (gzip: every input goes through zlib, twice), 15 s (line) and 12 s
# (envelope) on one core of a 2-core machine; the whole script took 164 s from an empty .build-fuzz-ci
# (fetching and building GRDB ~50 s, the three targets ~70 s, the runs ~45 s).
line_runs=${SCANLOG_FUZZ_CI_RUNS_LINE:-200000}
envelope_runs=${SCANLOG_FUZZ_CI_RUNS_ENVELOPE:-1000000}
gzip_runs=${SCANLOG_FUZZ_CI_RUNS_GZIP:-40000}
start=$(date +%s)
# The slow gzip target first, so that the other two run beside it on the second core.
bash Scripts/fuzz.sh --out "$out" --jobs 2 --runs "gzip=$gzip_runs,line=$line_runs,envelope=$envelope_runs" gzip line envelope
status=$?
echo "fuzz-ci: done in $(( $(date +%s) - start ))s (build and runs), exit $status"
exit $status
