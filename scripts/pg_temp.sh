#!/usr/bin/env bash
# Runs a throwaway PostgreSQL 15 server for the tests: data in DIR/data, the
# Unix socket in DIR (no TCP), fsync off, C collation (byte order, as SQLite),
# trust authentication for the `postgres` role. As root the server runs as the
# `postgres` OS user.
#   scripts/pg_temp.sh start DIR    create (if needed) and start; prints the URL of
#                                   the maintenance database on stdout
#   scripts/pg_temp.sh stop DIR     stop the server and remove DIR
#   scripts/pg_temp.sh pause DIR    stop the server, keep the data (a simulated outage)
#   scripts/pg_temp.sh resume DIR   start it again; returns once it accepts connections
set -euo pipefail

die() { echo "pg_temp.sh: $*" >&2; exit 1; }
usage() { echo "usage: pg_temp.sh start|stop|pause|resume DIR" >&2; exit 2; }

[ $# -eq 2 ] || usage
cmd=$1
dir=$(realpath -m -- "$2")
data=$dir/data

bindir=""
if command -v pg_config >/dev/null 2>&1; then
  bindir=$(pg_config --bindir 2>/dev/null || true)
fi
[ -x "$bindir/initdb" ] || bindir=/usr/lib/postgresql/15/bin
[ -x "$bindir/initdb" ] && [ -x "$bindir/pg_ctl" ] ||
  die "PostgreSQL server binaries not found (install the Debian package postgresql)"

# Runs a command as the server's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

url() { printf 'postgresql://postgres@/postgres?host=%s\n' "$dir"; }

running() { [ -f "$data/PG_VERSION" ] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; }

# Starts the server on an initialised DIR and waits until it accepts connections.
server_start() {
  local opts="-c unix_socket_directories='$dir' -c listen_addresses='' -c fsync=off"
  opts+=" -c full_page_writes=off -c synchronous_commit=on -c max_connections=300"
  opts+=" -c shared_buffers=128MB"
  as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/pg.log" -w -t 60 -o "$opts" start >/dev/null ||
    die "the server in $dir did not start; see $dir/pg.log: $(tail -5 "$dir/pg.log" 2>/dev/null)"
  as_owner "$bindir/pg_isready" -q -h "$dir" -U postgres -t 30 ||
    die "the server in $dir does not accept connections; see $dir/pg.log"
}

server_stop() {
  as_owner "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null ||
    die "could not stop the server in $dir; see $dir/pg.log"
}

case "$cmd" in
  start)
    if running; then
      url
      exit 0
    fi
    mkdir -p -- "$dir" || die "cannot create $dir"
    if [ "$(id -u)" -eq 0 ]; then
      id postgres >/dev/null 2>&1 || die "no OS user postgres (install the Debian package postgresql)"
      chown postgres: "$dir"
      runuser -u postgres -- test -w "$dir" ||
        die "user postgres cannot reach $dir (a parent folder is not searchable by others)"
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      as_owner "$bindir/initdb" -D "$data" --auth=trust -U postgres -E UTF8 --locale=C \
        >"$dir/initdb.log" 2>&1 || die "initdb failed in $data: $(tail -5 "$dir/initdb.log")"
    fi
    server_start
    url
    ;;
  stop)
    [ -d "$dir" ] || die "$dir does not exist"
    if running; then
      server_stop
    fi
    rm -rf -- "$dir"
    ;;
  pause)
    [ -f "$data/PG_VERSION" ] || die "no cluster in $dir"
    running || die "the server in $dir is not running"
    server_stop
    ;;
  resume)
    [ -f "$data/PG_VERSION" ] || die "no cluster in $dir"
    if ! running; then
      server_start
    fi
    ;;
  *)
    usage
    ;;
esac
