"""What Exchange clients rely on beyond the seed page: the v1-style creation form of
POST /exchange/api/v2/assets (anypoint-cli's copy), signed externalLinks that need no token, the
version list of the v1 asset JSON, and numeric header names (anypoint-cli's --headers bug)."""
import json
import time
import unittest
import urllib.parse

from agora_harness import AgoraTestCase
from fixtures import Fixtures


class LegacyFormTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files = Fixtures(cls.work, cls.org)
        cls.viewer = cls.server.create_token(cls.org, "viewer")
        cls.other = cls.server.create_org("Other Org")

    def create(self, fields, token="admin"):
        args = []
        for field in fields:
            args += ["-F", field]
        return self.server.curl(*args, f"{self.server.base}/exchange/api/v2/assets", token=token)

    def legacy_fields(self, asset, org=None, extra=()):
        org = org or self.org
        return [f"groupId={self.org}", f"assetId={asset}", "version=1.0.0", "name=Legacy", "description=Old style",
                "contactName=Ann", "contactEmail=ann@example.com", "apiVersion=v1", "main=verato.json",
                "classifier=oas", f"organizationId={org}", *extra, f"organizationId={org}",
                f"asset=@{self.files.verato_json}"]

    def test_the_copy_form_publishes_synchronously(self):
        status, body = self.create(self.legacy_fields("legacy-api", extra=["dependencies=[]"]))
        self.assertEqual(status, 201, body)
        version = json.loads(body)
        self.assertEqual((version["type"], version["productAPIVersion"], version["contactName"]), ("rest-api", "v1", "Ann"))
        oas = next(f for f in version["files"] if f["classifier"] == "oas")
        self.assertEqual((oas["packaging"], oas["mainFile"]), ("json", "verato.json"))

    def test_dependencies_come_as_json(self):
        status, body = self.server.publish(self.org, "legacy-dep", "1.0.0", ["name=Dep", "type=custom",
                                                                              f"files.custom.jar=@{self.files.library_jar}"])
        self.assertEqual(status, 201, body)
        deps = json.dumps([{"groupId": self.org, "assetId": "legacy-dep", "version": "1.0.0"}])
        fields = [f"groupId={self.org}", "assetId=legacy-custom", "version=1.0.0", "name=C", "classifier=custom",
                  f"organizationId={self.org}", f"dependencies={deps}", f"asset=@{self.files.library_jar}"]
        status, body = self.create(fields)
        self.assertEqual(status, 201, body)
        self.assertEqual(json.loads(body)["dependencies"],
                         [{"groupId": self.org, "assetId": "legacy-dep", "version": "1.0.0"}])
        bad = [f for f in fields if not f.startswith("dependencies=")] + ["dependencies=g:a:1.0.0"]
        self.assertError(self.create([f.replace("legacy-custom", "legacy-bad") for f in bad]), 400, "INVALID_DEPENDENCIES")
        self.assertNotStored(self.org, "legacy-bad", "1.0.0")

    # CreateAsset's other fields: an HTTP API by its classifier and link, metadata and the format
    # version accepted, metadata only as a JSON object.
    def test_the_copy_form_takes_every_create_asset_field(self):
        http = [f"groupId={self.org}", "assetId=legacy-http", "version=1.0.0", "name=Proxy", "classifier=http",
                "apiVersion=v1", "assetLink=https://api.example.com/v1", f"organizationId={self.org}",
                'metadata={"projectId":"p1","branchId":"master"}']
        status, body = self.create(http)
        self.assertEqual(status, 201, body)
        version = json.loads(body)
        self.assertEqual(version["type"], "http-api")
        status, body = self.create(self.legacy_fields("legacy-meta", extra=[
            "originalFormatVersion=2.0", 'metadata={"commitId":"abc"}']))
        self.assertEqual(status, 201, body)
        self.assertError(self.create(self.legacy_fields("legacy-bad-meta", extra=["metadata=[1]"])), 400,
                         "INVALID_ASSET_METADATA")
        self.assertNotStored(self.org, "legacy-bad-meta", "1.0.0")
        # A dry run on this form stores nothing either.
        args = ["-H", "x-dry-run: true"]
        for field in self.legacy_fields("legacy-dry"):
            args += ["-F", field]
        status, body = self.server.curl(*args, f"{self.server.base}/exchange/api/v2/assets")
        self.assertEqual((status, json.loads(body)["dryRun"]), (200, True), body)
        self.assertNotStored(self.org, "legacy-dry", "1.0.0")

    def test_the_organisation_must_be_named_and_agree(self):
        fields = self.legacy_fields("legacy-none")
        without = [f for f in fields if not f.startswith("organizationId=")]
        self.assertError(self.create(without), 400, "INVALID_ORGANIZATION")
        mixed = self.legacy_fields("legacy-mixed")
        mixed[mixed.index(f"organizationId={self.org}")] = f"organizationId={self.other}"
        self.assertError(self.create(mixed), 400, "INVALID_ORGANIZATION")
        self.assertError(self.create(self.legacy_fields("legacy-other", org=self.other)), 403, "FORBIDDEN")
        self.assertError(self.create(self.legacy_fields("legacy-viewer"), token=self.viewer), 403, "FORBIDDEN")
        no_classifier = [f for f in self.legacy_fields("legacy-nc") if not f.startswith("classifier=")]
        self.assertError(self.create(no_classifier), 400, "INVALID_FILE_IDENTIFIER_ERROR")
        for asset in ("legacy-none", "legacy-mixed", "legacy-other", "legacy-viewer", "legacy-nc"):
            self.assertNotStored(self.org, asset, "1.0.0")


class SignedLinkTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files = Fixtures(cls.work, cls.org)
        for version in ("1.0.0", "1.1.0"):
            status, body = cls.server.publish(cls.org, "linked", version,
                                              ["name=Linked", "type=custom", f"files.custom.jar=@{cls.files.library_jar}"])
            assert status == 201, body
        cls.version = cls.server.get(f"/exchange/api/v1/assets/{cls.org}/linked/1.0.0").json()

    def link(self, classifier="custom"):
        return next(f for f in self.version["files"] if f["classifier"] == classifier)["externalLink"]

    def test_external_links_download_without_a_token(self):
        link = self.link()
        path = urllib.parse.urlsplit(link).path
        self.assertTrue(path.endswith("/custom/jar/linked-1.0.0-custom.jar"), link)
        response = self.server.get_url(link, token=None)
        self.assertEqual(response.status, 200, response)
        with open(self.files.library_jar, "rb") as f:
            self.assertEqual(response.body, f.read())
        pom = next(f for f in self.version["files"] if f["packaging"] == "pom")["externalLink"]
        self.assertEqual(self.server.get_url(pom, token=None).status, 200)

    def test_tampered_or_expired_links_are_refused(self):
        link = self.link()
        parts = urllib.parse.urlsplit(link)
        query = dict(urllib.parse.parse_qsl(parts.query))
        other_version = link.replace("/linked/1.0.0/", "/linked/1.1.0/")
        later = link.replace(f"expires={query['expires']}", f"expires={int(query['expires']) + 1}")
        expired = parts.path + "?" + urllib.parse.urlencode({"expires": int(time.time()) - 10,
                                                             "signature": query["signature"]})
        for url in (other_version, later, link.replace(query["signature"], "0" * 64), expired):
            self.assertError(self.server.get_url(url, token=None) if url.startswith("http")
                             else self.server.get(url, token=None), 403, "FORBIDDEN")
        self.assertError(self.server.get(parts.path, token=None), 401, "UNAUTHORIZED")

    def test_the_version_json_lists_every_version(self):
        self.assertEqual([v["version"] for v in self.version["versions"]], ["1.1.0", "1.0.0"])
        self.assertEqual([v["version"] for v in self.version["otherVersions"]], ["1.1.0"])
        self.assertEqual(self.version["modifiedAt"], self.version["updatedDate"])


class NumericHeaderTest(AgoraTestCase):
    def test_anypoint_cli_headers_flag_sends_numbered_headers(self):
        headers = [f"{i}: {c}" for i, c in enumerate('{"x-user-id":"abc"}') if c.strip()]
        status, body = self.server.publish(self.org, "numbered", "1.0.0", ["name=N", "type=http-api",
                                                                           "properties.apiVersion=v1"], headers=headers)
        self.assertEqual(status, 201, body)


if __name__ == "__main__":
    unittest.main()
