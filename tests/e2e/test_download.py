"""File downloads: the bytes as uploaded, with Content-Length, ETag, conditional and range requests."""
import hashlib
import http.client
import os
import unittest

from agora_harness import AgoraTestCase
from fixtures import write


class DownloadTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.payload = os.urandom(300_000)
        path = write(os.path.join(cls.work, "payload.bin"), cls.payload)
        status, body = cls.server.publish(cls.org, "download-me", "1.0.0",
                                          ["name=x", "type=custom", f"files.custom.bin=@{path}"])
        assert status == 201, body
        cls.url = f"/exchange/files/api/v1/organizations/{cls.org}/assets/{cls.org}/download-me/1.0.0/custom/bin"

    def test_whole_file_with_length_and_etag(self):
        response = self.server.get(self.url)
        self.assertEqual(response.status, 200)
        self.assertEqual(response.body, self.payload)
        self.assertEqual(int(response.header("Content-Length")), len(self.payload))
        etag = response.header("ETag")
        self.assertRegex(etag or "", r'^(W/)?"[^"]+"$', "a quoted entity tag")
        self.assertEqual(self.server.get(self.url).header("ETag"), etag, "the same bytes keep the same tag")
        self.assertEqual(response.header("Accept-Ranges"), "bytes")

    def test_if_none_match(self):
        etag = self.server.get(self.url).header("ETag")
        response = self.server.get(self.url, headers={"If-None-Match": etag})
        self.assertEqual(response.status, 304, response)
        self.assertEqual(response.body, b"")
        response = self.server.get(self.url, headers={"If-None-Match": '"some-other-tag"'})
        self.assertEqual((response.status, response.body), (200, self.payload), "a stale tag gets the file")

    def test_ranges(self):
        cases = {"bytes=0-99": (0, 100), "bytes=1000-": (1000, len(self.payload) - 1000),
                 "bytes=-500": (len(self.payload) - 500, 500), "bytes=299990-400000": (299990, 10)}
        for header, (start, length) in cases.items():
            response = self.server.get(self.url, headers={"Range": header})
            self.assertEqual(response.status, 206, header)
            self.assertEqual(response.body, self.payload[start:start + length], header)
            self.assertEqual(response.header("Content-Range"), f"bytes {start}-{start + length - 1}/{len(self.payload)}")

    def test_unsatisfiable_range(self):
        response = self.server.get(self.url, headers={"Range": "bytes=400000-"})
        self.assertError(response, 416, "RANGE_NOT_SATISFIABLE")
        self.assertEqual(response.header("Content-Range"), f"bytes */{len(self.payload)}")

    def test_head(self):
        response = self.server.request("HEAD", self.url)
        self.assertEqual(response.status, 200)
        self.assertEqual(int(response.header("Content-Length")), len(self.payload))
        self.assertEqual(response.body, b"")

    def test_downloads_need_a_token(self):
        self.assertError(self.server.get(self.url, token=None), 401, "UNAUTHORIZED")
        self.assertError(self.server.get(self.url, token="not-a-token"), 401, "UNAUTHORIZED")

    def test_unknown_files_are_404(self):
        base = f"/exchange/files/api/v1/organizations/{self.org}/assets/{self.org}"
        self.assertError(self.server.get(f"{base}/download-me/1.0.0/custom/zip"), 404, "NOT_FOUND")
        self.assertError(self.server.get(f"{base}/download-me/9.0.0/custom/bin"), 404, "NOT_FOUND")
        self.assertError(self.server.get(f"{base}/../../etc/passwd"), 404, "NOT_FOUND")

    def test_large_upload_round_trips(self):
        path = os.path.join(self.work, "large.bin")
        digest = hashlib.sha256()
        with open(path, "wb") as f:
            for _ in range(64):
                chunk = os.urandom(1 << 20)
                digest.update(chunk)
                f.write(chunk)
        status, body = self.server.publish(self.org, "large", "1.0.0", ["name=large", "type=custom",
                                                                        f"files.custom.bin=@{path}"])
        self.assertEqual(status, 201, body)
        listed = self.server.asset(self.org, "large", "1.0.0").json()
        file = next(f for f in listed["files"] if f["classifier"] == "custom")
        self.assertEqual(file["size"], 64 << 20, file)
        # Streamed back in chunks, as a client saving it to disk would.
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        try:
            connection.request("GET", self.server.path_of(file["downloadURL"]),
                               headers={"Authorization": f"bearer {self.token}"})
            response = connection.getresponse()
            self.assertEqual(response.status, 200)
            self.assertEqual(int(response.getheader("Content-Length")), 64 << 20)
            received = hashlib.sha256()
            while chunk := response.read(1 << 20):
                received.update(chunk)
        finally:
            connection.close()
        self.assertEqual(received.hexdigest(), digest.hexdigest())
        self.assertEqual(file.get("sha256", digest.hexdigest()), digest.hexdigest(), file)


if __name__ == "__main__":
    unittest.main()
