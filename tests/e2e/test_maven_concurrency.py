"""Twenty concurrent deploys of different versions of one artifact leave all twenty in
maven-metadata.xml (issue 17).

Every deploy reads the artifact's metadata, merges its version in and uploads the result, as
Maven does: a server that trusted those uploads would keep only the last writer's view (Reposilite
3 lost versions so). Four deploys are Debian's real Maven, each its own process with its own local
repository (one JVM running several deploys of one artifact races on its own local metadata file,
a client bug of its own); sixteen replay Maven's requests from threads that all read the metadata
before any of them writes it, the worst case.
"""
import base64
import concurrent.futures
import hashlib
import http.client
import os
import re
import threading

from agora_harness import AgoraTestCase
from fixtures import write_zip, mule_artifact
from maven_client import MavenEnvironment, Server

REAL = 4
REPLAYED = 16


class MavenConcurrencyTest(AgoraTestCase):
    def test_twenty_concurrent_deploys_all_stay_in_the_metadata(self):
        token = self.server.create_token(self.org, "contributor")
        self.authorization = "Basic " + base64.b64encode(f"~~~Token~~~:{token}".encode()).decode()
        self.base = f"/api/v3/organizations/{self.org}/maven/{self.org}/parallel-connector"
        maven = MavenEnvironment(self.work, [Server("token", "~~~Token~~~", token)])
        repositories = [maven.fresh_repository(f"m2-{n}") for n in range(REAL)]
        jars = [write_zip(os.path.join(self.work, f"payload-{n}.jar"),
                          {"META-INF/mule-artifact/mule-artifact.json": mule_artifact(f"parallel-{n}", "plugin")})
                for n in range(REAL)]
        self.read_all = threading.Barrier(REPLAYED)
        url = f"{self.server.base}/api/v3/organizations/{self.org}/maven"
        with concurrent.futures.ThreadPoolExecutor(REAL + REPLAYED) as pool:
            real = [pool.submit(maven.deploy_file, repositories[n], url, "token", jars[n], self.org, "parallel-connector",
                                f"1.0.{n}", "mule-plugin") for n in range(REAL)]
            replayed = [pool.submit(self.replay_deploy_file, f"1.0.{REAL + n}") for n in range(REPLAYED)]
            for future in real:
                code, output = future.result()
                self.assertEqual(code, 0, f"{output[-4000:]}\nserver:\n{self.server.log()[-3000:]}")
            for future in replayed:
                future.result()

        metadata = self.server.get(f"{self.base}/maven-metadata.xml")
        self.assertEqual(metadata.status, 200, metadata)
        listed = re.findall(rb"<version>([^<]+)</version>", metadata.body)
        expected = [f"1.0.{n}".encode() for n in range(REAL + REPLAYED)]
        self.assertEqual(sorted(listed), sorted(expected), metadata.body)
        self.assertIn(f"<latest>1.0.{REAL + REPLAYED - 1}</latest>".encode(), metadata.body)
        for version in expected:
            asset = self.server.asset(self.org, "parallel-connector", version.decode())
            self.assertEqual(asset.status, 200, asset)
            self.assertEqual(asset.json()["type"], "extension")

    def replay_deploy_file(self, version):
        """deploy:deploy-file's requests for one version, on one keep-alive connection."""
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        try:
            def call(method, path, body=None, expected=(201,)):
                connection.request(method, path, body=body, headers={"Authorization": self.authorization})
                response = connection.getresponse()
                data = response.read()
                self.assertIn(response.status, expected, f"{method} {path}: {response.status} {data[:300]!r}")
                return response.status, data

            name = f"{self.base}/{version}/parallel-connector-{version}"
            jar = os.urandom(2000)
            pom = (f"<project><modelVersion>4.0.0</modelVersion><groupId>{self.org}</groupId><artifactId>"
                   f"parallel-connector</artifactId><version>{version}</version><packaging>jar</packaging></project>")
            for path, data in [(f"{name}-mule-plugin.jar", jar), (f"{name}.pom", pom.encode())]:
                call("PUT", path, data)
                call("PUT", f"{path}.sha1", hashlib.sha1(data).hexdigest().encode())
                call("PUT", f"{path}.md5", hashlib.md5(data).hexdigest().encode())
            status, current = call("GET", f"{self.base}/maven-metadata.xml", expected=(200, 404))
            self.read_all.wait(timeout=120)  # everybody has read before anybody writes
            versions = re.findall(rb"<version>([^<]+)</version>", current) if status == 200 else []
            merged = (f"<metadata><groupId>{self.org}</groupId><artifactId>parallel-connector</artifactId><versioning>"
                      f"<latest>{version}</latest><release>{version}</release><versions>"
                      + "".join(f"<version>{v.decode()}</version>" for v in versions)
                      + f"<version>{version}</version></versions></versioning></metadata>").encode()
            call("PUT", f"{self.base}/maven-metadata.xml", merged)
            call("PUT", f"{self.base}/maven-metadata.xml.sha1", hashlib.sha1(merged).hexdigest().encode())
            call("PUT", f"{self.base}/maven-metadata.xml.md5", hashlib.md5(merged).hexdigest().encode())
        finally:
            connection.close()
