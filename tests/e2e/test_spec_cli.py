"""`agora spec validate`: the verdict, the problems at file:line:column and the exit status."""
import io
import json
import os
import subprocess
import tempfile
import unittest
import zipfile

from agora_harness import AGORA_BIN

VALID_OAS = """openapi: 3.0.3
info: {title: Flights, version: '1'}
paths:
  /flights:
    get:
      operationId: listFlights
      responses: {'200': {$ref: 'responses.yaml#/ok'}}
"""


class SpecCliTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def write(self, name, text):
        path = os.path.join(self.dir.name, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def run_spec(self, *args):
        return subprocess.run([AGORA_BIN, "spec", *args], capture_output=True, text=True, timeout=60)

    def test_valid_folder_with_model(self):
        self.write("api.yaml", VALID_OAS)
        self.write("responses.yaml", "ok: {description: fine}\n")
        result = self.run_spec("validate", self.dir.name, "--main", "api.yaml", "--model")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        lines = result.stdout.strip().splitlines()
        self.assertEqual(lines[-1], "api.yaml: valid oas 3.0.3")
        model = json.loads(lines[-2])
        self.assertEqual(model["resources"][0]["operations"][0]["operationId"], "listFlights")
        self.assertEqual(model["files"], ["api.yaml", "responses.yaml"])

    def test_invalid_file_names_file_line_and_column(self):
        path = self.write("api.yaml", VALID_OAS)  # responses.yaml is missing
        result = self.run_spec("validate", path)
        self.assertEqual(result.returncode, 1)
        self.assertIn("api.yaml:7:33: 'responses.yaml' is not in the archive", result.stdout)
        self.assertIn("invalid oas 3.0.3, 1 problem(s)", result.stdout)

    def test_single_file_reaches_files_outside_its_folder(self):
        self.write("common/types.raml", "#%RAML 1.0 DataType\ntype: string\n")
        self.write("common/errors.yaml", "Error: {type: object}\n")
        raml = self.write("api/api.raml", "#%RAML 1.0\ntitle: T\ntypes:\n  Code: !include ../common/types.raml\n")
        result = self.run_spec("validate", raml)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stdout.strip().splitlines()[-1], "api/api.raml: valid raml 1.0")
        oas = self.write("api/api.yaml", "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n"
                         "  schemas: {E: {$ref: '../common/errors.yaml#/Error'}, M: {$ref: '../common/missing.yaml'}}\n")
        result = self.run_spec("validate", oas, "--model")
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("api/api.yaml:5:66: 'common/missing.yaml' is not in the archive", result.stdout)
        model = json.loads(result.stdout.strip().splitlines()[-2])
        self.assertEqual(model["files"], ["api/api.yaml", "common/errors.yaml"])
        self.assertIn("common/errors.yaml#/Error", model["dataTypes"])
        # A folder is an archive: nothing outside it is read.
        result = self.run_spec("validate", os.path.join(self.dir.name, "api"), "--main", "api.raml")
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("points outside the archive", result.stdout)

    def test_absolute_main_inside_the_folder(self):
        self.write("specs/api.yaml", VALID_OAS)
        self.write("specs/responses.yaml", "ok: {description: fine}\n")
        folder = os.path.join(self.dir.name, "specs")
        result = self.run_spec("validate", folder, "--main", os.path.join(folder, "api.yaml"))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stdout.strip(), "api.yaml: valid oas 3.0.3")
        outside = self.write("other.yaml", VALID_OAS)
        result = self.run_spec("validate", folder, "--main", outside)
        self.assertEqual(result.returncode, 2)
        self.assertIn("is not inside", result.stderr)

    def test_unparsable_document_names_its_version(self):
        path = self.write("api.json", '{"swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": {')
        result = self.run_spec("validate", path)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout.strip().splitlines()[-1], "api.json: invalid oas 2.0, 1 problem(s)")
        path = self.write("garbage.yaml", "openapi: [3.0\n")
        verdict = self.run_spec("validate", path).stdout.strip().splitlines()[-1]
        self.assertNotIn(" ,", verdict)
        self.assertRegex(verdict, r"^garbage.yaml: invalid oas(?: \S+)?, 1 problem\(s\)$")

    def test_zip_with_main_file(self):
        archive = os.path.join(self.dir.name, "api.zip")
        with zipfile.ZipFile(archive, "w") as z:
            z.writestr("api.raml", "#%RAML 1.0\ntitle: T\nuses:\n  lib: libs/lib.raml\n/a:\n  type: lib.missing\n")
            z.writestr("libs/lib.raml", "#%RAML 1.0 Library\nresourceTypes:\n  collection: {}\n")
        result = self.run_spec("validate", archive)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("api.raml:6:9: the resource type 'lib.missing' is not declared", result.stdout)

    def test_usage_errors(self):
        self.assertEqual(self.run_spec("check").returncode, 2)
        self.assertEqual(self.run_spec("validate").returncode, 2)
        self.assertEqual(self.run_spec("validate", os.path.join(self.dir.name, "absent")).returncode, 2)
        self.write("a.raml", "#%RAML 1.0\ntitle: A\n")
        self.write("b.raml", "#%RAML 1.0\ntitle: B\n")
        ambiguous = self.run_spec("validate", self.dir.name)
        self.assertEqual(ambiguous.returncode, 2)
        self.assertIn("--main", ambiguous.stderr)
        self.assertEqual(self.run_spec("validate", self.dir.name, "--main", "b.raml").returncode, 0)


if __name__ == "__main__":
    unittest.main()
