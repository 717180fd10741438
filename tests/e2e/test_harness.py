"""The harness itself, against small fake `agora` programs: a suite whose harness could hang, leak
processes or pass a crashed server would make every other end-to-end result meaningless."""
import json
import os
import shutil
import sys
import tempfile
import textwrap
import unittest
from unittest import mock

import agora_harness
from agora_harness import AgoraServer, AgoraTestCase

# A stand-in for the binary: `serve` behaves as the contract says, bent by BEHAVIOUR; `admin` prints
# a line of chatter, then the id or token, as the real commands do.
FAKE = textwrap.dedent('''\
    import http.server, json, os, signal, sys, threading, time
    BEHAVIOUR = {behaviour!r}
    args = sys.argv[1:]
    option = lambda name: args[args.index(name) + 1]
    if args[0] == "admin":
        if "--org" in args and option("--org") == "missing":
            print("no such organisation: missing", file=sys.stderr)
            sys.exit(2)
        print("done")
        print("11111111-2222-3333-4444-555555555555" if args[1] == "create-org" else "token-" + option("--role"))
        sys.exit(0)
    data, listen = option("--data"), option("--listen")
    host, port = listen.rsplit(":", 1)
    if BEHAVIOUR == "crash":
        print("fatal: cannot open the data directory", flush=True)
        sys.exit(3)
    if BEHAVIOUR == "silent":
        print("booting", flush=True)
        time.sleep(60)
    marker = os.path.join(data, "initialised")
    if BEHAVIOUR == "busy" and not os.path.exists(os.path.join(data, "tried")):
        open(os.path.join(data, "tried"), "w").close()
        open(marker, "w").close()
        print("organization id: 0d0c0b0a-0000-4000-8000-000000000001")
        print("admin token: fake-admin-token")
        print("agora serve: IO_ERROR: Cannot listen on " + listen + ": Address already in use", flush=True)
        sys.exit(1)
    if BEHAVIOUR == "chatty":
        for i in range(40000):
            print("log line", i, "x" * 40)
    if not os.path.exists(marker):
        open(marker, "w").close()
        print("organization id: 0d0c0b0a-0000-4000-8000-000000000001")
        print("admin token: fake-admin-token")
    polls = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        def do_GET(self):
            if self.path == "/":
                return self.answer(200, {{"name": "agora", "version": "0", "status": "ok"}})
            if self.path == "/status/slow":
                polls.append(1)
                return self.answer(200, {{"status": "running" if len(polls) < 3 else "completed", "steps": []}})
            if self.path == "/status/odd":
                return self.answer(200, {{"status": "paused"}})
            self.answer(404, {{"status": 404, "code": "NOT_FOUND", "message": "", "details": {{"errors": []}}}})
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            self.answer(201, {{"authorization": self.headers["Authorization"],
                               "contentType": self.headers["Content-Type"], "nameField": b"fake-name" in body}})
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer((host, int(port)), Handler)
    def terminate(signum, frame):
        if BEHAVIOUR == "stubborn":
            return
        threading.Thread(target=server.shutdown).start()
    signal.signal(signal.SIGTERM, terminate)
    print("agora listening on http://" + listen, flush=True)
    server.serve_forever()
    sys.exit(3 if BEHAVIOUR == "dirty" else 0)
''')


class HarnessTest(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix="agora-harness-")
        self.addCleanup(shutil.rmtree, self.directory, ignore_errors=True)

    def fake(self, behaviour="good"):
        path = os.path.join(self.directory, f"agora-{behaviour}")
        with open(path, "w") as f:
            f.write(f"#!{sys.executable}\n" + FAKE.format(behaviour=behaviour))
        os.chmod(path, 0o755)
        return path

    def server(self, behaviour="good", **kwargs):
        server = AgoraServer(binary=self.fake(behaviour), **kwargs)
        self.addCleanup(server.cleanup)
        return server

    def assertDead(self, server):
        self.assertIsNotNone(server.process.poll(), "the harness left the server running")
        self.assertNotIn(server.process, agora_harness._running)

    def test_first_start_credentials_and_clean_stop(self):
        server = self.server().start()
        self.assertEqual(server.org, "0d0c0b0a-0000-4000-8000-000000000001")
        self.assertEqual(server.token, "fake-admin-token")
        status, headers, body = server.get("/", token=None)
        self.assertEqual((status, json.loads(body)["name"]), (200, "agora"))
        server.stop()
        self.assertEqual(server.process.returncode, 0)
        server.stop()  # a second stop is harmless
        data_dir = server.data_dir
        server.cleanup()
        self.assertFalse(os.path.exists(data_dir), "cleanup removes the data directory")

    def test_restart_on_the_same_data_dir_and_port(self):
        first = self.server().start()
        first.stop()
        second = AgoraServer(binary=first.binary, data_dir=first.data_dir, port=first.port).start()
        self.addCleanup(second.stop)
        self.assertIsNone(second.org, "a second start prints no credentials")
        second.stop()
        self.assertTrue(os.path.isdir(first.data_dir), "a borrowed data directory is left alone")

    def test_never_ready_fails_with_the_output_and_kills_the_server(self):
        server = self.server("silent")
        with self.assertRaises(AssertionError) as raised:
            server.start(timeout=1)
        self.assertIn("booting", str(raised.exception))
        self.assertDead(server)

    def test_early_exit_fails_with_the_exit_code_and_output(self):
        server = self.server("crash")
        with self.assertRaises(AssertionError) as raised:
            server.start()
        self.assertIn("exited with 3", str(raised.exception))
        self.assertIn("cannot open the data directory", str(raised.exception))
        self.assertDead(server)

    def test_server_ignoring_sigterm_is_killed_and_fails(self):
        server = self.server("stubborn").start()
        with self.assertRaises(AssertionError) as raised:
            server.stop(timeout=1)
        self.assertIn("did not stop", str(raised.exception))
        self.assertDead(server)

    def test_non_zero_exit_on_sigterm_fails(self):
        server = self.server("dirty").start()
        with self.assertRaises(AssertionError) as raised:
            server.stop()
        self.assertIn("exited with 3", str(raised.exception))
        self.assertDead(server)

    def test_a_crash_is_not_a_clean_stop(self):
        server = self.server().start()
        server.process.kill()
        server.process.wait()
        with self.assertRaises(AssertionError):
            server.stop()

    def test_output_larger_than_a_pipe_does_not_block_the_server(self):
        server = self.server("chatty").start(timeout=15)
        self.addCleanup(server.stop)
        self.assertIn("log line 39999", server.log())
        self.assertEqual(server.token, "fake-admin-token")

    def test_a_port_taken_meanwhile_is_retried_and_keeps_the_credentials(self):
        server = self.server("busy")
        first_port = server.port
        server.start()
        self.addCleanup(server.stop)
        self.assertNotEqual(server.port, first_port)
        self.assertEqual(server.get("/", token=None).status, 200)
        self.assertEqual((server.org, server.token), ("0d0c0b0a-0000-4000-8000-000000000001", "fake-admin-token"))

    def test_a_busy_port_chosen_by_the_test_is_not_retried(self):
        server = self.server("busy", port=agora_harness.free_port())
        with self.assertRaisesRegex(AssertionError, "Address already in use"):
            server.start()
        self.assertDead(server)

    def test_missing_binary_is_reported(self):
        server = AgoraServer(binary=os.path.join(self.directory, "no-such-agora"))
        self.addCleanup(server.cleanup)
        with self.assertRaisesRegex(AssertionError, "AGORA_BIN"):
            server.start()

    def test_admin_returns_the_last_line_and_reports_failures(self):
        server = self.server()
        self.assertEqual(server.create_org("Acme"), "11111111-2222-3333-4444-555555555555")
        self.assertEqual(server.create_token("some-org", "viewer"), "token-viewer")
        with self.assertRaisesRegex(AssertionError, "no such organisation"):
            server.create_token("missing", "admin")

    def test_curl_sends_the_token_and_the_form(self):
        server = self.server().start()
        self.addCleanup(server.stop)
        status, body = server.publish("g", "a", "1.0.0", ["name=fake-name"])
        echoed = json.loads(body)
        self.assertEqual(status, 201)
        self.assertEqual(echoed["authorization"], "bearer fake-admin-token")
        self.assertTrue(echoed["contentType"].startswith("multipart/form-data; boundary="), echoed)
        self.assertTrue(echoed["nameField"])
        with self.assertRaisesRegex(AssertionError, "curl"):
            server.curl("http://127.0.0.1:1/")

    def test_poll_publication_waits_for_the_end_and_rejects_unknown_states(self):
        server = self.server().start()
        self.addCleanup(server.stop)
        self.assertEqual(server.poll_publication(f"{server.base}/status/slow")["status"], "completed")
        with self.assertRaisesRegex(AssertionError, "paused"):
            server.poll_publication(f"{server.base}/status/odd")
        with self.assertRaisesRegex(AssertionError, "does not point at this server"):
            server.poll_publication("http://elsewhere.example.com/status/slow")

    def test_failing_setup_of_a_test_class_still_stops_its_server(self):
        started = []

        class Broken(AgoraTestCase):
            @classmethod
            def setUpClass(cls):
                super().setUpClass()
                started.append(cls.server)
                raise RuntimeError("fixture failed")

            def test_nothing(self):
                pass

        with mock.patch.object(agora_harness, "AGORA_BIN", self.fake()):
            result = unittest.TestResult()
            unittest.defaultTestLoader.loadTestsFromTestCase(Broken).run(result)
        self.assertEqual(len(result.errors), 1, result.errors)
        self.assertIn("fixture failed", result.errors[0][1])
        self.assertEqual(started[0].process.returncode, 0, "the server was stopped by SIGTERM")
        self.assertFalse(os.path.exists(started[0].data_dir))


if __name__ == "__main__":
    unittest.main()
