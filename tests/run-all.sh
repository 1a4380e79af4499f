#!/usr/bin/env bash
# run-all.sh — the whole test run behind `make test`: unit tests (cmocka, built
# with ASan+UBSan) on SQLite and PostgreSQL, the HTTP suite on SQLite and on
# PostgreSQL, the HTTP suite again on the sanitizer build, and the browser tests.
# Uses the PostgreSQL server named by HUIJU_PG_DIR/HUIJU_PG_PORT (.ci/run starts
# one) or starts its own on 127.0.0.1:55432 and stops it at exit. Every stage runs
# even when one fails; the last line totals them: "total: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -z "${HUIJU_PG_DIR:-}" ] || [ -z "${HUIJU_PG_PORT:-}" ]; then
    export HUIJU_PG_DIR=build/pg HUIJU_PG_PORT=55432
    trap 'tests/pg.sh stop "$HUIJU_PG_DIR" >/dev/null 2>&1 || true' EXIT
fi
tests/pg.sh start "$HUIJU_PG_DIR" "$HUIJU_PG_PORT" >/dev/null || { echo "run-all: cannot start PostgreSQL" >&2; exit 1; }

passed=0 failed=0 status=0
summary=()
log=build/test-tmp/run-all.log
mkdir -p build/test-tmp
: > "$log"

# Adds the "NAME: N passed, N failed" line a stage printed to the totals.
count() {
    local name=$1 line
    line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n1)
    local p f
    p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")
    f=$(sed -E 's/.*, ([0-9]+) failed.*/\1/' <<<"$line")
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    summary+=("${line:-$name: no result}")
}

stage() {
    local name=$1
    shift
    local t0=$SECONDS
    echo "=== $name"
    "$@" 2>&1 | tee -a "$log"
    local rc=${PIPESTATUS[0]}
    [ "$rc" -ne 0 ] && status=1
    echo "=== $name: exit $rc, $((SECONDS - t0)) s" | tee -a "$log"
}

# Unit tests: cmocka prints "[  PASSED  ] N test(s)." per group and
# "[  FAILED  ] N test(s), listed below:" on failure.
unit() {
    export HUIJU_TEST_PG
    HUIJU_TEST_PG=$(tests/pg.sh createdb "$HUIJU_PG_DIR" "$HUIJU_PG_PORT" huiju_unit)
    local p=0 f=0 rc=0 t out
    for t in build/test_*; do
        case $t in *.*) continue ;; esac
        [ -x "$t" ] || continue
        out=$("$t" 2>&1)
        [ $? -ne 0 ] && rc=1
        printf '%s\n' "$out" | grep -E '^\[  (PASSED|FAILED|  OK|SKIPPED) |^\[ +RUN|^\[  ERROR' | grep -vE '^\[ +(RUN|OK) ' || true
        p=$((p + $(printf '%s\n' "$out" | awk '/^\[  PASSED  \] [0-9]+ test/ {s += $4} END {print s + 0}')))
        f=$((f + $(printf '%s\n' "$out" | awk '/^\[  FAILED  \] [0-9]+ test/ {s += $4} END {print s + 0}')))
        echo "-- $t"
    done
    echo "unit: $p passed, $f failed"
    return $rc
}

stage unit unit
count unit
stage http-sqlite env HUIJU_BIN=build/huiju tests/run-http.sh sqlite
count http-sqlite
stage http-pg env HUIJU_BIN=build/huiju tests/run-http.sh pg
count http-pg
stage asan-http-sqlite env HUIJU_BIN=build/huiju-asan tests/run-http.sh sqlite
sed -i 's/^http-sqlite: \([0-9]* passed\)/asan-http-sqlite: \1/' "$log"
count asan-http-sqlite
stage browser env HUIJU_BIN=build/huiju tests/run-browser.sh
count browser

echo
printf '%s\n' "${summary[@]}"
echo "total: $passed passed, $failed failed"
exit $status
