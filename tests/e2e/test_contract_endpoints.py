"""Endpoints of the Exchange contract beyond publishing and reading a version: the extended
publication status, a spec's root and other files, the asset's icon, changing a category or field
definition, and the limits on an asset's details, which publication keeps as PATCH does."""
import json
import os
import unittest

from agora_harness import AgoraTestCase
from fixtures import Fixtures, write_zip

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 26 26"><path d="M0 0h26v26z"/></svg>'


class ContractEndpointsTest(AgoraTestCase):
    v2 = "/exchange/api/v2"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stranger = cls.server.create_token(cls.server.create_org("Elsewhere"), "admin")
        cls.viewer, cls.contributor = (cls.server.create_token(cls.org, role) for role in ("viewer", "contributor"))
        cls.files = Fixtures(cls.work, cls.org)

    def publish_custom(self, asset, version="1.0.0"):
        self.assertCreated(self.server.publish(self.org, asset, version, ["name=Custom", "type=custom"]))
        return f"{self.v2}/assets/{self.org}/{asset}"

    def test_extended_status_is_the_status_as_a_string(self):
        status, body = self.server.publish(self.org, "extended", "1.0.0", ["name=x", "type=custom"], sync=False)
        self.assertEqual(status, 202, body)
        link = json.loads(body)["publicationStatusLink"]
        final = self.server.poll_publication(link)
        self.assertEqual(final["status"], "completed")
        extended_link = link.replace("/publication/status/", "/publication/extendedStatus/")
        extended = self.server.get_url(extended_link)
        self.assertEqual(extended.status, 200, extended)
        self.assertEqual(extended.header("Content-Type"), "application/json")
        text = extended.json()
        self.assertIsInstance(text, str)
        self.assertEqual(json.loads(text), self.server.get_url(link).json())
        self.assertError(self.server.get_url(extended_link.rsplit("/", 1)[0] + "/no-such-run"), 404, "NOT_FOUND")
        self.assertError(self.server.get_url(extended_link.replace("/1.0.0/", "/2.0.0/")), 404, "NOT_FOUND")
        self.assertError(self.server.get_url(extended_link, token=None), 401, "UNAUTHORIZED")
        self.assertError(self.server.get_url(extended_link, token=self.stranger), 403, "FORBIDDEN")

    def test_the_root_of_a_zipped_spec_and_its_other_files(self):
        zipped = write_zip(os.path.join(self.work, "rooted.zip"), {
            "main api.raml": "#%RAML 1.0\ntitle: Rooted\nuses:\n  lib: lib/types.raml\n/items:\n  get:\n",
            "lib/": "", "lib/types.raml": "#%RAML 1.0 Library\ntypes:\n  Item: string\n"})
        self.assertCreated(self.server.publish(self.org, "rooted", "1.0.0", [
            "name=Rooted", "properties.mainFile=main api.raml", "properties.apiVersion=v1",
            f"files.raml.zip=@{zipped}"]))
        api = f"{self.v2}/assets/{self.org}/rooted/1.0.0/api"
        root = self.server.get(f"{api}/root")
        self.assertEqual(root.status, 301, root)
        self.assertEqual(root.header("Location"), f"{api}/main%20api.raml")
        main = self.server.get(root.header("Location"))
        self.assertEqual((main.status, main.header("Content-Type")), (200, "application/yaml"), main)
        self.assertTrue(main.body.startswith(b"#%RAML 1.0\ntitle: Rooted"), main.body)
        library = self.server.get(f"{api}/lib/types.raml")
        self.assertEqual((library.status, library.body), (200, b"#%RAML 1.0 Library\ntypes:\n  Item: string\n"))
        self.assertEqual(self.server.get(f"{api}/model").json()["title"], "Rooted", "the model keeps its route")
        self.assertError(self.server.get(f"{api}/lib/missing.raml"), 404, "NOT_FOUND")
        self.assertError(self.server.get(f"{api}/lib/"), 404, "NOT_FOUND")  # a folder, not a file
        self.assertError(self.server.get(f"{api}/root", token=self.stranger), 404, "NOT_FOUND")
        self.assertError(self.server.get(f"{api}/root", token=None), 401, "UNAUTHORIZED")
        self.assertEqual(self.server.get(f"{api}/root", token=self.viewer).status, 301)

    def test_the_root_of_a_single_file_spec_is_the_file(self):
        self.assertCreated(self.server.publish(self.org, "single", "1.0.0", [
            "name=Single", "properties.apiVersion=v1", f"files.oas.json=@{self.files.verato_json}"]))
        api = f"{self.v2}/assets/{self.org}/single/1.0.0/api"
        root = self.server.get(f"{api}/root")
        self.assertEqual((root.status, root.header("Location")), (301, f"{api}/verato.json"), root)
        main = self.server.get(f"{api}/verato.json")
        self.assertEqual((main.status, main.header("Content-Type")), (200, "application/json"))
        with open(self.files.verato_json, "rb") as spec:
            self.assertEqual(main.body, spec.read())
        self.assertError(self.server.get(f"{api}/other.json"), 404, "NOT_FOUND")
        custom = self.publish_custom("no-spec")
        self.assertError(self.server.get(f"{custom}/1.0.0/api/root"), 404, "NOT_FOUND")
        self.assertError(self.server.get(f"{self.v2}/assets/{self.org}/single/9.9.9/api/root"), 404, "NOT_FOUND")

    def put_icon(self, path, body, content_type="image/png", token="admin"):
        return self.server.request("PUT", path, body=body, headers={"Content-Type": content_type}, token=token)

    def icons(self, asset, version):
        files = self.server.get(f"{self.v2}/assets/{self.org}/{asset}/{version}").json()["files"]
        return [f for f in files if f["classifier"] == "icon"]

    def test_an_icon_is_the_assets_whatever_version_is_named(self):
        asset = self.publish_custom("iconic")
        self.publish_custom("iconic", "1.1.0")
        put = self.put_icon(f"{asset}/icon", PNG)
        self.assertEqual(put.status, 201, put)
        created = put.json()
        self.assertEqual((created["groupId"], created["assetId"], created["classifier"], created["packaging"]),
                         (self.org, "iconic", "icon", "png"))
        self.assertEqual(self.server.get_url(created["externalLink"], token=None).body, PNG)
        for version in ("1.0.0", "1.1.0"):
            [icon] = self.icons("iconic", version)
            self.assertEqual(icon["packaging"], "png")
            self.assertEqual(self.server.get_url(icon["downloadURL"]).body, PNG)
        # Through a version: the asset's icon all the same, the previous one replaced.
        self.assertEqual(self.put_icon(f"{asset}/1.0.0/icon", SVG, "image/svg+xml; charset=utf-8").status, 204)
        for version in ("1.0.0", "1.1.0"):
            self.assertEqual([i["packaging"] for i in self.icons("iconic", version)], ["svg"])
        # A version published afterwards holds the asset's icon too.
        self.publish_custom("iconic", "1.2.0")
        [inherited] = self.icons("iconic", "1.2.0")
        self.assertEqual(self.server.get_url(inherited["downloadURL"]).body, SVG)
        self.assertEqual(self.server.request("DELETE", f"{asset}/icon").status, 204)
        self.assertEqual(self.icons("iconic", "1.1.0"), [])
        self.publish_custom("iconic", "1.3.0")
        self.assertEqual(self.icons("iconic", "1.3.0"), [], "and none once it was deleted")

    def test_icons_refused(self):
        asset = self.publish_custom("plain")
        self.assertError(self.put_icon(f"{asset}/icon", PNG, "application/octet-stream"), 400, "INVALID_ICON")
        self.assertError(self.put_icon(f"{asset}/icon", b""), 400, "INVALID_ICON")
        # The bytes must be the image the Content-Type names.
        self.assertError(self.put_icon(f"{asset}/icon", b"MZ\x90\x00 not a picture"), 400, "INVALID_ICON")
        self.assertError(self.put_icon(f"{asset}/icon", PNG, "image/svg+xml"), 400, "INVALID_ICON")
        self.assertEqual(self.put_icon(f"{asset}/icon", PNG, " Image/PNG ").status, 201, "media types ignore case")
        self.assertError(self.put_icon(f"{asset}/icon", b"x" * (2 * 1024 * 1024 + 1)), 413, "PAYLOAD_TOO_LARGE")
        self.assertError(self.put_icon(f"{asset}/9.9.9/icon", PNG), 404, "NOT_FOUND")
        self.assertError(self.put_icon(f"{self.v2}/assets/{self.org}/nothing/icon", PNG), 404, "NOT_FOUND")
        self.assertError(self.put_icon(f"{asset}/icon", PNG, token=self.viewer), 403, "FORBIDDEN")
        self.assertError(self.put_icon(f"{asset}/icon", PNG, token=self.stranger), 404, "NOT_FOUND")
        self.assertError(self.server.request("DELETE", f"{asset}/icon", token=self.stranger), 404, "NOT_FOUND")
        self.assertEqual(self.put_icon(f"{asset}/icon", PNG, token=self.contributor).status, 201)
        self.assertEqual(len(self.icons("plain", "1.0.0")), 1)

    def definitions(self, kind):
        return self.server.get(f"{self.v2}/organizations/{self.org}/{kind}").json()

    def patch_definition(self, kind, key, body, headers=None, token="admin"):
        return self.server.request("PATCH", f"{self.v2}/organizations/{self.org}/{kind}/{key}",
                                   body=json.dumps(body) if not isinstance(body, bytes) else body,
                                   headers={"Content-Type": "application/json", **(headers or {})}, token=token)

    def test_a_definition_changes_with_patch(self):
        created = self.server.request("POST", f"{self.v2}/organizations/{self.org}/categories", body=json.dumps(
            {"tagKey": "region", "displayName": "Region", "acceptedValues": ["emea", "apac"]}),
            headers={"Content-Type": "application/json"})
        self.assertEqual(created.status, 201, created)
        changed = self.patch_definition("categories", "region", {"displayName": "Sales region",
                                                                 "acceptedValues": ["emea", "apac", "amer"]})
        self.assertEqual(changed.status, 200, changed)
        self.assertEqual((changed.json()["displayName"], changed.json()["acceptedValues"], changed.json()["id"]),
                         ("Sales region", ["emea", "apac", "amer"], created.json()["id"]))
        self.assertEqual(self.definitions("categories")[0]["displayName"], "Sales region")
        by_id = self.patch_definition("categories", created.json()["id"], {"assetTypeRestrictions": ["custom"]})
        self.assertEqual((by_id.status, by_id.json()["assetTypeRestrictions"]), (200, ["custom"]))
        self.assertCreated(self.server.publish(self.org, "regional", "1.0.0",
                                               ["name=R", "type=custom", "categories.region=apac"]))
        # Taking away a value a version carries needs X-Force-Update; the version keeps it.
        narrower = {"acceptedValues": ["emea", "amer"]}
        self.assertError(self.patch_definition("categories", "region", narrower), 409, "DEFINITION_IN_USE")
        # An empty X-Force-Update is false (the contract's NullableBoolean), not a malformed flag.
        self.assertError(self.patch_definition("categories", "region", narrower, {"X-Force-Update": ""}), 409,
                         "DEFINITION_IN_USE")
        self.assertEqual(self.definitions("categories")[0]["acceptedValues"], ["emea", "apac", "amer"])
        forced = self.patch_definition("categories", "region", narrower, {"X-Force-Update": "true"})
        self.assertEqual((forced.status, forced.json()["acceptedValues"]), (200, ["emea", "amer"]))
        self.assertEqual(self.server.asset(self.org, "regional", "1.0.0").json()["categories"][0]["value"], ["apac"])

    def test_definition_patches_refused(self):
        self.assertEqual(self.server.request("POST", f"{self.v2}/organizations/{self.org}/fields", body=json.dumps(
            {"tagKey": "tier", "dataType": "text"}), headers={"Content-Type": "application/json"}).status, 201)
        for bad in ({"tagKey": "other"}, {"dataType": "number"}, {"displayName": 3}, {"acceptedValues": "x"},
                    {"assetTypeRestrictions": ["banana"]}, {"assetTypeRestrictions": [1]}):
            self.assertError(self.patch_definition("fields", "tier", bad), 400, "BAD_REQUEST")
        self.assertError(self.patch_definition("fields", "tier", b"[1]"), 400, "BAD_REQUEST")
        self.assertError(self.patch_definition("fields", "tier", {}, {"X-Force-Update": "maybe"}), 400, "INVALID_FLAG")
        self.assertError(self.patch_definition("fields", "nothing", {"displayName": "x"}), 404, "NOT_FOUND")
        self.assertError(self.patch_definition("categories", "tier", {"displayName": "x"}), 404, "NOT_FOUND")
        self.assertError(self.patch_definition("fields", "tier", {"displayName": "x"}, token=self.contributor),
                         403, "FORBIDDEN")
        self.assertError(self.patch_definition("fields", "tier", {"displayName": "x"}, token=self.stranger),
                         403, "FORBIDDEN")
        self.assertEqual(self.definitions("fields")[0]["displayName"], "tier")

    def test_publication_keeps_to_the_limits_of_patch(self):
        long_text = os.path.join(self.work, "long.txt")
        with open(long_text, "w") as out:
            out.write("d" * 100_000)
        for field, message in (("description", "description must be a string of 0 to 255 characters"),
                               ("name", "name must be a string of 1 to 256 characters"),
                               ("contactName", "contactName must be a string of 0 to 255 characters")):
            extra = [] if field == "name" else ["name=x"]
            body = self.assertError(self.server.publish(self.org, "wordy", "1.0.0", extra + [
                "type=custom", f"{field}=<{long_text}"]), 400, "BAD_REQUEST")
            self.assertEqual(body["message"], message)
            self.assertNotStored(self.org, "wordy", "1.0.0")
        # The older creation form, through the same check.
        legacy = [f"groupId={self.org}", "assetId=wordy-legacy", "version=1.0.0", "name=Legacy", "classifier=custom",
                  f"organizationId={self.org}", f"description=<{long_text}", f"asset=@{self.files.library_jar}"]
        args = [arg for field in legacy for arg in ("-F", field)]
        self.assertError(self.server.curl(*args, f"{self.server.base}{self.v2}/assets"), 400, "BAD_REQUEST")
        self.assertNotStored(self.org, "wordy-legacy", "1.0.0")
        # An asynchronous publication ends in error with the same message.
        status, body = self.server.publish(self.org, "wordy-async", "1.0.0",
                                           ["name=x", "type=custom", f"description=<{long_text}"], sync=False)
        self.assertEqual(status, 202, body)
        final = self.server.poll_publication(json.loads(body)["publicationStatusLink"])
        self.assertEqual(final["status"], "error", final)
        self.assertIn("description must be a string of 0 to 255 characters", json.dumps(final["steps"]))
        self.assertCreated(self.server.publish(self.org, "wordy", "1.0.0", ["name=x", "type=custom",
                                                                              "description=" + "d" * 255]))


if __name__ == "__main__":
    unittest.main()
