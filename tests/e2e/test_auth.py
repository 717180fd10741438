"""Who may do what: tokens, roles, organisations and group ownership."""
import json
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
        self.assertError(self.server.asset(self.org, "shared-thing", "1.0.0", token=self.other_admin), 404, "NOT_FOUND")
        asset = self.server.asset(self.org, "shared-thing", "1.0.0").json()
        self.assertError(self.server.get_url(asset["files"][0]["downloadURL"], token=self.other_admin), 404, "NOT_FOUND")
        result = self.server.publish(self.org, "intruder", "1.0.0", ["name=x", "type=custom"], token=self.other_admin)
        self.assertError(result, 403, "FORBIDDEN")
        self.assertNotStored(self.org, "intruder", "1.0.0")

    # Another organisation cannot tell a private asset from a missing one: every read, and every
    # change, answers both alike. Members who may read but not change get 403.
    def test_another_organisation_cannot_enumerate_assets(self):
        v2 = "/exchange/api/v2"
        json_body = {"Content-Type": "application/json"}
        requests = [("GET", f"{v2}/assets/{self.org}/{{a}}/1.0.0", None), ("GET", f"{v2}/assets/{self.org}/{{a}}", None),
                    ("GET", f"{v2}/assets/{self.org}/{{a}}/1.0.0/asset", None),
                    ("GET", f"{v2}/assets/{self.org}/{{a}}/versionGroups", None),
                    ("GET", f"{v2}/assets/{self.org}/{{a}}/1.0.0/api/model", None),
                    ("GET", f"{v2}/assets/{self.org}/{{a}}/1.0.0/portal/pages", None),
                    ("GET", f"{v2}/assets/{self.org}/{{a}}/metrics", None),
                    ("GET", f"{v2}/assets/{self.org}/{{a}}/1.0.0/compatibility", None),
                    ("GET", f"{v2}/assets/{self.org}/{{a}}/compatibility", None),
                    ("GET", f"{v2}/assets/{self.org}/{{a}}/1.0.0/api/root", None),
                    ("GET", f"/exchange/files/api/v1/organizations/{self.org}/assets/{self.org}/{{a}}/1.0.0/custom/jar", None),
                    ("PATCH", f"{v2}/assets/{self.org}/{{a}}", json.dumps({"name": "Mine"})),
                    ("PUT", f"{v2}/assets/{self.org}/{{a}}/1.0.0/status", json.dumps({"status": "deprecated"})),
                    ("PUT", f"{v2}/assets/{self.org}/{{a}}/1.0.0/tags", json.dumps([{"value": "mine"}])),
                    ("GET", f"{v2}/assets/{self.org}/{{a}}/1.0.0/api/main.raml", None),
                    ("PUT", f"{v2}/assets/{self.org}/{{a}}/1.0.0/tags/categories/region", json.dumps({"tagValue": ["emea"]})),
                    ("DELETE", f"{v2}/assets/{self.org}/{{a}}/1.0.0/tags/categories/region", None),
                    ("PUT", f"{v2}/assets/{self.org}/{{a}}/1.0.0/tags/fields/owner", json.dumps({"tagValue": "me"})),
                    ("PUT", f"{v2}/assets/{self.org}/{{a}}/icon", "<svg/>"),
                    ("PUT", f"{v2}/assets/{self.org}/{{a}}/1.0.0/icon", "<svg/>"),
                    ("DELETE", f"{v2}/assets/{self.org}/{{a}}/icon", None),
                    ("DELETE", f"{v2}/assets/{self.org}/{{a}}/1.0.0", None), ("DELETE", f"{v2}/assets/{self.org}/{{a}}", None)]
        for method, path, body in requests:
            for headers in ({}, {"x-delete-type": "hard-delete"}) if method == "DELETE" else ({},):
                answers = []
                for asset in ("shared-thing", "never-published"):
                    response = self.server.request(method, path.format(a=asset), body=body,
                                                   headers={**json_body, **headers}, token=self.other_admin)
                    error = self.assertError(response, 404, "NOT_FOUND")
                    answers.append(error["message"].replace(asset, "<asset>"))
                self.assertEqual(answers[0], answers[1], (method, path, headers))
        self.assertEqual(self.server.asset(self.org, "shared-thing", "1.0.0").status, 200, "nothing changed")
        self.assertError(self.server.request("PATCH", f"{v2}/assets/{self.org}/shared-thing", json.dumps({"name": "Mine"}),
                                             json_body, token=self.viewer), 403, "FORBIDDEN")
        self.assertError(self.server.request("DELETE", f"{v2}/assets/{self.org}/shared-thing", token=self.contributor),
                         403, "FORBIDDEN")

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
