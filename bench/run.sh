#!/usr/bin/env bash
# bench/run.sh — Huiju's performance figures (`make bench`). Prints a table and
# writes the same figures as JSON to build/bench.json.
#
#   1. `huiju demo` (1,200 schools) on SQLite and PostgreSQL: wall time (hyperfine),
#      and one argon2id hash on its own (bench/argon2.c), to show the hashing share;
#   2. HTTP throughput and latency (wrk -t2 -c32 -d10s) against
#      `huiju serve --threads 4 --trust-proxy` on each backend, five requests;
#   3. login latency: 20 sequential POST /api/v1/session, median;
#   4. `huiju check` on the freshly loaded demo database.
#
# All load goes to 127.0.0.1. PostgreSQL is a throwaway server (tests/pg.sh) on port
# 55433 under build/pg-bench, stopped at exit; SQLite is a file in a temp directory
# under build/. The run fails (exit 1, after every figure is printed) on any response
# wrk counts as "Non-2xx or 3xx", any socket error, a status other than 200 just
# before or after a load, responses under load whose size differs from the checked
# one (a redirect to /login, an error page), or anything unexpected on the server's
# stderr. Needs ~2.5 minutes.
#
# Environment: BENCH_DURATION (wrk seconds, default 10), BENCH_DEMO_RUNS (default 3),
# BENCH_PG_PORT (default 55433).
set -euo pipefail
export LC_ALL=C

cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-10}
DEMO_RUNS=${BENCH_DEMO_RUNS:-3}
PG_PORT=${BENCH_PG_PORT:-55433}
PG_DIR=build/pg-bench
SCHOOLS=1200
PASSWORD=huiju-demo-2026

say() { printf '%s\n' "$*" >&2; }
die() {
    say "bench: $*"
    exit 1
}

# --- tools --------------------------------------------------------------------
need=(wrk hyperfine jq curl postgresql-15 libsodium-dev build-essential)
missing=()
for p in "${need[@]}"; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$st" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "bench: installing missing Debian packages: ${missing[*]}"
    sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

say "bench: building"
make -s all
cc -std=c17 -Wall -Wextra -Werror -O2 -o build/bench-argon2 bench/argon2.c -lsodium

# --- scratch space and cleanup ------------------------------------------------
rm -f build/bench.json
TMP=$(mktemp -d build/bench-tmp.XXXXXX)
# Benchmark a private copy: a `make` elsewhere may relink build/huiju mid-run.
BIN=$TMP/huiju
cp build/huiju "$BIN"
SERVER_PID=
PG_STARTED=
cleanup() {
    local rc=$?
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ -n "$PG_STARTED" ]; then tests/pg.sh stop "$PG_DIR" >/dev/null 2>&1 || true; fi
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

FAILURES=()
fail() {
    FAILURES+=("${*//$'\n'/ | }")
    say "bench: FAILURE: $*"
}

# port_free PORT: nothing accepts connections on 127.0.0.1:PORT.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
    local p
    for p in $(seq "$1" $(($1 + 50))); do
        port_free "$p" && {
            echo "$p"
            return
        }
    done
    die "no free port from $1"
}

LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg)

# --- per-backend figures ------------------------------------------------------
# demo_load NAME DB PREPARE: hyperfine over `huiju demo`, PREPARE empties the database.
demo_load() {
    local name=$1 db=$2 prepare=$3
    # one argon2id hash on its own, just before the loads, in the same conditions
    say "bench: [$name] argon2id hash and verify, 9 each"
    build/bench-argon2 9 >"$TMP/$name-argon2.json"
    say "bench: [$name] huiju demo --schools $SCHOOLS, $DEMO_RUNS runs"
    hyperfine --style basic --runs "$DEMO_RUNS" --prepare "$prepare" \
        --export-json "$TMP/$name-demo-hf.json" \
        "$BIN demo --db '$db' --schools $SCHOOLS" >&2 || {
        # hyperfine hides the output: run it once more to show why
        bash -c "$prepare"
        die "[$name] huiju demo failed: $("$BIN" demo --db "$db" --schools "$SCHOOLS" 2>&1 | tail -3)"
    }
    # the last run's database stays for everything that follows
}

# check_time NAME DB
check_time() {
    local name=$1 db=$2 out
    out=$("$BIN" check --db "$db" 2>&1) || {
        fail "[$name] huiju check failed: $out"
        echo '{"results":[{"mean":null,"stddev":null,"min":null,"max":null,"times":[]}]}' \
            >"$TMP/$name-check-hf.json"
        jq -n --arg out "$out" '{output: $out}' >"$TMP/$name-check-out.json"
        return
    }
    say "bench: [$name] $out"
    hyperfine --style basic --warmup 2 --runs 10 --export-json "$TMP/$name-check-hf.json" \
        "$BIN check --db '$db'" >&2
    jq -n --arg out "$out" '{output: $out}' >"$TMP/$name-check-out.json"
}

# start_server NAME DB: serve on a free port; sets SERVER_PID and BASE.
start_server() {
    local name=$1 db=$2 port i
    port=$(free_port 58180)
    BASE="http://127.0.0.1:$port"
    "$BIN" serve --db "$db" --listen "127.0.0.1:$port" --threads 4 --trust-proxy \
        >"$TMP/$name-server.out" 2>"$TMP/$name-server.err" &
    SERVER_PID=$!
    for i in $(seq 100); do
        curl -fsS -o /dev/null --max-time 1 "$BASE/healthz" 2>/dev/null && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    cat "$TMP/$name-server.err" >&2
    die "[$name] server did not come up on $BASE"
}

stop_server() {
    local name=$1
    kill "$SERVER_PID" 2>/dev/null || true
    local rc=0
    wait "$SERVER_PID" 2>/dev/null || rc=$?
    SERVER_PID=
    # 143 = ended by our SIGTERM
    [ "$rc" -eq 0 ] || [ "$rc" -eq 143 ] || fail "[$name] server exited with status $rc"
    # anything on stderr beyond the start and stop notices is worth a look
    grep -v -E '^huiju: (serving on |stopping)' "$TMP/$name-server.err" >"$TMP/$name-server.odd" || true
    if [ -s "$TMP/$name-server.odd" ]; then
        fail "[$name] server stderr: $(head -c 2000 "$TMP/$name-server.odd")"
    fi
}

# login N: one POST /api/v1/session from client address 10.77.0.N; prints
# "status seconds token".
login() {
    local body
    body=$(curl -sS --max-time 10 -o "$TMP/login.json" -w '%{http_code} %{time_total}' \
        -H 'Content-Type: application/json' -H "X-Forwarded-For: 10.77.0.$1" \
        --data "{\"login\":\"admin\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/session")
    echo "$body $(jq -r '.token // "-"' "$TMP/login.json" 2>/dev/null || echo -)"
}

# login_bench NAME: 20 sequential logins; sets TOKEN to the last one's token.
login_bench() {
    local name=$1 i st t tok times=()
    say "bench: [$name] 20 sequential logins"
    for i in $(seq 20); do
        read -r st t tok < <(login "$i" || true) || st=none
        [ "$st" = 200 ] || fail "[$name] login $i answered $st"
        times+=("$t")
        TOKEN=$tok
    done
    printf '%s\n' "${times[@]}" | jq -s '{runs: length,
        median_ms: (sort | if length % 2 == 1 then .[length/2|floor]
                           else (.[length/2-1] + .[length/2]) / 2 end | . * 1000),
        min_ms: (min * 1000), max_ms: (max * 1000)}' >"$TMP/$name-login.json"
}

# http_bench NAME KEY PATH AUTH: curl once (status and sizes), wrk, curl again.
http_bench() {
    local name=$1 key=$2 path=$3 auth=$4 hdr=() st0 st1 out
    case "$auth" in
    bearer) hdr=(-H "Authorization: Bearer $TOKEN") ;;
    cookie) hdr=(-H "Cookie: huiju_session=$TOKEN") ;;
    esac
    read -r st0 body_bytes header_bytes < <(curl -sS --max-time 10 -o /dev/null \
        -w '%{http_code} %{size_download} %{size_header}\n' "${hdr[@]}" "$BASE$path" || true) ||
        st0=none body_bytes=0 header_bytes=0
    [ "$st0" = 200 ] || fail "[$name] GET $path answered $st0 before the load"
    say "bench: [$name] wrk GET $path"
    out=$(wrk -t2 -c32 -d"${DURATION}s" --latency --timeout 5s -s bench/report.lua \
        "${hdr[@]}" "$BASE$path" 2>&1) || fail "[$name] wrk failed on $path: $out"
    printf '%s\n' "$out" >"$TMP/$name-$key-wrk.txt"
    if grep -q 'Non-2xx or 3xx responses' <<<"$out"; then
        fail "[$name] GET $path: $(grep 'Non-2xx or 3xx responses' <<<"$out" | sed 's/^ *//')"
    fi
    if grep -q 'Socket errors' <<<"$out"; then
        fail "[$name] GET $path: $(grep 'Socket errors' <<<"$out" | sed 's/^ *//')"
    fi
    st1=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "${hdr[@]}" "$BASE$path" || true)
    [ "$st1" = 200 ] || fail "[$name] GET $path answered $st1 after the load"
    local j
    j=$(sed -n 's/^BENCH-JSON //p' <<<"$out" | tail -1)
    [ -n "$j" ] || {
        fail "[$name] no figures from wrk for $path"
        j='{"requests":0,"duration_us":1,"bytes":0,"latency_us":{},"errors":{}}'
    }
    jq --arg path "$path" --argjson body "$body_bytes" --argjson head "$header_bytes" \
        '{path: $path, requests, duration_s: (.duration_us / 1e6),
          rps: (if .duration_us > 0 then .requests / (.duration_us / 1e6) else 0 end),
          latency_ms: (.latency_us | map_values(. / 1000)),
          bytes_per_response: (if .requests > 0 then .bytes / .requests else 0 end),
          body_bytes: $body, header_bytes: $head, errors}' <<<"$j" >"$TMP/$name-http-$key.json"
    # A redirect to /login or an error page under load would change the size.
    jq -e '.requests == 0 or ((.bytes_per_response - .body_bytes - .header_bytes) | fabs)
           <= 8 + 0.02 * .bytes_per_response' "$TMP/$name-http-$key.json" >/dev/null ||
        fail "[$name] GET $path: $(jq -r '"\(.bytes_per_response | round) bytes per response under load, \(.body_bytes + .header_bytes) when checked"' "$TMP/$name-http-$key.json")"
}

ENDPOINTS=(
    "healthz /healthz none"
    "org /api/v1/orgs/6531210001 bearer"
    "org_children /api/v1/orgs?parent=653100&limit=50 bearer"
    "org_page /orgs/653100 cookie"
    "users /api/v1/users?limit=50 bearer"
)

backend() {
    local name=$1 db=$2 prepare=$3
    demo_load "$name" "$db" "$prepare"
    check_time "$name" "$db"
    start_server "$name" "$db"
    login_bench "$name"
    local e key path auth
    for e in "${ENDPOINTS[@]}"; do
        read -r key path auth <<<"$e"
        http_bench "$name" "$key" "$path" "$auth"
    done
    stop_server "$name"
}

# --- SQLite -------------------------------------------------------------------
SQLITE_DB=$TMP/demo.db
backend sqlite "$SQLITE_DB" "rm -f '$SQLITE_DB' '$SQLITE_DB-wal' '$SQLITE_DB-shm'"

# --- PostgreSQL ---------------------------------------------------------------
port_free "$PG_PORT" || [ -s "$PG_DIR/data/postmaster.pid" ] ||
    die "port $PG_PORT is taken by something other than $PG_DIR"
say "bench: starting PostgreSQL on 127.0.0.1:$PG_PORT"
PG_STARTED=1
tests/pg.sh start "$PG_DIR" "$PG_PORT" >/dev/null
PG_URL=$(tests/pg.sh createdb "$PG_DIR" "$PG_PORT" huiju_bench)
backend postgres "$PG_URL" "tests/pg.sh createdb '$PG_DIR' '$PG_PORT' huiju_bench >/dev/null 2>&1"

# --- JSON ---------------------------------------------------------------------
# The demo hashes one password per demo person; `huiju demo-logins` lists them.
PEOPLE=$("$BIN" demo-logins | grep -c '^  ')
backend_json() {
    local name=$1 http=() e key
    for e in "${ENDPOINTS[@]}"; do
        read -r key _ <<<"$e"
        http+=(--slurpfile "$key" "$TMP/$name-http-$key.json")
    done
    jq -n --slurpfile demo "$TMP/$name-demo-hf.json" --slurpfile check "$TMP/$name-check-hf.json" \
        --slurpfile checkout "$TMP/$name-check-out.json" --slurpfile login "$TMP/$name-login.json" \
        --slurpfile argon2 "$TMP/$name-argon2.json" \
        "${http[@]}" --argjson people "$PEOPLE" '
        def hf: .[0].results[0] | {mean_s: .mean, stddev_s: .stddev, min_s: .min, max_s: .max,
                                   runs: (.times | length)};
        (($checkout[0].output | capture("(?<n>[0-9]+) audit records") | .n | tonumber) // null) as $records
        # the fastest hash is the one least slowed by other work on the machine
        | $argon2[0].hash_ms_min as $hash
        | {argon2id: $argon2[0],
           demo_load: (($demo | hf) + {schools: '"$SCHOOLS"', password_hashes: $people,
              hashing_s_estimate: ($people * $hash / 1000),
              hashing_share: ($people * $hash / 1000 / ($demo[0].results[0].mean))}),
           check: (($check | hf) + {audit_records: $records, output: $checkout[0].output}),
           login: $login[0],
           http: {healthz: $healthz[0], org: $org[0], org_children: $org_children[0],
                  org_page: $org_page[0], users: $users[0]}}'
}
jq -n --argjson sqlite "$(backend_json sqlite)" --argjson postgres "$(backend_json postgres)" \
    --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg version "$("$BIN" --version 2>&1 | head -1)" \
    --arg commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    --argjson cpus "$(nproc)" --arg kernel "$(uname -r)" \
    --arg load0 "$LOADAVG_START" --arg load1 "$(cut -d' ' -f1-3 /proc/loadavg)" \
    --arg wrk "wrk -t2 -c32 -d${DURATION}s, huiju serve --threads 4 --trust-proxy" \
    --argjson failures "$(printf '%s\n' ${FAILURES[@]+"${FAILURES[@]}"} | jq -R . | jq -s 'map(select(. != ""))')" \
    '{date: $date, version: $version, commit: $commit, cpus: $cpus, kernel: $kernel,
      loadavg: {start: $load0, end: $load1},
      load: $wrk, backends: {sqlite: $sqlite, postgres: $postgres},
      ok: ($failures | length == 0), failures: $failures}' >build/bench.json

# --- table --------------------------------------------------------------------
jq -r '
def fixed($d): if . == null then "-" else
  (. * pow(10; $d) | round) as $v | ($v | fabs | tostring) as $s
  | (("0" * ($d + 1 - ($s | length))) + $s) as $t
  | (if $v < 0 then "-" else "" end) + $t[0:($t | length) - $d] + "." + $t[($t | length) - $d:]
  end;
def f1: fixed(1);
def f2: fixed(2);
def i: round | tostring;
def pad($n): tostring | if length >= $n then . else . + (" " * ($n - length)) end;
def lpad($n): tostring | if length >= $n then . else (" " * ($n - length)) + . end;
.backends as $b | $b.sqlite.argon2id as $a |
def row($title; f): ([$title, ($b.sqlite | f), ($b.postgres | f)]
  | (.[0] | pad(48)) + (.[1] | lpad(16)) + (.[2] | lpad(16)));
"huiju bench — \(.version | sub("^huiju "; "")), commit \(.commit), \(.cpus) CPUs, \(.date)",
"load average before/after: \(.loadavg.start) / \(.loadavg.end) (other work on this machine skews the figures)",
"argon2id: opslimit \($a.opslimit), \($a.memlimit_bytes / 1048576 | i) MiB (libsodium INTERACTIVE)",
"",
("" | pad(48)) + ("SQLite" | lpad(16)) + ("PostgreSQL" | lpad(16)),
row("demo load, \($b.sqlite.demo_load.schools) schools (s, mean of \($b.sqlite.demo_load.runs))";
    (.demo_load.mean_s | f2) + " ±" + (.demo_load.stddev_s | f2)),
row("one argon2id hash (ms, min / median of \($a.runs))";
    (.argon2id.hash_ms_min | f1) + " / " + (.argon2id.hash_ms_median | f1)),
row("  of which \($b.sqlite.demo_load.password_hashes) × min hash ≈ (s, share of load)";
    (.demo_load.hashing_s_estimate | f2) + " (" + (.demo_load.hashing_share * 100 | i) + "%)"),
row("huiju check, \($b.sqlite.check.audit_records) audit records (ms, mean)";
    .check.mean_s * 1000 | f1),
row("login POST /api/v1/session (ms, median of 20)"; .login.median_ms | f1),
"",
"HTTP: \(.load)",
(("GET" | pad(38)) + ("backend" | pad(9)) + ("req/s" | lpad(9)) + ("mean ms" | lpad(9))
  + ("p99 ms" | lpad(9)) + ("B/resp" | lpad(9)) + ("body B" | lpad(9))),
(["healthz", "org", "org_children", "org_page", "users"][] as $k
  | ["sqlite", "postgres"][] as $n | $b[$n].http[$k] as $h
  | ($h.path | pad(38)) + ($n | pad(9)) + ($h.rps | i | lpad(9))
    + ($h.latency_ms.mean | f2 | lpad(9)) + ($h.latency_ms.p99 | f2 | lpad(9))
    + ($h.bytes_per_response | i | lpad(9)) + ($h.body_bytes | tostring | lpad(9))),
"  B/resp: bytes on the wire per response (headers + body), no compression; body B: the body alone.",
"",
if .ok then "bench: OK — figures in build/bench.json"
else "bench: FAILED:", (.failures[] | "  - " + .) end
' build/bench.json

bench/values.sh || fail "values at scale (bench/values.sh) failed" # issue 3: 12 M values, dashboards, nginx
# matching, issue 4 (bench/match.sh)
bench/match.sh || fail "matching benchmark (bench/match.sh) failed"
# the work records of issues 5 and 6: demo steps, booking/redemption/approval rushes on two
# server processes, page latency and size (bench/work.mjs)
node bench/work.mjs || fail "work records benchmark (bench/work.mjs) failed"

[ ${#FAILURES[@]} -eq 0 ] || exit 1
