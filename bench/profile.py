#!/usr/bin/env python3
"""Profiles agora under one of bench/run's loads, for docs/performance.md.

    python3 bench/profile.py publish|publish-distinct|get|download|upload [--build build-release] [--seconds 20] [--out DIR]

Starts agora as bench/bench.py does (the same inputs and clients) and runs the scenario's load
three times: plain, printing the CPU time agora used per operation; under `perf record
--call-graph dwarf`; and under `strace -c -f`, printing system calls per operation. publish and
get run for --seconds; download is 4 clients x 4 downloads of 256 MiB; upload one 1 GiB asset.
Writes to DIR (default: a new temporary folder, printed): perf-<scenario>.data,
report-<scenario>.txt (where the samples fall among the scenario's steps, then the top symbols by
self time and by time including callees) and syscalls-<scenario>.txt. perf and strace come from
scripts/setup.sh --bench. publish-distinct is row 1b (a spec never read before in every
publication): its CPU time and samples include the spec reader worker processes'.
"""
import argparse
import atexit
import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

# The steps each sample is charged to: the deepest frame matching one of them, below the
# connection coroutine's frame. Order only breaks ties within one frame. Inlined frames are not
# resolved (addr2line over every sample takes many minutes), so an inlined step counts for its caller.
STEPS = {
    "publish": ["ParseYaml", "ApiModel::ToJson", "Run::ReadSpecification", "Run::CheckAgainstExistingVersions",
                "MarkLatest", "InsertVersion", "SqliteMetadataStore::PutVersion", "Run::PackageSpec", "BlobLease|BlobReaper", "Run::StorePom",
                "Run::ResolveDependencies", "ParseMultipart", "Authenticate", "Run::Execute", "Api::Publish"],
    "get": ["LoadVersion", "ListVersions", "Authenticate", "Router::Select", "AssetVersionJson", "VersionResponse",
            "GetAsset", "Router::Dispatch"],
    "download": ["ServeFile|SendFile|sendfile", "Router::Dispatch"],
    "upload": ["MD5_Update", "SHA1_Update", "SHA256_Update", "MultiHasher|PipelinedHasher", "ParseMultipart",
               "Publisher::Publish", "Router::Dispatch"],
}
STEPS["publish-distinct"] = ["RunSpecReaderWorker"] + STEPS["publish"]
# The connection's coroutine, a thread working for it (an upload's hashing workers), or a spec
# reader worker process.
ANCHOR = r"Connection<|PipelinedHasher::Pipeline::|RunSpecReaderWorker"
ATTACH_SECONDS = 2


def cpu_seconds(pid, children=False):
    """User plus system time of a process so far (/proc/PID/stat fields 14 and 15); with
    `children`, also that of its children, ended (fields 16 and 17) or running."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    used = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    if children:
        used += (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
        used += sum(cpu_seconds(child) for child in child_pids(pid))
    return used


def child_pids(pid):
    pids = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            if int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1]) == pid:
                pids.append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def attach(argv_prefix, pid, out_path, children=False):
    pids = [pid] + (child_pids(pid) if children else [])
    process = subprocess.Popen(argv_prefix + ["-p", ",".join(map(str, pids))], stdout=subprocess.DEVNULL,
                               stderr=open(out_path + ".log", "w"))
    # perf and strace take hold of the threads one by one: a thread started meanwhile (an
    # upload's hashing workers) would escape them, so the load waits until they are in place.
    time.sleep(ATTACH_SECONDS)
    return process


def detach(process):
    process.send_signal(signal.SIGINT)
    process.wait(timeout=120)


def load(args, agora, work):
    """Runs the scenario's load against `agora`; returns (summary, operations)."""
    args.passes += 1  # each pass publishes new assets or versions
    if args.scenario in ("publish", "publish-distinct"):
        if args.scenario == "publish":
            body, content_type = bench.api_publication(bench.api_zip())
        else:
            body, content_type = bench.api_publication(bench.distinct_api_raml().encode(), ("files.raml.raml", "api.raml"))
        body_path = os.path.join(work, "publish-body")
        open(body_path, "wb").write(body)
        target = f"/exchange/api/v2/organizations/{agora.org}/assets/{bench.GROUP}/pass{args.passes}-{{g}}/1.0.{{v}}"
        stats = bench.load_client(args.build, agora.port, "POST", target, body_path,
                                  {**agora.auth(), "Content-Type": content_type, "x-sync-publication": "true"},
                                  100000, 16, 50, 201, args.seconds)
        return f"{stats['requests']} publications, {stats['per_second']:.0f}/s, p50 {stats['p50_ms']} ms", stats["requests"]
    if args.scenario == "get":
        path = f"/exchange/api/v2/assets/{bench.GROUP}/bench-api-0/1.0.0"
        stats = bench.wrk(agora.port, path, agora.auth(), args.seconds, 64)
        return f"{stats['per_second']:.0f} requests/s", stats["per_second"] * args.seconds
    if args.scenario == "download":
        stats = bench.parallel_downloads(args.url, agora.auth(), 4, os.path.getsize(args.payload), 4)
        return f"{stats['mib_per_second']:.0f} MiB/s", 16
    url = (f"http://127.0.0.1:{agora.port}/exchange/api/v2/organizations/{agora.org}/assets/{bench.GROUP}/"
           f"upload/1.0.{args.passes}")
    stats = bench.curl_upload(url, args.payload, {**agora.auth(), "x-sync-publication": "true"})
    return f"{stats['mib_per_second']:.0f} MiB/s", 1


def steps(data, scenario):
    """Percent of the samples charged to each step (see STEPS)."""
    out = subprocess.run(["perf", "script", "--no-inline", "-i", data], capture_output=True, text=True).stdout
    counts = collections.Counter()
    for sample in filter(str.strip, out.split("\n\n")):
        frames = [line.strip() for line in sample.splitlines()[1:]]
        label = None
        for frame in frames:  # leaf first
            label = label or next((s for s in STEPS[scenario] if re.search(s, frame)), None)
            if re.search(ANCHOR, frame):
                label = label or "(connection, other)"
                break
        else:  # never reached the connection's frame
            label = "(stack not unwound)" if frames and "[unknown]" in frames[-1] else "(other threads)"
        counts[label] += 1
    total = sum(counts.values())
    return "\n".join(f"{100 * n / total:5.1f}%  {label}" for label, n in counts.most_common()) + f"\n{total} samples\n"


def syscalls_per_operation(path, operations):
    lines = []
    for line in open(path):
        fields = line.split()
        if len(fields) >= 5 and fields[0][0].isdigit() and fields[-1] != "total":
            calls = int(fields[3])
            lines.append(f"{calls / operations:10.1f}  {fields[-1]}")
    return "\n".join(lines[:15])


def prepare(args, agora, work):
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
        if status != "201":
            raise RuntimeError(f"publishing the download file: HTTP {status}")
        asset = json.load(open(os.path.join(work, "asset.json")))
        args.url = next(f["downloadURL"] for f in asset["files"] if f["classifier"] == "custom")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", choices=sorted(STEPS))
    parser.add_argument("--build", default=os.path.join(bench.ROOT, "build-release"))
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--out")
    args = parser.parse_args()
    args.build = os.path.abspath(args.build)
    args.passes = 0
    out = args.out or tempfile.mkdtemp(prefix="agora-profile-")
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="agora-profile-work-")
    atexit.register(shutil.rmtree, work, True)
    agora = bench.Agora(os.path.join(args.build, "agora"), os.path.join(work, "data"), work)
    prepare(args, agora, work)

    children = args.scenario == "publish-distinct"
    before = cpu_seconds(agora.process.pid, children)
    summary, operations = load(args, agora, work)
    used = cpu_seconds(agora.process.pid, children) - before
    print(f"plain: {summary}; agora used {used:.2f} CPU-seconds, {1000 * used / operations:.2f} ms per operation",
          flush=True)
    data = os.path.join(out, f"perf-{args.scenario}.data")
    perf = attach(["perf", "record", "-F", "499", "--call-graph", "dwarf,32768", "-o", data], agora.process.pid, data, children)
    print(f"perf: {load(args, agora, work)[0]}", flush=True)
    detach(perf)
    syscalls = os.path.join(out, f"syscalls-{args.scenario}.txt")
    strace = attach(["strace", "-c", "-f", "-o", syscalls], agora.process.pid, syscalls)
    summary, operations = load(args, agora, work)
    print(f"strace: {summary}", flush=True)
    detach(strace)
    agora.stop()

    report = os.path.join(out, f"report-{args.scenario}.txt")
    with open(report, "w") as f:
        f.write(f"==== samples by step (deepest matching frame)\n{steps(data, args.scenario)}\n")
        f.write(f"==== system calls per operation (strace pass)\n{syscalls_per_operation(syscalls, operations)}\n\n")
        for mode in ("--no-children", "--children"):
            f.write(f"==== perf report {mode} (percent of agora's on-CPU samples)\n")
            f.flush()
            subprocess.run(["perf", "report", "-i", data, "--no-inline", "--stdio", mode, "-g", "none",
                            "--percent-limit", "0.7",
                            "--sort", "symbol", "-q"], stdout=f, stderr=subprocess.DEVNULL, check=True)
    print(f"wrote {report}, {syscalls} and {data}")


if __name__ == "__main__":
    main()
