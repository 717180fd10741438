#!/usr/bin/env python3
"""The six scenarios of `make bench` (issue 6): agora and its comparators side by side, in one run.

bench/run builds the release binaries and installs the comparators, then runs this file. Each
scenario runs ROUNDS times against agora and against its comparators, interleaved, and reports the
median of the rounds, the ratio of the medians and the issue's target beside it (PASS or MISS).
The results go to bench/results/<date>.md and .json and to the marked table in README.md.

    python3 bench/bench.py --build build-release [--quick] [--only publish,get,...] [--no-write]

--quick shrinks every size and runs one round: a check that the harness works, not a measurement
(it never writes results). --only runs some scenarios and replaces only their rows of README.md's
table; the others stay, marked with the date of the run that measured them. Every process started here is stopped when its scenario ends, and on
any exit (bench/run also kills this process group).
"""
import argparse
import atexit
import base64
import datetime
import hashlib
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GROUP = "com.example.bench"  # every round publishes the same bytes, so the groupId is fixed
VERDACCIO_VERSION = "6.8.0"

# A publish round ends after its versions or its seconds, whichever comes first, so a slow server
# cannot stretch the run past its 10 minutes; the table says how many versions each round reached.
FULL = dict(rounds=3, publish_versions=5000, publish_clients=16, publish_assets=50, publish_seconds=45, distinct_seconds=15,
            verdaccio_versions=300, verdaccio_seconds=20, get_versions=10, wrk_seconds=5, wrk_connections=64,
            download_mib=256, download_clients=4, download_repeats=8, upload_mib=1024, search_assets=100000)
QUICK = dict(rounds=1, publish_versions=400, publish_clients=16, publish_assets=50, publish_seconds=20, distinct_seconds=5,
             verdaccio_versions=40, verdaccio_seconds=10, get_versions=10, wrk_seconds=2, wrk_connections=64,
             download_mib=16, download_clients=4, download_repeats=2, upload_mib=32, search_assets=5000)
SCENARIOS = ("publish", "get", "download", "upload", "search", "coldstart")


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- processes ---------------------------------------------------------------------------------
class Processes:
    """Every process this run starts; stop_all ends those still running (also at exit)."""

    def __init__(self):
        self.live = []

    def start(self, argv, log_path, env=None, cwd=None):
        out = open(log_path, "ab")
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                   env=env, cwd=cwd)
        out.close()
        self.live.append(process)
        return process

    def stop(self, process, timeout=20):
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process in self.live:
            self.live.remove(process)

    def stop_all(self):
        for process in list(self.live):
            self.stop(process, timeout=5)


PROCESSES = Processes()
atexit.register(PROCESSES.stop_all)
# SIGTERM (bench/run's trap, a CI timeout) ends the run through atexit like Ctrl-C does.
signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_request(port, method, path, body=None, headers=None, timeout=60):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until(what, ready, process, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{open(log_path, errors='replace').read()}")
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{what} was not ready within {timeout} s:\n{open(log_path, errors='replace').read()}")


class Agora:
    """`agora serve` on a free port; a fresh data directory prints the organisation and token."""

    def __init__(self, binary, data_dir, work):
        self.port = free_port()
        self.log_path = os.path.join(work, f"agora-{self.port}.log")
        self.process = PROCESSES.start([binary, "serve", "--data", data_dir, "--listen", f"127.0.0.1:{self.port}"],
                                       self.log_path)
        wait_until("agora", lambda: http_request(self.port, "GET", "/", timeout=2)[0] == 200, self.process,
                   self.log_path)
        text = open(self.log_path).read()
        org = re.search(r"^organization id: (\S+)", text, re.M)
        token = re.search(r"^admin token: (\S+)", text, re.M)
        self.org, self.token = (org.group(1), token.group(1)) if org and token else (None, None)

    def auth(self):
        return {"Authorization": f"bearer {self.token}"}

    def publish(self, asset, version, body, content_type):
        status, response = http_request(
            self.port, "POST", f"/exchange/api/v2/organizations/{self.org}/assets/{GROUP}/{asset}/{version}", body,
            {**self.auth(), "Content-Type": content_type, "x-sync-publication": "true"}, timeout=600)
        if status != 201:
            raise RuntimeError(f"publishing {asset}/{version}: HTTP {status}: {response[:500]!r}")
        return json.loads(response)

    def stop(self):
        PROCESSES.stop(self.process)


class Verdaccio:
    """Verdaccio from bench/peers (npm ci there first), with an htpasswd user for publishing."""

    def __init__(self, work):
        self.port = free_port()
        home = os.path.join(work, f"verdaccio-{self.port}")
        os.makedirs(home)
        config = os.path.join(home, "config.yaml")
        with open(config, "w") as f:
            f.write(f"storage: {home}/storage\n"
                    f"auth:\n  htpasswd:\n    file: {home}/htpasswd\n    max_users: 100\n"
                    "uplinks: {}\n"
                    "packages:\n  '**':\n    access: $all\n    publish: $authenticated\n"
                    "max_body_size: 100mb\n"
                    f"listen: 127.0.0.1:{self.port}\n"
                    "log: {type: stdout, level: error}\n")
        binary = os.path.join(HERE, "peers", "node_modules", ".bin", "verdaccio")
        self.log_path = os.path.join(home, "verdaccio.log")
        self.process = PROCESSES.start([binary, "--config", config], self.log_path)
        wait_until("Verdaccio", lambda: http_request(self.port, "GET", "/-/ping", timeout=2)[0] == 200, self.process,
                   self.log_path)
        status, body = http_request(self.port, "PUT", "/-/user/org.couchdb.user:bench",
                                    json.dumps({"name": "bench", "password": "bench-password"}),
                                    {"Content-Type": "application/json"})
        if status != 201:
            raise RuntimeError(f"Verdaccio user: HTTP {status}: {body!r}")
        self.token = json.loads(body)["token"]

    def publish_body(self, package, version, tarball, dependencies):
        """npm publish's JSON for one version, with `tarball` (bytes) as the attachment."""
        name = f"{package}-{version}.tgz"
        manifest = {"name": package, "version": version, "_id": f"{package}@{version}",
                    "description": "bench package", "dependencies": dependencies,
                    "dist": {"shasum": hashlib.sha1(tarball).hexdigest(),
                             "integrity": "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode(),
                             "tarball": f"http://127.0.0.1:{self.port}/{package}/-/{name}"}}
        return json.dumps({"_id": package, "name": package, "description": "bench package",
                           "dist-tags": {"latest": version}, "versions": {version: manifest},
                           "_attachments": {name: {"content_type": "application/octet-stream",
                                                   "data": base64.b64encode(tarball).decode(),
                                                   "length": len(tarball)}}})

    def publish(self, package, version, tarball, dependencies):
        status, body = http_request(self.port, "PUT", f"/{package}",
                                    self.publish_body(package, version, tarball, dependencies),
                                    {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"})
        if status != 201:
            raise RuntimeError(f"Verdaccio publish {package}@{version}: HTTP {status}: {body!r}")

    def stop(self):
        PROCESSES.stop(self.process)


class Nginx:
    """nginx from Debian in the foreground: serves `root`, and /upload stores the request body in a
    file (client_body_in_file_only) before answering 201 through an internal bodyless proxy hop."""

    def __init__(self, work, root):
        self.port = free_port()
        home = os.path.join(work, f"nginx-{self.port}")
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(home, sub))
        user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the root-owned temp folders
        config = os.path.join(home, "nginx.conf")
        with open(config, "w") as f:
            f.write(f"""{user}daemon off;
master_process on;
worker_processes auto;
pid {home}/nginx.pid;
error_log {home}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path {home}/body;
  proxy_temp_path {home}/proxy;
  fastcgi_temp_path {home}/fastcgi;
  uwsgi_temp_path {home}/uwsgi;
  scgi_temp_path {home}/scgi;
  server {{
    listen 127.0.0.1:{self.port};
    root {root};
    location = /upload {{
      client_body_in_file_only clean;
      client_max_body_size 0;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_pass http://127.0.0.1:{self.port}/stored;
    }}
    location = /stored {{ return 201; }}
  }}
}}
""")
        self.log_path = os.path.join(home, "nginx.log")
        self.process = PROCESSES.start(["nginx", "-p", home, "-e", f"{home}/error.log", "-c", config], self.log_path)
        wait_until("nginx", lambda: http_request(self.port, "GET", "/stored", timeout=2)[0] == 201, self.process,
                   self.log_path)

    def stop(self):
        PROCESSES.stop(self.process)


# --- inputs --------------------------------------------------------------------------------------
WORDS = ("order customer payment invoice shipment account balance ledger partner catalogue product price "
         "discount tax currency region warehouse stock return refund subscription plan billing cycle "
         "contract signature audit event notification webhook token session consent profile address "
         "delivery route carrier tracking parcel status history report export import batch schedule").split()

TYPES_FRAGMENT = """#%RAML 1.0 DataType
type: object
properties:
  amount: number
  currency:
    type: string
    pattern: ^[A-Z]{3}$
"""


def sentence(rng, words):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def raml_api(rng, resources):
    """A REST API whose responses use the dependency's data type through exchange_modules."""
    lines = ["#%RAML 1.0", "title: Bench Orders API", "version: v1", "types:",
             f"  Money: !include exchange_modules/{GROUP}/bench-types/1.0.0/money.raml",
             "  Line:", "    type: object", "    properties:", "      sku: string", "      quantity: integer",
             "      price: Money"]
    for k in range(resources):
        name = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{k}"
        lines += [f"/{name}:", f"  description: {sentence(rng, 14)}", "  get:", f"    description: {sentence(rng, 10)}",
                  "    queryParameters:", "      offset?: integer", "      limit?: integer", "    responses:",
                  "      200:", "        body:", "          application/json:", "            type: Line[]",
                  "  /{id}:", "    put:", f"      description: {sentence(rng, 8)}", "      body:",
                  "        application/json:", "          type: Line", "      responses:", "        204:",
                  f"          description: {sentence(rng, 6)}"]
    return "\n".join(lines) + "\n"


def zip_bytes(entries):
    path = tempfile.mktemp(suffix=".zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in entries.items():
            z.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), text, zipfile.ZIP_DEFLATED)
    data = open(path, "rb").read()
    os.unlink(path)
    return data


def api_raml(target_zip_bytes=20 * 1024):
    """The smallest generated API whose zip reaches target_zip_bytes (deterministic)."""
    resources = 10
    while True:
        raml = raml_api(random.Random(6), resources)
        if len(zip_bytes({"api.raml": raml})) >= target_zip_bytes:
            return raml
        resources += 2


def api_zip():
    return zip_bytes({"api.raml": api_raml()})


def distinct_api_raml():
    """api_raml() whose title load_client makes different in every request, so that no two
    publications read the same spec (agora remembers the verdict on a spec's bytes)."""
    return api_raml().replace("title: Bench Orders API", "title: Bench Orders API {g}.{v}", 1)


def multipart(fields, files, boundary="agora-bench-7d1f0c"):
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def api_publication(zip_data, spec_file=("files.raml.zip", "api.zip")):
    return multipart([("name", "Bench Orders API"), ("description", "Orders, lines and prices, published by bench/run"),
                      ("keywords", "bench, orders"), ("properties.mainFile", "api.raml"),
                      ("properties.apiVersion", "v1"), ("dependencies", f"{GROUP}:bench-types:1.0.0")],
                     [(*spec_file, zip_data)])


def publish_dependency(agora):
    """The RAML fragment every published API version depends on."""
    body, content_type = multipart([("name", "Bench money type"), ("properties.mainFile", "money.raml")],
                                   [("files.raml-fragment.zip", "types.zip", zip_bytes({"money.raml": TYPES_FRAGMENT}))])
    agora.publish("bench-types", "1.0.0", body, content_type)


def random_file(path, mib):
    with open(path, "wb") as f:
        for _ in range(mib):
            f.write(os.urandom(1 << 20))
    return path


# --- measuring -----------------------------------------------------------------------------------
def run(argv, timeout=900, env=None):
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited with {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def load_client(build, port, method, target, body_path, headers, requests, clients, groups, expect, seconds):
    argv = [os.path.join(build, "load_client"), "--port", str(port), "--method", method, "--target", target,
            "--body", body_path, "--requests", str(requests), "--concurrency", str(clients), "--groups", str(groups),
            "--expect", str(expect), "--seconds", str(seconds)]
    for name, value in headers.items():
        argv += ["--header", f"{name}: {value}"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    stats = json.loads(result.stdout.strip().splitlines()[-1])
    if stats["errors"]:
        raise RuntimeError(f"{stats['errors']} of {requests} requests failed; first: {stats['first_error']}")
    return stats


def wrk(port, path, headers, seconds, connections):
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    return parse_wrk(run(argv + [f"http://127.0.0.1:{port}{path}"], timeout=seconds + 60))


def parse_wrk(out):
    """Requests/s and latency percentiles from `wrk --latency`; any failed request is an error."""
    if re.search(r"Non-2xx or 3xx responses: (\d+)", out) or re.search(r"Socket errors: .*", out):
        raise RuntimeError(f"wrk saw errors:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return {"per_second": rate, "p50_ms": wrk_millis(out, "50%"), "p99_ms": wrk_millis(out, "99%")}


def wrk_millis(out, percentile):
    value, unit = re.search(rf"^\s+{percentile}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def parallel_downloads(url, headers, clients, expected_size, repeats=1):
    """`clients` curl processes at once, each fetching the file `repeats` times on one keep-alive
    connection; MiB/s over the wall time of all of them."""
    argv = ["curl", "-sS", "-w", "%{http_code} %{size_download}\n"]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    argv += ["-o", "/dev/null", url] * repeats
    start = time.perf_counter()
    curls = [subprocess.Popen(argv, stdout=subprocess.PIPE, text=True) for _ in range(clients)]
    outputs = [c.communicate(timeout=600)[0] for c in curls]
    seconds = time.perf_counter() - start
    for line in "".join(outputs).splitlines():
        status, size = line.split()
        if status != "200" or int(size) != expected_size:
            raise RuntimeError(f"download of {url}: HTTP {status}, {size} bytes, expected {expected_size}")
    if len("".join(outputs).splitlines()) != clients * repeats:
        raise RuntimeError(f"download of {url}: {outputs}")
    return {"mib_per_second": clients * repeats * expected_size / (1 << 20) / seconds, "seconds": seconds}


def curl_upload(url, payload, headers):
    """The same `curl -F` as bench/upload_rss.sh, timed the same way (around the curl process)."""
    argv = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}"]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    argv += ["-F", "name=large custom asset", "-F", "type=custom", "-F", f"files.custom.jar=@{payload}", url]
    start = time.perf_counter()
    status = run(argv, timeout=600).strip()
    seconds = time.perf_counter() - start
    if status != "201":
        raise RuntimeError(f"upload to {url}: HTTP {status}")
    return {"mib_per_second": os.path.getsize(payload) / (1 << 20) / seconds, "seconds": seconds}


def file_digests(path):
    md5, sha1, sha256 = hashlib.md5(), hashlib.sha1(), hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            for h in (md5, sha1, sha256):
                h.update(chunk)
    return {"md5": md5.hexdigest(), "sha1": sha1.hexdigest(), "sha256": sha256.hexdigest()}


def md5_one_core(path):
    """The rate at which one core computes MD5 over `path` (from the page cache): `openssl dgst`,
    one thread, timed like the upload (wall clock); its CPU time is kept beside it."""
    start = time.perf_counter()
    process = subprocess.Popen(["openssl", "dgst", "-md5", "-r", path], stdout=subprocess.PIPE, text=True)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"openssl dgst -md5 {path}: status {status}")
    mib = os.path.getsize(path) / (1 << 20)
    return {"mib_per_second": mib / seconds, "cpu_mib_per_second": mib / (usage.ru_utime + usage.ru_stime),
            "md5": out.split()[0]}


def median_of(rounds, key):
    return statistics.median(r[key] for r in rounds)


# --- scenarios -----------------------------------------------------------------------------------
class Bench:
    def __init__(self, args, sizes):
        self.args = args
        self.s = sizes
        self.build = os.path.abspath(args.build)
        self.agora_bin = os.path.join(self.build, "agora")
        self.work = tempfile.mkdtemp(prefix="agora-bench-")
        atexit.register(shutil.rmtree, self.work, True)
        self.results = {}
        self.api_zip = api_zip()
        self.types_zip = zip_bytes({"money.raml": TYPES_FRAGMENT})
        self.search_data = None        # the search data directory (100,000 assets), read by `coldstart`
        self.verdaccio = None          # started by `publish`, kept for `get`

    def path(self, name):
        return os.path.join(self.work, name)

    # 1. synchronous publication of a 20 KB RAML zip with one dependency, vs Verdaccio's npm publish
    def publish(self):
        s = self.s
        body, content_type = api_publication(self.api_zip)
        body_path = self.path("publish-body")
        open(body_path, "wb").write(body)
        verdaccio = Verdaccio(self.work)
        verdaccio.publish("bench-dep", "1.0.0", self.types_zip, {})
        rounds = {"agora": [], "verdaccio": []}
        for r in range(s["rounds"]):
            log(f"publish round {r + 1}: agora, {s['publish_versions']} versions, {s['publish_clients']} clients")
            rounds["agora"].append(self.publish_load(f"publish-data-{r}", body_path, content_type,
                                                     s["publish_seconds"]))
            log(f"publish round {r + 1}: Verdaccio, {s['verdaccio_versions']} versions")
            template = verdaccio.publish_body(f"r{r}-pkg-{{g}}", "1.0.{v}", self.api_zip, {"bench-dep": "1.0.0"})
            npm_body = self.path("npm-body")
            open(npm_body, "w").write(template)
            stats = load_client(self.build, verdaccio.port, "PUT", f"/r{r}-pkg-{{g}}", npm_body,
                                {"Authorization": f"Bearer {verdaccio.token}", "Content-Type": "application/json"},
                                s["verdaccio_versions"], s["publish_clients"], s["publish_assets"], 201,
                                s["verdaccio_seconds"])
            rounds["verdaccio"].append(stats)
            log(f"  {stats['requests']} versions, {stats['per_second']:.1f}/s, p50 {stats['p50_ms']:.1f} ms, "
                f"p99 {stats['p99_ms']:.1f} ms")
        self.verdaccio = verdaccio  # kept running for the metadata GET
        self.results["publish"] = {"rounds": rounds, "zip_bytes": len(self.api_zip), "body_bytes": len(body),
                                   "distinct": self.publish_distinct_specs()}

    # 1, again, with a spec agora has not read before in every publication: the verdict cache's
    # other side. The RAML file is sent as it is, as a zip's CRC would not survive the new title.
    def publish_distinct_specs(self):
        s = self.s
        raml = distinct_api_raml()
        body, content_type = api_publication(raml.encode(), ("files.raml.raml", "api.raml"))
        body_path = self.path("publish-distinct-body")
        open(body_path, "wb").write(body)
        log(f"publish, distinct specs: agora, {s['publish_clients']} clients, {s['distinct_seconds']} s")
        stats = self.publish_load("publish-distinct-data", body_path, content_type, s["distinct_seconds"])
        return {**stats, "raml_bytes": len(raml)}

    # One round of synchronous publications of `body_path` into a fresh agora holding the dependency.
    def publish_load(self, data_name, body_path, content_type, seconds):
        s = self.s
        data = self.path(data_name)
        agora = Agora(self.agora_bin, data, self.work)
        publish_dependency(agora)
        stats = load_client(self.build, agora.port, "POST",
                            f"/exchange/api/v2/organizations/{agora.org}/assets/{GROUP}/bench-api-{{g}}/1.0.{{v}}",
                            body_path, {**agora.auth(), "Content-Type": content_type, "x-sync-publication": "true"},
                            s["publish_versions"], s["publish_clients"], s["publish_assets"], 201, seconds)
        log(f"  {stats['requests']} versions, {stats['per_second']:.0f}/s, p50 {stats['p50_ms']:.1f} ms, "
            f"p99 {stats['p99_ms']:.1f} ms")
        agora.stop()
        # The round's data stays until the run ends (the work folder is removed then): on ext4
        # without a journal, as on the bench machines, every inode allocation skips the inodes
        # deleted in the last minute or more, one inode-table lookup each, so deleting a round's
        # 15,000 files here made file creation in the next rounds (agora's and Verdaccio's alike)
        # several times dearer (docs/performance.md, section 1).
        return stats

    # 2. GET of an asset version's JSON, keep-alive, wrk -c64, vs a trivial Beast server and Verdaccio
    def get(self):
        s = self.s
        # One asset with a short history, the same in every run: GET's cost may depend on it.
        agora = Agora(self.agora_bin, self.path("get-data"), self.work)
        publish_dependency(agora)
        body, content_type = api_publication(self.api_zip)
        for v in range(s["get_versions"]):
            agora.publish("bench-api-0", f"1.0.{v}", body, content_type)
        if self.verdaccio is None:  # `get` alone (--only get)
            self.verdaccio = Verdaccio(self.work)
            self.verdaccio.publish("bench-dep", "1.0.0", self.types_zip, {})
        for v in range(s["get_versions"]):
            self.verdaccio.publish("meta-pkg", f"1.0.{v}", self.api_zip, {"bench-dep": "1.0.0"})
        path = f"/exchange/api/v2/assets/{GROUP}/bench-api-0/1.0.0"
        status, agora_body = http_request(agora.port, "GET", path, headers=agora.auth())
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status}: {agora_body!r}")
        body_path = self.path("trivial-body.json")
        open(body_path, "wb").write(agora_body)
        trivial_port = free_port()
        trivial_log = self.path("trivial.log")
        trivial = PROCESSES.start([os.path.join(self.build, "trivial_server"), "--port", str(trivial_port),
                                   "--body", body_path], trivial_log)
        wait_until("trivial server", lambda: http_request(trivial_port, "GET", "/", timeout=2)[0] == 200, trivial,
                   trivial_log)
        verdaccio_path = "/meta-pkg"
        status, verdaccio_body = http_request(self.verdaccio.port, "GET", verdaccio_path)
        if status != 200:
            raise RuntimeError(f"Verdaccio GET {verdaccio_path}: HTTP {status}")
        targets = {"agora": (agora.port, path, agora.auth()), "trivial": (trivial_port, "/", {}),
                   "verdaccio": (self.verdaccio.port, verdaccio_path, {})}
        for name, (port, target, headers) in targets.items():  # untimed warm-up
            wrk(port, target, headers, 1, s["wrk_connections"])
        rounds = {name: [] for name in targets}
        for r in range(s["rounds"]):
            for name, (port, target, headers) in targets.items():
                stats = wrk(port, target, headers, s["wrk_seconds"], s["wrk_connections"])
                rounds[name].append(stats)
                log(f"get round {r + 1}: {name} {stats['per_second']:.0f} requests/s")
        PROCESSES.stop(trivial)
        agora.stop()
        self.verdaccio.stop()
        self.results["get"] = {"rounds": rounds, "agora_bytes": len(agora_body), "verdaccio_bytes": len(verdaccio_body)}

    # 3. a 256 MiB file by its downloadURL, 4 parallel clients, vs nginx serving the same file
    def download(self):
        s = self.s
        www = self.path("www")
        os.makedirs(www, exist_ok=True)
        payload = random_file(os.path.join(www, "download.bin"), s["download_mib"])
        size = os.path.getsize(payload)
        agora = Agora(self.agora_bin, self.path("download-data"), self.work)
        status, body = subprocess.run(
            ["curl", "-sS", "-w", "\n%{http_code}", "-H", f"Authorization: bearer {agora.token}",
             "-H", "x-sync-publication: true", "-F", "name=download bench", "-F", "type=custom",
             "-F", f"files.custom.jar=@{payload}",
             f"http://127.0.0.1:{agora.port}/exchange/api/v2/organizations/{agora.org}/assets/{GROUP}/download/1.0.0"],
            capture_output=True, text=True, check=True).stdout.rsplit("\n", 1)[::-1]
        if status != "201":
            raise RuntimeError(f"publishing the download file: HTTP {status}: {body[:500]}")
        url = next(f["downloadURL"] for f in json.loads(body)["files"] if f["classifier"] == "custom")
        nginx = Nginx(self.work, www)
        nginx_url = f"http://127.0.0.1:{nginx.port}/download.bin"
        parallel_downloads(url, agora.auth(), 1, size)  # both files into the page cache, untimed
        parallel_downloads(nginx_url, {}, 1, size)
        rounds = {"agora": [], "nginx": []}
        for r in range(s["rounds"]):
            rounds["agora"].append(parallel_downloads(url, agora.auth(), s["download_clients"], size,
                                                      s["download_repeats"]))
            rounds["nginx"].append(parallel_downloads(nginx_url, {}, s["download_clients"], size, s["download_repeats"]))
            log(f"download round {r + 1}: agora {rounds['agora'][-1]['mib_per_second']:.0f} MiB/s, "
                f"nginx {rounds['nginx'][-1]['mib_per_second']:.0f} MiB/s")
        agora.stop()
        nginx.stop()
        self.nginx_www = www
        shutil.rmtree(self.path("download-data"))
        self.results["download"] = {"rounds": rounds, "mib": s["download_mib"], "clients": s["download_clients"],
                                    "repeats": s["download_repeats"]}

    # 4. a 1 GiB custom asset, synchronous, vs one core computing MD5 over the same file (the limit
    # of a stream whose MD5 is in the answer) and nginx storing the body in a file (the disk's
    # limit); agora's peak RSS; the digests agora answered with, checked against the file's
    def upload(self):
        s = self.s
        payload = random_file(self.path("upload.jar"), s["upload_mib"])
        expected = file_digests(payload)
        nginx = Nginx(self.work, self.path("."))
        rounds = {"agora": [], "md5": [], "nginx": []}
        env = {**os.environ, "AGORA_BIN": self.agora_bin, "PAYLOAD": payload, "TMPDIR": self.work}
        for r in range(s["rounds"]):
            md5 = md5_one_core(payload)
            if md5.pop("md5") != expected["md5"]:
                raise RuntimeError("openssl's MD5 of the upload file differs from Python's")
            rounds["md5"].append(md5)
            out = run(["bash", os.path.join(HERE, "upload_rss.sh")], env=env)
            m = re.search(r"([\d.]+) s, ([\d.]+) MiB/s, server peak RSS ([\d.]+) MiB", out)
            stored = dict(re.findall(r"(md5|sha1|sha256) ([0-9a-f]+)", out.split("stored ", 1)[1]))
            if stored != expected:
                raise RuntimeError(f"agora answered the upload with digests {stored}, the file's are {expected}")
            rounds["agora"].append({"seconds": float(m.group(1)), "mib_per_second": float(m.group(2)),
                                    "peak_rss_mib": float(m.group(3))})
            rounds["nginx"].append(curl_upload(f"http://127.0.0.1:{nginx.port}/upload", payload, {}))
            log(f"upload round {r + 1}: agora {rounds['agora'][-1]['mib_per_second']:.0f} MiB/s "
                f"(peak RSS {rounds['agora'][-1]['peak_rss_mib']:.1f} MiB, digests exact), "
                f"MD5 on one core {md5['mib_per_second']:.0f} MiB/s, nginx {rounds['nginx'][-1]['mib_per_second']:.0f} MiB/s")
        nginx.stop()
        os.unlink(payload)
        self.results["upload"] = {"rounds": rounds, "mib": s["upload_mib"]}

    # 5. search p50/p99 of 200 two-word queries over 100,000 assets (bench/search.sh)
    def search(self):
        s = self.s
        data = self.path("search-data")
        os.makedirs(data)
        env = {**os.environ, "BENCH_BUILD": self.build, "SEARCH_ROUNDS": str(s["rounds"]), "SEARCH_DATA": data,
               "TMPDIR": self.work}
        out = run(["bash", os.path.join(HERE, "search.sh"), str(s["search_assets"])], env=env)
        load = re.search(r"loaded (\d+) assets in ([\d.]+) s", out)
        engine = re.search(r"engine search.*p50 ([\d.]+) ms, p99 ([\d.]+) ms", out)
        http_rounds = [{"p50_ms": float(a), "p99_ms": float(b)}
                       for a, b in re.findall(r"HTTP search.*p50 ([\d.]+) ms, p99 ([\d.]+) ms", out)]
        log(f"search: load {load.group(2)} s; HTTP " +
            ", ".join(f"p50 {r['p50_ms']} p99 {r['p99_ms']}" for r in http_rounds))
        self.search_data = data
        self.results["search"] = {"rounds": {"agora": http_rounds}, "assets": s["search_assets"],
                                  "load_seconds": float(load.group(2)),
                                  "engine": {"p50_ms": float(engine.group(1)), "p99_ms": float(engine.group(2))}}

    # 6. cold start: process start to first answered request, 100,000 assets in the data directory
    def coldstart(self):
        s = self.s
        if not self.search_data:
            raise RuntimeError("coldstart needs the search scenario's data directory (run both)")
        org, token = open(os.path.join(self.search_data, "bench-token")).read().split()
        query = "/exchange/api/v2/assets/search?search=flight%20status&limit=20"
        rounds = {"agora": []}
        for r in range(s["rounds"]):
            port = free_port()
            log_path = self.path(f"coldstart-{r}.log")
            start = time.perf_counter()
            process = PROCESSES.start([self.agora_bin, "serve", "--data", self.search_data,
                                       "--listen", f"127.0.0.1:{port}"], log_path)
            first = None
            while first is None:
                if process.poll() is not None or time.perf_counter() - start > 60:
                    raise RuntimeError(f"agora did not answer:\n{open(log_path).read()}")
                try:
                    if http_request(port, "GET", "/", timeout=5)[0] == 200:
                        first = time.perf_counter() - start
                except OSError:
                    time.sleep(0.001)
            status, _ = http_request(port, "GET", query, headers={"Authorization": f"bearer {token}"})
            search = time.perf_counter() - start
            if status != 200:
                raise RuntimeError(f"first search after start: HTTP {status}")
            PROCESSES.stop(process)
            rounds["agora"].append({"first_ms": first * 1000, "first_search_ms": search * 1000})
            log(f"cold start round {r + 1}: first answer {first * 1000:.0f} ms, first search {search * 1000:.0f} ms")
        self.results["coldstart"] = {"rounds": rounds, "assets": s["search_assets"]}


# --- report --------------------------------------------------------------------------------------
def verdict(ok):
    return "PASS" if ok else "MISS"


def n(value, digits=0):
    return f"{value:,.{digits}f}"


def summarise(results, sizes):
    """The table rows: (scenario, agora, comparator, ratio, target, verdict)."""
    rows = []
    if "publish" in results:
        p = results["publish"]["rounds"]
        keys = ("per_second", "p50_ms", "p99_ms", "requests")
        a, v = {k: median_of(p["agora"], k) for k in keys}, {k: median_of(p["verdaccio"], k) for k in keys}
        ratio = a["per_second"] / v["per_second"]
        rows.append((f"1. publish a {results['publish']['zip_bytes'] / 1024:.0f} KiB RAML zip with 1 dependency, sync, "
                     f"{sizes['publish_clients']} clients, {n(sizes['publish_versions'])} versions or "
                     f"{sizes['publish_seconds']} s per round",
                     f"{n(a['per_second'])} publications/s ({n(a['requests'])} versions per round), "
                     f"p50 {n(a['p50_ms'], 1)} ms, p99 {n(a['p99_ms'], 1)} ms",
                     f"Verdaccio {VERDACCIO_VERSION}, npm publish ({n(v['requests'])} versions per round, "
                     f"{sizes['verdaccio_versions']} or {sizes['verdaccio_seconds']} s): "
                     f"{n(v['per_second'], 1)}/s, p50 {n(v['p50_ms'])} ms, p99 {n(v['p99_ms'])} ms",
                     f"{n(ratio, 1)}×", "≥ 1,000/s, p99 < 50 ms and ≥ 20× Verdaccio",
                     f"{verdict(a['per_second'] >= 1000)} (rate), {verdict(a['p99_ms'] < 50)} (p99), "
                     f"{verdict(ratio >= 20)} (ratio)"))
        d = results["publish"]["distinct"]
        rows.append((f"1b. the same, but every version a spec never read before ({d['raml_bytes'] / 1024:.0f} KiB RAML "
                     f"file, one {sizes['distinct_seconds']} s round)",
                     f"{n(d['per_second'])} publications/s, p50 {n(d['p50_ms'], 1)} ms, p99 {n(d['p99_ms'], 1)} ms",
                     "Verdaccio as in 1", f"{n(d['per_second'] / v['per_second'], 1)}×",
                     "≥ 300/s", verdict(d["per_second"] >= 300)))
    if "get" in results:
        g = results["get"]
        a, t, v = (median_of(g["rounds"][k], "per_second") for k in ("agora", "trivial", "verdaccio"))
        rows.append((f"2. GET an asset version's JSON ({n(g['agora_bytes'])} B; the asset has {sizes['get_versions']} "
                     f"versions), keep-alive, wrk {sizes['wrk_connections']} connections",
                     f"{n(a)} requests/s, p99 {n(median_of(g['rounds']['agora'], 'p99_ms'), 1)} ms",
                     f"trivial Beast server, same body: {n(t)}/s; Verdaccio package GET "
                     f"({n(g['verdaccio_bytes'])} B, {sizes['get_versions']} versions): {n(v)}/s",
                     f"{a / t:.0%} of trivial; {n(a / v, 1)}× Verdaccio", "≥ 50% of the trivial server",
                     verdict(a / t >= 0.5)))
    if "download" in results:
        d = results["download"]
        a, x = median_of(d["rounds"]["agora"], "mib_per_second"), median_of(d["rounds"]["nginx"], "mib_per_second")
        rows.append((f"3. download a {d['mib']} MiB file by downloadURL, {d['clients']} parallel curl clients "
                     f"({d['repeats']} downloads each per round)",
                     f"{n(a)} MiB/s", f"nginx, same file (sendfile): {n(x)} MiB/s", f"{a / x:.0%}",
                     "≥ 80% of nginx", verdict(a / x >= 0.8)))
    if "upload" in results:
        u = results["upload"]
        a, x = median_of(u["rounds"]["agora"], "mib_per_second"), median_of(u["rounds"]["nginx"], "mib_per_second")
        md5 = median_of(u["rounds"]["md5"], "mib_per_second")
        rss = max(r["peak_rss_mib"] for r in u["rounds"]["agora"])
        rows.append((f"4. upload a {n(u['mib'])} MiB custom asset, sync, curl -F",
                     f"{n(a)} MiB/s, peak RSS {rss:.1f} MiB (highest round), digests exact",
                     f"MD5 of the same file on one core (openssl dgst): {n(md5)} MiB/s; "
                     f"nginx, client_body_in_file_only: {n(x)} MiB/s",
                     f"{a / md5:.0%} of MD5; {a / x:.0%} of nginx",
                     "≥ 80% of one core's MD5 rate; RSS < 100 MB",
                     f"{verdict(a / md5 >= 0.8)} (rate), {verdict(rss * (1 << 20) < 100e6)} (RSS)"))
    if "search" in results:
        s = results["search"]
        p50, p99 = median_of(s["rounds"]["agora"], "p50_ms"), median_of(s["rounds"]["agora"], "p99_ms")
        engine_p99 = s["engine"]["p99_ms"]
        rows.append((f"5. search: 200 two-word queries over {n(s['assets'])} assets, HTTP keep-alive",
                     f"p50 {p50:.2f} ms, p99 {p99:.2f} ms; bulk load {s['load_seconds']:.1f} s",
                     f"the engine alone, without HTTP: p50 {s['engine']['p50_ms']:.2f} ms, p99 {engine_p99:.2f} ms",
                     f"p99 {p99 / engine_p99:.1f}× the engine's", "HTTP p99 ≤ 2× the engine's and < 10 ms",
                     verdict(p99 <= 2 * engine_p99 and p99 < 10)))
    if "coldstart" in results:
        c = results["coldstart"]
        first, search = median_of(c["rounds"]["agora"], "first_ms"), median_of(c["rounds"]["agora"], "first_search_ms")
        rows.append((f"6. cold start with {n(c['assets'])} assets in the data directory",
                     f"first answer {n(first)} ms after exec; first search answered at {n(search)} ms",
                     "—", "—", "none in issue 6", "—"))
    return rows


def table(rows):
    lines = ["| scenario | agora | comparator (same run) | ratio | target | verdict |",
             "| --- | --- | --- | --- | --- | --- |"]
    return "\n".join(lines + [f"| {' | '.join(row)} |" for row in rows])


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    mem = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    return f"{os.cpu_count()} × {cpu}, {mem / (1 << 20):.0f} GiB, {platform.system()} {platform.release()}"


def commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def rounds_markdown(results):
    """Every round's figures, for the results file."""
    lines = ["| scenario | server | rounds |", "| --- | --- | --- |"]
    for scenario, result in results.items():
        for server, rounds in result["rounds"].items():
            cells = "; ".join(", ".join(f"{k} {v:,.2f}" for k, v in r.items() if isinstance(v, (int, float))
                                        and k != "errors") for r in rounds)
            lines.append(f"| {scenario} | {server} | {cells} |")
    return "\n".join(lines)


NOTES = """Notes:

- Clients: (1) `build-release/load_client` (bench/load_client.cpp: one thread and one keep-alive
  connection per client, blocking Boost.Beast), the same for agora and Verdaccio. A round stops at its
  versions or its time cap, whichever comes first (Verdaccio, at about 10 a second, would need eight
  minutes for 5,000 versions); rates are per second either way.
  Verdaccio receives the same zip bytes as the npm tarball (base64 in npm's publish JSON), one
  dependency in the manifest. (2) wrk, 2 threads. (3) and (4) curl, one process per client, the same
  command line for agora and nginx; the upload is `bench/upload_rss.sh` (peak RSS is the server's
  VmHWM; the MD5, SHA-1 and SHA-256 of its answer are checked against the file's). The MD5 limit is
  `openssl dgst -md5` over the same file (in the page cache) in each round, one thread, wall clock:
  a stream whose MD5 is in the answer cannot be taken faster than one core computes it. (5) `bench/search.sh` (search_bench loads through the storage API, then a Python
  keep-alive client). (6) a Python client polling `GET /` every millisecond from the exec; the
  data directory was just written, so its files are in the page cache.
- Every figure is the median of the rounds; ratios are ratios of medians. Clients and servers share
  the same 2 cores, so a client's CPU is taken from the server it measures, for agora and the
  comparators alike.
- agora fsyncs every publication (files and the SQLite WAL) before it answers; nginx's
  client_body_in_file_only does not fsync, Verdaccio does not either.
- See docs/performance.md for where the time goes in each scenario."""


def replace_section(text, section):
    """`text` with what lies between the bench markers replaced by `section`."""
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    if begin not in text or end not in text or text.index(begin) > text.index(end):
        raise RuntimeError(f"README.md has no {begin} ... {end} section")
    return text[:text.index(begin) + len(begin)] + "\n" + section + "\n" + text[text.index(end):]


def merged_rows(old_section, rows):
    """`rows` (this run's) with the rows of the README's current table for the scenarios this run
    left out, each marked with the date of the run it comes from, in scenario order."""
    def key(cells):
        number = cells[0].split(".", 1)[0]
        return int(number.rstrip("b")), number
    old_date = re.search(r"Run of (\d{4}-\d{2}-\d{2})", old_section)
    new_keys = {key(row) for row in rows}
    kept = []
    for line in old_section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if not line.startswith("| ") or len(cells) != 6 or not re.match(r"\d+b?\. ", cells[0]) or key(cells) in new_keys:
            continue
        if old_date and "(run of " not in cells[0]:
            cells[0] += f" (run of {old_date.group(1)})"
        kept.append(tuple(cells))
    return sorted(list(rows) + kept, key=key)


def load_average():
    return float(open("/proc/loadavg").read().split()[0])


def build_kind(cache_path):
    """What the measured binaries were built as, from their CMake cache: "release build (-O3 -g)"."""
    values = dict(re.findall(r"^(CMAKE_BUILD_TYPE|CMAKE_CXX_FLAGS(?:_[A-Z]+)?):STRING=(.*)$", open(cache_path).read(), re.M))
    kind = values.get("CMAKE_BUILD_TYPE") or "RelWithDebInfo"  # the project's default (CMakeLists.txt)
    flags = " ".join(f for f in (values.get(f"CMAKE_CXX_FLAGS_{kind.upper()}", ""), values.get("CMAKE_CXX_FLAGS", ""))
                     if f.strip())
    return f"{'release' if kind == 'Release' else kind} build ({flags.replace(' -DNDEBUG', '')})"


def write_results(results, rows, sizes, started, build_seconds, load_before, build, partial=()):
    date = datetime.datetime.now().strftime("%Y-%m-%d")
    out_dir = os.path.join(HERE, "results")
    os.makedirs(out_dir, exist_ok=True)
    duration = time.monotonic() - started + build_seconds
    meta = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "commit": commit(), "machine": machine(),
            "sizes": sizes, "duration_seconds": round(duration, 1), "build_seconds": round(build_seconds, 1),
            "load_average_before": load_before, "load_average_after": load_average()}
    with open(os.path.join(out_dir, f"{date}.json"), "w") as f:
        json.dump({**meta, "rows": [dict(zip(("scenario", "agora", "comparator", "ratio", "target", "verdict"), r))
                                    for r in rows], "results": results}, f, indent=2)
        f.write("\n")
    header = (f"Run of {meta['date']} at commit {meta['commit']}, `make bench`: {meta['machine']}; "
              f"{build_kind(os.path.join(os.path.abspath(build), 'CMakeCache.txt'))}; "
              f"{sizes['rounds']} rounds per scenario, medians; whole run {duration / 60:.1f} min "
              f"(build {build_seconds:.0f} s); 1-minute load average {load_before:.1f} before the "
              f"scenarios, {meta['load_average_after']:.1f} after.")
    with open(os.path.join(out_dir, f"{date}.md"), "w") as f:
        f.write(f"# Benchmark results, {date}\n\n{header}\n\n{table(rows)}\n\n## Every round\n\n"
                f"{rounds_markdown(results)}\n\n{NOTES}\n")
    readme = os.path.join(ROOT, "README.md")
    text = open(readme).read()
    if partial:
        begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
        rows = merged_rows(text[text.index(begin):text.index(end)] if begin in text else "", rows)
        header += (f" This run measured only {', '.join(partial)} (`bench/bench.py --only {','.join(partial)}`); "
                   "rows marked with another run's date are that run's.")
    text = replace_section(text, f"{header} Details: [bench/results/{date}.md](bench/results/{date}.md).\n\n{table(rows)}")
    open(readme, "w").write(text)
    log(f"wrote bench/results/{date}.md, bench/results/{date}.json and README.md's table")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(ROOT, "build-release"))
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one round, nothing written")
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated: " + ", ".join(SCENARIOS))
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--build-seconds", type=float, default=0, help="time bench/run spent building")
    args = parser.parse_args()
    sizes = dict(QUICK if args.quick else FULL)
    started = time.monotonic()
    load_before = load_average()
    bench = Bench(args, sizes)
    only = [s for s in SCENARIOS if s in args.only.split(",")]
    for scenario in only:
        log(f"scenario {scenario}")
        getattr(bench, scenario)()
    PROCESSES.stop_all()
    rows = summarise(bench.results, sizes)
    print(table(rows), flush=True)
    log(f"scenarios took {time.monotonic() - started:.0f} s")
    if not args.quick and not args.no_write:
        write_results(bench.results, rows, sizes, started, args.build_seconds, load_before, args.build,
                      partial=() if only == list(SCENARIOS) else only)


if __name__ == "__main__":
    main()
