"""Who may do what: tokens, roles, organisations and group ownership."""
import subprocess
import unittest

from agora_harness import AGORA_BIN, AgoraTestCase
from fixtures import Fixtures


class AuthTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files = Fixtures(cls.work, cls.org)
        cls.viewer = cls.server.create_token(cls.org, "viewer")
        cls.contributor = cls.server.create_token(cls.org, "contributor")
        cls.other_org = cls.server.create_org("Other organization")
        cls.other_admin = cls.server.create_token(cls.other_org, "admin")
        status, body = cls.server.publish(cls.org, "shared-thing", "1.0.0",
                                          ["name=x", "type=custom", f"files.custom.jar=@{cls.files.library_jar}"])
        assert status == 201, body

    def test_missing_unknown_and_malformed_tokens_are_401(self):
        path = f"/exchange/api/v2/assets/{self.org}/shared-thing/1.0.0"
        for header in (None, "bearer", "bearer nope", "Basic dXNlcjpwYXNz", f"bearer{self.token}", f"token {self.token}"):
            headers = {"Authorization": header} if header else {}
            self.assertError(self.server.get(path, headers=headers, token=None), 401, "UNAUTHORIZED")
        status, body = self.server.publish(self.org, "anon", "1.0.0", ["name=x", "type=custom"], token=None)
        self.assertError((status, body), 401, "UNAUTHORIZED")
        self.assertNotStored(self.org, "anon", "1.0.0")

    def test_bearer_scheme_is_case_insensitive(self):
        path = f"/exchange/api/v2/assets/{self.org}/shared-thing/1.0.0"
        for scheme in ("bearer", "Bearer", "BEARER"):
            response = self.server.get(path, headers={"Authorization": f"{scheme} {self.token}"}, token=None)
            self.assertEqual(response.status, 200, response)

    def test_viewer_reads_and_downloads_but_cannot_publish(self):
        asset = self.server.asset(self.org, "shared-thing", "1.0.0", token=self.viewer)
        self.assertEqual(asset.status, 200)
        jar = next(f for f in asset.json()["files"] if f["classifier"] == "custom")
        self.assertEqual(self.server.get_url(jar["downloadURL"], token=self.viewer).status, 200)
        result = self.server.publish(self.org, "by-viewer", "1.0.0", ["name=x", "type=custom"], token=self.viewer)
        self.assertError(result, 403, "FORBIDDEN")
        self.assertNotStored(self.org, "by-viewer", "1.0.0")

    def test_contributor_publishes(self):
        status, body = self.server.publish(self.org, "by-contributor", "1.0.0", ["name=x", "type=custom"],
                                           token=self.contributor)
        self.assertEqual(status, 201, body)

    def test_other_organisation_can_neither_read_nor_publish_here(self):
        self.assertError(self.server.asset(self.org, "shared-thing", "1.0.0", token=self.other_admin), 403, "FORBIDDEN")
        asset = self.server.asset(self.org, "shared-thing", "1.0.0").json()
        self.assertError(self.server.get_url(asset["files"][0]["downloadURL"], token=self.other_admin), 403, "FORBIDDEN")
        result = self.server.publish(self.org, "intruder", "1.0.0", ["name=x", "type=custom"], token=self.other_admin)
        self.assertError(result, 403, "FORBIDDEN")
        self.assertNotStored(self.org, "intruder", "1.0.0")

    def test_groups_belong_to_their_first_publisher(self):
        status, body = self.server.publish("com.acme.apis", "first", "1.0.0", ["name=x", "type=custom"])
        self.assertEqual(status, 201, body)
        result = self.server.publish("com.acme.apis", "second", "1.0.0", ["name=x", "type=custom"],
                                     token=self.other_admin, org=self.other_org)
        self.assertError(result, 403, "FORBIDDEN")
        result = self.server.publish(self.org, "squat", "1.0.0", ["name=x", "type=custom"],
                                     token=self.other_admin, org=self.other_org)
        self.assertError(result, 403, "FORBIDDEN")
        status, body = self.server.publish(self.other_org, "own", "1.0.0", ["name=x", "type=custom"],
                                           token=self.other_admin, org=self.other_org)
        self.assertEqual(status, 201, body)

    def test_admin_commands_work_beside_the_running_server(self):
        org = self.server.create_org("Created while serving")
        self.assertRegex(org, r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        token = self.server.create_token(org, "contributor")
        status, body = self.server.publish(org, "fresh", "1.0.0", ["name=x", "type=custom"], token=token, org=org)
        self.assertEqual(status, 201, body)
        self.assertEqual(self.server.asset(org, "fresh", "1.0.0", token=token).status, 200)
        viewer = self.server.create_token(self.org, "viewer")
        self.assertEqual(self.server.asset(self.org, "shared-thing", "1.0.0", token=viewer).status, 200,
                         "a token made while the server runs is honoured at once")

    def test_admin_commands_report_errors(self):
        result = subprocess.run([AGORA_BIN, "admin", "create-token", *self.server.storage_args(), "--org",
                                 self.org, "--role", "owner"], capture_output=True, text=True)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("role", result.stderr)
        result = subprocess.run([AGORA_BIN, "admin", "create-token", *self.server.storage_args(), "--org",
                                 "no-such-org", "--role", "admin"], capture_output=True, text=True)
        self.assertNotEqual(result.returncode, 0)


if __name__ == "__main__":
    unittest.main()
