"""The packages agora serves for a spec upload (the rewritten zip and the fat zip) resolve what
publication validated: the real `agora spec validate` reads each fat zip alone, and it republishes
without dependencies. Zip entries that are no regular file or directory (symlinks) are refused."""
import io
import json
import os
import subprocess
import unittest
import zipfile

import fixtures
from agora_harness import AGORA_BIN, AgoraTestCase

OWN_MODULE = "exchange_modules/com.acme/nope/1.0.0/"

RAML_USING = """#%RAML 1.0
title: Uses modules
uses:
{uses}
/items:
  get:
    responses:
      200:
        body:
          application/json:
            type: {type}
"""

OAS_USING_OWN_MODULE = f"""openapi: 3.0.3
info: {{title: Pets, version: '1'}}
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '{OWN_MODULE}schemas.yaml#/Pet'}}
"""

LIBRARY = "#%RAML 1.0 Library\ntypes:\n  Item: {properties: {name: string}}\n"


def raml_using(type_name, **libraries):
    uses = "".join(f"  {name}: {path}\n" for name, path in libraries.items())
    return RAML_USING.format(uses=uses.rstrip("\n"), type=type_name)


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

    def assertValidates(self, data, main, name):
        path = fixtures.write(os.path.join(self.work, name), data)
        result = subprocess.run([AGORA_BIN, "spec", "validate", path, "--main", main],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, f"{name}: {result.stdout}{result.stderr}")
        return path

    def assertSelfContained(self, asset, classifier, main):
        """The fat zip validates alone and republishes, as another asset, without dependencies."""
        fat = self.download(asset, f"fat-{classifier}")
        path = self.assertValidates(fat, main, f"{asset}.fat.zip")
        self.assertCreated(self.publish_zip(f"{asset}-again", classifier, main, path))
        return zipfile.ZipFile(io.BytesIO(fat))

    def test_fat_packages_keep_the_uploads_own_modules(self):
        raml = self.zip("em2.zip", {"api.raml": raml_using("l.Item", l=OWN_MODULE + "lib.raml"),
                                    OWN_MODULE + "lib.raml": LIBRARY})
        self.assertCreated(self.publish_zip("em2", "raml", "api.raml", raml))
        self.assertValidates(self.download("em2", "raml"), "api.raml", "em2.raml.zip")
        self.assertIn(OWN_MODULE + "lib.raml", self.assertSelfContained("em2", "raml", "api.raml").namelist())

        oas = self.zip("em-oas.zip", {"api.yaml": OAS_USING_OWN_MODULE,
                                      OWN_MODULE + "schemas.yaml": "Pet: {type: object}\n"})
        self.assertCreated(self.publish_zip("em-oas", "oas", "api.yaml", oas))
        self.assertIn(OWN_MODULE + "schemas.yaml", self.assertSelfContained("em-oas", "oas", "api.yaml").namelist())

    def test_declared_dependencies_replace_only_their_own_copies(self):
        self.assertCreated(self.publish_zip("em-lib", "raml-fragment", "lib.raml",
                                            self.zip("em-lib.zip", {"lib.raml": LIBRARY})))
        declared = f"exchange_modules/{self.org}/em-lib/1.0.0/lib.raml"
        api = self.zip("em3.zip", {
            "api.raml": raml_using("d.Item", d=declared, l=OWN_MODULE + "lib.raml"),
            OWN_MODULE + "lib.raml": LIBRARY,
            # The upload's stale copy of the declared dependency: the dependency's content wins.
            declared: LIBRARY.replace("Item", "Stale"),
        })
        self.assertCreated(self.publish_zip("em3", "raml", "api.raml", api, dependencies=["em-lib"]))
        rewritten = fixtures.read_zip(self.download("em3", "raml"))
        self.assertIn(OWN_MODULE + "lib.raml", rewritten)
        self.assertNotIn(declared, rewritten)
        fat = self.assertSelfContained("em3", "raml", "api.raml")
        self.assertIn(OWN_MODULE + "lib.raml", fat.namelist())
        self.assertEqual(fat.read(declared).decode(), LIBRARY)

    def test_fat_package_with_transitive_fragments_validates_and_republishes(self):
        self.assertCreated(self.publish_zip("frag-b", "raml-fragment", "lib.raml",
                                            self.zip("frag-b.zip", {"lib.raml": LIBRARY})))
        fragment_a = (f"#%RAML 1.0 Library\nuses:\n  b: exchange_modules/{self.org}/frag-b/1.0.0/lib.raml\n"
                      "types:\n  Wrapper: {properties: {item: b.Item}}\n")
        self.assertCreated(self.publish_zip("frag-a", "raml-fragment", "lib.raml",
                                            self.zip("frag-a.zip", {"lib.raml": fragment_a}), dependencies=["frag-b"]))
        api = self.zip("api-ab.zip", {
            "api.raml": raml_using("a.Wrapper", a=f"exchange_modules/{self.org}/frag-a/1.0.0/lib.raml")})
        self.assertCreated(self.publish_zip("api-ab", "raml", "api.raml", api, dependencies=["frag-a"]))
        fat = self.assertSelfContained("api-ab", "raml", "api.raml")
        self.assertIn(f"exchange_modules/{self.org}/frag-b/1.0.0/lib.raml", fat.namelist(), "flat, at the root")

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
