"""Cycles and depth in every format, through `agora spec validate` and through publication: a
cycle the format forbids, or a chain or nesting past the limits, is a problem at file:line:column
naming it (the CLI exits 1; publication answers 400 INVALID_SPEC in the Exchange error shape and
stores nothing), a cycle the format allows is followed once (valid), and the server answers
afterwards."""
import json
import os
import subprocess
import unittest

import fixtures
from agora_harness import AGORA_BIN, AgoraTestCase

API = "#%RAML 1.0\ntitle: Cycles\n"
OAS = "openapi: 3.0.3\ninfo: {title: Cycles, version: '1'}\n"
XSD = '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:s">%s</xsd:schema>\n'


def wsdl(types):
    return ('<definitions name="S" xmlns="http://schemas.xmlsoap.org/wsdl/" '
            'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:s" targetNamespace="urn:s">\n'
            f'<types>{types}</types>\n<message name="M"><part name="p" element="tns:E"/></message>\n'
            '<portType name="P"><operation name="op"><input message="tns:M"/></operation></portType>\n'
            '</definitions>\n')


def library_chain(length):
    files = {"api.raml": API + "uses:\n  l: l0.raml\n"}
    for i in range(length):
        files[f"l{i}.raml"] = f"#%RAML 1.0 Library\nuses:\n  l: l{i + 1}.raml\n"
    files[f"l{length}.raml"] = "#%RAML 1.0 Library\n"
    return files


def import_chain(length):
    files = {"s.wsdl": wsdl(XSD % '<xsd:import schemaLocation="x0.xsd"/>')}
    for i in range(length):
        files[f"x{i}.xsd"] = XSD % f'<xsd:import schemaLocation="x{i + 1}.xsd"/>'
    files[f"x{length}.xsd"] = XSD % '<xsd:element name="E" type="xsd:string"/>'
    return files


# (case, classifier, main file, files, the problem reported or None when the spec is valid)
CASES = [
    ("raml-library-cycle", "raml", "api.raml",
     {"api.raml": API + "uses:\n  b: b.raml\n", "b.raml": "#%RAML 1.0 Library\nuses:\n  c: c.raml\n",
      "c.raml": "#%RAML 1.0 Library\nuses:\n  b: b.raml\n"},
     "c.raml:3:6: library cycle: b.raml -> c.raml -> b.raml"),
    ("raml-self-using-library", "raml", "api.raml",
     {"api.raml": API + "uses:\n  b: b.raml\n", "b.raml": "#%RAML 1.0 Library\nuses:\n  me: b.raml\n"},
     "b.raml:3:7: library cycle: b.raml -> b.raml"),
    ("raml-library-chain", "raml", "api.raml", library_chain(100),
     "l62.raml:3:6: library chain deeper than 64 levels at l63.raml"),
    ("raml-include-cycle", "raml", "api.raml",
     {"api.raml": API + "types: !include a.raml\n", "a.raml": "A: !include b.raml\n", "b.raml": "B: !include a.raml\n"},
     "b.raml:1:4: !include cycle: a.raml -> b.raml -> a.raml"),
    ("raml-type-cycle", "raml", "api.raml", {"api.raml": API + "types:\n  A: B\n  B:\n    type: A\n"},
     "api.raml:6:11: type inheritance cycle: A -> B -> A"),
    ("raml-recursive-type", "raml", "api.raml",
     {"api.raml": API + "types:\n  Person:\n    properties:\n      friends: Person[]\n      parent?: Person\n"}, None),
    ("raml-resource-type-cycle", "raml", "api.raml",
     {"api.raml": API + "resourceTypes:\n  collection:\n    type: member\n  member:\n    type: collection\n"},
     "api.raml:7:11: resource type cycle: collection -> member -> collection"),
    ("raml-trait-cycle", "raml", "api.raml", {"api.raml": API + "traits:\n  a:\n    is: [b]\n  b:\n    is: [a]\n"},
     "api.raml:7:10: trait cycle: a -> b -> a"),
    ("raml-extends-cycle", "raml", "overlay.raml",
     {"overlay.raml": "#%RAML 1.0 Overlay\nextends: other.raml\n",
      "other.raml": "#%RAML 1.0 Overlay\nextends: overlay.raml\n"},
     "other.raml:2:10: extends cycle: overlay.raml -> other.raml -> overlay.raml"),
    ("oas-reference-cycle", "oas", "api.yaml",
     {"api.yaml": OAS + "paths:\n  /a: {$ref: 'paths.yaml#/a'}\n", "paths.yaml": "a: {$ref: 'more.yaml#/b'}\n",
      "more.yaml": "b: {$ref: 'paths.yaml#/a'}\n"},
     "more.yaml:1:11: reference cycle: paths.yaml#/a -> more.yaml#/b -> paths.yaml#/a"),
    ("oas-recursive-schemas", "oas", "api.yaml",
     {"api.yaml": OAS + "paths: {}\ncomponents:\n  schemas:\n    Person:\n      properties:\n"
                        "        pet: {$ref: 'pets.yaml#/Pet'}\n        parent: {$ref: '#/components/schemas/Person'}\n",
      "pets.yaml": "Pet:\n  properties:\n    owner: {$ref: 'api.yaml#/components/schemas/Person'}\n"}, None),
    # Valid (examples SHOULD match, so an unchecked one is a warning); checking these examples
    # recursed until the stack overflowed, in the CLI and in the server.
    ("oas-in-place-schema-cycle", "oas", "api.yaml",
     {"api.yaml": OAS + "paths: {}\ncomponents:\n  schemas:\n"
                        "    A: {allOf: [{$ref: '#/components/schemas/A'}], example: {a: 1}}\n"
                        "    C: {anyOf: [{$ref: '#/components/schemas/D'}], example: 1}\n"
                        "    D: {oneOf: [{$ref: '#/components/schemas/C'}], default: 2}\n"}, None),
    ("oas-deep-json", "oas", "api.json",
     {"api.json": '{"openapi": "3.0.3", "x": ' + "[" * 100000 + "]" * 100000 + "}"},
     "api.json:1:538: nesting deeper than 512 levels"),
    ("wsdl-import-cycle", "wsdl", "s.wsdl",
     {"s.wsdl": wsdl(XSD % '<xsd:import schemaLocation="a.xsd"/>'),
      "a.xsd": XSD % '<xsd:include schemaLocation="b.xsd"/><xsd:element name="E" type="xsd:string"/>',
      "b.xsd": XSD % '<xsd:import schemaLocation="a.xsd"/>'}, None),
    ("wsdl-import-chain", "wsdl", "s.wsdl", import_chain(100),
     "x62.xsd:1:83: import chain deeper than 64 levels at x63.xsd"),
    # Numbered elements, so that the zip's compression ratio stays under its limit.
    ("wsdl-deep-xml", "wsdl", "s.wsdl",
     {"s.wsdl": wsdl("".join(f"<e{i}>" for i in range(100000)) + "".join(f"</e{i}>" for i in reversed(range(100000))))},
     "XML elements nest deeper than 512 levels"),
]


class SpecCyclesTest(AgoraTestCase):
    def spec_folder(self, case, files):
        folder = os.path.join(self.work, case)
        for name, content in files.items():
            os.makedirs(os.path.dirname(os.path.join(folder, name)), exist_ok=True)
            fixtures.write(os.path.join(folder, name), content)
        return folder

    def test_cli_reports_each_cycle_and_depth_case(self):
        for case, classifier, main, files, problem in CASES:
            with self.subTest(case):
                result = subprocess.run([AGORA_BIN, "spec", "validate", self.spec_folder(case, files), "--main", main],
                                        capture_output=True, text=True, timeout=60)
                output = result.stdout + result.stderr
                if problem is None:
                    self.assertEqual(result.returncode, 0, output)
                    self.assertIn(f"{main}: valid", output)
                else:
                    self.assertEqual(result.returncode, 1, output)
                    self.assertIn(problem, output)

    def test_publication_refuses_each_forbidden_cycle_and_keeps_serving(self):
        for case, classifier, main, files, problem in CASES:
            with self.subTest(case):
                archive = os.path.join(self.work, case + ".zip")
                fixtures.write_zip(archive, files)
                result = self.server.publish(self.org, case, "1.0.0", [
                    "name=" + case, "properties.apiVersion=v1", "properties.mainFile=" + main,
                    f"files.{classifier}.zip=@{archive}"])
                if problem is None:
                    self.assertCreated(result)
                else:
                    error = self.assertError(result, 400, "INVALID_SPEC")
                    self.assertTrue(any(problem in e for e in error["details"]["errors"]), error)
                    self.assertNotStored(self.org, case, "1.0.0")
                self.assertEqual(self.server.get("/").status, 200, "the server still answers")

    def test_asynchronous_publication_of_a_library_cycle_ends_in_error(self):
        case, classifier, main, files, problem = CASES[0]
        archive = os.path.join(self.work, "async.zip")
        fixtures.write_zip(archive, files)
        status, body = self.server.publish(self.org, "async-cycle", "1.0.0", [
            "name=async-cycle", "properties.apiVersion=v1", "properties.mainFile=" + main,
            f"files.{classifier}.zip=@{archive}"], sync=False)
        self.assertEqual(status, 202, body)
        final = self.server.poll_publication(json.loads(body)["publicationStatusLink"])
        self.assertEqual(final["status"], "error", final)
        errors = [e for step in final["steps"] for e in step.get("errors", [])]
        self.assertTrue(any(problem in e for e in errors), final)
        self.assertNotStored(self.org, "async-cycle", "1.0.0")


if __name__ == "__main__":
    unittest.main()
