#!/usr/bin/env bash
# Search latency over 100,000 assets: bulk-loads a data directory with bench/search_bench (which
# also times the queries in the engine), then times the same 200 two-word queries over HTTP
# (keep-alive) against `agora serve` on that directory.
#
#   bench/search.sh [ASSETS]     (default 100000; needs build/agora and build/search_bench)
#
# bench/run sets BENCH_BUILD (the folder of agora and search_bench, default build), SEARCH_ROUNDS
# (how many times the HTTP queries are timed, one line each; default 1) and SEARCH_DATA (load into
# this empty folder and keep it, for the cold-start benchmark; default a temporary folder).
set -euo pipefail
cd "$(dirname "$0")/.."
assets=${1:-100000}
build=${BENCH_BUILD:-build}
rounds=${SEARCH_ROUNDS:-1}
tmp=$(mktemp -d)
work=${SEARCH_DATA:-$tmp}
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

"$build/search_bench" --data "$work" --assets "$assets" --queries 200
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$build/agora" serve --data "$work" --listen "127.0.0.1:$port" > "$tmp/server.log" 2>&1 &
pid=$!
python3 - "$port" "$work" "$assets" "$rounds" <<'PY'
import http.client, sys, time, urllib.parse
port, work, assets, rounds = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
org, token = open(f"{work}/bench-token").read().split()
queries = open(f"{work}/bench-queries").read().splitlines()
for _ in range(200):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port); c.request("GET", "/"); c.getresponse().read(); break
    except OSError:
        time.sleep(0.05)
headers = {"Authorization": f"bearer {token}"}
# Steady state: the server's connections warm up on 20 untimed queries (the measured words, swapped).
for q in queries[:20]:
    c.request("GET", "/exchange/api/v2/assets/search?" + urllib.parse.urlencode({"search": " ".join(q.split()[::-1]), "limit": 20}), headers=headers)
    c.getresponse().read()
def timed_round():
    samples = []
    for q in queries:
        path = "/exchange/api/v2/assets/search?" + urllib.parse.urlencode({"search": q, "limit": 20})
        start = time.perf_counter()
        c.request("GET", path, headers=headers)
        response = c.getresponse()
        body = response.read()
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status == 200, body
    return sorted(samples)
for _ in range(rounds):
    samples = timed_round()
    p = lambda f: samples[min(len(samples) - 1, int(f * len(samples)))]
    print(f"HTTP search, {len(samples)} two-word queries over {assets} assets: p50 {p(0.5):.2f} ms, p99 {p(0.99):.2f} ms", flush=True)
PY
