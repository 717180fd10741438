"""Every example of the Exchange API v2 "Asset Creation" page, run with the real curl, verbatim but
for the host, the token, the ids and the file paths (`-v` becomes output capture). Each asset is then
read back, and every file it lists is downloaded and checked against its checksums and content."""
import hashlib
import json
import unittest
import xml.etree.ElementTree as ElementTree

from agora_harness import AgoraTestCase
from fixtures import FLIGHT_EXAMPLE, FLIGHT_TYPE, VERATO, WSDL, Fixtures, read_zip

POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}
EXCHANGE_JSON_KEYS = {"main", "name", "classifier", "tags", "groupId", "assetId", "version", "apiVersion",
                      "dependencies", "organizationId", "originalFormat", "originalFormatVersion"}
DATA_TYPE = "training-american-flight-data-type"
EXAMPLE = "training-american-flights-example"
LIBRARY = "training-american-flights-library"


def file_bytes(path):
    with open(path, "rb") as f:
        return f.read()


class SeedPageTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files = Fixtures(cls.work, cls.org)
        # The fragments the American Flights API depends on, published first as the page's
        # dependency steps require ("Download each dependency RAML from Anypoint").
        for asset_id, path, main in ((DATA_TYPE, cls.files.flight_type_zip, "AmericanFlightDataType.raml"),
                                     (EXAMPLE, cls.files.flight_example_zip, "AmericanFlightsExample.raml")):
            status, body = cls.server.publish(cls.org, asset_id, "1.0.1", [
                f"name={asset_id}", "description=Dependency of the American Flights API",
                f"properties.mainFile={main}", f"files.raml-fragment.zip=@{path}"])
            if status != 201:
                raise AssertionError(f"publishing {asset_id}: {status} {body[:800]!r}")

    # --- running the page's commands ------------------------------------------------------------
    def page_curl(self, headers, fields, asset_id, version="1.0.0", api="v2"):
        """`curl -v -H ... -F ... URL` from the page; the Authorization header is the page's
        'Authorization: bearer ANYPOINT_TOKEN' with the admin token."""
        args = []
        for header in headers:
            args += ["-H", header]
        for field in fields:
            args += ["-F", field]
        return self.server.curl(*args, self.server.publish_url(self.org, asset_id, version, api=api))

    def published(self, result, asset_id, version="1.0.0"):
        """Checks the 201 answer and the read-back's identity; returns the read-back asset."""
        created = self.assertCreated(result)
        self.assertEqual((created["organizationId"], created["groupId"], created["assetId"], created["version"]),
                         (self.org, self.org, asset_id, version), created)
        response = self.server.asset(self.org, asset_id, version)
        self.assertEqual(response.status, 200, response)
        asset = response.json()
        self.assertEqual((asset["groupId"], asset["assetId"], asset["version"], asset["organizationId"]),
                         (self.org, asset_id, version, self.org), asset)
        self.assertEqual(asset["minorVersion"], ".".join(version.split(".")[:2]), asset)
        self.assertEqual(asset["type"], created["type"], asset)
        self.assertEqual(asset["status"], "published", asset)
        self.assertTrue(asset["createdDate"] and asset["createdBy"], asset)
        return asset

    def attributes(self, asset):
        return {a["key"]: a["value"] for a in asset["attributes"] if a["key"] != "keyword"}

    def assertKeywords(self, asset, keywords):
        self.assertEqual(asset["keywords"], keywords, asset)
        self.assertEqual([a["value"] for a in asset["attributes"] if a["key"] == "keyword"], keywords, asset)

    def download_all(self, asset):
        """Downloads every listed file; checks its URL, length and checksums. Returns
        {(classifier, packaging): bytes}, the POM under ("", "pom")."""
        base = (f"{self.server.base}/exchange/files/api/v1/organizations/{asset['organizationId']}/assets/"
                f"{asset['groupId']}/{asset['assetId']}/{asset['version']}")
        contents = {}
        for file in asset["files"]:
            classifier = file["classifier"] or ""
            expected_url = f"{base}/pom" if file["packaging"] == "pom" and not classifier else \
                f"{base}/{classifier}/{file['packaging']}"
            self.assertEqual(file["downloadURL"], expected_url, file)
            response = self.server.get_url(file["downloadURL"])
            self.assertEqual(response.status, 200, f"{file['downloadURL']}: {response!r}")
            body = response.body
            self.assertEqual(int(response.header("Content-Length")), len(body), file)
            self.assertEqual(file["size"], len(body), file)
            self.assertEqual(file["md5"], hashlib.md5(body).hexdigest(), file)
            self.assertEqual(file["sha1"], hashlib.sha1(body).hexdigest(), file)
            self.assertNotIn((classifier, file["packaging"]), contents, "a file is listed twice")
            contents[(classifier, file["packaging"])] = body
        self.assertIn(("", "pom"), contents, f"every asset has a POM: {asset['files']}")
        return contents

    def check_generated_pom(self, contents, asset):
        pom = ElementTree.fromstring(contents[("", "pom")])
        self.assertEqual(pom.find("m:groupId", POM_NS).text, asset["groupId"])
        self.assertEqual(pom.find("m:artifactId", POM_NS).text, asset["assetId"])
        self.assertEqual(pom.find("m:version", POM_NS).text, asset["version"])
        self.assertEqual(pom.find("m:name", POM_NS).text, asset["name"])

    def check_exchange_json(self, archive, asset, classifier, main, original_format, format_version, dependencies=()):
        self.assertIn("exchange.json", archive, f"no exchange.json in the root: {sorted(archive)}")
        exchange = json.loads(archive["exchange.json"])
        self.assertLessEqual(EXCHANGE_JSON_KEYS, set(exchange), exchange)
        self.assertEqual(exchange["main"], main, exchange)
        self.assertEqual(exchange["classifier"], classifier, exchange)
        self.assertEqual(exchange["name"], asset["name"], exchange)
        self.assertEqual((exchange["groupId"], exchange["assetId"], exchange["version"], exchange["organizationId"]),
                         (asset["groupId"], asset["assetId"], asset["version"], self.org), exchange)
        self.assertEqual(exchange["apiVersion"], self.attributes(asset).get("apiVersion"), exchange)
        self.assertEqual((exchange["originalFormat"], exchange["originalFormatVersion"]),
                         (original_format, format_version), exchange)
        self.assertEqual(exchange["tags"], asset["labels"], exchange)
        self.assertEqual(sorted((d["groupId"], d["assetId"], d["version"]) for d in exchange["dependencies"]),
                         sorted(dependencies), exchange)
        return exchange

    def module(self, asset_id, name):
        return f"exchange_modules/{self.org}/{asset_id}/1.0.1/{name}"

    # --- REST APIs: RAML ------------------------------------------------------------------------
    def test_raml(self):
        asset = self.published(self.page_curl(
            ["x-sync-publication: true"],
            ["name=RAML asset name", "description=Description of the asset", "keywords=this, is, the, best, raml",
             "properties.mainFile=american-flights-api.raml", "properties.apiVersion=v1",
             f"files.raml.zip=@{self.files.flights_zip}"], "raml-asset"), "raml-asset")
        self.assertEqual((asset["type"], asset["name"], asset["description"]),
                         ("rest-api", "RAML asset name", "Description of the asset"))
        self.assertEqual(asset["versionGroup"], "v1")
        self.assertEqual(self.attributes(asset), {"mainFile": "american-flights-api.raml", "apiVersion": "v1"})
        self.assertKeywords(asset, ["this", "is", "the", "best", "raml"])
        self.assertEqual(asset["dependencies"], [])
        contents = self.download_all(asset)
        self.assertEqual(set(contents), {("raml", "zip"), ("fat-raml", "zip"), ("", "pom")})
        main = read_zip(contents[("raml", "zip")])
        self.check_exchange_json(main, asset, "raml", "american-flights-api.raml", "raml", "1.0")
        uploaded = read_zip(file_bytes(self.files.flights_zip))
        self.assertEqual(main["american-flights-api.raml"], uploaded["american-flights-api.raml"])
        for name in self.files.flights_modules:
            self.assertEqual(main.get(name), uploaded[name],
                             f"without declared dependencies the uploaded exchange_modules stays: {sorted(main)}")
        self.assertIn("american-flights-api.raml", read_zip(contents[("fat-raml", "zip")]))
        self.check_generated_pom(contents, asset)

    def test_raml_with_dependencies(self):
        # "For each dependency, add the dependency property in the multipart form data."
        asset = self.published(self.page_curl(
            ["x-sync-publication: true"],
            ["name=RAML asset name", "description=Description of the asset", "keywords=this, is, the, best, raml",
             f"properties.dependencies={self.org}:{DATA_TYPE}:1.0.1",
             f"properties.dependencies={self.org}:{EXAMPLE}:1.0.1",
             "properties.mainFile=american-flights-api.raml", "properties.apiVersion=v1",
             f"files.raml.zip=@{self.files.flights_zip}"], "training-american-flights-api"),
            "training-american-flights-api")
        declared = [(self.org, DATA_TYPE, "1.0.1"), (self.org, EXAMPLE, "1.0.1")]
        self.assertEqual(sorted((d["groupId"], d["assetId"], d["version"]) for d in asset["dependencies"]), declared)
        contents = self.download_all(asset)
        main = read_zip(contents[("raml", "zip")])
        self.assertEqual([n for n in main if n.startswith("exchange_modules/")], [],
                         "declared dependencies remove the uploaded exchange_modules from the main zip")
        exchange = self.check_exchange_json(main, asset, "raml", "american-flights-api.raml", "raml", "1.0", declared)
        self.assertNotEqual(exchange["assetId"], "stale", "the uploaded exchange.json is replaced")
        fat = read_zip(contents[("fat-raml", "zip")])
        self.assertEqual(fat[self.module(DATA_TYPE, "AmericanFlightDataType.raml")], FLIGHT_TYPE.encode())
        self.assertEqual(fat[self.module(EXAMPLE, "AmericanFlightsExample.raml")], FLIGHT_EXAMPLE.encode())
        self.assertEqual(fat["american-flights-api.raml"], main["american-flights-api.raml"])
        for name in fat:
            if name.startswith("exchange_modules/"):
                group, asset_id, version = name.split("/")[1:4]
                self.assertIn((group, asset_id, version), declared, f"unexpected module {name}")

    def test_pom_with_keywords_and_dependencies(self):
        # The page's generic POM: keywords and mainFile in <properties>, and <dependencies>. The
        # flights library fragment depends on the data type, so APIs using it need both.
        pom = self.files.pom_file("library.pom", self.org, LIBRARY, "1.0.1", "American Flights library",
                                  "Types shared by the flights APIs",
                                  {"keywords": "these, are, keywords, to, be, indexed",
                                   "mainFile": "AmericanFlightsLibrary.raml"},
                                  [(self.org, DATA_TYPE, "1.0.1")])
        asset = self.published(self.page_curl(
            ["x-sync-publication: true"],
            [f"files.raml-fragment.zip=@{self.files.flights_library_zip}", f"files.pom=@{pom}"], LIBRARY, "1.0.1"),
            LIBRARY, "1.0.1")
        self.assertEqual((asset["type"], asset["name"]), ("raml-fragment", "American Flights library"))
        self.assertKeywords(asset, ["these", "are", "keywords", "to", "be", "indexed"])
        self.assertEqual([(d["groupId"], d["assetId"], d["version"]) for d in asset["dependencies"]],
                         [(self.org, DATA_TYPE, "1.0.1")])
        contents = self.download_all(asset)
        self.assertEqual(contents[("", "pom")], file_bytes(pom), "an uploaded POM is stored as sent")

        # An API that only `uses:` the library gets the data type too: fat packages are transitive.
        api = self.published(self.page_curl(
            ["x-sync-publication: true"],
            ["name=American Flights via the library", "description=Description of the asset",
             f"dependencies={self.org}:{LIBRARY}:1.0.1,{self.org}:{EXAMPLE}:1.0.1",
             "properties.mainFile=american-flights-api.raml", "properties.apiVersion=v2",
             f"files.raml.zip=@{self.files.flights_via_library_zip}"], "flights-via-library", "2.0.0"),
            "flights-via-library", "2.0.0")
        fat = read_zip(self.download_all(api)[("fat-raml", "zip")])
        self.assertIn(self.module(LIBRARY, "AmericanFlightsLibrary.raml"), fat, sorted(fat))
        self.assertEqual(fat.get(self.module(DATA_TYPE, "AmericanFlightDataType.raml")), FLIGHT_TYPE.encode(),
                         f"the library's own dependency is in the fat package: {sorted(fat)}")
        self.assertIn(self.module(EXAMPLE, "AmericanFlightsExample.raml"), fat)

    # --- RAML fragment ---------------------------------------------------------------------------
    def test_raml_fragment(self):
        asset = self.published(self.page_curl(
            ["x-sync-publication: true"],
            ["name=RAML Fragment asset name", "description=Description of the asset", "properties.mainFile=OAuth2.raml",
             f"files.raml-fragment.zip=@{self.files.oauth_zip}"], "oauth2-fragment"), "oauth2-fragment")
        self.assertEqual((asset["type"], asset["name"]), ("raml-fragment", "RAML Fragment asset name"))
        self.assertEqual(self.attributes(asset)["mainFile"], "OAuth2.raml")
        contents = self.download_all(asset)
        self.assertEqual(set(contents), {("raml-fragment", "zip"), ("fat-raml-fragment", "zip"), ("", "pom")})
        main = read_zip(contents[("raml-fragment", "zip")])
        exchange = json.loads(main["exchange.json"])
        self.assertEqual((exchange["main"], exchange["classifier"], exchange["assetId"]),
                         ("OAuth2.raml", "raml-fragment", "oauth2-fragment"), exchange)
        self.assertEqual(exchange["originalFormat"], "raml", exchange)
        self.assertEqual(main["OAuth2.raml"], read_zip(file_bytes(self.files.oauth_zip))["OAuth2.raml"])
        self.assertIn("OAuth2.raml", read_zip(contents[("fat-raml-fragment", "zip")]))
        self.check_generated_pom(contents, asset)

    # --- OAS -------------------------------------------------------------------------------------
    def test_oas(self):
        asset = self.published(self.page_curl(
            ["x-sync-publication: true"],
            ["name=OAS asset name", "description=Description of the asset", "properties.mainFile=verato.json",
             "properties.apiVersion=v1", f"files.oas.zip=@{self.files.verato_zip}"], "verato"), "verato")
        self.assertEqual(asset["type"], "rest-api")
        self.assertEqual((asset["originalFormat"], asset["originalFormatVersion"]), ("oas", "3.0.0"))
        self.assertEqual(self.attributes(asset), {"mainFile": "verato.json", "apiVersion": "v1"})
        contents = self.download_all(asset)
        self.assertEqual(set(contents), {("oas", "zip"), ("fat-oas", "zip"), ("", "pom")})
        main = read_zip(contents[("oas", "zip")])
        self.check_exchange_json(main, asset, "oas", "verato.json", "oas", "3.0.0")
        self.assertEqual(json.loads(main["verato.json"]), VERATO)
        self.assertEqual(json.loads(read_zip(contents[("fat-oas", "zip")])["verato.json"]), VERATO)
        self.check_generated_pom(contents, asset)

    # --- SOAP APIs -------------------------------------------------------------------------------
    def test_wsdl_by_file(self):
        asset = self.published(self.page_curl(
            ["x-sync-publication: true"],
            ["name=WSDL asset name", "description=The wsdl v2", "properties.apiVersion=v1",
             "properties.mainFile=main.wsdl", f"files.wsdl.zip=@{self.files.wsdl_zip}"], "wsdl-asset"), "wsdl-asset")
        self.assertEqual((asset["type"], asset["description"]), ("soap-api", "The wsdl v2"))
        self.assertEqual(self.attributes(asset), {"mainFile": "main.wsdl", "apiVersion": "v1"})
        contents = self.download_all(asset)
        self.assertEqual(read_zip(contents[("wsdl", "zip")])["main.wsdl"], WSDL.encode())
        self.check_generated_pom(contents, asset)

    def test_wsdl_by_link(self):
        asset = self.published(self.page_curl(
            ["x-sync-publication: true"],
            ["name=WSDL asset name", "description=Description of the asset", "type=soap-api",
             "properties.apiVersion=v1", "properties.assetLink=http://my-wsdl-api.com"], "wsdl-link"), "wsdl-link")
        self.assertEqual(asset["type"], "soap-api")
        self.assertEqual(self.attributes(asset), {"assetLink": "http://my-wsdl-api.com", "apiVersion": "v1"})
        contents = self.download_all(asset)
        self.assertEqual(set(contents), {("", "pom")}, "a linked API has only its generated POM")
        self.check_generated_pom(contents, asset)

    # --- Custom and HTTP -------------------------------------------------------------------------
    def test_custom(self):
        asset = self.published(self.page_curl(
            ["x-sync-publication: true"],
            ["name=custom asset name", "description=Description of the asset", "type=custom",
             f"files.custom.zip=@{self.files.library_jar}"], "custom-asset"), "custom-asset")
        self.assertEqual((asset["type"], asset["name"]), ("custom", "custom asset name"))
        contents = self.download_all(asset)
        self.assertEqual(set(contents), {("custom", "zip"), ("", "pom")})
        self.assertEqual(contents[("custom", "zip")], file_bytes(self.files.library_jar), "stored byte for byte")
        self.check_generated_pom(contents, asset)

    def test_custom_without_a_file(self):
        # "When the asset type is "Custom", uploading a file is optional."
        asset = self.published(self.page_curl(
            ["x-sync-publication: true"],
            ["name=custom asset name", "description=Description of the asset", "type=custom"], "custom-bare"),
            "custom-bare")
        self.assertEqual(set(self.download_all(asset)), {("", "pom")})

    def test_http_api(self):
        asset = self.published(self.page_curl(
            ["x-sync-publication: true"],
            ["name=http asset name", "description=Description of the asset", "type=http-api",
             "properties.assetLink=http://www.my-http-api-url.com", "properties.apiVersion=v3"], "http-asset"),
            "http-asset")
        self.assertEqual(asset["type"], "http-api")
        self.assertEqual(asset["versionGroup"], "v3")
        self.assertEqual(self.attributes(asset), {"assetLink": "http://www.my-http-api-url.com", "apiVersion": "v3"})
        contents = self.download_all(asset)
        self.assertEqual(set(contents), {("", "pom")})
        self.check_generated_pom(contents, asset)

    def test_v1_url(self):
        # "The only change to use it is replacing v2 with v1 in the URL."
        self.published(self.page_curl(
            ["x-sync-publication: true"],
            ["name=http asset name", "description=Description of the asset", "type=http-api",
             "properties.assetLink=http://www.my-http-api-url.com", "properties.apiVersion=v3"], "http-v1", api="v1"),
            "http-v1")
        response = self.server.get(f"/exchange/api/v1/assets/{self.org}/http-v1/1.0.0")
        self.assertEqual(response.status, 200, response)
        self.assertEqual((response.json()["assetId"], response.json()["type"]), ("http-v1", "http-api"))

    def test_single_files_instead_of_zips(self):
        # The page's notes: a single .raml with the type, a single oas file, a single wsdl file.
        cases = [("single-raml", ["type=rest-api", "properties.apiVersion=v1", f"files.raml.raml=@{self.files.raml_file}"],
                  "rest-api", ("raml", "raml")),
                 ("single-fragment", ["type=raml-fragment", f"files.raml-fragment.raml=@{self.files.oauth_raml}"],
                  "raml-fragment", ("raml-fragment", "raml")),
                 ("single-oas", ["properties.apiVersion=v1", f"files.oas.json=@{self.files.verato_json}"],
                  "rest-api", ("oas", "json")),
                 ("single-wsdl", ["properties.apiVersion=v1", f"files.wsdl.wsdl=@{self.files.wsdl_file}"],
                  "soap-api", ("wsdl", "wsdl"))]
        for asset_id, fields, asset_type, uploaded in cases:
            with self.subTest(asset_id):
                asset = self.published(self.page_curl(
                    ["x-sync-publication: true"], ["name=Single file", *fields], asset_id), asset_id)
                self.assertEqual(asset["type"], asset_type)
                self.assertIn(uploaded, self.download_all(asset), asset["files"])

    # --- Properties in a POM file ----------------------------------------------------------------
    def test_pom_mule_application(self):
        # The page's command has no x-sync-publication header: the publication is asynchronous.
        pom = self.files.pom_file("mule-app.pom", self.org, "mule-app", "1.0.0", "mule application name",
                                  "asset description")
        status, body = self.page_curl(
            [], [f"files.mule-application.jar=@{self.files.mule_app_jar}", f"files.pom=@{pom}"], "mule-app")
        self.assertEqual(status, 202, body)
        result = self.server.poll_publication(json.loads(body)["publicationStatusLink"])
        self.assertEqual(result["status"], "completed", result)
        self.assertEqual(result["assetType"], "app", result)
        response = self.server.asset(self.org, "mule-app", "1.0.0")
        self.assertEqual(response.status, 200, response)
        asset = response.json()
        self.assertEqual((asset["type"], asset["name"], asset["description"]),
                         ("app", "mule application name", "asset description"))
        contents = self.download_all(asset)
        self.assertEqual(set(contents), {("mule-application", "jar"), ("", "pom")})
        self.assertEqual(contents[("", "pom")], file_bytes(pom), "the uploaded POM is stored as sent")
        self.assertEqual(contents[("mule-application", "jar")], file_bytes(self.files.mule_app_jar))

    def test_pom_oas(self):
        pom = self.files.pom_file("pom.xml", self.org, "verato-pom", "1.0.0", "oas name", "The asset description",
                                  {"apiVersion": "v1", "mainFile": "verato.json"})
        asset = self.published(self.page_curl(
            ["x-sync-publication: true"], [f"files.pom.xml=@{pom}", f"files.oas.zip=@{self.files.verato_zip}"],
            "verato-pom"), "verato-pom")
        self.assertEqual((asset["type"], asset["name"], asset["description"]),
                         ("rest-api", "oas name", "The asset description"))
        self.assertEqual(self.attributes(asset), {"mainFile": "verato.json", "apiVersion": "v1"})
        contents = self.download_all(asset)
        self.assertEqual(contents[("", "pom")], file_bytes(pom))
        self.check_exchange_json(read_zip(contents[("oas", "zip")]), asset, "oas", "verato.json", "oas", "3.0.0")
        self.assertIn(("fat-oas", "zip"), contents)

    def test_pom_connector(self):
        pom = self.files.pom_file("connector.xml", self.org, "salesforce-connector", "10.4.1", "connector name",
                                  "connector description")
        asset = self.published(self.page_curl(
            ["x-sync-publication: true"],
            [f"files.pom=@{pom}", f"files.mule-plugin.jar=@{self.files.connector_jar}"], "salesforce-connector",
            "10.4.1"), "salesforce-connector", "10.4.1")
        self.assertEqual((asset["type"], asset["name"]), ("extension", "connector name"))
        contents = self.download_all(asset)
        self.assertEqual(set(contents), {("mule-plugin", "jar"), ("", "pom")})
        self.assertEqual(contents[("mule-plugin", "jar")], file_bytes(self.files.connector_jar))
        self.assertEqual(contents[("", "pom")], file_bytes(pom))


if __name__ == "__main__":
    unittest.main()
