#!/usr/bin/env bash
# Installs what scanlog needs on Debian/Ubuntu when it is missing: zlib's and SQLite's headers (zlib1g-dev,
# libsqlite3-dev) and pkg-config to build; with --tests also what the tests use: gzip, python3 (the scenario generator) and logrotate (the nightly
# week test runs the real one). Does nothing when everything is there.
set -euo pipefail
packages=(zlib1g-dev libsqlite3-dev pkg-config)
[ "${1:-}" = "--tests" ] && packages+=(gzip python3 logrotate)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "scanlog: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "scanlog: please install ${missing[*]} (apt-get install ${missing[*]})" >&2
  exit 1
fi
