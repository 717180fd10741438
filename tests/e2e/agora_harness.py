"""Starts the real agora binary on a free port with a temporary data directory and talks HTTP to it.

Every end-to-end test goes through AgoraServer: it launches `agora serve`, reads the organisation id
and admin token the first start prints, waits until GET / answers, and on stop sends SIGTERM and
checks that the server exits cleanly.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
AGORA_BIN = os.environ.get("AGORA_BIN", os.path.join(HERE, "..", "..", "build", "agora"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def __repr__(self):
        return f"<HTTP {self.status} {self.body[:500]!r}>"


class AgoraServer:
    def __init__(self, extra_args=(), data_dir=None):
        self.extra_args = list(extra_args)
        self.owns_data = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="agora-e2e-")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.output = []
        self.org = None
        self.token = None

    def start(self):
        self.process = subprocess.Popen(
            [AGORA_BIN, "serve", "--data", self.data_dir, "--listen", f"127.0.0.1:{self.port}", *self.extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.reader = threading.Thread(target=self._read_output, daemon=True)
        self.reader.start()
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"agora exited early:\n{self.log()}")
            try:
                if self.request("GET", "/", token=None).status == 200 and self._printed("agora listening on"):
                    break
            except OSError:
                pass
            time.sleep(0.05)
        else:
            raise AssertionError(f"agora did not answer within 20 s:\n{self.log()}")
        for line in list(self.output):
            if line.startswith("organization id: "):
                self.org = line.split(": ", 1)[1]
            if line.startswith("admin token: "):
                self.token = line.split(": ", 1)[1]
        return self

    def _read_output(self):
        for line in self.process.stdout:
            self.output.append(line.rstrip("\n"))

    def _printed(self, prefix):
        return any(line.startswith(prefix) for line in self.output)

    def log(self):
        return "\n".join(self.output)

    def stop(self, expect_clean=True):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                code = self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(f"agora did not stop within 15 s of SIGTERM:\n{self.log()}")
            if expect_clean and code != 0:
                raise AssertionError(f"agora exited with {code}:\n{self.log()}")
        self.reader.join(timeout=5)
        self.process.stdout.close()

    def cleanup(self):
        if self.owns_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    # --- administration -------------------------------------------------------------------------
    def admin(self, *args):
        result = subprocess.run([AGORA_BIN, "admin", *args, "--data", self.data_dir],
                                capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise AssertionError(f"agora admin {args} failed: {result.stderr}")
        return result.stdout.strip().splitlines()[-1]

    def create_org(self, name):
        return self.admin("create-org", name)

    def create_token(self, org, role):
        return self.admin("create-token", "--org", org, "--role", role)

    # --- HTTP -----------------------------------------------------------------------------------
    def request(self, method, path, body=None, headers=None, token="admin"):
        headers = dict(headers or {})
        if token == "admin":
            token = self.token
        if token is not None:
            headers.setdefault("Authorization", f"bearer {token}")
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return Response(response.status, response.getheaders(), response.read())
        finally:
            connection.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def get_url(self, url, **kwargs):
        parsed = urllib.parse.urlsplit(url)
        assert parsed.netloc == f"127.0.0.1:{self.port}", url
        return self.get(parsed.path + (f"?{parsed.query}" if parsed.query else ""), **kwargs)

    def asset(self, group, asset, version, **kwargs):
        return self.get(f"/exchange/api/v2/assets/{group}/{asset}/{version}", **kwargs)

    def publish_url(self, group, asset, version, org=None):
        return f"{self.base}/exchange/api/v2/organizations/{org or self.org}/assets/{group}/{asset}/{version}"

    def curl(self, *args, token="admin"):
        """Runs the real curl; returns (status, body bytes)."""
        out = tempfile.NamedTemporaryFile(delete=False)
        out.close()
        try:
            command = ["curl", "-sS", "-o", out.name, "-w", "%{http_code}"]
            if token == "admin":
                token = self.token
            if token is not None:
                command += ["-H", f"Authorization: bearer {token}"]
            result = subprocess.run(command + list(args), capture_output=True, text=True, timeout=120)
            if result.returncode != 0:
                raise AssertionError(f"curl failed: {result.stderr}")
            with open(out.name, "rb") as f:
                return int(result.stdout), f.read()
        finally:
            os.unlink(out.name)

    def publish(self, group, asset, version, fields, sync=True, token="admin", org=None):
        """Publishes with curl -F; fields is a list of 'name=value' strings as on the seed page."""
        args = []
        if sync:
            args += ["-H", "x-sync-publication: true"]
        for field in fields:
            args += ["-F", field]
        return self.curl(*args, self.publish_url(group, asset, version, org), token=token)

    def poll_publication(self, link, token="admin", timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            response = self.get_url(link, token=token)
            assert response.status == 200, response
            status = response.json()
            if status["status"] != "running":
                return status
            time.sleep(0.05)
        raise AssertionError(f"publication {link} still running after {timeout} s")


class AgoraTestCase(unittest.TestCase):
    """One server for the whole test class."""

    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = AgoraServer(cls.server_args).start()
        cls.org = cls.server.org
        cls.token = cls.server.token
        cls.work = tempfile.mkdtemp(prefix="agora-e2e-files-")

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()
        finally:
            cls.server.cleanup()
            shutil.rmtree(cls.work, ignore_errors=True)

    def assertError(self, result, status, code):
        """result: (status, body) from curl or a Response."""
        if isinstance(result, Response):
            result = (result.status, result.body)
        self.assertEqual(result[0], status, result[1][:800])
        body = json.loads(result[1])
        self.assertEqual(body["status"], status, body)
        self.assertEqual(body["code"], code, body)
        self.assertIsInstance(body["message"], str)
        self.assertIsInstance(body["details"]["errors"], list)
        return body

    def assertCreated(self, result):
        self.assertEqual(result[0], 201, result[1][:800])
        return json.loads(result[1])

    def assertNotStored(self, group, asset, version):
        self.assertEqual(self.server.asset(group, asset, version).status, 404)
