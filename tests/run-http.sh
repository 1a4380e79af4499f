#!/usr/bin/env bash
# run-http.sh — runs the HTTP suite (tests/http/*.test.mjs) against the real binary.
#
#   tests/run-http.sh sqlite     a fresh SQLite file per server under build/test-tmp/
#   tests/run-http.sh pg         a fresh PostgreSQL database per server; uses the server
#                                named by HUIJU_PG_DIR/HUIJU_PG_PORT, or starts one with
#                                tests/pg.sh in build/pg on port 55432 and stops it at exit
#
# HUIJU_BIN picks the binary (default build/huiju; build/huiju-asan for sanitizers).
# Extra arguments go to node --test (e.g. --test-name-pattern=csrf).
set -euo pipefail
cd "$(dirname "$0")/.."

backend=${1:-sqlite}
shift || true
export HUIJU_BIN=${HUIJU_BIN:-build/huiju}
[ -x "$HUIJU_BIN" ] || {
    echo "run-http: $HUIJU_BIN is not built (run make)" >&2
    exit 2
}
if [ ! -d node_modules ]; then
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2
fi
mkdir -p build/test-tmp

case "$backend" in
sqlite)
    export HUIJU_DB=sqlite
    ;;
pg)
    if [ -z "${HUIJU_PG_DIR:-}" ] || [ -z "${HUIJU_PG_PORT:-}" ]; then
        export HUIJU_PG_DIR=build/pg HUIJU_PG_PORT=55432
        trap 'tests/pg.sh stop "$HUIJU_PG_DIR" >/dev/null 2>&1 || true' EXIT
        tests/pg.sh start "$HUIJU_PG_DIR" "$HUIJU_PG_PORT" >/dev/null
    fi
    export HUIJU_DB=pg
    ;;
*)
    echo "usage: $0 sqlite|pg [node --test options]" >&2
    exit 64
    ;;
esac

# Each test file starts its own server on its own database and port, and uses its
# own client addresses, so two files can run at once.
tap=build/test-tmp/http-$backend-$$.tap
set +e
node --test --test-concurrency=2 --test-timeout=120000 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" \
    "$@" tests/http/*.test.mjs
status=$?
set -e
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -n1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -n1)
skip=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$tap" | tail -n1)
rm -f "$tap"
echo "http-$backend: ${pass:-0} passed, ${fail:-0} failed, ${skip:-0} skipped"
exit $status
