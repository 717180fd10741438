#!/usr/bin/env bash
# The portal with 10,000 assets: bulk-loads a data directory with bench/search_bench (names,
# descriptions, tags, categories and custom fields), publishes the corpus's 1.6 MB OAS file,
# starts `agora serve` on it and runs bench/portal_bench.js, which measures
#   1. the search page's server time (its Server-Timing header) over typed and filtered searches,
#   2. keypress to results painted, in Debian's Chromium, typing into the search box,
#   3. the 1.6 MB OAS file's API reference page painted (first contentful paint), first visit
#      after a restart (the model parsed) and then cached,
# and prints them with the machine's load average (figures from a shared machine are noisy).
#
#   bench/portal.sh [ASSETS]    (default 10000; needs build/agora, build/search_bench and
#                                `npm ci` in tests/portal for playwright-core)
set -euo pipefail
cd "$(dirname "$0")/.."
assets=${1:-10000}
build=${BENCH_BUILD:-build}
corpus=${AGORA_CORPUS_DIR:-../shared/corpus}
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p "$tmp/data"
"$build/search_bench" --data "$tmp/data" --assets "$assets" --queries 20 --tag-values | grep loaded
{ read -r org; read -r token; } < "$tmp/data/bench-token"
echo 'portal bench password' | "$build/agora" admin create-user --data "$tmp/data" --org "$org" \
  --username bench-user --password-stdin --role viewer > /dev/null

start_server() {
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$build/agora" serve --data "$tmp/data" --listen "127.0.0.1:$port" >> "$tmp/server.log" 2>&1 &
  pid=$!
}
stop_server() {
  kill "$pid"
  wait "$pid" || true
  pid=
}

start_server
node bench/portal_bench.js --base "http://127.0.0.1:$port" --org "$org" --token "$token" \
  --user bench-user --password 'portal bench password' --oas "$corpus/oas/anypoint-access-management-oas3.0-large.yaml" \
  --phase load
# A restart empties the model cache: the reference page's first visit then parses the model.
stop_server
start_server
node bench/portal_bench.js --base "http://127.0.0.1:$port" --org "$org" --token "$token" \
  --user bench-user --password 'portal bench password' --assets "$assets" --phase measure
stop_server
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
