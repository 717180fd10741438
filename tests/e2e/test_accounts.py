"""The platform's login flows, as Exchange clients use them: users with passwords, connected apps,
the caller's profile with its business groups, environments, token expiry, and HTTPS."""
import json
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.parse

from agora_harness import AGORA_BIN, AgoraServer, AgoraSingleServer, AgoraTestCase, free_port
from certificates import TestCertificates

JSON = {"Content-Type": "application/json"}


class AccountsTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.child = cls.server.admin("create-org", "--parent", cls.org, "Child Org")
        cls.other = cls.server.create_org("Other Org")
        cls.user_id = cls.server.admin("create-user", "--org", cls.org, "--username", "jdoe", "--password-stdin",
                                       "--role", "contributor", stdin="s3cret pass\n")
        child_client = cls.create_client(cls.child, "admin", "--name", "ci")
        cls.child_client_id, cls.client_secret = child_client["client_id"], child_client["client_secret"]
        cls.viewer_client = cls.create_client(cls.org, "viewer")

    @classmethod
    def create_client(cls, org, role, *args):
        out = subprocess.run([AGORA_BIN, "admin", "create-client", "--org", org, "--role", role, *args,
                              *cls.server.storage_args()], capture_output=True, text=True, check=True).stdout
        return dict(line.split(": ", 1) for line in out.strip().splitlines())

    def login(self, body, headers=JSON, token=None):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.server.request("POST", "/accounts/login", body=data, headers=headers, token=token)

    def user_token(self):
        response = self.login({"username": "jdoe", "password": "s3cret pass"})
        self.assertEqual(response.status, 200, response)
        return response.json()["access_token"]

    def test_password_login_issues_a_bearer_token_that_works(self):
        response = self.login({"username": "jdoe", "password": "s3cret pass"})
        self.assertEqual(response.status, 200, response)
        body = response.json()
        self.assertEqual(body["token_type"], "bearer")
        self.assertEqual(body["expires_in"], 3600)
        self.assertNotIn("url", body, "a url and a body would send anypoint-cli down its MFA path")
        self.assertEqual(self.server.get("/accounts/api/users/me", token=body["access_token"]).status, 200)

    def test_a_form_encoded_login_works_too(self):
        form = urllib.parse.urlencode({"username": "jdoe", "password": "s3cret pass"})
        response = self.login(form, headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(response.status, 200, response)

    def test_a_stale_authorization_header_does_not_stop_a_login(self):
        for stale in ("expired-or-forgotten", self.token):
            response = self.login({"username": "jdoe", "password": "s3cret pass"}, token=stale)
            self.assertEqual(response.status, 200, response)

    def test_bad_credentials_are_401_and_bad_bodies_400(self):
        for body in ({"username": "jdoe", "password": "wrong"}, {"username": "nobody", "password": "s3cret pass"}):
            self.assertError(self.login(body), 401, "UNAUTHORIZED")
        for body in ({"username": "jdoe"}, {}, "not json", "[]", {"username": 5, "password": "x"}):
            self.assertError(self.login(body), 400, "BAD_REQUEST")

    def test_users_me_lists_the_home_organisation_and_its_business_groups(self):
        me = self.server.get("/accounts/api/users/me", token=self.user_token()).json()
        self.assertEqual(me["id"], self.user_id)
        self.assertEqual(me["username"], "jdoe")
        members = {o["id"]: o for o in me["memberOfOrganizations"]}
        self.assertEqual(set(members), {self.org, self.child})
        self.assertTrue(members[self.org]["isRoot"])
        self.assertFalse(members[self.child]["isRoot"])
        self.assertEqual(members[self.child]["name"], "Child Org")
        self.assertEqual(me["memberOfOrganizations"][0]["id"], self.org, "the root comes first")
        default = me["organizationPreferences"][self.org]["defaultEnvironment"]
        environment = self.server.get(f"/accounts/api/organizations/{self.org}/environments/{default}",
                                      token=self.user_token())
        self.assertEqual(environment.status, 200, environment)
        self.assertEqual(environment.json()["name"], "Production")

    def test_environments_of_an_organisation_and_its_business_groups(self):
        token = self.user_token()
        for org in (self.org, self.child):
            response = self.server.get(f"/accounts/api/organizations/{org}/environments", token=token)
            self.assertEqual(response.status, 200, response)
            body = response.json()
            self.assertEqual(body["total"], 2)
            self.assertEqual([(e["name"], e["isProduction"]) for e in body["data"]],
                             [("Production", True), ("Sandbox", False)])
            self.assertTrue(all(e["organizationId"] == org for e in body["data"]))
        self.assertError(self.server.get(f"/accounts/api/organizations/{self.other}/environments", token=token),
                         403, "FORBIDDEN")
        self.assertError(self.server.get(f"/accounts/api/organizations/{self.org}/environments/nope", token=token),
                         404, "NOT_FOUND")

    def test_a_user_publishes_in_a_business_group_of_its_organisation(self):
        status, body = self.server.publish(self.child, "child-thing", "1.0.0", ["name=x", "type=custom"],
                                           token=self.user_token(), org=self.child)
        self.assertCreated((status, body))
        self.assertEqual(json.loads(body)["organizationId"], self.child)
        status, body = self.server.publish(self.other, "elsewhere", "1.0.0", ["name=x", "type=custom"],
                                           token=self.user_token(), org=self.other)
        self.assertError((status, body), 403, "FORBIDDEN")

    def test_client_credentials_grant(self):
        path = "/accounts/api/v2/oauth2/token"
        body = {"client_id": self.viewer_client["client_id"], "client_secret": self.viewer_client["client_secret"],
                "grant_type": "client_credentials"}
        response = self.server.request("POST", path, body=json.dumps(body), headers=JSON, token="stale")
        self.assertEqual(response.status, 200, response)
        token = response.json()
        self.assertEqual(token["expires_in"], 3600)
        me = self.server.get("/accounts/api/users/me", token=token["access_token"]).json()
        self.assertEqual(me["id"], self.viewer_client["client_id"])
        viewer_publish = self.server.publish(self.org, "by-viewer", "1.0.0", ["name=x", "type=custom"],
                                             token=token["access_token"])
        self.assertError(viewer_publish, 403, "FORBIDDEN")
        form = urllib.parse.urlencode(body)
        response = self.server.request("POST", path, body=form, token=None,
                                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(response.status, 200, response)
        wrong = dict(body, client_secret="nope")
        self.assertError(self.server.request("POST", path, body=json.dumps(wrong), headers=JSON, token=None),
                         401, "UNAUTHORIZED")
        grant = dict(body, grant_type="password")
        self.assertError(self.server.request("POST", path, body=json.dumps(grant), headers=JSON, token=None),
                         400, "UNSUPPORTED_GRANT_TYPE")

    def test_a_business_group_app_stays_in_its_business_group(self):
        body = {"client_id": self.child_client_id, "client_secret": self.client_secret}
        response = self.server.request("POST", "/accounts/api/v2/oauth2/token", headers=JSON, token=None,
                                       body=json.dumps(body))
        self.assertEqual(response.status, 200, response)
        token = response.json()["access_token"]
        me = self.server.get("/accounts/api/users/me", token=token).json()
        self.assertEqual([o["id"] for o in me["memberOfOrganizations"]], [self.child])
        self.assertEqual(self.server.get(f"/accounts/api/organizations/{self.child}/environments", token=token).status,
                         200)
        self.assertError(self.server.get(f"/accounts/api/organizations/{self.org}/environments", token=token),
                         403, "FORBIDDEN")

    def test_analytics_are_accepted_and_dropped(self):
        for kind in ("event", "error"):
            response = self.server.request("POST", f"/cli/api/v1/analytics/{kind}", body='{"command":"x"}',
                                           headers=JSON, token=None)
            self.assertEqual(response.status, 204, response)

    def test_admin_refuses_bad_accounts(self):
        def admin(*args, stdin=None):
            return subprocess.run([AGORA_BIN, "admin", *args, *self.server.storage_args()], input=stdin,
                                  capture_output=True, text=True, timeout=30)
        taken = admin("create-user", "--org", self.org, "--username", "jdoe", "--password-stdin", "--role", "viewer",
                      stdin="x\n")
        self.assertNotEqual(taken.returncode, 0)
        self.assertIn("taken", taken.stderr)
        for args, stdin in ((("--username", "a b", "--password-stdin", "--role", "viewer"), "x\n"),
                            (("--username", "nopass", "--password-stdin", "--role", "viewer"), "\n"),
                            (("--username", "badrole", "--password-stdin", "--role", "owner"), "x\n")):
            result = admin("create-user", "--org", self.org, *args, stdin=stdin)
            self.assertNotEqual(result.returncode, 0, args)
        self.assertNotEqual(admin("create-org", "--parent", "no-such-org", "Orphan").returncode, 0)
        self.assertNotEqual(admin("create-client", "--org", "no-such-org", "--role", "admin").returncode, 0)


class TokenLifetimeTest(unittest.TestCase):
    def test_login_tokens_expire_and_survive_a_restart(self):
        server = AgoraServer(["--token-ttl", "10"]).start()
        self.addCleanup(server.cleanup)
        try:
            server.admin("create-user", "--org", server.org, "--username", "brief", "--password-stdin",
                         "--role", "viewer", stdin="pw\n")
            response = server.request("POST", "/accounts/login", headers=JSON, token=None,
                                      body=json.dumps({"username": "brief", "password": "pw"}))
            issued = time.monotonic()
            self.assertEqual(response.json()["expires_in"], 10)
            token = response.json()["access_token"]
            server.stop()
            server.start()
            self.assertEqual(server.get("/accounts/api/users/me", token=token).status, 200, "kept across a restart")
            time.sleep(max(0.0, issued + 10.5 - time.monotonic()))
            self.assertEqual(server.get("/accounts/api/users/me", token=token).status, 401, "expired")
        finally:
            server.stop()

    def test_bad_token_lifetimes_are_refused(self):
        for ttl in ("0", "-5", "999999999999"):
            result = subprocess.run([AGORA_BIN, "serve", "--token-ttl", ttl, "--data", "/nonexistent/x"],
                                    capture_output=True, text=True, timeout=30)
            self.assertNotEqual(result.returncode, 0, ttl)
            self.assertIn("--token-ttl", result.stderr)


class HttpsTest(unittest.TestCase):
    def test_https_and_http_side_by_side(self):
        work = tempfile.mkdtemp(prefix="agora-tls-")
        self.addCleanup(shutil.rmtree, work, ignore_errors=True)
        certificates = TestCertificates(work)
        plain = free_port()
        server = AgoraSingleServer(["--listen", f"http://127.0.0.1:{plain}"], tls=certificates)  # agora's own TLS
        self.addCleanup(server.cleanup)
        server.start()
        try:
            self.assertIn(f"agora listening on http://127.0.0.1:{plain}", server.log())
            secure = server.get("/", token=None)
            self.assertEqual(secure.status, 200)
            result = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", certificates.ca,
                                     "--tls-max", "1.1", f"{server.base}/"], capture_output=True, text=True, timeout=30)
            self.assertNotEqual(result.stdout, "200", "TLS 1.1 is refused")
            result = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                                     f"http://127.0.0.1:{plain}/"], capture_output=True, text=True, timeout=30)
            self.assertEqual(result.stdout, "200", result.stderr)
            result = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", certificates.ca,
                                     f"{server.base}/accounts/api/users/me", "-H", f"Authorization: bearer {server.token}"],
                                    capture_output=True, text=True, timeout=30)
            self.assertEqual(result.stdout, "200", result.stderr)
        finally:
            server.stop()

    def test_https_without_a_certificate_is_refused(self):
        result = subprocess.run([AGORA_BIN, "serve", "--listen", "https://127.0.0.1:0", "--data", "/nonexistent/x"],
                                capture_output=True, text=True, timeout=30)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--tls-cert", result.stderr)


if __name__ == "__main__":
    unittest.main()
