#!/usr/bin/env bash
# Starts or stops the S3 test server (s3rver.js, @20minutes/s3rver from npm) for a test run:
#   fixture.sh start STATE_DIR   # waits until it listens; writes STATE_DIR/endpoint (http://127.0.0.1:PORT)
#   fixture.sh stop STATE_DIR    # stops it and removes STATE_DIR
# ctest runs these as the `s3` fixture (CMakeLists.txt); the e2e and unit tests also call them
# when run alone (tests/e2e/s3_fixture.py, src/storage/s3_testing.h). Its credentials are
# S3RVER / S3RVER, and it has a bucket named `agora`; tests make buckets of their own too.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
action="${1:-}" state="${2:-}"
[ -n "$state" ] || { echo "usage: $0 start|stop STATE_DIR" >&2; exit 2; }

case "$action" in
start)
  if [ ! -d "$here/node_modules/@20minutes/s3rver" ]; then
    echo "s3 fixture: @20minutes/s3rver is not installed; run: (cd tests/s3 && npm ci) (make test does)" >&2
    exit 1
  fi
  mkdir -p "$state/data"
  rm -f "$state/endpoint"
  setsid node "$here/s3rver.js" "$state/data" "$state/endpoint" agora >"$state/log" 2>&1 </dev/null &
  echo $! >"$state/pid"
  for _ in $(seq 1 200); do
    [ -s "$state/endpoint" ] && { cat "$state/endpoint"; exit 0; }
    kill -0 "$(cat "$state/pid")" 2>/dev/null || break
    sleep 0.1
  done
  echo "s3 fixture: s3rver did not start:" >&2
  cat "$state/log" >&2
  exit 1
  ;;
stop)
  if [ -f "$state/pid" ]; then
    pid="$(cat "$state/pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$state"
  ;;
*)
  echo "usage: $0 start|stop STATE_DIR" >&2
  exit 2
  ;;
esac
