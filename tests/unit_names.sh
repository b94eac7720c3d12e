#!/bin/sh
# tests/unit_names.sh SOURCE_DIR: every unit test is named after the module
# it tests (tests/unit/README.md), so the test of a file is found by its
# name. tests/unit/test_X.c passes when X names a module of src/: a
# src/*/X.c (or src/*/*/X.c, a backend's file: store/pg/pg_stmt.c), a
# src/*/X.h, or a family src/*/X_*.c (formats/import*.c), or
# when X is MODULE_ASPECT for a module whose tests fill more than one file
# (test_store_postage.c).
set -u
root=${1:?usage: unit_names.sh SOURCE_DIR}

# None today: every test file is named after a module.
exceptions=""

# Whether $1 names a module of src/.
module() {
  for f in "$root"/src/*/"$1".c "$root"/src/*/"$1".h "$root"/src/*/"$1"_*.c \
    "$root"/src/*/*/"$1".c; do
    [ -e "$f" ] && return 0
  done
  return 1
}

# Whether test_$1.c is a name the rule allows.
allowed() {
  module "$1" && return 0
  p=$1
  while [ "${p%_*}" != "$p" ]; do
    p=${p%_*}
    module "$p" && return 0
  done
  for e in $exceptions; do
    [ "$1" = "$e" ] && return 0
  done
  return 1
}

bad=0
n=0
for t in "$root"/tests/unit/test_*.c; do
  [ -e "$t" ] || continue
  x=$(basename "$t" .c)
  x=${x#test_}
  n=$((n + 1))
  if ! allowed "$x"; then
    echo "unit names: tests/unit/test_$x.c names no module (no src/*/$x.c, $x.h or ${x}_*.c)" >&2
    bad=1
  fi
done
# The rule refuses what it must: layer names and files that do not exist.
for x in domain util auth nosuchmodule; do
  if allowed "$x"; then
    echo "unit names: the check would let test_$x.c pass" >&2
    bad=1
  fi
done
if [ "$n" -eq 0 ]; then
  echo "unit names: no tests/unit/test_*.c under $root" >&2
  bad=1
fi
[ $bad -eq 0 ] && echo "unit names: $n test files, each named after a module"
exit $bad
