#!/usr/bin/env bash
# The Maven facade: complete deploy:deploy-file deploys per second, then maven-metadata.xml GET
# latency for the artifact those deploys gave 1,000 versions. bench/maven_load replays Maven's
# request sequence (no JVM) against `agora serve` on a fresh data directory, with a contributor
# token as `~~~Token~~~` Basic credentials, as a CI build would.
#
#   bench/maven.sh [DEPLOYS [CONCURRENCY [METADATA_GETS]]]   (default 1000 8 2000)
#
# BENCH_BUILD is the folder of agora and maven_load (default build; `make bench` builds
# build-release). Prints the load average before and after: the figures of a shared machine
# move with it.
set -euo pipefail
cd "$(dirname "$0")/.."
deploys=${1:-1000}
concurrency=${2:-8}
gets=${3:-2000}
build=${BENCH_BUILD:-build}
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$build/agora" serve --data "$tmp/data" --listen "127.0.0.1:$port" > "$tmp/server.log" 2>&1 &
pid=$!
for _ in $(seq 200); do grep -q "agora listening" "$tmp/server.log" 2>/dev/null && break; sleep 0.05; done
org=$(sed -n 's/^organization id: //p' "$tmp/server.log")
token=$("$build/agora" admin create-token --data "$tmp/data" --org "$org" --role contributor | tail -1)
auth="Basic $(printf '%s' "~~~Token~~~:$token" | base64 -w0)"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
"$build/maven_load" --port "$port" --base "/api/v3/organizations/$org/maven" --group "$org" --artifact bench-connector \
  --authorization "$auth" --deploys "$deploys" --concurrency "$concurrency" --metadata-gets "$gets"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
