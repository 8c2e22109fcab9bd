#!/usr/bin/env bash
# The project-local PostGIS cluster: `db.sh start`, `db.sh stop`, `db.sh status`.
# Runs as the `postgres` user when invoked as root (initdb refuses root), else as the caller.
set -euo pipefail
. "$(dirname "$0")/env.sh"
PGDATA="$CRADLE_RUN_DIR/pgdata"
LOG="$CRADLE_RUN_DIR/postgres.log"

running() { as_owner "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

# The port a running cluster listens on (line 4 of postmaster.pid).
running_port() { as_owner sed -n 4p "$PGDATA/postmaster.pid" 2>/dev/null || true; }

# A cluster left running by an earlier run (a clone at the same path, another PGPORT) would be
# reloaded and then refused on PGPORT: say so now rather than fail later with "connection refused".
check_port() {
  local port
  port=$(running_port)
  if [ -n "$port" ] && [ "$port" != "$PGPORT" ]; then
    echo "cradle: the cluster in $PGDATA is running on port $port, not PGPORT=$PGPORT; stop it (PGPORT=$port bash scripts/db.sh stop) or set PGPORT=$port" >&2
    exit 1
  fi
}

ensure_db() { # name
  if ! "$PG_BIN/psql" -qtA -d postgres -c "select 1 from pg_database where datname='$1'" | grep -q 1; then
    "$PG_BIN/createdb" "$1"
  fi
  "$PG_BIN/psql" -qX -d "$1" -c "set client_min_messages = warning; create extension if not exists postgis" >/dev/null
}

# The run directory holds the cluster, its socket and its password: private to its owner, and
# never a link (a predictable name under /tmp must not be taken over by someone else).
prepare_run_dir() {
  local owner
  owner=$([ "$(id -u)" = 0 ] && echo postgres || id -un)
  if [ -L "$CRADLE_RUN_DIR" ]; then echo "cradle: $CRADLE_RUN_DIR is a symbolic link; refusing to use it" >&2; exit 1; fi
  if [ -e "$CRADLE_RUN_DIR" ] && [ "$(stat -c %U "$CRADLE_RUN_DIR")" != "$owner" ]; then
    echo "cradle: $CRADLE_RUN_DIR belongs to $(stat -c %U "$CRADLE_RUN_DIR"), not $owner; remove it or set CRADLE_RUN_DIR" >&2; exit 1
  fi
  mkdir -p -m 700 "$CRADLE_RUN_DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$CRADLE_RUN_DIR"
  chmod 700 "$CRADLE_RUN_DIR"
}

start() {
  prepare_run_dir
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    echo "cradle: creating a PostGIS cluster in $PGDATA (port $PGPORT)"
    local password pwfile="$CRADLE_RUN_DIR/initdb.pw"
    password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
    ( umask 077; printf '%s\n' "$password" > "$pwfile"; printf '127.0.0.1:*:*:cradle:%s\n' "$password" > "$PGPASSFILE" )
    [ "$(id -u)" = 0 ] && chown postgres "$pwfile"
    # Local socket: the owner only (the directory is private). TCP: password (scram).
    as_owner "$PG_BIN/initdb" -D "$PGDATA" -U cradle --auth-local=trust --auth-host=scram-sha-256 --pwfile="$pwfile" -E UTF8 --no-locale >/dev/null
    rm -f "$pwfile"
    cat >> "$PGDATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$CRADLE_RUN_DIR'
include_if_exists = 'cradle.conf'
CONF
  fi
  # Tuning has a file of its own, rewritten at every start, so an existing cluster picks up changes.
  grep -q "^include_if_exists = 'cradle.conf'" "$PGDATA/postgresql.conf" \
    || as_owner sh -c "echo \"include_if_exists = 'cradle.conf'\" >> '$PGDATA/postgresql.conf'"
  # A primary for streaming standbys (make cluster) needs WAL for them; a lone cluster does not.
  local wal="wal_level = minimal
max_wal_senders = 0"
  [ -n "${CRADLE_REPLICATION:-}" ] && wal="wal_level = replica
max_wal_senders = 4
wal_keep_size = 1GB"
  as_owner sh -c "cat > '$PGDATA/cradle.conf'" <<CONF
shared_buffers = ${CRADLE_SHARED_BUFFERS:-512MB}
work_mem = 64MB
maintenance_work_mem = 512MB
max_wal_size = 4GB
# Bulk loads write into tables created in the same transaction: minimal WAL skips that I/O.
$wal
synchronous_commit = off
# PostGIS functions carry high planner costs, so PostgreSQL's JIT compiles even small queries:
# 130 ms of compilation on a 60 ms validity check of the LSOAs (measured with EXPLAIN ANALYZE).
jit = off
# Everything the API reads sits in memory: index probes cost about what sequential reads do.
random_page_cost = 1.1
CONF
  if ! running; then
    if (exec 3<>/dev/tcp/127.0.0.1/$PGPORT) 2>/dev/null; then
      echo "cradle: port $PGPORT is taken by another server; set PGPORT to a free port" >&2; exit 1
    fi
    as_owner "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$LOG" -o "-p $PGPORT" -w -t 60 start >/dev/null \
      || { echo "cradle: PostgreSQL did not start; see $LOG" >&2; tail -5 "$LOG" >&2; exit 1; }
    echo "cradle: PostGIS running on 127.0.0.1:$PGPORT"
  else
    check_port
    as_owner "$PG_BIN/pg_ctl" -D "$PGDATA" reload >/dev/null
  fi
  ensure_db cradle
  ensure_db cradle_test
}

stop() {
  if running; then as_owner "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null; echo "cradle: PostGIS stopped"; fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running on port $(running_port) ($PGDATA)"; else echo "stopped"; exit 3; fi ;;
  *) echo "usage: db.sh start|stop|status" >&2; exit 2 ;;
esac
