#!/usr/bin/env bash
# Set-up command 2: installs what is missing and runs the whole test suite, then the short deterministic
# fuzzing run (Scripts/fuzz-ci.sh: the three libFuzzer targets, a fixed seed and number of runs, ~4 minutes).
# CI runs this (.ci/run).
# Tests that need root, network namespaces or ../shared skip and say so when those are absent; the fuzzing run
# skips when the toolchain cannot build libFuzzer targets, when SCANLOG_SKIP_FUZZ=1, and when arguments for
# `swift test` are given (a partial run, e.g. Scripts/test.sh --filter NightlyTests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-deps.sh --tests
swift build --build-tests
swift test --skip-build "$@"
if [ $# -gt 0 ]; then
    echo "fuzz-ci: skipped (a partial test run: $*)"
else
    bash Scripts/fuzz-ci.sh
fi
