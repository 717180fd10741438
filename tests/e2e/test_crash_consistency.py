"""Crash consistency: concurrent publications (sync and async, small and large, with
dependencies), documentation edits, mutable-data updates with a docs.zip, and deletes, while the server is killed with SIGKILL at a
random moment, for several rounds. After each restart every visible version is complete (each
file downloads with the hashes its JSON states), no publication stays running, SQLite's
integrity_check passes and, once the server has cleaned up, no blob is left that nothing uses.

AGORA_CRASH_ROUNDS (default 3) and AGORA_CRASH_CLIENTS (default 24) make it longer."""
import concurrent.futures
import hashlib
import io
import json
import os
import random
import sqlite3
import time
import unittest
import zipfile

from agora_harness import AgoraServer

ROUNDS = int(os.environ.get("AGORA_CRASH_ROUNDS", "3"))
CLIENTS = int(os.environ.get("AGORA_CRASH_CLIENTS", "24"))


class CrashConsistencyTest(unittest.TestCase):
    def setUp(self):
        self.server = AgoraServer().start()
        self.addCleanup(self.server.cleanup)
        self.org, self.token = self.server.org, self.server.token
        self.work = os.path.join(self.server.data_dir, "test-files")
        os.makedirs(self.work, exist_ok=True)
        self.small = self.file("small.txt", b"small " * 10)
        self.large = self.file("large.bin", os.urandom(8 << 20))
        status, body = self.server.publish(self.org, "base", "1.0.0", ["name=Base", "type=custom",
                                                                        f"files.custom.txt=@{self.small}"])
        self.assertEqual(status, 201, body)

    def file(self, name, content):
        path = os.path.join(self.work, name)
        with open(path, "wb") as f:
            f.write(content)
        return path

    def operation(self, round_number, i):
        """One client's work; errors are expected when the server dies under it."""
        asset = f"r{round_number}-a{i}"
        kind = i % 4
        try:
            if kind == 0:
                self.server.publish(self.org, asset, "1.0.0", ["name=" + asset, "type=custom",
                                                                f"files.custom.bin=@{self.large}"])
            elif kind == 1:
                self.server.publish(self.org, asset, "1.0.0", ["name=" + asset, "type=custom",
                                                                f"files.custom.txt=@{self.small}",
                                                                f"dependencies={self.org}:base:1.0.0"], sync=False)
            elif kind == 2 and i % 8 == 2:
                portal = f"/exchange/api/v2/assets/{self.org}/base/1.0.0/portal"
                self.server.request("PUT", portal + f"/draft/pages/p{i}", body=b"# page " * 100,
                                    headers={"Content-Type": "text/markdown"}, timeout=10)
                self.server.request("PATCH", portal, timeout=10)
            elif kind == 2:
                self.mutable_data(round_number, i)
            else:
                self.server.publish(self.org, asset, "1.0.0", ["name=" + asset, "type=custom",
                                                                f"files.custom.txt=@{self.small}"])
                self.server.request("DELETE", f"/exchange/api/v2/assets/{self.org}/{asset}/1.0.0",
                                    headers={"x-delete-type": "hard-delete"}, timeout=10)
        except Exception:  # the connection died with the server
            pass

    def mutable_data(self, round_number, i):
        """A mutable-data update of the base asset: tags and a docs.zip replacing its portal."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("home.md", f"# round {round_number} client {i}")
            z.writestr("resources/image.png", os.urandom(64 << 10))
        boundary = "crash-boundary"
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="tags"\r\n\r\nr{round_number},c{i}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="files.docs.zip"; filename="docs.zip"\r\n\r\n'
                ).encode() + buffer.getvalue() + f"\r\n--{boundary}--\r\n".encode()
        self.server.request("PATCH", f"/exchange/api/v2/organizations/{self.org}/assets/{self.org}/base/1.0.0/mutabledata",
                            body=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}, timeout=10)

    def test_killed_rounds_leave_complete_state(self):
        rng = random.Random(42)
        for round_number in range(ROUNDS):
            with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
                for i in range(CLIENTS):
                    pool.submit(self.operation, round_number, i)
                time.sleep(rng.uniform(0.2, 1.5))
                self.server.kill()
            restarted = AgoraServer(data_dir=self.server.data_dir, port=self.server.port)
            restarted.owns_data = False
            self.server = restarted.start()
            self.server.token = self.token
            self.check_state()
        self.server.stop()
        self.check_storage()
        versions = self.query("SELECT count(*) FROM versions")[0][0]
        self.assertGreater(versions, ROUNDS, "the rounds published something before each kill")

    def check_state(self):
        deadline = time.monotonic() + 60
        while True:
            jobs = self.query("SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')")[0][0]
            if jobs == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual(jobs, 0, "asynchronous publications still running after the restart")
        for group, asset, version in self.query("SELECT group_id, asset_id, version FROM versions"):
            described = self.server.asset(group, asset, version)
            self.assertEqual(described.status, 200, f"{asset} {version}: {described!r}")
            for f in described.json()["files"]:
                content = self.server.get_url(f["downloadURL"])
                self.assertEqual(content.status, 200, f"{asset}: {f['downloadURL']}")
                self.assertEqual(hashlib.sha256(content.body).hexdigest(), f["sha256"], f"{asset}: {f}")
                self.assertEqual(hashlib.md5(content.body).hexdigest(), f["md5"], f"{asset}: {f}")

    def query(self, sql):
        db = sqlite3.connect(f"file:{self.server.data_dir}/agora.db?mode=ro", uri=True)
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()

    def check_storage(self):
        self.assertEqual(self.query("PRAGMA integrity_check"), [("ok",)])
        referenced = {row[0] for row in self.query(
            "SELECT sha256 FROM version_files UNION SELECT sha256 FROM portal_pages "
            "UNION SELECT sha256 FROM portal_resources")}
        stored = set()
        for root, _, files in os.walk(os.path.join(self.server.data_dir, "blobs", "sha256")):
            stored.update(os.path.basename(root) + name for name in files)  # blobs/sha256/ab/cdef...
        self.assertEqual(stored - referenced, set(), "blobs nothing references survived the server's cleanup")
        self.assertEqual(referenced - stored, set(), f"referenced blobs are missing ({len(stored)} stored)")


if __name__ == "__main__":
    unittest.main()
