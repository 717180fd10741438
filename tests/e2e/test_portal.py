"""Documentation portals and mutable data: the home page from the description, the draft with
its pages (create, write, rename with x-move-source, delete) and resources, publishing it (also
through v1's PATCH, as anypoint-cli does), a docs.zip through mutable data, the access rules,
bad page paths, and that a deleted version's page blobs are reclaimed."""
import hashlib
import io
import json
import os
import unittest
import zipfile

import fixtures
from agora_harness import AgoraTestCase


def multipart(fields, files=()):
    """(body, content type) of a multipart form: fields [(name, value)], files [(name, filename, bytes)]."""
    boundary = "agora-test-boundary"
    body = b""
    for name, value in fields:
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    for name, filename, content in files:
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class PortalTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.viewer = cls.server.create_token(cls.org, "viewer")
        other = cls.server.create_org("other")
        cls.stranger = cls.server.create_token(other, "admin")

    def publish(self, asset, description="Flight **schedules** for partners."):
        path = fixtures.write(os.path.join(self.work, asset + ".txt"), "x")
        status, body = self.server.publish(self.org, asset, "1.0.0", [
            "name=" + asset, "type=custom", "description=" + description, f"files.custom.txt=@{path}"])
        self.assertEqual(status, 201, body)
        return f"/exchange/api/v2/assets/{self.org}/{asset}/1.0.0/portal"

    def call(self, method, path, body=None, content_type=None, token="admin", headers=None):
        headers = dict(headers or {})
        if content_type:
            headers["Content-Type"] = content_type
        return self.server.request(method, path, body=body, headers=headers, token=token)

    def test_home_page_from_description_and_draft_workflow(self):
        portal = self.publish("schedules")
        self.assertEqual(self.call("GET", portal).json(),
                         {"draftStatus": "PUBLISHED", "pages": [{"name": "home", "path": "home"}]})
        home = self.call("GET", portal + "/pages/home")
        self.assertEqual(home.status, 200)
        self.assertEqual(home.body.decode(), "Flight **schedules** for partners.")
        self.assertIn("text/markdown", dict(home.headers)["Content-Type"])

        # The anypoint-cli page upload sequence.
        self.assertEqual(self.call("GET", portal + "/draft").json()["draftStatus"], "NOT_PUBLISHED")
        created = self.call("POST", portal + "/draft/pages", json.dumps({"pagePath": "Getting Started"}), "application/json")
        self.assertEqual(created.status, 201, created)
        self.assertError(self.call("POST", portal + "/draft/pages", json.dumps({"pagePath": "Getting Started"}),
                                   "application/json"), 409, "PAGE_EXISTS")
        page = portal + "/draft/pages/Getting%20Started"
        self.assertEqual(self.call("PUT", page, b"# Start\n", "text/markdown").status, 204)
        self.assertEqual(self.call("GET", portal + "/pages").json(), [{"name": "home", "path": "home"}],
                         "the published portal does not change before the draft is published")
        self.assertEqual(self.call("PATCH", f"/exchange/api/v1/assets/{self.org}/schedules/1.0.0").status, 204)
        self.assertEqual([p["path"] for p in self.call("GET", portal + "/pages").json()], ["home", "Getting Started"])
        self.assertEqual(self.call("GET", portal + "/pages/Getting%20Started").body, b"# Start\n")
        self.assertEqual(self.call("GET", portal).json()["draftStatus"], "PUBLISHED")

        # Rename with x-move-source, delete, discard.
        self.call("GET", portal + "/draft")
        moved = self.call("POST", portal + "/draft/pages", json.dumps({"pagePath": "guides/start"}), "application/json",
                          headers={"x-move-source": "Getting Started"})
        self.assertEqual(moved.status, 201, moved)
        self.assertError(self.call("POST", portal + "/draft/pages", json.dumps({"pagePath": "x"}), "application/json",
                                   headers={"x-move-source": "nothing"}), 404, "NOT_FOUND")
        self.assertEqual(self.call("DELETE", portal + "/draft/pages/home").status, 204)
        self.assertError(self.call("DELETE", portal + "/draft/pages/home"), 404, "NOT_FOUND")
        self.assertEqual(self.call("PUT", portal + "/draft").status, 204)
        self.assertEqual(self.call("GET", portal + "/pages").json(), [{"name": "start", "path": "guides/start"}])
        self.assertEqual(self.call("GET", portal + "/pages/guides/start").body, b"# Start\n")
        self.call("GET", portal + "/draft")
        self.call("DELETE", portal + "/draft/pages/guides/start")
        self.assertEqual(self.call("DELETE", portal + "/draft").status, 204, "discarding the draft")
        self.assertEqual([p["path"] for p in self.call("GET", portal + "/pages").json()], ["guides/start"])

    def test_pages_order(self):
        portal = self.publish("ordered")
        for path in ("setup", "faq"):
            self.call("POST", portal + "/draft/pages", json.dumps({"pagePath": path}), "application/json")
        listed = self.call("GET", portal + "/draft/pages")
        self.assertEqual([p["path"] for p in listed.json()], ["home", "setup", "faq"])
        revision = dict(listed.headers)["X-Pages-Order-Revision"]
        order = json.dumps(["faq", "home", "setup"])
        saved = self.call("PUT", portal + "/draft/pagesOrder", order, "application/json",
                          headers={"X-Pages-Order-Revision": revision})
        self.assertEqual(saved.status, 204, saved)
        self.assertNotEqual(dict(saved.headers)["X-Pages-Order-Revision"], revision)
        self.assertError(self.call("PUT", portal + "/draft/pagesOrder", json.dumps(["home", "faq", "setup"]),
                                   "application/json", headers={"X-Pages-Order-Revision": revision}),
                         409, "PAGES_ORDER_OUT_OF_SYNC")
        for bad in (["faq", "home"], ["faq", "home", "setup", "home"], ["faq", "home", "nothing"]):
            self.assertError(self.call("PUT", portal + "/draft/pagesOrder", json.dumps(bad), "application/json"),
                             400, "INVALID_PAGES_ORDER")
        for bad in ("[]", "{}", "[1, 2, 3]", "not json"):
            self.assertError(self.call("PUT", portal + "/draft/pagesOrder", bad, "application/json"), 400, "BAD_REQUEST")
        self.assertError(self.call("PUT", portal + "/draft/pagesOrder", order, "application/json", token=self.viewer),
                         403, "FORBIDDEN")
        self.assertEqual(self.call("PATCH", portal).status, 204)
        self.assertEqual([p["path"] for p in self.call("GET", portal + "/pages").json()], ["faq", "home", "setup"],
                         "the published portal keeps the draft's order")

    def test_resources(self):
        portal = self.publish("imagery")
        body, content_type = multipart([], [("files.png", "logo.png", b"\x89PNG fake image")])
        added = self.call("POST", portal + "/draft/resources", body, content_type)
        self.assertEqual(added.status, 201, added)
        path = added.json()["path"]
        self.assertTrue(path.startswith("resources/") and path.endswith(".png"), path)
        self.assertEqual(self.call("GET", portal + "/draft/resources").json(), [{"path": path}])
        self.assertEqual(self.call("GET", portal + "/resources").json(), [], "not published yet")
        self.assertEqual(self.call("PATCH", portal).status, 204)
        image = self.call("GET", f"{portal}/{path}")
        self.assertEqual((image.status, image.body), (200, b"\x89PNG fake image"))
        self.assertEqual(dict(image.headers)["Content-Type"], "image/png")
        self.assertEqual(self.call("DELETE", f"{portal}/draft/{path}").status, 204)
        self.assertError(self.call("DELETE", f"{portal}/draft/{path}"), 404, "NOT_FOUND")
        no_file, content_type = multipart([("name", "x")])
        self.assertError(self.call("POST", portal + "/draft/resources", no_file, content_type), 400, "BAD_REQUEST")

    def test_access_and_bad_paths(self):
        portal = self.publish("guarded")
        self.assertEqual(self.call("GET", portal + "/pages", token=self.viewer).status, 200)
        self.assertError(self.call("GET", portal + "/draft", token=self.viewer), 403, "FORBIDDEN")
        self.assertError(self.call("PUT", portal + "/draft/pages/x", b"x", "text/markdown", token=self.viewer),
                         403, "FORBIDDEN")
        self.assertError(self.call("GET", portal + "/pages", token=self.stranger), 404, "NOT_FOUND")
        self.assertError(self.call("GET", portal + "/pages", token=None), 401, "UNAUTHORIZED")
        for bad in ["a/../b", "a//b", "x\\y", "a/.", "p" * 300]:
            self.assertError(self.call("POST", portal + "/draft/pages", json.dumps({"pagePath": bad}), "application/json"),
                             400, "INVALID_PAGE_PATH")
        self.assertError(self.call("PUT", portal + "/draft/pages/a%2F..%2Fb", b"x", "text/markdown"), 400, "BAD_REQUEST")
        self.assertError(self.call("POST", portal + "/draft/pages", "not json", "application/json"), 400, "BAD_REQUEST")
        self.assertError(self.call("GET", f"/exchange/api/v2/assets/{self.org}/none/1.0.0/portal"), 404, "NOT_FOUND")

    def mutable_data(self, asset, fields, files=(), token="admin", org=None):
        body, content_type = multipart(fields, files)
        return self.call("PATCH", f"/exchange/api/v2/organizations/{org or self.org}/assets/{self.org}/{asset}/1.0.0/mutabledata",
                         body, content_type, token=token)

    def docs_zip(self, entries):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            for name, content in entries.items():
                z.writestr(name, content)
        return buffer.getvalue()

    def test_mutable_data_with_docs_zip(self):
        portal = self.publish("mutable")
        docs = self.docs_zip({"home.md": "# Home", "usage.md": "# Usage", "terms.md": "Terms apply.",
                              "resources/diagram.png": "png bytes", "config.json": '{"pageOrder": ["usage", "home.md"]}'})
        answer = self.mutable_data("mutable", [("tags", "alpha, beta")], [("files.docs.zip", "docs.zip", docs)])
        self.assertEqual(answer.status, 202, answer)
        link = answer.json()["mutableDataStatusLink"]
        status = self.server.get_url(link).json()
        self.assertEqual(status["status"], "completed")
        run_id = link.rsplit("/", 1)[1]
        self.assertError(self.server.get(f"/exchange/api/v2/organizations/{self.org}/assets/{self.org}/mutable/1.0.0"
                                         f"/publication/status/{run_id}"), 404, "NOT_FOUND")
        self.assertEqual([p["path"] for p in self.call("GET", portal + "/pages").json()], ["usage", "home", "terms"])
        self.assertEqual(self.call("GET", portal + "/pages/terms").body, b"Terms apply.")
        self.assertEqual(self.call("GET", portal + "/resources").json(), [{"path": "resources/diagram.png"}])
        self.assertEqual(self.server.asset(self.org, "mutable", "1.0.0").json()["labels"], ["alpha", "beta"])

        # Nothing changes when a part is refused: an undefined category, a bad zip, an unknown field.
        before = self.call("GET", portal + "/pages").json()
        self.assertError(self.mutable_data("mutable", [("tags", "gamma"), ("categories.nothere", "x")]), 400,
                         "INVALID_ASSET_METADATA")
        self.assertError(self.mutable_data("mutable", [("tags", "gamma")], [("files.docs.zip", "d.zip", b"not a zip")]),
                         400, "INVALID_ZIP")
        self.assertError(self.mutable_data("mutable", [("colour", "red")]), 400, "UNKNOWN_FORM_FIELDS")
        slip = self.docs_zip({"../evil.md": "x"})
        self.assertError(self.mutable_data("mutable", [], [("files.docs.zip", "d.zip", slip)]), 400, "INVALID_ZIP_ENTRY")
        self.assertEqual(self.call("GET", portal + "/pages").json(), before)
        self.assertEqual(self.server.asset(self.org, "mutable", "1.0.0").json()["labels"], ["alpha", "beta"])
        self.assertError(self.mutable_data("mutable", [("tags", "x")], token=self.viewer), 403, "FORBIDDEN")
        self.assertError(self.server.get(f"/exchange/api/v2/organizations/{self.org}/assets/{self.org}/mutable/1.0.0"
                                         "/mutabledata/status/unknown"), 404, "NOT_FOUND")

    def test_deleting_the_version_reclaims_page_blobs(self):
        portal = self.publish("transient", description="unique transient description text")
        self.call("GET", portal + "/draft")
        self.call("PUT", portal + "/draft/pages/notes", b"unique transient page body", "text/markdown")
        self.call("PATCH", portal)
        def stored(content):
            return hashlib.sha256(content).hexdigest() in self.server.blob_files()

        self.assertTrue(stored(b"unique transient page body"))
        deleted = self.call("DELETE", f"/exchange/api/v2/assets/{self.org}/transient/1.0.0",
                            headers={"x-delete-type": "hard-delete"})
        self.assertEqual(deleted.status, 204, deleted)
        self.assertFalse(stored(b"unique transient page body"))
        self.assertFalse(stored(b"unique transient description text"))


if __name__ == "__main__":
    unittest.main()
