#!/usr/bin/env bash
# pg.sh — a throwaway PostgreSQL 15 server for tests.
#
#   tests/pg.sh start DIR PORT          initialise DIR if needed, start the server on
#                                       127.0.0.1:PORT (sockets in DIR), create huiju_test,
#                                       print its URL
#   tests/pg.sh createdb DIR PORT NAME  drop NAME if it exists, create it, print its URL
#   tests/pg.sh stop DIR                stop the server
#
# Only URLs go to stdout; everything else goes to stderr or DIR/log. Authentication
# is "trust": never point this at anything but a scratch directory. When run as
# root the server runs as the system user "postgres" (created if missing), since
# PostgreSQL refuses to run as root.
set -euo pipefail

PGBIN=/usr/lib/postgresql/15/bin

die() {
    echo "pg.sh: $*" >&2
    exit 1
}

usage() {
    echo "usage: $0 start DIR PORT | stop DIR | createdb DIR PORT NAME" >&2
    exit 64
}

[ -x "$PGBIN/initdb" ] || {
    echo "pg.sh: $PGBIN/initdb not found; install the postgresql-15 package" >&2
    exit 2
}

# as_pg CMD…: runs CMD as the server's owner (postgres when we are root).
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Makes DIR absolute (pg_ctl and the server change directory) and ready for the server.
prepare_dir() {
    mkdir -p "$1"
    DIR=$(cd "$1" && pwd)
    if [ "$(id -u)" -eq 0 ]; then
        id -u postgres >/dev/null 2>&1 || useradd --system --user-group --no-create-home \
            --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
        chown postgres: "$DIR"
    fi
    chmod 700 "$DIR"
    case "$DIR" in
    *[[:space:]\'\"\\]*) die "DIR must not contain spaces, quotes or backslashes: '$DIR'" ;;
    esac
    # The server's socket is DIR/.s.PGSQL.PORT, and socket paths are short.
    [ ${#DIR} -le 90 ] || die "DIR is too long for a unix socket path: $DIR"
    as_pg test -w "$DIR" -a -x "$DIR" ||
        die "user $(as_pg id -un) cannot reach $DIR (is a parent directory private?)"
}

check_port() {
    case "$1" in
    '' | *[!0-9]*) die "PORT must be a number, not '$1'" ;;
    esac
}

# check_name NAME: database names are restricted so that they need no quoting.
check_name() {
    case "$1" in
    '' | [0-9]* | *[!a-z0-9_]*) die "database NAME must match [a-z_][a-z0-9_]*, not '$1'" ;;
    esac
}

running() {
    as_pg "$PGBIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
}

psql_admin() { # PORT SQL…
    local port=$1
    shift
    as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$port" -U postgres -d postgres \
        "$@" >&2
}

url() { echo "postgres://postgres@127.0.0.1:$1/$2"; }

start() {
    check_port "$PORT"
    prepare_dir "$DIR"
    if [ ! -s "$DIR/data/PG_VERSION" ]; then
        rm -rf "$DIR/data"
        as_pg "$PGBIN/initdb" -D "$DIR/data" -U postgres --auth=trust --locale=C \
            --encoding=UTF8 --no-instructions >"$DIR/initdb.log" 2>&1 ||
            die "initdb failed; see $DIR/initdb.log"
    fi
    if running; then
        local have
        have=$(sed -n 4p "$DIR/data/postmaster.pid")
        [ "$have" = "$PORT" ] || die "the server in $DIR is already running on port $have"
    else
        # -k: unix sockets only in DIR; listen_addresses: TCP on loopback only.
        as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off" start >&2 ||
            die "server did not start; see $DIR/log"
    fi
    if [ "$(as_pg "$PGBIN/psql" -X -At -h "$DIR" -p "$PORT" -U postgres -d postgres \
        -c "SELECT 1 FROM pg_database WHERE datname = 'huiju_test'")" != 1 ]; then
        psql_admin "$PORT" -c "CREATE DATABASE huiju_test"
    fi
    url "$PORT" huiju_test
}

createdb() {
    check_port "$PORT"
    check_name "$NAME"
    DIR=$(cd "$DIR" && pwd)
    running || die "no server running in $DIR"
    psql_admin "$PORT" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $NAME WITH (FORCE)" -c "CREATE DATABASE $NAME"
    url "$PORT" "$NAME"
}

stop() {
    [ -d "$DIR" ] || return 0
    DIR=$(cd "$DIR" && pwd)
    if [ -s "$DIR/data/PG_VERSION" ] && running; then
        as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >&2
    fi
}

case "${1:-}" in
start)
    [ $# -eq 3 ] || usage
    DIR=$2 PORT=$3
    start
    ;;
createdb)
    [ $# -eq 4 ] || usage
    DIR=$2 PORT=$3 NAME=$4
    createdb
    ;;
stop)
    [ $# -eq 2 ] || usage
    DIR=$2
    stop
    ;;
*) usage ;;
esac
