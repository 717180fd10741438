#!/usr/bin/env python3
"""`make cluster`: a local cluster to try agora's scale-out on one machine, until Ctrl-C.

Starts a throwaway PostgreSQL 15 cluster (scripts/test_postgres.sh), three `agora serve` processes on
one database of it and one shared blob store, and nginx in front of them on --listen (the same
AgoraCluster the cluster tests use: tests/e2e/agora_harness.py), then prints the balancer's URL, the
default organisation's id and an admin token. Ctrl-C (or SIGTERM) stops everything and removes its
data: the cluster is for trying, not for keeping.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

from agora_harness import AgoraCluster  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:8080", help="where nginx listens (HOST:PORT)")
    parser.add_argument("--agora", default=os.path.join(ROOT, "build", "agora"), help="the agora binary")
    args = parser.parse_args()
    host, port = args.listen.rsplit(":", 1)
    if host != "127.0.0.1":
        parser.error("the local cluster listens on 127.0.0.1 only")

    postgres = tempfile.mkdtemp(prefix="agora-cluster-postgres-")
    script = os.path.join(ROOT, "scripts", "test_postgres.sh")
    subprocess.run(["bash", script, "start", postgres], check=True)
    os.environ["AGORA_TEST_POSTGRES"] = postgres
    cluster = None
    try:
        cluster = AgoraCluster(port=int(port), binary=args.agora, drain_seconds=10, lease_seconds=30)
        cluster.start()
        with open(os.path.join(postgres, "url")) as f:
            maintenance = f.read().strip()
        print(f"PostgreSQL: {maintenance[:maintenance.rfind('/') + 1]}{cluster.database}")
        print(f"blobs: {cluster.blob_dir}")
        for i, node in enumerate(cluster.nodes):
            print(f"server {i}: {node.base} (data {node.data_dir})")
        print(f"organization id: {cluster.org}")
        print(f"admin token: {cluster.token}")
        print(f"agora cluster listening on http://{args.listen} (Ctrl-C stops it and removes its data)", flush=True)
        stopped = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopped.set())
        stopped.wait()
        print("stopping the cluster", flush=True)
        cluster.stop(expect_clean=False)
    finally:
        if cluster:
            cluster.cleanup()
        subprocess.run(["bash", script, "stop", postgres], check=False)
        shutil.rmtree(postgres, ignore_errors=True)


if __name__ == "__main__":
    main()
