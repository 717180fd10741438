"""The packages agora serves for a spec upload: zip entries that are no regular file or directory
(symlinks) are refused, and the entries agora writes are mode 0644."""
import io
import json
import os
import unittest
import zipfile

import fixtures
from agora_harness import AgoraTestCase


class SpecPackageTest(AgoraTestCase):
    def zip(self, name, entries):
        return fixtures.write_zip(os.path.join(self.work, name), entries)

    def publish_zip(self, asset, classifier, main, path, dependencies=()):
        fields = ["name=" + asset, f"properties.mainFile={main}", f"files.{classifier}.zip=@{path}"]
        if classifier != "raml-fragment":
            fields.append("properties.apiVersion=v1")
        if dependencies:
            fields.append("dependencies=" + ",".join(f"{self.org}:{d}:1.0.0" for d in dependencies))
        return self.server.publish(self.org, asset, "1.0.0", fields)

    def download(self, asset, classifier):
        """The bytes of the version's `classifier` zip, as a consumer downloads them."""
        files = self.server.asset(self.org, asset, "1.0.0").json()["files"]
        url = next(f["downloadURL"] for f in files if f["classifier"] == classifier)
        response = self.server.get_url(url)
        self.assertEqual(response.status, 200, response)
        return response.body

    def test_symlink_entries_are_refused(self):
        path = os.path.join(self.work, "symlink.zip")
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("api.raml", "#%RAML 1.0\ntitle: Link\n/x:\n  get:\n    responses:\n      200:\n"
                                   "        body:\n          application/json:\n            example: !include link.json\n")
            link = zipfile.ZipInfo("link.json")
            link.create_system = 3  # Unix
            link.external_attr = 0o120777 << 16
            z.writestr(link, "/etc/passwd")
        error = self.assertError(self.publish_zip("symlink", "raml", "api.raml", path), 400, "INVALID_ZIP_ENTRY")
        self.assertIn("link.json", error["message"])
        self.assertNotStored(self.org, "symlink", "1.0.0")

    def test_generated_entries_are_mode_0644(self):
        self.assertCreated(self.publish_zip("modes", "raml", "api.raml", self.zip("modes.zip", {
            "api.raml": "#%RAML 1.0\ntitle: Modes\n"})))
        for classifier in ("raml", "fat-raml"):
            with zipfile.ZipFile(io.BytesIO(self.download("modes", classifier))) as z:
                self.assertEqual(z.getinfo("exchange.json").external_attr >> 16, 0o100644, classifier)
                self.assertEqual(json.loads(z.read("exchange.json"))["assetId"], "modes")


if __name__ == "__main__":
    unittest.main()
