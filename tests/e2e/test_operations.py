"""What an operator sees: GET /metrics in the Prometheus text format (parsed with the Prometheus
client's own parser), on the main listener for root-organisation admins and on a listener of its
own, and the JSON access log whose request ids match the X-Request-Id of the answers."""
import json
import os
import re
import time
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from agora_harness import AgoraTestCase
from fixtures import Fixtures


class OperationsTest(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        cls.log_dir = __import__("tempfile").mkdtemp(prefix="agora-access-")
        cls.access_log = os.path.join(cls.log_dir, "access.log")
        cls.server_args = ("--access-log", cls.access_log, "--metrics-listen", "127.0.0.1:0")
        super().setUpClass()
        cls.files = Fixtures(cls.work, cls.org)
        # One per server: on a cluster (AGORA_E2E_CLUSTER) each server counts what it served.
        cls.metrics_urls = [line.split(" on ", 1)[1].strip() for line in cls.server.output
                            if line.startswith("agora metrics on ")]

    def samples(self, text):
        """{(name, frozenset(labels)): value} of every sample, through the Prometheus parser."""
        parsed = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                parsed[(sample.name, frozenset(sample.labels.items()))] = sample.value
        return parsed

    def scrape(self):
        """The samples of every server, added up."""
        total = {}
        for url in self.metrics_urls:
            with urllib.request.urlopen(url, timeout=10) as response:
                self.assertTrue(response.headers["Content-Type"].startswith("text/plain; version=0.0.4"))
                for key, value in self.samples(response.read().decode()).items():
                    total[key] = total.get(key, 0) + value
        return total

    def publish_custom(self, asset):
        path = os.path.join(self.work, f"{asset}.txt")
        with open(path, "w") as f:
            f.write("hello " + asset)
        return self.assertCreated(self.server.publish(self.org, asset, "1.0.0", [
            "name=Ops", "type=custom", f"files.custom.txt=@{path}"]))

    def test_metrics_count_requests_publications_and_caches(self):
        self.publish_custom("ops-metrics")
        for _ in range(6):  # on a cluster too, some server sees the version twice
            self.assertEqual(self.server.asset(self.org, "ops-metrics", "1.0.0").status, 200)
        self.assertEqual(self.server.asset(self.org, "missing", "1.0.0").status, 404)
        samples = self.scrape()
        route = "/exchange/api/v2/assets/{groupId}/{assetId}/{version}"
        get = {("method", "GET"), ("route", route)}
        self.assertGreaterEqual(samples[("agora_http_requests_total", frozenset(get | {("status", "200")}))], 3)
        self.assertGreaterEqual(samples[("agora_http_requests_total", frozenset(get | {("status", "404")}))], 1)
        publish = {("method", "POST"),
                   ("route", "/exchange/api/v2/organizations/{organizationId}/assets/{groupId}/{assetId}/{version}")}
        self.assertGreaterEqual(samples[("agora_http_requests_total", frozenset(publish | {("status", "201")}))], 1)
        self.assertGreaterEqual(samples[("agora_http_request_duration_seconds_count", frozenset(get))], 4)
        self.assertGreaterEqual(samples[("agora_http_request_duration_seconds_bucket", frozenset(get | {("le", "+Inf")}))], 4)
        self.assertGreater(samples[("agora_http_response_bytes_total", frozenset(get))], 0)
        self.assertGreaterEqual(samples[("agora_publications_total", frozenset({("outcome", "published")}))], 1)
        self.assertEqual(samples[("agora_publication_jobs_unfinished", frozenset())], 0)
        self.assertGreaterEqual(samples[("agora_blobs", frozenset())], 1)
        hits = samples[("agora_cache_requests_total", frozenset({("cache", "version_json"), ("result", "hit")}))]
        self.assertGreaterEqual(hits, 1, "the second GET of one version is served from the cache")
        self.assertIn(("agora_cache_requests_total", frozenset({("cache", "principal"), ("result", "hit")})), samples)
        self.assertGreater(samples[("process_resident_memory_bytes", frozenset())], 1e6)
        self.assertGreater(samples[("process_open_fds", frozenset())], 0)

    def test_metrics_on_the_main_listener_need_a_root_admin(self):
        self.assertError(self.server.get("/metrics", token=None), 401, "UNAUTHORIZED")
        viewer = self.server.create_token(self.org, "viewer")
        self.assertError(self.server.get("/metrics", token=viewer), 403, "FORBIDDEN")
        group = self.server.admin("create-org", "--parent", self.org, "Team")
        group_admin = self.server.create_token(group, "admin")
        self.assertError(self.server.get("/metrics", token=group_admin), 403, "FORBIDDEN")
        answer = self.server.get("/metrics")
        self.assertEqual(answer.status, 200)
        self.assertIn(("process_cpu_seconds_total", frozenset()), self.samples(answer.body.decode()))

    def wait_for_log(self, request_id):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with open(self.access_log) as f:
                for line in f:
                    entry = json.loads(line)
                    if entry["requestId"] == request_id:
                        return entry
            time.sleep(0.05)
        self.fail(f"no access log line for {request_id}")

    def test_access_log_has_one_json_line_per_request_with_its_id(self):
        asset = self.publish_custom("ops-log")
        answer = self.server.asset(self.org, "ops-log", "1.0.0", headers={"X-Request-Id": "ops-trace-1"})
        self.assertEqual(answer.header("X-Request-Id"), "ops-trace-1")
        entry = self.wait_for_log("ops-trace-1")
        self.assertEqual(entry["method"], "GET")
        self.assertEqual(entry["target"], f"/exchange/api/v2/assets/{self.org}/ops-log/1.0.0")
        self.assertEqual(entry["route"], "/exchange/api/v2/assets/{groupId}/{assetId}/{version}")
        self.assertEqual(entry["status"], 200)
        self.assertEqual(entry["bytes"], len(answer.body))
        self.assertEqual(entry["principal"], "admin")
        self.assertEqual(entry["remoteAddress"], "127.0.0.1")
        self.assertIsInstance(entry["durationMicros"], int)
        self.assertRegex(entry["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

        # An error names its request id in the body too, and the log has the same id.
        missing = self.server.asset(self.org, "nope", "1.0.0")
        body = self.assertError(missing, 404, "NOT_FOUND")
        self.assertEqual(body["requestId"], missing.header("X-Request-Id"))
        self.assertEqual(self.wait_for_log(body["requestId"])["status"], 404)

        # A signed link's signature never reaches the log.
        link = asset["files"][0]["externalLink"]
        download = self.server.get_url(link, token=None)
        self.assertEqual(download.status, 200)
        logged = self.wait_for_log(download.header("X-Request-Id"))
        self.assertNotIn(re.search(r"signature=([^&]+)", link).group(1), logged["target"])
        self.assertIn("signature=***", logged["target"])
        self.assertEqual(logged["principal"], "")
