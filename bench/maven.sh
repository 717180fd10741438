#!/usr/bin/env bash
# The Maven facade: complete deploy:deploy-file deploys per second, then maven-metadata.xml GET
# latency for the artifact those deploys gave 1,000 versions. bench/maven_load replays Maven's
# request sequence (no JVM) against `agora serve` on a fresh data directory, with a contributor
# token as `~~~Token~~~` Basic credentials, as a CI build would.
#
#   bench/maven.sh [DEPLOYS [CONCURRENCY [METADATA_GETS]]]   (default 1000 8 2000)
#
# BENCH_BUILD is the folder of agora and maven_load (default build; `make bench` builds
# build-release). Prints the load average before and after, and agora's CPU time per deploy and
# per metadata GET: the rates of a shared machine move with its load, the CPU times much less.
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

# agora's CPU time (user + system, in clock ticks) from /proc: per operation, it moves much less
# with the machine's load than the rates do.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
per_operation_ms() { awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", n ? t * 1000 / hz / n : 0}'; }
load() {
  "$build/maven_load" --port "$port" --base "/api/v3/organizations/$org/maven" --group "$org" --artifact bench-connector \
    --authorization "$auth" --concurrency "$concurrency" "$@"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
before=$(cpu_ticks)
load --deploys "$deploys" --metadata-gets 0
middle=$(cpu_ticks)
load --deploys 0 --metadata-gets "$gets"
after=$(cpu_ticks)
echo "agora CPU per deploy: $(per_operation_ms $((middle - before)) "$deploys") ms; per metadata GET: $(per_operation_ms $((after - middle)) "$gets") ms"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
