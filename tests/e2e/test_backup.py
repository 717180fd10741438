"""`agora backup` while a server publishes and deletes, then `agora restore` into a new data
directory: every version, file (by digest), documentation page, token, user and job that the backup
saw comes back whole, the database passes its integrity check and the blob store holds exactly the
referenced blobs. Bad uses are refused with a message and a non-zero exit."""
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import threading

from agora_harness import AGORA_BIN, AgoraServer, AgoraTestCase


def run_agora(*args):
    return subprocess.run([AGORA_BIN, *args], capture_output=True, text=True, timeout=300)


class BackupTest(AgoraTestCase):
    def publish_custom(self, asset, content, headers=(), sync=True):
        path = os.path.join(self.work, f"{asset}.bin")
        with open(path, "wb") as f:
            f.write(content)
        return self.server.publish(self.org, asset, "1.0.0", ["name=Backed up", "type=custom",
                                                                f"files.custom.bin=@{path}"], sync=sync,
                                   headers=headers)

    def file_digests(self, server, asset, token):
        """{classifier.packaging: sha256} of every file of the version, downloaded from `server`."""
        answer = server.asset(self.org, asset, "1.0.0", token=token)
        self.assertEqual(answer.status, 200, answer)
        digests = {}
        for file in answer.json()["files"]:
            body = server.get_url(file["downloadURL"], token=token)
            self.assertEqual(body.status, 200)
            digest = hashlib.sha256(body.body).hexdigest()
            self.assertEqual(digest, file["sha256"], f"{asset}: the bytes are those the JSON names")
            digests[f"{file['classifier']}.{file['packaging']}"] = digest
        return digests

    def test_backup_during_writes_restores_whole(self):
        server = self.server
        before = {f"kept-{i}": os.urandom(20_000 + i) for i in range(6)}
        for asset, content in before.items():
            self.assertCreated(self.publish_custom(asset, content))
        # A documentation page, a user, a token and a finished asynchronous job.
        portal = f"/exchange/api/v2/assets/{self.org}/kept-0/1.0.0/portal"
        self.assertEqual(server.request("POST", portal + "/draft/pages", json.dumps({"pagePath": "guide"}),
                                        {"Content-Type": "application/json"}).status, 201)
        self.assertEqual(server.request("PUT", portal + "/draft/pages/guide", b"# Guide\n",
                                        {"Content-Type": "text/markdown"}).status, 204)
        self.assertEqual(server.request("PUT", portal + "/draft").status, 204)
        viewer = server.create_token(self.org, "viewer")
        server.admin("create-user", "--org", self.org, "--username", "keeper", "--role", "viewer", "--password-stdin",
                     stdin="keeper pass\n")
        status, body = self.publish_custom("kept-async", b"async bytes", sync=False)
        self.assertEqual(status, 202, body)
        link = json.loads(body)["publicationStatusLink"]
        self.assertEqual(server.poll_publication(link)["status"], "completed")
        expected = {asset: self.file_digests(server, asset, server.token) for asset in before}

        # Publications and deletes run while the backup is taken.
        stop = threading.Event()
        errors = []

        def churn():
            n = 0
            while not stop.is_set():
                n += 1
                code, answer = self.publish_custom(f"churn-{n}", os.urandom(30_000))
                if code != 201:
                    errors.append((code, answer))
                if n % 3 == 0:
                    deleted = server.request("DELETE", f"/exchange/api/v2/assets/{self.org}/churn-{n - 1}/1.0.0",
                                             headers={"x-delete-type": "hard-delete"})
                    if deleted.status != 204:
                        errors.append((deleted.status, deleted.body))

        writer = threading.Thread(target=churn)
        writer.start()
        folder = os.path.join(self.work, "backup")
        try:
            backed_up = run_agora("backup", "--data", server.data_dir, "--to", folder)
        finally:
            stop.set()
            writer.join()
        self.assertEqual(backed_up.returncode, 0, backed_up.stderr)
        self.assertIn("verified by SHA-256", backed_up.stdout)
        self.assertEqual(errors, [])

        # A second backup into the same folder copies only what is new.
        self.assertCreated(self.publish_custom("after-first-backup", os.urandom(5_000)))
        again = run_agora("backup", "--data", server.data_dir, "--to", folder)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertRegex(again.stdout, r"\b[1-9]\d* already there")

        restored_dir = os.path.join(self.work, "restored")
        restored_run = run_agora("restore", "--from", folder, "--data", restored_dir)
        self.assertEqual(restored_run.returncode, 0, restored_run.stderr)
        self.assertIn("integrity check ok", restored_run.stdout)

        # The restored directory's database is sound and its blob store is exactly what it references.
        with sqlite3.connect(os.path.join(restored_dir, "agora.db")) as db:
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        stored = {name for _, _, names in os.walk(os.path.join(restored_dir, "blobs", "sha256")) for name in names}

        restored = AgoraServer(data_dir=restored_dir).start()
        self.addCleanup(restored.cleanup)
        self.addCleanup(restored.stop)
        restored.token = server.token  # tokens come back with the metadata
        for asset, digests in expected.items():
            self.assertEqual(self.file_digests(restored, asset, server.token), digests, asset)
        self.assertIn("custom.bin", self.file_digests(restored, "after-first-backup", viewer))
        page = restored.get(portal + "/pages/guide")
        self.assertEqual(page.body, b"# Guide\n")
        login = restored.request("POST", "/accounts/login", json.dumps({"username": "keeper", "password": "keeper pass"}),
                                 {"Content-Type": "application/json"}, token=None)
        self.assertEqual(login.status, 200, login)
        self.assertEqual(restored.get_url(link.replace(server.base, restored.base)).json()["status"], "completed")
        # Versions published during the backup are whole or absent, never half there.
        listing = restored.get(f"/exchange/api/v2/assets?organizationId={self.org}&limit=250").json()
        for asset in listing:
            if asset["assetId"].startswith("churn-"):
                self.file_digests(restored, asset["assetId"], server.token)
        referenced = set()
        for asset in listing:
            full = restored.asset(self.org, asset["assetId"], asset["version"]).json()
            referenced |= {f["sha256"] for f in full["files"]}
        self.assertLessEqual({sha[2:] for sha in referenced}, stored, "every file of every version has its blob")
        restored_blobs = int(re.search(r"(\d+) blobs", restored_run.stdout).group(1))
        self.assertEqual(len(stored), restored_blobs, "the restored store holds exactly the referenced blobs")

    def test_bad_uses_are_refused(self):
        missing = run_agora("backup", "--data", os.path.join(self.work, "nothing-here"), "--to",
                            os.path.join(self.work, "b1"))
        self.assertEqual(missing.returncode, 1)
        self.assertIn("holds no agora data directory", missing.stderr)
        not_a_backup = run_agora("restore", "--from", self.work, "--data", os.path.join(self.work, "r1"))
        self.assertEqual(not_a_backup.returncode, 1)
        self.assertIn("no complete agora backup", not_a_backup.stderr)
        folder = os.path.join(self.work, "b2")
        self.assertEqual(run_agora("backup", "--data", self.server.data_dir, "--to", folder).returncode, 0)
        occupied = os.path.join(self.work, "occupied")
        os.makedirs(occupied)
        open(os.path.join(occupied, "something"), "w").close()
        refused = run_agora("restore", "--from", folder, "--data", occupied)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("is not empty", refused.stderr)
        # A damaged blob in the backup is found on restore, not served later.
        blobs = [os.path.join(root, name) for root, _, names in os.walk(os.path.join(folder, "blobs", "sha256"))
                 for name in names]
        with open(blobs[0], "r+b") as f:
            f.write(b"X")
        damaged = run_agora("restore", "--from", folder, "--data", os.path.join(self.work, "r2"))
        self.assertEqual(damaged.returncode, 1)
        self.assertIn("SHA-256", damaged.stderr)
        usage = run_agora("restore", "--from", folder)
        self.assertEqual(usage.returncode, 2)
        self.assertIn("'--data' is required", usage.stderr)
