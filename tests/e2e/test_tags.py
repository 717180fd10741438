"""Tags, categories and custom fields: organisation definitions, values set at publication and
afterwards, and the checks against the definitions."""
import json
import unittest

from agora_harness import AgoraTestCase


class TagsTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.viewer = cls.server.create_token(cls.org, "viewer")
        cls.base = f"/exchange/api/v2/organizations/{cls.org}"

    def define(self, kind, body, token="admin"):
        return self.server.request("POST", f"{self.base}/{kind}", body=json.dumps(body),
                                   headers={"Content-Type": "application/json"}, token=token)

    def put(self, path, body):
        return self.server.request("PUT", path, body=json.dumps(body), headers={"Content-Type": "application/json"})

    def test_publication_needs_defined_keys(self):
        status, body = self.server.publish(self.org, "undefined-cat", "1.0.0",
                                           ["name=x", "type=custom", "categories.nothere=a"])
        self.assertError((status, body), 400, "INVALID_ASSET_METADATA")
        self.assertNotStored(self.org, "undefined-cat", "1.0.0")

    def test_definitions_and_values(self):
        created = self.define("categories", {"tagKey": "department", "displayName": "Department", "dataType": "enum",
                                             "acceptedValues": ["sales", "finance", "it"]})
        self.assertEqual(created.status, 201, created)
        self.assertEqual(self.define("fields", {"tagKey": "sla", "dataType": "number"}).status, 201)
        self.assertEqual(self.define("fields", {"tagKey": "owner", "dataType": "text"}).status, 201)
        self.assertError(self.define("categories", {"tagKey": "department", "dataType": "enum",
                                                    "acceptedValues": ["x"]}), 409, "DUPLICATED_TAG_KEY")
        self.assertError(self.define("categories", {"tagKey": "x", "dataType": "enum"}), 400, "BAD_REQUEST")
        for bad in ({"tagKey": "../x", "dataType": "text"}, {"tagKey": "a b", "dataType": "text"},
                    {"tagKey": "comma", "dataType": "enum", "acceptedValues": ["a,b", "c"]},
                    {"tagKey": "typed", "dataType": "text", "assetTypeRestrictions": ["banana"]}):
            self.assertError(self.define("fields", bad), 400, "BAD_REQUEST")
        self.assertEqual(self.define("fields", {"tagKey": "api.tier_2", "dataType": "text",
                                                "assetTypeRestrictions": ["rest-api", "connector"]}).status, 201)
        self.assertError(self.define("fields", {"tagKey": "y", "dataType": "text"}, token=self.viewer), 403, "FORBIDDEN")
        listed = self.server.get(f"{self.base}/categories").json()
        self.assertEqual([d["tagKey"] for d in listed], ["department"])
        self.assertEqual(listed[0]["acceptedValues"], ["sales", "finance", "it"])

        status, body = self.server.publish(self.org, "tagged", "1.0.0", [
            "name=Tagged", "type=custom", "tags=1, 2, 3", "categories.department=sales, it", "fields.sla=99.9",
            'fields=[{"key":"owner","value":"team blue"}]'])
        self.assertEqual(status, 201, body)
        # A category shows the display name its definition gives it, in the answer as in reads.
        shown = [{"key": "department", "value": ["sales", "it"], "displayName": "Department"}]
        self.assertEqual(json.loads(body)["categories"], shown)
        asset = self.server.asset(self.org, "tagged", "1.0.0").json()
        self.assertEqual(asset["labels"], ["1", "2", "3"])
        self.assertEqual(asset["categories"], shown)
        self.assertEqual({f["key"]: f["displayName"] for f in asset["customFields"]}, {"owner": "owner"},
                         "a definition without a display name shows its key")
        fields = {f["key"]: f["value"] for f in asset["customFields"]}
        self.assertEqual(fields, {"owner": "team blue"}, "the JSON form has priority over fields.<key>")
        status, body = self.server.publish(self.org, "tagged", "1.0.1", [
            "name=Tagged", "type=custom", 'fields=[{"key":"owner","value":"team red"}]', "fields.sla=99.9",
            "categories.department=it"])
        self.assertEqual(status, 201, body)
        asset = self.server.asset(self.org, "tagged", "1.0.1").json()
        self.assertEqual({f["key"]: f["value"] for f in asset["customFields"]}, {"owner": "team red"})
        self.assertEqual(asset["categories"][0]["value"], ["it"])
        status, body = self.server.publish(self.org, "tagged-sla", "1.0.0", ["name=x", "type=custom", "fields.sla=99.9"])
        self.assertEqual(status, 201, body)
        self.assertEqual(self.server.asset(self.org, "tagged-sla", "1.0.0").json()["customFields"][0]["value"], "99.9")

        self.assertError(self.server.publish(self.org, "bad-enum", "1.0.0", [
            "name=x", "type=custom", "categories.department=marketing"]), 400, "INVALID_ASSET_METADATA")
        self.assertError(self.server.publish(self.org, "bad-number", "1.0.0", [
            "name=x", "type=custom", "fields.sla=fast"]), 400, "INVALID_ASSET_METADATA")
        for bad in ("fields.sla=NaN", "fields.sla=1e999", 'fields=[{"key":"sla","value":{"n":1}}]',
                    'categories=[{"key":"department","value":[true]}]'):
            self.assertError(self.server.publish(self.org, "bad-value", "1.0.0", ["name=x", "type=custom", bad]), 400,
                             "INVALID_ASSET_METADATA")
            self.assertNotStored(self.org, "bad-value", "1.0.0")
        status, body = self.server.publish(self.org, "json-number", "1.0.0", [
            "name=x", "type=custom", 'fields=[{"key":"sla","value":99.5}]'])
        self.assertEqual(status, 201, body)
        self.assertEqual(self.server.asset(self.org, "json-number", "1.0.0").json()["customFields"][0]["value"], "99.5")

        version = f"/exchange/api/v2/assets/{self.org}/tagged/1.0.1"  # the latest, which listings show
        self.assertEqual(self.put(f"{version}/tags", [{"value": "blue"}, {"value": "green"}]).status, 204)
        self.assertEqual(self.server.get(version).json()["labels"], ["blue", "green"])
        self.assertEqual(self.server.get("/exchange/api/v2/assets/search?tags=green").json()[0]["assetId"], "tagged")
        self.assertError(self.put(f"{version}/tags", {"value": "x"}), 400, "BAD_REQUEST")
        self.assertEqual(self.put(f"{version}/tags/categories/department", {"tagValue": ["finance"]}).status, 204)
        self.assertEqual(self.server.get(version).json()["categories"][0]["value"], ["finance"])
        found = self.server.get("/exchange/api/v2/assets/search?search=financ").json()
        self.assertEqual([a["assetId"] for a in found], ["tagged"], "category values are searchable")
        self.assertError(self.put(f"{version}/tags/categories/department", {"tagValue": ["marketing"]}), 400,
                         "INVALID_ASSET_METADATA")
        self.assertError(self.put(f"{version}/tags/categories/region", {"tagValue": ["eu"]}), 400, "INVALID_ASSET_METADATA")
        self.assertEqual(self.put(f"{version}/tags/fields/sla", 42).status, 204)
        self.assertEqual(self.server.request("DELETE", f"{version}/tags/fields/owner").status, 204)
        fields = {f["key"]: f["value"] for f in self.server.get(version).json()["customFields"]}
        self.assertEqual(fields, {"sla": "42"}, "owner removed, sla set")
        viewer_put = self.server.request("PUT", f"{version}/tags", body=json.dumps([]), token=self.viewer)
        self.assertError(viewer_put, 403, "FORBIDDEN")

        definition = listed[0]["id"]
        self.assertEqual(self.server.request("DELETE", f"{self.base}/categories/{definition}").status, 204)
        self.assertError(self.server.request("DELETE", f"{self.base}/categories/{definition}"), 404, "NOT_FOUND")
        # A definition may also be named by its tagKey, as PATCH names it.
        self.assertError(self.server.request("DELETE", f"{self.base}/fields/sla", token=self.viewer), 403, "FORBIDDEN")
        self.assertEqual(self.server.request("DELETE", f"{self.base}/fields/sla").status, 204)
        self.assertNotIn("sla", [d["tagKey"] for d in self.server.get(f"{self.base}/fields").json()])
        self.assertError(self.server.request("DELETE", f"{self.base}/fields/sla"), 404, "NOT_FOUND")


if __name__ == "__main__":
    unittest.main()
