#!/usr/bin/env bash
# Installs the Debian packages the build, the server and the tests need, if any
# are missing. Used by `make run` and `make test`. Usage: scripts/deps.sh [build|test]
set -euo pipefail

build=(build-essential pkg-config gettext libmicrohttpd-dev libsqlite3-dev libpq-dev
       libjansson-dev libsodium-dev libcsv-dev libxlsxwriter-dev)
test=(libcmocka-dev sqlite3 postgresql-15 postgresql-client-15 chromium)

want=("${build[@]}")
[ "${1:-build}" = test ] && want+=("${test[@]}")

missing=()
for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
command -v node >/dev/null 2>&1 || { [ "${1:-build}" = test ] && missing+=(nodejs npm); }

[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing missing Debian packages: ${missing[*]}" >&2
sudo=()
[ "$(id -u)" -ne 0 ] && sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
