"""Each publication rule with the bad input: the status, the error code, and that nothing was stored."""
import os
import unittest

from agora_harness import AgoraTestCase
from fixtures import Fixtures, write


class PublicationRulesTest(AgoraTestCase):
    server_args = ("--max-upload-mb", "1")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files = Fixtures(cls.work, cls.org)

    def rejected(self, asset_id, fields, status, code, version="1.0.0", headers=()):
        args = []
        for header in ("x-sync-publication: true", *headers):
            args += ["-H", header]
        for field in fields:
            args += ["-F", field]
        result = self.server.curl(*args, self.server.publish_url(self.org, asset_id, version))
        body = self.assertError(result, status, code)
        if status != 403:
            self.assertNotStored(self.org, asset_id, version)
        return body

    def raml(self, *extra):
        return ["name=An API", "properties.apiVersion=v1", f"files.raml.zip=@{self.files.simple_raml_zip}",
                "properties.mainFile=american-flights-api.raml", *extra]

    def test_name_is_required(self):
        self.rejected("no-name", ["type=custom"], 400, "MISSING_REQUIRED_PROPERTIES")

    def test_api_version_is_required_for_apis(self):
        self.rejected("no-api-version", ["name=x", f"files.raml.zip=@{self.files.simple_raml_zip}"], 400,
                      "MISSING_REQUIRED_PROPERTIES")
        self.rejected("http-no-api-version", ["name=x", "type=http-api", "properties.assetLink=http://x"], 400,
                      "MISSING_REQUIRED_PROPERTIES")
        self.rejected("soap-no-api-version", ["name=x", "properties.mainFile=main.wsdl",
                                              f"files.wsdl.zip=@{self.files.wsdl_zip}"], 400, "MISSING_REQUIRED_PROPERTIES")
        self.rejected("soap-link-no-api-version", ["name=x", "type=soap-api", "properties.assetLink=http://x"], 400,
                      "MISSING_REQUIRED_PROPERTIES")
        self.assertCreated(self.server.publish(self.org, "fragment-needs-none", "1.0.0", [
            "name=x", "properties.mainFile=OAuth2.raml", f"files.raml-fragment.zip=@{self.files.oauth_zip}"]))

    def test_type_must_be_determinable(self):
        self.rejected("no-type", ["name=x"], 400, "COULD_NOT_DETERMINE_ASSET_TYPE")
        self.rejected("odd-classifier", ["name=x", f"files.asyncapi.zip=@{self.files.library_jar}"], 400,
                      "COULD_NOT_DETERMINE_ASSET_TYPE")

    def test_the_type_and_the_specification_agree(self):
        f = self.files
        self.rejected("soap-with-oas", ["name=x", "type=soap-api", "properties.apiVersion=v1",
                                        f"files.oas.yaml=@{f.pets_yaml}"], 400, "INVALID_ASSET_TYPE")
        self.rejected("rest-with-wsdl", ["name=x", "type=rest-api", "properties.apiVersion=v1",
                                         "properties.mainFile=main.wsdl", f"files.wsdl.zip=@{f.wsdl_zip}"], 400,
                      "INVALID_ASSET_TYPE")
        self.rejected("http-with-raml", ["name=x", "type=http-api", "properties.apiVersion=v1",
                                         f"files.raml.raml=@{f.raml_file}"], 400, "INVALID_ASSET_TYPE")
        body = self.rejected("rest-without-spec", ["name=x", "type=rest-api", "properties.apiVersion=v1",
                                                   f"files.custom.jar=@{f.library_jar}"], 400, "MISSING_FILES_ERROR")
        self.assertIn("files.raml", body["message"])
        body = self.rejected("two-specs", ["name=x", "properties.apiVersion=v1", f"files.oas.yaml=@{f.pets_yaml}",
                                           f"files.raml.raml=@{f.raml_file}"], 400, "INVALID_FILES")
        self.assertIn("one specification", body["message"])
        body = self.rejected("soap-nothing", ["name=x", "type=soap-api", "properties.apiVersion=v1"], 400,
                             "MISSING_FILES_ERROR")
        self.assertIn("(files.wsdl.*) or properties.assetLink", body["message"])
        # What does agree still publishes: a REST API from OAS, a fragment as a single RAML file.
        self.assertCreated(self.server.publish(self.org, "rest-from-oas", "1.0.0", [
            "name=x", "type=rest-api", "properties.apiVersion=v1", f"files.oas.yaml=@{f.pets_yaml}"]))
        self.assertCreated(self.server.publish(self.org, "fragment-from-raml", "1.0.0", [
            "name=x", "type=raml-fragment", f"files.raml.raml=@{f.oauth_raml}"]))

    def test_unknown_type(self):
        self.rejected("bad-type", ["name=x", "type=spaceship"], 400, "INVALID_ASSET_TYPE")

    def test_unknown_form_fields_are_named(self):
        body = self.rejected("typo", ["nmae=x", "name=x", "type=custom"], 400, "UNKNOWN_FORM_FIELDS")
        self.assertTrue(any("nmae" in error for error in body["details"]["errors"]), body)
        self.assertNotIn("name", body["details"]["errors"], "known fields are not reported")

    def test_file_identifier_needs_classifier_and_packaging(self):
        self.rejected("bad-file", ["name=x", "type=custom", f"files.raml=@{self.files.raml_file}"], 400,
                      "INVALID_FILE_IDENTIFIER_ERROR")

    def test_type_needing_a_file(self):
        self.rejected("no-file", ["name=x", "type=rest-api", "properties.apiVersion=v1"], 400, "MISSING_FILES_ERROR")

    def test_main_file_must_exist_in_the_zip_root(self):
        self.rejected("missing-main", self.raml()[:-1] + ["properties.mainFile=absent.raml"], 400, "INVALID_MAIN_FILE")
        self.rejected("nested-main", ["name=x", "properties.apiVersion=v1", f"files.raml.zip=@{self.files.nested_main_zip}",
                                      "properties.mainFile=specs/api.raml"], 400, "INVALID_MAIN_FILE")

    def test_api_version_per_major(self):
        self.assertCreated(self.server.publish(self.org, "versioned", "1.0.0", self.raml()))
        self.rejected("versioned", self.raml()[:1] + ["properties.apiVersion=v9"] + self.raml()[2:], 400,
                      "INVALID_API_VERSION", version="1.1.0")
        self.rejected("versioned", self.raml(), 400, "INVALID_API_VERSION", version="2.0.0")
        self.assertCreated(self.server.publish(self.org, "versioned", "1.1.0", self.raml()))

    def test_http_api_versions_bump_the_major(self):
        fields = ["name=h", "type=http-api", "properties.assetLink=http://x", "properties.apiVersion=v1"]
        self.assertCreated(self.server.publish(self.org, "http-bump", "1.0.0", fields))
        self.rejected("http-bump", fields[:-1] + ["properties.apiVersion=v1"], 400, "INVALID_VERSION", version="1.0.1")

    def test_versions_are_semver(self):
        for version in ("1.0", "v1.0.0", "1.0.0+build.5", "01.0.0"):
            result = self.server.publish(self.org, "semver", version, ["name=x", "type=custom"])
            self.assertError(result, 400, "INVALID_VERSION")

    def test_coordinates_are_checked(self):
        for group, asset in ((self.org, "bad%20id"), (self.org, "bad$id"), ("bad$group", "fine"), ("com..x", "fine")):
            with self.subTest(group=group, asset=asset):
                result = self.server.publish(group, asset, "1.0.0", ["name=x", "type=custom"])
                self.assertError(result, 400, "INVALID_COORDINATES")
        self.assertNotStored(self.org, "bad$id", "1.0.0")

    def test_published_versions_are_immutable_development_ones_are_not(self):
        self.assertCreated(self.server.publish(self.org, "dev", "1.0.0", ["name=x", "type=custom", "status=development"]))
        self.assertCreated(self.server.publish(self.org, "dev", "1.0.0", ["name=y", "type=custom"]))
        self.assertEqual(self.server.asset(self.org, "dev", "1.0.0").json()["name"], "y")
        body = self.assertError(self.server.publish(self.org, "dev", "1.0.0", ["name=z", "type=custom"]), 409,
                                "ASSET_PRE_CONDITIONS_FAILED")
        self.assertTrue(body["details"]["errors"])
        self.assertEqual(self.server.asset(self.org, "dev", "1.0.0").json()["name"], "y")

    def test_dependencies_must_exist(self):
        self.rejected("orphan", ["name=x", "type=custom", f"dependencies={self.org}:nothing:1.0.0"], 400,
                      "DEPENDENCY_NOT_FOUND")

    def test_dependencies_must_be_readable_by_the_publisher(self):
        other_org = self.server.create_org("Elsewhere")
        other_token = self.server.create_token(other_org, "admin")
        status, body = self.server.publish(other_org, "private-thing", "1.0.0", ["name=x", "type=custom"],
                                           token=other_token, org=other_org)
        self.assertEqual(status, 201, body)
        body = self.rejected("borrower", ["name=x", "type=custom", f"dependencies={other_org}:private-thing:1.0.0"],
                             400, "DEPENDENCY_NOT_FOUND")
        self.assertTrue(any("private-thing" in error for error in body["details"]["errors"]), body)

    def test_at_most_100_dependencies(self):
        deps = ",".join(f"{self.org}:d{i}:1.0.0" for i in range(101))
        self.rejected("many-deps", ["name=x", "type=custom", f"dependencies={deps}"], 400, "TOO_MANY_DEPENDENCIES")

    def test_dependency_syntax(self):
        self.rejected("bad-dep", ["name=x", "type=custom", "dependencies=just-a-name"], 400, "INVALID_DEPENDENCY")

    def test_published_asset_cannot_depend_on_development(self):
        self.assertCreated(self.server.publish(self.org, "dev-dep", "1.0.0", ["name=x", "type=custom", "status=development"]))
        self.rejected("depends-on-dev", ["name=x", "type=custom", f"dependencies={self.org}:dev-dep:1.0.0"], 400,
                      "DEVELOPMENT_DEPENDENCIES")
        self.assertCreated(self.server.publish(self.org, "dev-on-dev", "1.0.0", [
            "name=x", "type=custom", "status=development", f"dependencies={self.org}:dev-dep:1.0.0"]))

    def test_status_at_creation(self):
        self.rejected("deprecated", ["name=x", "type=custom", "status=deprecated"], 400, "INVALID_STATUS")

    def test_unsafe_zip_entries(self):
        self.rejected("slip", ["name=x", "properties.apiVersion=v1", "properties.mainFile=api.raml",
                               f"files.raml.zip=@{self.files.zip_slip}"], 400, "INVALID_ZIP_ENTRY")
        self.rejected("absolute", ["name=x", "properties.apiVersion=v1", "properties.mainFile=api.raml",
                                   f"files.raml.zip=@{self.files.zip_absolute}"], 400, "INVALID_ZIP_ENTRY")

    def test_corrupt_zip(self):
        self.rejected("corrupt", ["name=x", "properties.apiVersion=v1", "properties.mainFile=api.raml",
                                  f"files.raml.zip=@{self.files.corrupt_zip}"], 400, "INVALID_ZIP")

    def test_spec_must_be_what_its_classifier_says(self):
        self.rejected("not-raml", ["name=x", "properties.apiVersion=v1", "properties.mainFile=api.raml",
                                   f"files.raml.zip=@{self.files.not_raml_zip}"], 400, "INVALID_SPEC")
        self.assertCreated(self.server.curl(
            "-H", "x-sync-publication: true", "-H", "x-file-validation: false",
            "-F", "name=x", "-F", "properties.apiVersion=v1", "-F", "properties.mainFile=api.raml",
            "-F", f"files.raml.zip=@{self.files.not_raml_zip}", self.server.publish_url(self.org, "unvalidated", "1.0.0")))

    def test_malformed_multipart(self):
        url = f"/exchange/api/v2/organizations/{self.org}/assets/{self.org}/broken-form/1.0.0"
        for content_type, body in (("multipart/form-data; boundary=XYZ", b"--XYZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx"),
                                   ("multipart/form-data", b"--XYZ--"),
                                   ("application/json", b"{}"),
                                   ("multipart/form-data; boundary=XYZ", b"--XYZ\r\nNo-Colon-Here\r\n\r\nx\r\n--XYZ--")):
            response = self.server.request("POST", url, body=body,
                                           headers={"Content-Type": content_type, "x-sync-publication": "true"})
            self.assertError(response, 400, "INVALID_MULTIPART")
        self.assertNotStored(self.org, "broken-form", "1.0.0")

    def test_pom_rules(self):
        bad = write(os.path.join(self.work, "bad.pom"), "<project><groupId>unclosed</project>")
        self.rejected("pom-bad", ["type=custom", f"files.pom=@{bad}"], 400, "INVALID_POM")
        xxe = write(os.path.join(self.work, "xxe.pom"),
                    '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><project>&x;</project>')
        self.rejected("pom-xxe", ["type=custom", f"files.pom=@{xxe}"], 400, "INVALID_POM")
        other = self.files.pom_file("other.pom", self.org, "other-id", "1.0.0", "n", "d")
        self.rejected("pom-mismatch", ["type=custom", f"files.pom=@{other}"], 400, "POM_COORDINATES_MISMATCH")
        mine = self.files.pom_file("dup.pom", self.org, "pom-dup", "1.0.0", "pom name", "d")
        self.rejected("pom-dup", ["name=form name", "type=custom", f"files.pom=@{mine}"], 400, "DUPLICATED_PROPERTIES")
        with_main = self.files.pom_file("dup-main.pom", self.org, "pom-dup-main", "1.0.0", "n", "d",
                                        {"mainFile": "OAuth2.raml"})
        self.rejected("pom-dup-main", ["properties.mainFile=OAuth2.raml", f"files.raml-fragment.zip=@{self.files.oauth_zip}",
                                       f"files.pom=@{with_main}"], 400, "DUPLICATED_PROPERTIES")

    def test_upload_limit(self):
        big = write(os.path.join(self.work, "big.bin"), os.urandom(2 << 20))
        self.rejected("too-big", ["name=x", "type=custom", f"files.custom.bin=@{big}"], 413, "PAYLOAD_TOO_LARGE")
        self.assertEqual(self.server.get("/").status, 200, "the server keeps serving")


if __name__ == "__main__":
    unittest.main()
