"""Tests of the benchmark harness that need none of its comparators: the verdicts and ratios it
prints, its parsing of wrk, the README section it rewrites, its inputs, and load_client against
trivial_server (both built by CMake; BENCH_BUILD names their folder, default ../build).

    python3 -m unittest -v bench_test      (from bench/; ctest runs it as bench.harness)
"""
import io
import json
import os
import socket
import subprocess
import time
import unittest
import zipfile

import bench

BUILD = os.path.abspath(os.environ.get("BENCH_BUILD") or os.path.join(bench.ROOT, "build"))

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:4000/x
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.02ms  320.11us   9.87ms   80.00%
    Req/Sec    30.12k     1.20k   33.00k    70.00%
  Latency Distribution
     50%  850.00us
     75%    1.20ms
     90%    1.60ms
     99%    2.50ms
  301200 requests in 5.00s, 1.80GB read
Requests/sec:  60240.00
Transfer/sec:    368.10MB
"""


def rounds(**values):
    return [dict(values) for _ in range(3)]


class VerdictTest(unittest.TestCase):
    def results(self, agora_rate, verdaccio_rate, agora_get, trivial_get, download, nginx_download, upload,
                md5, rss, publish_p99=20, distinct_rate=None, search_p99=8, engine_p99=5):
        return {
            "publish": {"zip_bytes": 20500, "rounds": {
                "agora": rounds(per_second=agora_rate, p50_ms=10, p99_ms=publish_p99, requests=5000),
                "verdaccio": rounds(per_second=verdaccio_rate, p50_ms=900, p99_ms=1500, requests=300)},
                "distinct": {"per_second": agora_rate / 3 if distinct_rate is None else distinct_rate, "p50_ms": 40,
                             "p99_ms": 80, "requests": 900, "raml_bytes": 168000}},
            "get": {"agora_bytes": 6000, "verdaccio_bytes": 5000, "rounds": {
                "agora": rounds(per_second=agora_get, p50_ms=1, p99_ms=2),
                "trivial": rounds(per_second=trivial_get, p50_ms=1, p99_ms=2),
                "verdaccio": rounds(per_second=1000, p50_ms=1, p99_ms=2)}},
            "download": {"mib": 256, "clients": 4, "repeats": 8, "rounds": {
                "agora": rounds(mib_per_second=download), "nginx": rounds(mib_per_second=nginx_download)}},
            "upload": {"mib": 1024, "rounds": {
                "agora": rounds(mib_per_second=upload, peak_rss_mib=rss), "md5": rounds(mib_per_second=md5),
                "nginx": rounds(mib_per_second=1400)}},
            "search": {"assets": 100000, "load_seconds": 15, "engine": {"p50_ms": 2, "p99_ms": engine_p99},
                       "rounds": {"agora": rounds(p50_ms=3, p99_ms=search_p99)}},
        }

    def verdicts(self, results):
        return [row[5] for row in bench.summarise(results, bench.FULL)]

    def test_targets_met(self):
        self.assertEqual(self.verdicts(self.results(1200, 50, 60000, 100000, 900, 1000, 450, 550, 20)),
                         ["PASS (rate), PASS (p99), PASS (ratio)", "PASS", "PASS", "PASS",
                          "PASS (rate), PASS (RSS)", "PASS"])

    def test_each_target_missed(self):
        # 1,000/s but p99 50 ms and only 10x Verdaccio; 299/s with new specs; 40% of the trivial
        # server; 70% of nginx; 79% of MD5; 120 MiB; search p99 over twice the engine's.
        self.assertEqual(self.verdicts(self.results(1000, 100, 40000, 100000, 700, 1000, 395, 500, 120,
                                                    publish_p99=50, distinct_rate=299, search_p99=9, engine_p99=4)),
                         ["PASS (rate), MISS (p99), MISS (ratio)", "MISS", "MISS", "MISS",
                          "MISS (rate), MISS (RSS)", "MISS"])

    def test_upload_rate_is_a_ratio_to_one_core_md5_not_to_nginx(self):
        row = bench.summarise(self.results(1, 1, 1, 1, 1, 1, 400, 500, 20), bench.FULL)[4]
        self.assertEqual(row[3], "80% of MD5; 29% of nginx")
        self.assertEqual(row[5], "PASS (rate), PASS (RSS)")

    def test_search_p99_must_be_under_10_ms_even_within_twice_the_engine(self):
        self.assertEqual(self.verdicts(self.results(1, 1, 1, 1, 1, 1, 1, 1, 1, search_p99=10, engine_p99=6))[5],
                         "MISS")
        self.assertEqual(self.verdicts(self.results(1, 1, 1, 1, 1, 1, 1, 1, 1, search_p99=9.9, engine_p99=6))[5],
                         "PASS")

    def test_rss_target_is_100_megabytes_not_mebibytes(self):
        # 96 MiB is 100.7 MB: over the 100 MB.
        self.assertIn("MISS (RSS)", self.verdicts(self.results(1, 1, 1, 1, 1, 1, 1, 1, 96))[4])
        self.assertIn("PASS (RSS)", self.verdicts(self.results(1, 1, 1, 1, 1, 1, 1, 1, 95))[4])

    def test_ratio_is_of_medians(self):
        results = self.results(100, 10, 1, 1, 1, 1, 1, 1, 1)
        results["publish"]["rounds"]["agora"] = [{"per_second": r, "p50_ms": 1, "p99_ms": 1, "requests": 1}
                                                 for r in (100, 300, 200)]
        row = bench.summarise(results, bench.FULL)[0]
        self.assertEqual(row[3], "20.0×")
        self.assertIn("200 publications/s", row[1])


class Md5ReferenceTest(unittest.TestCase):
    def test_one_core_md5_rate_and_digest_of_the_file(self):
        path = os.path.join(BUILD, "bench_test_md5.bin")
        open(path, "wb").write(b"agora" * 100000)
        try:
            md5 = bench.md5_one_core(path)
            self.assertEqual(md5["md5"], "bad584535eeb2e2b57751363656ceb42")
            self.assertEqual(bench.file_digests(path)["sha1"], "8b40e7c7cd40f7d3008af45ea1e25c3d91605a4b")
            self.assertGreater(md5["mib_per_second"], 0)
        finally:
            os.unlink(path)


class ParsingTest(unittest.TestCase):
    def test_wrk_rate_and_percentiles(self):
        self.assertEqual(bench.parse_wrk(WRK_OUTPUT), {"per_second": 60240.0, "p50_ms": 0.85, "p99_ms": 2.5})

    def test_wrk_errors_fail_the_run(self):
        with self.assertRaises(RuntimeError):
            bench.parse_wrk(WRK_OUTPUT.replace("Requests/sec", "  Non-2xx or 3xx responses: 12\nRequests/sec"))
        with self.assertRaises(RuntimeError):
            bench.parse_wrk(WRK_OUTPUT.replace("Requests/sec", "  Socket errors: connect 0, read 3\nRequests/sec"))

    def test_a_partial_run_replaces_its_rows_and_dates_the_others(self):
        old = ("Run of 2026-12-01T02:49:19 at commit 06e9448.\n\n"
               "| scenario | agora | comparator (same run) | ratio | target | verdict |\n"
               "| --- | --- | --- | --- | --- | --- |\n"
               "| 1. publish | 264/s | V | 28× | t | MISS |\n"
               "| 1b. new spec | 105/s | V | 11× | t | — |\n"
               "| 2. GET | 55,089/s | T | 54% | t | PASS |\n"
               "| 6. cold start | 15 ms | — | — | t | — |\n")
        new = [("1. publish", "900/s", "V", "90×", "t", "MISS"), ("1b. new spec", "310/s", "V", "31×", "t", "PASS"),
               ("4. upload", "420 MiB/s", "M", "80%", "t", "PASS")]
        self.assertEqual([row[0] for row in bench.merged_rows(old, new)],
                         ["1. publish", "1b. new spec", "2. GET (run of 2026-12-01)", "4. upload",
                          "6. cold start (run of 2026-12-01)"])
        self.assertEqual(bench.merged_rows(old, new)[2], ("2. GET (run of 2026-12-01)", "55,089/s", "T", "54%", "t", "PASS"))
        twice = "Run of 2026-12-05T04:00:00.\n\n" + bench.table(bench.merged_rows(old, new))
        self.assertIn("2. GET (run of 2026-12-01)", [row[0] for row in bench.merged_rows(twice, new[:1])],
                      "a kept row keeps the date of the run that measured it")

    def test_build_kind_from_the_cmake_cache(self):
        path = os.path.join(BUILD, "bench_test_CMakeCache.txt")
        try:
            open(path, "w").write("CMAKE_BUILD_TYPE:STRING=Release\nCMAKE_CXX_FLAGS:STRING=-g\n"
                                  "CMAKE_CXX_FLAGS_RELEASE:STRING=-O3 -DNDEBUG\n")
            self.assertEqual(bench.build_kind(path), "release build (-O3 -g)")
            open(path, "w").write("CMAKE_BUILD_TYPE:STRING=\nCMAKE_CXX_FLAGS:STRING=\n"
                                  "CMAKE_CXX_FLAGS_RELWITHDEBINFO:STRING=-O2 -g -DNDEBUG\n")
            self.assertEqual(bench.build_kind(path), "RelWithDebInfo build (-O2 -g)")
        finally:
            os.unlink(path)

    def test_readme_section_replaced_and_the_rest_kept(self):
        text = "intro\n<!-- bench:begin -->\nold table\n<!-- bench:end -->\nafter\n"
        self.assertEqual(bench.replace_section(text, "new table"),
                         "intro\n<!-- bench:begin -->\nnew table\n<!-- bench:end -->\nafter\n")
        with self.assertRaises(RuntimeError):
            bench.replace_section("no markers", "x")


class InputsTest(unittest.TestCase):
    def test_api_zip_is_20_kib_and_uses_its_dependency(self):
        data = bench.api_zip()
        self.assertGreaterEqual(len(data), 20 * 1024)
        self.assertLess(len(data), 22 * 1024)
        raml = zipfile.ZipFile(io.BytesIO(data)).read("api.raml").decode()
        self.assertIn(f"exchange_modules/{bench.GROUP}/bench-types/1.0.0/money.raml", raml)
        self.assertEqual(bench.api_zip(), data, "the same bytes every run")

    def test_distinct_spec_changes_with_every_request_and_keeps_its_dependency(self):
        raml = bench.distinct_api_raml()
        self.assertIn("title: Bench Orders API {g}.{v}\n", raml)
        self.assertEqual(raml.replace(" {g}.{v}", ""), bench.api_raml())
        self.assertIn(f"exchange_modules/{bench.GROUP}/bench-types/1.0.0/money.raml", raml)

    def test_publication_form_declares_the_dependency(self):
        body, content_type = bench.api_publication(b"ZIP")
        boundary = content_type.split("boundary=")[1]
        self.assertIn(f'name="dependencies"\r\n\r\n{bench.GROUP}:bench-types:1.0.0\r\n'.encode(), body)
        self.assertTrue(body.endswith(f"--{boundary}--\r\n".encode()))


@unittest.skipUnless(os.access(os.path.join(BUILD, "load_client"), os.X_OK), f"no load_client in {BUILD}")
class LoadClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = bench.free_port()
        cls.body = os.path.join(BUILD, "bench_test_body.json")
        open(cls.body, "w").write('{"fixed": true}')
        cls.server = subprocess.Popen([os.path.join(BUILD, "trivial_server"), "--port", str(cls.port),
                                       "--body", cls.body, "--threads", "2"], stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", cls.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=10)
        os.unlink(cls.body)

    def client(self, *args):
        result = subprocess.run([os.path.join(BUILD, "load_client"), "--port", str(self.port), "--method", "GET",
                                 "--target", "/item/{g}/{v}", *args], capture_output=True, text=True, timeout=60)
        return result.returncode, json.loads(result.stdout)

    def test_every_request_answered(self):
        code, stats = self.client("--requests", "500", "--concurrency", "4", "--groups", "5")
        self.assertEqual((code, stats["requests"], stats["errors"]), (0, 500, 0), stats)
        self.assertGreater(stats["per_second"], 0)
        self.assertLessEqual(stats["p50_ms"], stats["p99_ms"])

    def test_unexpected_status_counts_as_error(self):
        code, stats = self.client("--requests", "20", "--concurrency", "2", "--expect", "201")
        self.assertEqual((code, stats["errors"]), (1, 20))
        self.assertTrue(stats["first_error"].startswith("HTTP 200"), stats)

    def test_time_cap_ends_the_run(self):
        start = time.monotonic()
        code, stats = self.client("--requests", "100000000", "--concurrency", "2", "--seconds", "0.5")
        self.assertLess(time.monotonic() - start, 10)
        self.assertEqual(code, 0)
        self.assertLess(stats["requests"], 100000000)
        self.assertGreater(stats["requests"], 0)

    def test_trivial_server_answers_its_fixed_body_to_any_target(self):
        self.assertEqual(bench.http_request(self.port, "GET", "/any/path"), (200, b'{"fixed": true}'))


if __name__ == "__main__":
    unittest.main()
