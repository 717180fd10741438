"""The server itself: liveness, keep-alive, errors for unknown routes, graceful stop and restart."""
import http.client
import json
import signal
import socket
import threading
import time
import unittest

from agora_harness import AgoraServer


class ServerTest(unittest.TestCase):
    def setUp(self):
        self.server = AgoraServer().start()

    def tearDown(self):
        self.server.stop()
        self.server.cleanup()

    def test_root_tells_the_server_is_up(self):
        response = self.server.get("/", token=None)
        self.assertEqual(response.status, 200)
        body = response.json()
        self.assertEqual((body["name"], body["status"]), ("agora", "ok"))
        self.assertTrue(self.server.org and self.server.token, self.server.log())

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        for _ in range(3):
            connection.request("GET", "/")
            response = connection.getresponse()
            self.assertEqual(response.status, 200)
            response.read()
        connection.close()

    def test_unknown_routes_and_methods(self):
        response = self.server.get("/no/such/route")
        self.assertEqual(response.status, 404)
        self.assertEqual(response.json()["code"], "NOT_FOUND")
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

    def test_restart_keeps_published_assets(self):
        status, body = self.server.publish(self.server.org, "kept", "1.0.0", ["name=kept", "type=custom"])
        self.assertEqual(status, 201, body)
        self.server.stop()
        restarted = AgoraServer(data_dir=self.server.data_dir).start()
        try:
            self.assertIsNone(restarted.org, "a second start creates no new organisation")
            restarted.token = self.server.token
            response = restarted.asset(self.server.org, "kept", "1.0.0")
            self.assertEqual(response.status, 200, response)
            self.assertEqual(response.json()["name"], "kept")
        finally:
            restarted.stop()
        self.server = AgoraServer(data_dir=self.server.data_dir).start()

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
