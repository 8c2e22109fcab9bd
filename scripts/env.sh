# Shared settings for the scripts and the Makefile. Sourced, not run.
# The cluster lives under /tmp, keyed to this checkout, so two clones never share one.
CRADLE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
CRADLE_KEY=$(printf '%s' "$CRADLE_ROOT" | sha1sum | cut -c1-10)
export CRADLE_RUN_DIR=${CRADLE_RUN_DIR:-/tmp/cradle-$CRADLE_KEY}
# make cluster's own run directory (scripts/cluster.sh), beside it.
export CRADLE_CLUSTER_DIR=${CRADLE_CLUSTER_DIR:-$CRADLE_RUN_DIR-cluster}
export PGPORT=${PGPORT:-55432}
export PGHOST=127.0.0.1
export PGUSER=cradle
# The cluster's password (scram over TCP) lives here; Npgsql and psql both read PGPASSFILE.
export PGPASSFILE=${PGPASSFILE:-$CRADLE_RUN_DIR/pgpass}
export CRADLE_API_KEYS_FILE=${CRADLE_API_KEYS_FILE:-$CRADLE_RUN_DIR/api-keys}
# The newest PostgreSQL installed from Debian's packages (15 on Debian 12, 17 on Debian 13).
if [ -z "${PG_BIN:-}" ]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
fi
export PG_BIN

# PostgreSQL's programs as the cluster's owner: `postgres` when run as root (initdb refuses root), else
# the caller; from /tmp, as the checkout may sit where the postgres user cannot enter (say, under /root).
as_owner() { if [ "$(id -u)" = 0 ]; then (cd /tmp && runuser -u postgres -- "$@"); else "$@"; fi; }
