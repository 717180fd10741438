"""Spec reading at publication runs in worker processes (src/publication/spec_reading.h), so that
a reader that crashes, spins or exhausts its memory costs its own upload only. The workers are
started with the server and each reads many specs; one whose reading failed is replaced. The server runs with
the test-only faults enabled (AGORA_TEST_SPEC_READER_FAULTS=1: a main file saying
"agora-test-fault: crash", "loop" or "memory" makes its reader do so): the faulty publication gets
400 INVALID_SPEC saying how its reading ended and stores nothing, while publications and downloads
in flight at the same time all complete, and the server carries on."""
import concurrent.futures
import json
import os
import re
import unittest

import fixtures
from agora_harness import AgoraTestCase

RAML = "#%RAML 1.0\ntitle: {title}\n/things:\n  get:\n    responses:\n      200:\n        body:\n          application/json:\n            type: object\n"


class SpecReaderIsolationTest(AgoraTestCase):
    server_args = ("--spec-readers", "2", "--spec-reader-cpu-seconds", "1", "--spec-reader-memory-mb", "256")

    @classmethod
    def setUpClass(cls):
        os.environ["AGORA_TEST_SPEC_READER_FAULTS"] = "1"  # inherited by the server, and by its readers
        try:
            super().setUpClass()
        finally:
            del os.environ["AGORA_TEST_SPEC_READER_FAULTS"]

    def publish_raml(self, asset, content, sync=True):
        path = fixtures.write(os.path.join(self.work, asset + ".raml"), content)
        return self.server.publish(self.org, asset, "1.0.0", [
            "name=" + asset, "properties.apiVersion=v1", "properties.mainFile=api.raml",
            f"files.raml.raml=@{path};filename=api.raml"], sync=sync)

    def assertReadingStopped(self, result, asset, why):
        """why: a regular expression the message and one of the errors match."""
        error = self.assertError(result, 400, "INVALID_SPEC")
        self.assertRegex(error["message"], why)
        self.assertTrue(any(re.search(why, e) for e in error["details"]["errors"]), error)
        self.assertNotStored(self.org, asset, "1.0.0")
        self.assertEqual(self.server.get("/").status, 200, "the server still answers")

    def reader_pids(self):
        """The spec reader processes of the server (of each server, in a cluster): its children
        started as `agora __spec-reader`."""
        servers = {node.process.pid for node in getattr(self.server, "nodes", [self.server])}
        pids = set()
        for entry in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{entry}/stat") as stat, open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
                    words = cmdline.read().split(b"\0")
            except (OSError, IndexError, ValueError):
                continue  # ended meanwhile
            if parent in servers and b"__spec-reader" in words:
                pids.add(int(entry))
        return pids

    def test_a_worker_reads_many_specs_and_a_crash_fails_only_its_own_reading(self):
        servers = len(getattr(self.server, "nodes", [self.server]))
        workers = self.reader_pids()
        self.assertEqual(len(workers), 2 * servers, "--spec-readers 2 workers, started with the server")
        for i in range(12):  # new titles: each spec is read, not found among remembered verdicts
            self.assertEqual(self.assertCreated(self.publish_raml(f"many-{i}", RAML.format(title=f"Many {i}")))
                             ["originalFormatVersion"], "1.0")
        self.assertEqual(self.reader_pids(), workers, "the same processes read all twelve specs")

        self.assertReadingStopped(self.publish_raml("crash-once", RAML.format(title="Crash") + "# agora-test-fault: crash\n"),
                                  "crash-once", "the spec reader crashed")
        replaced = self.reader_pids()
        self.assertEqual(len(workers - replaced), 1, "the crashed worker is gone")
        self.assertEqual(len(replaced - workers), 1, "a fresh one took its place; the others live on")
        for i in range(4):
            self.assertCreated(self.publish_raml(f"after-crash-{i}", RAML.format(title=f"After crash {i}")))
        self.assertEqual(self.reader_pids(), replaced)

    def test_a_crashing_reader_costs_its_upload_only(self):
        stored = self.assertCreated(self.publish_raml("stored", RAML.format(title="Stored")))
        self.assertEqual(stored["originalFormatVersion"], "1.0", "read by a worker")
        download = stored["files"][0]["downloadURL"]
        expected = self.server.get_url(download).body

        def publication(i):
            return "publication", i, self.publish_raml(f"alongside-{i}", RAML.format(title=f"Alongside {i}"))

        def downloads(i):
            return "download", i, [self.server.get_url(download) for _ in range(10)]

        def crash(i):
            return "crash", i, self.publish_raml(f"crash-{i}", RAML.format(title="Crash") + "# agora-test-fault: crash\n")

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            jobs = [pool.submit(crash, 0)] + [pool.submit(publication, i) for i in range(5)] + \
                   [pool.submit(downloads, i) for i in range(3)] + [pool.submit(crash, 1)]
            results = [job.result() for job in jobs]
        for kind, i, result in results:
            with self.subTest(f"{kind} {i}"):
                if kind == "crash":
                    self.assertReadingStopped(result, f"crash-{i}", "the spec reader crashed")
                elif kind == "publication":
                    asset = self.assertCreated(result)
                    self.assertEqual(asset["originalFormat"], "raml")
                    self.assertEqual(self.server.asset(self.org, f"alongside-{i}", "1.0.0").status, 200)
                else:
                    for response in result:
                        self.assertEqual(response.status, 200)
                        self.assertEqual(response.body, expected)
        self.assertIn("agora: reading api.raml stopped: the spec reader crashed", self.server.log())

    def test_an_asynchronous_publication_whose_reader_crashes_ends_in_error(self):
        status, body = self.publish_raml("crash-async", RAML.format(title="Crash") + "# agora-test-fault: crash\n",
                                         sync=False)
        self.assertEqual(status, 202, body)
        final = self.server.poll_publication(json.loads(body)["publicationStatusLink"])
        self.assertEqual(final["status"], "error", final)
        self.assertIn("the spec reader crashed", json.dumps(final))
        self.assertNotStored(self.org, "crash-async", "1.0.0")

    def test_a_spinning_reader_is_stopped_by_its_cpu_limit(self):
        self.assertReadingStopped(self.publish_raml("loop", RAML.format(title="Loop") + "# agora-test-fault: loop\n"),
                                  # on a machine so busy that the worker gets under a tenth of a core, the
                                  # wall-clock deadline (10 times the CPU time, and 10 s) ends it first
                                  "loop", "took more than the reader's 1 s of CPU time|outlived its deadline of 20 s")

    def test_a_hungry_reader_is_stopped_by_its_memory_limit(self):
        self.assertReadingStopped(self.publish_raml("memory", RAML.format(title="Memory") + "# agora-test-fault: memory\n"),
                                  "memory", "needed more than the reader's 256 MiB of memory")


if __name__ == "__main__":
    unittest.main()
