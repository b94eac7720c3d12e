#!/bin/sh
# A private, throwaway PostgreSQL 15 cluster for postroom's tests (issue 12).
#
# Usage: scripts/pg.sh start DIR        initdb (once) and start; prints the URLs
#        scripts/pg.sh env DIR          prints the URLs of a started cluster
#        scripts/pg.sh db DIR NAME      creates database NAME (owned by the
#                                       owner role) and prints its URLs
#        scripts/pg.sh bouncer DIR      starts pgbouncer (transaction pooling) in front
#                                       of the started cluster; prints its socket and port
#        scripts/pg.sh archive DIR      turns on WAL archiving into the cluster's archive/
#        scripts/pg.sh wal-flush DIR    closes the WAL segment in use, waits for its copy
#        scripts/pg.sh basebackup DIR NAME   a base backup (pg_basebackup) named NAME
#        scripts/pg.sh restore DIR NAME TIME DIR2
#                                       a new cluster in DIR2 from backup NAME and the
#                                       archive, recovered to TIME; prints its URLs
#        scripts/pg.sh stop DIR         stops it, and its pgbouncer (nothing to do if
#                                       not running)
#        scripts/pg.sh run DIR CMD...   start, run CMD with the URLs in its
#                                       environment, stop even when CMD fails
#
# DIR (in the build tree, or see "base" below) holds the data directory (DIR/data), the unix
# socket (DIR/sock, mode 0700, the only way in: listen_addresses is empty, so
# no TCP port is opened) and the server log (DIR/log). Durability is off
# (fsync, full_page_writes, synchronous_commit): the cluster is for tests and
# is thrown away.
#
# PostgreSQL refuses to run as root, so as root (CI) the server runs as the
# system user postroom-pg (created if missing) and DIR is handed to it; as
# anyone else it runs as that user. Inside the cluster, local connections are
# trusted: the socket directory's permissions are the wall (only its user,
# and root, can reach the socket).
#
# Roles (cluster-wide; the migrations in src/store/migrations/pg grant to
# these names):
#   postroom_owner      LOGIN; owns the database, the tables, runs migrations
#   postroom_app        LOGIN NOSUPERUSER NOBYPASSRLS, owns nothing: what the
#                       server's business requests run as, under RLS
#   postroom_operator   LOGIN NOBYPASSRLS: the store_operator_* paths that cross
#                       tenants, each through a policy naming this role
#   postroom_directory  NOLOGIN: owns the SECURITY DEFINER functions that find
#                       a credential before any tenant is known
# The printed lines are shell assignments:
#   POSTROOM_PG_OWNER='postgres://postroom_owner@/postroom?host=DIR/sock&port=N'
#   POSTROOM_PG_APP=...  POSTROOM_PG_OPERATOR=...  POSTROOM_PG_SUPER=...
#   POSTROOM_PG_SOCKET=DIR/sock  POSTROOM_PG_PORT=N
set -eu

PGBIN=${POSTROOM_PGBIN:-/usr/lib/postgresql/15/bin}
PGUSER_SYS=postroom-pg

die() { echo "pg.sh: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: pg.sh start|env|db|stop|run DIR [...]"
cmd=$1
dir=$2
shift 2
[ -x "$PGBIN/initdb" ] || die "no PostgreSQL 15 in $PGBIN (scripts/deps.sh test installs postgresql)"

# as_pg CMD...: runs CMD as the user the server runs as.
if [ "$(id -u)" = 0 ]; then
  if ! id -u "$PGUSER_SYS" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
      "$PGUSER_SYS" || die "cannot create the system user $PGUSER_SYS"
  fi
  # from /, which it can enter: the caller's directory may be closed to it
  # (psql and pg_ctl warn "could not change directory" otherwise)
  as_pg() { (cd / && runuser -u "$PGUSER_SYS" -- "$@"); }
  super=$PGUSER_SYS
else
  as_pg() { "$@"; }
  super=$(id -un)
fi

# Where the cluster's files live: DIR itself, unless the server's user cannot
# reach it (as root, a clone under /root or in a `mktemp -d` has a parent
# closed to others). Then they go to a directory of their own under /tmp,
# 0700 and the server user's, named in DIR/cluster so every later command
# finds the same one. place DIR sets dir, base, data, sock and log (restore
# places a second cluster after the first).
place() {
  dir=$1
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  base=$dir
  if [ "$(id -u)" = 0 ] && ! as_pg sh -c 'cd "$1"' sh "$dir" 2>/dev/null; then
    base=$(cat "$dir/cluster" 2>/dev/null || true)
    if [ -z "$base" ] || [ ! -d "$base" ]; then
      base=$(mktemp -d /tmp/postroom-pg.XXXXXX)
      chown "$PGUSER_SYS" "$base"
      echo "$base" >"$dir/cluster"
    fi
  fi
  data=$base/data
  sock=$base/sock
  log=$base/log
}
place "$dir"

port_of() { cat "$dir/port" 2>/dev/null || true; }

# A port number nobody uses: it only names the socket (.s.PGSQL.PORT), but
# a free one keeps the name unique should anyone share the socket directory
# or turn TCP on.
free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

psql_super() {
  db=$1
  shift
  PGOPTIONS="-c client_min_messages=warning" as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$(port_of)" -U "$super" -d "$db" "$@"
}

urls() {
  db=${1:-postroom}
  port=$(port_of)
  q="host=$sock&port=$port"
  # Single-quoted, so `eval "$(scripts/pg.sh env DIR)"` takes the & as text.
  echo "POSTROOM_PG_SOCKET='$sock'"
  echo "POSTROOM_PG_PORT='$port'"
  echo "POSTROOM_PG_OWNER='postgres://postroom_owner@/$db?$q'"
  echo "POSTROOM_PG_APP='postgres://postroom_app@/$db?$q'"
  echo "POSTROOM_PG_OPERATOR='postgres://postroom_operator@/$db?$q'"
  echo "POSTROOM_PG_SUPER='postgres://$super@/$db?$q'"
}

running() { [ -f "$data/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; }

make_db() {
  name=$1
  exists=$(psql_super postgres -At -c "SELECT 1 FROM pg_database WHERE datname = '$name'")
  [ "$exists" = 1 ] || psql_super postgres -c "CREATE DATABASE \"$name\" OWNER postroom_owner"
  # Nobody but the roles below reaches it; nobody but the owner creates in it.
  psql_super "$name" <<EOF
REVOKE ALL ON DATABASE "$name" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE "$name" TO postroom_app, postroom_operator;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
EOF
}

start() {
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data" "$sock"
    mkdir -p "$data" "$sock"
    free_port >"$dir/port"
    [ "$(id -u)" = 0 ] && chown -R "$PGUSER_SYS" "$base"
    as_pg test -w "$base" || die "$PGUSER_SYS cannot write to $base"
    chmod 0700 "$data" "$sock"
    as_pg "$PGBIN/initdb" -D "$data" -U "$super" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    cat >>"$data/postgresql.conf" <<EOF
# postroom test cluster (scripts/pg.sh): socket only, durability off.
listen_addresses = ''
unix_socket_directories = '$sock'
unix_socket_permissions = 0700
port = $(port_of)
fsync = off
full_page_writes = off
synchronous_commit = off
max_connections = 200
shared_buffers = 64MB
EOF
  fi
  if ! running; then
    as_pg "$PGBIN/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null ||
      { tail -n 20 "$log" >&2; die "pg_ctl start failed (log: $log)"; }
  fi
  # The roles, idempotently (CREATE ROLE has no IF NOT EXISTS).
  psql_super postgres <<'EOF'
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postroom_owner') THEN
    CREATE ROLE postroom_owner LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postroom_app') THEN
    CREATE ROLE postroom_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postroom_operator') THEN
    CREATE ROLE postroom_operator LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postroom_directory') THEN
    CREATE ROLE postroom_directory NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
END
$$;
-- The owner hands the directory functions to postroom_directory (ALTER
-- FUNCTION ... OWNER TO needs membership); the app roles are members of
-- nothing.
GRANT postroom_directory TO postroom_owner;
EOF
  make_db postroom
}

# pgbouncer in transaction pooling mode, as a deployment of many servers
# would run it (docs/scaling.md): its own unix socket (DIR/bsock, the same
# wall as the cluster's), every database of the cluster behind it, trust
# auth like the cluster's. Pools are small, so transactions of different
# clients really do share server connections.
bouncer_running() { [ -f "$base/pgbouncer.pid" ] && as_pg kill -0 "$(cat "$base/pgbouncer.pid")" 2>/dev/null; }

bouncer() {
  [ -x /usr/sbin/pgbouncer ] || die "no pgbouncer (scripts/deps.sh test installs it)"
  running || die "no cluster running in $dir"
  bsock=$base/bsock
  if ! bouncer_running; then
    mkdir -p "$bsock"
    [ -f "$dir/bport" ] || free_port >"$dir/bport"
    cat >"$base/pgbouncer.ini" <<EOF
[databases]
* = host=$sock port=$(port_of)
[pgbouncer]
listen_addr =
unix_socket_dir = $bsock
unix_socket_mode = 0700
listen_port = $(cat "$dir/bport")
auth_type = trust
auth_file = $base/pgbouncer.users
pool_mode = transaction
default_pool_size = 4
max_client_conn = 400
# every test has its own database, and so its own pools: server connections
# left idle go at once, or a whole suite's pools fill max_connections
server_idle_timeout = 1
server_reset_query =
logfile = $base/pgbouncer.log
pidfile = $base/pgbouncer.pid
EOF
    # trust still wants each user named (the password is not checked)
    printf '"%s" ""\n' postroom_owner postroom_app postroom_operator >"$base/pgbouncer.users"
    [ "$(id -u)" = 0 ] && chown -R "$PGUSER_SYS" "$bsock" "$base/pgbouncer.ini" "$base/pgbouncer.users"
    chmod 0700 "$bsock"
    as_pg /usr/sbin/pgbouncer -d "$base/pgbouncer.ini" >/dev/null 2>&1 ||
      { tail -n 20 "$base/pgbouncer.log" >&2 2>/dev/null; die "pgbouncer did not start"; }
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      [ -S "$bsock/.s.PGSQL.$(cat "$dir/bport")" ] && break
      sleep 0.2
    done
  fi
  echo "POSTROOM_PG_BOUNCER_SOCKET='$bsock'"
  echo "POSTROOM_PG_BOUNCER_PORT='$(cat "$dir/bport")'"
}

# WAL archiving and point-in-time recovery, as docs/scaling.md describes a
# deployment's (tests/pg/test_pitr.py runs them): every finished WAL segment
# is copied to the cluster's archive/ (a deployment's archive_command copies
# to other storage, or pgBackRest does), base backups are pg_basebackup's,
# and a restore is a new cluster from a base backup that replays the archive
# up to a moment and then opens for writing.
archive_dir() { echo "$base/archive"; }

archive() {
  running || die "no cluster running in $dir"
  arch=$(archive_dir)
  if ! grep -q '^archive_mode = on' "$data/postgresql.conf"; then
    mkdir -p "$arch"
    [ "$(id -u)" = 0 ] && chown "$PGUSER_SYS" "$arch"
    chmod 0700 "$arch"
    cat >>"$data/postgresql.conf" <<EOF
# scripts/pg.sh archive: WAL archiving for point-in-time recovery
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $arch/%f && cp %p $arch/%f'
EOF
    as_pg "$PGBIN/pg_ctl" -D "$data" -l "$log" -w -t 60 restart >/dev/null ||
      { tail -n 20 "$log" >&2; die "pg_ctl restart failed (log: $log)"; }
  fi
  echo "POSTROOM_PG_ARCHIVE='$arch'"
}

# The WAL written so far, in the archive: the segment in use is closed and
# its copy waited for (a deployment's archive_timeout bounds what a lost
# machine takes with it; here a restore point must be in the archive).
wal_flush() {
  running || die "no cluster running in $dir"
  seg=$(psql_super postgres -At -c "SELECT pg_walfile_name(pg_switch_wal())")
  for _ in $(seq 1 300); do
    got=$(psql_super postgres -At -c "SELECT COALESCE(last_archived_wal, '') FROM pg_stat_archiver")
    # segment names sort in WAL order within a timeline
    if [ -n "$got" ] && [ "$(printf '%s
%s
' "$seg" "$got" | sort | tail -n 1)" = "$got" ]; then
      echo "POSTROOM_PG_WAL_ARCHIVED='$seg'"
      return 0
    fi
    sleep 0.1
  done
  die "WAL segment $seg was not archived within 30 s (log: $log)"
}

basebackup() {
  name=$1
  running || die "no cluster running in $dir"
  case "$name" in *[!a-z0-9_]*|'') die "backup names are [a-z0-9_]+" ;; esac
  mkdir -p "$base/backups"
  [ "$(id -u)" = 0 ] && chown "$PGUSER_SYS" "$base/backups"
  rm -rf "$base/backups/$name"
  as_pg "$PGBIN/pg_basebackup" -h "$sock" -p "$(port_of)" -U "$super" -D "$base/backups/$name"     -X stream -c fast --no-sync >/dev/null 2>"$dir/basebackup.log" ||
    { cat "$dir/basebackup.log" >&2; die "pg_basebackup failed"; }
  echo "POSTROOM_PG_BACKUP='$base/backups/$name'"
}

# restore NAME TIME DIR2: a new cluster in DIR2 from backup NAME, with WAL
# replayed from this cluster's archive up to TIME (recovery_target_time,
# inclusive) and then promoted; prints its URLs. DIR's cluster may be
# stopped, or gone but for its archive and backups.
restore() {
  name=$1 target=$2
  backup=$base/backups/$name
  arch=$(archive_dir)
  [ -f "$backup/PG_VERSION" ] || die "no base backup $name in $base/backups"
  place "$3"
  running && die "a cluster is already running in $dir"
  rm -rf "$data" "$sock"
  mkdir -p "$sock"
  free_port >"$dir/port"
  cp -a "$backup" "$data"
  [ "$(id -u)" = 0 ] && chown -R "$PGUSER_SYS" "$base"
  chmod 0700 "$data" "$sock"
  # the backup's own settings name the old socket, port and archive: later
  # lines win
  cat >>"$data/postgresql.conf" <<EOF
# scripts/pg.sh restore: recovered from backup $name to $target
unix_socket_directories = '$sock'
port = $(port_of)
archive_mode = off
restore_command = 'cp $arch/%f %p'
recovery_target_time = '$target'
recovery_target_inclusive = on
recovery_target_action = 'promote'
EOF
  as_pg touch "$data/recovery.signal"
  as_pg "$PGBIN/pg_ctl" -D "$data" -l "$log" -w -t 120 start >/dev/null ||
    { tail -n 20 "$log" >&2; die "pg_ctl start of the restore failed (log: $log)"; }
  # pg_ctl returns once reads are served; writes wait for the promotion
  for _ in $(seq 1 600); do
    [ "$(psql_super postgres -At -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ] && { urls; return 0; }
    sleep 0.1
  done
  tail -n 20 "$log" >&2
  die "the restored cluster did not leave recovery within 60 s (log: $log)"
}

stop() {
  if bouncer_running; then
    as_pg kill "$(cat "$base/pgbouncer.pid")" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do bouncer_running || break; sleep 0.2; done
  fi
  if running; then
    as_pg "$PGBIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
  fi
  # a cluster kept outside DIR (see base) is thrown away with its stop, so
  # /tmp does not fill with old ones
  if [ "$base" != "$dir" ]; then
    rm -rf "$base" "$dir/cluster"
  fi
}

case "$cmd" in
  start) start; urls ;;
  env) running || die "no cluster running in $dir"; urls ;;
  db) [ $# -ge 1 ] || die "usage: pg.sh db DIR NAME"
      running || die "no cluster running in $dir"
      case "$1" in *[!a-z0-9_]*|'') die "database names are [a-z0-9_]+" ;; esac
      make_db "$1"; urls "$1" ;;
  bouncer) bouncer ;;
  archive) archive ;;
  wal-flush) wal_flush ;;
  basebackup) [ $# -ge 1 ] || die "usage: pg.sh basebackup DIR NAME"
              basebackup "$1" ;;
  restore) [ $# -ge 3 ] || die "usage: pg.sh restore DIR NAME TIME DIR2"
           restore "$1" "$2" "$3" ;;
  stop) stop ;;
  run) [ $# -ge 1 ] || die "usage: pg.sh run DIR CMD..."
       trap stop EXIT
       trap 'exit 130' INT TERM
       start >/dev/null
       eval "$(urls | sed 's/^/export /')"
       "$@" ;;
  *) die "unknown command $cmd (start|env|db|bouncer|archive|wal-flush|basebackup|restore|stop|run)" ;;
esac
