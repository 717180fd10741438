"""Changing and retiring assets: lifecycle transitions, version-agnostic edits, soft and hard
deletes with the dependents check, and the reclaiming of files nothing uses any more."""
import json
import os
import unittest

from agora_harness import AgoraTestCase
from fixtures import write


class LifecycleTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contributor = cls.server.create_token(cls.org, "contributor")
        cls.viewer = cls.server.create_token(cls.org, "viewer")
        cls.other = cls.server.create_token(cls.server.create_org("Other"), "admin")

    def publish(self, asset, version="1.0.0", *extra):
        status, body = self.server.publish(self.org, asset, version, ["name=" + asset, "type=custom", *extra])
        self.assertEqual(status, 201, body)

    def set_status(self, asset, version, status, token="admin"):
        return self.server.request("PUT", f"/exchange/api/v2/assets/{self.org}/{asset}/{version}/status",
                                   body=json.dumps({"status": status}), headers={"Content-Type": "application/json"},
                                   token=token)

    def status_of(self, asset, version="1.0.0"):
        return self.server.asset(self.org, asset, version).json()["status"]

    def delete(self, path, delete_type=None, token="admin"):
        headers = {"x-delete-type": delete_type} if delete_type else {}
        return self.server.request("DELETE", path, headers=headers, token=token)

    def test_transitions(self):
        self.publish("cycle", "1.0.0", "status=development")
        self.assertEqual(self.set_status("cycle", "1.0.0", "published", token=self.contributor).status, 204)
        self.assertEqual(self.status_of("cycle"), "published")
        self.assertError(self.set_status("cycle", "1.0.0", "development"), 400, "INVALID_TRANSITION")
        self.assertError(self.set_status("cycle", "1.0.0", "deprecated", token=self.contributor), 403, "FORBIDDEN")
        self.assertError(self.set_status("cycle", "1.0.0", "deprecated", token=self.viewer), 403, "FORBIDDEN")
        self.assertEqual(self.set_status("cycle", "1.0.0", "deprecated").status, 204)
        self.assertEqual(self.status_of("cycle"), "deprecated")
        self.assertEqual(self.set_status("cycle", "1.0.0", "published").status, 204)
        self.assertError(self.set_status("cycle", "1.0.0", "retired"), 400, "INVALID_STATUS")
        self.assertError(self.set_status("cycle", "9.0.0", "published"), 404, "NOT_FOUND")
        self.assertError(self.set_status("cycle", "1.0.0", "deprecated", token=self.other), 404, "NOT_FOUND")

    def test_promotion_needs_published_dependencies(self):
        self.publish("dev-base", "1.0.0", "status=development")
        self.publish("dev-user", "1.0.0", "status=development", f"dependencies={self.org}:dev-base:1.0.0")
        self.assertError(self.set_status("dev-user", "1.0.0", "published"), 400, "DEVELOPMENT_DEPENDENCIES")
        self.assertEqual(self.set_status("dev-base", "1.0.0", "published").status, 204)
        self.assertEqual(self.set_status("dev-user", "1.0.0", "published").status, 204)

    def test_version_agnostic_edits(self):
        self.publish("editable", "1.0.0")
        self.publish("editable", "2.0.0")
        path = f"/exchange/api/v2/assets/{self.org}/editable"
        patch = lambda body, token="admin": self.server.request(
            "PATCH", path, body=json.dumps(body), headers={"Content-Type": "application/json"}, token=token)
        self.assertEqual(patch({"name": "Edited", "contactEmail": "team@example.com"}).status, 204)
        for version in ("1.0.0", "2.0.0"):
            asset = self.server.asset(self.org, "editable", version).json()
            self.assertEqual((asset["name"], asset["contactEmail"]), ("Edited", "team@example.com"))
        self.assertError(patch({}), 400, "BAD_REQUEST")
        self.assertError(patch({"name": ""}), 400, "BAD_REQUEST")
        self.assertError(patch({"name": "x" * 257}), 400, "BAD_REQUEST")
        self.assertError(patch({"manager": "me"}), 400, "BAD_REQUEST")
        self.assertError(patch({"name": 5}), 400, "BAD_REQUEST")
        self.assertError(patch({"name": "Nope"}, token=self.viewer), 403, "FORBIDDEN")
        response = self.server.request("PATCH", path, body=b"not json", headers={"Content-Type": "application/json"})
        self.assertError(response, 400, "BAD_REQUEST")
        v1 = self.server.request("PATCH", f"/exchange/api/v1/organizations/{self.org}/assets/{self.org}/editable/1.0.0/metadata",
                                 body=json.dumps({"name": "Via v1"}), headers={"Content-Type": "application/json"})
        self.assertEqual(v1.status, 204)
        self.assertEqual(self.server.asset(self.org, "editable", "2.0.0").json()["name"], "Via v1")
        self.assertEqual(self.server.get(f"/exchange/api/v2/assets/search?search=via").json()[0]["assetId"], "editable")

    def blob_count(self):
        return len(self.server.blob_files())

    def test_soft_delete_reserves_the_version(self):
        payload = write(os.path.join(self.work, "unique.bin"), os.urandom(4096))
        self.publish("retired", "1.0.0", f"files.custom.bin=@{payload}")
        before = self.blob_count()
        path = f"/exchange/api/v2/assets/{self.org}/retired/1.0.0"
        self.assertError(self.delete(path, token=self.contributor), 403, "FORBIDDEN")
        self.assertError(self.delete(path, delete_type="obliterate"), 400, "INVALID_DELETE_TYPE")
        self.assertEqual(self.delete(path).status, 204)
        self.assertEqual(self.server.get(path).status, 404)
        self.assertLess(self.blob_count(), before, "the deleted version's files are reclaimed")
        status, body = self.server.publish(self.org, "retired", "1.0.0", ["name=again", "type=custom"])
        self.assertError((status, body), 409, "ASSET_PRE_CONDITIONS_FAILED")
        deleted = self.server.get(f"/exchange/api/v2/organizations/{self.org}/softDeleted?limit=20&offset=0").json()
        self.assertIn("retired", [d["assetId"] for d in deleted])
        next_version = self.server.get(f"/exchange/api/v2/organizations/{self.org}/groups/{self.org}/assets/retired/"
                                       "nextAvailableVersion").json()
        self.assertEqual(next_version["nextAvailableVersion"], "1.0.1")

    def test_hard_delete_frees_the_version(self):
        self.publish("gone", "1.0.0")
        path = f"/exchange/api/v1/organizations/{self.org}/assets/{self.org}/gone/1.0.0"
        self.assertEqual(self.delete(path, delete_type="hard-delete").status, 204)
        self.publish("gone", "1.0.0")

    def test_hard_delete_frees_a_soft_deleted_version(self):
        for version in ("1.0.0", "1.0.1", "1.0.2"):
            self.publish("resting", version)
        v2 = f"/exchange/api/v2/assets/{self.org}/resting/1.0.0"
        self.assertEqual(self.delete(v2).status, 204)
        self.assertError(self.delete(v2), 404, "NOT_FOUND")
        self.assertError(self.delete(v2, delete_type="hard-delete", token=self.other), 404, "NOT_FOUND")
        self.assertError(self.delete(v2, delete_type="hard-delete", token=self.contributor), 403, "FORBIDDEN")
        self.assertEqual(self.delete(v2, delete_type="hard-delete").status, 204)
        deleted = self.server.get(f"/exchange/api/v2/organizations/{self.org}/softDeleted?limit=20&offset=0").json()
        self.assertNotIn(("resting", "1.0.0"), [(d["assetId"], d["version"]) for d in deleted])
        self.publish("resting", "1.0.0")
        self.assertError(self.delete(v2.replace("1.0.0", "9.9.9"), delete_type="hard-delete"), 404, "NOT_FOUND")
        # A whole asset: its live versions and those soft-deleted before, all freed.
        self.assertEqual(self.delete(v2.replace("1.0.0", "1.0.1")).status, 204)
        whole = f"/exchange/api/v2/assets/{self.org}/resting"
        self.assertEqual(self.delete(whole, delete_type="hard-delete").status, 204)
        deleted = self.server.get(f"/exchange/api/v2/organizations/{self.org}/softDeleted?limit=20&offset=0").json()
        self.assertNotIn("resting", [d["assetId"] for d in deleted])
        for version in ("1.0.0", "1.0.1", "1.0.2"):
            self.publish("resting", version)

    def test_development_versions_are_always_hard_deleted(self):
        self.publish("draft", "1.0.0", "status=development")
        self.assertEqual(self.delete(f"/exchange/api/v2/assets/{self.org}/draft/1.0.0").status, 204)
        self.publish("draft", "1.0.0")

    def test_dependents_block_deletion(self):
        self.publish("needed", "1.0.0")
        self.publish("needer", "1.0.0", f"dependencies={self.org}:needed:1.0.0")
        body = self.assertError(self.delete(f"/exchange/api/v2/assets/{self.org}/needed/1.0.0"), 409, "ASSET_HAS_DEPENDENTS")
        self.assertTrue(any("needer" in e for e in body["details"]["errors"]), body)
        self.assertEqual(self.server.asset(self.org, "needed", "1.0.0").status, 200)

    def test_delete_a_whole_asset(self):
        self.publish("whole", "1.0.0")
        self.publish("whole", "1.1.0")
        self.assertError(self.delete(f"/exchange/api/v2/assets/{self.org}/whole", token=self.other), 404, "NOT_FOUND")
        self.assertError(self.delete(f"/exchange/api/v2/assets/{self.org}/whole", token=self.viewer), 403, "FORBIDDEN")
        self.assertEqual(self.delete(f"/exchange/api/v2/assets/{self.org}/whole").status, 204)
        self.assertEqual(self.server.get(f"/exchange/api/v2/assets/{self.org}/whole").status, 404)
        self.assertError(self.delete(f"/exchange/api/v2/assets/{self.org}/whole"), 404, "NOT_FOUND")
        self.assertError(self.delete(f"/exchange/api/v2/assets/{self.org}/cycle-missing/1.0.0", token=self.other), 404,
                         "NOT_FOUND")


if __name__ == "__main__":
    unittest.main()
