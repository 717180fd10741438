#!/usr/bin/env python3
"""Scale-out benchmark: the same cluster of 1 and of 3 agora servers on PostgreSQL behind nginx
(AgoraCluster, tests/e2e/agora_harness.py), measured with bench/load_client through the balancer:

  publications/s   synchronous publications of small custom assets (a fresh version each)
  version JSON/s   GETs of one version's JSON (the response cache in front of the store)
  search p99       full-text searches with two words over the published assets, latency p99

    python3 bench/cluster_bench.py [--build build-release] [--seconds 10] [--servers 1,3]

Writes bench/results/cluster-<date>.json and prints a Markdown table for docs/scaling.md, with the
machine's load average: on a shared machine the figures are noisy, say so when quoting them.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

from agora_harness import AgoraCluster  # noqa: E402
from bench import load_client, multipart  # noqa: E402

WORDS = ["orders", "payments", "flights", "hotels", "billing", "catalogue", "shipping", "inventory"]


def publication_body(work):
    body, content_type = multipart([("name", "Bench {g} asset {v}"), ("type", "custom"),
                                    ("description", "Bench orders payments flights {g}"),
                                    ("keywords", "bench, cluster")],
                                   [("files.custom.bin", "payload.bin", b"payload {g} {v} " * 64)])
    path = os.path.join(work, "publication.body")
    with open(path, "wb") as f:
        f.write(body)
    return path, content_type


def measure(build, servers, seconds, work):
    cluster = AgoraCluster(binary=os.path.join(build, "agora"), nodes=servers)
    cluster.start()
    try:
        auth = {"Authorization": f"bearer {cluster.token}"}
        org = cluster.org
        body, content_type = publication_body(work)
        empty = os.path.join(work, "empty.body")
        open(empty, "wb").close()
        publish = load_client(build, cluster.port, "POST",
                              f"/exchange/api/v2/organizations/{org}/assets/{org}/bench-{{g}}/1.0.{{v}}",
                              body, {**auth, "Content-Type": content_type, "x-sync-publication": "true"},
                              requests=1_000_000, clients=8, groups=64, expect=201, seconds=seconds)
        version = f"/exchange/api/v2/assets/{org}/bench-0/1.0.0"
        get = load_client(build, cluster.port, "GET", version, empty, auth, requests=10_000_000, clients=16, groups=1,
                          expect=200, seconds=seconds)
        search = load_client(build, cluster.port, "GET", "/exchange/api/v2/assets?search=orders+pay&limit=20",
                             empty, auth, requests=1_000_000, clients=8, groups=1, expect=200, seconds=seconds)
        return {"servers": servers, "publications_per_second": publish["per_second"],
                "publication_p99_ms": publish.get("p99_ms"), "version_json_per_second": get["per_second"],
                "version_json_p99_ms": get.get("p99_ms"), "search_per_second": search["per_second"],
                "search_p99_ms": search.get("p99_ms"), "published": publish["requests"]}
    finally:
        cluster.stop(expect_clean=False)
        cluster.cleanup()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build-release"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--servers", default="1,3")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    postgres = tempfile.mkdtemp(prefix="agora-bench-postgres-")
    script = os.path.join(ROOT, "scripts", "test_postgres.sh")
    subprocess.run(["bash", script, "start", postgres], check=True)
    os.environ["AGORA_TEST_POSTGRES"] = postgres
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="agora-bench-cluster-") as work:
            for servers in (int(n) for n in args.servers.split(",")):
                load_before = os.getloadavg()[0]
                row = measure(args.build, servers, args.seconds, work)
                row["load_average"] = round((load_before + os.getloadavg()[0]) / 2, 1)
                rows.append(row)
                print(json.dumps(row), flush=True)
    finally:
        subprocess.run(["bash", script, "stop", postgres], check=False)
    print("\n| servers | publications/s | version JSON GET/s | search p99 (ms) | load average |")
    print("| --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['servers']} | {r['publications_per_second']:.0f} | {r['version_json_per_second']:.0f} | "
              f"{r['search_p99_ms']} | {r['load_average']} |")
    if not args.no_write:
        out = os.path.join(HERE, "results", f"cluster-{datetime.date.today().isoformat()}.json")
        with open(out, "w") as f:
            json.dump({"cpus": os.cpu_count(), "seconds": args.seconds, "rows": rows}, f, indent=2)
        print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
