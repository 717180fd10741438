#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests and `make cluster`, run by the project's own
# scripts rather than the system's service:
#
#   scripts/test_postgres.sh start STATE_DIR   initdb in a fresh temporary directory, start it on
#                                              127.0.0.1 at a free port, and write STATE_DIR/url
#                                              (postgresql://agora@127.0.0.1:PORT/postgres)
#   scripts/test_postgres.sh stop STATE_DIR    stop it and remove its files
#
# Durability is off (fsync, synchronous_commit, full_page_writes): the cluster lives as long as a
# test run. The role `agora` is its superuser and logs in without a password (trust), over TCP
# from this machine only. initdb refuses to run as root, so as root the cluster belongs to the
# `postgres` user that Debian's package creates. A cluster already recorded in STATE_DIR is
# stopped first.
set -euo pipefail

command=${1:-}
state=${2:-}
[ -n "$command" ] && [ -n "$state" ] || { echo "usage: $0 start|stop STATE_DIR" >&2; exit 2; }
bin=${AGORA_PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] ||
  { echo "$0: PostgreSQL 15 is not installed ($bin): run scripts/setup.sh" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
  [ -f "$state/datadir" ] || return 0
  local data
  data=$(cat "$state/datadir")
  if [ -d "$data/data" ]; then
    as_owner "$bin/pg_ctl" stop -D "$data/data" -m fast -w >/dev/null 2>&1 || true
  fi
  rm -rf "$data"
  rm -f "$state/datadir" "$state/url"
}

start() {
  stop
  mkdir -p "$state"
  local data port
  data=$(mktemp -d /tmp/agora-postgres-XXXXXX)
  echo "$data" > "$state/datadir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$data"
  as_owner "$bin/initdb" -D "$data/data" -U agora --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync \
    >"$data/initdb.log" 2>&1 || { cat "$data/initdb.log" >&2; exit 1; }
  # A free port: bound by the kernel, released, then taken by the server; retried if lost between.
  for attempt in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if as_owner "$bin/pg_ctl" start -D "$data/data" -w -t 60 -l "$data/server.log" \
         -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=400 -c shared_buffers=64MB" >/dev/null; then
      echo "postgresql://agora@127.0.0.1:$port/postgres" > "$state/url"
      return 0
    fi
  done
  cat "$data/server.log" >&2
  exit 1
}

case "$command" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop STATE_DIR" >&2; exit 2 ;;
esac
