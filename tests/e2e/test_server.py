"""The server itself: liveness, keep-alive, errors for unknown routes, graceful stop and restart."""
import http.client
import os
import shutil
import tempfile
import signal
import socket
import time
import unittest

from agora_harness import AgoraServer


class ServerTest(unittest.TestCase):
    def setUp(self):
        self.server = AgoraServer()
        self.addCleanup(shutil.rmtree, self.server.data_dir, ignore_errors=True)
        self.server.start()

    def tearDown(self):
        self.server.stop()  # whichever server the test left running; a no-op once stopped

    def test_root_tells_the_server_is_up(self):
        response = self.server.get("/", token=None)
        self.assertEqual(response.status, 200)
        self.assertTrue(response.header("Content-Type").startswith("application/json"), response.headers)
        body = response.json()
        self.assertEqual((body["name"], body["status"]), ("agora", "ok"))
        self.assertIsInstance(body["version"], str, body)
        self.assertTrue(self.server.org and self.server.token, self.server.log())

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            sockets = []
            for path in ("/", f"/exchange/api/v2/assets/{self.server.org}/nothing/1.0.0", "/"):
                connection.request("GET", path, headers={"Authorization": f"bearer {self.server.token}"})
                response = connection.getresponse()
                response.read()
                self.assertFalse(response.will_close, f"{path} closed the connection: {response.getheaders()}")
                sockets.append(connection.sock)
            self.assertIsNotNone(sockets[0])
            self.assertTrue(all(sock is sockets[0] for sock in sockets), "http.client had to reconnect")
        finally:
            connection.close()

    def test_unknown_routes_and_methods(self):
        response = self.server.get("/no/such/route")
        self.assertEqual(response.status, 404, response)
        body = response.json()
        self.assertEqual((body["status"], body["code"]), (404, "NOT_FOUND"), body)
        self.assertIsInstance(body["message"], str, body)
        self.assertIsInstance(body["details"]["errors"], list, body)
        response = self.server.request("DELETE", "/")
        self.assertEqual(response.status, 405)
        self.assertEqual(response.json()["code"], "METHOD_NOT_ALLOWED")

    def test_garbage_is_a_400_and_the_server_survives(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            s.sendall(b"THIS IS NOT HTTP\r\n\r\n")
            self.assertIn(b"400", s.recv(4096))
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n")
            self.assertIn(b"431", s.recv(4096))
        self.assertEqual(self.server.get("/").status, 200)

    def test_sigterm_and_sigint_stop_cleanly(self):
        self.server.stop(signum=signal.SIGTERM)
        self.assertEqual(self.server.process.returncode, 0)
        self.server = AgoraServer(data_dir=self.server.data_dir).start()
        self.server.stop(signum=signal.SIGINT)
        self.assertEqual(self.server.process.returncode, 0)
        with self.assertRaises(OSError, msg="nothing listens after the stop"):
            socket.create_connection(("127.0.0.1", self.server.port), timeout=2).close()

    def test_restart_keeps_published_assets(self):
        first = self.server
        descriptor, jar = tempfile.mkstemp(suffix=".jar")
        self.addCleanup(os.unlink, jar)
        os.write(descriptor, os.urandom(10_000))
        os.close(descriptor)
        status, body = first.publish(first.org, "kept", "1.0.0", ["name=kept", "type=custom", f"files.custom.jar=@{jar}"])
        self.assertEqual(status, 201, body)
        first.stop()
        self.server = AgoraServer(data_dir=first.data_dir).start()
        self.assertIsNone(self.server.org, f"a second start creates no new organisation:\n{self.server.log()}")
        self.server.token = first.token  # the admin token of the first start still works
        response = self.server.asset(first.org, "kept", "1.0.0")
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.json()["name"], "kept")
        file = next(f for f in response.json()["files"] if f["classifier"] == "custom")
        with open(jar, "rb") as f:
            self.assertEqual(self.server.get_url(file["downloadURL"]).body, f.read())

    def test_sigterm_lets_the_request_in_flight_finish(self):
        # A slow upload: headers and half the body, then SIGTERM, then the rest.
        boundary = "XBOUNDARY"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\ninflight\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\ncustom\r\n--{boundary}--\r\n").encode()
        head = (f"POST /exchange/api/v2/organizations/{self.server.org}/assets/{self.server.org}/inflight/1.0.0 HTTP/1.1\r\n"
                f"Host: x\r\nAuthorization: bearer {self.server.token}\r\nx-sync-publication: true\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            s.sendall(head + body[:20])
            time.sleep(0.3)
            self.server.process.send_signal(signal.SIGTERM)
            time.sleep(0.3)
            s.sendall(body[20:])
            reply = s.recv(65536)
        self.assertIn(b"201", reply.split(b"\r\n")[0], reply)
        self.assertEqual(self.server.process.wait(timeout=15), 0)


if __name__ == "__main__":
    unittest.main()
