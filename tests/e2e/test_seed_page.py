"""Every example of the Exchange API v2 "Asset Creation" page, run with the real curl, verbatim but
for the host, the token, the ids and the file paths; each asset is then read back and its files
downloaded and checked."""
import json
import unittest
import xml.etree.ElementTree as ElementTree

from agora_harness import AgoraTestCase
from fixtures import Fixtures, read_zip


class SeedPageTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files = Fixtures(cls.work, cls.org)

    def run_page_curl(self, headers, fields, asset_id, version="1.0.0"):
        """The page's `curl -v -H ... -F ... URL`, with -v replaced by output capture."""
        args = []
        for header in headers:
            args += ["-H", header]
        for field in fields:
            args += ["-F", field]
        url = f"{self.server.base}/exchange/api/v2/organizations/{self.org}/assets/{self.org}/{asset_id}/{version}"
        return self.server.curl(*args, url)

    def download(self, asset, classifier, packaging):
        file = next((f for f in asset["files"] if f["classifier"] == classifier and f["packaging"] == packaging), None)
        self.assertIsNotNone(file, f"no {classifier}.{packaging} in {[ (f['classifier'], f['packaging']) for f in asset['files']]}")
        response = self.server.get_url(file["downloadURL"])
        self.assertEqual(response.status, 200, response)
        self.assertEqual(int(response.header("Content-Length")), len(response.body))
        self.assertEqual(file["size"], len(response.body))
        return response.body

    def read_back(self, asset_id, version="1.0.0"):
        response = self.server.asset(self.org, asset_id, version)
        self.assertEqual(response.status, 200, response)
        return response.json()

    def attributes(self, asset):
        return {a["key"]: a["value"] for a in asset["attributes"] if a["key"] != "keyword"}

    def check_generated_pom(self, asset, asset_id, version="1.0.0"):
        pom = ElementTree.fromstring(self.download(asset, None, "pom"))
        ns = {"m": "http://maven.apache.org/POM/4.0.0"}
        self.assertEqual(pom.find("m:groupId", ns).text, self.org)
        self.assertEqual(pom.find("m:artifactId", ns).text, asset_id)
        self.assertEqual(pom.find("m:version", ns).text, version)

    def publish_dependencies(self):
        for asset_id, path in (("training-american-flight-data-type", self.files.flight_type_zip),
                               ("training-american-flights-example", self.files.flight_example_zip)):
            status, body = self.run_page_curl(
                ["x-sync-publication: true"],
                [f"name={asset_id}", "description=dependency", f"files.raml-fragment.zip=@{path}"], asset_id, "1.0.1")
            self.assertIn(status, (201, 409), body)

    def test_raml(self):
        created = self.assertCreated(self.run_page_curl(
            ["x-sync-publication: true"],
            ["name=RAML asset name", "description=Description of the asset", "keywords=this, is, the, best, raml",
             "properties.mainFile=american-flights-api.raml", "properties.apiVersion=v1",
             f"files.raml.zip=@{self.files.simple_raml_zip}"], "raml-asset"))
        self.assertEqual(created["type"], "rest-api")
        asset = self.read_back("raml-asset")
        self.assertEqual(asset["name"], "RAML asset name")
        self.assertEqual(asset["description"], "Description of the asset")
        self.assertEqual(asset["status"], "published")
        self.assertEqual(asset["versionGroup"], "v1")
        self.assertEqual(self.attributes(asset)["mainFile"], "american-flights-api.raml")
        self.assertEqual(self.attributes(asset)["apiVersion"], "v1")
        self.assertEqual(asset["keywords"], ["this", "is", "the", "best", "raml"])
        main = read_zip(self.download(asset, "raml", "zip"))
        exchange = json.loads(main["exchange.json"])
        self.assertEqual(exchange["main"], "american-flights-api.raml")
        self.assertEqual(exchange["classifier"], "raml")
        self.assertEqual((exchange["groupId"], exchange["assetId"], exchange["version"]), (self.org, "raml-asset", "1.0.0"))
        self.assertEqual(exchange["apiVersion"], "v1")
        self.assertEqual(exchange["organizationId"], self.org)
        self.assertEqual((exchange["originalFormat"], exchange["originalFormatVersion"]), ("raml", "1.0"))
        fat = read_zip(self.download(asset, "fat-raml", "zip"))
        self.assertIn("american-flights-api.raml", fat)
        self.check_generated_pom(asset, "raml-asset")

    def test_raml_with_dependencies(self):
        self.publish_dependencies()
        created = self.assertCreated(self.run_page_curl(
            ["x-sync-publication: true"],
            ["name=RAML asset name", "description=Description of the asset", "keywords=this, is, the, best, raml",
             f"dependencies={self.org}:training-american-flight-data-type:1.0.1,{self.org}:training-american-flights-example:1.0.1",
             "properties.mainFile=american-flights-api.raml", "properties.apiVersion=v1",
             f"files.raml.zip=@{self.files.flights_zip}"], "training-american-flights-api"))
        asset = self.read_back("training-american-flights-api")
        self.assertEqual({(d["assetId"], d["version"]) for d in asset["dependencies"]},
                         {("training-american-flight-data-type", "1.0.1"), ("training-american-flights-example", "1.0.1")})
        main = read_zip(self.download(asset, "raml", "zip"))
        self.assertFalse([n for n in main if n.startswith("exchange_modules/")],
                         "declared dependencies remove the uploaded exchange_modules")
        exchange = json.loads(main["exchange.json"])
        self.assertEqual(exchange["main"], "american-flights-api.raml", "the uploaded exchange.json is replaced")
        self.assertEqual(len(exchange["dependencies"]), 2)
        fat = read_zip(self.download(asset, "fat-raml", "zip"))
        prefix = f"exchange_modules/{self.org}"
        self.assertIn(f"{prefix}/training-american-flight-data-type/1.0.1/AmericanFlightDataType.raml", fat)
        self.assertIn(f"{prefix}/training-american-flights-example/1.0.1/AmericanFlightsExample.raml", fat)
        self.assertIn(b"#%RAML 1.0 DataType",
                      fat[f"{prefix}/training-american-flight-data-type/1.0.1/AmericanFlightDataType.raml"])
        self.assertIn("american-flights-api.raml", fat)

    def test_raml_fragment(self):
        self.assertCreated(self.run_page_curl(
            ["x-sync-publication: true"],
            ["name=RAML Fragment asset name", "description=Description of the asset", "properties.mainFile=OAuth2.raml",
             f"files.raml-fragment.zip=@{self.files.oauth_zip}"], "oauth2-fragment"))
        asset = self.read_back("oauth2-fragment")
        self.assertEqual(asset["type"], "raml-fragment")
        exchange = json.loads(read_zip(self.download(asset, "raml-fragment", "zip"))["exchange.json"])
        self.assertEqual(exchange["main"], "OAuth2.raml")
        self.assertEqual(exchange["classifier"], "raml-fragment")
        self.assertIn("OAuth2.raml", read_zip(self.download(asset, "fat-raml-fragment", "zip")))

    def test_oas(self):
        self.assertCreated(self.run_page_curl(
            ["x-sync-publication: true"],
            ["name=OAS asset name", "description=Description of the asset", "properties.mainFile=verato.json",
             "properties.apiVersion=v1", f"files.oas.zip=@{self.files.verato_zip}"], "verato"))
        asset = self.read_back("verato")
        self.assertEqual(asset["type"], "rest-api")
        self.assertEqual((asset["originalFormat"], asset["originalFormatVersion"]), ("oas", "3.0.0"))
        exchange = json.loads(read_zip(self.download(asset, "oas", "zip"))["exchange.json"])
        self.assertEqual((exchange["main"], exchange["classifier"]), ("verato.json", "oas"))
        self.assertIn("verato.json", read_zip(self.download(asset, "fat-oas", "zip")))

    def test_wsdl_by_file(self):
        self.assertCreated(self.run_page_curl(
            ["x-sync-publication: true"],
            ["name=WSDL asset name", "description=The wsdl v2", "properties.apiVersion=v1",
             "properties.mainFile=main.wsdl", f"files.wsdl.zip=@{self.files.wsdl_zip}"], "wsdl-asset"))
        asset = self.read_back("wsdl-asset")
        self.assertEqual(asset["type"], "soap-api")
        self.assertEqual(read_zip(self.download(asset, "wsdl", "zip"))["main.wsdl"].decode()[:5], "<?xml")

    def test_wsdl_by_link(self):
        self.assertCreated(self.run_page_curl(
            ["x-sync-publication: true"],
            ["name=WSDL asset name", "description=Description of the asset", "type=soap-api",
             "properties.apiVersion=v1", "properties.assetLink=http://my-wsdl-api.com"], "wsdl-link"))
        asset = self.read_back("wsdl-link")
        self.assertEqual(asset["type"], "soap-api")
        self.assertEqual(self.attributes(asset)["assetLink"], "http://my-wsdl-api.com")

    def test_custom(self):
        self.assertCreated(self.run_page_curl(
            ["x-sync-publication: true"],
            ["name=custom asset name", "description=Description of the asset", "type=custom",
             f"files.custom.zip=@{self.files.library_jar}"], "custom-asset"))
        asset = self.read_back("custom-asset")
        self.assertEqual(asset["type"], "custom")
        with open(self.files.library_jar, "rb") as f:
            self.assertEqual(self.download(asset, "custom", "zip"), f.read())
        self.check_generated_pom(asset, "custom-asset")

    def test_http_api(self):
        self.assertCreated(self.run_page_curl(
            ["x-sync-publication: true"],
            ["name=http asset name", "description=Description of the asset", "type=http-api",
             "properties.assetLink=http://www.my-http-api-url.com", "properties.apiVersion=v3"], "http-asset"))
        asset = self.read_back("http-asset")
        self.assertEqual(asset["type"], "http-api")
        self.assertEqual(self.attributes(asset)["assetLink"], "http://www.my-http-api-url.com")
        self.assertEqual(self.attributes(asset)["apiVersion"], "v3")

    def test_pom_mule_application(self):
        pom = self.files.pom_file("mule-app.pom", self.org, "mule-app", "1.0.0", "mule application name", "asset description")
        status, body = self.run_page_curl(
            [], [f"files.mule-application.jar=@{self.files.mule_app_jar}", f"files.pom=@{pom}"], "mule-app")
        self.assertEqual(status, 202, body)
        result = self.server.poll_publication(json.loads(body)["publicationStatusLink"])
        self.assertEqual(result["status"], "completed", result)
        asset = self.read_back("mule-app")
        self.assertEqual(asset["type"], "app")
        self.assertEqual(asset["name"], "mule application name")
        with open(pom, "rb") as f:
            self.assertEqual(self.download(asset, None, "pom"), f.read(), "the uploaded POM is stored as sent")

    def test_pom_oas(self):
        pom = self.files.pom_file("pom.xml", self.org, "verato-pom", "1.0.0", "oas name", "The asset description",
                                  {"apiVersion": "v1", "mainFile": "verato.json"})
        self.assertCreated(self.run_page_curl(
            ["x-sync-publication: true"], [f"files.pom.xml=@{pom}", f"files.oas.zip=@{self.files.verato_zip}"], "verato-pom"))
        asset = self.read_back("verato-pom")
        self.assertEqual(asset["name"], "oas name")
        self.assertEqual(self.attributes(asset)["mainFile"], "verato.json")
        self.assertEqual(asset["type"], "rest-api")

    def test_pom_connector(self):
        pom = self.files.pom_file("connector.xml", self.org, "salesforce-connector", "10.4.1", "connector name",
                                  "connector description")
        self.assertCreated(self.run_page_curl(
            ["x-sync-publication: true"],
            [f"files.pom=@{pom}", f"files.mule-plugin.jar=@{self.files.connector_jar}"], "salesforce-connector", "10.4.1"))
        asset = self.read_back("salesforce-connector", "10.4.1")
        self.assertEqual(asset["type"], "extension")
        self.assertEqual(asset["name"], "connector name")


if __name__ == "__main__":
    unittest.main()
