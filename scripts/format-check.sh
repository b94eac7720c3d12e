#!/bin/sh
# scripts/format-check.sh: every C file git tracks is as clang-format (the
# root .clang-format) writes it. Prints the files that differ; exits 1 if any.
# Fix with: clang-format -i FILE (tables that read better by hand are fenced
# with clang-format off/on comments).
set -eu
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null 2>&1 || { echo "format-check: clang-format is not installed (make deps-test installs it)" >&2; exit 1; }
bad=0
for f in $(git ls-files '*.c' '*.h'); do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "format-check: $f differs from clang-format's output" >&2
    bad=1
  fi
done
[ "$bad" = 0 ] && echo "format-check: $(git ls-files '*.c' '*.h' | wc -l) files formatted"
exit "$bad"
