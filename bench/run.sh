#!/usr/bin/env bash
# bench/run.sh BUILD_DIR: the benchmark suite that `make bench` runs.
#
# Measures, on this machine:
#   reference  the fastest bare libmicrohttpd hello world (bench/hello.c, BUILD_DIR/bench/bench_hello,
#              in each of its variants, the fastest kept)
#   orders     POST /api/v1/orders with batches of 100 orders  -> orders/s
#   get        authenticated GET /api/v1/orders/1001           -> req/s, p99, share of reference
#   labels     100-label PDFs in process, and through 1 and 2 drawing processes (as the server
#              draws), WeasyPrint on the same labels,
#              one label per request
#   import     a 1,000-order spreadsheet uploaded to /import     -> orders/s
#   jobs       a 100,000-row Click & Drop file (BENCH_JOB_ROWS) through `postroom import`
#              and POST /api/postroom/imports, beside the sqlite3 shell's .import of the
#              same file into a bare table -> rows/s, x of .import, peak RSS
#              (targets >= 50,000 rows/s, BENCH_JOBS_TARGET, and <= 4x .import)
#   orderlist  the web app's GET /orders with 10,000 orders, signed in -> req/s, p99;
#              POST /orders/bulk/labels of 100 ticked orders       -> ms, labels/s
#   pg         bench/pg.sh: the same on PostgreSQL, one and three servers, the cost of
#              RLS, CPU seconds per 1,000 orders (BENCH_PG=0 skips it)
#   audit      orders and get, taking turns on an audited server and one with the
#              access audit off (serve --audit 0), BENCH_AUDIT_ROUNDS times: what the
#              audit costs each, from the medians (target <= 10%), and the server's
#              CPU a GET each way; then one record's CPU without the network
#              (bench/audit.c, BENCH_AUDIT_RECORDS records)
# against a throw-away database in a temp dir. The first server runs as
# deployed: every read and change recorded in the access audit.
#
# Exit status: non-zero when a run had errors (non-2xx answers, failed orders,
# socket errors, a server that died); missing a speed target is only reported
# (PASS/BELOW), never a failure.
#
# Tunables (environment):
#   BENCH_SECONDS=5            length of each measured run
#   BENCH_WARMUP=1             seconds of unmeasured warm-up before reference and get (0: none)
#   BENCH_THREADS=2            wrk threads
#   BENCH_CONNECTIONS=64       wrk connections for reference and get
#   BENCH_ORDER_CONNECTIONS=8  wrk connections for order creation
#   BENCH_ORDERS_TARGET=30000  orders/s target (issue 13)
#   BENCH_GET_TARGET_PCT=60    get target, in % of the reference (issue 13)
#   BENCH_HELLO_VARIANTS="epoll epoll-turbo poll-turbo select-turbo"
#                              the ways bench_hello runs libmicrohttpd; the fastest is the reference
#   BENCH_OUT=bench/out        where the raw wrk outputs and the summary are kept
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
BUILD="$(cd "$1" && pwd)"

SECONDS_RUN="${BENCH_SECONDS:-5}"
WARMUP="${BENCH_WARMUP:-1}"
THREADS="${BENCH_THREADS:-2}"
CONNS="${BENCH_CONNECTIONS:-64}"
ORDER_CONNS="${BENCH_ORDER_CONNECTIONS:-8}"
ORDERS_TARGET="${BENCH_ORDERS_TARGET:-30000}"
GET_TARGET_PCT="${BENCH_GET_TARGET_PCT:-60}"
OUT="${BENCH_OUT:-$root/bench/out}"

POSTROOM="$BUILD/postroom"
HELLO="$BUILD/bench/bench_hello"

for tool in wrk curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "bench: '$tool' is not installed (make deps-bench installs it)" >&2
    exit 1
  fi
done
for bin in "$POSTROOM" "$HELLO"; do
  if [ ! -x "$bin" ]; then
    echo "bench: $bin is missing; build first (make build)" >&2
    exit 1
  fi
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/postroom-bench.XXXXXX")"
server_pid=""
hello_pid=""
off_pid=""

stop_pid() { # stop_pid PID: SIGTERM, wait up to 5 s, then SIGKILL
  local pid="$1" _i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  stop_pid "$hello_pid"
  stop_pid "$off_pid"
  stop_pid "$server_pid"
  if [ -f "$tmp/server.log" ] && [ -d "$OUT" ]; then
    tail -n 200 "$tmp/server.log" >"$OUT/server.log.tail" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT/server.log.tail"

# port_busy PORT: true when something already listens on 127.0.0.1:PORT.
port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port START: first port from START (within 200) nothing listens on.
free_port() {
  local p="$1" end=$(($1 + 200))
  while [ "$p" -lt "$end" ]; do
    if ! port_busy "$p"; then
      echo "$p"
      return 0
    fi
    p=$((p + 1))
  done
  echo "bench: no free port in $1..$end" >&2
  return 1
}

# wait_http PID URL: poll URL for up to 10 s while PID is alive.
wait_http() {
  local pid="$1" url="$2" _i
  for _i in $(seq 100); do
    if ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    if curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# field NAME LINE: the value of NAME=value in a "BENCH ..." line.
field() {
  printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1
}

# wrk_text_stats FILE: "req_s p99_ms non2xx socket_errors" from wrk's own text output.
wrk_text_stats() {
  awk '
    function ms(v,   n) {
      n = v + 0
      if (v ~ /us$/) return n / 1000
      if (v ~ /ms$/) return n
      if (v ~ /m$/)  return n * 60000
      if (v ~ /s$/)  return n * 1000
      return n
    }
    /^Requests\/sec:/            { rps = $2 }
    $1 == "99%"                  { p99 = ms($2) }
    /Non-2xx or 3xx responses:/  { bad = $NF }
    /Socket errors:/ {
      gsub(",", "")
      sock = $4 + $6 + $8 + $10
    }
    END { printf "%s %.3f %d %d\n", (rps == "" ? 0 : rps), p99, bad, sock }
  ' "$1"
}

warmup() { # warmup URL [wrk args...]
  local url="$1"
  shift
  if [ "$WARMUP" != 0 ]; then
    wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" "$@" "$url" >/dev/null 2>&1 || true
  fi
}

failures=()

echo "== postroom benchmark: $(nproc) cores, ${SECONDS_RUN}s per run, wrk -t$THREADS"
echo "   build: $BUILD"

# ---- database, tenant, key ------------------------------------------------
DB="$tmp/bench.db"
"$POSTROOM" --db "$DB" migrate >"$tmp/migrate.out" 2>&1 || {
  cat "$tmp/migrate.out" >&2
  echo "bench: migrate failed" >&2
  exit 1
}
TID="$("$POSTROOM" --db "$DB" tenant create "Bench Ltd")"
TID="$(printf '%s' "$TID" | tr -d '[:space:]')"
if [ -z "$TID" ]; then
  echo "bench: 'tenant create' printed no tenant id" >&2
  exit 1
fi
KEY="$("$POSTROOM" --db "$DB" apikey create "$TID" --name bench)"
KEY="$(printf '%s' "$KEY" | tr -d '[:space:]')"
if [ "${#KEY}" -ne 36 ]; then
  echo "bench: 'apikey create' printed '${KEY}' (${#KEY} chars), expected a 36-char key" >&2
  exit 1
fi
export POSTROOM_KEY="$KEY"

# ---- ports ----------------------------------------------------------------
PORT="$(free_port $((18080 + $$ % 1000)))"
HPORT="$(free_port $((PORT + 1)))"

# ---- postroom -------------------------------------------------------------
"$POSTROOM" --db "$DB" serve --listen "127.0.0.1:$PORT" --rate-limit 0 \
  >"$tmp/server.out" 2>"$tmp/server.log" &
server_pid=$!
if ! wait_http "$server_pid" "http://127.0.0.1:$PORT/healthz"; then
  echo "bench: postroom did not answer /healthz on 127.0.0.1:$PORT within 10 s" >&2
  tail -n 20 "$tmp/server.log" "$tmp/server.out" >&2 || true
  exit 1
fi
BASE="http://127.0.0.1:$PORT"

# ---- a. reference -------------------------------------------------------------
# run_reference NAME: bench_hello in each of its ways of running libmicrohttpd
# (bench/hello.c: epoll, epoll-turbo, poll-turbo, select-turbo), one after the
# other in the same minute; the fastest is this round's reference. Sets
# last_rps, last_p99 and last_variant, and prints how far ahead the fastest
# was. It runs twice, before the postroom runs and after them, and the better
# round is the reference: it is a ceiling, and on a shared VM one run can
# land in a slow patch.
HELLO_VARIANTS="${BENCH_HELLO_VARIANTS:-epoll epoll-turbo poll-turbo select-turbo}"
run_reference() {
  local name="$1" v rps p99 bad sock line="" second=0
  last_rps=0 last_p99=0 last_variant=""
  for v in $HELLO_VARIANTS; do
    echo
    echo "-- reference ($name, $v): bare libmicrohttpd hello world (wrk -c$CONNS)"
    "$HELLO" "$HPORT" "$v" 2>"$tmp/hello.log" &
    hello_pid=$!
    if ! wait_http "$hello_pid" "http://127.0.0.1:$HPORT/"; then
      echo "bench: bench_hello ($v) did not start on 127.0.0.1:$HPORT" >&2
      cat "$tmp/hello.log" >&2 || true
      exit 1
    fi
    warmup "http://127.0.0.1:$HPORT/"
    wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_RUN}s" --latency "http://127.0.0.1:$HPORT/" \
      | tee "$OUT/reference-$name-$v.txt"
    stop_pid "$hello_pid"
    hello_pid=""
    read -r rps p99 bad sock < <(wrk_text_stats "$OUT/reference-$name-$v.txt")
    if [ "$bad" -ne 0 ] || [ "$sock" -ne 0 ]; then
      failures+=("reference ($name, $v): $bad non-2xx, $sock socket errors")
    fi
    line="$line $v=$(printf '%.0f' "$rps")"
    if awk -v a="$rps" -v b="$last_rps" 'BEGIN { exit !(a + 0 > b + 0) }'; then
      second="$last_rps"
      last_rps="$rps" last_p99="$p99" last_variant="$v"
    elif awk -v a="$rps" -v b="$second" 'BEGIN { exit !(a + 0 > b + 0) }'; then
      second="$rps"
    fi
  done
  echo "reference ($name):$line req/s; fastest $last_variant, $(awk -v a="$last_rps" -v b="$second" \
    'BEGIN { if (b + 0 > 0) printf "%.0f", 100 * (a - b) / b; else print 0 }')% ahead of the next" |
    tee "$OUT/reference-$name.txt"
}
run_reference before
ref_before_rps="$last_rps" ref_before_p99="$last_p99" ref_before_variant="$last_variant"

# ---- b. order creation --------------------------------------------------------
echo
echo "-- orders: POST /api/v1/orders, batches of 100 (wrk -c$ORDER_CONNS)"
# One order by hand first, so that a contract problem shows plainly.
cat >"$tmp/probe_req.json" <<'JSON'
{"items":[{"orderReference":"BENCH-PROBE","recipient":{"address":{"fullName":"Bench Recipient","addressLine1":"1 High Street","city":"London","postcode":"SW1A 1AA","countryCode":"GB"},"emailAddress":"r@example.com"},"orderDate":"2026-11-29T10:00:00Z","subtotal":10.5,"shippingCostCharged":2.99,"total":13.49,"packages":[{"weightInGrams":500,"packageFormatIdentifier":"smallParcel"}]}]}
JSON
probe_status="$(curl -sS -o "$tmp/probe.json" -w '%{http_code}' --max-time 10 \
  -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
  --data-binary @"$tmp/probe_req.json" "$BASE/api/v1/orders" || true)"
echo "probe: one order -> HTTP $probe_status $(head -c 300 "$tmp/probe.json" 2>/dev/null || true)"
if [ "$probe_status" != 200 ]; then
  failures+=("orders: a single-order probe answered HTTP $probe_status")
fi
wrk -t"$THREADS" -c"$ORDER_CONNS" -d"${SECONDS_RUN}s" --latency -s "$here/create_orders.lua" \
  "$BASE/api/v1/orders" | tee "$OUT/orders.txt"
orders_line="$(grep '^BENCH orders ' "$OUT/orders.txt" || true)"
if [ -z "$orders_line" ]; then
  failures+=("orders: wrk printed no result (see $OUT/orders.txt)")
  orders_s=0
  orders_p99=0
else
  orders_s="$(field orders_s "$orders_line")"
  orders_p99="$(field p99_ms "$orders_line")"
  o_req="$(field requests "$orders_line")"
  o_non200="$(field non200 "$orders_line")"
  o_sock="$(field socket_errors "$orders_line")"
  o_failed="$(field failed "$orders_line")"
  o_unparsed="$(field unparsed "$orders_line")"
  [ "$o_req" -gt 0 ] || failures+=("orders: no request completed")
  [ "$o_non200" -eq 0 ] || failures+=("orders: $o_non200 non-200 answers")
  [ "$o_sock" -eq 0 ] || failures+=("orders: $o_sock socket errors")
  [ "$o_failed" -eq 0 ] || failures+=("orders: $o_failed orders in failedOrders")
  [ "$o_unparsed" -eq 0 ] || failures+=("orders: $o_unparsed 200 answers without successCount")
fi

# ---- c. GET /orders/1001 ------------------------------------------------------
echo
echo "-- get: GET /api/v1/orders/1001 with the API key (wrk -c$CONNS)"
get_status="$(curl -sS -o "$tmp/get.json" -w '%{http_code}' --max-time 10 \
  -H "Authorization: Bearer $KEY" "$BASE/api/v1/orders/1001" || true)"
echo "probe: GET /api/v1/orders/1001 -> HTTP $get_status $(head -c 200 "$tmp/get.json" 2>/dev/null || true)"
if [ "$get_status" != 200 ]; then
  failures+=("get: GET /api/v1/orders/1001 answered HTTP $get_status before the run")
elif [ "$(head -c 1 "$tmp/get.json")" != "[" ]; then
  failures+=("get: GET /api/v1/orders/1001 did not answer a JSON array")
fi
warmup "$BASE/api/v1/orders/1001" -s "$here/get_order.lua"
wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_RUN}s" --latency -s "$here/get_order.lua" \
  "$BASE/api/v1/orders/1001" | tee "$OUT/get.txt"
get_line="$(grep '^BENCH get ' "$OUT/get.txt" || true)"
if [ -z "$get_line" ]; then
  failures+=("get: wrk printed no result (see $OUT/get.txt)")
  get_rps=0
  get_p99=0
else
  get_rps="$(field req_s "$get_line")"
  get_p99="$(field p99_ms "$get_line")"
  g_req="$(field requests "$get_line")"
  g_bad="$(field non2xx "$get_line")"
  g_sock="$(field socket_errors "$get_line")"
  [ "$g_req" -gt 0 ] || failures+=("get: no request completed")
  [ "$g_bad" -eq 0 ] || failures+=("get: $g_bad non-2xx answers")
  [ "$g_sock" -eq 0 ] || failures+=("get: $g_sock socket errors")
fi

# ---- audit cost: orders and get, alternately audited and not ---------------------
# One run each way swings by a quarter on this machine from one minute to the
# next, so the two servers take turns, BENCH_AUDIT_ROUNDS times (default 3),
# one at a time on the two cores, and the medians are compared. Each server
# is stopped after its turn, which drains its audit journal into the chain:
# the audited turn's cost is paid inside its own turn, never in the other's.
echo
echo "-- audit: orders and get, alternately on an audited server and one with --audit 0"
stop_pid "$server_pid"
server_pid=""
AUDIT_ROUNDS="${BENCH_AUDIT_ROUNDS:-3}"
OPORT="$(free_port $((HPORT + 1)))"
on_orders=() off_orders=() on_gets=() off_gets=() off_p99s=() on_cpus=() off_cpus=()
ticks() { # ticks PID: the process's user + system CPU so far, in clock ticks (empty once gone)
  awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || true
}
# stop_ticks PID: stops it as stop_pid does and prints its CPU ticks at the
# end (read until it is gone: the flusher's drain at the stop counts).
stop_ticks() {
  local pid="$1" last="" t _i
  kill -TERM "$pid" 2>/dev/null || true
  for _i in $(seq 250); do
    t="$(ticks "$pid")"
    [ -n "$t" ] || break
    last="$t"
    sleep 0.02
  done
  stop_pid "$pid"
  echo "${last:-0}"
}
audit_turn() { # audit_turn on|off ROUND: one server's orders and get runs
  local mode="$1" round="$2" args=() pid line c0 c1 greq us
  [ "$mode" = off ] && args=(--audit 0)
  "$POSTROOM" --db "$DB" serve --listen "127.0.0.1:$OPORT" --rate-limit 0 "${args[@]}" \
    >>"$tmp/turn.out" 2>>"$tmp/turn.log" &
  pid=$!
  if ! wait_http "$pid" "http://127.0.0.1:$OPORT/healthz"; then
    failures+=("audit: the $mode server of round $round did not start")
    stop_pid "$pid"
    return
  fi
  wrk -t"$THREADS" -c"$ORDER_CONNS" -d"${SECONDS_RUN}s" --latency -s "$here/create_orders.lua" \
    "http://127.0.0.1:$OPORT/api/v1/orders" >"$OUT/orders_audit_${mode}_$round.txt"
  line="$(grep '^BENCH orders ' "$OUT/orders_audit_${mode}_$round.txt" || true)"
  [ -n "$line" ] && eval "${mode}_orders+=(\"\$(field orders_s \"\$line\")\")"
  warmup "http://127.0.0.1:$OPORT/api/v1/orders/1001" -s "$here/get_order.lua"
  sleep 0.3 # the warm-up's records appended before the count starts
  c0="$(ticks "$pid")"
  wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_RUN}s" --latency -s "$here/get_order.lua" \
    "http://127.0.0.1:$OPORT/api/v1/orders/1001" >"$OUT/get_audit_${mode}_$round.txt"
  c1="$(stop_ticks "$pid")"
  line="$(grep '^BENCH get ' "$OUT/get_audit_${mode}_$round.txt" || true)"
  if [ -n "$line" ]; then
    eval "${mode}_gets+=(\"\$(field req_s \"\$line\")\")"
    [ "$mode" = off ] && off_p99s+=("$(field p99_ms "$line")")
    # the server's CPU a GET, the stop's drain of the journal included:
    # what the audit costs the server, which a busy neighbour moves far
    # less than requests a second
    greq="$(field requests "$line")"
    us="$(awk -v t=$((c1 - ${c0:-0})) -v hz="$(getconf CLK_TCK)" -v n="$greq" \
      'BEGIN { if (n + 0 > 0) printf "%.2f", 1e6 * t / hz / n; else print 0 }')"
    eval "${mode}_cpus+=(\"\$us\")"
  fi
}
for round in $(seq 1 "$AUDIT_ROUNDS"); do
  audit_turn on "$round"
  audit_turn off "$round"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'; }
echo "audit rounds, orders/s audited: ${on_orders[*]}; off: ${off_orders[*]}"
echo "audit rounds, get req/s audited: ${on_gets[*]}; off: ${off_gets[*]}"
echo "audit rounds, server CPU us a GET audited: ${on_cpus[*]}; off: ${off_cpus[*]}"
[ "${#off_gets[@]}" -eq "$AUDIT_ROUNDS" ] && [ "${#on_gets[@]}" -eq "$AUDIT_ROUNDS" ] &&
  [ "${#off_orders[@]}" -eq "$AUDIT_ROUNDS" ] && [ "${#on_orders[@]}" -eq "$AUDIT_ROUNDS" ] ||
  failures+=("audit: a round printed no result (see $OUT/*_audit_*)")
on_orders_s="$(median "${on_orders[@]}")"
off_orders_s="$(median "${off_orders[@]}")"
on_get_rps="$(median "${on_gets[@]}")"
off_get_rps="$(median "${off_gets[@]}")"
off_get_p99="$(median "${off_p99s[@]}")"
on_get_cpu="$(median "${on_cpus[@]}")"
off_get_cpu="$(median "${off_cpus[@]}")"
# and one record's CPU without the network (bench/audit.c): the request's
# side, then the flusher's and the checkpoints'
audit_line="$("$BUILD/bench/bench_audit" --records "${BENCH_AUDIT_RECORDS:-150000}" --dir "$tmp" |
  tee "$OUT/audit_record.txt" | grep '^BENCH audit ' || true)"
[ -n "$audit_line" ] || failures+=("audit: bench_audit printed no result (see $OUT/audit_record.txt)")
echo "${audit_line:-bench_audit: no result}"
"$POSTROOM" --db "$DB" serve --listen "127.0.0.1:$PORT" --rate-limit 0 \
  >>"$tmp/server.out" 2>>"$tmp/server.log" &
server_pid=$!
if ! wait_http "$server_pid" "$BASE/healthz"; then
  echo "bench: postroom did not start again on 127.0.0.1:$PORT" >&2
  exit 1
fi
cost() { # cost ON OFF -> the audit's cost in % of the run without it
  awk -v on="$1" -v off="$2" 'BEGIN { if (off + 0 > 0) printf "%.0f", 100 * (off - on) / off; else print 0 }'
}
orders_cost="$(cost "$on_orders_s" "${off_orders_s:-0}")"
get_cost="$(cost "$on_get_rps" "${off_get_rps:-0}")"

# ---- labels: drawing, single-label requests, and the HTML-to-PDF path -----------
echo
echo "-- labels: 100-label PDFs in process (bench/labels.c), one core"
LABELS_BIN="$BUILD/bench/bench_labels"
# This machine's speed drifts by half from one second to the next, so both
# sides of the comparison are measured three times and the best is kept.
: >"$OUT/labels.txt"
for _i in 1 2 3; do
  "$LABELS_BIN" --count 100 --repeat "${BENCH_LABEL_REPEAT:-10}" --html "$tmp/labels.html" | tee -a "$OUT/labels.txt"
done
best_field() { # best_field LAYOUT: the highest labels_s of that layout's lines
  grep "layout=$1 " "$OUT/labels.txt" | tr ' ' '\n' | sed -n 's/^labels_s=//p' | sort -n | tail -n 1
}
labels_6x4="$(best_field 6x4)"
labels_a4="$(best_field A4)"
[ -n "$labels_6x4" ] || { failures+=("labels: bench_labels printed no result"); labels_6x4=0; labels_a4=0; }

echo
echo "-- labels: 100-label PDFs from 1 and 2 drawing processes at once (bench_labels --threads 2)"
# As the server draws: cairo 1.16 cannot draw from two threads of one
# process at once, so the server's threads hand documents to drawing
# processes (src/documents/draw_pool.c). One thread through a pool of one
# process, then two threads through a pool of two. Wall clock, best of three.
# Beside each, the machine's own ceiling in the same run: the same PDF drawn
# in process by as many independent processes (no pool, no messages), since
# this VM's two vCPUs do not always give two cores' worth.
: >"$OUT/labels_threads.txt"
for _i in 1 2 3; do
  "$LABELS_BIN" --threads 2 --count 100 --repeat "${BENCH_LABEL_REPEAT:-10}" | tee -a "$OUT/labels_threads.txt"
done
best_threads() { # best_threads T: the highest wall_labels_s of T threads (and processes)
  grep "threads=$1 " "$OUT/labels_threads.txt" | tr ' ' '\n' | sed -n 's/^wall_labels_s=//p' | sort -n | tail -n 1
}
labels_t1="$(best_threads 1)"
labels_t2="$(best_threads 2)"
[ -n "$labels_t1" ] && [ -n "$labels_t2" ] || { failures+=("labels: bench_labels --threads printed no result"); labels_t1=0; labels_t2=0; }
labels_tx="$(awk -v a="$labels_t2" -v b="$labels_t1" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print 0 }')"
best_ceiling() { # best_ceiling K: the highest wall_labels_s of K independent processes
  grep "labels_ceiling processes=$1 " "$OUT/labels_threads.txt" | tr ' ' '\n' | sed -n 's/^wall_labels_s=//p' | sort -n | tail -n 1
}
labels_c1="$(best_ceiling 1)"
labels_c2="$(best_ceiling 2)"
labels_cx="$(awk -v a="${labels_c2:-0}" -v b="${labels_c1:-0}" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print 0 }')"
echo "labels/s, 1 drawing process: $labels_t1; 2 processes: $labels_t2 (${labels_tx} x)"
echo "machine ceiling, 1 independent process: ${labels_c1:-0}; 2: ${labels_c2:-0} (${labels_cx} x)"

echo
echo "-- labels: the same 100 labels as HTML through WeasyPrint (Debian's weasyprint)"
weasy_s=0
if command -v weasyprint >/dev/null 2>&1; then
  # CPU time of the weasyprint process (user + system), as bench_labels counts
  # its own: both are "one core", and neither is inflated by a busy neighbour.
  if /usr/bin/python3 - "$tmp/labels.html" "$tmp/weasy.pdf" >"$OUT/weasyprint.txt" 2>&1 <<'PY'
import resource, subprocess, sys
best, before = None, 0.0
for _ in range(3):
    subprocess.run(["weasyprint", sys.argv[1], sys.argv[2]], check=True, stderr=subprocess.DEVNULL)
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = u.ru_utime + u.ru_stime
    best = total - before if best is None else min(best, total - before)
    before = total
print("cpu_seconds=%.3f" % best)
PY
  then
    wcpu="$(sed -n 's/^cpu_seconds=//p' "$OUT/weasyprint.txt")"
    weasy_s="$(awk -v c="$wcpu" 'BEGIN { printf "%.1f", 100 / c }')"
    echo "weasyprint: 100 labels in $wcpu s of CPU (best of 3) = $weasy_s labels/s"
  else
    failures+=("labels: weasyprint failed (see $OUT/weasyprint.txt)")
  fi
else
  failures+=("labels: weasyprint is not installed (make deps-bench installs it)")
fi

echo
echo "-- labels: single-label requests, GET /api/v1/orders/{id}/label (wrk -c$ORDER_CONNS)"
label_body='{"items":[{"orderReference":"BENCH-LABEL","recipient":{"address":{"fullName":"Zoë Ó'"'"'Brien","addressLine1":"1 High Street","city":"London","postcode":"SW1A 1AA","countryCode":"GB"}},"orderDate":"2026-11-29T10:00:00Z","subtotal":10.5,"shippingCostCharged":2.99,"total":13.49,"postageDetails":{"serviceCode":"TOLP24"},"packages":[{"weightInGrams":500,"packageFormatIdentifier":"smallParcel"}]}]}'
label_id="$(curl -fsS -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
  --data "$label_body" "$BASE/api/v1/orders" | sed -n 's/.*"orderIdentifier":\([0-9]*\).*/\1/p')"
label_rps=0
if [ -z "$label_id" ]; then
  failures+=("labels: could not create an order with postage")
else
  label_url="$BASE/api/v1/orders/$label_id/label?documentType=postageLabel&includeReturnsLabel=false"
  if ! curl -fsS -o "$tmp/one.pdf" -H "Authorization: Bearer $KEY" "$label_url"; then
    failures+=("labels: GET label for order $label_id failed")
  fi
  wrk -t"$THREADS" -c"$ORDER_CONNS" -d"${SECONDS_RUN}s" --latency -H "Authorization: Bearer $KEY" \
    "$label_url" | tee "$OUT/label_get.txt"
  read -r label_rps label_p99 l_bad l_sock <<<"$(wrk_text_stats "$OUT/label_get.txt")"
  [ "$l_bad" -eq 0 ] || failures+=("labels: $l_bad non-2xx answers")
  [ "$l_sock" -eq 0 ] || failures+=("labels: $l_sock socket errors")
fi

# ---- imports: a 1,000-order spreadsheet through the web page ------------------
echo
echo "-- import: POST /import, a 1,000-order Click & Drop CSV uploaded by curl -F (best of 3)"
import_s=0 import_ms=0
printf 'bench import password\n' | "$POSTROOM" --db "$DB" user add "$TID" bench@bench.example \
  --role standard >/dev/null 2>&1 || failures+=("import: user add failed")
curl -fsS -o /dev/null -c "$tmp/jar" --data-urlencode email=bench@bench.example \
  --data-urlencode 'password=bench import password' "$BASE/login" || failures+=("import: sign-in failed")
csrf="$(curl -fsS -b "$tmp/jar" "$BASE/import" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')"
{
  echo "First Name,Last Name,Address Line 1,City,Postcode,Country,Order reference,Order date,Weight,Package size,Product name,SKU,Quantity,Unit price"
  for i in $(seq 1000); do
    echo "Zoë,Bench-$i,$i High Street,Leeds,LS1 1AA,United Kingdom,IMPORT-BENCH-$i,29/11/2026,0.250,large letter,Mug,MUG-$i,2,5.00"
  done
} >"$tmp/import.csv"
: >"$OUT/import.txt"
for _i in 1 2 3; do
  # curl's own timer, from the request's first byte to the answer's last
  t="$(curl -sS -o "$tmp/import.html" -w '%{http_code} %{time_total}' -b "$tmp/jar" \
    -F "csrf=$csrf" -F "file=@$tmp/import.csv;type=text/csv" "$BASE/import")"
  echo "import run $_i: HTTP ${t% *}, ${t#* } s" | tee -a "$OUT/import.txt"
  if [ "${t% *}" != 200 ] || ! grep -q '1000 orders imported' "$tmp/import.html"; then
    failures+=("import: run $_i answered ${t% *}")
    break
  fi
  ms="$(awk -v t="${t#* }" 'BEGIN { printf "%.0f", t * 1000 }')"
  if [ "$import_ms" = 0 ] || [ "$ms" -lt "$import_ms" ]; then import_ms="$ms"; fi
done
[ "$import_ms" -gt 0 ] && import_s="$(awk -v m="$import_ms" 'BEGIN { printf "%.0f", 1000 * 1000 / m }')"

# ---- import jobs: 100,000 rows through the CLI and HTTP, beside sqlite3's .import --
echo
JOB_ROWS="${BENCH_JOB_ROWS:-100000}"
echo "-- jobs: a ${JOB_ROWS}-row Click & Drop file: sqlite3 .import into a bare table, then"
echo "   postroom import (CLI, in process) and POST /api/postroom/imports (the server's worker)"
bare_s=0 cli_rows_s=0 cli_s=0 cli_rss=0 http_rows_s=0 http_s=0 http_rss=0
now_s() { date +%s.%N; }
gen_rows() { # gen_rows PREFIX FILE
  /usr/bin/python3 - "$1" "$2" "$JOB_ROWS" <<'PY'
import sys
prefix, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
head = ("First Name,Last Name,Company,Address Line 1,Address Line 2,Address Line 3,City,County,"
        "Postcode,Country,Phone,Email,Recipient is a business,Order reference,Special instructions,"
        "Order date,Weight,Package size,Sub-total,Shipping cost,Total,Currency code,Service code,"
        "Product name,SKU,Quantity,Unit price\r\n")
with open(path, "w", newline="") as f:
    f.write(head)
    for i in range(n):
        f.write("Ann,Lee%d,,%d High St,,,Leeds,,LS1 1AA,United Kingdom,,,N,%s-%d,,28/11/2026,0.25,"
                "large letter,10.00,2.50,12.50,GBP,,Mug,MUG-1,2,5.00\r\n" % (i, i, prefix, i))
PY
}
if ! command -v sqlite3 >/dev/null 2>&1; then
  failures+=("jobs: the sqlite3 shell is not installed (make deps-bench)")
else
  gen_rows BJC "$tmp/jobs_cli.csv"
  gen_rows BJH "$tmp/jobs_http.csv"
  t0="$(now_s)"
  sqlite3 "$tmp/bare.db" '.mode csv' ".import $tmp/jobs_cli.csv bare" || failures+=("jobs: sqlite3 .import failed")
  t1="$(now_s)"
  bare_s="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
  echo "sqlite3 .import: $(sqlite3 "$tmp/bare.db" 'SELECT COUNT(*) FROM bare') rows in ${bare_s} s" | tee "$OUT/jobs.txt"
  # the CLI, its peak RSS from /usr/bin/time -v (or the process's VmHWM)
  t0="$(now_s)"
  if command -v /usr/bin/time >/dev/null 2>&1 && /usr/bin/time -v true >/dev/null 2>&1; then
    /usr/bin/time -v "$POSTROOM" --db "$DB" import "$tmp/jobs_cli.csv" --tenant "$TID" \
      >"$tmp/jobs_cli.out" 2>"$tmp/jobs_cli.err" || failures+=("jobs: postroom import failed")
    cli_rss="$(awk '/Maximum resident set size/ { printf "%.0f", $NF / 1024 }' "$tmp/jobs_cli.err")"
  else
    "$POSTROOM" --db "$DB" import "$tmp/jobs_cli.csv" --tenant "$TID" >"$tmp/jobs_cli.out" \
      2>"$tmp/jobs_cli.err" || failures+=("jobs: postroom import failed")
  fi
  t1="$(now_s)"
  cat "$tmp/jobs_cli.out" | tee -a "$OUT/jobs.txt"
  grep -q "imported $JOB_ROWS orders" "$tmp/jobs_cli.out" || failures+=("jobs: the CLI did not import every row")
  cli_s="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
  cli_rows_s="$(awk -v s="$cli_s" -v n="$JOB_ROWS" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print 0 }')"
  # HTTP: from the upload's first byte to the job's end, the server's peak RSS over it
  echo 5 >"/proc/$server_pid/clear_refs" 2>/dev/null || true
  rss0="$(awk '/^VmRSS/ { print $2 }' "/proc/$server_pid/status")"
  t0="$(now_s)"
  job="$(curl -fsS -H "Authorization: Bearer $KEY" --data-binary @"$tmp/jobs_http.csv" \
    "$BASE/api/postroom/imports" | sed -n 's/.*"jobId":\([0-9]*\).*/\1/p')"
  state=""
  for _i in $(seq 1 6000); do
    curl -fsS -H "Authorization: Bearer $KEY" "$BASE/api/postroom/imports/${job:-0}" >"$tmp/job.json" || break
    state="$(sed -n 's/.*"state":"\([a-z]*\)".*/\1/p' "$tmp/job.json")"
    case "$state" in done|failed) break ;; esac
    sleep 0.05
  done
  t1="$(now_s)"
  rss1="$(awk '/^VmHWM/ { print $2 }' "/proc/$server_pid/status")"
  http_rss="$(awk -v a="$rss0" -v b="$rss1" 'BEGIN { printf "%.0f", (b - a) / 1024 }')"
  echo "http job ${job:-?}: $(head -c 400 "$tmp/job.json")" | tee -a "$OUT/jobs.txt"
  grep -q "\"ordersCreated\":$JOB_ROWS," "$tmp/job.json" || failures+=("jobs: the HTTP job did not import every row ($state)")
  http_s="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
  http_rows_s="$(awk -v s="$http_s" -v n="$JOB_ROWS" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print 0 }')"
fi
echo "BENCH jobs rows=$JOB_ROWS bare_s=$bare_s cli_s=$cli_s cli_rows_s=$cli_rows_s cli_peak_rss_mib=$cli_rss http_s=$http_s http_rows_s=$http_rows_s http_rss_growth_mib=$http_rss" | tee -a "$OUT/jobs.txt"

# ---- orders list: the web page with 10,000 orders, and 100 labels from it -------
echo
echo "-- orderlist: GET /orders (the web page) with 10,000 orders, signed in (wrk -c$ORDER_CONNS);"
echo "   POST /orders/bulk/labels with 100 ticked orders (best of 3)"
list_rps=0 list_p99=0 bulk_ms=0 bulk_s=0
LTID="$("$POSTROOM" --db "$DB" tenant create "List Ltd" | tr -d '[:space:]')"
LKEY="$("$POSTROOM" --db "$DB" apikey create "$LTID" --name bench | tr -d '[:space:]')"
printf 'bench list password\n' | "$POSTROOM" --db "$DB" user add "$LTID" list@bench.example \
  --role standard >/dev/null 2>&1 || failures+=("orderlist: user add failed")
list_batch() { # list_batch N SERVICE: a POST /orders body of N orders ("" SERVICE: no postage)
  local i post=""
  [ -n "$2" ] && post=',"postageDetails":{"serviceCode":"'"$2"'"}'
  printf '{"items":['
  for i in $(seq "$1"); do
    [ "$i" -gt 1 ] && printf ','
    printf '{"orderReference":"LIST-%s-%s","recipient":{"address":{"fullName":"Recipient %s","addressLine1":"1 High Street","city":"London","postcode":"SW1A 1AA","countryCode":"GB"}},"orderDate":"2026-11-29T10:00:00Z","subtotal":10.5,"shippingCostCharged":2.99,"total":13.49%s,"packages":[{"weightInGrams":500,"packageFormatIdentifier":"smallParcel"}]}' \
      "$RANDOM" "$i" "$i" "$post"
  done
  printf ']}'
}
list_batch 100 "" >"$tmp/list_new.json"
list_batch 100 TOLP24 >"$tmp/list_post.json"
for _i in $(seq 99); do
  curl -fsS -o /dev/null -H "Authorization: Bearer $LKEY" -H 'Content-Type: application/json' \
    --data @"$tmp/list_new.json" "$BASE/api/v1/orders" || { failures+=("orderlist: creating orders failed"); break; }
done
bulk_ids="$(curl -fsS -H "Authorization: Bearer $LKEY" -H 'Content-Type: application/json' \
  --data @"$tmp/list_post.json" "$BASE/api/v1/orders" | grep -o '"orderIdentifier":[0-9]*' | cut -d: -f2)"
[ "$(printf '%s\n' "$bulk_ids" | grep -c .)" = 100 ] || failures+=("orderlist: the 100 orders with postage were not all created")
curl -fsS -o /dev/null -c "$tmp/listjar" --data-urlencode email=list@bench.example \
  --data-urlencode 'password=bench list password' "$BASE/login" || failures+=("orderlist: sign-in failed")
list_cookie="$(awk '$6 == "__Host-postroom_session" { print $6 "=" $7 }' "$tmp/listjar")"
list_status="$(curl -sS -o "$tmp/list.html" -w '%{http_code}' -H "Cookie: $list_cookie" "$BASE/orders")"
if [ "$list_status" != 200 ] || ! grep -q 'All <span class="count">10000</span>' "$tmp/list.html"; then
  failures+=("orderlist: GET /orders answered $list_status without 10,000 orders in All")
else
  warmup "$BASE/orders" -H "Cookie: $list_cookie"
  wrk -t"$THREADS" -c"$ORDER_CONNS" -d"${SECONDS_RUN}s" --latency -H "Cookie: $list_cookie" \
    "$BASE/orders" | tee "$OUT/orderlist.txt"
  read -r list_rps list_p99 ol_bad ol_sock <<<"$(wrk_text_stats "$OUT/orderlist.txt")"
  [ "$ol_bad" -eq 0 ] || failures+=("orderlist: $ol_bad non-2xx answers")
  [ "$ol_sock" -eq 0 ] || failures+=("orderlist: $ol_sock socket errors")
  list_csrf="$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$tmp/list.html" | head -n 1)"
  { printf 'csrf=%s' "$list_csrf"; printf '&id=%s' $bulk_ids; } >"$tmp/bulk.form"
  : >"$OUT/bulk_labels.txt"
  for _i in 1 2 3; do
    t="$(curl -sS -o "$tmp/bulk.pdf" -w '%{http_code} %{time_total}' -H "Cookie: $list_cookie" \
      -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$tmp/bulk.form" \
      "$BASE/orders/bulk/labels")"
    echo "bulk labels run $_i: HTTP ${t% *}, ${t#* } s, $(wc -c <"$tmp/bulk.pdf") bytes" | tee -a "$OUT/bulk_labels.txt"
    if [ "${t% *}" != 200 ] || [ "$(head -c 4 "$tmp/bulk.pdf")" != "%PDF" ]; then
      failures+=("orderlist: bulk labels run $_i answered ${t% *}")
      break
    fi
    ms="$(awk -v t="${t#* }" 'BEGIN { printf "%.0f", t * 1000 }')"
    if [ "$bulk_ms" = 0 ] || [ "$ms" -lt "$bulk_ms" ]; then bulk_ms="$ms"; fi
  done
  [ "$bulk_ms" -gt 0 ] && bulk_s="$(awk -v m="$bulk_ms" 'BEGIN { printf "%.0f", 100 * 1000 / m }')"
fi
echo "BENCH orderlist req_s=$list_rps p99_ms=$list_p99 bulk_labels_ms=$bulk_ms bulk_labels_s=$bulk_s" | tee -a "$OUT/orderlist.txt"

# ---- reference again, then keep the better of the two ---------------------------
run_reference after
ref_after_rps="$last_rps" ref_after_p99="$last_p99" ref_after_variant="$last_variant"
if awk -v a="$ref_after_rps" -v b="$ref_before_rps" 'BEGIN { exit !(a + 0 > b + 0) }'; then
  ref_rps="$ref_after_rps" ref_p99="$ref_after_p99" ref_variant="$ref_after_variant"
else
  ref_rps="$ref_before_rps" ref_p99="$ref_before_p99" ref_variant="$ref_before_variant"
fi
ref_spread="$(awk -v a="$ref_after_rps" -v b="$ref_before_rps" \
  'BEGIN { hi = (a > b ? a : b); lo = (a > b ? b : a); if (hi > 0) printf "%.0f", 100 * (hi - lo) / hi; else print 0 }')"

# ---- the server must have survived --------------------------------------------
if ! kill -0 "$server_pid" 2>/dev/null; then
  failures+=("postroom exited during the benchmark")
  tail -n 20 "$tmp/server.log" >&2 || true
elif ! curl -fsS -o /dev/null --max-time 5 "$BASE/healthz"; then
  failures+=("postroom stopped answering /healthz after the runs")
fi
log_lines="$(wc -l <"$tmp/server.log" | tr -d ' ')"

# ---- d. summary ---------------------------------------------------------------
verdict() { # verdict VALUE TARGET -> PASS | BELOW
  awk -v v="$1" -v t="$2" 'BEGIN { print ((v + 0 >= t + 0) ? "PASS" : "BELOW") }'
}
pct="$(awk -v g="$get_rps" -v r="$ref_rps" 'BEGIN { if (r + 0 > 0) printf "%.0f", 100 * g / r; else print 0 }')"
orders_verdict="$(verdict "$orders_s" "$ORDERS_TARGET")"
get_verdict="$(verdict "$pct" "$GET_TARGET_PCT")"
labels_verdict="$(verdict "$labels_6x4" "${BENCH_LABELS_TARGET:-1000}")"
weasy_x="$(awk -v a="$labels_6x4" -v b="$weasy_s" 'BEGIN { if (b + 0 > 0) printf "%.0f", a / b; else print 0 }')"
weasy_verdict="$(verdict "$weasy_x" "${BENCH_WEASY_TARGET_X:-50}")"

{
  echo
  echo "== summary ($(nproc) cores, ${SECONDS_RUN}s runs; raw output in ${OUT#"$root"/})"
  printf '%-10s %-36s %8.0f req/s   p99 %.1f ms  (%s; best of %.0f and %.0f)\n' reference \
    "fastest bare libmicrohttpd hello" "$ref_rps" "$ref_p99" "$ref_variant" "$ref_before_rps" "$ref_after_rps"
  printf '%-10s %-36s %8.0f orders/s  p99 %.1f ms  (target >= %s)  %s\n' orders \
    "POST /orders, batches of 100, audited" "$orders_s" "$orders_p99" "$ORDERS_TARGET" "$orders_verdict"
  printf '%-10s %-36s %8.0f req/s   p99 %.1f ms  = %s%% of reference (target >= %s%%)  %s\n' get \
    "GET /orders/{id}, key + log + audit" "$get_rps" "$get_p99" "$pct" "$GET_TARGET_PCT" "$get_verdict"
  printf '%-10s %-36s %8.0f labels/s  (6x4; A4 %.0f/s; target >= %s)  %s\n' labels \
    "100-label PDF, one core (best of 3)" "$labels_6x4" "$labels_a4" "${BENCH_LABELS_TARGET:-1000}" "$labels_verdict"
  printf '%-10s %-36s %8.0f labels/s  2 processes %.0f/s = %sx (machine %sx; target >= %sx)  %s\n' threads \
    "100-label PDF, 1 drawing process" "$labels_t1" "$labels_t2" "$labels_tx" "$labels_cx" "${BENCH_THREADS_TARGET_X:-1.7}" \
    "$(verdict "$(awk -v x="$labels_tx" 'BEGIN { printf "%.0f", x * 100 }')" "$(awk -v t="${BENCH_THREADS_TARGET_X:-1.7}" 'BEGIN { printf "%.0f", t * 100 }')")"
  printf '%-10s %-36s %8.1f labels/s  = postroom %sx faster (target >= %sx)  %s\n' weasyprint \
    "same labels, HTML to PDF (best of 3)" "$weasy_s" "$weasy_x" "${BENCH_WEASY_TARGET_X:-50}" "$weasy_verdict"
  printf '%-10s %-36s %8.0f labels/s  p99 %.1f ms (one label per request, HTTP)\n' label \
    "GET /orders/{id}/label" "$label_rps" "${label_p99:-0}"
  printf '%-10s %-36s %8.0f orders/s  (%s ms per 1,000-order file, best of 3)\n' import \
    "POST /import, Click & Drop CSV" "$import_s" "$import_ms"
  jobs_x() { awk -v s="$1" -v b="$bare_s" 'BEGIN { if (b + 0 > 0) printf "%.1f", s / b; else print 0 }'; }
  jobs_verdict() { # rows/s >= target and time <= 4x the bare .import
    awk -v r="$1" -v t="${BENCH_JOBS_TARGET:-50000}" -v x="$(jobs_x "$2")" \
      'BEGIN { print ((r + 0 >= t + 0 && x + 0 <= 4) ? "PASS" : "BELOW") }'
  }
  printf '%-10s %-36s %8.0f rows/s  %s s = %sx sqlite3 .import (%s s); peak RSS %s MiB (target >= %s rows/s, <= 4x)  %s\n' \
    importcli "postroom import, $JOB_ROWS rows" "$cli_rows_s" "$cli_s" "$(jobs_x "$cli_s")" "$bare_s" "$cli_rss" \
    "${BENCH_JOBS_TARGET:-50000}" "$(jobs_verdict "$cli_rows_s" "$cli_s")"
  printf '%-10s %-36s %8.0f rows/s  %s s = %sx sqlite3 .import; server RSS +%s MiB (target >= %s rows/s, <= 4x)  %s\n' \
    importapi "POST /api/postroom/imports, $JOB_ROWS" "$http_rows_s" "$http_s" "$(jobs_x "$http_s")" "$http_rss" \
    "${BENCH_JOBS_TARGET:-50000}" "$(jobs_verdict "$http_rows_s" "$http_s")"
  printf '%-10s %-36s %8.0f req/s   p99 %.1f ms (10,000 orders, session cookie)\n' orderlist \
    "GET /orders, the web page" "$list_rps" "${list_p99:-0}"
  printf '%-10s %-36s %8.0f labels/s  (%s ms for 100 ticked orders, best of 3)\n' bulklabels \
    "POST /orders/bulk/labels" "$bulk_s" "$bulk_ms"
  printf '%-10s %-36s %8.0f orders/s  audited %.0f: audit costs %s%% (target <= 10%%)  %s\n' audit \
    "orders, median of $AUDIT_ROUNDS turns, off" "${off_orders_s:-0}" "${on_orders_s:-0}" "$orders_cost" \
    "$(awk -v c="$orders_cost" 'BEGIN { print ((c + 0 <= 10) ? "PASS" : "ABOVE") }')"
  printf '%-10s %-36s %8.0f req/s   p99 %.1f ms  audited %.0f: audit costs %s%% (target <= 10%%)  %s\n' audit \
    "get, median of $AUDIT_ROUNDS turns, off" "${off_get_rps:-0}" "${off_get_p99:-0}" "${on_get_rps:-0}" "$get_cost" \
    "$(awk -v c="$get_cost" 'BEGIN { print ((c + 0 <= 10) ? "PASS" : "ABOVE") }')"
  printf '%-10s %-36s %8.2f us off, %.2f us audited: +%s%% of the server'"'"'s CPU\n' audit \
    "server CPU a GET, median of $AUDIT_ROUNDS" "${off_get_cpu:-0}" "${on_get_cpu:-0}" \
    "$(awk -v on="${on_get_cpu:-0}" -v off="${off_get_cpu:-0}" 'BEGIN { if (off + 0 > 0) printf "%.0f", 100 * (on - off) / off; else print 0 }')"
  printf '%-10s %-36s %8.2f us a record: %.2f us the request, %.2f us flusher and checkpoints\n' audit \
    "one record, no network (bench_audit)" "$(field total_us "$audit_line")" \
    "$(field request_us "$audit_line")" "$(field rest_us "$audit_line")"
  echo "server log: $log_lines lines"
  if [ "$ref_spread" -gt 15 ]; then
    echo "note: the two reference runs differ by ${ref_spread}%: this machine is noisy, compare figures with care"
  fi
  if [ "${#failures[@]}" -gt 0 ]; then
    echo
    echo "ERRORS:"
    printf '  %s\n' "${failures[@]}"
  fi
} | tee "$OUT/summary.txt"

# ---- PostgreSQL beside SQLite (issue 12): bench/pg.sh, its own cluster -------
if [ "${BENCH_PG:-1}" != 0 ]; then
  BENCH_SQLITE_ORDERS="$orders_s" BENCH_SQLITE_GET="$get_rps" "$here/pg.sh" "$BUILD" |
    tee -a "$OUT/summary.txt" || failures+=("pg: bench/pg.sh had errors")
fi

[ "${#failures[@]}" -eq 0 ]
