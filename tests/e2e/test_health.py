"""The health endpoints a balancer asks: GET /health (liveness) and GET /health/ready (readiness:
the stores answer and the server is not draining), without a token; and the drain after SIGTERM
(`--drain-seconds`): not ready any more, still serving, every answer closing its connection, then a
clean exit."""
import os
import signal
import time
import unittest

from agora_harness import AgoraSingleServer, AgoraTestCase


class HealthTest(AgoraTestCase):
    def test_a_serving_server_is_alive_and_ready_without_a_token(self):
        health = self.server.get("/health", token=None)
        self.assertEqual((health.status, health.json()), (200, {"status": "ok"}))
        ready = self.server.get("/health/ready", token=None)
        self.assertEqual(ready.status, 200, ready)
        self.assertEqual(ready.json(), {"status": "ok", "checks": {"metadata": "ok", "blobs": "ok"}})

    def test_other_methods_are_refused(self):
        self.assertEqual(self.server.request("POST", "/health", token=None).status, 405)
        self.assertEqual(self.server.request("DELETE", "/health/ready", token=None).status, 405)


class DrainTest(unittest.TestCase):
    def setUp(self):
        self.server = AgoraSingleServer(["--drain-seconds", "3"])
        self.addCleanup(self.server.cleanup)
        self.server.start()
        self.addCleanup(self.server.stop, expect_clean=False)

    def test_sigterm_drains_then_stops_cleanly(self):
        self.server.process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        deadline = signalled + 2
        while True:
            ready = self.server.get("/health/ready", token=None)
            if ready.status == 503:
                break
            self.assertLess(time.monotonic(), deadline, "never reported draining")
            time.sleep(0.02)
        self.assertEqual(ready.json()["status"], "draining")
        alive = self.server.get("/health", token=None)
        self.assertEqual((alive.status, alive.json()), (200, {"status": "draining"}), "still alive: no restart needed")
        served = self.server.get("/exchange/api/v2/assets")
        self.assertEqual(served.status, 200, "requests that still arrive are served")
        self.assertEqual(served.header("Connection"), "close", "so a balancer's kept connections end cleanly")
        self.assertEqual(self.server.process.wait(timeout=15), 0, self.server.log())
        self.assertGreaterEqual(time.monotonic() - signalled, 2.5, "it served for the drain period first")

    def test_sigint_stops_at_once(self):
        self.server.process.send_signal(signal.SIGINT)
        started = time.monotonic()
        self.assertEqual(self.server.process.wait(timeout=15), 0, self.server.log())
        self.assertLess(time.monotonic() - started, 2.5, "Ctrl-C skips the drain")


class UnreadyStoreTest(unittest.TestCase):
    def test_a_blob_store_that_fails_makes_the_server_unready(self):
        server = AgoraSingleServer()
        self.addCleanup(server.cleanup)
        server.start()
        self.addCleanup(server.stop)
        # The blob store's fan-out directory for the probe's name becomes a plain file: every
        # look-up under it fails with ENOTDIR, as a lost mount would.
        blocker = os.path.join(server.data_dir, "blobs", "sha256", "00")
        os.makedirs(os.path.dirname(blocker), exist_ok=True)
        with open(blocker, "w") as f:
            f.write("not a directory")
        ready = server.get("/health/ready", token=None)
        self.assertEqual(ready.status, 503, ready)
        self.assertEqual(ready.json(), {"status": "unavailable", "checks": {"metadata": "ok", "blobs": "unavailable"}})
        self.assertNotIn(server.data_dir, ready.body.decode(), "no file paths to anonymous callers")
        self.assertEqual(server.get("/health", token=None).status, 200, "alive all the same")
        os.remove(blocker)
        self.assertEqual(server.get("/health/ready", token=None).status, 200, "ready again once the store answers")


if __name__ == "__main__":
    unittest.main()
