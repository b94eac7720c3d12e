#!/bin/sh
# fuzz/planted.sh BUILD_DIR SECONDS: the planted-leak check. BUILD_DIR is a
# fuzz tree configured with -DPOSTROOM_PLANT_LEAK=ON (`make fuzz-planted`
# builds build-fuzz-planted/): there the export's pages with an end date lose
# their tenant filter and another tenant's rows go out unclaimed, so the
# egress wall cannot see them. fuzz_request must find that leak within
# SECONDS, once with each of its oracles alone (the store check, then the
# body scan for the victim's secret) and once with both. The run fails if any
# of the three does not report it ("fuzz_request: LEAK"), or reports
# something else.
#
# The fuzzer starts from the export seeds (fuzz/corpus/request/export*), and
# first the check makes sure that none of them leaks by itself: the input
# that leaks must be one the fuzzer made. (From all the seeds, 60 s were not
# enough to turn the one date that matters into a later one.) Nothing is
# kept: each run has a fresh temporary corpus and one worker.
set -u
build=${1:?usage: fuzz/planted.sh BUILD_DIR SECONDS}
secs=${2:?usage: fuzz/planted.sh BUILD_DIR SECONDS}
src=$(cd "$(dirname "$0")" && pwd)
exe="$build/fuzz/fuzz_request"
[ -x "$exe" ] || { echo "planted: $exe not built (make fuzz-planted)" >&2; exit 2; }
if ! grep -q 'POSTROOM_PLANT_LEAK' "$build/CMakeCache.txt" 2>/dev/null ||
   ! grep -q '^POSTROOM_PLANT_LEAK:BOOL=ON' "$build/CMakeCache.txt"; then
  echo "planted: $build is not a planted tree (-DPOSTROOM_PLANT_LEAK=ON)" >&2
  exit 2
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
tmp=$(mktemp -d /tmp/postroom-planted.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# fuzz LOG ARGS...: runs fuzz_request, removes its database, returns its status
fuzz() {
  out=$1
  shift
  "$exe" "$@" >"$out" 2>&1 &
  pid=$!
  wait $pid
  rc=$?
  rm -f /tmp/postroom-fuzz-$pid.db /tmp/postroom-fuzz-$pid.db-wal /tmp/postroom-fuzz-$pid.db-shm
  return $rc
}
mkdir -p "$tmp/seeds"
cp "$src"/corpus/request/export* "$tmp/seeds/"
if ! fuzz "$tmp/seeds.log" -runs=0 "$tmp/seeds"; then
  echo "planted: a seed leaks by itself, so the check would prove nothing:" >&2
  grep -E 'fuzz_request:' "$tmp/seeds.log" | head -3 >&2
  exit 1
fi
status=0
for mode in store body both; do
  work="$tmp/$mode"
  mkdir -p "$work/corpus"
  log="$work/log"
  export FUZZ_REQUEST_ORACLE=$mode
  start=$(date +%s%N)
  fuzz "$log" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=16384 -print_final_stats=1 -artifact_prefix="$work/" \
    -dict="$src/dict/request.dict" "$work/corpus" "$tmp/seeds"
  rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  took=$((ms / 1000)).$((ms % 1000 / 100))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  what=$(grep -m1 'fuzz_request: LEAK' "$log" | sed 's/^fuzz_request: //')
  art=$(ls "$work"/crash-* 2>/dev/null | head -1)
  if [ "$rc" != 0 ] && [ -n "$what" ] && [ -n "$art" ]; then
    # the input alone, in a fresh process (a new secret): does it leak again?
    again=no
    fuzz "$work/replay" -runs=1 "$art" || again=yes
    grep -q 'fuzz_request: LEAK' "$work/replay" || again=no
    printf 'planted (%s oracle): found in %ss, %s execs; replayed alone: %s\n    %s\n    input: %s\n' \
      "$mode" "$took" "${execs:-?}" "$again" "$what" "$(head -1 "$art")"
  else
    status=1
    if [ "$rc" = 0 ]; then
      printf 'planted (%s oracle): NOT FOUND in %ss (%s execs): the oracle misses a real leak\n' \
        "$mode" "$took" "${execs:-?}"
    else
      printf 'planted (%s oracle): FAILED on something other than the leak after %ss:\n' "$mode" "$took"
      grep -E 'fuzz_request:|ERROR: |runtime error|SUMMARY' "$log" | head -6 | sed 's/^/    /'
    fi
  fi
done
echo "planted: $([ $status = 0 ] && echo 'the planted leak was found by every oracle' || echo 'FAILED')"
exit $status
