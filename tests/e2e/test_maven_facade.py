"""The Maven facade over HTTP, request by request as Maven sends them (issue 17): credentials and
the answer before 100 Continue, refusals explained in the reason phrase, checksums of every file
however it was published, metadata written by agora, staged deploys that stay invisible until
finished and are reclaimed when abandoned. The real Maven is in test_maven_client.py.
"""
import base64
import hashlib
import os
import re
import socket
import time

from agora_harness import AgoraTestCase

ALGORITHMS = {"md5": hashlib.md5, "sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}


def basic(username, password):
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


class FacadeTestCase(AgoraTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deployer = basic("~~~Token~~~", cls.server.create_token(cls.org, "contributor"))
        cls.base = f"/api/v3/organizations/{cls.org}/maven"

    def put(self, path, body, auth=None):
        return self.server.request("PUT", f"{self.base}/{path}", body=body, token=None,
                                   headers={"Authorization": auth or self.deployer})

    def get(self, path, auth=None, base=None):
        return self.server.request("GET", f"{base or self.base}/{path}", token=None,
                                   headers={"Authorization": auth or self.deployer})

    def deploy_file(self, artifact, version, classifier, content, finish=True):
        """deploy:deploy-file's requests: the file and its checksums, the POM and its, the metadata."""
        folder = f"{self.org}/{artifact}/{version}/{artifact}-{version}"
        pom = (f"<project><modelVersion>4.0.0</modelVersion><groupId>{self.org}</groupId><artifactId>{artifact}"
               f"</artifactId><version>{version}</version><packaging>jar</packaging></project>").encode()
        for name, data in [(f"{folder}-{classifier}.jar", content), (f"{folder}.pom", pom)]:
            self.assertEqual(self.put(name, data).status, 201)
            for algorithm in ("sha1", "md5"):
                self.assertEqual(self.put(f"{name}.{algorithm}", ALGORITHMS[algorithm](data).hexdigest().encode()).status, 201)
        if finish:
            metadata = (f"<metadata><groupId>{self.org}</groupId><artifactId>{artifact}</artifactId><versioning>"
                        f"<versions><version>{version}</version></versions></versioning></metadata>").encode()
            self.assertEqual(self.put(f"{self.org}/{artifact}/maven-metadata.xml", metadata).status, 201)

    def raw_exchange(self, head):
        """Sends a request head on its own, to an agora server itself (on a cluster nginx answers
        `Expect: 100-continue` by itself), and returns the first answer's status line and headers."""
        server = getattr(self.server, "nodes", [self.server])[0]
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
            s.sendall(head.encode())
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            lines = data.split(b"\r\n\r\n", 1)[0].decode().split("\r\n")
            return lines[0], {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:])}, s


class MavenFacadeTest(FacadeTestCase):
    def test_an_upload_is_refused_before_100_continue(self):
        path = f"{self.base}/{self.org}/early/1.0.0/early-1.0.0-mule-plugin.jar"
        head = f"PUT {path} HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n"
        viewer = basic("~~~Token~~~", self.server.create_token(self.org, "viewer"))
        for authorization, status, reason in [
                ("", 401, "Credentials are required"),
                (f"Authorization: {basic('nobody', 'wrong')}\r\n", 401, "Invalid username or password"),
                (f"Authorization: {viewer}\r\n", 403, "The role viewer may not publish")]:
            line, headers, _ = self.raw_exchange(head + authorization + "\r\n")
            self.assertEqual(line, f"HTTP/1.1 {status} {reason}", "the refusal comes instead of 100 Continue")
            if status == 401:
                self.assertEqual(headers.get("www-authenticate"), 'Basic realm="agora"')
        line, _, s = self.raw_exchange(head + f"Authorization: {self.deployer}\r\n\r\n")
        self.assertEqual(line, "HTTP/1.1 100 Continue")
        s.close()

    def test_reads_without_credentials_are_401_never_404(self):
        self.deploy_file("public-looking", "1.0.0", "mule-plugin", b"x")
        for path in [f"{self.org}/public-looking/1.0.0/public-looking-1.0.0.pom", f"{self.org}/nothing/maven-metadata.xml",
                     "not/a/path"]:
            for base in (self.base, "/api/v3/maven", "/api/v1/maven", f"/exchange/api/v2/organizations/{self.org}/maven"):
                response = self.server.request("GET", f"{base}/{path}", token=None)
                self.assertEqual(response.status, 401, f"{base}/{path}")
                self.assertEqual(response.header("WWW-Authenticate"), 'Basic realm="agora"')
        self.assertEqual(self.get(f"{self.org}/nothing/maven-metadata.xml").status, 404)
        self.assertEqual(self.get("not/a/path").status, 404)
        stranger = self.server.create_token(self.server.create_org("stranger"), "admin")
        hidden = self.get(f"{self.org}/public-looking/1.0.0/public-looking-1.0.0.pom", auth=f"Bearer {stranger}",
                          base="/api/v3/maven")
        self.assertEqual(hidden.status, 404, "another organisation's artifact is not there, as a missing one")

    def test_nothing_is_deleted_and_the_organisation_less_base_is_read_only(self):
        for base in (self.base, "/api/v3/maven"):
            response = self.server.request("DELETE", f"{base}/{self.org}/a/1.0.0/a-1.0.0.jar", token=None)
            self.assertEqual(response.status, 405)
            self.assertIn("GET", response.header("Allow"))
        self.assertIn(b"does not delete", response.body)
        response = self.server.request("PUT", f"/api/v3/maven/{self.org}/a/1.0.0/a-1.0.0.jar", body=b"x", token=None,
                                       headers={"Authorization": self.deployer})
        self.assertEqual(response.status, 405)
        self.assertIn(b"read-only", response.body)

    def test_every_file_of_an_exchange_published_asset_is_served_with_checksums(self):
        library = os.urandom(5000)
        path = os.path.join(self.work, "tool.jar")
        with open(path, "wb") as f:
            f.write(library)
        status, body = self.server.publish(self.org, "tool", "2.0.0", ["name=Tool", f"files.custom.jar=@{path}"])
        self.assertEqual(status, 201, body)
        folder = f"{self.org}/tool/2.0.0/tool-2.0.0"
        jar = self.get(f"{folder}-custom.jar")
        self.assertEqual(jar.status, 200)
        self.assertEqual(jar.body, library)
        self.assertEqual(jar.header("X-Checksum-SHA1"), hashlib.sha1(library).hexdigest())
        pom = self.get(f"{folder}.pom")
        self.assertEqual(pom.status, 200)
        self.assertIn(b"<name>Tool</name>", pom.body)
        for name, content in [(f"{folder}-custom.jar", library), (f"{folder}.pom", pom.body)]:
            for algorithm, digest in ALGORITHMS.items():
                self.assertEqual(self.get(f"{name}.{algorithm}").body.decode(), digest(content).hexdigest(), name)
        metadata = self.get(f"{self.org}/tool/maven-metadata.xml")
        self.assertEqual(metadata.status, 200)
        self.assertIn(b"<release>2.0.0</release>", metadata.body)
        for algorithm, digest in ALGORITHMS.items():
            self.assertEqual(self.get(f"{self.org}/tool/maven-metadata.xml.{algorithm}").body.decode(),
                             digest(metadata.body).hexdigest())
        self.assertEqual(self.server.request("HEAD", f"{self.base}/{folder}-custom.jar", token=None,
                                             headers={"Authorization": self.deployer}).header("Content-Length"),
                         str(len(library)))

    def test_staged_files_stay_invisible_until_the_metadata_finishes_the_deploy(self):
        self.deploy_file("staged", "1.0.0", "mule-plugin", b"staged bytes", finish=False)
        self.assertEqual(self.get(f"{self.org}/staged/1.0.0/staged-1.0.0-mule-plugin.jar").status, 404)
        self.assertEqual(self.server.asset(self.org, "staged", "1.0.0").status, 404)
        self.assertEqual(self.put(f"{self.org}/staged/maven-metadata.xml",
                                  b"<metadata><versioning><release>1.0.0</release></versioning></metadata>").status, 201)
        self.assertEqual(self.get(f"{self.org}/staged/1.0.0/staged-1.0.0-mule-plugin.jar").body, b"staged bytes")
        self.assertEqual(self.server.asset(self.org, "staged", "1.0.0").json()["type"], "extension")

    def test_refusals_say_why_in_the_reason_phrase(self):
        folder = f"{self.org}/checked/1.0.0/checked-1.0.0"
        self.assertEqual(self.put(f"{folder}-mule-plugin.jar", b"bytes").status, 201)
        line, _, s = self.raw_request("PUT", f"{folder}-mule-plugin.jar.sha1", b"0" * 40)
        s.close()
        self.assertRegex(line, r"^HTTP/1.1 400 The SHA1 of checked-1.0.0-mule-plugin.jar is [0-9a-f]{40}, the client sent 0{40}")
        self.assertEqual(self.put(f"{folder}.pom", b"<project/>").status, 201)
        line, _, s = self.raw_request("PUT", f"{self.org}/checked/maven-metadata.xml",
                                      b"<metadata><versioning><versions><version>1.0.0</version></versions></versioning></metadata>")
        s.close()
        self.assertIn("Publishing", line, "the damaged jar was dropped: only a POM without coordinates was left")
        self.assertEqual(self.server.asset(self.org, "checked", "1.0.0").status, 404)
        line, _, s = self.raw_request("PUT", f"{self.org}/checked/1.0.0/other-1.0.0.jar", b"x")
        s.close()
        self.assertTrue(line.startswith("HTTP/1.1 400 Not a Maven repository path"), line)
        line, _, s = self.raw_request("PUT", f"{self.org}/checked/1..0/checked-1..0.jar", b"x")
        s.close()
        self.assertTrue(line.startswith("HTTP/1.1 400 "), line)

    def test_downloads_count_in_the_usage_figures(self):
        self.deploy_file("counted", "1.0.0", "mule-plugin", b"counted bytes")
        folder = f"{self.org}/counted/1.0.0/counted-1.0.0"
        jar = f"{folder}-mule-plugin.jar"
        self.assertEqual(self.get(jar).status, 200)
        self.assertEqual(self.get(jar, base="/api/v3/maven").status, 200)
        ranged = lambda first: self.server.request("GET", f"{self.base}/{jar}", token=None, headers={
            "Authorization": self.deployer, "Range": f"bytes={first}-{first}"})
        self.assertEqual(ranged(0).status, 206)
        self.assertEqual(ranged(1).status, 206)  # a later part of a download counted already
        self.assertEqual(self.server.request("HEAD", f"{self.base}/{jar}", token=None,
                                             headers={"Authorization": self.deployer}).status, 200)
        # Neither the POM a build reads before the file it depends on, nor checksums or metadata.
        for path in (f"{folder}.pom", f"{jar}.sha1", f"{self.org}/counted/maven-metadata.xml"):
            self.assertEqual(self.get(path).status, 200, path)
        # Each server adds its counts to the store in batches, every 2 s.
        deadline = time.monotonic() + 20
        while True:
            versions = self.server.get(f"/exchange/api/v2/assets/{self.org}/counted/metrics/versions").json()
            downloads = {m["key"]: m["allTime"] for m in versions["versions"][0]["metrics"]}["assetDownload"]
            if downloads >= 3 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(downloads, 3, "two whole GETs and the first part of a ranged one")

    def raw_request(self, method, path, body):
        return self.raw_exchange(f"{method} {self.base}/{path} HTTP/1.1\r\nHost: t\r\nAuthorization: {self.deployer}\r\n"
                                 f"Content-Length: {len(body)}\r\n\r\n{body.decode()}")


class AbandonedDeployTest(FacadeTestCase):
    server_args = ("--staging-max-age", "1")

    def blobs(self):
        return sum(len(files) for _, _, files in os.walk(os.path.join(self.server.data_dir, "blobs", "sha256")))

    def test_an_interrupted_deploy_is_reclaimed_and_never_seen(self):
        before = self.blobs()
        self.deploy_file("interrupted", "1.0.0", "mule-plugin", os.urandom(3000), finish=False)
        self.assertEqual(self.blobs(), before + 2)
        deadline = time.monotonic() + 20
        while self.blobs() > before and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertEqual(self.blobs(), before, "the staged files of the abandoned deploy are reclaimed")
        # A metadata upload after that finds nothing to publish.
        self.assertEqual(self.put(f"{self.org}/interrupted/maven-metadata.xml",
                                  b"<metadata><versioning><release>1.0.0</release></versioning></metadata>").status, 201)
        self.assertEqual(self.server.asset(self.org, "interrupted", "1.0.0").status, 404)
        self.assertEqual(self.get(f"{self.org}/interrupted/maven-metadata.xml").status, 404)
