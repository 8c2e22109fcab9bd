#!/usr/bin/env bash
# Cradle on real engines, project-local and on loopback: `cluster.sh up` starts a PostGIS primary,
# a hot standby made with pg_basebackup and kept by streaming replication, two Cradle API processes
# that read from the standby (falling back to the primary) and write to the primary, and HAProxy
# in front; `cluster.sh down` stops all of it; `cluster.sh status` says what runs.
# Its own cluster (run directory, ports), so it never touches the one `make run` uses.
set -euo pipefail
. "$(dirname "$0")/env.sh"
export CRADLE_RUN_DIR="$CRADLE_CLUSTER_DIR"
export PGPASSFILE="$CRADLE_RUN_DIR/pgpass"
export PGPORT="${CLUSTER_PGPORT:-55442}"
STANDBY_PORT="${CLUSTER_STANDBY_PORT:-$((PGPORT + 1))}"
API_PORTS=("${CLUSTER_API_PORT1:-8081}" "${CLUSTER_API_PORT2:-8082}")
LB_PORT="${CLUSTER_PORT:-8088}"
STANDBY="$CRADLE_RUN_DIR/standby"
# Only starting needs the program and the data; stopping and status work from a bare shell (.ci/run's clean-up).
DLL="${CRADLE_DLL:-}"
DATA_DIR="${DATA_DIR:-}"
export CRADLE_API_KEYS_FILE="$CRADLE_RUN_DIR/api-keys"

standby_start() { as_owner "$PG_BIN/pg_ctl" -D "$STANDBY" -l "$CRADLE_RUN_DIR/standby.log" -o "-p $STANDBY_PORT" -w -t 60 start >/dev/null; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
wait_ready() { # url
  for _ in $(seq 1 300); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.2; done
  echo "cradle cluster: $1 did not become ready" >&2; return 1
}

up() {
  : "${DLL:?set CRADLE_DLL (make cluster does)}" "${DATA_DIR:?set DATA_DIR (make cluster does)}"
  # The primary: the project's cluster script, with WAL for standbys and a smaller cache (two servers share the machine).
  CRADLE_REPLICATION=1 CRADLE_SHARED_BUFFERS=256MB "$(dirname "$0")/db.sh" start
  dotnet "$DLL" load --data "$DATA_DIR" --if-changed
  touch "$CRADLE_API_KEYS_FILE"
  # The standby: a base backup of the primary, replaying its WAL as it streams (-R writes the connection).
  if [ ! -f "$STANDBY/PG_VERSION" ]; then
    echo "cradle cluster: making a streaming standby with pg_basebackup"
    rm -rf "$STANDBY"
    "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PGPORT" -U cradle -D "$STANDBY" -R -X stream -c fast
    # The password for streaming, readable by the server's own user.
    install -m 600 "$PGPASSFILE" "$STANDBY/pgpass"
    echo "primary_conninfo = 'host=127.0.0.1 port=$PGPORT user=cradle passfile=$STANDBY/pgpass application_name=cradle_standby'" >> "$STANDBY/postgresql.auto.conf"
    [ "$(id -u)" = 0 ] && chown -R postgres "$STANDBY"
    chmod 700 "$STANDBY"
  fi
  if ! as_owner "$PG_BIN/pg_ctl" -D "$STANDBY" status >/dev/null 2>&1; then
    standby_start
  fi
  "$PG_BIN/psql" -qtA -p "$STANDBY_PORT" -d cradle -c "select pg_is_in_recovery()" | grep -q t \
    || { echo "cradle cluster: the server on $STANDBY_PORT is not a standby" >&2; exit 1; }
  # Two API replicas: reads prefer the standby, writes and LISTEN go to the primary.
  local i=0
  for port in "${API_PORTS[@]}"; do
    i=$((i + 1))
    if ! alive "$CRADLE_RUN_DIR/api$i.pid"; then
      CRADLE_DB="Host=127.0.0.1:$PGPORT,127.0.0.1:$STANDBY_PORT;Username=cradle;Database=cradle;Timeout=5;Command Timeout=600;Host Recheck Seconds=2" \
        Logging__LogLevel__Default=Warning setsid nohup dotnet "$DLL" serve --urls "http://127.0.0.1:$port" > "$CRADLE_RUN_DIR/api$i.log" 2>&1 &
      echo $! > "$CRADLE_RUN_DIR/api$i.pid"
    fi
  done
  for port in "${API_PORTS[@]}"; do wait_ready "http://127.0.0.1:$port/health/ready"; done
  # The balancer's own errors are problem+json too: a request it refuses, and no replica answering.
  local errorfiles=""
  for code in 400:Bad\ Request 408:Request\ Timeout 500:Internal\ Server\ Error 501:Not\ Implemented 502:Bad\ Gateway 503:Service\ Unavailable 504:Gateway\ Timeout; do
    local n=${code%%:*} t=${code#*:} body detail retry=""
    case $n in
      400) detail="The balancer refused the request: its request line or headers are malformed." ;;
      408) detail="The request did not arrive in time." ;;
      500|501) detail="The balancer could not handle the request." ;;
      *) detail="No Cradle API replica could answer; try again shortly."; retry=$'Retry-After: 2\r\n' ;;
    esac
    body="{\"title\":\"$t\",\"status\":$n,\"detail\":\"$detail\"}"
    printf 'HTTP/1.1 %s %s\r\nContent-Type: application/problem+json\r\nCache-Control: no-store\r\n%sContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
      "$n" "$t" "$retry" "${#body}" "$body" > "$CRADLE_RUN_DIR/$n.http"
    errorfiles+="${errorfiles:+$'\n'}    errorfile $n $CRADLE_RUN_DIR/$n.http"
  done
  # HAProxy from Debian: health checks every 500 ms, a failed connection retried on the other replica.
  cat > "$CRADLE_RUN_DIR/haproxy.cfg" <<CFG
global
    pidfile $CRADLE_RUN_DIR/haproxy.pid
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout 502 503
    # In defaults, so that the frontend's own refusals (a malformed request) use them too.
$errorfiles
frontend cradle
    bind 127.0.0.1:$LB_PORT
    default_backend api
backend api
    balance roundrobin
    option httpchk GET /health/ready
    http-check expect status 200
    default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions
    server api1 127.0.0.1:${API_PORTS[0]} check
    server api2 127.0.0.1:${API_PORTS[1]} check
CFG
  haproxy -c -q -f "$CRADLE_RUN_DIR/haproxy.cfg"
  # A running balancer is replaced softly (-sf: the old one finishes its connections, then exits).
  local old=()
  alive "$CRADLE_RUN_DIR/haproxy.pid" && old=(-sf "$(cat "$CRADLE_RUN_DIR/haproxy.pid")")
  haproxy -D -f "$CRADLE_RUN_DIR/haproxy.cfg" "${old[@]}"
  wait_ready "http://127.0.0.1:$LB_PORT/health/ready"
  echo "cradle cluster: primary 127.0.0.1:$PGPORT, standby :$STANDBY_PORT, API replicas :${API_PORTS[0]} :${API_PORTS[1]}, HAProxy http://127.0.0.1:$LB_PORT"
}

down() {
  for f in haproxy api1 api2; do
    if alive "$CRADLE_RUN_DIR/$f.pid"; then kill "$(cat "$CRADLE_RUN_DIR/$f.pid")" 2>/dev/null || true; fi
    rm -f "$CRADLE_RUN_DIR/$f.pid"
  done
  if [ -f "$STANDBY/PG_VERSION" ]; then as_owner "$PG_BIN/pg_ctl" -D "$STANDBY" -m fast -w stop >/dev/null 2>&1 || true; fi
  "$(dirname "$0")/db.sh" stop
  echo "cradle cluster: stopped"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  status)
    for f in haproxy api1 api2; do alive "$CRADLE_RUN_DIR/$f.pid" && echo "$f running" || echo "$f stopped"; done
    as_owner "$PG_BIN/pg_ctl" -D "$STANDBY" status >/dev/null 2>&1 && echo "standby running on $STANDBY_PORT" || echo "standby stopped"
    "$(dirname "$0")/db.sh" status ;;
  # The API replicas read their keys at start: after `cradle keys add`, restart them.
  restart-apis)
    for f in api1 api2; do if alive "$CRADLE_RUN_DIR/$f.pid"; then kill "$(cat "$CRADLE_RUN_DIR/$f.pid")"; fi; rm -f "$CRADLE_RUN_DIR/$f.pid"; done
    sleep 1; up ;;
  # For make chaos: stop or start the standby alone.
  standby-stop) as_owner "$PG_BIN/pg_ctl" -D "$STANDBY" -m immediate -w stop >/dev/null ;;
  standby-start) standby_start ;;
  *) echo "usage: cluster.sh up|down|status|restart-apis|standby-stop|standby-start" >&2; exit 2 ;;
esac
