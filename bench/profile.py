#!/usr/bin/env python3
"""Profiles agora under one of bench/run's loads, for docs/performance.md.

    python3 bench/profile.py publish|get|download|upload [--build build-release] [--seconds 20] [--out DIR]

Starts agora as bench/bench.py does (the same inputs and clients), records it with
`perf record --call-graph dwarf` while the load runs (publish and get for --seconds; download:
4 clients x 4 downloads of 256 MiB; upload: one 1 GiB custom asset), counts its system calls with
`strace -c -f` in a second pass, and writes to DIR (default: a temporary folder, printed):
perf-<scenario>.data, report-<scenario>.txt (top symbols by self time, then by time including
callees) and syscalls-<scenario>.txt. perf and strace: scripts/setup.sh --bench.
"""
import argparse
import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def attach(argv_prefix, pid, out_path):
    return subprocess.Popen(argv_prefix + ["-p", str(pid)], stdout=subprocess.DEVNULL,
                            stderr=open(out_path + ".log", "w"))


def detach(process):
    process.send_signal(signal.SIGINT)
    process.wait(timeout=120)


def load(args, agora, work):
    """The scenario's load against `agora` for args.seconds."""
    if args.scenario == "publish":
        body, content_type = bench.api_publication(bench.api_zip())
        body_path = os.path.join(work, "publish-body")
        open(body_path, "wb").write(body)
        target = f"/exchange/api/v2/organizations/{agora.org}/assets/{bench.GROUP}/pass{args.passes}-{{g}}/1.0.{{v}}"
        stats = bench.load_client(args.build, agora.port, "POST", target, body_path,
                                  {**agora.auth(), "Content-Type": content_type, "x-sync-publication": "true"},
                                  100000, 16, 50, 201, args.seconds)
        args.passes += 1  # the strace pass publishes other assets
        return f"{stats['requests']} publications, {stats['per_second']:.0f}/s, p50 {stats['p50_ms']} ms"
    if args.scenario == "get":
        path = f"/exchange/api/v2/assets/{bench.GROUP}/bench-api-0/1.0.0"
        stats = bench.wrk(agora.port, path, agora.auth(), args.seconds, 64)
        return f"{stats['per_second']:.0f} requests/s"
    if args.scenario == "download":
        stats = bench.parallel_downloads(args.url, agora.auth(), 4, os.path.getsize(args.payload), 4)
        return f"{stats['mib_per_second']:.0f} MiB/s"
    args.passes += 1
    url = (f"http://127.0.0.1:{agora.port}/exchange/api/v2/organizations/{agora.org}/assets/{bench.GROUP}/"
           f"upload/1.0.{args.passes}")
    stats = bench.curl_upload(url, args.payload, {**agora.auth(), "x-sync-publication": "true"})
    return f"{stats['mib_per_second']:.0f} MiB/s"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", choices=("publish", "get", "download", "upload"))
    parser.add_argument("--build", default=os.path.join(bench.ROOT, "build-release"))
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--out")
    args = parser.parse_args()
    args.build = os.path.abspath(args.build)
    args.passes = 1
    out = args.out or tempfile.mkdtemp(prefix="agora-profile-")
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="agora-profile-work-")
    atexit.register(shutil.rmtree, work, True)
    agora = bench.Agora(os.path.join(args.build, "agora"), os.path.join(work, "data"), work)
    bench.publish_dependency(agora)
    if args.scenario == "get":  # the same 10-version asset as bench.py's `get`
        for v in range(10):
            agora.publish("bench-api-0", f"1.0.{v}", *bench.api_publication(bench.api_zip()))
    if args.scenario in ("download", "upload"):
        args.payload = bench.random_file(os.path.join(work, "payload.bin"), 256 if args.scenario == "download" else 1024)
    if args.scenario == "download":
        status = bench.run(["curl", "-sS", "-o", os.path.join(work, "asset.json"), "-w", "%{http_code}",
                            "-H", f"Authorization: bearer {agora.token}", "-H", "x-sync-publication: true",
                            "-F", "name=download", "-F", "type=custom", "-F", f"files.custom.jar=@{args.payload}",
                            f"http://127.0.0.1:{agora.port}/exchange/api/v2/organizations/{agora.org}/assets/"
                            f"{bench.GROUP}/download/1.0.0"])
        assert status == "201", status
        asset = json.load(open(os.path.join(work, "asset.json")))
        args.url = next(f["downloadURL"] for f in asset["files"] if f["classifier"] == "custom")

    data = os.path.join(out, f"perf-{args.scenario}.data")
    perf = attach(["perf", "record", "-F", "499", "--call-graph", "dwarf,32768", "-o", data], agora.process.pid, data)
    print(f"perf: {load(args, agora, work)}", flush=True)
    detach(perf)
    syscalls = os.path.join(out, f"syscalls-{args.scenario}.txt")
    strace = attach(["strace", "-c", "-f", "-o", syscalls], agora.process.pid, syscalls)
    print(f"strace: {load(args, agora, work)}", flush=True)
    detach(strace)
    agora.stop()

    report = os.path.join(out, f"report-{args.scenario}.txt")
    with open(report, "w") as f:
        for mode in ("--no-children", "--children"):
            f.write(f"==== perf report {mode} (percent of agora's on-CPU samples)\n")
            f.flush()
            subprocess.run(["perf", "report", "-i", data, "--stdio", mode, "-g", "none", "--percent-limit", "0.7",
                            "--sort", "symbol"], stdout=f, stderr=subprocess.DEVNULL, check=True)
    print(f"wrote {report}, {syscalls} and {data}")


if __name__ == "__main__":
    main()
