"""Finding assets: listing, full-text search over a generated corpus of 1,000 assets (ranking,
prefixes, every filter, paging), the latest version with otherVersions, version groups and the
next available version."""
import http.client
import random
import unittest
import uuid

from agora_harness import AgoraTestCase

WORDS = ["flights", "hotels", "payments", "orders", "customers", "inventory", "shipping", "loyalty", "billing",
         "accounts", "claims", "policies", "patients", "weather", "catalog", "pricing", "invoices", "partners"]
TYPES = [("custom", []), ("http-api", ["properties.apiVersion=v1", "properties.assetLink=http://example.com"])]


def multipart(fields):
    boundary = uuid.uuid4().hex
    body = "".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n" for k, v in fields)
    return f"multipart/form-data; boundary={boundary}", (body + f"--{boundary}--\r\n").encode()


class DiscoveryTest(AgoraTestCase):
    CORPUS = 1000

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rng = random.Random(7)
        connection = http.client.HTTPConnection("127.0.0.1", cls.server.port, timeout=60)
        cls.expected = {"custom": 0, "http-api": 0, "development": 0}
        for i in range(cls.CORPUS):
            a, b = rng.sample(WORDS, 2)
            type_name, extra = TYPES[i % 2]
            status = "development" if i % 5 == 0 else "published"
            fields = [("name", f"{a.title()} {b} service {i}"), ("description", f"Manages {b} for the {a} domain"),
                      ("type", type_name), ("keywords", f"{a},{b}"), ("tags", f"team-{i % 3}"), ("status", status)]
            fields += [tuple(f.split("=", 1)) for f in extra]
            content_type, body = multipart(fields)
            connection.request("POST", f"/exchange/api/v2/organizations/{cls.org}/assets/{cls.org}/corpus-{i}/1.0.0",
                               body=body, headers={"Authorization": f"bearer {cls.token}", "Content-Type": content_type,
                                                   "x-sync-publication": "true"})
            response = connection.getresponse()
            assert response.status == 201, response.read()
            response.read()
            cls.expected[type_name] += 1
            cls.expected["development"] += status == "development"
        connection.close()
        for name, description in (("Flightplan registry", "Aircraft routes"), ("Airport codes", "Lists flightplan data")):
            slug = name.split()[0].lower()
            status, body = cls.server.publish(cls.org, slug, "1.0.0", [f"name={name}", f"description={description}",
                                                                       "type=custom"])
            assert status == 201, body

    def search(self, query="", expect=200, **params):
        from urllib.parse import urlencode
        pairs = [(k, v) for k, values in params.items() for v in (values if isinstance(values, list) else [values])]
        if query:
            pairs.append(("search", query))
        response = self.server.get("/exchange/api/v2/assets/search?" + urlencode(pairs))
        self.assertEqual(response.status, expect, response)
        return response.json()

    def test_name_match_outranks_description_match(self):
        results = self.search("flightplan")
        self.assertEqual([r["assetId"] for r in results[:2]], ["flightplan", "airport"])

    def test_prefix_matching(self):
        results = self.search("fli", limit=250)
        self.assertTrue(results)
        self.assertTrue(all("flights" in (r["name"] + r["description"]).lower() or "flightplan" in
                            (r["name"] + r["description"]).lower() for r in results), results[:3])
        self.assertTrue(self.search("hote pay", limit=5))

    def test_filters(self):
        customs = self.search(types="custom", limit=250, offset=0)
        self.assertTrue(all(r["type"] == "custom" for r in customs))
        https = self.search(types=["http-api"], limit=250)
        self.assertTrue(all(r["type"] == "http-api" for r in https))
        dev = self.search(status="development", limit=250)
        self.assertTrue(dev and all(r["status"] == "development" for r in dev))
        self.assertEqual(len(self.all_pages(status="development")), self.expected["development"])
        self.assertEqual(len(self.all_pages(types="http-api")), self.expected["http-api"])
        tagged = self.all_pages(tags="team-1")
        self.assertEqual(len(tagged), len([i for i in range(self.CORPUS) if i % 3 == 1]))
        self.assertTrue(all("team-1" in r["labels"] for r in tagged))
        both = self.search("hotels", tags="team-2", types="custom", limit=250)
        self.assertTrue(both and all("team-2" in r["labels"] and r["type"] == "custom" for r in both))

    def all_pages(self, **params):
        results, offset = [], 0
        while True:
            page = self.search(limit=250, offset=offset, **params)
            results += page
            if len(page) < 250:
                return results
            offset += 250

    def test_paging_limits(self):
        self.assertEqual(len(self.search(limit=7)), 7)
        self.assertEqual(len(self.all_pages(types="custom")), self.expected["custom"] + 2)
        self.assertEqual(self.search(limit=251, expect=400)["message"], "request/query/limit must be <= 250")
        self.search(limit="ten", expect=400)
        self.search(types="spaceship", expect=400)

    def test_list_endpoint_is_a_bare_array(self):
        for path in (f"/exchange/api/v2/assets?organizationId={self.org}&limit=3", "/exchange/api/v1/assets?limit=3"):
            response = self.server.get(path)
            self.assertEqual(response.status, 200, response)
            items = response.json()
            self.assertIsInstance(items, list)
            self.assertEqual(len(items), 3)
            self.assertEqual(set(items[0]) >= {"organizationId", "groupId", "assetId", "version", "minorVersion",
                                               "description", "versionGroup", "isPublic", "name", "type", "status",
                                               "createdById", "createdAt"}, True)

    def test_other_organisations_see_nothing(self):
        other = self.server.create_org("Elsewhere")
        token = self.server.create_token(other, "viewer")
        response = self.server.get(f"/exchange/api/v2/assets?organizationId={self.org}", token=token)
        self.assertEqual(response.json(), [])
        self.assertEqual(self.server.get("/exchange/api/v2/assets/search?search=flights", token=token).json(), [])
        self.assertError(self.server.get(f"/exchange/api/v2/assets/{self.org}/corpus-1", token=token), 404, "NOT_FOUND")

    def test_latest_version_other_versions_and_version_groups(self):
        fields = ["name=Evolving", "type=http-api", "properties.assetLink=http://x"]
        for version, api in (("1.0.0", "v1"), ("2.0.0", "v2"), ("10.0.0", "v10")):
            status, body = self.server.publish(self.org, "evolving", version, fields + [f"properties.apiVersion={api}"])
            self.assertEqual(status, 201, body)
        for path in ("", "/asset"):
            latest = self.server.get(f"/exchange/api/v2/assets/{self.org}/evolving{path}").json()
            self.assertEqual(latest["version"], "10.0.0")
            self.assertEqual([v["version"] for v in latest["otherVersions"]], ["2.0.0", "1.0.0"])
        one = self.server.asset(self.org, "evolving", "1.0.0").json()
        self.assertEqual([v["version"] for v in one["otherVersions"]], ["10.0.0", "2.0.0"])
        groups = self.server.get(f"/exchange/api/v2/assets/{self.org}/evolving/versionGroups").json()
        self.assertEqual([(g["versionGroup"], g["major"]) for g in groups], [("v10", 10), ("v2", 2), ("v1", 1)])
        results = self.search("evolving")
        self.assertEqual([r["version"] for r in results if r["assetId"] == "evolving"], ["10.0.0"])
        self.assertError(self.server.get(f"/exchange/api/v2/assets/{self.org}/never-published"), 404, "NOT_FOUND")

    def test_next_available_version(self):
        base = f"/exchange/api/v2/organizations/{self.org}/groups/{self.org}/assets"
        for order, expected in (("PATCH", "1.0.1"), ("MINOR", "1.1.0"), ("MAJOR", "2.0.0")):
            response = self.server.get(f"{base}/corpus-3/nextAvailableVersion?versionOrder={order}")
            self.assertEqual(response.json(), {"nextAvailableVersion": expected})
        self.assertEqual(self.server.get(f"{base}/corpus-3/nextAvailableVersion").json()["nextAvailableVersion"], "1.0.1")
        self.assertEqual(self.server.get(f"{base}/brand-new/nextAvailableVersion").json()["nextAvailableVersion"], "1.0.0")
        self.assertError(self.server.get(f"{base}/corpus-3/nextAvailableVersion?versionOrder=HUGE"), 400, "BAD_REQUEST")


if __name__ == "__main__":
    unittest.main()
