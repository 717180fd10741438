"""Compatibility reports and the rule that guards publication (docs/compatibility.md): the report
endpoint between published versions, the organisation and asset rules (admins only), refused
minors and patches, allowed majors and INFO-only versions, the transitive rule over a chain of
five versions, the dry run, and `agora diff` on files and against this server."""

import json
import os
import subprocess
import textwrap

from agora_harness import AgoraTestCase


def oas(version, operations, parameters=""):
    """An OpenAPI 3.0 document: `operations` is the YAML of its paths' operations."""
    return textwrap.dedent(f"""\
        openapi: 3.0.3
        info: {{title: Pets, version: '{version}'}}
        paths:
        """) + textwrap.indent(textwrap.dedent(operations), "  ")


PETS = """\
/pets:
  get:
    operationId: listPets
    parameters:
      - {name: limit, in: query, schema: {type: integer, maximum: 100}}
    responses:
      '200': {description: the pets}
/old:
  get:
    responses:
      '200': {description: old}
"""


class CompatibilityTest(AgoraTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.viewer = cls.server.create_token(cls.org, "viewer")
        cls.contributor = cls.server.create_token(cls.org, "contributor")
        cls.stranger = cls.server.create_token(cls.server.create_org("strangers"), "admin")
        # A business group, made before the admin token's principal is first cached.
        cls.team = cls.server.admin("create-org", "--parent", cls.org, "team")

    def spec_file(self, name, text):
        path = os.path.join(self.work, name)
        with open(path, "w") as out:
            out.write(text)
        return path

    def publish(self, asset, version, text, headers=(), query="", token="admin"):
        path = self.spec_file(f"{asset}-{version}.yaml", text)
        api_version = "v" + version.split(".")[0]  # one apiVersion per major, as publication requires
        fields = [f"name={asset}", "type=rest-api", f"properties.apiVersion={api_version}", f"files.oas.yaml=@{path}"]
        if query:
            args = ["-H", "x-sync-publication: true"]
            for header in headers:
                args += ["-H", header]
            for field in fields:
                args += ["-F", field]
            return self.server.curl(*args, self.server.publish_url(self.org, asset, version) + query, token=token)
        return self.server.publish(self.org, asset, version, fields, headers=headers, token=token)

    def set_rule(self, path, rule, token="admin"):
        return self.server.request("PUT", path, body=json.dumps({"rule": rule}),
                                   headers={"Content-Type": "application/json"}, token=token)

    def asset_rule_path(self, asset):
        return f"/exchange/api/v2/assets/{self.org}/{asset}/compatibility"

    # --- the report endpoint --------------------------------------------------------------------

    def test_report_between_published_versions(self):
        self.assertCreated(self.publish("report-pets", "1.0.0", oas("1.0.0", PETS)))
        breaking = PETS.replace("{name: limit, in: query,", "{name: limit, in: query, required: true,")
        self.assertCreated(self.publish("report-pets", "1.1.0", oas("1.1.0", breaking)))
        base = f"/exchange/api/v2/assets/{self.org}/report-pets/1.1.0/compatibility"
        response = self.server.get(base, token=self.viewer)
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.header("Content-Type"), "application/json")
        report = response.json()
        self.assertEqual(report["base"], f"{self.org}:report-pets:1.0.0", "the previous version by default")
        self.assertTrue(report["breaking"])
        self.assertEqual([c["id"] for c in report["changes"]], ["request-parameter-became-required"])
        change = report["changes"][0]
        self.assertEqual((change["level"], change["operation"]), ("ERR", "GET /pets"))
        self.assertRegex(change["base"], r"^report-pets-1\.0\.0\.yaml:\d+:\d+$")
        markdown = self.server.get(base + "?base=1.0.0&format=markdown")
        self.assertEqual(markdown.status, 200)
        self.assertTrue(markdown.header("Content-Type").startswith("text/markdown"))
        self.assertIn(b"request-parameter-became-required", markdown.body)
        sarif = self.server.get(base + "?format=sarif").json()
        self.assertEqual(sarif["runs"][0]["results"][0]["level"], "error")
        self.assertError(self.server.get(base + "?format=pdf"), 400, "INVALID_FORMAT")
        self.assertError(self.server.get(base + "?base=9.9.9"), 404, "NOT_FOUND")
        self.assertError(self.server.get(f"/exchange/api/v2/assets/{self.org}/report-pets/1.0.0/compatibility"),
                         404, "NOT_FOUND")
        self.assertError(self.server.get(base, token=self.stranger), 404, "NOT_FOUND")

    def test_the_portal_shows_the_report_when_comparing_versions(self):
        self.assertCreated(self.publish("portal-pets", "1.0.0", oas("1.0.0", PETS)))
        breaking = PETS.replace("{name: limit, in: query,", "{name: limit, in: query, required: true,")
        self.assertCreated(self.publish("portal-pets", "1.1.0", oas("1.1.0", breaking)))
        self.server.admin("create-user", "--org", self.org, "--username", "comparer", "--password-stdin",
                          "--role", "viewer", stdin="compare glasses\n")
        cookie = self.server.portal_cookie("comparer", "compare glasses")

        def page(path):
            return self.server.request("GET", f"/exchange/{self.org}/portal-pets/{path}", headers={"Cookie": cookie},
                                       token=None)

        overview = page("1.1.0/")
        self.assertIn(f'href="/exchange/{self.org}/portal-pets/1.1.0/compare"'.encode(), overview.body,
                      "the asset's navigation links to the compare page")
        compare = page("1.1.0/compare")
        self.assertEqual(compare.status, 200, compare)
        self.assertIn(b'<option value="1.0.0" selected="selected">1.0.0</option>', compare.body,
                      "the previous version is the base by default")
        self.assertIn(b"This version breaks clients of the base version.", compare.body)
        self.assertIn(b"<code>request-parameter-became-required</code>", compare.body)
        self.assertRegex(compare.body.decode(), r"portal-pets-1\.0\.0\.yaml:\d+:\d+")
        markdown = page("1.1.0/compare?base=1.0.0&format=markdown")
        self.assertEqual(markdown.status, 200)
        self.assertTrue(markdown.header("Content-Type").startswith("text/markdown"))
        self.assertIn(b"request-parameter-became-required", markdown.body)
        self.assertIn("sandbox", markdown.header("Content-Security-Policy"))
        self.assertEqual(page("1.1.0/compare?base=9.9.9").status, 404)
        self.assertEqual(page("1.1.0/compare?base=1.1.0").status, 404, "a version is not compared with itself")
        self.assertEqual(page("1.1.0/compare?format=pdf").status, 400)
        first = page("1.0.0/compare")
        self.assertEqual(first.status, 200)
        self.assertIn(b"<option value=\"1.1.0\" selected=\"selected\">", first.body,
                      "the oldest version is compared with the newest")
        stranger = self.server.create_org("compare-strangers")
        self.server.admin("create-user", "--org", stranger, "--username", "compare-stranger", "--password-stdin",
                          "--role", "admin", stdin="stranger glasses\n")
        outsider = self.server.portal_cookie("compare-stranger", "stranger glasses")
        self.assertEqual(self.server.request("GET", f"/exchange/{self.org}/portal-pets/1.1.0/compare",
                                             headers={"Cookie": outsider}, token=None).status, 404,
                         "another organisation's asset stays hidden")

    # --- the rule -------------------------------------------------------------------------------

    def test_rules_are_set_and_read_by_admins_only(self):
        child = self.server.create_org("child")
        admin_of_child = self.server.create_token(child, "admin")
        path = f"/exchange/api/v2/organizations/{self.org}/compatibility"
        self.assertEqual(self.server.get(path, token=self.contributor).status, 403)
        self.assertEqual(self.set_rule(path, "BACKWARD", token=self.contributor).status, 403)
        self.assertEqual(self.set_rule(path, "BACKWARD", token=admin_of_child).status, 403)
        self.assertError(self.set_rule(path, "SIDEWAYS"), 400, "INVALID_RULE")
        self.assertError(self.set_rule(path, "backward"), 400, "INVALID_RULE")
        self.assertError(self.set_rule(path, 5), 400, "INVALID_RULE")
        self.assertError(self.server.request("PUT", path, body="{}", headers={"Content-Type": "application/json"}),
                         400, "INVALID_RULE")
        self.assertError(self.server.request("PUT", path, body="rule=BACKWARD",
                                             headers={"Content-Type": "application/json"}), 400, "BAD_REQUEST")
        self.assertError(self.set_rule(f"/exchange/api/v2/assets/{self.org}/never-published/compatibility", "BACKWARD"),
                         404, "NOT_FOUND")
        response = self.server.get(path)
        self.assertEqual(response.status, 200)
        self.assertEqual(response.json(), {"rule": None, "effectiveRule": "NONE", "source": "default"})
        self.assertEqual(self.set_rule(path, "BACKWARD").json()["rule"], "BACKWARD")
        try:
            self.assertEqual(self.server.get(path).json(), {"rule": "BACKWARD", "effectiveRule": "BACKWARD",
                                                            "source": f"organization:{self.org}"})
            # A business group inherits its parent's rule.
            inherited = self.server.get(f"/exchange/api/v2/organizations/{self.team}/compatibility").json()
            self.assertEqual(inherited["effectiveRule"], "BACKWARD")
            self.assertEqual(inherited["source"], f"organization:{self.org}")
        finally:
            self.assertIsNone(self.set_rule(path, None).json()["rule"])

    def guarded(self, asset, rule="BACKWARD"):
        self.assertCreated(self.publish(asset, "1.0.0", oas("1.0.0", PETS)))
        response = self.set_rule(self.asset_rule_path(asset), rule)
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.json(), {"rule": rule, "effectiveRule": rule, "source": "asset"})

    def test_breaking_minor_and_patch_are_refused_with_the_report(self):
        self.guarded("guarded")
        breaking = PETS.replace("maximum: 100", "maximum: 10")
        for version in ("1.1.0", "1.0.1"):
            body = self.assertError(self.publish("guarded", version, oas(version, breaking)), 409, "INCOMPATIBLE_VERSION")
            compatibility = body["details"]["compatibility"]
            self.assertEqual(compatibility["rule"], "BACKWARD")
            self.assertFalse(compatibility["compatible"])
            [report] = compatibility["reports"]
            self.assertEqual(report["base"], f"{self.org}:guarded:1.0.0")
            self.assertIn("request-parameter-max-decreased", [c["id"] for c in report["changes"]])
            self.assertTrue(any("request-parameter-max-decreased" in e for e in body["details"]["errors"]))
            self.assertNotStored(self.org, "guarded", version)

    def test_majors_and_info_only_versions_are_allowed(self):
        self.guarded("allowed")
        compatible = PETS.replace("      '200': {description: the pets}",
                                  "      '200': {description: the pets}\n      '404': {description: none}")
        self.assertCreated(self.publish("allowed", "1.1.0", oas("1.1.0", compatible)))
        removed = PETS[:PETS.index("/old:")]
        self.assertCreated(self.publish("allowed", "2.0.0", oas("2.0.0", removed)))
        # The asynchronous path applies the rule too: the job fails with the report's errors.
        path = self.spec_file("allowed-1.2.0.yaml", oas("1.2.0", removed))
        status, body = self.server.publish(self.org, "allowed", "1.2.0", [
            "name=allowed", "type=rest-api", "properties.apiVersion=v1", f"files.oas.yaml=@{path}"], sync=False)
        self.assertEqual(status, 202, body)
        job = self.server.poll_publication(json.loads(body)["publicationStatusLink"])
        self.assertEqual(job["status"], "error", job)
        errors = [e for step in job["steps"] for e in step.get("errors", [])]
        self.assertTrue(any("api-path-removed-without-deprecation" in e for e in errors), job)
        self.assertNotStored(self.org, "allowed", "1.2.0")

    def test_transitive_rule_over_a_chain_of_five_versions(self):
        # Each version is compatible with the one before it: /old is deprecated in 1.2.0 and
        # removed in 1.4.0, which BACKWARD allows (removal after deprecation) and
        # BACKWARD_TRANSITIVE refuses (1.0.0 and 1.1.0 never deprecated it).
        deprecated = PETS.replace("/old:\n  get:\n", "/old:\n  get:\n    deprecated: true\n")
        chain = [
            ("1.0.0", PETS),
            ("1.1.0", PETS + "/extra:\n  get:\n    responses:\n      '200': {description: extra}\n"),
            ("1.2.0", deprecated + "/extra:\n  get:\n    responses:\n      '200': {description: extra}\n"),
            ("1.3.0", deprecated.replace("{name: limit, in: query,", "{name: offset, in: query, schema: {type: integer}}\n"
                                         "      - {name: limit, in: query,") +
             "/extra:\n  get:\n    responses:\n      '200': {description: extra}\n"),
        ]
        last = chain[-1][1]
        removed = last[:last.index("/old:")] + last[last.index("/extra:"):]
        for asset, rule in (("chain-backward", "BACKWARD"), ("chain-transitive", "BACKWARD_TRANSITIVE")):
            self.assertCreated(self.publish(asset, "1.0.0", oas("1.0.0", chain[0][1])))
            self.assertEqual(self.set_rule(self.asset_rule_path(asset), rule).status, 200)
            for version, text in chain[1:]:
                self.assertCreated(self.publish(asset, version, oas(version, text)))
        self.assertCreated(self.publish("chain-backward", "1.4.0", oas("1.4.0", removed)))
        body = self.assertError(self.publish("chain-transitive", "1.4.0", oas("1.4.0", removed)), 409,
                                "INCOMPATIBLE_VERSION")
        reports = body["details"]["compatibility"]["reports"]
        self.assertEqual([r["base"].rsplit(":", 1)[1] for r in reports], ["1.0.0", "1.1.0", "1.2.0", "1.3.0"])
        self.assertEqual([r["breaking"] for r in reports], [True, True, False, False])
        self.assertIn("api-path-removed-without-deprecation", [c["id"] for c in reports[0]["changes"]])
        self.assertIn("api-path-removed-with-deprecation", [c["id"] for c in reports[3]["changes"]])
        self.assertNotStored(self.org, "chain-transitive", "1.4.0")

    def test_dry_run_answers_the_report_and_stores_nothing(self):
        self.guarded("dry")
        breaking = PETS.replace("maximum: 100", "maximum: 10")
        status, body = self.publish("dry", "1.1.0", oas("1.1.0", breaking), headers=("x-dry-run: true",))
        self.assertEqual(status, 200, body)
        answer = json.loads(body)
        self.assertEqual((answer["dryRun"], answer["wouldPublish"]), (True, False))
        self.assertEqual(answer["compatibility"]["reports"][0]["changes"][0]["id"], "request-parameter-max-decreased")
        self.assertNotStored(self.org, "dry", "1.1.0")
        status, body = self.publish("dry", "1.1.0", oas("1.1.0", PETS + "/new:\n  get:\n    responses:\n"
                                                                 "      '200': {description: new}\n"),
                                    query="?dryRun=true")
        self.assertEqual(status, 200, body)
        answer = json.loads(body)
        self.assertTrue(answer["wouldPublish"])
        self.assertEqual([c["id"] for c in answer["compatibility"]["reports"][0]["changes"]], ["endpoint-added"])
        self.assertNotStored(self.org, "dry", "1.1.0")
        # Without a rule, the dry run still reports against the previous version.
        self.assertCreated(self.publish("dry-free", "1.0.0", oas("1.0.0", PETS)))
        status, body = self.publish("dry-free", "1.1.0", oas("1.1.0", breaking), headers=("x-dry-run: true",))
        answer = json.loads(body)
        self.assertEqual((answer["wouldPublish"], answer["compatibility"]["rule"]), (True, "NONE"))
        self.assertTrue(answer["compatibility"]["reports"][0]["breaking"])
        # A dry run is refused where a publication would be, with the same error.
        self.assertError(self.publish("dry", "1.0.0", oas("1.0.0", PETS), headers=("x-dry-run: true",)), 409,
                         "ASSET_PRE_CONDITIONS_FAILED")

    def test_a_flag_that_is_neither_true_nor_false_is_refused_before_anything_is_stored(self):
        for headers, query in ((("x-dry-run: 1",), ""), (("x-dry-run: yes",), ""), ((), "?dryRun=on"),
                               (("x-file-validation: no",), "")):
            body = self.assertError(self.publish("flags", "1.0.0", oas("1.0.0", PETS), headers=headers, query=query),
                                    400, "INVALID_FLAG")
            self.assertIn("must be true or false", body["message"])
            self.assertNotStored(self.org, "flags", "1.0.0")
        status, body = self.publish("flags", "1.0.0", oas("1.0.0", PETS), headers=("x-dry-run: TRUE",))
        self.assertEqual((status, json.loads(body)["dryRun"]), (200, True), body)
        self.assertNotStored(self.org, "flags", "1.0.0")
        self.assertCreated(self.publish("flags", "1.0.0", oas("1.0.0", PETS), headers=("x-dry-run: false",)))

    # --- agora diff -----------------------------------------------------------------------------

    def diff(self, *args, env=None):
        return subprocess.run([self.server.binary, "diff", *args], capture_output=True, text=True, timeout=60,
                              env={**os.environ, **(env or {})})

    def test_diff_of_files_formats_and_exit_statuses(self):
        old = self.spec_file("old.yaml", oas("1.0.0", PETS))
        new = self.spec_file("new.yaml", oas("1.1.0", PETS.replace("maximum: 100", "maximum: 10")))
        result = self.diff(old, new)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("ERR  request-parameter-max-decreased  GET /pets", result.stdout)
        self.assertEqual(self.diff(old, new, "--fail-on", "ERR").returncode, 1)
        self.assertEqual(self.diff(old, old, "--fail-on", "WARN").returncode, 0)
        report = json.loads(self.diff(old, new, "--format", "json").stdout)
        self.assertEqual(report["summary"]["ERR"], 1)
        junit = self.diff(old, new, "--format", "junit", "--fail-on", "ERR")
        self.assertEqual(junit.returncode, 1)
        self.assertIn('failures="1"', junit.stdout)
        output = os.path.join(self.work, "report.sarif")
        self.assertEqual(self.diff(old, new, "--format", "sarif", "--output", output).returncode, 0)
        with open(output) as sarif:
            self.assertEqual(json.load(sarif)["version"], "2.1.0")
        self.assertEqual(self.diff(old, new, "--format", "pdf").returncode, 2)
        self.assertEqual(self.diff(old, new, "--fail-on", "INFO").returncode, 2)
        self.assertEqual(self.diff(old).returncode, 2)
        missing = self.diff(old, os.path.join(self.work, "missing.yaml"))
        self.assertEqual(missing.returncode, 3)
        self.assertIn("does not exist", missing.stderr)
        garbage = self.spec_file("garbage.yaml", "openapi: [\n")
        self.assertEqual(self.diff(old, garbage).returncode, 3)

    def test_diff_of_published_versions(self):
        self.assertCreated(self.publish("served", "1.0.0", oas("1.0.0", PETS)))
        self.assertCreated(self.publish("served", "1.1.0", oas("1.1.0", PETS[:PETS.index("/old:")])))
        old, new = f"{self.org}:served:1.0.0", f"{self.org}:served:1.1.0"
        result = self.diff("--server", self.server.base, old, new, "--format", "json", "--fail-on", "ERR",
                           env={"AGORA_TOKEN": self.viewer})
        self.assertEqual(result.returncode, 1, result.stderr)
        report = json.loads(result.stdout)
        self.assertEqual((report["base"], report["revision"]), (old, new))
        self.assertEqual([c["id"] for c in report["changes"]], ["api-path-removed-without-deprecation"])
        unauthorised = self.diff("--server", self.server.base, old, new, env={"AGORA_TOKEN": "wrong"})
        self.assertEqual(unauthorised.returncode, 3)
        self.assertIn("401", unauthorised.stderr)
        self.assertEqual(self.diff("--server", self.server.base, old, f"{self.org}:served:9.9.9",
                                   "--token", self.token).returncode, 3)
        self.assertEqual(self.diff("--server", self.server.base, "not-coordinates", new).returncode, 3)
