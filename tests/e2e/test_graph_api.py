"""The Graph API Exchange clients search with: /graph/api/v1|v2/graphql, `assets` and `asset`."""
import json
import unittest

from agora_harness import AgoraTestCase

ANYPOINT_CLI_QUERY = ("query ($organizationIds: [String], $limit: Int, $offset: Int, $searchText: String!) {\n"
                      "  assets(\n    limit: $limit\n    offset: $offset\n    searchTerm: $searchText\n"
                      "    organizationIds: $organizationIds\n  ) {\n    groupId\n    assetId\n    version\n    name\n"
                      "    type\n    updatedDate\n    createdDate\n    __typename\n  }\n}\n")


class GraphApiTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.child = cls.server.admin("create-org", "--parent", cls.org, "Child Org")
        cls.other = cls.server.create_org("Other Org")
        cls.other_token = cls.server.create_token(cls.other, "admin")
        for asset, version, org, description in (("kite-api", "1.0.0", cls.org, "Flies kites"),
                                                 ("kite-api", "1.1.0", cls.org, "Flies kites better"),
                                                 ("kite-tools", "1.0.0", cls.child, "Kite repair tools"),
                                                 ("secret-kite", "1.0.0", cls.other, "Not yours")):
            token = cls.other_token if org == cls.other else "admin"
            status, body = cls.server.publish(org, asset, version, ["name=" + asset.replace("-", " ").title(),
                                                                    "type=custom", f"description={description}"],
                                              token=token, org=org)
            assert status == 201, body

    def graph(self, query, variables=None, token="admin", version="v2", operation=None, raw=None):
        body = raw if raw is not None else json.dumps({"query": query, "variables": variables or {},
                                                       "operationName": operation})
        return self.server.request("POST", f"/graph/api/{version}/graphql", body=body, token=token,
                                   headers={"Content-Type": "application/json"})

    def test_the_anypoint_cli_query_with_the_token_in_the_variables(self):
        variables = {"limit": 10, "offset": 0, "searchText": "kite", "accessToken": self.token}
        response = self.graph(ANYPOINT_CLI_QUERY, variables, token=None)
        self.assertEqual(response.status, 200, response)
        assets = response.json()["data"]["assets"]
        self.assertEqual(sorted((a["assetId"], a["version"]) for a in assets),
                         [("kite-api", "1.1.0"), ("kite-tools", "1.0.0")], "latest versions, business group included")
        for a in assets:
            self.assertEqual(list(a), ["groupId", "assetId", "version", "name", "type", "updatedDate", "createdDate",
                                       "__typename"], "exactly the fields asked for, in order")
            self.assertEqual(a["__typename"], "Asset")

    def test_organisations_types_paging_and_all_versions(self):
        query = ("query ($ids: [String], $all: Boolean) { assets(searchTerm: \"kite\", organizationIds: $ids, "
                 "latestVersionsOnly: $all, types: [\"custom\"]) { assetId version organizationId } }")
        only_child = self.graph(query, {"ids": [self.child]}).json()["data"]["assets"]
        self.assertEqual([a["assetId"] for a in only_child], ["kite-tools"])
        foreign = self.graph(query, {"ids": [self.other]}).json()["data"]["assets"]
        self.assertEqual(foreign, [], "another organisation's assets are filtered out")
        every = self.graph(query, {"all": False}).json()["data"]["assets"]
        self.assertEqual(len([a for a in every if a["assetId"] == "kite-api"]), 2)
        none = self.graph('{ assets(searchTerm: "kite", types: ["rest-api"]) { assetId } }').json()["data"]["assets"]
        self.assertEqual(none, [])
        paged = self.graph('{ assets(searchTerm: "kite", limit: 1, offset: 1) { assetId } }').json()["data"]["assets"]
        self.assertEqual(len(paged), 1)

    def test_one_asset_with_aliases_fragments_and_nested_fields(self):
        query = ("query One($g: String!) { latest: asset(groupId: $g, assetId: \"kite-api\") { ...Names } "
                 "first: asset(groupId: $g, assetId: \"kite-api\", version: \"1.0.0\") { ...Names "
                 "files { classifier packaging __typename } organization { id __typename } } } "
                 "fragment Names on Asset { __typename version name description }")
        response = self.graph(query, {"g": self.org}, version="v1", operation="One")
        data = response.json()["data"]
        self.assertEqual(data["latest"]["version"], "1.1.0")
        self.assertEqual(data["first"]["description"], "Flies kites")
        self.assertEqual(data["first"]["organization"], {"id": self.org, "__typename": "Organization"})
        self.assertIn({"classifier": None, "packaging": "pom", "__typename": "File"}, data["first"]["files"])

    def test_assets_of_other_organisations_are_not_found(self):
        query = f'{{ asset(groupId: "{self.other}", assetId: "secret-kite", version: "1.0.0") {{ name }} }}'
        body = self.graph(query).json()
        self.assertIsNone(body["data"]["asset"])
        self.assertIn("not found", body["errors"][0]["message"])
        self.assertEqual(body["errors"][0]["path"], ["asset"])

    def test_graphql_errors_come_back_as_errors_entries(self):
        body = self.graph("{ assets(searchTerm: \"kite\") { assetId ").json()
        self.assertIn("Syntax Error", body["errors"][0]["message"])
        self.assertEqual(body["errors"][0]["locations"][0]["line"], 1)
        body = self.graph("{ users { id } }").json()
        self.assertIn('Cannot query field "users"', body["errors"][0]["message"])
        body = self.graph("mutation { deleteAsset(id: 1) }").json()
        self.assertIn("only queries are supported", body["errors"][0]["message"])
        body = self.graph(ANYPOINT_CLI_QUERY, {"limit": 5}).json()
        self.assertIn('"$searchText" of required type "String!" was not provided', body["errors"][0]["message"])
        body = self.graph('{ assets(types: ["spaceship"]) { assetId } }').json()
        self.assertIn("Unknown asset type", body["errors"][0]["message"])
        body = self.graph('{ assets(limit: 100000) { assetId } }').json()
        self.assertIn("limit", body["errors"][0]["message"])

    def test_authentication_and_malformed_requests(self):
        self.assertError(self.graph(ANYPOINT_CLI_QUERY, {"searchText": ""}, token=None), 401, "UNAUTHORIZED")
        self.assertError(self.graph(ANYPOINT_CLI_QUERY, {"searchText": "", "accessToken": "nope"}, token=None),
                         401, "UNAUTHORIZED")
        self.assertError(self.graph(None, raw="not json"), 400, "BAD_REQUEST")
        self.assertError(self.graph(None, raw='{"variables": {}}'), 400, "BAD_REQUEST")
        deep = "{ assets " + "{ a " * 200 + "}" * 201
        self.assertIn("errors", self.graph(deep).json())
        self.assertEqual(self.server.get("/", token=None).status, 200, "the server is still up")


if __name__ == "__main__":
    unittest.main()
