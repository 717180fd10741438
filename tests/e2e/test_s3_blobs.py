"""agora on S3 (`agora serve --blobs s3://...`) against the S3 test server (s3_fixture.py): publish
and download through agora, with specs and dependencies read back from S3, ranges, signed
externalLinks, a multipart upload, a restart with a cold cache, an S3 that goes away and comes back,
and the start-up errors for wrong or missing credentials."""
import hashlib
import os
import socket
import subprocess
import threading
import unittest
import urllib.parse

from agora_harness import AGORA_BIN, AgoraServer, AgoraTestCase
from fixtures import Fixtures, read_zip, write
from s3_fixture import S3Blobs, endpoint

DATA_TYPE = "training-american-flight-data-type"


class SwitchableProxy:
    """A TCP proxy to the S3 test server that can be switched off (connections refused and cut),
    standing for an S3 service that goes away and comes back."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.open = []
        threading.Thread(target=self._accept, daemon=True).start()

    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def switch(self, up):
        self.up = up
        if not up:
            for s in self.open:
                try:
                    s.close()
                except OSError:
                    pass

    def _accept(self):
        while True:
            client, _ = self.listener.accept()
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self.open += [client, server]
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class S3BlobsTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        cls.blobs = S3Blobs.new()
        cls.proxy = SwitchableProxy(int(endpoint().rsplit(":", 1)[1]))
        cls.server_args = ("--blobs", f"s3://{cls.blobs.bucket}?endpoint={cls.proxy.endpoint()}&region=us-east-1")
        cls.server_env = S3Blobs.env()
        super().setUpClass()
        cls.files = Fixtures(cls.work, cls.org)
        status, body = cls.server.publish(cls.org, DATA_TYPE, "1.0.1", [
            f"name={DATA_TYPE}", "properties.mainFile=AmericanFlightDataType.raml",
            f"files.raml-fragment.zip=@{cls.files.flight_type_zip}"])
        assert status == 201, body
        cls.payload = os.urandom(400_000)
        cls.payload_path = write(os.path.join(cls.work, "payload.bin"), cls.payload)
        status, body = cls.server.publish(cls.org, "on-s3", "1.0.0",
                                          ["name=On S3", "type=custom", f"files.custom.bin=@{cls.payload_path}"])
        assert status == 201, body
        cls.url = f"/exchange/files/api/v1/organizations/{cls.org}/assets/{cls.org}/on-s3/1.0.0/custom/bin"

    def setUp(self):
        self.proxy.switch(True)

    def blob_key(self, content):
        return "blobs/sha256/" + hashlib.sha256(content).hexdigest()

    def test_files_are_objects_in_the_bucket_not_in_the_data_directory(self):
        self.assertIn(self.blob_key(self.payload), self.blobs.keys())
        kept = [f for _, _, files in os.walk(os.path.join(self.server.data_dir, "blobs")) for f in files]
        self.assertEqual(kept, [], "no blob is kept in the data directory")

    def test_download_whole_ranges_head_and_etag(self):
        response = self.server.get(self.url)
        self.assertEqual((response.status, response.body), (200, self.payload))
        self.assertEqual(response.header("ETag"), f'"{hashlib.sha256(self.payload).hexdigest()}"')
        for header, (start, length) in {"bytes=0-99": (0, 100), "bytes=123456-": (123456, 400_000 - 123456),
                                        "bytes=-7": (400_000 - 7, 7)}.items():
            response = self.server.get(self.url, headers={"Range": header})
            self.assertEqual(response.status, 206, header)
            self.assertEqual(response.body, self.payload[start:start + length], header)
        self.assertError(self.server.get(self.url, headers={"Range": "bytes=400000-"}), 416, "RANGE_NOT_SATISFIABLE")
        head = self.server.request("HEAD", self.url)
        self.assertEqual((head.status, int(head.header("Content-Length")), head.body), (200, 400_000, b""))
        etag = response.header("ETag") or self.server.get(self.url).header("ETag")
        self.assertEqual(self.server.get(self.url, headers={"If-None-Match": etag}).status, 304)

    def test_a_spec_with_dependencies_is_read_and_packaged_from_s3(self):
        status, body = self.server.publish(self.org, "flights", "1.0.0", [
            "name=Flights", "properties.mainFile=american-flights-api.raml", "properties.apiVersion=v1",
            f"properties.dependencies={self.org}:{DATA_TYPE}:1.0.1",
            f"files.raml.zip=@{self.files.simple_raml_zip}"])
        self.assertEqual(status, 201, body)
        version = self.server.asset(self.org, "flights", "1.0.0").json()
        fat = next(f for f in version["files"] if f["classifier"] == "fat-raml")
        response = self.server.get_url(fat["externalLink"], token=None)  # signed links still go through agora
        self.assertEqual(response.status, 200, response)
        entries = read_zip(response.body)
        self.assertIn(f"exchange_modules/{self.org}/{DATA_TYPE}/1.0.1/AmericanFlightDataType.raml", entries)
        self.assertIn(self.blob_key(response.body), self.blobs.keys())
        model = self.server.get(f"/exchange/api/v2/assets/{self.org}/flights/1.0.0/api/model")
        self.assertEqual(model.status, 200, model)

    def test_a_large_file_goes_up_in_parts_and_comes_back_whole(self):
        size = (64 << 20) + 3_000_001  # past the 64 MiB multipart threshold
        path = os.path.join(self.work, "large.bin")
        digest = hashlib.sha256()
        with open(path, "wb") as f:
            block = os.urandom(1 << 20)
            for i in range(size >> 20):
                chunk = bytes([i % 256]) + block[1:]
                f.write(chunk)
                digest.update(chunk)
            f.write(block[: size % (1 << 20)])
            digest.update(block[: size % (1 << 20)])
        status, body = self.server.publish(self.org, "large", "1.0.0",
                                           ["name=Large", "type=custom", f"files.custom.bin=@{path}"])
        self.assertEqual(status, 201, body)
        self.assertIn("blobs/sha256/" + digest.hexdigest(), self.blobs.keys())
        url = f"{self.server.base}/exchange/files/api/v1/organizations/{self.org}/assets/{self.org}/large/1.0.0/custom/bin"
        out = subprocess.run(["curl", "-sS", "-H", f"Authorization: bearer {self.token}", url],
                             capture_output=True, check=True).stdout
        self.assertEqual(len(out), size)
        self.assertEqual(hashlib.sha256(out).hexdigest(), digest.hexdigest())

    def test_s3_going_away_is_a_503_and_stores_nothing(self):
        self.proxy.switch(False)
        status, body = self.server.publish(self.org, "while-s3-is-down", "1.0.0",
                                           ["name=Down", "type=custom", f"files.custom.bin=@{self.payload_path}"])
        self.assertError((status, body), 503, "SERVICE_UNAVAILABLE")
        self.assertIn(b"cannot reach S3", body)
        self.assertError(self.server.get(self.url), 503, "SERVICE_UNAVAILABLE")
        self.proxy.switch(True)
        self.assertNotStored(self.org, "while-s3-is-down", "1.0.0")
        self.assertEqual(self.server.get(self.url).body, self.payload)
        status, body = self.server.publish(self.org, "while-s3-is-down", "1.0.0",
                                           ["name=Down", "type=custom", f"files.custom.bin=@{self.payload_path}"])
        self.assertEqual(status, 201, body)

    def test_a_restarted_server_reads_everything_back_from_s3(self):
        self.server.stop()
        self.assertEqual(os.listdir(os.path.join(self.server.data_dir, "s3-local", "instances")), [],
                         "a server removes its scratch and cache directory when it stops")
        self.server.start()
        self.assertEqual(self.server.get(self.url).body, self.payload)
        status, body = self.server.publish(self.org, "after-restart", "1.0.0", [
            "name=After", "properties.mainFile=american-flights-api.raml", "properties.apiVersion=v1",
            f"properties.dependencies={self.org}:{DATA_TYPE}:1.0.1", f"files.raml.zip=@{self.files.simple_raml_zip}"])
        self.assertEqual(status, 201, body)


class S3StartupErrorsTest(unittest.TestCase):
    """`agora serve --blobs` refuses to start, saying why, when S3 cannot be used."""

    @classmethod
    def setUpClass(cls):
        cls.blobs = S3Blobs.new()

    def serve(self, url, env):
        server = AgoraServer(["--blobs", url])
        server.env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        server.env.update(env)
        server.env["HOME"] = server.data_dir  # no ~/.aws/credentials to fall back on
        self.addCleanup(server.cleanup)
        with self.assertRaises(AssertionError) as failure:
            server.start(timeout=20)
        return str(failure.exception)

    def test_a_wrong_secret(self):
        log = self.serve(self.blobs.url(), S3Blobs.env(secret="wrong"))
        self.assertIn("SignatureDoesNotMatch", log)
        self.assertIn("AWS_SECRET_ACCESS_KEY", log)

    def test_missing_credentials(self):
        log = self.serve(self.blobs.url(), {})
        self.assertIn("no S3 credentials", log)

    def test_credentials_on_the_command_line_are_refused(self):
        log = self.serve(f"s3://S3RVER:S3RVER@{self.blobs.bucket}?endpoint={endpoint()}", S3Blobs.env())
        self.assertIn("credentials do not go in the blob store URL", log)

    def test_a_missing_bucket(self):
        log = self.serve(f"s3://no-such-bucket-e2e?endpoint={endpoint()}", S3Blobs.env())
        self.assertIn("does not exist", log)


if __name__ == "__main__":
    unittest.main()
