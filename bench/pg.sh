#!/usr/bin/env bash
# bench/pg.sh BUILD_DIR: the PostgreSQL benchmarks (issue 12), which
# bench/run.sh runs after the SQLite ones (or run it alone).
#
# On a private throwaway cluster (scripts/pg.sh; fsync off, as the test
# cluster: this measures postroom and PostgreSQL's CPU, not a disk):
#   orders    POST /api/v1/orders, batches of 100, one server and then three
#             servers on the same database (three wrk at once, one per server)
#   get       authenticated GET /api/v1/orders/1001, one server and three
#   rls       the store's GET query (the order by tenant and id, in a
#             transaction that sets app.tenant_id) through pgbench, as the app
#             role under row-level security and as a superuser that bypasses
#             it, same run: what the second wall costs
#   cpu       CPU seconds per 1,000 orders created, in the postroom servers and
#             in PostgreSQL's processes (utime+stime from /proc), so a
#             deployment past this machine can be projected
# SQLite's figures from the same `make bench` come in as BENCH_SQLITE_ORDERS
# and BENCH_SQLITE_GET (bench/run.sh sets them) and are printed beside.
#
# Targets (printed PASS/BELOW, never a failure): RLS costs <= 10%; three
# servers lose nothing to contention against one (total >= one server's).
# Exit status non-zero only when a run had errors.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
BUILD="$(cd "$1" && pwd)"
POSTROOM="$BUILD/postroom"
SECONDS_RUN="${BENCH_SECONDS:-5}"
THREADS="${BENCH_THREADS:-2}"
CONNS="${BENCH_CONNECTIONS:-64}"
ORDER_CONNS="${BENCH_ORDER_CONNECTIONS:-8}"
OUT="${BENCH_OUT:-$root/bench/out}"
PGBIN=${POSTROOM_PGBIN:-/usr/lib/postgresql/15/bin}
mkdir -p "$OUT"

for tool in wrk curl "$PGBIN/pgbench" "$PGBIN/psql"; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "$tool" ] || {
    echo "bench/pg: $tool is missing (make deps-bench, scripts/deps.sh test)" >&2
    exit 1
  }
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/postroom-pgbench.XXXXXX")"
chmod 0755 "$tmp"
pids=()
cleanup() {
  local rc=$? p
  for p in "${pids[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    wait "$p" 2>/dev/null || true
  done
  "$root/scripts/pg.sh" stop "$tmp/cluster" >/dev/null 2>&1 || true
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

failures=()
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }

echo
echo "== PostgreSQL: a private cluster (scripts/pg.sh), $(nproc) cores"
"$root/scripts/pg.sh" start "$tmp/cluster" >/dev/null
eval "$("$root/scripts/pg.sh" db "$tmp/cluster" bench)"
DB="postgres:///bench?host=$POSTROOM_PG_SOCKET&port=$POSTROOM_PG_PORT"
export POSTROOM_STATE_DIR="$tmp/state"
mkdir -p "$POSTROOM_STATE_DIR"
"$POSTROOM" --db "$DB" migrate >/dev/null
TID="$("$POSTROOM" --db "$DB" tenant create "Bench Ltd" | tr -d '[:space:]')"
KEY="$("$POSTROOM" --db "$DB" apikey create "$TID" --name bench | tr -d '[:space:]')"
export POSTROOM_KEY="$KEY"
# a second business, so the wall has something on the other side
"$POSTROOM" --db "$DB" tenant create "Other Ltd" >/dev/null

postmaster_pid() { head -n 1 "$(cat "$tmp/cluster/cluster" 2>/dev/null || echo "$tmp/cluster")/data/postmaster.pid"; }

# cpu_ticks PID...: utime+stime of the processes, in clock ticks.
cpu_ticks() {
  local p t=0 f
  for p in "$@"; do
    f="$(cat "/proc/$p/stat" 2>/dev/null)" || continue
    f="${f##*) }" # fields after the command name
    set -- $f
    t=$((t + ${12} + ${13}))
  done
  echo "$t"
}
# PostgreSQL's processes: the postmaster and its children (backends come and go:
# a backend's ticks are counted while it lives, and the servers' connections
# live for the whole run).
pg_pids() {
  local pm
  pm="$(postmaster_pid)"
  echo "$pm"
  ps -o pid= --ppid "$pm"
}
HZ="$(getconf CLK_TCK)"

start_servers() { # start_servers N: N servers on the database; sets ports and spids
  local n="$1" i port
  ports=()
  spids=()
  for i in $(seq "$n"); do
    port=$((19100 + ($$ % 500) * 4 + i))
    "$POSTROOM" --db "$DB" serve --listen "127.0.0.1:$port" --rate-limit 0 \
      >"$tmp/server$i.out" 2>"$tmp/server$i.log" &
    pids+=($!)
    spids+=($!)
    ports+=("$port")
    for _ in $(seq 100); do
      curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz" 2>/dev/null && break
      sleep 0.1
    done
  done
}
stop_servers() {
  local p
  for p in "${spids[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${spids[@]}"; do
    wait "$p" 2>/dev/null || true
  done
}

# run_orders TAG: wrk at every server at once (connections split between
# them); sets orders_total, and the CPU ticks of servers and PostgreSQL.
run_orders() {
  local tag="$1" i conns line total=0 s0 p0
  conns=$(((ORDER_CONNS + ${#ports[@]} - 1) / ${#ports[@]}))
  s0="$(cpu_ticks "${spids[@]}")"
  p0="$(cpu_ticks $(pg_pids))"
  local wpids=()
  for i in "${!ports[@]}"; do
    wrk -t1 -c"$conns" -d"${SECONDS_RUN}s" --latency -s "$here/create_orders.lua" \
      "http://127.0.0.1:${ports[$i]}/api/v1/orders" >"$OUT/pg_orders_${tag}_$i.txt" 2>&1 &
    wpids+=($!)
  done
  wait "${wpids[@]}" || true
  server_ticks=$(($(cpu_ticks "${spids[@]}") - s0))
  pg_ticks=$(($(cpu_ticks $(pg_pids)) - p0))
  orders_created=0
  for i in "${!ports[@]}"; do
    line="$(grep '^BENCH orders ' "$OUT/pg_orders_${tag}_$i.txt" || true)"
    if [ -z "$line" ]; then
      failures+=("pg orders $tag: wrk $i printed no result")
      continue
    fi
    [ "$(field non200 "$line")" -eq 0 ] || failures+=("pg orders $tag: non-200 answers")
    [ "$(field failed "$line")" -eq 0 ] || failures+=("pg orders $tag: failed orders")
    total="$(awk -v a="$total" -v b="$(field orders_s "$line")" 'BEGIN { printf "%.0f", a + b }')"
    orders_created=$((orders_created + $(field requests "$line") * ${BENCH_BATCH:-100}))
  done
  orders_total="$total"
}

# run_get TAG: wrk GETs at every server at once; sets get_total and get_p99 (worst).
run_get() {
  local tag="$1" i conns line total=0 p99=0
  conns=$(((CONNS + ${#ports[@]} - 1) / ${#ports[@]}))
  local wpids=()
  for i in "${!ports[@]}"; do
    wrk -t1 -c"$conns" -d"${SECONDS_RUN}s" --latency -s "$here/get_order.lua" \
      "http://127.0.0.1:${ports[$i]}/api/v1/orders/1001" >"$OUT/pg_get_${tag}_$i.txt" 2>&1 &
    wpids+=($!)
  done
  wait "${wpids[@]}" || true
  for i in "${!ports[@]}"; do
    line="$(grep '^BENCH get ' "$OUT/pg_get_${tag}_$i.txt" || true)"
    if [ -z "$line" ]; then
      failures+=("pg get $tag: wrk $i printed no result")
      continue
    fi
    [ "$(field non2xx "$line")" -eq 0 ] || failures+=("pg get $tag: non-2xx answers")
    total="$(awk -v a="$total" -v b="$(field req_s "$line")" 'BEGIN { printf "%.0f", a + b }')"
    p99="$(awk -v a="$p99" -v b="$(field p99_ms "$line")" 'BEGIN { print (b > a ? b : a) }')"
  done
  get_total="$total"
  get_p99="$p99"
}

echo "-- one server"
start_servers 1
run_orders one
one_orders="$orders_total"
cpu_server_1k="$(awk -v t="$server_ticks" -v hz="$HZ" -v n="$orders_created" 'BEGIN { printf "%.3f", n ? t / hz / n * 1000 : 0 }')"
cpu_pg_1k="$(awk -v t="$pg_ticks" -v hz="$HZ" -v n="$orders_created" 'BEGIN { printf "%.3f", n ? t / hz / n * 1000 : 0 }')"
run_get one
one_get="$get_total"
one_p99="$get_p99"
stop_servers

echo "-- three servers"
start_servers 3
run_orders three
three_orders="$orders_total"
run_get three
three_get="$get_total"
three_p99="$get_p99"
stop_servers

# ---- RLS: the GET query as the app role (under the wall) and as a role
# with the app's grants and BYPASSRLS (postroom_bench_norls, made here, a
# member of postroom_app), same statements, same run, in turns
# (BENCH_RLS_ROUNDS, median of each): the difference is the wall alone. The
# superuser is measured too: it skips the privilege checks as well, which
# are no part of the wall (on this machine another ~13%). Prepared, as the
# server sends them on a direct connection (pg_stmt.c). ------------------
cat >"$tmp/get_rls.sql" <<EOF
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT set_config('app.tenant_id', '$TID', true);
SELECT * FROM orders WHERE tenant_id = $TID AND order_id = 1001;
COMMIT;
EOF
"$PGBIN/psql" -qX -v ON_ERROR_STOP=1 "$POSTROOM_PG_SUPER" >/dev/null <<'EOF'
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postroom_bench_norls') THEN
    CREATE ROLE postroom_bench_norls LOGIN NOSUPERUSER BYPASSRLS IN ROLE postroom_app;
  END IF;
END $$;
EOF
pgb() { # pgb ROLE ROUND: transactions per second of the script as ROLE
  "$PGBIN/pgbench" -n -h "$POSTROOM_PG_SOCKET" -p "$POSTROOM_PG_PORT" -U "$1" -c 4 -j 2 -M prepared \
    -T "$SECONDS_RUN" -f "$tmp/get_rls.sql" bench 2>&1 | tee "$OUT/pg_rls_$1_$2.txt" |
    sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n 1
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "") }'; }
super_user="$(printf '%s' "$POSTROOM_PG_SUPER" | sed -n 's|^postgres://\([^@]*\)@.*|\1|p')"
apps=() norls=() supers=()
for round in $(seq 1 "${BENCH_RLS_ROUNDS:-3}"); do
  apps+=("$(pgb postroom_app "$round")")
  norls+=("$(pgb postroom_bench_norls "$round")")
  supers+=("$(pgb "$super_user" "$round")")
done
rls_app="$(median "${apps[@]}")"
rls_norls="$(median "${norls[@]}")"
rls_super="$(median "${supers[@]}")"
pct() { awk -v a="$1" -v s="$2" 'BEGIN { printf "%.1f", (s > 0 ? (s - a) / s * 100 : 0) }'; }
rls_pct="$(pct "$rls_app" "$rls_norls")"
super_pct="$(pct "$rls_app" "$rls_super")"
[ -n "$rls_app" ] && [ -n "$rls_norls" ] && [ -n "$rls_super" ] ||
  failures+=("pg rls: pgbench printed no tps (see $OUT/pg_rls_*.txt)")

verdict() { awk -v ok="$1" 'BEGIN { print (ok ? "PASS" : "BELOW") }'; }
echo
echo "PostgreSQL                        one server      three servers    SQLite (same make bench)"
printf 'orders/s (batches of 100)         %-15s %-16s %s\n' "$one_orders" "$three_orders" "${BENCH_SQLITE_ORDERS:-n/a}"
printf 'GET /orders/1001 req/s (p99 ms)   %-15s %-16s %s\n' "$one_get ($one_p99)" "$three_get ($three_p99)" "${BENCH_SQLITE_GET:-n/a}"
echo "CPU s per 1,000 orders: postroom $cpu_server_1k, PostgreSQL $cpu_pg_1k (one server)"
echo "RLS: the GET query $rls_app tps as the app role, $rls_norls tps bypassing RLS with the same grants: costs $rls_pct% (target <= 10%: $(verdict "$(awk -v p="$rls_pct" 'BEGIN { print (p <= 10) }')")); the superuser $rls_super tps ($super_pct%, privilege checks too)"
echo "three servers against one: orders $(verdict "$(awk -v a="$three_orders" -v b="$one_orders" 'BEGIN { print (a >= b) }')"), GET $(verdict "$(awk -v a="$three_get" -v b="$one_get" 'BEGIN { print (a >= b) }')")"
echo "BENCH pg orders_one=$one_orders orders_three=$three_orders get_one=$one_get get_three=$three_get get_p99_one=$one_p99 rls_pct=$rls_pct rls_super_pct=$super_pct cpu_server_1k=$cpu_server_1k cpu_pg_1k=$cpu_pg_1k"

if [ ${#failures[@]} -ne 0 ]; then
  printf 'bench/pg: %s\n' "${failures[@]}" >&2
  exit 1
fi
