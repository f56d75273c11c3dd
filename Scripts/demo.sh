#!/usr/bin/env bash
# Set-up command 1: installs what is missing, builds scanlog (release) and analyzes the real log shipped in
# Fixtures/. Extra arguments go to `scanlog analyze` (e.g. --format json).
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-deps.sh
swift build -c release --product scanlog >&2
exec .build/release/scanlog analyze Fixtures/captures/demo/ufw.log "$@"
