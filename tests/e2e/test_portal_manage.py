"""The portal's management forms over HTTP, as a browser posts them.

Editing an asset (.../{version}/edit):
what was changed reaches the Exchange API (name and contact on every version; tags, categories and
custom fields on the one version), invalid values come back as the form with every problem next
to its input and change nothing, and a post without the session's CSRF token, from another site,
or by a viewer is refused and changes nothing.

Deleting (.../{version}/delete): a version soft (its number stays reserved) or hard (it can be
published again), and the whole asset after its id is typed; what other assets depend on is
refused as the API refuses it, and a wrong confirmation, a bad choice, a contributor's post or a
forged one change nothing. The lifecycle forms are test_portal_http's; the pages are tested in
Chromium (tests/portal)."""
import html
import json
import time
import urllib.parse

from agora_harness import AgoraTestCase


class PortalManageFormsHttpTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for username, role in (("curator", "admin"), ("helper", "contributor"), ("reader", "viewer")):
            cls.server.admin("create-user", "--org", cls.org, "--username", username, "--password-stdin", "--role", role,
                             stdin="correct horse\n")
        for version in ("1.0.0", "2.0.0"):
            cls.publish("books", version, ["tags=old"])
        for asset, version, extra in (("shared", "1.0.0", []), ("client", "1.0.0", [f"dependencies={cls.org}:shared:1.0.0"]),
                                      ("album", "1.0.0", []), ("album", "2.0.0", []),
                                      ("scratch", "1.0.0", []), ("scratch", "1.1.0", [])):
            cls.publish(asset, version, extra)
        for kind, definition in (("categories", {"tagKey": "domain", "dataType": "enum",
                                                 "acceptedValues": ["sales", "finance"]}),
                                 ("fields", {"tagKey": "sla", "dataType": "number"})):
            answer = cls.server.request("POST", f"/exchange/api/v2/organizations/{cls.org}/{kind}", json.dumps(definition),
                                        {"Content-Type": "application/json"})
            if answer.status != 201:
                raise AssertionError(f"defining {kind}: {answer}")
        cls.path = f"/exchange/{cls.org}/books/1.0.0/edit"

    @classmethod
    def publish(cls, asset, version, extra=()):
        status, body = cls.server.publish(cls.org, asset, version, [f"name={asset.title()}", "type=custom", *extra])
        if status != 201:
            raise AssertionError(f"publishing {asset} {version}: {status} {body[:400]!r}")
        return status

    def signed_in(self, username, asset="books", version="1.0.0"):
        cookie = self.server.portal_cookie(username, "correct horse")
        page = self.server.request("GET", f"/exchange/{self.org}/{asset}/{version}/", headers={"Cookie": cookie}, token=None)
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
        cookie, csrf, overview = self.signed_in("helper")
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
        cookie, csrf, _ = self.signed_in("helper")
        self.assertEqual(self.post(cookie, {"csrf": csrf, "shown": ["category:domain", "field:sla"], "field:sla": ""}).status,
                         303)
        self.assertEqual((self.version()["categories"], self.version()["customFields"]), ([], []))
        self.assertEqual(self.version()["name"], "Library", "inputs not sent stay as they were")

    def test_invalid_values_come_back_with_every_problem_and_change_nothing(self):
        cookie, csrf, _ = self.signed_in("helper")
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
        cookie, csrf, _ = self.signed_in("helper")
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

    def delete(self, cookie, asset, version, headers=None, **fields):
        return self.server.request("POST", f"/exchange/{self.org}/{asset}/{version}/delete", urllib.parse.urlencode(fields),
                                   {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
                                    "Origin": self.server.base, **(headers or {})}, token=None)

    def exists(self, asset, version):
        return self.server.asset(self.org, asset, version).status == 200

    def test_a_hard_delete_frees_the_version_number(self):
        cookie, csrf, _ = self.signed_in("curator", "scratch", "1.1.0")
        page = self.server.request("GET", f"/exchange/{self.org}/scratch/1.1.0/delete", headers={"Cookie": cookie},
                                   token=None).body.decode()
        self.assertIn('name="type" value="hard"', page)
        self.assertEqual(self.delete(cookie, "scratch", "1.1.0", csrf=csrf, type="obliterate").status, 400)
        self.assertTrue(self.exists("scratch", "1.1.0"), "a bad choice deletes nothing")
        gone = self.delete(cookie, "scratch", "1.1.0", csrf=csrf, type="hard")
        self.assertEqual(gone.status, 303)
        self.assertEqual(gone.header("Location"), f"/exchange/{self.org}/scratch/?deleted=1.1.0")
        self.assertFalse(self.exists("scratch", "1.1.0"))
        self.assertEqual(self.publish("scratch", "1.1.0"), 201, "its number can be published again")
        self.assertEqual(self.delete(cookie, "scratch", "1.1.0", csrf=csrf).status, 303, "soft by default")
        status, _ = self.server.publish(self.org, "scratch", "1.1.0", ["name=Again", "type=custom"])
        self.assertEqual(status, 409, "a soft delete keeps the number reserved")

    def test_an_asset_others_depend_on_is_not_deleted(self):
        cookie, csrf, _ = self.signed_in("curator")
        page = html.unescape(self.server.request("GET", f"/exchange/{self.org}/shared/1.0.0/delete",
                                                 headers={"Cookie": cookie}, token=None).body.decode())
        self.assertIn("The asset cannot be deleted: 1 version depends on it.", page)
        self.assertIn(f"{self.org}:client:1.0.0", page)
        self.assertNotIn('name="confirm"', page, "no form to delete it")
        refused = self.delete(cookie, "shared", "1.0.0", csrf=csrf, what="asset", confirm="shared", type="hard")
        self.assertEqual(refused.status, 409)
        self.assertIn(b"Deleting the asset shared was refused.", refused.body)
        self.assertIn(f"{self.org}:client:1.0.0 depends on".encode(), refused.body)
        self.assertTrue(self.exists("shared", "1.0.0"))

    def test_the_whole_asset_goes_after_its_id_is_typed(self):
        cookie, csrf, _ = self.signed_in("curator", "album", "2.0.0")
        page = self.server.request("GET", f"/exchange/{self.org}/album/2.0.0/delete", headers={"Cookie": cookie},
                                   token=None).body.decode()
        self.assertIn("2 versions: 1.0.0, 2.0.0", page)
        self.assertIn('name="confirm"', page)
        for confirm in ("", "Album", "album "):
            refused = self.delete(cookie, "album", "2.0.0", csrf=csrf, what="asset", confirm=confirm)
            self.assertEqual(refused.status, 400, confirm)
            self.assertIn(b"type its id, album, to confirm", refused.body)
        helper, helper_csrf, _ = self.signed_in("helper", "album", "2.0.0")
        self.assertEqual(self.delete(helper, "album", "2.0.0", csrf=helper_csrf, what="asset", confirm="album").status, 403)
        forged = self.delete(cookie, "album", "2.0.0", {"Origin": "http://evil.example"}, csrf=csrf, what="asset",
                             confirm="album")
        self.assertEqual(forged.status, 403)
        self.assertTrue(self.exists("album", "1.0.0") and self.exists("album", "2.0.0"), "nothing was deleted")
        gone = self.delete(cookie, "album", "2.0.0", csrf=csrf, what="asset", confirm="album")
        self.assertEqual(gone.status, 303)
        self.assertEqual(gone.header("Location"), "/exchange/?deleted=" + urllib.parse.quote(f"{self.org}/album", safe=""))
        self.assertFalse(self.exists("album", "1.0.0") or self.exists("album", "2.0.0"))
        home = self.server.request("GET", gone.header("Location"), headers={"Cookie": cookie}, token=None)
        self.assertIn(f"The asset {self.org}/album was deleted.".encode(), home.body)
        status, _ = self.server.publish(self.org, "album", "1.0.0", ["name=Again", "type=custom"])
        self.assertEqual(status, 409, "soft by default: the numbers stay reserved")
        still_here = self.server.request("GET", f"/exchange/?deleted={self.org}%2Fshared", headers={"Cookie": cookie},
                                         token=None)
        self.assertNotIn(b"was deleted", still_here.body, "a link cannot claim an asset is gone")

    # Publishing from the form (/exchange/-/publish).

    def multipart(self, cookie, parts, headers=None):
        """Posts the publish form; parts: (name, value) or (name, (filename, bytes)), in order."""
        boundary = "agora-form-boundary-7d1c"
        body = b""
        for name, value in parts:
            if isinstance(value, tuple):
                body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{value[0]}"\r\n'
                         "Content-Type: application/octet-stream\r\n\r\n").encode() + value[1] + b"\r\n"
            else:
                body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n').encode()
        body += f"--{boundary}--\r\n".encode()
        return self.server.request("POST", "/exchange/-/publish", body,
                                   {"Cookie": cookie, "Content-Type": f"multipart/form-data; boundary={boundary}",
                                    "Origin": self.server.base, **(headers or {})}, token=None)

    def follow(self, cookie, location):
        """Reloads a publication's page while it says it is running; returns the last answer."""
        for _ in range(300):
            page = self.server.request("GET", location, headers={"Cookie": cookie}, token=None)
            if page.status != 200 or b'http-equiv="refresh"' not in page.body:
                return page
            time.sleep(0.1)
        self.fail(f"the publication at {location} never ended")

    def publish_form(self, csrf, asset, raml, **fields):
        return [("csrf", csrf), ("organizationId", self.org), ("groupId", self.org), ("assetId", asset),
                ("version", fields.pop("version", "1.0.0")), ("kind", "raml"), ("name", fields.pop("name", "Orders")),
                ("description", ""), ("properties.apiVersion", "v1"), ("properties.mainFile", ""),
                ("tags", fields.pop("tags", "")), ("dependencies", ""), ("file", ("orders.raml", raml))]

    def test_a_spec_with_errors_comes_back_with_each_problem_then_publishes_once_fixed(self):
        cookie, csrf, _ = self.signed_in("helper")
        form = self.server.request("GET", "/exchange/-/publish", headers={"Cookie": cookie}, token=None).body.decode()
        self.assertLess(form.index('name="csrf"'), form.index('name="file"'), "the token is sent before the file")
        broken = b"#%RAML 1.0\ntitle: Orders\n/orders:\n  get:\n    responses:\n      200:\n        body:\n" \
                 b"          application/json:\n            type: Missing\n            example: {\"id\": 1}\n"
        sent = self.multipart(cookie, self.publish_form(csrf, "orders", broken, name="Orders API", tags="orders, sales"))
        self.assertEqual(sent.status, 303, sent.body[:600])
        self.assertRegex(sent.header("Location"), r"^/exchange/-/publish/[0-9a-f-]+$")
        answer = self.follow(cookie, sent.header("Location"))
        self.assertEqual(answer.status, 400, "the publication's page answers its refusal")
        refused = html.unescape(answer.body.decode())
        self.assertIn('role="alert"', refused)
        self.assertIn("The publication was refused.", refused)
        self.assertRegex(refused, r"orders\.raml:\d+:\d+: ", "each problem as file:line:column: message")
        self.assertIn('value="Orders API"', refused, "what was entered is kept")
        self.assertIn('value="orders, sales"', refused)
        self.assertEqual(self.server.asset(self.org, "orders", "1.0.0").status, 404)
        fixed = broken.replace(b"type: Missing", b"type: object")
        sent = self.multipart(cookie, self.publish_form(csrf, "orders", fixed, name="Orders API", tags="orders, sales"))
        self.assertEqual(sent.status, 303)
        done = self.follow(cookie, sent.header("Location"))
        self.assertEqual(done.status, 303)
        self.assertEqual(done.header("Location"), f"/exchange/{self.org}/orders/1.0.0/?done=created")
        published = self.server.asset(self.org, "orders", "1.0.0").json()
        self.assertEqual((published["name"], published["type"], sorted(published["labels"])),
                         ("Orders API", "rest-api", ["orders", "sales"]))
        again = self.server.request("GET", f"/exchange/-/publish?group={self.org}&asset=orders", headers={"Cookie": cookie},
                                    token=None).body.decode()
        self.assertIn("1.0.1 (patch), 1.1.0 (minor), 2.0.0 (major)", again, "the next versions are offered")

    def test_forged_viewer_and_invalid_publications_are_refused_and_store_nothing(self):
        cookie, csrf, _ = self.signed_in("helper")
        spec = b"#%RAML 1.0\ntitle: Forged\n"
        form = self.publish_form(csrf, "forged", spec)
        blobs = len(self.server.blob_files())
        for parts, headers in ((form[1:], None), ([("name", "x")] + form, None), ([("csrf", "0" * 64)] + form[1:], None),
                               (form, {"Origin": "http://evil.example"})):
            refused = self.multipart(cookie, parts, headers)
            self.assertEqual(refused.status, 403, (parts[:2], headers))
            self.assertIn(b"Nothing was changed", refused.body)
        self.assertEqual(len(self.server.blob_files()), blobs, "no file of a forged form is kept")
        reader, reader_csrf, _ = self.signed_in("reader")
        self.assertEqual(self.server.request("GET", "/exchange/-/publish", headers={"Cookie": reader}, token=None).status, 403)
        self.assertEqual(self.multipart(reader, self.publish_form(reader_csrf, "forged", spec)).status, 403)
        invalid = self.multipart(cookie, self.publish_form(csrf, "bad id", spec, name="Kept"))
        self.assertEqual(invalid.status, 400)
        self.assertIn(b'role="alert"', invalid.body)
        self.assertIn(b'value="Kept"', invalid.body)
        self.assertEqual(self.server.request("GET", "/exchange/-/publish/no-such-run", headers={"Cookie": cookie},
                                             token=None).status, 404)
        self.assertEqual(self.server.asset(self.org, "forged", "1.0.0").status, 404)

    # The organisation's categories and custom fields (/exchange/-/organization).

    def define(self, cookie, csrf, path="definitions", headers=None, **fields):
        return self.server.request("POST", f"/exchange/-/organization/{path}",
                                   urllib.parse.urlencode({"csrf": csrf, "organizationId": self.org, **fields}),
                                   {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
                                    "Origin": self.server.base, **(headers or {})}, token=None)

    def categories(self):
        return self.server.get(f"/exchange/api/v2/organizations/{self.org}/categories").json()

    def test_an_admin_defines_a_category_sets_it_on_a_version_and_removes_it(self):
        cookie, csrf, overview = self.signed_in("curator")
        self.assertIn('href="/exchange/-/organization"', overview, "an admin is offered the page")
        page = self.server.request("GET", "/exchange/-/organization", headers={"Cookie": cookie}, token=None)
        self.assertEqual(page.status, 200)
        self.assertIn("<td>domain</td>", page.body.decode())
        refused = self.define(cookie, csrf, kind="category", tagKey="tier", displayName="Support tier", dataType="enum",
                              acceptedValues="")
        self.assertEqual(refused.status, 400)
        self.assertIn(b'role="alert"', refused.body)
        self.assertIn(b"Defining the category tier was refused.", refused.body)
        self.assertIn(b'value="Support tier"', refused.body, "what was entered is kept")
        self.assertNotIn("tier", [c["tagKey"] for c in self.categories()])
        defined = self.define(cookie, csrf, kind="category", tagKey="tier", displayName="Support tier", dataType="enum",
                              acceptedValues="gold, silver", assetTypeRestrictions="")
        self.assertEqual(defined.status, 303, defined.body[:600])
        self.assertEqual(defined.header("Location"), f"/exchange/-/organization?org={self.org}&done=defined")
        tier = next(c for c in self.categories() if c["tagKey"] == "tier")
        self.assertEqual((tier["displayName"], tier["acceptedValues"], tier["assetTypeRestrictions"]),
                         ("Support tier", ["gold", "silver"], []))
        self.assertEqual(self.define(cookie, csrf, kind="category", tagKey="tier", dataType="text").status, 409)
        # Set on a version through its edit form.
        edit = self.server.request("GET", f"/exchange/{self.org}/scratch/1.0.0/edit", headers={"Cookie": cookie},
                                   token=None).body.decode()
        self.assertIn('name="category:tier" value="gold"', edit)
        saved = self.server.request("POST", f"/exchange/{self.org}/scratch/1.0.0/edit",
                                    urllib.parse.urlencode({"csrf": csrf, "shown": "category:tier", "category:tier": "gold"}),
                                    {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
                                     "Origin": self.server.base}, token=None)
        self.assertEqual(saved.status, 303)
        self.assertIn({"key": "tier", "value": ["gold"], "displayName": "Support tier"},
                      self.server.asset(self.org, "scratch", "1.0.0").json()["categories"])
        removed = self.define(cookie, csrf, "definitions/delete", kind="category", id=tier["id"])
        self.assertEqual(removed.status, 303)
        self.assertNotIn("tier", [c["tagKey"] for c in self.categories()])

    def test_only_admins_define_and_forged_definitions_change_nothing(self):
        helper, helper_csrf, overview = self.signed_in("helper")
        self.assertNotIn("/exchange/-/organization", overview)
        self.assertEqual(self.server.request("GET", "/exchange/-/organization", headers={"Cookie": helper},
                                             token=None).status, 403)
        self.assertEqual(self.define(helper, helper_csrf, kind="field", tagKey="sneaky", dataType="text").status, 403)
        cookie, csrf, _ = self.signed_in("curator")
        for token, headers in (("", None), ("0" * 64, None), (csrf, {"Origin": "http://evil.example"})):
            forged = self.define(cookie, token, headers=headers, kind="field", tagKey="sneaky", dataType="text")
            self.assertEqual(forged.status, 403, (token, headers))
        domain = next(c for c in self.categories() if c["tagKey"] == "domain")
        self.assertEqual(self.define(helper, helper_csrf, "definitions/delete", kind="category", id=domain["id"]).status, 403)
        self.assertIn("domain", [c["tagKey"] for c in self.categories()])
        fields = self.server.get(f"/exchange/api/v2/organizations/{self.org}/fields").json()
        self.assertNotIn("sneaky", [f["tagKey"] for f in fields])
