"""A bounded soak on loopback: mixed publish, read, search and download traffic from several
clients for AGORA_SOAK_SECONDS (default 45). The error rate must stay at zero and the server's
memory flat: its resident size at the end within 1.5x (plus 32 MiB) of the size once warmed up."""
import concurrent.futures
import os
import random
import threading
import time
import unittest

from agora_harness import AgoraTestCase

SECONDS = float(os.environ.get("AGORA_SOAK_SECONDS", "45"))


def resident_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


class SoakTest(AgoraTestCase):
    def test_mixed_traffic_without_errors_or_growth(self):
        payload = os.path.join(self.work, "payload.bin")
        with open(payload, "wb") as f:
            f.write(os.urandom(256 << 10))
        errors, counts, lock = [], {"publish": 0, "read": 0, "search": 0, "download": 0}, threading.Lock()
        deadline = time.monotonic() + SECONDS

        def client(number):
            rng = random.Random(number)
            published = 0
            while time.monotonic() < deadline:
                choice = rng.random()
                try:
                    if choice < 0.15 or published == 0:
                        published += 1
                        status, body = self.server.publish(self.org, f"soak-{number}-{published}", "1.0.0", [
                            f"name=Soak {number} {published}", "type=custom", "description=soak traffic",
                            f"files.custom.bin=@{payload}"])
                        kind, ok = "publish", status == 201
                    elif choice < 0.55:
                        response = self.server.asset(self.org, f"soak-{number}-{rng.randint(1, published)}", "1.0.0")
                        kind, ok = "read", response.status == 200
                    elif choice < 0.8:
                        response = self.server.get("/exchange/api/v2/assets/search?search=soak&limit=20")
                        kind, ok = "search", response.status == 200
                    else:
                        asset = self.server.asset(self.org, f"soak-{number}-{rng.randint(1, published)}", "1.0.0").json()
                        file = next(f for f in asset["files"] if f["classifier"] == "custom")
                        response = self.server.get_url(file["downloadURL"])
                        kind, ok = "download", response.status == 200 and len(response.body) == 256 << 10
                except Exception as e:  # noqa: BLE001 - any failure is an error of the soak
                    kind, ok = "exception", False
                    errors.append(repr(e))
                with lock:
                    counts[kind] = counts.get(kind, 0) + 1
                    if not ok and kind != "exception":
                        errors.append(kind)

        pid = self.server.process.pid
        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            futures = [pool.submit(client, n) for n in range(6)]
            time.sleep(SECONDS / 4)
            warm = resident_kib(pid)
            for future in futures:
                future.result()
        final = resident_kib(pid)
        total = sum(counts.values())
        print(f"\nsoak: {total} requests in {SECONDS:.0f} s {counts}; RSS {warm} KiB warm, {final} KiB at the end")
        self.assertEqual(errors, [], f"{len(errors)} errors out of {total}")
        self.assertGreater(counts["download"], 0)
        self.assertLess(final, warm * 1.5 + 32 * 1024, "memory grew during the soak")


if __name__ == "__main__":
    unittest.main()
