"""Publication reads every spec it stores: invalid specs are refused (sync 400, async error) with
every problem at file:line:column, x-file-validation: false skips the check, dependencies resolve
through exchange_modules/, and the extracted model is served at .../api/model and searchable."""
import json
import os
import unittest

import fixtures
from agora_harness import AgoraTestCase

GOOD_OAS = """openapi: 3.0.3
info: {title: Baggage Tracking, version: '1.0'}
servers: [{url: 'https://bags.example.com/v1'}]
paths:
  /bags/{tag}:
    get:
      parameters: [{name: tag, in: path, required: true, schema: {type: string}}]
      operationId: trackBaggageItem
      responses: {'200': {$ref: 'responses.yaml#/found'}}
"""

LIBRARY = "#%RAML 1.0 Library\nresourceTypes:\n  collection:\n    get: {}\n"

API_USING_DEPENDENCY = """#%RAML 1.0
title: Crew Rosters
uses:
  lib: exchange_modules/{org}/crew-library/1.0.0/lib.raml
/rosters:
  type: lib.collection
  /{{id}}:
    get:
      displayName: getRoster
"""


class SpecValidationTest(AgoraTestCase):
    maxDiff = None
    def zip(self, name, entries):
        path = os.path.join(self.work, name)
        fixtures.write_zip(path, entries)
        return path

    def publish_oas(self, asset, entries, sync=True, headers=()):
        return self.server.publish(self.org, asset, "1.0.0", [
            "name=" + asset, "properties.apiVersion=v1", "properties.mainFile=api.yaml",
            f"files.oas.zip=@{self.zip(asset + '.zip', entries)}"], sync=sync, headers=headers)

    def test_valid_spec_model_and_search(self):
        status, body = self.publish_oas("baggage", {"api.yaml": GOOD_OAS, "responses.yaml": "found: {description: ok}\n"})
        self.assertEqual(status, 201, body)
        self.assertEqual(json.loads(body)["originalFormatVersion"], "3.0.3")
        model = self.server.get(f"/exchange/api/v2/assets/{self.org}/baggage/1.0.0/api/model").json()
        self.assertEqual(model["title"], "Baggage Tracking")
        self.assertEqual(model["baseUris"], ["https://bags.example.com/v1"])
        self.assertEqual(model["resources"], [{"path": "/bags/{tag}", "location": "api.yaml:6:5", "operations": [
            {"method": "get", "operationId": "trackBaggageItem", "summary": "", "location": "api.yaml:7:7",
             "parameters": [{"name": "tag", "in": "path", "required": True, "location": "api.yaml:7:20",
                             "shape": {"type": "string", "location": "api.yaml:7:66"}}],
             "responses": [{"status": "200", "description": "ok", "location": "api.yaml:9:26"}]}]}])
        self.assertEqual(model["files"], ["api.yaml", "responses.yaml"])
        found = self.server.get("/exchange/api/v2/assets/search?search=trackBaggage").json()
        self.assertIn("baggage", [a["assetId"] for a in found], "operation ids are searchable")

    def test_invalid_spec_sync_lists_every_problem(self):
        broken = GOOD_OAS.replace("title: Baggage Tracking, ", "").replace("/bags/{tag}", "bags")
        result = self.publish_oas("broken-bags", {"api.yaml": broken})
        error = self.assertError(result, 400, "INVALID_SPEC")
        problems = error["details"]["errors"]
        self.assertIn("api.yaml:2:7: the required property 'title' is missing in 'info'", problems)
        self.assertTrue(any(p.startswith("api.yaml:6:5: the path 'bags' does not start with '/'") for p in problems),
                        problems)
        self.assertTrue(any("'responses.yaml' is not in the archive" in p for p in problems), problems)
        self.assertNotStored(self.org, "broken-bags", "1.0.0")

    def test_invalid_spec_async_ends_in_error(self):
        status, body = self.publish_oas("async-broken", {"api.yaml": "openapi: 3.0.3\ninfo: [\n"}, sync=False)
        self.assertEqual(status, 202, body)
        final = self.server.poll_publication(json.loads(body)["publicationStatusLink"])
        self.assertEqual(final["status"], "error")
        errors = [e for step in final["steps"] for e in step.get("errors", [])]
        self.assertTrue(any(e.startswith("api.yaml:3:") for e in errors), final)
        self.assertNotStored(self.org, "async-broken", "1.0.0")

    def test_file_validation_false_stores_it_anyway(self):
        status, body = self.publish_oas("unchecked", {"api.yaml": GOOD_OAS}, headers=["x-file-validation: false"])
        self.assertEqual(status, 201, body)
        self.assertEqual(self.server.asset(self.org, "unchecked", "1.0.0").status, 200)

    def test_dependency_content_resolves_through_exchange_modules(self):
        status, body = self.server.publish(self.org, "crew-library", "1.0.0", [
            "name=Crew library", f"files.raml-fragment.zip=@{self.zip('lib.zip', {'lib.raml': LIBRARY})}",
            "properties.mainFile=lib.raml"])
        self.assertEqual(status, 201, body)
        api = {"api.raml": API_USING_DEPENDENCY.format(org=self.org)}
        fields = ["name=Crew", "properties.apiVersion=v1", "properties.mainFile=api.raml",
                  f"files.raml.zip=@{self.zip('crew.zip', api)}"]
        self.assertError(self.server.publish(self.org, "crew-nodep", "1.0.0", fields), 400, "INVALID_SPEC")
        status, body = self.server.publish(self.org, "crew", "1.0.0",
                                           fields + [f"dependencies={self.org}:crew-library:1.0.0"])
        self.assertEqual(status, 201, body)
        model = self.server.get(f"/exchange/api/v2/assets/{self.org}/crew/1.0.0/api/model").json()
        self.assertEqual([r["path"] for r in model["resources"]], ["/rosters", "/rosters/{id}"])

    def test_model_of_assets_without_a_spec_and_access(self):
        status, body = self.server.publish(self.org, "plain", "1.0.0", ["name=Plain", "type=custom",
                                                                         f"files.custom.txt=@{fixtures.write(os.path.join(self.work, 'a.txt'), 'x')}"])
        self.assertEqual(status, 201, body)
        self.assertError(self.server.get(f"/exchange/api/v2/assets/{self.org}/plain/1.0.0/api/model"), 404, "NOT_FOUND")
        self.assertError(self.server.get(f"/exchange/api/v2/assets/{self.org}/none/1.0.0/api/model"), 404, "NOT_FOUND")
        self.assertError(self.server.get(f"/exchange/api/v2/assets/{self.org}/plain/1.0.0/api/model", token=None),
                         401, "UNAUTHORIZED")


if __name__ == "__main__":
    unittest.main()
