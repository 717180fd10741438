"""The web portal over plain HTTP, as a browser's requests reach it: GET / sends browsers to the
portal while API clients keep their JSON, sign-in and sign-out with the session cookie (its
flags, over HTTP and HTTPS, the CSRF check, cross-site posts, open redirects), the static files'
caching, the security headers, and the Exchange API's routes keeping precedence; the management
forms (lifecycle, delete) refuse forged posts, other roles and the API's rules, changing nothing.
The pages themselves are tested in Chromium (tests/portal)."""
import http.client
import json
import shutil
import ssl
import tempfile
import time
import unittest
import urllib.parse

from agora_harness import AgoraServer, AgoraSingleServer, AgoraTestCase
from certificates import TestCertificates


def form(**fields):
    return urllib.parse.urlencode(fields)


class PortalHttpTest(AgoraTestCase):
    server_args = ("--token-ttl", "600")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.admin("create-user", "--org", cls.org, "--username", "reader", "--password-stdin", "--role", "viewer",
                         stdin="reading glasses\n")
        status, body = cls.server.publish(cls.org, "shown", "1.0.0", ["name=Shown", "type=custom"])
        if status != 201:
            raise AssertionError(f"publishing the fixture: {status} {body[:400]!r}")

    def sign_in(self, password="reading glasses", headers=None, next_page="/exchange/"):
        return self.server.request("POST", "/exchange/-/login", form(username="reader", password=password, next=next_page),
                                   {"Content-Type": "application/x-www-form-urlencoded",
                                    "Origin": self.server.base, **(headers or {})}, token=None)

    def session(self):
        cookie = self.sign_in().header("Set-Cookie")
        return cookie.split(";")[0]

    def page(self, path, cookie, **headers):
        return self.server.request("GET", path, headers={"Cookie": cookie, **headers}, token=None)

    def test_browsers_go_to_the_portal_and_api_clients_get_json(self):
        browser = self.server.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}, token=None)
        self.assertEqual(browser.status, 302)
        self.assertEqual(browser.header("Location"), "/exchange/")
        for accept in (None, "*/*", "application/json"):
            client = self.server.get("/", headers={"Accept": accept} if accept else {}, token=None)
            self.assertEqual(client.status, 200, accept)
            self.assertEqual(client.json()["status"], "ok")
        listing = self.server.get("/exchange/api/v2/assets")
        self.assertEqual(listing.status, 200, "the Exchange API keeps its routes")
        self.assertEqual([a["assetId"] for a in listing.json()], ["shown"])
        # A path under the API that no endpoint has is the API's 404, not the portal's sign-in page.
        for path in ("/exchange/api/v2/assets/", "/exchange/api/v2/nothing/here/", "/exchange/api/v2/assets/x/y/z/api/"):
            self.assertError(self.server.get(path, headers={"Accept": "application/json"}), 404, "NOT_FOUND")

    def test_anonymous_visitors_are_sent_to_sign_in_and_come_back(self):
        page = self.server.get("/exchange/?q=a%20b", token=None)
        self.assertEqual(page.status, 303)
        self.assertEqual(page.header("Location"), "/exchange/-/login?next=%2Fexchange%2F%3Fq%3Da%2520b")
        signed_in = self.sign_in(next_page="/exchange/?q=a%20b")
        self.assertEqual(signed_in.status, 303)
        self.assertEqual(signed_in.header("Location"), "/exchange/?q=a%20b")
        login = self.server.get("/exchange/-/login", token=None)
        self.assertEqual(login.status, 200)
        self.assertIn(b'<form action="/exchange/-/login" method="post">', login.body)
        self.assertEqual(self.server.get("/exchange/-/results?q=x", token=None).status, 401, "scripts get a 401")

    def test_the_session_cookie(self):
        answer = self.sign_in()
        self.assertEqual(answer.status, 303)
        cookie = answer.header("Set-Cookie")
        self.assertRegex(cookie, r"^agora_session=agora_[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Lax; Max-Age=600$")
        token = cookie.split(";")[0].split("=", 1)[1]
        me = self.server.get("/accounts/api/users/me", token=token)
        self.assertEqual(me.json()["username"], "reader", "the session is an ordinary token of the user")
        page = self.page("/exchange/", cookie.split(";")[0])
        self.assertEqual(page.status, 200)
        self.assertIn(b"Shown", page.body)
        stale = self.page("/exchange/", "agora_session=agora_" + "0" * 64)
        self.assertEqual(stale.status, 303, "an unknown token is no session")
        self.assertIn("Max-Age=0", stale.header("Set-Cookie"), "and its cookie is cleared")

    def test_wrong_credentials_and_cross_site_posts_are_refused(self):
        wrong = self.sign_in(password="wrong")
        self.assertEqual(wrong.status, 200)
        self.assertIsNone(wrong.header("Set-Cookie"))
        self.assertIn(b'role="alert"', wrong.body)
        for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "http://evil.example"}, {"Origin": "null"}):
            refused = self.sign_in(headers=headers)
            self.assertEqual(refused.status, 403, headers)
            self.assertIsNone(refused.header("Set-Cookie"), headers)

    def test_no_open_redirect_after_sign_in(self):
        for target in ("https://evil.example/", "//evil.example/exchange/", "/\\evil.example", "/exchange/\r\nX: y",
                       "javascript:alert(1)", "/accounts/api/users/me"):
            answer = self.sign_in(next_page=target)
            self.assertEqual(answer.header("Location"), "/exchange/", target)

    def test_sign_out_needs_the_csrf_token_and_revokes_the_session(self):
        cookie = self.session()
        token = cookie.split("=", 1)[1]
        page = self.page("/exchange/", cookie).body.decode()
        csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded", "Origin": self.server.base}
        for body in (form(), form(csrf="0" * 64)):
            refused = self.server.request("POST", "/exchange/-/logout", body, headers, token=None)
            self.assertEqual(refused.status, 403, body)
        self.assertEqual(self.server.get("/accounts/api/users/me", token=token).status, 200)
        cross_site = self.server.request("POST", "/exchange/-/logout", form(csrf=csrf),
                                         {**headers, "Sec-Fetch-Site": "cross-site"}, token=None)
        self.assertEqual(cross_site.status, 403)
        done = self.server.request("POST", "/exchange/-/logout", form(csrf=csrf), headers, token=None)
        self.assertEqual(done.status, 303)
        self.assertEqual(done.header("Location"), "/exchange/-/login")
        self.assertIn("Max-Age=0", done.header("Set-Cookie"))
        # On a cluster another server drops its cached principal within a moment of the revocation.
        deadline = time.monotonic() + 5
        while self.server.get("/accounts/api/users/me", token=token).status != 401 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.server.get("/accounts/api/users/me", token=token).status, 401, "the token is revoked")

    def test_pages_carry_the_security_headers(self):
        cookie = self.session()
        for path in ("/exchange/", f"/exchange/{self.org}/shown/", f"/exchange/{self.org}/shown/1.0.0/dependencies",
                     "/exchange/-/login", f"/exchange/{self.org}/missing/"):
            page = self.page(path, cookie if "login" not in path else "")
            self.assertIn(page.status, (200, 404), path)
            self.assertEqual(page.header("Content-Type"), "text/html; charset=utf-8", path)
            csp = page.header("Content-Security-Policy")
            self.assertIn("frame-ancestors 'none'", csp, path)
            self.assertIn("script-src 'self';", csp, path)
            self.assertNotIn("unsafe", csp, path)
            self.assertEqual(page.header("X-Content-Type-Options"), "nosniff", path)
            self.assertEqual(page.header("Cache-Control"), "private, no-cache", path)

    def test_static_files_are_cached_by_their_content_hash(self):
        page = self.page("/exchange/", self.session()).body.decode()
        stylesheet = page.split('<link rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        self.assertRegex(stylesheet, r"^/exchange/-/static/portal\.[0-9a-f]{12}\.css$")
        css = self.server.get(stylesheet, token=None)
        self.assertEqual(css.status, 200)
        self.assertEqual(css.header("Content-Type"), "text/css; charset=utf-8")
        self.assertEqual(css.header("Cache-Control"), "public, max-age=31536000, immutable")
        self.assertIn(b"prefers-color-scheme: dark", css.body)
        again = self.server.get(stylesheet, headers={"If-None-Match": css.header("ETag")}, token=None)
        self.assertEqual((again.status, again.body), (304, b""))
        self.assertEqual(self.server.get("/exchange/-/static/portal.000000000000.css", token=None).status, 404)
        self.assertEqual(self.server.get("/exchange/-/static/..%2F..%2Fetc%2Fpasswd", token=None).status, 400)

    def test_asset_addresses_in_exchanges_shapes(self):
        cookie = self.session()
        moved = self.page(f"/exchange/{self.org}/shown", cookie)
        self.assertEqual(moved.status, 301)
        self.assertEqual(moved.header("Location"), f"/exchange/{self.org}/shown/")
        for path in (f"/exchange/{self.org}/shown/", f"/exchange/{self.org}/shown/minor/1.0/",
                     f"/exchange/{self.org}/shown/1.0.0/"):
            page = self.page(path, cookie)
            self.assertEqual(page.status, 200, path)
            self.assertIn(b"<h1 class=\"asset-name\">Shown</h1>", page.body, path)
        for path in (f"/exchange/{self.org}/shown/minor/9.9/", f"/exchange/{self.org}/shown/2.0.0/",
                     f"/exchange/{self.org}/shown/1.0.0/pages/nope", f"/exchange/{self.org}/shown/1.0.0/api/",
                     f"/exchange/{self.org}/shown/1.0.0/files/custom/zip"):
            self.assertEqual(self.page(path, cookie).status, 404, path)
        head = self.server.request("HEAD", "/exchange/", headers={"Cookie": cookie}, token=None)
        self.assertEqual((head.status, head.body), (200, b""))

    def test_hostile_query_strings_answer_normally(self):
        cookie = self.session()
        for query in ("q=" + "a" * 20000, "page=-5&sort=%00", "type=%3Cscript%3E", "category=%3A&field=%3A%3A",
                      "q=%22%20OR%201%3D1%20--", "q=%F0%28%8C%28", "org=" + "x" * 300):
            page = self.page("/exchange/?" + query, cookie)
            self.assertEqual(page.status, 200, query)
            self.assertNotIn(b"<script>", page.body.split(b"</head>", 1)[1], query)


class PortalManagementHttpTest(AgoraTestCase):
    """The lifecycle and delete forms: a post without the session's CSRF token or from another
    site, a viewer's post, and a promotion the API's rules forbid are refused with a clear page
    and change nothing; the API sees exactly what the forms did."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for username, role in (("owner", "admin"), ("reader", "viewer")):
            cls.server.admin("create-user", "--org", cls.org, "--username", username, "--password-stdin", "--role", role,
                             stdin="correct horse\n")
        for asset, fields in (("base", ["status=development"]),
                              ("user", ["status=development", f"dependencies={cls.org}:base:1.0.0"])):
            status, body = cls.server.publish(cls.org, asset, "1.0.0", [f"name={asset.title()}", "type=custom", *fields])
            if status != 201:
                raise AssertionError(f"publishing {asset}: {status} {body[:400]!r}")

    def signed_in(self, username):
        cookie = self.server.portal_cookie(username, "correct horse")
        page = self.server.request("GET", f"/exchange/{self.org}/base/1.0.0/", headers={"Cookie": cookie}, token=None)
        self.assertEqual(page.status, 200)
        return cookie, page.body.decode().split('name="csrf" value="', 1)[1].split('"', 1)[0], page.body.decode()

    def post(self, path, cookie, headers=None, **fields):
        return self.server.request("POST", f"/exchange/{self.org}/{path}", form(**fields),
                                   {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
                                    "Origin": self.server.base, **(headers or {})}, token=None)

    def status_of(self, asset):
        return self.server.asset(self.org, asset, "1.0.0").json()["status"]

    def test_forged_posts_are_refused_and_change_nothing(self):
        cookie, csrf, page = self.signed_in("owner")
        self.assertIn(f'action="/exchange/{self.org}/base/1.0.0/status"', page, "an admin sees the lifecycle form")
        forged = ({}, {"csrf": "0" * 64}, {"csrf": csrf, "headers": {"Origin": "http://evil.example"}},
                  {"csrf": csrf, "headers": {"Sec-Fetch-Site": "cross-site"}})
        for path, fields in (("base/1.0.0/status", {"status": "published"}), ("base/1.0.0/delete", {})):
            for attempt in forged:
                attempt = dict(attempt)
                headers = attempt.pop("headers", None)
                refused = self.post(path, cookie, headers, **fields, **attempt)
                self.assertEqual(refused.status, 403, (path, attempt, headers))
                self.assertIn(b"Nothing was changed", refused.body)
                self.assertEqual(self.status_of("base"), "development", (path, attempt, headers))
        anonymous = self.server.request("POST", f"/exchange/{self.org}/base/1.0.0/status", form(status="published"),
                                        {"Content-Type": "application/x-www-form-urlencoded"}, token=None)
        self.assertEqual(anonymous.status, 303)
        self.assertEqual(anonymous.header("Location"),
                         "/exchange/-/login?next=" + urllib.parse.quote(f"/exchange/{self.org}/base/1.0.0/", safe=""))
        self.assertEqual(self.status_of("base"), "development")

    def test_viewers_see_no_controls_and_their_posts_are_refused_by_role(self):
        cookie, csrf, page = self.signed_in("reader")
        self.assertNotIn("Manage this version", page)
        self.assertNotIn("/status\"", page)
        self.assertNotIn("/delete\"", page)
        refused = self.post("base/1.0.0/status", cookie, csrf=csrf, status="published")
        self.assertEqual(refused.status, 403)
        self.assertIn(b'role="alert"', refused.body)
        self.assertIn(b"may not manage", refused.body, "the API's own refusal")
        self.assertIn(b"only administrators may deprecate", refused.body, "and the rule behind it")
        self.assertEqual(self.status_of("base"), "development")
        self.assertEqual(self.post("base/1.0.0/delete", cookie, csrf=csrf).status, 403)
        self.assertEqual(self.server.request("GET", f"/exchange/{self.org}/base/1.0.0/delete",
                                             headers={"Cookie": cookie}, token=None).status, 403)
        self.assertEqual(self.server.asset(self.org, "base", "1.0.0").status, 200, "still there")

    def test_the_dependency_picker_offers_only_versions_the_visitor_may_read(self):
        other = self.server.create_org("Elsewhere")
        token = self.server.create_token(other, "admin")
        status, body = self.server.publish(other, "base-elsewhere", "1.0.0", ["name=Base elsewhere", "type=custom"],
                                           token=token, org=other)
        self.assertEqual(status, 201, body[:400])
        cookie, _, _ = self.signed_in("owner")
        found = self.server.request("GET", "/exchange/-/dependency-choices?q=base", headers={"Cookie": cookie}, token=None)
        self.assertEqual(found.status, 200)
        page = found.body.decode()
        self.assertIn(f'data-dependency="{self.org}:base:1.0.0"', page)
        self.assertNotIn("elsewhere", page.lower(), "another organisation's asset is not offered")
        hostile = self.server.request("GET", "/exchange/-/dependency-choices?q=" + urllib.parse.quote("<b>x</b>" * 100),
                                      headers={"Cookie": cookie}, token=None)
        self.assertEqual(hostile.status, 200)
        self.assertNotIn(b"<b>", hostile.body, "the search is escaped")
        self.assertIn(b"No asset you may read matches", hostile.body)
        anonymous = self.server.request("GET", "/exchange/-/dependency-choices?q=base", token=None)
        self.assertEqual(anonymous.status, 303, "sign in first")

    def test_tokens_are_administered_by_administrators_only_and_within_their_organizations(self):
        cookie, csrf, _ = self.signed_in("owner")
        tokens = "/exchange/-/organization/tokens"
        issued = self.server.request("POST", tokens, form(csrf=csrf, pageOrganizationId=self.org, organizationId=self.org,
                                                          subject="nightly", role="contributor", expiresIn="30d"),
                                     {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
                                      "Origin": self.server.base}, token=None)
        self.assertEqual(issued.status, 201, issued.body[:400])
        secret = issued.body.decode().split("<code>", 1)[1].split("</code>", 1)[0]
        self.assertEqual(self.server.request("GET", "/exchange/api/v2/assets?limit=1", token=secret).status, 200)
        listed = json.loads(self.server.admin("list-tokens", "--org", self.org, "--output", "json"))
        nightly = [t for t in listed if t["subject"] == "nightly"]
        self.assertEqual([(t["role"], t["expiresAt"] != "never") for t in nightly], [("contributor", True)])

        def post(path, cookie, **fields):
            return self.server.request("POST", path, form(**fields),
                                       {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
                                        "Origin": self.server.base}, token=None)

        # Without the CSRF token, by a viewer, for another organisation, or with a made-up lifetime:
        # refused, and nothing issued or revoked.
        self.assertEqual(post(tokens, cookie, pageOrganizationId=self.org, organizationId=self.org, subject="forged",
                              role="admin", expiresIn="30d").status, 403)
        other = self.server.create_org("Not yours")
        self.assertEqual(post(tokens, cookie, csrf=csrf, pageOrganizationId=self.org, organizationId=other,
                              subject="theirs", role="admin", expiresIn="never").status, 403)
        self.assertEqual(post(tokens, cookie, csrf=csrf, pageOrganizationId=self.org, organizationId=self.org,
                              subject="forever", role="admin", expiresIn="99y").status, 400)
        reader_cookie, reader_csrf, _ = self.signed_in("reader")
        self.assertEqual(self.server.request("GET", tokens, headers={"Cookie": reader_cookie}, token=None).status, 403)
        self.assertEqual(post(tokens, reader_cookie, csrf=reader_csrf, pageOrganizationId=self.org,
                              organizationId=self.org, subject="mine", role="admin", expiresIn="30d").status, 403)
        self.assertEqual(post(tokens + "/revoke", reader_cookie, csrf=reader_csrf, organizationId=self.org,
                              id=nightly[0]["id"]).status, 403)
        foreign = self.server.create_token(other, "admin")
        foreign_id = json.loads(self.server.admin("list-tokens", "--org", other, "--output", "json"))[0]["id"]
        self.assertEqual(post(tokens + "/revoke", cookie, csrf=csrf, organizationId=self.org, id=foreign_id).status, 404,
                         "another organisation's token is not found from this one")
        self.assertEqual(self.server.request("GET", "/exchange/api/v2/assets?limit=1", token=foreign).status, 200)
        subjects = {t["subject"] for t in json.loads(self.server.admin("list-tokens", "--output", "json"))}
        self.assertFalse(subjects & {"forged", "theirs", "forever", "mine"}, subjects)

        revoked = post(tokens + "/revoke", cookie, csrf=csrf, organizationId=self.org, id=nightly[0]["id"])
        self.assertEqual(revoked.status, 303)
        self.assertEqual(self.server.request("GET", "/exchange/api/v2/assets?limit=1", token=secret).status, 401)

    def test_the_apis_rules_are_explained_when_an_action_is_refused(self):
        cookie, csrf, _ = self.signed_in("owner")
        refused = self.post("user/1.0.0/status", cookie, csrf=csrf, status="published")
        self.assertEqual(refused.status, 400)
        body = refused.body.decode()
        self.assertIn('role="alert"', body)
        self.assertIn("Promoting version 1.0.0 was refused.", body)
        self.assertIn(f"development versions: {self.org}:base:1.0.0", body, "the API's message names the dependency")
        self.assertIn("promote those dependencies first", body)
        self.assertEqual(self.status_of("user"), "development")
        # The dependency cannot be deleted either while the other version depends on it.
        confirm = self.server.request("GET", f"/exchange/{self.org}/base/1.0.0/delete", headers={"Cookie": cookie},
                                      token=None)
        self.assertEqual(confirm.status, 200)
        self.assertIn(f"{self.org}:user:1.0.0", confirm.body.decode())
        self.assertNotIn(b'<button type="submit" class="danger"', confirm.body)
        refused = self.post("base/1.0.0/delete", cookie, csrf=csrf)
        self.assertEqual(refused.status, 409)
        self.assertIn(b"Deleting version 1.0.0 was refused.", refused.body)
        self.assertEqual(self.server.asset(self.org, "base", "1.0.0").status, 200, "still there")
        for bad in ("development", "", "retired"):
            self.assertEqual(self.post("base/1.0.0/status", cookie, csrf=csrf, status=bad).status, 400, bad)
        self.assertEqual(self.post("nothing/1.0.0/status", cookie, csrf=csrf, status="published").status, 404)
        self.assertEqual(self.status_of("base"), "development")


class PortalHttpsTest(unittest.TestCase):
    def test_over_https_the_cookie_is_secure_and_host_only(self):
        work = tempfile.mkdtemp(prefix="agora-portal-tls-")
        self.addCleanup(shutil.rmtree, work, ignore_errors=True)
        certificates = TestCertificates(work)
        server = AgoraSingleServer(tls=certificates)  # agora's own TLS: behind a balancer, TLS ends there
        self.addCleanup(server.cleanup)
        server.start()
        try:
            server.admin("create-user", "--org", server.org, "--username", "reader", "--password-stdin", "--role",
                         "viewer", stdin="reading glasses\n")
            answer = server.request("POST", "/exchange/-/login", form(username="reader", password="reading glasses"),
                                    {"Content-Type": "application/x-www-form-urlencoded", "Origin": server.base},
                                    token=None)
            self.assertEqual(answer.status, 303)
            self.assertRegex(answer.header("Set-Cookie"),
                             r"^__Host-agora_session=agora_[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Lax; "
                             r"Max-Age=3600; Secure$")
            cookie = answer.header("Set-Cookie").split(";")[0]
            self.assertEqual(server.get("/exchange/", headers={"Cookie": cookie}, token=None).status, 200)
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
