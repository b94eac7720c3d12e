#!/bin/sh
# Installs the Debian packages postroom needs, but only those that are missing,
# and only when run as root (a non-root build just reports what is missing).
# Usage: scripts/deps.sh build|test|bench
set -eu
need="build-essential cmake pkg-config libmicrohttpd-dev libsqlite3-dev libsodium-dev libpq-dev libjansson-dev libgnutls28-dev nettle-dev libcairo2-dev libzint-dev liboath-dev fonts-dejavu-core"
case "${1:-build}" in
  test)  need="$need python3 libcurl4-openssl-dev sqlite3 openssl poppler-utils zbar-tools dmtx-utils qpdf clang-14 libclang-rt-14-dev clang-format chromium python3-jsonschema python3-yaml python3-psycopg2 postgresql pgbouncer"
         # tests/browser run on Node.js: Debian's, unless a node and npm are already there
         command -v node >/dev/null 2>&1 || need="$need nodejs"
         command -v npm >/dev/null 2>&1 || need="$need npm" ;;
  bench) need="$need wrk libcurl4-openssl-dev weasyprint" ;;
esac
missing=""
for p in $need; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "postroom: missing Debian packages:$missing (run as root, or: sudo apt-get install$missing)" >&2
  exit 1
fi
echo "postroom: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $missing >/dev/null
