# Shared settings for the scripts and the Makefile. Sourced, not run.
# The cluster lives under /tmp, keyed to this checkout, so two clones never share one.
CRADLE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
CRADLE_KEY=$(printf '%s' "$CRADLE_ROOT" | sha1sum | cut -c1-10)
export CRADLE_RUN_DIR=${CRADLE_RUN_DIR:-/tmp/cradle-$CRADLE_KEY}
export PGPORT=${PGPORT:-55432}
export PGHOST=127.0.0.1
export PGUSER=cradle
export PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
