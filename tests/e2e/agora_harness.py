"""Starts the real agora binary on a free port with a temporary data directory and talks HTTP to it.

Every end-to-end test goes through AgoraServer: it launches `agora serve`, reads the organisation id
and admin token the first start prints, waits until GET / answers, and on stop sends SIGTERM and
checks that the server exits with code 0. A server that never becomes ready, crashes, or ignores
SIGTERM fails the test with everything it printed, and is never left running.

The binary is $AGORA_BIN, or ../../build/agora relative to this file.

With $AGORA_E2E_CLUSTER set, AgoraServer is an AgoraCluster instead: three `agora serve` processes on
one PostgreSQL database (a database of the test's own in the cluster $AGORA_TEST_POSTGRES names, as
ctest's postgres fixture starts it) and one blob store, behind nginx, which the test talks to. The
same tests then check that several servers behave as one.
"""
import atexit
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
AGORA_BIN = os.path.abspath(os.environ.get("AGORA_BIN") or os.path.join(HERE, "..", "..", "build", "agora"))
READY_TIMEOUT = 20
STOP_TIMEOUT = 15
PUBLICATION_STATES = ("running", "completed", "error")

# Servers still running when the interpreter exits (a test interrupted halfway) are killed, so a
# failed run never leaves agora processes holding ports and data directories.
_running = set()


@atexit.register
def _kill_leftovers():
    for process in list(_running):
        if process.poll() is None:
            process.kill()
            process.wait()


def free_port(avoid=None):
    """A port nothing listens on now; never `avoid` (a port just found taken: the kernel may hand
    the same port out again)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port != avoid:
            return port


class Response:
    """An HTTP answer; unpacks as (status, headers, body) too."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def __iter__(self):
        return iter((self.status, self.headers, self.body))

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            raise AssertionError(f"HTTP {self.status}: body is not JSON: {self.body[:800]!r}") from None

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def __repr__(self):
        return f"<HTTP {self.status} {self.body[:800]!r}>"


class AgoraSingleServer:
    """One `agora serve` process. Not thread-safe: drive it from the test's thread."""

    def __init__(self, extra_args=(), data_dir=None, port=None, binary=None, tls=None, env=None):
        """tls: a certificates.TestCertificates; the server then speaks HTTPS only.
        env: variables added to the server's environment (S3 credentials, say)."""
        self.binary = binary or AGORA_BIN
        self.tls = tls
        self.scheme = "https" if tls else "http"
        self.extra_args = list(extra_args)
        self.env = dict(os.environ, **(env or {}))
        if tls:
            self.extra_args += ["--tls-cert", tls.certificate, "--tls-key", tls.key]
        # AGORA_E2E_BLOBS=s3 runs every server on a fresh bucket of the S3 test server (s3_fixture.py).
        if os.environ.get("AGORA_E2E_BLOBS") == "s3" and "--blobs" not in self.extra_args:
            from s3_fixture import S3Blobs
            self.s3 = S3Blobs.new()
            self.extra_args += self.s3.server_args()
            self.env.update(S3Blobs.env())
        self.owns_data = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="agora-e2e-")
        self.auto_port = port is None
        self.port = port or free_port()
        self.base = f"{self.scheme}://127.0.0.1:{self.port}"
        self.output = []
        self.org = None
        self.token = None
        self.process = None
        self.reader = None

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self, timeout=READY_TIMEOUT):
        if not os.access(self.binary, os.X_OK):
            raise AssertionError(f"no agora binary at {self.binary}: build it, or set AGORA_BIN")
        # A port picked by free_port() can be taken by a parallel test before agora binds it: then
        # agora exits with "Address already in use" and the start is retried on another port.
        for attempt in range(3):
            first_line = len(self.output)
            try:
                self._launch(timeout)
                break
            except AssertionError:
                busy = any("in use" in line.lower() for line in self.output[first_line:])
                if not (self.auto_port and busy and attempt < 2):
                    raise
                self.port = free_port(avoid=self.port)
                self.base = f"{self.scheme}://127.0.0.1:{self.port}"
        # Parsed from every attempt's output: agora prints them once, when it initialises the data dir.
        for line in list(self.output):
            if line.startswith("organization id: "):
                self.org = line.split(": ", 1)[1].strip()
            elif line.startswith("admin token: "):
                self.token = line.split(": ", 1)[1].strip()
        return self

    def _launch(self, timeout):
        self.process = subprocess.Popen(
            [self.binary, "serve", *self.storage_args(), "--listen", f"127.0.0.1:{self.port}", *self.extra_args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=self.env)
        _running.add(self.process)
        # Drained on its own thread so a chatty server never blocks on a full pipe.
        self.reader = threading.Thread(target=self._read_output, args=(self.process.stdout,), daemon=True)
        self.reader.start()
        try:
            self._wait_until_ready(timeout)
        except BaseException:
            self._kill()
            raise

    def _wait_until_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.reader.join(timeout=5)
                raise AssertionError(f"agora exited with {self.process.returncode} before it was ready:\n{self.log()}")
            if self._printed(f"agora listening on {self.base}"):
                try:
                    if self.request("GET", "/", token=None, timeout=2).status == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.05)
        raise AssertionError(f"agora did not print 'agora listening on {self.base}' and answer GET / "
                             f"within {timeout} s:\n{self.log()}")

    def _read_output(self, stream):
        for raw in stream:
            self.output.append(raw.decode("utf-8", "replace").rstrip("\r\n"))

    def _printed(self, prefix):
        return any(line.startswith(prefix) for line in list(self.output))

    def log(self):
        return "\n".join(self.output) or "(no output)"

    def _finish(self):
        _running.discard(self.process)
        self.reader.join(timeout=5)
        self.process.stdout.close()

    def _kill(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._finish()

    def kill(self):
        """SIGKILL, as a crash would; the exit code is not checked."""
        self._kill()

    def stop(self, expect_clean=True, signum=signal.SIGTERM, timeout=STOP_TIMEOUT):
        """Sends `signum` and waits; fails unless the server exits with 0 (when expect_clean).
        A server already dead is checked the same way, so a crash never passes for a clean stop."""
        if self.process is None or self.process.stdout.closed:
            return
        if self.process.poll() is None:
            self.process.send_signal(signum)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._kill()
                raise AssertionError(f"agora did not stop within {timeout} s of signal {signum}; killed:\n{self.log()}")
        self._finish()
        if expect_clean and self.process.returncode != 0:
            raise AssertionError(f"agora exited with {self.process.returncode}, expected 0:\n{self.log()}")

    def cleanup(self):
        if self.owns_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    # --- administration -------------------------------------------------------------------------
    def storage_args(self):
        """The options that point `agora serve` or `agora admin` at this server's stores."""
        return ["--data", self.data_dir]

    def blob_files(self):
        """The SHA-256 of every blob in the store."""
        root = os.path.join(self.data_dir, "blobs", "sha256")
        return sorted(os.path.basename(d) + f for d, _, files in os.walk(root) for f in files)

    def admin(self, *args, stdin=None):
        """`agora admin <args> --data DIR`, with `stdin` as its input; returns the last line it printed."""
        result = subprocess.run([self.binary, "admin", *args, *self.storage_args()],
                                capture_output=True, text=True, timeout=30, input=stdin)
        if result.returncode != 0:
            raise AssertionError(f"agora admin {' '.join(args)} exited with {result.returncode}:\n"
                                 f"{result.stdout}{result.stderr}")
        lines = result.stdout.strip().splitlines()
        if not lines:
            raise AssertionError(f"agora admin {' '.join(args)} printed nothing:\n{result.stderr}")
        return lines[-1].strip()

    def create_org(self, name):
        return self.admin("create-org", name)

    def create_token(self, org, role):
        return self.admin("create-token", "--org", org, "--role", role)

    # --- HTTP -----------------------------------------------------------------------------------
    def request(self, method, path, body=None, headers=None, token="admin", timeout=60):
        """One request on a fresh connection. token: "admin" (the printed admin token), None, or a token."""
        headers = dict(headers or {})
        if token == "admin":
            token = self.token
        if token is not None:
            headers.setdefault("Authorization", f"bearer {token}")
        connection = self.connection(timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return Response(response.status, response.getheaders(), response.read())
        finally:
            connection.close()

    def connection(self, timeout=60):
        if not self.tls:
            return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        context = ssl.create_default_context(cafile=self.tls.ca)
        return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout, context=context)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def path_of(self, url):
        """The path and query of an absolute URL this server handed out."""
        parsed = urllib.parse.urlsplit(url)
        if parsed.netloc != f"127.0.0.1:{self.port}":
            raise AssertionError(f"{url} does not point at this server ({self.base})")
        return parsed.path + (f"?{parsed.query}" if parsed.query else "")

    def get_url(self, url, **kwargs):
        return self.get(self.path_of(url), **kwargs)

    def asset(self, group, asset, version, **kwargs):
        return self.get(f"/exchange/api/v2/assets/{group}/{asset}/{version}", **kwargs)

    def publish_url(self, group, asset, version, org=None, api="v2"):
        return f"{self.base}/exchange/api/{api}/organizations/{org or self.org}/assets/{group}/{asset}/{version}"

    def curl(self, *args, token="admin"):
        """Runs the real curl with `args`; returns (status, body bytes). Adds the bearer token unless None."""
        with tempfile.NamedTemporaryFile(prefix="agora-curl-") as out:
            command = ["curl", "-sS", "--max-time", "300", "-o", out.name, "-w", "%{http_code}"]
            if self.tls:
                command += ["--cacert", self.tls.ca]
            if token == "admin":
                token = self.token
            if token is not None:
                command += ["-H", f"Authorization: bearer {token}"]
            result = subprocess.run(command + list(args), capture_output=True, text=True, timeout=330)
            if result.returncode != 0:
                raise AssertionError(f"curl {' '.join(args)} failed ({result.returncode}): {result.stderr}\n"
                                     f"server output:\n{self.log()}")
            out.seek(0)
            return int(result.stdout), out.read()

    def publish(self, group, asset, version, fields, sync=True, token="admin", org=None, headers=()):
        """Publishes with curl -F; fields is a list of 'name=value' strings as on the seed page."""
        args = []
        for header in (["x-sync-publication: true"] if sync else []) + list(headers):
            args += ["-H", header]
        for field in fields:
            args += ["-F", field]
        return self.curl(*args, self.publish_url(group, asset, version, org), token=token)

    def portal_cookie(self, username, password):
        """Signs in to the portal as a browser does; returns the session cookie as "name=value"."""
        response = self.request("POST", "/exchange/-/login",
                                urllib.parse.urlencode({"username": username, "password": password, "next": "/exchange/"}),
                                {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.base}, token=None)
        if response.status != 303:
            raise AssertionError(f"signing in to the portal as {username}: {response}")
        return response.header("Set-Cookie").split(";")[0]

    def poll_publication(self, link, token="admin", timeout=30):
        """GETs a publicationStatusLink until it is no longer running; returns the final status JSON."""
        deadline = time.monotonic() + timeout
        while True:
            response = self.get_url(link, token=token)
            if response.status != 200:
                raise AssertionError(f"GET {link}: {response!r}")
            status = response.json()
            if status.get("status") not in PUBLICATION_STATES:
                raise AssertionError(f"unexpected publication status {status}")
            if status["status"] != "running":
                return status
            if time.monotonic() > deadline:
                raise AssertionError(f"publication {link} still running after {timeout} s: {status}")
            time.sleep(0.05)


CLUSTER = bool(os.environ.get("AGORA_E2E_CLUSTER"))
CLUSTER_NODES = 3
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def postgres_cluster_url():
    """The maintenance URL of the test PostgreSQL cluster (scripts/test_postgres.sh, ctest's fixture)."""
    state = os.environ.get("AGORA_TEST_POSTGRES")
    if not state:
        raise AssertionError("AGORA_TEST_POSTGRES names no PostgreSQL test cluster: run through ctest "
                             "(the postgres fixture), or scripts/test_postgres.sh start DIR and set it to DIR")
    try:
        with open(os.path.join(state, "url")) as f:
            return f.read().strip()
    except OSError as e:
        raise AssertionError(f"no PostgreSQL test cluster in {state}: {e}") from None


def psql(url, sql):
    result = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], capture_output=True, text=True,
                            timeout=60)
    if result.returncode != 0:
        raise AssertionError(f"psql {sql}: {result.stderr}")
    return result.stdout.strip()


NGINX_CONF = """
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
{user}
events {{ worker_connections 4096; }}
http {{
  access_log off;
  # Headers as large as agora takes (64 KiB in all), so that agora, not nginx, answers 431 past it.
  large_client_header_buffers 4 256k;
  client_body_temp_path {prefix}/client_body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  upstream agora {{
    least_conn;
{servers}
    keepalive 32;
    keepalive_timeout 4s;
  }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 0;
    location / {{
      proxy_pass http://agora;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_pass_header Server;
      proxy_pass_header Date;
      proxy_request_buffering off;
      proxy_buffering off;
      proxy_read_timeout 600s;
      proxy_send_timeout 600s;
      proxy_next_upstream error timeout http_502 http_503;
    }}
  }}
}}
"""


class Balancer:
    """nginx in front of the given ports, on a port of its own (see docs/scaling.md for the settings)."""

    def __init__(self, prefix, port, upstream_ports):
        self.prefix = prefix
        self.port = port
        os.makedirs(prefix, exist_ok=True)
        servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in upstream_ports)
        user = "user root root;" if os.geteuid() == 0 else ""
        with open(os.path.join(prefix, "nginx.conf"), "w") as f:
            f.write(NGINX_CONF.format(prefix=prefix, user=user, servers=servers, port=port))
        self.process = None

    def start(self):
        if not os.access(NGINX, os.X_OK):
            raise AssertionError(f"no nginx at {NGINX}: run scripts/setup.sh")
        self.process = subprocess.Popen([NGINX, "-p", self.prefix, "-c", os.path.join(self.prefix, "nginx.conf")],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        _running.add(self.process)
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"nginx exited with {self.process.returncode}:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"nginx did not listen on {self.port}:\n{self.log()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            _running.discard(self.process)

    def log(self):
        try:
            with open(os.path.join(self.prefix, "error.log")) as f:
                return f.read()
        except OSError:
            return "(no nginx log)"


class AgoraCluster(AgoraSingleServer):
    """Three `agora serve` processes on one PostgreSQL database and one blob store, behind nginx: the
    same interface as AgoraSingleServer, whose HTTP helpers talk to nginx. data_dir holds the nodes'
    own directories and remembers the database, so AgoraCluster(data_dir=...) restarts the cluster."""

    def __init__(self, extra_args=(), data_dir=None, port=None, binary=None, tls=None, env=None, nodes=CLUSTER_NODES,
                 drain_seconds=0, lease_seconds=3):
        """drain_seconds, lease_seconds: the nodes' --drain-seconds and --job-lease-seconds; tests stop
        and kill clusters often, so by default no drain, and a dead server's publications move on after 3 s."""
        if tls:
            raise AssertionError("TLS ends at the balancer in a cluster; a test of agora's own TLS uses AgoraSingleServer")
        super().__init__(extra_args, data_dir=data_dir, port=port, binary=binary, env=env)
        state_file = os.path.join(self.data_dir, "cluster.json")
        if os.path.exists(state_file):
            with open(state_file) as f:
                state = json.load(f)
        else:
            state = {"database": "agora_e2e_" + os.urandom(6).hex(), "blobs": os.path.join(self.data_dir, "blobs")}
            psql(postgres_cluster_url(), f"CREATE DATABASE {state['database']} TEMPLATE template0")
            with open(state_file, "w") as f:
                json.dump(state, f)
        self.drain_seconds = drain_seconds
        self.lease_seconds = lease_seconds
        self.database = state["database"]
        maintenance = postgres_cluster_url()
        self.metadata_url = maintenance[:maintenance.rfind("/") + 1] + self.database
        self.blob_dir = state["blobs"]
        self.nodes = [AgoraSingleServer(list(self.extra_args) + self.node_args(), binary=self.binary, env=env,
                                        data_dir=os.path.join(self.data_dir, f"node-{i}")) for i in range(nodes)]
        self.balancer = None

    def shared_args(self):
        return ["--metadata", self.metadata_url, "--blobs", self.blob_dir]

    def node_args(self):
        return self.shared_args() + ["--drain-seconds", str(self.drain_seconds),
                                     "--job-lease-seconds", str(self.lease_seconds)]

    def storage_args(self):
        return ["--data", os.path.join(self.data_dir, "admin")] + self.shared_args()

    def blob_files(self):
        root = os.path.join(self.blob_dir, "sha256")
        return sorted(os.path.basename(d) + f for d, _, files in os.walk(root) for f in files)

    @property
    def output(self):
        return [line for node in getattr(self, "nodes", []) for line in node.output]

    @output.setter
    def output(self, value):
        pass  # each node keeps its own

    @property
    def process(self):
        return self.nodes[0].process if getattr(self, "nodes", None) else None

    @process.setter
    def process(self, value):
        pass

    def _on_every_node(self, action):
        """Runs action(node) on every node at once; returns the AssertionErrors they raised."""
        errors = []

        def run(node):
            try:
                action(node)
            except AssertionError as e:
                errors.append(e)

        threads = [threading.Thread(target=run, args=(node,)) for node in self.nodes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return errors

    def start(self, timeout=READY_TIMEOUT):
        errors = self._on_every_node(lambda node: node.start(timeout))
        if errors:
            self.kill()
            raise errors[0]
        self.balancer = Balancer(os.path.join(self.data_dir, "nginx"), self.port, [n.port for n in self.nodes]).start()
        # Exactly one server of a new database makes the default organisation and prints it.
        for node in self.nodes:
            self.org = self.org or node.org
            self.token = self.token or node.token
        return self

    def log(self):
        parts = [f"--- node {i} (port {n.port}) ---\n{n.log()}" for i, n in enumerate(self.nodes)]
        if self.balancer:
            parts.append(f"--- nginx ---\n{self.balancer.log()}")
        return "\n".join(parts)

    def _kill(self):
        for node in self.nodes:
            if node.process and not node.process.stdout.closed:
                node._kill()
        if self.balancer:
            self.balancer.stop()

    def stop(self, expect_clean=True, signum=signal.SIGTERM, timeout=STOP_TIMEOUT):
        failures = self._on_every_node(lambda node: node.stop(expect_clean, signum, timeout))
        if self.balancer:
            self.balancer.stop()
        if failures:
            raise failures[0]

    def restart_node(self, index, signum=signal.SIGTERM, timeout=STOP_TIMEOUT):
        """Stops node `index` with `signum` (SIGKILL: killed) and starts it again on its port and directory."""
        node = self.nodes[index]
        if signum == signal.SIGKILL:
            node.kill()
        else:
            node.stop(signum=signum, timeout=timeout)
        self.nodes[index] = AgoraSingleServer(node.extra_args, data_dir=node.data_dir, port=node.port,
                                              binary=self.binary).start()
        return self.nodes[index]

    def cleanup(self):
        for node in self.nodes:
            node.cleanup()
        if self.owns_data:
            try:
                psql(postgres_cluster_url(), f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
            finally:
                shutil.rmtree(self.data_dir, ignore_errors=True)


AgoraServer = AgoraCluster if CLUSTER else AgoraSingleServer


class AgoraTestCase(unittest.TestCase):
    """One server (and a scratch directory for fixture files) for the whole test class."""

    server_args = ()
    server_env = None  # variables added to the server's environment
    server_class = None  # AgoraSingleServer for a test that needs one data directory; default AgoraServer

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="agora-e2e-files-")
        cls.addClassCleanup(shutil.rmtree, cls.work, ignore_errors=True)
        cls.server = (cls.server_class or AgoraServer)(cls.server_args, env=cls.server_env)
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        # Registered after start: runs first, and also when a subclass's setUpClass fails later on.
        cls.addClassCleanup(cls.server.stop)
        if not (cls.server.org and cls.server.token):
            raise AssertionError(f"the first start printed no 'organization id:' / 'admin token:':\n{cls.server.log()}")
        cls.org = cls.server.org
        cls.token = cls.server.token

    def assertError(self, result, status, code):
        """result: (status, body) from curl, or a Response. Checks the error JSON's shape; returns it."""
        if isinstance(result, Response):
            result = (result.status, result.body)
        self.assertEqual(result[0], status, f"expected {status} {code}, got: {result[1][:800]!r}")
        try:
            body = json.loads(result[1])
        except ValueError:
            self.fail(f"error body is not JSON: {result[1][:800]!r}")
        self.assertEqual(body.get("status"), status, body)
        self.assertEqual(body.get("code"), code, body)
        self.assertIsInstance(body.get("message"), str, body)
        self.assertIsInstance(body.get("details", {}).get("errors"), list, body)
        return body

    def assertCreated(self, result):
        """result: (status, body) of a synchronous publication; returns the asset JSON."""
        self.assertEqual(result[0], 201, f"expected 201, got {result[0]}: {result[1][:800]!r}")
        return json.loads(result[1])

    def assertNotStored(self, group, asset, version):
        response = self.server.asset(group, asset, version)
        self.assertEqual(response.status, 404, f"{group}:{asset}:{version} should not exist: {response!r}")
