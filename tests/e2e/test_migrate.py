"""`agora migrate` of an embedded installation with 1,000 versions (its server still running) to
PostgreSQL and the S3 test server: killed mid-way, resumed to a complete copy that the verification
passes (every table row by row, every blob read back); migrated back into a new data directory,
which a server then serves with the same versions, bytes and search. Damage to a target is found,
and bad uses are refused with a message and a non-zero exit."""
import hashlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading

from agora_harness import AGORA_BIN, AgoraSingleServer, AgoraTestCase
from postgres_fixture import new_database, psql
from s3_fixture import S3Blobs

VERSIONS = 1000
ASSETS = 250  # four versions each


def migrate(*args, env=None, timeout=600):
    return subprocess.run([AGORA_BIN, "migrate", *args], capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, **S3Blobs.env(), **(env or {})))


def content(i):
    return f"payload of version {i}\n".encode() * (1 + i % 40)


def coordinates(i):
    return f"migrated-{i % ASSETS}", f"1.0.{i // ASSETS}"


class MigrateTest(AgoraTestCase):
    server_class = AgoraSingleServer  # an embedded installation to migrate, in cluster runs too

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.viewer = cls.server.create_token(cls.server.org, "viewer")
        failures = []

        def publish(indexes):
            for i in indexes:
                asset, version = coordinates(i)
                boundary = "migrate-boundary"
                body = (f'--{boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nMigrated {asset}\r\n'
                        f'--{boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\ncustom\r\n'
                        f'--{boundary}\r\nContent-Disposition: form-data; name="keywords"\r\n\r\nmoving\r\n'
                        f'--{boundary}\r\nContent-Disposition: form-data; name="files.custom.bin"; filename="a.bin"'
                        f'\r\n\r\n').encode() + content(i) + f"\r\n--{boundary}--\r\n".encode()
                answer = cls.server.request("POST", cls.server.path_of(cls.server.publish_url(cls.org, asset, version)),
                                            body=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                                                "x-sync-publication": "true"})
                if answer.status != 201:
                    failures.append(f"{asset} {version}: {answer!r}")

        threads = [threading.Thread(target=publish, args=(range(k, VERSIONS, 3),)) for k in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if failures:
            raise AssertionError(f"{len(failures)} publications failed, first: {failures[0]}")

    def versions_in(self, postgres_url):
        return int(psql(postgres_url, "SELECT count(*) FROM versions"))

    def check_served(self, server, token):
        """A sample of the versions, their bytes and the search, as `server` gives them."""
        for i in (0, 1, 499, VERSIONS - 1):
            asset, version = coordinates(i)
            answer = server.asset(self.org, asset, version, token=token)
            self.assertEqual(answer.status, 200, answer)
            [file] = [f for f in answer.json()["files"] if f["classifier"] == "custom"]
            body = server.get_url(file["downloadURL"], token=token)
            self.assertEqual(body.status, 200)
            self.assertEqual(hashlib.sha256(body.body).hexdigest(), hashlib.sha256(content(i)).hexdigest())
        found = server.get("/exchange/api/v2/assets?search=moving&limit=5", token=token)
        self.assertEqual(found.status, 200, found)
        self.assertEqual(len(found.json()), 5)

    def test_interrupted_migration_resumes_to_a_verified_copy_and_back(self):
        postgres, bucket = new_database(), S3Blobs.new()
        target = ["--to", postgres, bucket.url()]
        # The first run is killed once it has copied some blobs.
        run = subprocess.Popen([AGORA_BIN, "migrate", "--from", self.server.data_dir, *target],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ, **S3Blobs.env()))
        total = None
        for line in run.stdout:
            if m := re.match(r"blobs: (\d+) of (\d+)", line):
                total = int(m.group(2))
                if int(m.group(1)) >= 300:
                    run.send_signal(signal.SIGKILL)
                    break
        run.wait(timeout=60)
        run.stdout.close()
        run.stderr.close()
        self.assertEqual(run.returncode, -signal.SIGKILL, "the first run was killed mid-way")
        self.assertGreaterEqual(total, VERSIONS)
        copied_before = len(bucket.whole_blobs())
        self.assertGreater(copied_before, 0)
        self.assertLess(copied_before, total)
        self.assertEqual(self.versions_in(postgres), 0, "no metadata before every blob is there")

        resumed = migrate("--from", self.server.data_dir, *target)
        self.assertEqual(resumed.returncode, 0, resumed.stdout + resumed.stderr)
        m = re.search(r"copied (\d+) blobs .* (\d+) already there; metadata copied", resumed.stdout)
        self.assertIsNotNone(m, resumed.stdout)
        self.assertEqual(int(m.group(1)) + int(m.group(2)), total)
        self.assertGreaterEqual(int(m.group(2)), copied_before, "the resumed run skipped what was copied")
        self.assertIn(f"{total} blobs read back with their SHA-256", resumed.stdout)
        self.assertEqual(self.versions_in(postgres), VERSIONS)
        self.assertEqual(len(bucket.keys()), total)

        again = migrate("--from", self.server.data_dir, *target)
        self.assertEqual(again.returncode, 0, again.stdout + again.stderr)
        self.assertIn("copied 0 blobs", again.stdout)
        self.assertIn("metadata already copied by an earlier run", again.stdout)

        # Back into a new data directory, which a server then serves.
        back = tempfile.mkdtemp(prefix="agora-e2e-migrated-")
        self.addCleanup(shutil.rmtree, back, ignore_errors=True)
        password_file = os.path.join(back, "..", os.path.basename(back) + ".pgpassword")
        with open(password_file, "w") as f:
            f.write("not used by the trusting test database\n")
        self.addCleanup(os.remove, password_file)
        returned = migrate("--from", postgres, bucket.url(), "--to", back, "--metadata-password-file", password_file)
        self.assertEqual(returned.returncode, 0, returned.stdout + returned.stderr)
        served = AgoraSingleServer(data_dir=back)
        self.addCleanup(served.cleanup)
        served.start()
        self.addCleanup(served.stop)
        self.check_served(served, self.viewer)

    def test_verification_finds_damage_to_the_target(self):
        target = tempfile.mkdtemp(prefix="agora-e2e-migrated-")
        self.addCleanup(shutil.rmtree, target, ignore_errors=True)
        copied = migrate("--from", self.server.data_dir, "--to", target)
        self.assertEqual(copied.returncode, 0, copied.stdout + copied.stderr)
        self.assertEqual(migrate("--from", self.server.data_dir, "--to", target, "--verify-only").returncode, 0)

        digest = hashlib.sha256(content(7)).hexdigest()
        os.remove(os.path.join(target, "blobs", "sha256", digest[:2], digest[2:]))
        with sqlite3.connect(os.path.join(target, "agora.db")) as db:
            db.execute("UPDATE versions SET name = 'tampered' WHERE rowid = (SELECT min(rowid) FROM versions)")
        verified = migrate("--from", self.server.data_dir, "--to", target, "--verify-only")
        self.assertEqual(verified.returncode, 1, verified.stdout + verified.stderr)
        self.assertIn(f"blob {digest}: missing or damaged in the target", verified.stderr)
        self.assertIn(f"table versions: {VERSIONS} rows in the source, {VERSIONS} in the target, with different "
                      "contents", verified.stderr)

        # Resuming into a target holding other data than the source's is refused, not merged.
        refused = migrate("--from", self.server.data_dir, "--to", target)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("already holds other metadata", refused.stderr)

    def test_bad_uses_are_refused(self):
        empty = tempfile.mkdtemp(prefix="agora-e2e-empty-")
        self.addCleanup(shutil.rmtree, empty, ignore_errors=True)
        cases = [
            (["--from", empty, "--to", empty + "/t"], 1, "holds no agora data directory"),
            (["--from", self.server.data_dir, "--to", "postgresql://agora:secret@127.0.0.1/x", S3Blobs("b").url()], 2,
             "PGPASSWORD"),
            (["--from", self.server.data_dir, "--to", S3Blobs("b").url()], 2, "needs a data directory"),
            (["--from", self.server.data_dir, "--to", empty, empty], 2, "one data directory"),
            (["--from", self.server.data_dir], 2, "--to"),
            (["--from", self.server.data_dir, "--to", empty + "/t", "--metadata-password-file", __file__], 2,
             "goes with a postgresql:// URL"),
            (["--from", self.server.data_dir, "--to", "postgresql://agora@127.0.0.1:1/x", S3Blobs("b").url(),
              "--metadata-password-file", empty + "/no-such-file"], 2, "cannot read the password"),
        ]
        for args, status, message in cases:
            with self.subTest(args=args):
                result = migrate(*args)
                self.assertEqual(result.returncode, status, result.stdout + result.stderr)
                self.assertIn(message, result.stderr)
        self.assertFalse(os.path.exists(empty + "/t/agora.db"), "nothing created for a missing source")
