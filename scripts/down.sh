#!/usr/bin/env bash
# `make down`: stops the API that `make up` started, and PostGIS if `up` started it.
set -euo pipefail
. "$(dirname "$0")/env.sh"
PIDFILE="$CRADLE_RUN_DIR/api.pid"
if [ -f "$PIDFILE" ]; then
  pid=$(cat "$PIDFILE")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    echo "cradle: API stopped"
  fi
  rm -f "$PIDFILE"
fi
if [ -f "$CRADLE_RUN_DIR/db.started-by-up" ]; then
  "$(dirname "$0")/db.sh" stop
  rm -f "$CRADLE_RUN_DIR/db.started-by-up"
fi
