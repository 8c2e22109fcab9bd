#!/usr/bin/env bash
# `make up`: load if needed, start the API in the background, return when /health/ready says 200.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$CRADLE_ROOT"
DLL=${CRADLE_DLL:-build/cradle/Cradle.Api.dll}
PIDFILE="$CRADLE_RUN_DIR/api.pid"
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  echo "cradle: already up (pid $(cat "$PIDFILE")) at http://127.0.0.1:${PORT:-8080}"; exit 0
fi
# Remember whether `up` started PostGIS, so that `down` stops exactly what `up` started. On a fresh machine the run
# directory does not exist yet (db.sh makes it later): make it first.
mkdir -p "$CRADLE_RUN_DIR"
if ! scripts/db.sh status >/dev/null 2>&1; then touch "$CRADLE_RUN_DIR/db.started-by-up"; fi
scripts/db.sh start
dotnet "$DLL" load --data "$DATA_DIR" --if-changed
nohup dotnet "$DLL" serve > "$CRADLE_RUN_DIR/api.log" 2>&1 &
echo $! > "$PIDFILE"
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:${PORT:-8080}/health/ready" >/dev/null 2>&1; then
    echo "cradle: up at http://127.0.0.1:${PORT:-8080} (pid $(cat "$PIDFILE"), log $CRADLE_RUN_DIR/api.log)"; exit 0
  fi
  if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then echo "cradle: the API exited; see $CRADLE_RUN_DIR/api.log" >&2; tail -20 "$CRADLE_RUN_DIR/api.log" >&2; exit 1; fi
  sleep 0.5
done
echo "cradle: the API did not become ready in 60 s; see $CRADLE_RUN_DIR/api.log" >&2
exit 1
