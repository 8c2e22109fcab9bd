#!/usr/bin/env bash
# Installs what Cradle needs from Debian's packages, only when it is missing.
set -euo pipefail
need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
[ -f /usr/share/postgresql/15/extension/postgis.control ] || need+=(postgresql-15-postgis-3)
for extra in "$@"; do
  case "$extra" in
    gdal) command -v ogrinfo >/dev/null || need+=(gdal-bin) ;;
    chromium) [ -x /usr/bin/chromium ] || need+=(chromium) ;;
  esac
done
[ ${#need[@]} -eq 0 ] && exit 0
echo "cradle: installing ${need[*]} from Debian's packages"
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "cradle: please install as root: apt-get install ${need[*]}" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
# Debian's postgresql-common would create and start a system cluster; Cradle runs its own.
if [ ! -f /etc/postgresql-common/createcluster.conf ]; then
  $SUDO mkdir -p /etc/postgresql-common
  echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
