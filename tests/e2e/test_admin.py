"""`agora admin` for the whole life of an installation, beside a running server (or, as ctest's
e2e-cluster.test_admin runs it, beside three servers on PostgreSQL): listing
organisations, tokens, users and connected apps (text and --output json, never a secret), revoking
and expiring tokens (they stop working at once), disabling, deleting and re-keying accounts, and the
bad inputs (unknown ids, passwords on the command line). Also the usage figures asset owners read:
downloads per version and dependents."""
import hashlib
import json
import os
import subprocess

from agora_harness import AGORA_BIN, AgoraTestCase


class AdminTest(AgoraTestCase):
    def agora(self, *args, stdin=None):
        return subprocess.run([AGORA_BIN, *args, *self.server.storage_args()], capture_output=True, text=True,
                              timeout=60, input=stdin)

    def admin_json(self, command, *args):
        result = self.agora("admin", command, "--output", "json", *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def me(self, token):
        return self.server.get("/accounts/api/users/me", token=token).status

    def login(self, username, password):
        return self.server.request("POST", "/accounts/login", json.dumps({"username": username, "password": password}),
                                   {"Content-Type": "application/json"}, token=None)

    def test_organisations_are_listed_with_their_business_groups(self):
        group = self.server.admin("create-org", "--parent", self.org, "Payments")
        rows = {row["id"]: row for row in self.admin_json("list-orgs")}
        self.assertEqual(rows[self.org]["kind"], "organization")
        self.assertEqual(rows[group]["parentId"], self.org)
        self.assertEqual(rows[group]["kind"], "business group")
        text = self.agora("admin", "list-orgs")
        self.assertTrue(text.stdout.startswith("id "), text.stdout)
        self.assertIn("Payments", text.stdout)

    def test_tokens_are_listed_without_secrets_and_revoked_at_once(self):
        token = self.server.create_token(self.org, "contributor")
        self.assertEqual(self.me(token), 200)  # now remembered by the server's principal cache
        token_id = hashlib.sha256(token.encode()).hexdigest()[:12]
        listed = self.admin_json("list-tokens", "--org", self.org)
        row = next(r for r in listed if r["id"] == token_id)
        self.assertEqual(row["role"], "contributor")
        self.assertEqual(row["expiresAt"], "never")
        text = self.agora("admin", "list-tokens").stdout
        self.assertNotIn(token, text)
        self.assertNotIn(self.token, text)
        self.assertNotIn(token[len("agora_"):], json.dumps(listed))

        revoked = self.agora("admin", "revoke-token", "--id", token_id)
        self.assertEqual(revoked.returncode, 0, revoked.stderr)
        self.assertEqual(self.me(token), 401, "a revoked token stops working at once")
        again = self.agora("admin", "revoke-token", "--id", token_id)
        self.assertEqual(again.returncode, 1)
        self.assertIn("No token with id", again.stderr)

        # By the secret itself, from standard input; and expiry.
        other = self.server.create_token(self.org, "viewer")
        self.assertEqual(self.me(other), 200)
        expired = self.agora("admin", "expire-token", "--token-stdin", stdin=other + "\n")
        self.assertEqual(expired.returncode, 0, expired.stderr)
        self.assertEqual(self.me(other), 401, "an expired token stops working at once")
        later = self.server.create_token(self.org, "viewer")
        later_id = hashlib.sha256(later.encode()).hexdigest()[:12]
        self.assertEqual(self.agora("admin", "expire-token", "--id", later_id, "--in", "3600").returncode, 0)
        self.assertEqual(self.me(later), 200, "still valid until then")
        self.assertNotEqual(next(r for r in self.admin_json("list-tokens") if r["id"] == later_id)["expiresAt"], "never")

        for bad, message in [(["--id", "abc"], "at least 8 characters"), ([], "exactly one of --id or --token-stdin"),
                             (["--id", "0" * 12], "No token with id")]:
            result = self.agora("admin", "revoke-token", *bad)
            self.assertNotEqual(result.returncode, 0, bad)
            self.assertIn(message, result.stderr, bad)
        wrong_secret = self.agora("admin", "revoke-token", "--token-stdin", stdin="agora_not-a-token\n")
        self.assertEqual(wrong_secret.returncode, 1)
        self.assertEqual(self.agora("admin", "expire-token", "--id", later_id, "--in", "-5").returncode, 1)
        self.assertEqual(self.agora("admin", "list-tokens", "--output", "yaml").returncode, 2)
        self.assertIn("No organisation", self.agora("admin", "list-tokens", "--org", "nope").stderr)

    def test_users_are_disabled_reset_and_deleted_with_their_sessions(self):
        self.server.admin("create-user", "--org", self.org, "--username", "ops-jane", "--role", "viewer",
                          "--password-stdin", stdin="first pass\n")
        session = self.login("ops-jane", "first pass").json()["access_token"]
        self.assertEqual(self.me(session), 200)
        users = {u["username"]: u for u in self.admin_json("list-users", "--org", self.org)}
        self.assertFalse(users["ops-jane"]["disabled"])
        self.assertNotIn("password", json.dumps(users))

        self.assertEqual(self.agora("admin", "disable-user", "--username", "ops-jane").returncode, 0)
        self.assertEqual(self.me(session), 401, "disabling ends the user's sessions at once")
        refused = self.login("ops-jane", "first pass")
        self.assertEqual(refused.status, 401)
        self.assertIn("disabled", refused.json()["message"])
        self.assertTrue({u["username"]: u for u in self.admin_json("list-users")}["ops-jane"]["disabled"])
        self.assertEqual(self.agora("admin", "enable-user", "--username", "ops-jane").returncode, 0)
        session = self.login("ops-jane", "first pass").json()["access_token"]

        reset = self.agora("admin", "reset-password", "--username", "ops-jane", "--password-stdin", stdin="second pass\n")
        self.assertEqual(reset.returncode, 0, reset.stderr)
        self.assertEqual(self.me(session), 401, "a new password ends the old sessions")
        self.assertEqual(self.login("ops-jane", "first pass").status, 401)
        self.assertEqual(self.login("ops-jane", "second pass").status, 200)
        on_command_line = self.agora("admin", "reset-password", "--username", "ops-jane", "--password", "x")
        self.assertEqual(on_command_line.returncode, 2)
        self.assertIn("never taken from the command line", on_command_line.stderr)
        empty = self.agora("admin", "reset-password", "--username", "ops-jane", "--password-stdin", stdin="\n")
        self.assertEqual(empty.returncode, 1)

        session = self.login("ops-jane", "second pass").json()["access_token"]
        self.assertEqual(self.agora("admin", "delete-user", "--username", "ops-jane").returncode, 0)
        self.assertEqual(self.me(session), 401)
        self.assertEqual(self.login("ops-jane", "second pass").status, 401)
        missing = self.agora("admin", "delete-user", "--username", "ops-jane")
        self.assertEqual(missing.returncode, 1)
        self.assertIn("No user ops-jane", missing.stderr)

    def test_connected_apps_are_rotated_and_deleted(self):
        created = self.agora("admin", "create-client", "--org", self.org, "--role", "contributor", "--name", "CI")
        lines = dict(line.split(": ", 1) for line in created.stdout.strip().splitlines())
        client_id, secret = lines["client_id"], lines["client_secret"]

        def grant(client_secret):
            return self.server.request("POST", "/accounts/api/v2/oauth2/token", json.dumps(
                {"client_id": client_id, "client_secret": client_secret, "grant_type": "client_credentials"}),
                {"Content-Type": "application/json"}, token=None)

        session = grant(secret).json()["access_token"]
        self.assertEqual(self.me(session), 200)
        apps = self.admin_json("list-clients", "--org", self.org)
        self.assertEqual([a["name"] for a in apps if a["clientId"] == client_id], ["CI"])
        self.assertNotIn(secret, json.dumps(apps))

        rotated = self.agora("admin", "rotate-client-secret", "--client-id", client_id)
        self.assertEqual(rotated.returncode, 0, rotated.stderr)
        new_secret = dict(line.split(": ", 1) for line in rotated.stdout.strip().splitlines())["client_secret"]
        self.assertNotEqual(new_secret, secret)
        self.assertEqual(self.me(session), 401, "the old secret's sessions end")
        self.assertEqual(grant(secret).status, 401)
        session = grant(new_secret).json()["access_token"]

        self.assertEqual(self.agora("admin", "delete-client", "--client-id", client_id).returncode, 0)
        self.assertEqual(self.me(session), 401)
        self.assertEqual(grant(new_secret).status, 401)
        self.assertEqual(self.agora("admin", "delete-client", "--client-id", client_id).returncode, 1)
        self.assertEqual(self.agora("admin", "rotate-client-secret", "--client-id", "nope").returncode, 1)

    def publish(self, asset, version, dependencies=()):
        path = os.path.join(self.work, f"{asset}-{version}.txt")
        with open(path, "w") as f:
            f.write(asset + version)
        fields = ["name=Used", "type=custom", f"files.custom.txt=@{path}"]
        if dependencies:
            fields.append("dependencies=" + ",".join(dependencies))
        return self.assertCreated(self.server.publish(self.org, asset, version, fields))

    def test_usage_counts_downloads_and_dependents(self):
        lib = self.publish("usage-lib", "1.0.0")
        self.publish("usage-lib", "1.1.0")
        self.publish("usage-app", "1.0.0", [f"{self.org}:usage-lib:1.0.0"])
        link = next(f for f in lib["files"] if f["classifier"] == "custom")["externalLink"]
        for _ in range(3):
            self.assertEqual(self.server.get_url(link, token=None).status, 200)
        # A ranged read counts once, for its first part; HEAD never.
        self.assertEqual(self.server.get_url(link, token=None, headers={"Range": "bytes=0-1"}).status, 206)
        self.assertEqual(self.server.get_url(link, token=None, headers={"Range": "bytes=2-3"}).status, 206)
        self.server.stop()  # counts are added in batches, and when the server stops
        self.server.start()
        metrics = self.server.get(f"/exchange/api/v2/assets/{self.org}/usage-lib/metrics?periodType=DAY").json()
        self.assertEqual(metrics["periodType"], "DAY")
        figures = {m["key"]: m for m in metrics["asset"]["metrics"]}
        self.assertEqual(figures["assetDownload"]["score"], 4)
        self.assertEqual(figures["assetDownload"]["allTime"], 4)
        self.assertEqual(figures["assetDependent"]["allTime"], 1)
        versions = self.server.get(f"/exchange/api/v2/assets/{self.org}/usage-lib/metrics/versions").json()
        by_version = {v["version"]: {m["key"]: m["allTime"] for m in v["metrics"]} for v in versions["versions"]}
        self.assertEqual(by_version["1.0.0"], {"assetDownload": 4, "assetDependent": 1})
        self.assertEqual(by_version["1.1.0"], {"assetDownload": 0, "assetDependent": 0})
        csv = self.server.get(f"/exchange/api/v2/assets/{self.org}/usage-lib/metrics/versions?format=csv")
        self.assertIn("text/csv", csv.header("Content-Type"))
        self.assertIn('"1.0.0","published"', csv.body.decode())
        self.assertError(self.server.get(f"/exchange/api/v2/assets/{self.org}/usage-lib/metrics?periodType=YEAR"),
                         400, "BAD_REQUEST")
        self.assertError(self.server.get(f"/exchange/api/v2/assets/{self.org}/nothing/metrics"), 404, "NOT_FOUND")
        stranger_org = self.server.create_org("Elsewhere")
        stranger = self.server.create_token(stranger_org, "admin")
        self.assertError(self.server.get(f"/exchange/api/v2/assets/{self.org}/usage-lib/metrics", token=stranger),
                         404, "NOT_FOUND")
