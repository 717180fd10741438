"""Resource bombs (spec_bombs.py) stay within the readers' limits: `agora spec validate` refuses
each with its problem, within bounded memory; publication answers 400 INVALID_SPEC with the same
problem, stores nothing and keeps serving; and the legitimately large cases are read whole."""
import os
import subprocess
import unittest

import fixtures
import spec_bombs
from agora_harness import AGORA_BIN, AgoraTestCase

# A reading may hold 64 MiB at these sizes (the bombs' files are under 4 MiB, so the per-byte
# share stays under the floor); the process's peak memory may add its text, the parser's own
# buffers and the allocator's slack to that.
READING_LIMIT_MIB = 64
SLACK_MIB = 48


class SpecBombsTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bombs = spec_bombs.bombs(scale=1)

    def validate(self, folder, main):
        # ASan (make test-sanitize) would keep freed memory in quarantine; without ASan this is inert.
        environment = dict(os.environ, ASAN_OPTIONS="quarantine_size_mb=0:" + os.environ.get("ASAN_OPTIONS", ""))
        return subprocess.run(spec_bombs.peak_rss_command([AGORA_BIN, "spec", "validate", folder, "--main", main]),
                              capture_output=True, text=True, timeout=120, env=environment)

    def folder(self, bomb):
        folder = os.path.join(self.work, bomb.name)
        for name, content in bomb.files.items():
            os.makedirs(os.path.dirname(os.path.join(folder, name)), exist_ok=True)
            fixtures.write(os.path.join(folder, name), content)
        return folder

    def test_cli_refuses_each_bomb_within_bounded_memory(self):
        baseline = spec_bombs.peak_rss_mib(self.validate(self.folder(spec_bombs.Bomb(
            "baseline", "raml", "api.raml", {"api.raml": spec_bombs.RAML}, None)), "api.raml").stderr)
        for bomb in self.bombs:
            with self.subTest(bomb.name):
                result = self.validate(self.folder(bomb), bomb.main)
                if bomb.problem is None:
                    self.assertEqual(result.returncode, 0, result.stdout[:2000])
                else:
                    self.assertEqual(result.returncode, 1, result.stdout[:2000] + result.stderr[-2000:])
                    self.assertIn(bomb.problem, result.stdout)
                peak = spec_bombs.peak_rss_mib(result.stderr)
                self.assertLess(peak, baseline + READING_LIMIT_MIB + SLACK_MIB, f"peak memory {peak:.0f} MiB")

    def publish(self, bomb):
        if len(bomb.files) == 1:
            # One file, uploaded as it is: a zip of a flood would be refused for its compression ratio first.
            (name, content), = bomb.files.items()
            path = fixtures.write(os.path.join(self.work, bomb.name + "-" + name), content)
            part = f"files.{bomb.classifier}.{name.rsplit('.', 1)[1]}=@{path}"
        else:
            path = os.path.join(self.work, bomb.name + ".zip")
            fixtures.write_zip(path, bomb.files)
            part = f"files.{bomb.classifier}.zip=@{path}"
        return self.server.publish(self.org, bomb.name, "1.0.0", [
            "name=" + bomb.name, "properties.apiVersion=v1", "properties.mainFile=" + bomb.main, part])

    def test_publication_refuses_each_bomb_and_keeps_serving(self):
        for bomb in self.bombs:
            with self.subTest(bomb.name):
                result = self.publish(bomb)
                if bomb.problem is None:
                    self.assertCreated(result)
                else:
                    error = self.assertError(result, 400, "INVALID_SPEC")
                    self.assertTrue(any(bomb.problem in e for e in error["details"]["errors"]), error)
                    self.assertNotStored(self.org, bomb.name, "1.0.0")
                self.assertEqual(self.server.get("/").status, 200, "the server still answers")


if __name__ == "__main__":
    unittest.main()
