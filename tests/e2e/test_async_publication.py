"""Asynchronous publication: 202, a status link that reports the steps, and the result."""
import json
import unittest
import urllib.parse

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
        self.assertTrue(status["steps"], status)
        for step in status["steps"]:
            self.assertIsInstance(step["description"], str, step)
            self.assertEqual((step["status"], step["errors"]), ("completed", []), status)
        self.assertEqual((status["asset"]["organizationId"], status["asset"]["groupId"], status["asset"]["assetId"],
                          status["asset"]["version"]), (self.org, self.org, "async-raml", "1.0.0"), status)
        asset = self.server.asset(self.org, "async-raml", "1.0.0")
        self.assertEqual(asset.status, 200, asset)
        self.assertIn("fat-raml", [f["classifier"] for f in asset.json()["files"]], "processed as a sync one is")

    def test_link_uses_the_host_the_client_used(self):
        status, body = self.server.curl("-H", f"Host: exchange.internal:{self.server.port}", "-F", "name=x",
                                        "-F", "type=custom", self.server.publish_url(self.org, "via-host", "1.0.0"))
        self.assertEqual(status, 202, body)
        link = json.loads(body)["publicationStatusLink"]
        prefix = f"http://exchange.internal:{self.server.port}/exchange/api/v2/organizations/{self.org}/assets/"
        self.assertTrue(link.startswith(prefix), link)
        status = self.server.poll_publication(f"{self.server.base}{urllib.parse.urlsplit(link).path}")
        self.assertEqual(status["status"], "completed", status)

    def test_false_header_is_asynchronous_too(self):
        link = self.submit("async-false", ["name=x", "type=custom"], headers=["x-sync-publication: false"])
        self.assertEqual(self.server.poll_publication(link)["status"], "completed")

    def test_failed_publication_reports_the_problem_and_stores_nothing(self):
        link = self.submit("async-broken", ["name=x", "properties.apiVersion=v1", "properties.mainFile=absent.raml",
                                            f"files.raml.zip=@{self.files.simple_raml_zip}"])
        status = self.server.poll_publication(link)
        self.assertEqual(status["status"], "error", status)
        failed = [step for step in status["steps"] if step["errors"]]
        self.assertTrue(failed, status)
        self.assertEqual(failed[0]["status"], "error", status)
        self.assertTrue(any("absent.raml" in e for step in failed for e in step["errors"]), status)
        self.assertEqual(status["assetType"], "rest-api", "the type the files imply, though the publication failed")
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
            self.assertTrue(link.startswith(f"https://exchange.example.com/exchange/api/v2/organizations/{server.org}/"
                                            f"assets/{server.org}/linked/1.0.0/publication/status/"), link)
            status = server.poll_publication(f"{server.base}{urllib.parse.urlsplit(link).path}")
            self.assertEqual(status["status"], "completed", status)
            file = server.asset(server.org, "linked", "1.0.0").json()["files"][0]
            self.assertTrue(file["downloadURL"].startswith("https://exchange.example.com/exchange/files/api/v1/"), file)
        finally:
            server.stop()
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
