#!/usr/bin/env bash
# Installs what Cradle needs from Debian's packages, only when it is missing:
# PostgreSQL (the distribution's version) with PostGIS 3, curl, and on request gdal-bin, chromium,
# poppler-utils (the tests read the reports back with pdftotext and pdftoppm), unzip (and the Word
# reports), python3-qgis (QGIS opens the OGC API and the style headless), wrk or MapServer.
set -euo pipefail
# Debian puts some servers (lighttpd, haproxy) in /usr/sbin, outside a normal user's PATH.
export PATH="$PATH:/usr/sbin:/sbin"
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else SUDO="none"; fi
install() {
  [ $# -eq 0 ] && return 0
  echo "cradle: installing $* from Debian's packages"
  if [ "$SUDO" = none ]; then echo "cradle: please install as root: apt-get install $*" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  # Debian's postgresql-common would create and start a system cluster; Cradle runs its own.
  if [ ! -f /etc/postgresql-common/createcluster.conf ]; then
    $SUDO mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  [ -n "${CRADLE_APT_UPDATED:-}" ] || { $SUDO apt-get update -qq; export CRADLE_APT_UPDATED=1; }
  $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pg_version() { ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 | cut -d/ -f5; }

need=()
[ -n "$(pg_version)" ] || need+=(postgresql)
command -v curl >/dev/null || need+=(curl)
# Map images are drawn with DejaVu Sans.
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
for extra in "$@"; do
  case "$extra" in
    gdal) command -v ogrinfo >/dev/null || need+=(gdal-bin) ;;
    chromium) [ -x /usr/bin/chromium ] || need+=(chromium) ;;
    poppler) command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || need+=(poppler-utils) ;;
    unzip) command -v unzip >/dev/null || need+=(unzip) ;;
    # QGIS 3.22's Python bindings (with its OAPIF provider), for the tests that open Cradle in QGIS headless.
    qgis) /usr/bin/python3 -c "import qgis.core" 2>/dev/null || need+=(python3-qgis) ;;
    haproxy) command -v haproxy >/dev/null || need+=(haproxy) ;;
    wrk) command -v wrk >/dev/null || need+=(wrk) ;;
    mapserver) command -v mapserv >/dev/null || need+=(mapserver-bin cgi-mapserver); command -v lighttpd >/dev/null || need+=(lighttpd) ;;
  esac
done
install "${need[@]}"
v=$(pg_version)
[ -f "/usr/share/postgresql/$v/extension/postgis.control" ] || install "postgresql-$v-postgis-3"
