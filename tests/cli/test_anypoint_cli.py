"""The real Exchange client, anypoint-cli-v4 with its exchange plugin (installed from the npm
registry by `npm ci` here), driven against agora over HTTPS with each of its three login methods.

Every `exchange asset ...` command runs with the password login, and a publication, reads, a
lifecycle change and a delete with each of the other two (EVERY_LOGIN); each check reads both what
the CLI printed and what agora holds afterwards. The CLI runs with its own HOME and XDG folders, trusts
only a throwaway CA made for the test, and offline.js refuses any connection that is not to
127.0.0.1. AGORA_CLI_LOGIN=password|client|bearer runs one method (ctest runs the three apart).
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))

from agora_harness import AgoraServer  # noqa: E402
from certificates import TestCertificates  # noqa: E402
from fixtures import Fixtures, write, write_zip  # noqa: E402

CLI = os.path.join(HERE, "node_modules", "anypoint-cli-v4", "bin", "run")
LOGINS = [os.environ["AGORA_CLI_LOGIN"]] if os.environ.get("AGORA_CLI_LOGIN") else ["password", "client", "bearer"]


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class AnypointCli:
    """One isolated installation's worth of state: HOME, XDG folders, credentials."""

    def __init__(self, work, server, certificates, credentials):
        self.server = server
        self.home = os.path.join(work, "home")
        self.outbound_log = os.path.join(work, "outbound.log")
        self.env = {key: value for key, value in os.environ.items()
                    if not key.lower().endswith("_proxy") and not key.startswith("ANYPOINT_")}
        self.env.update({
            "HOME": self.home, "XDG_CONFIG_HOME": os.path.join(self.home, ".config"),
            "XDG_CACHE_HOME": os.path.join(self.home, ".cache"), "XDG_DATA_HOME": os.path.join(self.home, ".local/share"),
            "NODE_EXTRA_CA_CERTS": certificates.ca, "NODE_OPTIONS": f"--require {os.path.join(HERE, 'offline.js')}",
            "AGORA_CLI_OUTBOUND_LOG": self.outbound_log, "ANYPOINT_HOST": f"127.0.0.1:{server.port}",
            "NO_COLOR": "1", "FORCE_COLOR": "0", **credentials})
        os.makedirs(self.home)

    def run(self, *args, ok=True, metrics=False, cwd=None):
        """The CLI's combined output as one line (it wraps long lines to the terminal's width).
        metrics: let it post its analytics event (to agora)."""
        command = ["node", CLI, *args] + ([] if metrics else ["--collectMetrics"])
        result = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=180, cwd=cwd)
        output = result.stdout + result.stderr
        if self.outbound():
            raise AssertionError(f"anypoint-cli-v4 {' '.join(args)} tried to reach {self.outbound()}:\n{output}")
        if ok and result.returncode != 0:
            raise AssertionError(f"anypoint-cli-v4 {' '.join(args)} exited with {result.returncode}:\n{output}")
        if not ok and result.returncode == 0:
            raise AssertionError(f"anypoint-cli-v4 {' '.join(args)} succeeded but should not have:\n{output}")
        return " ".join(output.replace("\u203a", " ").split())  # oclif marks wrapped error lines with ›

    def run_json(self, *args):
        """The JSON the CLI prints after its progress messages."""
        out = self.run(*args)
        start = min(i for i in (out.find("["), out.find("{")) if i >= 0)
        return json.loads(out[start:])

    def outbound(self):
        if not os.path.exists(self.outbound_log):
            return []
        with open(self.outbound_log) as f:
            return f.read().split()


class AnypointCliTest(unittest.TestCase):
    login = None  # set by the subclasses made below

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(CLI):
            raise AssertionError(f"no anypoint-cli-v4 at {CLI}: run `npm ci` in {HERE} (make test does)")
        cls.work = tempfile.mkdtemp(prefix="agora-cli-")
        cls.addClassCleanup(shutil.rmtree, cls.work, ignore_errors=True)
        cls.server = AgoraServer(tls=TestCertificates(cls.work))
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        cls.addClassCleanup(cls.server.stop)
        cls.org = cls.server.org
        cls.child = cls.server.admin("create-org", "--parent", cls.org, "Child Org")
        cls.files = Fixtures(cls.work, cls.org)
        cls.cli = AnypointCli(os.path.join(cls.work, "cli"), cls.server, cls.server.tls, cls.credentials())
        cls.s = cls.login  # a suffix that keeps each login method's assets apart

    @classmethod
    def credentials(cls):
        cls.server.admin("create-user", "--org", cls.org, "--username", "jdoe", "--password-stdin", "--role", "admin",
                         stdin="s3cret pass\n")
        if cls.login == "password":
            return {"ANYPOINT_USERNAME": "jdoe", "ANYPOINT_PASSWORD": "s3cret pass"}
        if cls.login == "client":
            out = subprocess.run([cls.server.binary, "admin", "create-client", "--org", cls.org, "--role", "admin",
                                  "--data", cls.server.data_dir], capture_output=True, text=True, check=True).stdout
            app = dict(line.split(": ", 1) for line in out.strip().splitlines())
            return {"ANYPOINT_CLIENT_ID": app["client_id"], "ANYPOINT_CLIENT_SECRET": app["client_secret"]}
        response = cls.server.request("POST", "/accounts/login", token=None, headers={"Content-Type": "application/json"},
                                      body=json.dumps({"username": "jdoe", "password": "s3cret pass"}))
        return {"ANYPOINT_BEARER": response.json()["access_token"]}

    # --- agora's side -----------------------------------------------------------------------------
    def asset(self, group, asset, version):
        return self.server.get(f"/exchange/api/v2/assets/{group}/{asset}/{version}")

    def upload(self, asset, version, *flags, group=None):
        out = self.cli.run("exchange", "asset", "upload", f"{group or self.org}/{asset}/{version}", *flags)
        self.assertIn("Publishing completed", out)
        response = self.asset(group or self.org, asset, version)
        self.assertEqual(response.status, 200, response)
        return response.json()

    def custom_asset(self, asset, *flags):
        return self.upload(f"{asset}-{self.s}", "1.0.0", "--name", f"{asset} {self.s}", "--type", "custom",
                           "--files", json.dumps({"custom.jar": self.files.library_jar}), *flags)

    def ident(self, asset, version="1.0.0"):
        return f"{self.org}/{asset}-{self.s}/{version}"

    # --- upload, describe, list, download, copy ---------------------------------------------------
    def test_upload_of_each_asset_type(self):
        f = self.files
        raml_zip = write_zip(os.path.join(self.work, "api.zip"), {"api.raml": "#%RAML 1.0\ntitle: CLI API\n/items:\n  get:\n"})
        uploads = {
            "rest-api": ["--type", "rest-api", "--properties", '{"mainFile":"api.raml","apiVersion":"v1"}',
                         "--files", json.dumps({"raml.zip": raml_zip})],
            "oas": ["--type", "rest-api", "--properties", '{"apiVersion":"v1"}', "--files", json.dumps({"oas.json": f.verato_json})],
            "soap-api": ["--type", "soap-api", "--properties", '{"apiVersion":"v1"}', "--files", json.dumps({"wsdl.wsdl": f.wsdl_file})],
            "http-api": ["--type", "http-api", "--properties", '{"apiVersion":"v1"}'],
            "raml-fragment": ["--type", "raml-fragment", "--properties", '{"mainFile":"OAuth2.raml"}',
                              "--files", json.dumps({"raml-fragment.zip": f.oauth_zip})],
            "custom": ["--type", "custom", "--files", json.dumps({"custom.jar": f.library_jar})],
            "extension": ["--type", "extension", "--files", json.dumps({"mule-plugin.jar": f.connector_jar})],
            "app": ["--type", "app", "--files", json.dumps({"mule-application.jar": f.mule_app_jar})],
            "template": ["--type", "template", "--files", json.dumps({"mule-application-template.jar": f.mule_app_jar})],
            "example": ["--type", "example", "--files", json.dumps({"mule-application-example.jar": f.mule_app_jar})],
        }
        for name, flags in uploads.items():
            with self.subTest(name):
                body = self.upload(f"{name}-{self.s}", "1.0.0", "--name", f"{name} via cli", *flags)
                self.assertEqual(body["type"], "rest-api" if name == "oas" else name)
                self.assertEqual(body["name"], f"{name} via cli")
        group = self.upload(f"group-{self.s}", "1.0.0", "--name", "group via cli", "--type", "api-group",
                            "--properties", '{"apiVersion":"v1"}',
                            "--dependencies", f"{self.org}:http-api-{self.s}:1.0.0")
        self.assertEqual(group["type"], "api-group")
        self.assertEqual([d["assetId"] for d in group["dependencies"]], [f"http-api-{self.s}"])

    def test_a_failed_publication_prints_agoras_errors(self):
        bad = write_zip(os.path.join(self.work, "bad.zip"), {"api.raml": "this is not RAML\n"})
        out = self.cli.run("exchange", "asset", "upload", self.ident("broken"), "--name", "Broken", "--type", "rest-api",
                           "--properties", '{"mainFile":"api.raml","apiVersion":"v1"}',
                           "--files", json.dumps({"raml.zip": bad}), ok=False)
        self.assertIn("RAML", out)
        self.assertEqual(self.asset(self.org, f"broken-{self.s}", "1.0.0").status, 404)

    def test_describe(self):
        self.custom_asset("described", "--description", "What it does", "--tags", "one,two")
        self.upload(f"described-{self.s}", "1.1.0", "--name", "Described", "--type", "custom",
                    "--files", json.dumps({"custom.jar": self.files.library_jar}))
        out = self.cli.run("exchange", "asset", "describe", self.ident("described"), metrics=True)
        for expected in (f"described {self.s}", "published", "custom", "1.1.0, 1.0.0"):
            self.assertIn(expected, out)
        described = self.cli.run_json("exchange", "asset", "describe", self.ident("described"), "-o", "json")
        self.assertEqual(described["assetId"], f"described-{self.s}")
        self.assertEqual(described["description"], "What it does")
        self.assertEqual(sorted(described["labels"]), ["one", "two"])

    def test_list_with_search(self):
        self.custom_asset("zebrafinder", "--description", "Finds striped animals")
        rows = self.cli.run_json("exchange", "asset", "list", f"zebrafinder-{self.s}", "--output", "json")
        self.assertEqual([(r["assetId"], r["version"], r["__typename"]) for r in rows],
                         [(f"zebrafinder-{self.s}", "1.0.0", "Asset")])
        self.assertEqual(rows[0]["type"], "custom")
        table = self.cli.run("exchange", "asset", "list", "striped")
        self.assertIn(f"zebrafinder-{self.s}", table)
        scoped = self.cli.run_json("exchange", "asset", "list", "striped", "--organizationId", self.child,
                                   "--output", "json")
        self.assertEqual(scoped, [], "nothing of the child organisation matches")
        paged = self.cli.run_json("exchange", "asset", "list", "--limit", "1", "--output", "json")
        self.assertEqual(len(paged), 1)

    def test_download_saves_the_main_file(self):
        body = self.custom_asset("downloaded")
        target = os.path.join(self.work, f"download-{self.s}")
        os.makedirs(target)
        out = self.cli.run("exchange", "asset", "download", self.ident("downloaded"), target)
        self.assertIn("Asset downloaded", out)
        saved = os.listdir(target)
        self.assertEqual(saved, [f"downloaded-{self.s}-1.0.0-custom.jar"])
        self.assertEqual(sha256(os.path.join(target, saved[0])), sha256(self.files.library_jar))
        custom = next(f for f in body["files"] if f["classifier"] == "custom")
        self.assertEqual(custom["sha256"], sha256(self.files.library_jar))

    def test_copy_to_a_business_group(self):
        self.custom_asset("copied", "--description", "Copied around")
        target = f"{self.child}/copied-{self.s}/2.0.0"
        out = self.cli.run("exchange", "asset", "copy", self.ident("copied"), target, "--targetOrganizationId", self.child)
        self.assertIn("Asset copied", out)
        copy = self.asset(self.child, f"copied-{self.s}", "2.0.0").json()
        self.assertEqual(copy["organizationId"], self.child)
        self.assertEqual(copy["name"], f"copied {self.s}")
        self.assertEqual(copy["description"], "Copied around")
        custom = next(f for f in copy["files"] if f["classifier"] == "custom")
        self.assertEqual(custom["sha256"], sha256(self.files.library_jar))

    def test_a_business_group_picked_by_name_with_an_environment(self):
        out = self.cli.run("exchange", "asset", "upload", f"grouped-{self.s}/1.0.0", "--name", "Grouped", "--type",
                           "custom", "--files", json.dumps({"custom.jar": self.files.library_jar}),
                           "--organization", "Child Org", "--environment", "Sandbox")
        self.assertIn("Publishing completed", out)
        asset = self.asset(self.child, f"grouped-{self.s}", "1.0.0")
        self.assertEqual(asset.status, 200, "a two-part identifier publishes under the selected organisation")
        self.assertEqual(asset.json()["organizationId"], self.child)

    # --- lifecycle and metadata -------------------------------------------------------------------
    def test_deprecate_undeprecate_and_update_status(self):
        self.custom_asset("aging")
        self.assertIn("Deprecated", self.cli.run("exchange", "asset", "deprecate", self.ident("aging")))
        self.assertEqual(self.asset(self.org, f"aging-{self.s}", "1.0.0").json()["status"], "deprecated")
        self.assertIn("Undeprecated", self.cli.run("exchange", "asset", "undeprecate", self.ident("aging")))
        self.assertEqual(self.asset(self.org, f"aging-{self.s}", "1.0.0").json()["status"], "published")
        self.custom_asset("drafty", "--status", "development")
        self.assertEqual(self.asset(self.org, f"drafty-{self.s}", "1.0.0").json()["status"], "development")
        self.cli.run("exchange", "asset", "updateStatus", self.ident("drafty"), "--status", "published")
        self.assertEqual(self.asset(self.org, f"drafty-{self.s}", "1.0.0").json()["status"], "published")
        out = self.cli.run("exchange", "asset", "updateStatus", self.ident("drafty"), "--status", "development", ok=False)
        self.assertIn("cannot go from published to development", out)

    def test_modify_name_and_tags(self):
        self.custom_asset("renamed")
        self.cli.run("exchange", "asset", "modify", self.ident("renamed"), "--name", "A better name")
        self.assertEqual(self.asset(self.org, f"renamed-{self.s}", "1.0.0").json()["name"], "A better name")
        self.cli.run("exchange", "asset", "modify", self.ident("renamed"), "--tags", "alpha,beta")
        self.assertEqual(sorted(self.asset(self.org, f"renamed-{self.s}", "1.0.0").json()["labels"]), ["alpha", "beta"])

    def test_mutable_data_upload(self):
        self.custom_asset("mutable")
        docs = write_zip(os.path.join(self.work, f"docs-{self.s}.zip"), {"home.md": "# Mutable home", "usage.md": "Use it"})
        out = self.cli.run("exchange", "asset", "mutableDataUpload", self.ident("mutable"), "--tags", "x,y", "--docs", docs)
        self.assertIn("Publishing completed", out)
        self.assertEqual(sorted(self.asset(self.org, f"mutable-{self.s}", "1.0.0").json()["labels"]), ["x", "y"])
        pages = self.server.get(f"/exchange/api/v2/assets/{self.org}/mutable-{self.s}/1.0.0/portal/pages").json()
        self.assertIn("usage", [p["path"] for p in pages])

    def test_delete(self):
        self.custom_asset("doomed")
        self.cli.run("exchange", "asset", "delete", self.ident("doomed"))
        self.assertEqual(self.asset(self.org, f"doomed-{self.s}", "1.0.0").status, 404)
        out = self.cli.run("exchange", "asset", "describe", self.ident("doomed"), ok=False)
        self.assertIn("not found", out)

    # --- documentation: pages and resources -------------------------------------------------------
    def test_pages(self):
        self.custom_asset("paged")
        ident = self.ident("paged")
        portal = f"/exchange/api/v2/assets/{self.org}/paged-{self.s}/1.0.0/portal"
        guide = write(os.path.join(self.work, f"guide-{self.s}.md"), "# Guide\n\nFirst words.\n")
        self.assertIn("uploaded and published", self.cli.run("exchange", "asset", "page", "upload", ident, "guide", guide))
        listed = self.cli.run("exchange", "asset", "page", "list", ident)
        self.assertIn("guide", listed)
        target = os.path.join(self.work, f"pages-{self.s}")
        os.makedirs(target)
        self.cli.run("exchange", "asset", "page", "download", ident, target, "guide")
        with open(os.path.join(target, "guide.md")) as f:
            self.assertEqual(f.read(), "# Guide\n\nFirst words.\n")
        write(guide, "# Guide\n\nBetter words.\n")
        self.cli.run("exchange", "asset", "page", "update", ident, "guide", guide)
        self.assertEqual(self.server.get(f"{portal}/pages/guide").body, b"# Guide\n\nBetter words.\n")
        self.cli.run("exchange", "asset", "page", "modify", ident, "guide", "--name", "manual")
        paths = [p["path"] for p in self.server.get(f"{portal}/pages").json()]
        self.assertIn("manual", paths)
        self.assertNotIn("guide", paths)
        self.assertEqual(self.server.get(f"{portal}/pages/manual").body, b"# Guide\n\nBetter words.\n")
        self.cli.run("exchange", "asset", "page", "delete", ident, "manual")
        self.assertNotIn("manual", [p["path"] for p in self.server.get(f"{portal}/pages").json()])

    def test_resources(self):
        self.custom_asset("pictured")
        ident = self.ident("pictured")
        portal = f"/exchange/api/v2/assets/{self.org}/pictured-{self.s}/1.0.0/portal"
        image = write(os.path.join(self.work, f"logo-{self.s}.png"), b"\x89PNG\r\n\x1a\n" + os.urandom(64))
        out = self.cli.run("exchange", "asset", "resource", "upload", ident, image)
        path = out[out.index("](") + 2:out.index(")", out.index("]("))]
        self.assertTrue(path.startswith("resources/") and path.endswith(".png"), out)
        drafts = self.cli.run_json("exchange", "asset", "resource", "list", ident, "--draft", "-o", "json")
        self.assertEqual(drafts, [path])
        # Publishing the draft (a page update does) publishes the resource with it.
        page = write(os.path.join(self.work, f"pic-{self.s}.md"), f"![logo]({path})\n")
        self.cli.run("exchange", "asset", "page", "upload", ident, "pictures", page)
        self.assertEqual(self.cli.run_json("exchange", "asset", "resource", "list", ident, "-o", "json"), [path])
        saved = os.path.join(self.work, f"saved-{self.s}.png")
        self.cli.run("exchange", "asset", "resource", "download", ident, path, saved)
        self.assertEqual(sha256(saved), sha256(image))
        self.cli.run("exchange", "asset", "resource", "delete", ident, path)
        self.assertEqual(self.server.get(f"{portal}/draft/resources").json(), [])

    def test_the_cli_reached_no_other_host(self):
        self.cli.run("exchange", "asset", "list", "--output", "json", metrics=True)
        self.assertEqual(self.cli.outbound(), [])


# What the other two login methods run: after the login, every command authenticates the same way,
# so a publication, reads, a lifecycle change, a delete and the offline check cover what a login
# changes (each command starts a node process of several seconds: the whole set three times took
# a quarter of `make test`).
EVERY_LOGIN = ["test_a_failed_publication_prints_agoras_errors", "test_describe", "test_list_with_search",
               "test_download_saves_the_main_file", "test_deprecate_undeprecate_and_update_status", "test_delete",
               "test_the_cli_reached_no_other_host"]


def load_tests(loader, tests, pattern):
    suite = unittest.TestSuite()
    for login in LOGINS:
        case = type(f"AnypointCli_{login}", (AnypointCliTest,), {"login": login})
        names = loader.getTestCaseNames(case) if login == "password" else EVERY_LOGIN
        suite.addTests(case(name) for name in names)
    return suite


if __name__ == "__main__":
    unittest.main()
