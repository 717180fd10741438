"""Mixed load against a cluster, for the tests of servers dying and restarting under it.

Load runs client threads through the balancer until stopped: synchronous and asynchronous
publications of fresh versions, reads of a version's JSON and downloads of its file. It records
every answer, so a test can say afterwards which requests failed and what the cluster stored.
"""
import http.client
import json
import os
import threading
import time
import uuid

BOUNDARY = "agora-cluster-load"


def multipart(fields, files):
    """A multipart/form-data body: fields {name: value}, files {name: (filename, bytes)}."""
    parts = []
    for name, value in fields.items():
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f'Content-Type: application/octet-stream\r\n\r\n'.encode() + content + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


class Client:
    """HTTP to one host:port with a token, a fresh connection per request (as a balancer's clients)."""

    def __init__(self, port, token, timeout=60):
        self.port = port
        self.token = token
        self.timeout = timeout

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        headers["Authorization"] = f"bearer {self.token}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException) as e:
            return 0, str(e).encode()
        finally:
            connection.close()

    def publish(self, org, asset, version, content, sync=True):
        body = multipart({"name": f"{asset} {version}", "type": "custom"},
                         {"files.custom.bin": ("payload.bin", content)})
        headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
        if sync:
            headers["x-sync-publication"] = "true"
        return self.request("POST", f"/exchange/api/v2/organizations/{org}/assets/{org}/{asset}/{version}", body, headers)


class Load:
    """Client threads publishing and reading through `port` until stop()."""

    def __init__(self, port, token, org, readers=3, publishers=2, async_publishers=1):
        self.client = Client(port, token)
        self.org = org
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.failed_reads = []       # (path, status, body) of reads that did not answer 200
        self.published = {}          # asset -> (content, final status, body)
        self.async_links = {}        # asset -> (content, publicationStatusLink, whether it was sent again)
        self.failed_publications = []
        self.reads = 0
        self.seed = self._publish_seed()
        self.threads = ([threading.Thread(target=self._read, daemon=True) for _ in range(readers)] +
                        [threading.Thread(target=self._publish, args=(True,), daemon=True) for _ in range(publishers)] +
                        [threading.Thread(target=self._publish, args=(False,), daemon=True)
                         for _ in range(async_publishers)])

    def _publish_seed(self):
        status, body = self.client.publish(self.org, "seed", "1.0.0", b"seed content")
        if status != 201:
            raise AssertionError(f"the seed version was not published: {status} {body[:300]!r}")
        return json.loads(body)

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=120)

    def _read(self):
        paths = [f"/exchange/api/v2/assets/{self.org}/seed/1.0.0",
                 f"/exchange/files/api/v1/organizations/{self.org}/assets/{self.org}/seed/1.0.0/custom/bin"]
        while not self.stopping.is_set():
            for path in paths:
                status, body = self.client.request("GET", path)
                with self.lock:
                    self.reads += 1
                    if status != 200:
                        self.failed_reads.append((path, status, body[:300]))

    # A publication whose answer was lost (a 502 from a server that died under it) is sent again:
    # the retry must find the version whole (409) or store it (201). An asynchronous one that is
    # sent again may find its first job, which the dead server had stored, finished by another
    # server: the retry's job then ends in error (the version exists), and the version is whole.
    def _publish(self, sync):
        while not self.stopping.is_set():
            asset = f"load-{uuid.uuid4().hex[:12]}"
            content = os.urandom(2048)
            for attempt in range(5):
                status, body = self.client.publish(self.org, asset, "1.0.0", content, sync=sync)
                if status in (201, 202, 409) or 400 <= status < 500:
                    break
                time.sleep(0.2)
            with self.lock:
                if sync:
                    self.published[asset] = (content, status, body[:300])
                elif status == 202:
                    self.async_links[asset] = (content, json.loads(body)["publicationStatusLink"], attempt > 0)
                else:
                    self.failed_publications.append((asset, status, body[:300]))
