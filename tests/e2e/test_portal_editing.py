"""Editing an asset from the portal's form (.../{version}/edit) over HTTP, as a browser posts it:
what was changed reaches the Exchange API (name and contact on every version; tags, categories and
custom fields on the one version), invalid values come back as the form with every problem next
to its input and change nothing, and a post without the session's CSRF token, from another site,
or by a viewer is refused and changes nothing. The page is tested in Chromium (tests/portal)."""
import html
import json
import urllib.parse

from agora_harness import AgoraTestCase


class PortalEditingHttpTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for username, role in (("owner", "contributor"), ("reader", "viewer")):
            cls.server.admin("create-user", "--org", cls.org, "--username", username, "--password-stdin", "--role", role,
                             stdin="correct horse\n")
        for version in ("1.0.0", "2.0.0"):
            status, body = cls.server.publish(cls.org, "books", version, ["name=Books", "type=custom", "tags=old"])
            if status != 201:
                raise AssertionError(f"publishing: {status} {body[:400]!r}")
        for kind, definition in (("categories", {"tagKey": "domain", "dataType": "enum",
                                                 "acceptedValues": ["sales", "finance"]}),
                                 ("fields", {"tagKey": "sla", "dataType": "number"})):
            answer = cls.server.request("POST", f"/exchange/api/v2/organizations/{cls.org}/{kind}", json.dumps(definition),
                                        {"Content-Type": "application/json"})
            if answer.status != 201:
                raise AssertionError(f"defining {kind}: {answer}")
        cls.path = f"/exchange/{cls.org}/books/1.0.0/edit"

    def signed_in(self, username):
        cookie = self.server.portal_cookie(username, "correct horse")
        page = self.server.request("GET", f"/exchange/{self.org}/books/1.0.0/", headers={"Cookie": cookie}, token=None)
        self.assertEqual(page.status, 200)
        return cookie, page.body.decode().split('name="csrf" value="', 1)[1].split('"', 1)[0], page.body.decode()

    def post(self, cookie, fields, headers=None):
        return self.server.request("POST", self.path, urllib.parse.urlencode(fields, doseq=True),
                                   {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
                                    "Origin": self.server.base, **(headers or {})}, token=None)

    def version(self, number="1.0.0"):
        return self.server.asset(self.org, "books", number).json()

    def described(self):
        """What the edit form can change, as the API shows it."""
        v = self.version()
        return [v[k] for k in ("name", "description", "contactName", "contactEmail", "labels", "categories",
                               "customFields", "updatedDate")]

    def test_an_edit_reaches_the_api_and_only_what_changed_changes(self):
        cookie, csrf, overview = self.signed_in("owner")
        self.assertIn(f'href="{self.path}"', overview, "a contributor is offered the form")
        form = self.server.request("GET", self.path, headers={"Cookie": cookie}, token=None)
        self.assertEqual(form.status, 200)
        self.assertIn('name="category:domain" value="finance"', form.body.decode())
        saved = self.post(cookie, {"csrf": csrf, "name": "Library", "description": "Lends books",
                                   "contactName": "Ann", "contactEmail": "ann@example.com", "tags": "books, lending",
                                   "shown": ["category:domain", "field:sla"], "category:domain": ["sales", "finance"],
                                   "field:sla": "99.5"})
        self.assertEqual(saved.status, 303, saved.body[:600])
        self.assertEqual(saved.header("Location"), f"/exchange/{self.org}/books/1.0.0/?done=edited")
        edited = self.version()
        self.assertEqual((edited["name"], edited["description"], edited["contactName"], edited["contactEmail"]),
                         ("Library", "Lends books", "Ann", "ann@example.com"))
        self.assertEqual(sorted(edited["labels"]), ["books", "lending"])
        self.assertEqual(edited["categories"], [{"key": "domain", "value": ["sales", "finance"], "displayName": "domain"}])
        self.assertEqual([(f["key"], f["value"]) for f in edited["customFields"]], [("sla", "99.5")])
        other = self.version("2.0.0")
        self.assertEqual(other["name"], "Library", "the asset's details are every version's")
        self.assertEqual((other["labels"], other["categories"]), (["old"], []), "the tags are the version's own")
        # Unticking every category and emptying the field removes them.
        cookie, csrf, _ = self.signed_in("owner")
        self.assertEqual(self.post(cookie, {"csrf": csrf, "shown": ["category:domain", "field:sla"], "field:sla": ""}).status,
                         303)
        self.assertEqual((self.version()["categories"], self.version()["customFields"]), ([], []))
        self.assertEqual(self.version()["name"], "Library", "inputs not sent stay as they were")

    def test_invalid_values_come_back_with_every_problem_and_change_nothing(self):
        cookie, csrf, _ = self.signed_in("owner")
        before = self.described()
        refused = self.post(cookie, {"csrf": csrf, "name": "", "description": "d" * 256, "tags": "kept, values",
                                     "shown": ["category:domain", "field:sla"], "category:domain": "marketing",
                                     "field:sla": "lots"})
        self.assertEqual(refused.status, 400)
        page = html.unescape(refused.body.decode())
        self.assertIn('role="alert"', page)
        self.assertIn("The changes were not saved.", page)
        for problem in ("name must be a string of 1 to 256 characters", "description must be a string of 0 to 255",
                        "'marketing' is not an accepted value of the category 'domain'",
                        "The custom field 'sla' takes numbers, not 'lots'"):
            self.assertIn(problem, page)
        self.assertIn('aria-invalid="true"', page)
        self.assertIn('value="kept, values"', page, "what was entered is kept")
        self.assertEqual(self.described(), before, "nothing changed")

    def test_forged_and_viewer_posts_are_refused_and_change_nothing(self):
        cookie, csrf, _ = self.signed_in("owner")
        before = self.described()
        for fields, headers in (({"name": "Forged"}, None), ({"name": "Forged", "csrf": "0" * 64}, None),
                                ({"name": "Forged", "csrf": csrf}, {"Origin": "http://evil.example"}),
                                ({"name": "Forged", "csrf": csrf}, {"Sec-Fetch-Site": "cross-site"})):
            refused = self.post(cookie, fields, headers)
            self.assertEqual(refused.status, 403, (fields, headers))
            self.assertIn(b"Nothing was changed", refused.body)
        reader, reader_csrf, overview = self.signed_in("reader")
        self.assertNotIn("/edit\"", overview, "a viewer is offered no edit")
        self.assertEqual(self.server.request("GET", self.path, headers={"Cookie": reader}, token=None).status, 403)
        refused = self.post(reader, {"csrf": reader_csrf, "name": "Forged"})
        self.assertEqual(refused.status, 403)
        self.assertIn(b'role="alert"', refused.body)
        self.assertIn(b"Editing version 1.0.0 was refused.", refused.body)
        anonymous = self.server.request("POST", self.path, "name=Forged",
                                        {"Content-Type": "application/x-www-form-urlencoded"}, token=None)
        self.assertEqual(anonymous.status, 303)
        self.assertEqual(self.described(), before, "nothing changed")
        missing = self.server.request("GET", f"/exchange/{self.org}/books/9.9.9/edit", headers={"Cookie": cookie},
                                      token=None)
        self.assertEqual(missing.status, 404)
