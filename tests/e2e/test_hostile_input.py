"""Hostile input through the public API: zip bombs, XML entities in POMs and WSDLs, spec
references leaving the archive, path traversal in path parameters, oversized headers and
malformed tokens. Each gets its clear error, and nothing is stored."""
import io
import os
import socket
import unittest
import zipfile

import fixtures
from agora_harness import AgoraTestCase

BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
                  + ']>')


class HostileInputTest(AgoraTestCase):
    def path(self, name, content):
        return fixtures.write(os.path.join(self.work, name), content)

    def test_zip_bomb_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("api.raml", "#%RAML 1.0\ntitle: Bomb\n")
            z.writestr("padding.txt", b"\0" * (64 << 20))  # 64 MiB of zeros: ratio ~1000
        bomb = self.path("bomb.zip", buffer.getvalue())
        result = self.server.publish(self.org, "bomb", "1.0.0", ["name=Bomb", "properties.apiVersion=v1",
                                                                  "properties.mainFile=api.raml", f"files.raml.zip=@{bomb}"])
        self.assertError(result, 400, "ZIP_LIMITS_EXCEEDED")
        self.assertNotStored(self.org, "bomb", "1.0.0")

    def test_entities_in_pom_and_wsdl(self):
        pom = self.path("pom.xml", BILLION_LAUGHS + f"<project><groupId>{self.org}</groupId><artifactId>x</artifactId>"
                                                    "<version>1.0.0</version><name>&lol9;</name></project>")
        self.assertError(self.server.publish(self.org, "x", "1.0.0", [f"files.pom=@{pom}", "type=custom"]), 400, "INVALID_POM")
        self.assertNotStored(self.org, "x", "1.0.0")
        external = self.path("external.wsdl", '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                              '<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" name="&x;"/>')
        result = self.server.publish(self.org, "xxe", "1.0.0", ["name=XXE", "properties.apiVersion=v1",
                                                                 f"files.wsdl.wsdl=@{external}"])
        self.assertEqual(result[0], 400, result)
        self.assertNotIn(b"root:", result[1], "the external entity was never read")
        self.assertNotStored(self.org, "xxe", "1.0.0")

    def test_spec_reference_leaving_the_archive(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("api.raml", "#%RAML 1.0\ntitle: Escape\ntypes: !include ../../etc/passwd\n")
        escape = self.path("escape.zip", buffer.getvalue())
        error = self.assertError(self.server.publish(self.org, "escape", "1.0.0", [
            "name=Escape", "properties.apiVersion=v1", "properties.mainFile=api.raml", f"files.raml.zip=@{escape}"]),
            400, "INVALID_SPEC")
        self.assertIn("outside the archive", " ".join(error["details"]["errors"]))
        self.assertNotStored(self.org, "escape", "1.0.0")

    def test_path_traversal_in_path_parameters(self):
        for path in [f"/exchange/api/v2/assets/{self.org}/..%2F..%2Fetc/1.0.0",
                     f"/exchange/files/api/v1/organizations/{self.org}/assets/{self.org}/x/1.0.0/..%2F..%2Fagora.db/zip",
                     f"/exchange/api/v2/assets/{self.org}/x/1.0.0/portal/pages/..%2F..%2Fagora.db"]:
            response = self.server.get(path)
            self.assertEqual(response.status, 400, f"{path}: {response!r}")
            self.assertNotIn(b"SQLite", response.body)
        for asset in ["..", ".hidden", "a%20b"]:
            status, _ = self.server.publish(self.org, asset, "1.0.0", ["name=x", "type=custom"])
            self.assertIn(status, (400, 404), asset)

    def test_malformed_and_foreign_tokens(self):
        for header in ["bearer", "bearer ", "basic dXNlcjpwYXNz", "bearer " + "x" * 5000, "bearer agora_unknown"]:
            response = self.server.request("GET", "/exchange/api/v2/assets", headers={"Authorization": header}, token=None)
            self.assertError(response, 401, "UNAUTHORIZED")
        control = self.server.request("GET", "/exchange/api/v2/assets", headers={"Authorization": "bearer \x01"}, token=None)
        self.assertError(control, 400, "BAD_REQUEST")  # not even valid HTTP

    def test_oversized_header_and_field_counts(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (128 << 10) + b"\r\n\r\n")
            self.assertIn(b" 431 ", s.recv(4096))
        fields = ["name=Many", "type=custom"] + [f"keywords=k{i}" for i in range(1200)]
        status, _ = self.server.publish(self.org, "many-fields", "1.0.0", fields)
        self.assertEqual(status, 400)
        self.assertNotStored(self.org, "many-fields", "1.0.0")


if __name__ == "__main__":
    unittest.main()
