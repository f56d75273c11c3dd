#!/usr/bin/env bash
# Set-up command 2: installs what is missing and runs the whole test suite. CI runs this (.ci/run).
# Tests that need root, network namespaces or ../shared skip and say so when those are absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-deps.sh --tests
swift build --build-tests
swift test --skip-build "$@"
