"""`agora serve --rate-limit N`: each token gets N requests a minute, then 429 with the
X-RateLimit headers; other tokens are counted on their own. On a cluster the servers share the
counts, in windows on the minute, exchanged every 100 ms (README, "Running several servers")."""
import time
import unittest

from agora_harness import CLUSTER, AgoraTestCase


def next_request():
    """On a cluster: a moment for the servers to exchange their counts."""
    if CLUSTER:
        time.sleep(0.25)


class RateLimitTest(AgoraTestCase):
    server_args = ("--rate-limit", "5")

    def test_limit_per_token(self):
        viewer = self.server.create_token(self.org, "viewer")
        if CLUSTER and time.time() % 60 > 55:
            time.sleep(60 - time.time() % 60 + 0.1)  # all six requests in one minute, where every server's window starts afresh
        answers = []
        for _ in range(6):
            answers.append(self.server.get("/exchange/api/v2/assets", token=viewer))
            next_request()
        self.assertEqual([a.status for a in answers], [200] * 5 + [429])
        first, last = dict(answers[0].headers), dict(answers[-1].headers)
        self.assertEqual((first["X-RateLimit-Limit"], first["X-RateLimit-Remaining"]), ("5", "4"))
        self.assertEqual(last["X-RateLimit-Remaining"], "0")
        self.assertTrue(0 < int(last["X-RateLimit-Reset"]) <= 60)
        self.assertIn("Retry-After", last)
        self.assertError(answers[-1], 429, "TOO_MANY_REQUESTS")
        self.assertEqual(self.server.get("/exchange/api/v2/assets").status, 200, "the admin token has its own count")


if __name__ == "__main__":
    unittest.main()
