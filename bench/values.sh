#!/usr/bin/env bash
# bench/values.sh — Huiju's figures at scale (issue 3, item 9), run at the end of
# bench/run.sh (`make bench`) or alone. Prints a table and writes the figures to
# build/bench-values.json, merged into build/bench.json as "values" when that exists.
#
#   1. the large dataset on SQLite: `huiju demo --schools 5000 --seed 1` (catalogue,
#      plan, ~1.7 M demo values), 40 monthly indicators bench_m01…bench_m40 created
#      through POST /api/v1/indicators, and 5,000 × 40 × 60 months (2021-01…2025-12)
#      = 12,000,000 values written as CSV by bench/gen_values.c and imported with
#      `huiju import datavalues` (the real path: ValueWriter, exact roll-ups, audit);
#      the same rows put into a bare SQLite table by bench/bare_insert.c (one prepared
#      statement, one transaction) just before and just after the import: both rates
#      (wall clock) and their ratio (aim ≥ 70 %), and the ratio of CPU times; the
#      region's roll-ups checked against the generator's totals;
#   2. response times of the region dashboard (HTML and API) and a school portrait:
#      median and p90 of 50 sequential requests on one keep-alive connection after 5
#      warm-up requests, and the first request after a server restart (3 restarts;
#      the OS file cache stays warm), aim: dashboard median under 5 ms; and, from a
#      second pair of servers run under bench/sqlcount.c (LD_PRELOAD), the SQL
#      statements each page executes and the time spent inside SQLite per request;
#   3. requests per second under wrk -t2 -c16 -d10s for the three pages, beside nginx
#      serving the dashboard's HTML as a static file from disk (own config, loopback,
#      foreground, stopped afterwards);
#   4. a write visible on the very next request: PUT /api/v1/datavalues of one value,
#      then GET /api/v1/values for the region (and the prefecture, county, quarter and
#      year), and the region dashboard's figure for a plan indicator after a PUT of
#      one of its parts — with the time of the PUT and the slowest SQL around it.
#
# Everything lives in a temp directory under build/ (the database grows to ~0.5 GB,
# the CSV is ~0.4 GB, the bare table ~0.4 GB while it exists), deleted at the end
# unless BENCH_KEEP=1 (then the database and the CSV stay and their path is printed).
# The run fails (exit 1, after the table) on a refused request, a wrong figure, an
# invisible write, or anything unexpected on a server's stderr; an aim missed is
# reported, not a failure. Needs ~4–5 minutes on 2 CPUs.
#
# Environment: BENCH_DURATION (wrk seconds, default 10), BENCH_KEEP=1,
# BENCH_SCHOOLS (default 5000), BENCH_INDICATORS (default 40),
# BENCH_PROFILE=1 (afterwards, import the CSV once more under `perf record` and print
# where its time goes; adds ~1.5 minutes).
set -euo pipefail
export LC_ALL=C

cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-10}
SCHOOLS=${BENCH_SCHOOLS:-5000}
NIND=${BENCH_INDICATORS:-40}
KEEP=${BENCH_KEEP:-0}
PROFILE=${BENCH_PROFILE:-0}
PASSWORD=huiju-demo-2026
SCHOOL=6531210001 # 疏附县第一小学, the demo's recipient school
COUNTY=653121
PREFECTURE=653100
REGION=650000
WARMUP=5
RUNS=50
RESTARTS=3

say() { printf '%s\n' "$*" >&2; }
die() {
    say "bench-values: $*"
    exit 1
}

# --- tools --------------------------------------------------------------------
need=(wrk jq curl nginx libsqlite3-dev build-essential)
[ "$PROFILE" = 1 ] && need+=(linux-perf)
missing=()
for p in "${need[@]}"; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$st" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "bench-values: installing missing Debian packages: ${missing[*]}"
    sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

say "bench-values: building"
make -s all
# what is measured: the commit built (and whether src/ differed from it), and when
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src 2>/dev/null || COMMIT="$COMMIT+changes"
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
TMP=$(mktemp -d build/bench-values.XXXXXX)
DB=$TMP/big.db
CSV=$TMP/values.csv
NGX= # nginx's own directory (readable by its workers)

# --- cleanup --------------------------------------------------------------------
SERVER_PID=
NGINX_PID=
cleanup() {
    local rc=$?
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ -n "$NGINX_PID" ]; then
        kill "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
    fi
    [ -n "$NGX" ] && rm -rf "$NGX"
    if [ "$KEEP" = 1 ] && [ -f "$DB" ]; then
        rm -f "$TMP/bare.db" "$TMP/bare.db-wal" "$TMP/bare.db-shm" "$TMP/profile.db"*
        say "bench-values: kept $DB and $CSV (BENCH_KEEP=1)"
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Benchmark a private copy: a `make` elsewhere may relink build/huiju mid-run.
BIN=$TMP/huiju
cp build/huiju "$BIN"
CFLAGS_B=(-std=c17 -Wall -Wextra -Werror -O2)
cc "${CFLAGS_B[@]}" -o "$TMP/gen_values" bench/gen_values.c -lsqlite3
cc "${CFLAGS_B[@]}" -o "$TMP/bare_insert" bench/bare_insert.c -lsqlite3
cc "${CFLAGS_B[@]}" -shared -fPIC -o "$TMP/sqlcount.so" bench/sqlcount.c -ldl -lpthread

# Failures go to a file: fail() is also called inside $(…).
fail() {
    printf '%s\n' "${*//$'\n'/ | }" >>"$TMP/failures"
    say "bench-values: FAILURE: $*"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
    local p
    for p in $(seq "$1" $(($1 + 80))); do
        port_free "$p" && {
            echo "$p"
            return
        }
    done
    die "no free port from $1"
}
# wait_listen PORT PID: until something accepts on the port (no HTTP request is
# made, so the first request measured is the first the server sees).
wait_listen() {
    local i
    for i in $(seq 200); do
        port_free "$1" || return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg)
PORT=$(free_port $((18600 + RANDOM % 200)))
BASE="http://127.0.0.1:$PORT"

# start_server LOG [ENV=VALUE…]: serve $DB on $PORT; sets SERVER_PID. huiju binds with
# SO_REUSEPORT, so a port someone took meanwhile would share our requests: move on.
start_server() {
    local log=$1
    shift
    if ! port_free "$PORT"; then
        PORT=$(free_port $((PORT + 1)))
        BASE="http://127.0.0.1:$PORT"
    fi
    env "$@" "$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" --threads 4 --trust-proxy \
        >"$TMP/$log.out" 2>"$TMP/$log.err" &
    SERVER_PID=$!
    wait_listen "$PORT" "$SERVER_PID" || {
        cat "$TMP/$log.err" >&2
        die "server did not come up on $BASE"
    }
}

# stop_server LOG: stops it and checks its exit status and stderr.
stop_server() {
    local log=$1 rc=0
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || rc=$?
    SERVER_PID=
    [ "$rc" -eq 0 ] || [ "$rc" -eq 143 ] || fail "server ($log) exited with status $rc"
    grep -v -E '^huiju: (serving on |stopping)' "$TMP/$log.err" >"$TMP/$log.odd" || true
    [ -s "$TMP/$log.odd" ] && fail "server ($log) stderr: $(head -c 2000 "$TMP/$log.odd")"
    return 0
}

# login N: POST /api/v1/session as admin from 10.78.0.N; sets TOKEN.
login() {
    local st
    st=$(curl -sS --max-time 10 -o "$TMP/login.json" -w '%{http_code}' \
        -H 'Content-Type: application/json' -H "X-Forwarded-For: 10.78.0.$1" \
        --data "{\"login\":\"admin\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/session") || st=none
    [ "$st" = 200 ] || die "login answered $st: $(head -c 300 "$TMP/login.json" 2>/dev/null)"
    TOKEN=$(jq -r .token "$TMP/login.json")
}

# auth_hdr AUTH: the header for cookie (pages) or bearer (API) into HDR.
auth_hdr() {
    case "$1" in
    bearer) HDR=(-H "Authorization: Bearer $TOKEN") ;;
    cookie) HDR=(-H "Cookie: huiju_session=$TOKEN") ;;
    *) HDR=() ;;
    esac
}

# api METHOD PATH [BODY]: a bearer request; the body to $TMP/api.json, prints the status.
api() {
    local body=()
    [ $# -ge 3 ] && body=(-H 'Content-Type: application/json' --data-binary "$3")
    curl -sS --max-time 30 -X "$1" -o "$TMP/api.json" -w '%{http_code}' \
        -H "Authorization: Bearer $TOKEN" "${body[@]}" "$BASE$2" || echo none
}

# value ORG INDICATOR PERIOD: the figure from GET /api/v1/values ("null" if none).
value() {
    local st
    st=$(api GET "/api/v1/values?indicator=$2&org=$1&period=$3")
    [ "$st" = 200 ] || {
        fail "GET /api/v1/values for $1 $2 $3 answered $st: $(head -c 300 "$TMP/api.json")"
        echo null
        return
    }
    jq -c .value "$TMP/api.json"
}

# ==============================================================================
# 1. the dataset and the import
# ==============================================================================
# timed NAME CMD…: runs CMD, its stdout to $TMP/NAME.out and stderr to $TMP/NAME.err;
# "real user sys" seconds to $TMP/NAME.time. Returns CMD's status.
timed() {
    local name=$1 TIMEFORMAT='%3R %3U %3S'
    shift
    { time "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"; } 2>"$TMP/$name.time"
}
# seconds NAME [real|cpu]: wall clock, or user + sys, of a timed run.
seconds() {
    awk -v w="${2:-real}" '{ print (w == "real" ? $1 : $2 + $3) }' "$TMP/$1.time"
}

say "bench-values: huiju demo --schools $SCHOOLS --seed 1"
timed demo "$BIN" demo --db "$DB" --schools "$SCHOOLS" --seed 1 ||
    die "huiju demo failed: $(tail -3 "$TMP/demo.err")"
DEMO_S=$(seconds demo)

say "bench-values: creating $NIND monthly indicators through POST /api/v1/indicators"
start_server setup
login 1
for k in $(seq 1 "$NIND"); do
    c=$(printf 'bench_m%02d' "$k")
    st=$(api POST /api/v1/indicators "$(jq -nc --arg c "$c" --arg k "$k" '{code: $c,
        name_zh: ("基准月度指标" + $k), name_en: ("Benchmark monthly indicator " + $k),
        unit: "", category: "resources", direction: "up", kind: "raw",
        period_type: "month", time_agg: "sum"}')")
    [ "$st" = 201 ] || die "POST /api/v1/indicators $c answered $st: $(head -c 300 "$TMP/api.json")"
done
stop_server setup

say "bench-values: writing the CSV ($SCHOOLS schools × $NIND indicators × 60 months)"
"$TMP/gen_values" "$DB" "$CSV" "$NIND" 1 >"$TMP/gen.json" || die "gen_values failed"
ROWS=$(jq .rows "$TMP/gen.json")

# bare N: the reference run N into a fresh file, deleted afterwards. Every writer starts
# with no dirty pages left by the one before (sync) and ends at its exit.
bare() {
    sync
    say "bench-values: bare SQLite insert of the same $ROWS rows (run $1 of 2)"
    timed "bare$1" "$TMP/bare_insert" "$DB" "$CSV" "$TMP/bare.db" ||
        die "bare_insert failed: $(cat "$TMP/bare$1.err")"
    BARE_BYTES=$(stat -c %s "$TMP/bare.db")
    rm -f "$TMP/bare.db" "$TMP/bare.db-wal" "$TMP/bare.db-shm"
}
# The bare rate is measured before and after the import and averaged, so that a
# change in the machine's other load during the run weighs on both sides alike.
bare 1

[ "$PROFILE" = 1 ] && cp "$DB" "$TMP/profile.db"
DB_BYTES_BEFORE=$(stat -c %s "$DB")
sync
say "bench-values: huiju import datavalues ($ROWS rows)"
timed import env LANG=C.UTF-8 "$BIN" import datavalues "$CSV" --db "$DB" ||
    die "huiju import failed: $(tail -5 "$TMP/import.err")"
IMPORT_S=$(seconds import)
IMPORT_CPU=$(seconds import cpu)
ADDED=$(sed -n 's/.* rows, \([0-9]*\) added,.*/\1/p' "$TMP/import.out")
[ "$ADDED" = "$ROWS" ] || fail "import added ${ADDED:-?} of $ROWS rows: $(cat "$TMP/import.out")"
DB_BYTES=$(stat -c %s "$DB")

bare 2
BARE_RUNS=$(jq -s -c . "$TMP/bare1.out" "$TMP/bare2.out")
BARE_S=$(awk -v a="$(seconds bare1)" -v b="$(seconds bare2)" 'BEGIN { print (a + b) / 2 }')
BARE_CPU=$(awk -v a="$(seconds bare1 cpu)" -v b="$(seconds bare2 cpu)" 'BEGIN { print (a + b) / 2 }')
BARE_WALL=$(printf '[%s,%s]' "$(seconds bare1)" "$(seconds bare2)")
CSV_BYTES=$(stat -c %s "$CSV")
[ "$KEEP" = 1 ] || rm -f "$CSV"

# ==============================================================================
# 2. response times
# ==============================================================================
start_server warm
login 2

# the exact roll-ups: the region's figures against the generator's totals
EXACT=yes
while read -r ind per want; do
    got=$(value "$REGION" "$ind" "$per")
    if [ "$(jq -n --argjson g "$got" --argjson w "$want" '$g == $w')" != true ]; then
        EXACT=no
        fail "region $ind $per after the import: $got, the CSV sums to $want"
    fi
done < <(jq -r '.check[] | "\(.indicator) \(.period) \(.total)"' "$TMP/gen.json")

PAGES=(
    "dash_html /dashboard/$REGION cookie"
    "dash_api /api/v1/dashboard/$REGION bearer"
    "portrait /orgs/$SCHOOL/portrait cookie"
)

# warm KEY PATH AUTH: 5 + 50 requests on one connection; the last 50 timed.
warm() {
    local key=$1 path=$2 auth=$3 args=() i
    auth_hdr "$auth"
    for i in $(seq $((WARMUP + RUNS))); do args+=(-o /dev/null "$BASE$path"); done
    curl -sS --max-time 30 "${HDR[@]}" -w '%{http_code} %{num_connects} %{time_total} %{size_download}\n' \
        "${args[@]}" >"$TMP/warm-$key.txt" || fail "curl failed on $path"
    jq -Rs --arg path "$path" --argjson skip "$WARMUP" '
        split("\n") | map(select(length > 0) | split(" ")) as $all | $all[$skip:] as $r
        | ($r | map(.[2] | tonumber * 1000) | sort) as $t
        | {path: $path, runs: ($t | length),
           median_ms: (if ($t | length) % 2 == 1 then $t[($t | length) / 2 | floor]
                       else ($t[($t | length) / 2 - 1] + $t[($t | length) / 2]) / 2 end),
           p90_ms: $t[(($t | length) * 0.9 | ceil) - 1], min_ms: $t[0], max_ms: $t[-1],
           connections: ($all | map(.[1] | tonumber) | add),
           statuses: ($all | map(.[0]) | unique), body_bytes: ($r[-1][3] | tonumber)}' \
        "$TMP/warm-$key.txt" >"$TMP/warm-$key.json"
    jq -e '.statuses == ["200"]' "$TMP/warm-$key.json" >/dev/null ||
        fail "GET $path answered $(jq -c .statuses "$TMP/warm-$key.json")"
}

for e in "${PAGES[@]}"; do
    read -r key path auth <<<"$e"
    say "bench-values: GET $path, $WARMUP + $RUNS sequential requests"
    warm "$key" "$path" "$auth"
done
# the static copy for nginx: the dashboard's HTML as served
auth_hdr cookie
curl -sS --max-time 30 "${HDR[@]}" -o "$TMP/dashboard.html" "$BASE/dashboard/$REGION"
stop_server warm

# cold KEY PATH AUTH: stop, start, first request; RESTARTS times.
cold() {
    local key=$1 path=$2 auth=$3 i out
    auth_hdr "$auth"
    : >"$TMP/cold-$key.txt"
    for i in $(seq "$RESTARTS"); do
        start_server "cold-$key-$i"
        out=$(curl -sS --max-time 30 -o /dev/null "${HDR[@]}" -w '%{http_code} %{time_total}' \
            "$BASE$path") || out="none 0"
        stop_server "cold-$key-$i"
        echo "$out" >>"$TMP/cold-$key.txt"
    done
    jq -Rs 'split("\n") | map(select(length > 0) | split(" "))
        | {statuses: (map(.[0]) | unique), times_ms: map(.[1] | tonumber * 1000)}
        | . + {median_ms: (.times_ms | sort | .[length / 2 | floor])}' \
        "$TMP/cold-$key.txt" >"$TMP/cold-$key.json"
    jq -e '.statuses == ["200"]' "$TMP/cold-$key.json" >/dev/null ||
        fail "GET $path after a restart answered $(jq -c .statuses "$TMP/cold-$key.json")"
}

# sqlcount KEY PATH AUTH: the SQL a request runs, from the difference between a
# server that answered 5 requests and one that answered 25 (start-up and the first
# request's preparing cancel out).
sqlcount() {
    local key=$1 path=$2 auth=$3 n i
    auth_hdr "$auth"
    for n in 5 25; do
        start_server "sql-$key-$n" BENCH_SQLCOUNT_OUT="$PWD/$TMP/sql-$key-$n.json" \
            LD_PRELOAD="$PWD/$TMP/sqlcount.so"
        for i in $(seq "$n"); do
            curl -sS --max-time 30 -o /dev/null "${HDR[@]}" "$BASE$path" || true
        done
        stop_server "sql-$key-$n"
    done
    if ! [ -s "$TMP/sql-$key-5.json" ] || ! [ -s "$TMP/sql-$key-25.json" ]; then
        fail "no SQL counts for $path"
        echo '{"execs_per_request":null,"steps_per_request":null,"sqlite_ms_per_request":null,"top":[]}' \
            >"$TMP/sql-$key.json"
        return
    fi
    jq -n --slurpfile a "$TMP/sql-$key-5.json" --slurpfile b "$TMP/sql-$key-25.json" '
        ($a[0].stmts | map({key: .sql, value: .}) | from_entries) as $A
        | {execs_per_request: (($b[0].execs - $a[0].execs) / 20),
           steps_per_request: (($b[0].steps - $a[0].steps) / 20),
           sqlite_ms_per_request: (($b[0].step_s - $a[0].step_s) / 20 * 1000),
           top: ($b[0].stmts | map({sql: .sql[0:160], execs: ((.execs - ($A[.sql].execs // 0)) / 20),
                                    ms: ((.s - ($A[.sql].s // 0)) / 20 * 1000)})
                 | map(select(.execs > 0)) | sort_by(-.execs) | .[:6])}' >"$TMP/sql-$key.json"
}

for e in "${PAGES[@]}"; do
    read -r key path auth <<<"$e"
    say "bench-values: GET $path, first request after a restart ($RESTARTS restarts)"
    cold "$key" "$path" "$auth"
    say "bench-values: GET $path, SQL statements per request (LD_PRELOAD sqlcount.so)"
    sqlcount "$key" "$path" "$auth"
done

# ==============================================================================
# 3. throughput, beside nginx
# ==============================================================================
# wrk_run KEY URL AUTH BODY_BYTES: wrk with the checks of bench/run.sh.
wrk_run() {
    local key=$1 url=$2 auth=$3 bbytes=$4 out j head
    auth_hdr "$auth"
    head=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code} %{size_header}' "${HDR[@]}" "$url" ||
        echo "none 0")
    [ "${head% *}" = 200 ] || fail "GET $url answered ${head% *} before the load"
    say "bench-values: wrk -t2 -c16 -d${DURATION}s $url"
    out=$(wrk -t2 -c16 -d"${DURATION}s" --latency --timeout 5s -s bench/report.lua "${HDR[@]}" \
        "$url" 2>&1) || fail "wrk failed on $url: $out"
    printf '%s\n' "$out" >"$TMP/wrk-$key.txt"
    grep -q 'Non-2xx or 3xx responses' <<<"$out" &&
        fail "GET $url: $(grep 'Non-2xx or 3xx responses' <<<"$out" | sed 's/^ *//')"
    grep -q 'Socket errors' <<<"$out" && fail "GET $url: $(grep 'Socket errors' <<<"$out" | sed 's/^ *//')"
    j=$(sed -n 's/^BENCH-JSON //p' <<<"$out" | tail -1)
    [ -n "$j" ] || {
        fail "no figures from wrk for $url"
        j='{"requests":0,"duration_us":1,"bytes":0,"latency_us":{},"errors":{}}'
    }
    jq --arg url "/${url#http://*/}" --argjson body "$bbytes" --argjson head "${head#* }" \
        '{url: $url, requests, rps: (if .duration_us > 0 then .requests / (.duration_us / 1e6) else 0 end),
          latency_ms: (.latency_us | map_values(. / 1000)),
          bytes_per_response: (if .requests > 0 then .bytes / .requests else 0 end),
          body_bytes: $body, header_bytes: $head, errors}' <<<"$j" >"$TMP/wrk-$key.json"
    jq -e '.requests == 0 or ((.bytes_per_response - .body_bytes - .header_bytes) | fabs)
           <= 8 + 0.02 * .bytes_per_response' "$TMP/wrk-$key.json" >/dev/null ||
        fail "GET $url: responses under load differ in size from the one checked"
}

start_server wrk
for e in "${PAGES[@]}"; do
    read -r key path auth <<<"$e"
    wrk_run "$key" "$BASE$path" "$auth" "$(jq .body_bytes "$TMP/warm-$key.json")"
done
stop_server wrk

# nginx: a config of its own in a directory its workers can read, foreground,
# loopback only; nothing of the system's nginx is read or touched.
NGX=$(mktemp -d build/bench-nginx.XXXXXX)
chmod 755 "$NGX"
mkdir -p "$NGX/www" "$NGX/logs"
cp "$TMP/dashboard.html" "$NGX/www/dashboard.html"
chmod 644 "$NGX/www/dashboard.html"
NGX_PORT=$(free_port $((PORT + 1)))
NGX_USER=
[ "$(id -u)" -eq 0 ] && NGX_USER="user nobody nogroup;"
cat >"$NGX/nginx.conf" <<EOF
$NGX_USER
daemon off;
worker_processes auto;
pid $PWD/$NGX/nginx.pid;
error_log $PWD/$NGX/logs/error.log warn;
events { worker_connections 1024; }
http {
    types { text/html html; }
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $PWD/$NGX/tmp-body;
    proxy_temp_path $PWD/$NGX/tmp-proxy;
    fastcgi_temp_path $PWD/$NGX/tmp-fastcgi;
    uwsgi_temp_path $PWD/$NGX/tmp-uwsgi;
    scgi_temp_path $PWD/$NGX/tmp-scgi;
    server {
        listen 127.0.0.1:$NGX_PORT;
        root $PWD/$NGX/www;
    }
}
EOF
"$NGINX" -p "$PWD/$NGX/" -e "$PWD/$NGX/logs/error.log" -c "$PWD/$NGX/nginx.conf" \
    >"$NGX/logs/stdout" 2>&1 &
NGINX_PID=$!
wait_listen "$NGX_PORT" "$NGINX_PID" || die "nginx did not come up: $(cat "$NGX/logs/error.log" "$NGX/logs/stdout" 2>/dev/null)"
NGX_VERSION=$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')
wrk_run nginx "http://127.0.0.1:$NGX_PORT/dashboard.html" none "$(stat -c %s "$TMP/dashboard.html")"
kill "$NGINX_PID"
wait "$NGINX_PID" 2>/dev/null || true
NGINX_PID=

# ==============================================================================
# 4. a write is visible on the very next request
# ==============================================================================
# under bench/sqlcount.c, to see where a write's time goes (the shim costs two clock
# reads per step: nothing next to the statements of this part)
start_server write BENCH_SQLCOUNT_OUT="$PWD/$TMP/sql-write.json" LD_PRELOAD="$PWD/$TMP/sqlcount.so"
login 3
say "bench-values: PUT one value, then GET the region's figure"
IND=bench_m01 MONTH=2025-12 QUARTER=2025Q4 YEAR=2025 DELTA=7
old=$(value "$SCHOOL" "$IND" "$MONTH")
[ "$old" = null ] && old=0
before=()
for q in "$REGION $MONTH" "$PREFECTURE $MONTH" "$COUNTY $MONTH" "$REGION $QUARTER" "$REGION $YEAR"; do
    read -r o p <<<"$q"
    before+=("$(value "$o" "$IND" "$p")")
done
new=$(jq -n --argjson o "$old" --argjson d "$DELTA" '$o + $d')
read -r st PUT_S < <(curl -sS --max-time 60 -X PUT -o "$TMP/api.json" -w '%{http_code} %{time_total}\n' \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary "[{\"org\":\"$SCHOOL\",\"indicator\":\"$IND\",\"period\":\"$MONTH\",\"value\":$new}]" \
    "$BASE/api/v1/datavalues" || echo none 0)
PUT_MS=$(awk -v s="$PUT_S" 'BEGIN { printf "%.2f", s * 1000 }')
[ "$st" = 200 ] || fail "PUT /api/v1/datavalues answered $st: $(head -c 300 "$TMP/api.json")"
# the very next request: the region's month
after=()
for q in "$REGION $MONTH" "$PREFECTURE $MONTH" "$COUNTY $MONTH" "$REGION $QUARTER" "$REGION $YEAR"; do
    read -r o p <<<"$q"
    after+=("$(value "$o" "$IND" "$p")")
done
VISIBLE=yes
ALL_VISIBLE=yes
for i in "${!before[@]}"; do
    ok=$(jq -n --argjson b "${before[$i]}" --argjson a "${after[$i]}" --argjson d "$DELTA" \
        '($b | type) == "number" and $a == $b + $d')
    if [ "$ok" != true ]; then
        ALL_VISIBLE=no
        [ "$i" = 0 ] && VISIBLE=no
    fi
done
[ "$VISIBLE" = yes ] || fail "the region's $IND $MONTH went ${before[0]} → ${after[0]} after a change of +$DELTA"
[ "$ALL_VISIBLE" = yes ] || fail "a prefecture, county, quarter or year figure missed the change: ${before[*]} → ${after[*]}"

# and on the region dashboard: the arts-teacher gap is a ratio (vacant / needed × 100);
# one more post needed at the school → the dashboard's figure must become
# vacant / (needed + 1) × 100 of the region's parts as read before.
DASH_VISIBLE=no
DASH_NOTE="no arts_teacher_gap figure on the region dashboard"
st=$(api GET "/api/v1/dashboard/$REGION")
tgt=$(jq -c '[.targets[]? | select(.code == "arts_teacher_gap")][0] // {}' "$TMP/api.json" 2>/dev/null || echo '{}')
DPER=$(jq -r '.period // empty' <<<"$tgt")
if [ "$st" = 200 ] && [ -n "$DPER" ]; then
    api GET "/api/v1/values?indicator=arts_teacher_gap&org=$REGION&period=$DPER" >/dev/null
    parts=$(jq -c '[.numerator, .denominator]' "$TMP/api.json" 2>/dev/null || echo '[null,null]')
    sold=$(value "$SCHOOL" arts_posts_needed "$DPER")
    snew=$(jq -n --argjson v "$sold" '($v // 0) + 1')
    st=$(api PUT /api/v1/datavalues "[{\"org\":\"$SCHOOL\",\"indicator\":\"arts_posts_needed\",\"period\":\"$DPER\",\"value\":$snew}]")
    st2=$(api GET "/api/v1/dashboard/$REGION")
    got=$(jq '[.targets[]? | select(.code == "arts_teacher_gap")][0].actual // null' "$TMP/api.json" 2>/dev/null || echo null)
    read -r DASH_OK DASH_NOTE < <(jq -nr --argjson p "$parts" --argjson a "$(jq '.actual // null' <<<"$tgt")" \
        --argjson g "$got" --arg per "$DPER" '
        def r3: if type == "number" then . * 1e6 | round / 1e6 | tostring else "null" end;
        (if ($p | map(type) == ["number", "number"]) then $p[0] / ($p[1] + 1) * 100 else null end) as $w
        | (($w | type) == "number" and ($g | type) == "number" and (($g - $w) | fabs) <= 1e-9 * ($w | fabs)) as $ok
        | "\($ok) arts_teacher_gap \($per): \($a | r3) → \($g | r3) % (expected \($w | r3))"')
    [ "$st" = 200 ] && [ "$st2" = 200 ] && [ "$DASH_OK" = true ] && DASH_VISIBLE=yes
    [ "$DASH_VISIBLE" = yes ] || fail "region dashboard after a PUT: $DASH_NOTE (PUT $st, GET $st2)"
else
    fail "the region dashboard has no arts_teacher_gap figure to check (GET $st)"
fi
stop_server write
jq -c '[.stmts | sort_by(-.s) | .[:3][] | {sql: .sql[0:200], execs, ms: (.s * 1000)}]' \
    "$TMP/sql-write.json" >"$TMP/sql-write-top.json" 2>/dev/null || echo '[]' >"$TMP/sql-write-top.json"

# ==============================================================================
# optional: where the import's time goes
# ==============================================================================
PROFILE_JSON=null
if [ "$PROFILE" = 1 ] && [ -f "$TMP/profile.db" ]; then
    say "bench-values: BENCH_PROFILE=1: importing again under perf record"
    "$TMP/gen_values" "$TMP/profile.db" "$CSV" "$NIND" 1 >/dev/null
    perf record -q -F 199 --call-graph dwarf,16384 -o "$TMP/perf.data" \
        "$BIN" import datavalues "$CSV" --db "$TMP/profile.db" >/dev/null 2>"$TMP/perf.err" ||
        fail "the profiled import failed: $(tail -3 "$TMP/perf.err")"
    perf report -i "$TMP/perf.data" --children -g none --sort symbol --stdio 2>/dev/null |
        grep -E '^ +[0-9.]+% +[0-9.]+% ' |
        grep -E ' (io_row|keys_put|csv_parse|vw_put|flush|sqlite3_step|delta_add|vw_check_ratios|vw_finish|upsert_rollups|io_parse_period|io_parse_number|period_format|__GI___snprintf|s_bind_text|ancestors|audit_log)( |$)' |
        awk '{ printf "{\"symbol\":\"%s\",\"children\":%s,\"self\":%s}\n", $4, $1 + 0, $2 + 0 }' |
        jq -s . >"$TMP/profile.json" || echo '[]' >"$TMP/profile.json"
    PROFILE_JSON=$(cat "$TMP/profile.json")
    [ "$KEEP" = 1 ] || rm -f "$CSV"
    rm -f "$TMP/profile.db"* "$TMP/perf.data"
fi

# ==============================================================================
# JSON and the table
# ==============================================================================
[ -f "$TMP/failures" ] && mapfile -t FAILURES <"$TMP/failures" || FAILURES=()

pages_json() {
    local e key args=()
    for e in "${PAGES[@]}"; do
        read -r key _ <<<"$e"
        args+=(--slurpfile "w_$key" "$TMP/warm-$key.json" --slurpfile "c_$key" "$TMP/cold-$key.json"
            --slurpfile "s_$key" "$TMP/sql-$key.json" --slurpfile "r_$key" "$TMP/wrk-$key.json")
    done
    jq -n "${args[@]}" '
        def page($w; $c; $s; $r): $w[0] + {first_after_restart_ms: $c[0].median_ms,
            first_after_restart_runs_ms: $c[0].times_ms, sql: $s[0], wrk: $r[0]};
        {dashboard_html: page($w_dash_html; $c_dash_html; $s_dash_html; $r_dash_html),
         dashboard_api: page($w_dash_api; $c_dash_api; $s_dash_api; $r_dash_api),
         portrait: page($w_portrait; $c_portrait; $s_portrait; $r_portrait)}'
}

jq -n --argjson pages "$(pages_json)" --slurpfile gen "$TMP/gen.json" --argjson bare "$BARE_RUNS" \
    --slurpfile nginx "$TMP/wrk-nginx.json" --slurpfile wsql "$TMP/sql-write-top.json" --argjson profile "$PROFILE_JSON" \
    --arg date "$STARTED" --arg commit "$COMMIT" \
    --argjson cpus "$(nproc)" --arg load0 "$LOADAVG_START" --arg load1 "$(cut -d' ' -f1-3 /proc/loadavg)" \
    --argjson schools "$SCHOOLS" --argjson demo_s "$DEMO_S" --argjson rows "$ROWS" \
    --argjson import_s "$IMPORT_S" --argjson bare_s "$BARE_S" --argjson db_bytes "$DB_BYTES" \
    --argjson import_cpu "$IMPORT_CPU" --argjson bare_cpu "$BARE_CPU" --argjson bare_wall "$BARE_WALL" \
    --argjson db_bytes_before "$DB_BYTES_BEFORE" --argjson csv_bytes "$CSV_BYTES" \
    --argjson bare_bytes "$BARE_BYTES" --arg exact "$EXACT" \
    --arg visible "$VISIBLE" --arg all_visible "$ALL_VISIBLE" --arg dash_visible "$DASH_VISIBLE" \
    --arg dash_note "$DASH_NOTE" --argjson put_ms "$PUT_MS" --arg ngx "$NGX_VERSION" \
    --arg before "${before[*]}" --arg after "${after[*]}" --arg duration "$DURATION" \
    --argjson failures "$(printf '%s\n' ${FAILURES[@]+"${FAILURES[@]}"} | jq -R . | jq -s 'map(select(. != ""))')" '
    ($rows / $import_s) as $ir | ($rows / $bare_s) as $br |
    {date: $date, commit: $commit, cpus: $cpus, loadavg: {start: $load0, end: $load1},
     dataset: {schools: $schools, demo_load_s: $demo_s, demo_values: $gen[0].existing_values,
               bench_indicators: $gen[0].indicators,
               months: $gen[0].months, values_imported: $rows, csv_bytes: $csv_bytes,
               csv_generate_s: $gen[0].seconds, db_bytes_before_import: $db_bytes_before,
               db_bytes: $db_bytes},
     import: {rows: $rows, huiju_s: $import_s, huiju_cpu_s: $import_cpu, huiju_values_per_s: $ir,
              bare_s: $bare_s, bare_runs_s: $bare_wall, bare_cpu_s: $bare_cpu,
              bare_values_per_s: $br, bare_runs: $bare, ratio_by_cpu: ($bare_cpu / $import_cpu),
              bare_db_bytes: $bare_bytes, ratio: ($ir / $br), aim_ratio: 0.7,
              aim_met: ($ir / $br >= 0.7), rollups_exact: ($exact == "yes"),
              checked: $gen[0].check},
     pages: $pages,
     aim_dashboard_ms: 5, aim_dashboard_met: ($pages.dashboard_html.median_ms < 5 and $pages.dashboard_api.median_ms < 5),
     nginx: ($nginx[0] + {version: $ngx, file: "the region dashboard HTML"}),
     wrk: "wrk -t2 -c16 -d\($duration)s, huiju serve --threads 4 --trust-proxy",
     write: {visible_on_next_request: ($visible == "yes"), every_level_and_period: ($all_visible == "yes"),
             dashboard: ($dash_visible == "yes"), dashboard_check: $dash_note, put_ms: $put_ms,
             sql_by_time: $wsql[0],
             before: ($before | split(" ") | map(tonumber? // null)),
             after: ($after | split(" ") | map(tonumber? // null)),
             figures: ["650000 2025-12", "653100 2025-12", "653121 2025-12", "650000 2025Q4", "650000 2025"]},
     import_profile: $profile,
     ok: ($failures | length == 0), failures: $failures}' >build/bench-values.json

if [ -f build/bench.json ]; then
    jq --slurpfile v build/bench-values.json '.values = $v[0] | .ok = (.ok and $v[0].ok)
        | .failures += ($v[0].failures | map("values: " + .))' build/bench.json >"$TMP/merged.json" &&
        mv "$TMP/merged.json" build/bench.json
fi

jq -r --argjson merged "$([ -f build/bench.json ] && echo true || echo false)" '
def fixed($d): if . == null then "-" else
  (. * pow(10; $d) | round) as $v | ($v | fabs | tostring) as $s
  | (("0" * ($d + 1 - ($s | length))) + $s) as $t
  | (if $v < 0 then "-" else "" end) + $t[0:($t | length) - $d] + "." + $t[($t | length) - $d:]
  end;
def f1: fixed(1);
def f2: fixed(2);
def i: if . == null then "-" else round | tostring end;
def grp: if length > 3 then (.[0:length - 3] | grp) + "," + .[length - 3:] else . end;
def th: if . == null then "-" else round | tostring | grp end;
def pad($n): tostring | if length >= $n then . else . + (" " * ($n - length)) end;
def lpad($n): tostring | if length >= $n then . else (" " * ($n - length)) + . end;
def aim($ok): if $ok then "met" else "MISSED" end;
def yn: if . then "yes" else "NO" end;
.dataset as $d | .import as $im | .pages as $p |
"huiju bench — values at scale, commit \(.commit), \(.cpus) CPUs, \(.date)",
"load average before/after: \(.loadavg.start) / \(.loadavg.end) (other work on this machine skews the figures)",
"dataset: \($d.schools | th) schools; huiju demo --seed 1: \($d.demo_values | th) values in \($d.demo_load_s | f1) s; + \($d.bench_indicators) monthly indicators × \($d.months) months = \($d.values_imported | th) values",
"         (CSV \($d.csv_bytes / 1e6 | i) MB written in \($d.csv_generate_s | f2) s; database \($d.db_bytes_before_import / 1e6 | i) MB → \($d.db_bytes / 1e6 | i) MB)",
"",
("import of \($im.rows | th) rows, wall clock" | pad(66)) + ("s" | lpad(9)) + ("values/s" | lpad(12)),
("  huiju import datavalues (checks, ValueWriter, roll-ups, audit)" | pad(66)) + ($im.huiju_s | f1 | lpad(9)) + ($im.huiju_values_per_s | th | lpad(12)),
("  bare SQLite table, one prepared INSERT, one transaction" | pad(66)) + ($im.bare_s | f1 | lpad(9)) + ($im.bare_values_per_s | th | lpad(12)),
"    (the mean of a run before the import and one after: \($im.bare_runs_s | map(f1) | join(" s and ")) s)",
("  import rate / bare rate" | pad(66)) + (($im.ratio * 100 | i) + " %" | lpad(9)) + ("  aim ≥ 70 %: " + aim($im.aim_met)),
"  CPU time (user + sys): huiju \($im.huiju_cpu_s | f1) s, bare \($im.bare_cpu_s | f1) s: \($im.ratio_by_cpu * 100 | i) % by CPU time",
"  roll-ups exact after the import (region totals against the CSV): \($im.rollups_exact | yn)",
"",
("response time, ms" | pad(40)) + ("median" | lpad(8)) + ("p90" | lpad(8)) + ("min" | lpad(8)) + ("max" | lpad(8))
  + ("1st after" | lpad(11)) + ("SQL" | lpad(7)) + ("in SQLite" | lpad(11)) + ("body B" | lpad(9)),
(("" | pad(40)) + ("" | lpad(32)) + ("restart" | lpad(11)) + ("/req" | lpad(7)) + ("ms/req" | lpad(11))),
(["dashboard_html", "dashboard_api", "portrait"][] as $k | $p[$k] as $x
  | ("  GET " + $x.path | pad(40)) + ($x.median_ms | f2 | lpad(8)) + ($x.p90_ms | f2 | lpad(8))
    + ($x.min_ms | f2 | lpad(8)) + ($x.max_ms | f2 | lpad(8)) + ($x.first_after_restart_ms | f2 | lpad(11))
    + ($x.sql.execs_per_request | i | lpad(7)) + ($x.sql.sqlite_ms_per_request | f2 | lpad(11))
    + ($x.body_bytes | tostring | lpad(9))),
"  \($p.dashboard_html.runs) sequential requests on one connection after 5 warm-up ones; 1st after restart: median of \($p.dashboard_html.first_after_restart_runs_ms | length) restarts",
"  (the OS file cache stays warm); SQL/req and ms in SQLite: counted by bench/sqlcount.c on separate runs",
"  aim: the region dashboard under \(.aim_dashboard_ms) ms (median, warm): \(aim(.aim_dashboard_met))",
"",
"throughput: \(.wrk), loopback",
(("" | pad(52)) + ("req/s" | lpad(9)) + ("mean ms" | lpad(9)) + ("p99 ms" | lpad(9)) + ("body B" | lpad(9))),
(["dashboard_html", "dashboard_api", "portrait"][] as $k | $p[$k].wrk as $w
  | ("  huiju  " + $w.url | pad(52)) + ($w.rps | i | lpad(9)) + ($w.latency_ms.mean | f2 | lpad(9))
    + ($w.latency_ms.p99 | f2 | lpad(9)) + ($w.body_bytes | tostring | lpad(9))),
(.nginx as $w | ("  nginx " + ($w.version | sub("^nginx/"; "")) + " static file " + $w.url | pad(52)) + ($w.rps | i | lpad(9))
    + ($w.latency_ms.mean | f2 | lpad(9)) + ($w.latency_ms.p99 | f2 | lpad(9)) + ($w.body_bytes | tostring | lpad(9))),
"  the region dashboard (HTML) serves \($p.dashboard_html.wrk.rps / .nginx.rps * 100 | i) % of nginx'"'"'s rate for the same bytes from a file",
"",
"write visible on next request: \(.write.visible_on_next_request | if . then "yes" else "no" end)",
"  PUT /api/v1/datavalues (1 value, +7) took \(.write.put_ms | f2) ms; the next GET /api/v1/values for 650000 bench_m01 2025-12: \(.write.before[0]) → \(.write.after[0])",
"  prefecture, county, 2025Q4 and 2025 moved by the same 7: \(.write.every_level_and_period | yn); region dashboard after a PUT of a part: \(.write.dashboard | yn) (\(.write.dashboard_check))",
"  the slowest SQL of this part (two PUTs, the GETs around them):",
(.write.sql_by_time[] | "    \(.execs)× \(.ms | f1) ms: \(.sql[0:110])…"),
(if .import_profile then "", "import profile (perf, % of samples: children / self):",
   (.import_profile[] | "  " + (.symbol | pad(24)) + (.children | f1 | lpad(7)) + (.self | f1 | lpad(7))) else empty end),
"",
if .ok then "bench-values: OK — figures in build/bench-values.json" + (if $merged then " and build/bench.json (.values)" else "" end)
else "bench-values: FAILED:", (.failures[] | "  - " + .) end
'  build/bench-values.json

[ ${#FAILURES[@]} -eq 0 ] || exit 1
