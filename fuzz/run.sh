#!/bin/sh
# fuzz/run.sh BUILD_DIR SECONDS [TARGET...]: runs every libFuzzer target built
# in BUILD_DIR/fuzz (or the ones named, e.g. order idlist) for SECONDS each,
# two at a time per core pair, and prints executions per target.
#
# Each target X starts from fuzz/corpus/X (the seeds, never written to) plus
# its working corpus BUILD_DIR/fuzz/work/X (kept between runs, so coverage
# grows run after run), with fuzz/dict/X.dict when there is one. Inputs in
# fuzz/regress/X/ (past findings) are replayed first. A crash, leak,
# sanitizer report or failed property stops that target; its input is saved
# under BUILD_DIR/fuzz/artifacts/ and printed, and the script exits 1.
set -u
build=${1:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
secs=${2:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
src=$(cd "$(dirname "$0")" && pwd)
bin="$build/fuzz"
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
if [ $# -eq 0 ]; then
  set -- $(cd "$bin" && ls fuzz_* 2>/dev/null | sed -n 's/^fuzz_\([a-z0-9_]*\)$/\1/p')
fi
[ $# -gt 0 ] || { echo "fuzz: no targets in $bin (make build-fuzz)" >&2; exit 2; }
mkdir -p "$bin/artifacts" "$bin/logs"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {
  t=$1
  exe="$bin/fuzz_$t"
  log="$bin/logs/$t.log"
  work="$bin/work/$t"
  mkdir -p "$work"
  [ -x "$exe" ] || { echo "fuzz_$t: not built" >"$log"; return 1; }
  if [ -d "$src/regress/$t" ] && [ -n "$(ls -A "$src/regress/$t")" ]; then
    if ! "$exe" -runs=1 "$src/regress/$t"/* >"$log.regress" 2>&1; then
      cat "$log.regress" >"$log"
      echo "FAILED: a past finding in fuzz/regress/$t fails again" >>"$log"
      return 1
    fi
  fi
  dict=""
  [ -f "$src/dict/$t.dict" ] && dict="-dict=$src/dict/$t.dict"
  seeds=""
  [ -d "$src/corpus/$t" ] && seeds="$src/corpus/$t"
  "$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
    -artifact_prefix="$bin/artifacts/$t-" $dict "$work" $seeds >"$log" 2>&1 &
  pid=$!
  wait $pid
  rc=$?
  rm -f /tmp/postroom-fuzz-$pid.db /tmp/postroom-fuzz-$pid.db-wal /tmp/postroom-fuzz-$pid.db-shm
  return $rc
}

summary() {
  t=$1 rc=$2
  log="$bin/logs/$t.log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  corp=$(ls "$bin/work/$t" 2>/dev/null | wc -l)
  if [ "$rc" = 0 ]; then
    printf 'fuzz_%-12s %10s execs in %ss (%s/s), coverage %s, corpus %s: ok\n' "$t" "${execs:-?}" "$secs" \
      "${rate:-?}" "${cov:-?}" "$corp"
  else
    printf 'fuzz_%-12s FAILED after %s execs; log %s\n' "$t" "${execs:-?}" "$log"
    grep -E 'property failed|ERROR: |runtime error|SUMMARY|FAILED|Test unit written|fuzz_request:' "$log" | head -12 | sed 's/^/    /'
    art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    if [ -n "$art" ] && [ -f "$art" ]; then
      echo "    input ($(wc -c <"$art") bytes), as C string:"
      od -An -c "$art" | head -8 | sed 's/^/      /'
    fi
  fi
}

status=0
set -- "$@"
total=$#
start=$(date +%s)
# run `jobs` targets at a time
while [ $# -gt 0 ]; do
  batch=""
  n=0
  while [ $# -gt 0 ] && [ $n -lt "$jobs" ]; do
    batch="$batch $1"
    shift
    n=$((n + 1))
  done
  pids=""
  for t in $batch; do
    ( run_one "$t"; echo $? >"$bin/logs/$t.rc" ) &
    pids="$pids $!"
  done
  wait $pids
  for t in $batch; do
    rc=$(cat "$bin/logs/$t.rc" 2>/dev/null || echo 1)
    summary "$t" "$rc"
    [ "$rc" = 0 ] || status=1
  done
done
echo "fuzz: $total targets, ${secs}s each, $(( $(date +%s) - start ))s in all: $([ $status = 0 ] && echo 'no findings' || echo 'FINDINGS (see above)')"
exit $status
