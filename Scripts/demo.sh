#!/usr/bin/env bash
# Set-up command 1: installs what is missing, builds scanlog (release) and analyzes the real log shipped in
# Fixtures/. Extra arguments go to `scanlog analyze` (e.g. --format json).
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-deps.sh
swift build -c release --product scanlog >&2
# The capture was logged with TZ=Europe/Berlin in November 2026 (Fixtures/captures/MANIFEST.md).
exec .build/release/scanlog analyze --year 2026 --log-utc-offset +01:00 Fixtures/captures/demo/ufw.log "$@"
