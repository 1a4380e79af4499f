#!/usr/bin/env bash
# run-browser.sh — runs the browser test (tests/browser/*.test.mjs) with Debian's
# chromium through playwright-core, against the real binary on SQLite.
# HUIJU_BIN picks the binary (default build/huiju); HUIJU_CHROMIUM the browser.
set -euo pipefail
cd "$(dirname "$0")/.."

export HUIJU_BIN=${HUIJU_BIN:-build/huiju} HUIJU_DB=sqlite
[ -x "$HUIJU_BIN" ] || {
    echo "run-browser: $HUIJU_BIN is not built (run make)" >&2
    exit 2
}
chromium=${HUIJU_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || {
    echo "run-browser: $chromium not found (Debian package chromium)" >&2
    exit 2
}
if [ ! -d node_modules/playwright-core ]; then
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2
fi
mkdir -p build/test-tmp

tap=build/test-tmp/browser-$$.tap
set +e
node --test --test-concurrency=1 --test-timeout=120000 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" \
    "$@" tests/browser/*.test.mjs
status=$?
set -e
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -n1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -n1)
skip=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$tap" | tail -n1)
rm -f "$tap"
echo "browser: ${pass:-0} passed, ${fail:-0} failed, ${skip:-0} skipped"
exit $status
