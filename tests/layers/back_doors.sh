#!/bin/sh
# tests/layers/back_doors.sh SRC: what the include views cannot catch.
set -u
src=${1:?usage: back_doors.sh SRC}
bad=0
if grep -rn '#include "\.\./' "$src"; then
  echo "layers: a relative include reaches around the layer views" >&2
  bad=1
fi
if grep -rn 'struct request' "$src/service" "$src/domain" "$src/documents" "$src/formats" "$src/store"; then
  echo "layers: a layer below the faces names struct request" >&2
  bad=1
fi
[ $bad -eq 0 ] && echo "layers: no back doors"
exit $bad
