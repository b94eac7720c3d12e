#!/bin/sh
# scripts/format-check.sh: every C file git tracks is as clang-format (the
# root .clang-format) writes it. Prints the files that differ; exits 1 if any.
# Fix with: clang-format -i FILE (tables that read better by hand are fenced
# with clang-format off/on comments).
set -eu
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null 2>&1 || { echo "format-check: clang-format is not installed (make deps-test installs it)" >&2; exit 1; }
files=$(git ls-files '*.c' '*.h')
# one clang-format for every file: a process per file took 18 s of make test
if out=$(clang-format --dry-run --Werror $files 2>&1); then
  echo "format-check: $(echo "$files" | wc -l) files formatted"
  exit 0
fi
echo "$out" | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/format-check: \1 differs from clang-format'"'"'s output/p' | sort -u >&2
exit 1
