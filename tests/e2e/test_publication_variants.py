"""Publication paths beyond the seed page's examples: single spec files instead of zips, the v1
API, and asynchronous jobs that survive the server being killed."""
import json
import os
import unittest

from agora_harness import AgoraServer, AgoraTestCase
from fixtures import Fixtures, read_zip


class SingleSpecFileTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files = Fixtures(cls.work, cls.org)

    def publish_single(self, asset_id, field, extra=()):
        status, body = self.server.publish(self.org, asset_id, "1.0.0",
                                           ["name=Single", "properties.apiVersion=v1", field, *extra])
        self.assertEqual(status, 201, body)
        return self.server.asset(self.org, asset_id, "1.0.0").json()

    def fat_of(self, asset, classifier):
        fat = next(f for f in asset["files"] if f["classifier"] == classifier)
        return read_zip(self.server.get_url(fat["downloadURL"]).body)

    def test_single_raml_file(self):
        asset = self.publish_single("single-raml", f"files.raml.raml=@{self.files.raml_file}")
        self.assertEqual(asset["type"], "rest-api")
        self.assertEqual((asset["originalFormat"], asset["originalFormatVersion"]), ("raml", "1.0"))
        fat = self.fat_of(asset, "fat-raml")
        self.assertIn("api.raml", fat)
        self.assertEqual(json.loads(fat["exchange.json"])["main"], "api.raml")

    def test_single_oas_yaml_and_json(self):
        asset = self.publish_single("single-yaml", f"files.oas.yaml=@{self.files.pets_yaml}")
        self.assertEqual((asset["type"], asset["originalFormatVersion"]), ("rest-api", "3.0.3"))
        self.assertIn("pets.yaml", self.fat_of(asset, "fat-oas"))
        asset = self.publish_single("single-json", f"files.oas.json=@{self.swagger_two()}")
        self.assertEqual((asset["originalFormat"], asset["originalFormatVersion"]), ("oas", "2.0"))

    def test_single_wsdl_file(self):
        asset = self.publish_single("single-wsdl", f"files.wsdl.wsdl=@{self.files.wsdl_file}")
        self.assertEqual(asset["type"], "soap-api")
        self.assertEqual((asset["originalFormat"], asset["originalFormatVersion"]), ("wsdl", "1.1"))

    def test_allowed_api_spec_formats_refuses_the_others(self):
        header = "x-allowed-api-spec-formats: application/vnd.oai.openapi;version=3.0, application/wsdl+xml"
        fields = ["name=Formats", "properties.apiVersion=v1"]
        for asset_id, field in [("formats-raml", f"files.raml.raml=@{self.files.raml_file}"),
                                ("formats-oas2", f"files.oas.json=@{self.swagger_two()}")]:
            result = self.server.publish(self.org, asset_id, "1.0.0", fields + [field], headers=[header])
            self.assertError(result, 400, "API_SPEC_FORMAT_NOT_ALLOWED")
            self.assertIn("x-allowed-api-spec-formats", json.loads(result[1])["message"])
            self.assertNotStored(self.org, asset_id, "1.0.0")
        status, body = self.server.publish(self.org, "formats-oas3", "1.0.0",
                                           fields + [f"files.oas.yaml=@{self.files.pets_yaml}"], headers=[header])
        self.assertEqual(status, 201, body)
        status, body = self.server.publish(self.org, "formats-wsdl", "1.0.0",
                                           fields + [f"files.wsdl.wsdl=@{self.files.wsdl_file}"], headers=[header])
        self.assertEqual(status, 201, body)
        status, body = self.server.publish(self.org, "formats-custom", "1.0.0", ["name=c", "type=custom"],
                                           headers=["x-allowed-api-spec-formats: application/raml"])
        self.assertEqual(status, 201, body)  # an asset without a spec has no format to refuse

        # Content of no known format, stored unread with x-file-validation: false, is in no list.
        unknown = os.path.join(self.work, "unknown.raml")
        with open(unknown, "w") as f:
            f.write("not a spec at all\n")
        result = self.server.publish(self.org, "formats-unknown", "1.0.0", fields + [f"files.raml.raml=@{unknown}"],
                                     headers=[header, "x-file-validation: false"])
        self.assertError(result, 400, "API_SPEC_FORMAT_NOT_ALLOWED")
        self.assertNotStored(self.org, "formats-unknown", "1.0.0")

        # A dry run answers the same; an entry that names no spec format is refused before the upload.
        result = self.server.publish(self.org, "formats-dry", "1.0.0", fields + [f"files.raml.raml=@{self.files.raml_file}"],
                                     headers=[header, "x-dry-run: true"])
        self.assertError(result, 400, "API_SPEC_FORMAT_NOT_ALLOWED")
        result = self.server.publish(self.org, "formats-typo", "1.0.0", fields + [f"files.raml.raml=@{self.files.raml_file}"],
                                     headers=["x-allowed-api-spec-formats: application/oas"])
        self.assertError(result, 400, "INVALID_HEADER")
        self.assertNotStored(self.org, "formats-typo", "1.0.0")

        # Asynchronously, the job ends in error and stores nothing.
        status, body = self.server.publish(self.org, "formats-async", "1.0.0",
                                           fields + [f"files.oas.yaml=@{self.files.pets_yaml}"], sync=False,
                                           headers=["x-allowed-api-spec-formats: application/raml;version=1.0"])
        self.assertEqual(status, 202, body)
        job = self.server.poll_publication(json.loads(body)["publicationStatusLink"])
        self.assertEqual(job["status"], "error", job)
        errors = [e for step in job["steps"] for e in step["errors"]]
        self.assertTrue(any("application/vnd.oai.openapi;version=3.0.3" in e for e in errors), job)
        self.assertNotStored(self.org, "formats-async", "1.0.0")

    def swagger_two(self):
        path = os.path.join(self.work, "swagger2.json")
        with open(path, "w") as f:
            f.write(json.dumps({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}))
        return path

    def test_same_file_field_twice_is_rejected(self):
        status, body = self.server.publish(self.org, "twice", "1.0.0", [
            "name=x", "type=custom", f"files.custom.jar=@{self.files.library_jar}",
            f"files.custom.jar=@{self.files.library_jar}"])
        self.assertError((status, body), 400, "INVALID_FILE_IDENTIFIER_ERROR")
        self.assertNotStored(self.org, "twice", "1.0.0")

    def test_api_group_bundles_apis(self):
        fields = ["name=h", "type=http-api", "properties.assetLink=http://x", "properties.apiVersion=v1"]
        self.assertEqual(self.server.publish(self.org, "member-api", "1.0.0", fields)[0], 201)
        self.assertEqual(self.server.publish(self.org, "not-an-api", "1.0.0", ["name=c", "type=custom"])[0], 201)
        status, body = self.server.publish(self.org, "group", "1.0.0", [
            "name=Group", "type=api-group", f"dependencies={self.org}:member-api:1.0.0"])
        self.assertEqual(status, 201, body)
        self.assertEqual(json.loads(body)["type"], "api-group")
        self.assertError(self.server.publish(self.org, "empty-group", "1.0.0", ["name=G", "type=api-group"]),
                         400, "MISSING_REQUIRED_PROPERTIES")
        self.assertError(self.server.publish(self.org, "odd-group", "1.0.0", [
            "name=G", "type=api-group", f"dependencies={self.org}:not-an-api:1.0.0"]), 400, "INVALID_DEPENDENCY")
        self.assertNotStored(self.org, "odd-group", "1.0.0")

    def test_v1_paths(self):
        status, body = self.server.curl("-H", "x-sync-publication: true", "-F", "name=v1", "-F", "type=custom",
                                        f"{self.server.base}/exchange/api/v1/organizations/{self.org}/assets/{self.org}/v1-asset/1.0.0")
        self.assertEqual(status, 201, body)
        response = self.server.get(f"/exchange/api/v1/assets/{self.org}/v1-asset/1.0.0")
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.json()["name"], "v1")

    def test_every_classifier_infers_its_type(self):
        cases = {"mule-plugin": "extension", "mule-application": "app", "mule-application-template": "template",
                 "mule-application-example": "example", "mule-policy": "policy", "custom": "custom"}
        for classifier, expected in cases.items():
            status, body = self.server.publish(self.org, f"infer-{classifier}", "1.0.0",
                                               ["name=x", f"files.{classifier}.jar=@{self.files.mule_app_jar}"])
            self.assertEqual(status, 201, body)
            self.assertEqual(json.loads(body)["type"], expected, classifier)


class CrashRecoveryTest(unittest.TestCase):
    def test_jobs_accepted_before_a_kill_finish_after_restart(self):
        server = AgoraServer().start()
        restarted = None
        try:
            links = []
            for i in range(30):
                status, body = server.publish(server.org, f"crash-{i}", "1.0.0", ["name=x", "type=custom"], sync=False)
                self.assertEqual(status, 202, body)
                links.append((f"crash-{i}", json.loads(body)["publicationStatusLink"]))
            server.kill()
            restarted = AgoraServer(data_dir=server.data_dir, port=server.port).start()
            restarted.token = server.token
            for asset_id, link in links:
                status = restarted.poll_publication(link)
                self.assertEqual(status["status"], "completed", status)
                self.assertEqual(restarted.asset(server.org, asset_id, "1.0.0").status, 200)
        finally:
            if restarted:
                restarted.stop()
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
