"""Starts the real agora binary on a free port with a temporary data directory and talks HTTP to it.

Every end-to-end test goes through AgoraServer: it launches `agora serve`, reads the organisation id
and admin token the first start prints, waits until GET / answers, and on stop sends SIGTERM and
checks that the server exits with code 0. A server that never becomes ready, crashes, or ignores
SIGTERM fails the test with everything it printed, and is never left running.

The binary is $AGORA_BIN, or ../../build/agora relative to this file.
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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


class AgoraServer:
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
                self.port = free_port()
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
            [self.binary, "serve", "--data", self.data_dir, "--listen", f"127.0.0.1:{self.port}", *self.extra_args],
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
    def admin(self, *args, stdin=None):
        """`agora admin <args> --data DIR`, with `stdin` as its input; returns the last line it printed."""
        result = subprocess.run([self.binary, "admin", *args, "--data", self.data_dir],
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


class AgoraTestCase(unittest.TestCase):
    """One server (and a scratch directory for fixture files) for the whole test class."""

    server_args = ()
    server_env = None  # variables added to the server's environment

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="agora-e2e-files-")
        cls.addClassCleanup(shutil.rmtree, cls.work, ignore_errors=True)
        cls.server = AgoraServer(cls.server_args, env=cls.server_env)
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
