#!/usr/bin/env bash
# Generates scanlog's man page and shell completions from its argument parser (swift-argument-parser's
# GenerateManual plugin and --generate-completion-script), into DIR (default .build/docs):
#   DIR/scanlog.1  DIR/completions/scanlog.bash  DIR/completions/_scanlog  DIR/completions/scanlog.fish
# Install: sudo install -m 644 DIR/scanlog.1 /usr/local/share/man/man1/
#          sudo install -m 644 DIR/completions/scanlog.bash /etc/bash_completion.d/scanlog
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.build/docs}"
mkdir -p "$out/completions"
bash Scripts/install-deps.sh
swift build -c release --product scanlog >&2
swift package plugin --allow-writing-to-directory "$out" generate-manual --output-directory "$out" >&2
for shell in bash zsh fish; do
  case $shell in bash) name=scanlog.bash;; zsh) name=_scanlog;; fish) name=scanlog.fish;; esac
  .build/release/scanlog --generate-completion-script $shell > "$out/completions/$name"
done
ls -l "$out" "$out/completions"
