"""Asynchronous publication: 202, a status link that reports the steps, and the result."""
import json
import unittest

from agora_harness import AgoraServer, AgoraTestCase
from fixtures import Fixtures


class AsyncPublicationTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files = Fixtures(cls.work, cls.org)

    def submit(self, asset_id, fields, headers=()):
        args = []
        for header in headers:
            args += ["-H", header]
        for field in fields:
            args += ["-F", field]
        status, body = self.server.curl(*args, self.server.publish_url(self.org, asset_id, "1.0.0"))
        self.assertEqual(status, 202, body)
        return json.loads(body)["publicationStatusLink"]

    def test_without_header_publication_is_asynchronous(self):
        link = self.submit("async-raml", ["name=Async", "properties.apiVersion=v1",
                                          "properties.mainFile=american-flights-api.raml",
                                          f"files.raml.zip=@{self.files.simple_raml_zip}"])
        self.assertTrue(link.startswith(f"{self.server.base}/exchange/api/v2/organizations/{self.org}/assets/"
                                        f"{self.org}/async-raml/1.0.0/publication/status/"), link)
        status = self.server.poll_publication(link)
        self.assertEqual(status["status"], "completed", status)
        self.assertEqual(status["assetType"], "rest-api")
        self.assertTrue(all(step["status"] == "completed" and step["errors"] == [] for step in status["steps"]), status)
        self.assertEqual(status["asset"]["assetId"], "async-raml")
        self.assertEqual(self.server.asset(self.org, "async-raml", "1.0.0").status, 200)

    def test_false_header_is_asynchronous_too(self):
        link = self.submit("async-false", ["name=x", "type=custom"], headers=["x-sync-publication: false"])
        self.assertEqual(self.server.poll_publication(link)["status"], "completed")

    def test_failed_publication_reports_the_problem_and_stores_nothing(self):
        link = self.submit("async-broken", ["name=x", "properties.apiVersion=v1", "properties.mainFile=absent.raml",
                                            f"files.raml.zip=@{self.files.simple_raml_zip}"])
        status = self.server.poll_publication(link)
        self.assertEqual(status["status"], "error", status)
        errors = [e for step in status["steps"] for e in step["errors"]]
        self.assertTrue(any("absent.raml" in e for e in errors), status)
        self.assertNotStored(self.org, "async-broken", "1.0.0")

    def test_status_of_unknown_run_is_404(self):
        response = self.server.get(f"/exchange/api/v2/organizations/{self.org}/assets/{self.org}/x/1.0.0/publication/status/nope")
        self.assertError(response, 404, "NOT_FOUND")

    def test_public_url_is_the_base_of_links(self):
        server = AgoraServer(["--public-url", "https://exchange.example.com/"]).start()
        try:
            status, body = server.curl("-F", "name=x", "-F", "type=custom", server.publish_url(server.org, "linked", "1.0.0"))
            self.assertEqual(status, 202, body)
            link = json.loads(body)["publicationStatusLink"]
            self.assertTrue(link.startswith(f"https://exchange.example.com/exchange/api/v2/organizations/{server.org}/"), link)
        finally:
            server.stop()
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
