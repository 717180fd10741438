"""Debian's real Maven 3.8.7, offline, against agora's Maven facade (issue 17).

setUpClass runs every Maven build once, three lanes at a time (a JVM start costs seconds):
deploy:deploy-file of each asset type Maven publishes, with each style of credentials; a full
`mvn deploy` of a project with a classified mule-plugin jar and ${revision}; that project as a
SNAPSHOT twice; a wrong password; a release deployed again with other bytes; then a consumer
project resolving all of it, and a RAML API published through the Exchange API, from a clean
local repository with checksumPolicy=fail. The tests then check what each build printed and
what the Exchange API shows.
"""
import concurrent.futures
import hashlib
import os
import re
import subprocess

from agora_harness import AgoraTestCase
from fixtures import Fixtures, write, write_zip, mule_artifact
from maven_client import COPY_DEPENDENCIES, MavenEnvironment, Server

PASSWORD = "s3cret pass"

# The Mule project `mvn deploy` publishes: CI-friendly ${revision}, a second jar classified
# mule-plugin, name and tags built from properties, Exchange's categories and fields.
PROJECT_POM = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>{org}</groupId>
  <artifactId>orders-connector</artifactId>
  <version>${{revision}}</version>
  <packaging>jar</packaging>
  <name>${{project.artifactId}} by ${{team}}</name>
  <description>Connects Mule to the orders system, revision ${{revision}}</description>
  <properties>
    <revision>1.0.0</revision>
    <team>Integration</team>
    <tags>orders, ${{team}}</tags>
    <categories key="department">Finance</categories>
    <fields key="sla">gold</fields>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-jar-plugin</artifactId>
        <executions>
          <execution>
            <id>mule-plugin</id>
            <goals><goal>jar</goal></goals>
            <configuration><classifier>mule-plugin</classifier></configuration>
          </execution>
        </executions>
      </plugin>
    </plugins>
  </build>
  <distributionManagement>
    <repository><id>user</id><url>{url}</url></repository>
    <snapshotRepository><id>user</id><url>{url}</url></snapshotRepository>
  </distributionManagement>
</project>
"""

EXAMPLE_POM = """<project><modelVersion>4.0.0</modelVersion><groupId>{org}</groupId><artifactId>orders-example</artifactId>
<version>1.0.0</version><packaging>jar</packaging><name>Orders example</name>
<description>How to call the orders connector</description><properties><tags>example</tags></properties></project>
"""

# What the consumer depends on: (artifact, version, classifier, type).
# (Maven keeps one version per groupId:artifactId:classifier: the release's plain jar, the
# snapshot's mule-plugin jar.)
CONSUMED = [("orders-connector", "1.0.0", None, "jar"),
            ("orders-connector", "1.1.0-SNAPSHOT", "mule-plugin", "jar"),
            ("salesforce-connector", "1.0.0", "mule-plugin", "jar"),
            ("orders-app", "1.0.0", "mule-application", "jar"),
            ("flights-api", "1.0.0", "fat-raml", "zip")]


def content(path_or_bytes):
    if isinstance(path_or_bytes, bytes):
        return path_or_bytes
    with open(path_or_bytes, "rb") as f:
        return f.read()


def sha256(path_or_bytes):
    return hashlib.sha256(content(path_or_bytes)).hexdigest()


class MavenClientTest(AgoraTestCase):
    runs = {}  # name -> (exit code, output)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files = Fixtures(cls.work, cls.org)
        cls.identities()
        cls.url = f"{cls.server.base}/api/v3/organizations/{cls.org}/maven"
        cls.maven = MavenEnvironment(cls.work, cls.credentials)
        cls.publish_flights_api()
        cls.define_tags()
        cls.write_payloads()
        with concurrent.futures.ThreadPoolExecutor(3) as lanes:
            for result in [lanes.submit(cls.deploy_lane_one), lanes.submit(cls.deploy_lane_two),
                           lanes.submit(cls.project_lane)]:
                result.result()
        cls.consume()

    # --- setup ----------------------------------------------------------------------------------
    @classmethod
    def identities(cls):
        s = cls.server
        s.admin("create-user", "--org", cls.org, "--username", "deployer", "--password-stdin", "--role", "contributor",
                stdin=PASSWORD + "\n")
        made = subprocess.run([s.binary, "admin", "create-client", "--org", cls.org, "--role", "contributor",
                               "--name", "ci", *s.storage_args()], capture_output=True, text=True, check=True)
        client_id = re.search(r"client_id: (\S+)", made.stdout).group(1)
        secret = re.search(r"client_secret: (\S+)", made.stdout).group(1)
        cls.contributor_token = s.create_token(cls.org, "contributor")
        cls.viewer_token = s.create_token(cls.org, "viewer")
        cls.credentials = [Server("user", "deployer", PASSWORD),
                           Server("token", "~~~Token~~~", cls.contributor_token),
                           Server("client", "~~~Client~~~", f"{client_id}~?~{secret}"),
                           Server("bearer", bearer=cls.contributor_token),
                           Server("wrong", "deployer", "not the password"),
                           Server("reader", "~~~Token~~~", cls.viewer_token)]

    @classmethod
    def publish_flights_api(cls):
        """A RAML API with two fragment dependencies, through the Exchange API as its page shows."""
        f, org = cls.files, cls.org
        published = [cls.server.publish(org, asset, "1.0.1", [
            f"name={asset}", f"properties.mainFile={main}", f"files.raml-fragment.zip=@{zip_path}"])
            for asset, zip_path, main in [
                ("training-american-flight-data-type", f.flight_type_zip, "AmericanFlightDataType.raml"),
                ("training-american-flights-example", f.flight_example_zip, "AmericanFlightsExample.raml")]]
        published.append(cls.server.publish(org, "flights-api", "1.0.0", [
            "name=American Flights API", "properties.mainFile=american-flights-api.raml", "properties.apiVersion=v1",
            f"dependencies={org}:training-american-flight-data-type:1.0.1,{org}:training-american-flights-example:1.0.1",
            f"files.raml.zip=@{f.flights_zip}"]))
        for status, body in published:
            assert status == 201, body

    @classmethod
    def define_tags(cls):
        for kind, body in [("categories", '{"tagKey": "department", "displayName": "Department", "dataType": "enum", '
                                          '"acceptedValues": ["Finance", "Sales"]}'),
                           ("fields", '{"tagKey": "sla", "displayName": "SLA", "dataType": "text"}')]:
            response = cls.server.request("POST", f"/exchange/api/v2/organizations/{cls.org}/{kind}", body=body,
                                          headers={"Content-Type": "application/json"})
            assert response.status == 201, response

    @classmethod
    def write_payloads(cls):
        d = lambda name: os.path.join(cls.work, name)
        jar = lambda name, kind: write_zip(d(name), {"META-INF/mule-artifact/mule-artifact.json": mule_artifact(name, kind),
                                                      "payload.txt": os.urandom(64).hex()})
        cls.payloads = {"template": jar("template.jar", "app"), "example": jar("example.jar", "app"),
                        "policy": jar("policy.jar", "plugin"), "changed": jar("changed.jar", "plugin")}
        cls.example_pom = write(d("example-pom.xml"), EXAMPLE_POM.format(org=cls.org))

    @classmethod
    def deploy(cls, name, repository, server_id, file, artifact, classifier, version="1.0.0", extra=()):
        cls.runs[name] = cls.maven.deploy_file(repository, cls.url, server_id, file, cls.org, artifact, version,
                                               classifier, extra=extra)

    @classmethod
    def deploy_lane_one(cls):
        repository = cls.maven.fresh_repository("m2-lane-one")
        cls.deploy("connector", repository, "user", cls.files.connector_jar, "salesforce-connector", "mule-plugin")
        cls.deploy("policy", repository, "token", cls.payloads["policy"], "rate-policy", "mule-policy")
        cls.deploy("wrong-password", repository, "wrong", cls.payloads["policy"], "refused", "mule-policy")
        cls.deploy("changed-release", repository, "user", cls.payloads["changed"], "salesforce-connector", "mule-plugin")

    @classmethod
    def deploy_lane_two(cls):
        repository = cls.maven.fresh_repository("m2-lane-two")
        cls.deploy("app", repository, "token", cls.files.mule_app_jar, "orders-app", "mule-application")
        cls.deploy("template", repository, "client", cls.payloads["template"], "orders-template", "mule-application-template")
        cls.deploy("custom", repository, "client", cls.files.library_jar, "tooling", "custom")
        cls.deploy("example", repository, "bearer", cls.payloads["example"], "orders-example", "mule-application-example",
                   extra=[f"-DpomFile={cls.example_pom}"])

    @classmethod
    def project_lane(cls):
        cls.project = os.path.join(cls.work, "orders-connector")
        os.makedirs(os.path.join(cls.project, "src/main/resources"))
        write(os.path.join(cls.project, "pom.xml"), PROJECT_POM.format(org=cls.org, url=cls.url))
        repository = cls.maven.fresh_repository("m2-project")
        for name, revision in [("release", None), ("snapshot-1", "1.1.0-SNAPSHOT"), ("snapshot-2", "1.1.0-SNAPSHOT")]:
            write(os.path.join(cls.project, "src/main/resources/build.txt"), f"{name} {os.urandom(8).hex()}\n")
            args = ["deploy"] + ([f"-Drevision={revision}"] if revision else [])
            cls.runs[name] = cls.maven.run(args, repository, cwd=cls.project)
            version = revision or "1.0.0"
            cls.built_jars = {classifier: sha256(os.path.join(cls.project, "target", f"orders-connector-{version}{suffix}.jar"))
                              for classifier, suffix in [(None, ""), ("mule-plugin", "-mule-plugin")]
                              if os.path.exists(os.path.join(cls.project, "target", f"orders-connector-{version}{suffix}.jar"))}
            if name == "release":
                cls.release_jars = cls.built_jars

    @classmethod
    def consume(cls):
        """A project depending on what was deployed, resolved from a clean local repository."""
        consumer = os.path.join(cls.work, "consumer")
        os.makedirs(consumer)
        dependencies = "".join(
            f"<dependency><groupId>{cls.org}</groupId><artifactId>{a}</artifactId><version>{v}</version>"
            f"{f'<classifier>{c}</classifier>' if c else ''}<type>{t}</type></dependency>" for a, v, c, t in CONSUMED)
        policy = "<checksumPolicy>fail</checksumPolicy><updatePolicy>always</updatePolicy>"
        write(os.path.join(consumer, "pom.xml"), f"""<project><modelVersion>4.0.0</modelVersion>
<groupId>consumer</groupId><artifactId>consumer</artifactId><version>1</version><packaging>pom</packaging>
<repositories><repository><id>reader</id><url>{cls.server.base}/api/v3/maven</url>
<releases>{policy}</releases><snapshots><enabled>true</enabled>{policy}</snapshots></repository></repositories>
<dependencies>{dependencies}</dependencies></project>""")
        cls.consumer_deps = os.path.join(consumer, "deps")
        cls.runs["consumer"] = cls.maven.run([COPY_DEPENDENCIES, f"-DoutputDirectory={cls.consumer_deps}"],
                                             cls.maven.fresh_repository("m2-consumer"), cwd=consumer)

    # --- checks ---------------------------------------------------------------------------------
    def assertBuilt(self, name):
        code, output = self.runs[name]
        self.assertEqual(code, 0, f"mvn ({name}) failed:\n{output[-6000:]}\nserver:\n{self.server.log()[-3000:]}")
        self.assertIn("BUILD SUCCESS", output)
        return output

    def assertFailed(self, name, *expected):
        code, output = self.runs[name]
        self.assertNotEqual(code, 0, f"mvn ({name}) should have failed:\n{output[-3000:]}")
        for text in expected:
            self.assertIn(text, output)

    def exchange_asset(self, asset, version, type_, files):
        """The Exchange API's view: the type, and each file by (classifier, packaging) with the
        digests of the local bytes (`files` maps (classifier, packaging) to a path or bytes)."""
        response = self.server.asset(self.org, asset, version)
        self.assertEqual(response.status, 200, response)
        body = response.json()
        self.assertEqual(body["type"], type_, body)
        stored = {(f["classifier"], f["packaging"]): f for f in body["files"]}
        for key, path_or_bytes in files.items():
            self.assertIn(key, stored, f"{asset} {version}: {sorted(stored, key=str)}")
            data = content(path_or_bytes)
            self.assertEqual(stored[key]["sha256"], hashlib.sha256(data).hexdigest(), key)
            self.assertEqual(stored[key]["sha1"], hashlib.sha1(data).hexdigest(), key)
            self.assertEqual(stored[key]["md5"], hashlib.md5(data).hexdigest(), key)
        return body

    def test_deploy_file_of_each_asset_type_with_each_credential_style(self):
        for name, asset, type_, classifier, file in [
                ("connector", "salesforce-connector", "extension", "mule-plugin", self.files.connector_jar),
                ("app", "orders-app", "app", "mule-application", self.files.mule_app_jar),
                ("template", "orders-template", "template", "mule-application-template", self.payloads["template"]),
                ("example", "orders-example", "example", "mule-application-example", self.payloads["example"]),
                ("policy", "rate-policy", "policy", "mule-policy", self.payloads["policy"]),
                ("custom", "tooling", "custom", "custom", self.files.library_jar)]:
            with self.subTest(name):
                self.assertBuilt(name)
                body = self.exchange_asset(asset, "1.0.0", type_, {(classifier, "jar"): file})
                self.assertIn((None, "pom"), {(f["classifier"], f["packaging"]) for f in body["files"]})
                self.assertEqual(body["status"], "published")
        example = self.exchange_asset("orders-example", "1.0.0", "example",
                                      {(None, "pom"): self.example_pom})
        self.assertEqual(example["name"], "Orders example", "the -DpomFile POM names the asset")
        self.assertEqual(example["labels"], ["example"])

    def test_a_wrong_password_is_refused(self):
        self.assertFailed("wrong-password", "401")
        self.assertEqual(self.server.asset(self.org, "refused", "1.0.0").status, 404)

    def test_a_release_deployed_again_with_other_bytes_fails_with_the_reason(self):
        self.assertFailed("changed-release", "409",
                          f"{self.org}:salesforce-connector:1.0.0 is published and cannot change: "
                          "salesforce-connector-1.0.0-mule-plugin.jar differs from the stored file")
        self.exchange_asset("salesforce-connector", "1.0.0", "extension",
                            {("mule-plugin", "jar"): self.files.connector_jar})

    def test_mvn_deploy_of_a_project_with_a_classified_jar_and_revision(self):
        self.assertBuilt("release")
        body = self.exchange_asset("orders-connector", "1.0.0", "extension", {
            (None, "pom"): os.path.join(self.project, "pom.xml"),  # the project's pom.xml, byte for byte
        })
        stored = {(f["classifier"], f["packaging"]): f["sha256"] for f in body["files"]}
        self.assertEqual(stored[(None, "jar")], self.release_jars[None])
        self.assertEqual(stored[("mule-plugin", "jar")], self.release_jars["mule-plugin"])
        self.assertEqual(body["name"], "orders-connector by Integration")
        self.assertEqual(body["description"], "Connects Mule to the orders system, revision 1.0.0")
        self.assertEqual(body["labels"], ["orders", "Integration"])
        self.assertEqual([(c["key"], c["value"]) for c in body["categories"]], [("department", ["Finance"])])
        self.assertEqual([(c["key"], c["value"]) for c in body["customFields"]], [("sla", "gold")])
        self.assertEqual(body["status"], "published")

    def test_a_snapshot_deployed_twice(self):
        self.assertBuilt("snapshot-1")
        self.assertBuilt("snapshot-2")
        body = self.exchange_asset("orders-connector", "1.1.0-SNAPSHOT", "extension", {})
        stored = {(f["classifier"], f["packaging"]): f["sha256"] for f in body["files"]}
        self.assertEqual(stored[("mule-plugin", "jar")], self.built_jars["mule-plugin"], "the second build replaced the first")
        self.assertEqual(body["status"], "development")
        self.assertTrue(body["isSnapshot"])
        self.assertEqual(body["name"], "orders-connector by Integration", "the name is the first version's")
        metadata = self.server.get(f"/api/v3/maven/{self.org}/orders-connector/1.1.0-SNAPSHOT/maven-metadata.xml")
        self.assertEqual(metadata.status, 200, metadata)
        self.assertIn(b"<buildNumber>2</buildNumber>", metadata.body)
        versions = self.server.get(f"/api/v3/maven/{self.org}/orders-connector/maven-metadata.xml").body
        self.assertIn(b"<version>1.0.0</version>", versions)
        self.assertIn(b"<version>1.1.0-SNAPSHOT</version>", versions)
        self.assertIn(b"<release>1.0.0</release>", versions)

    def test_a_consumer_resolves_everything_with_checksum_policy_fail(self):
        output = self.assertBuilt("consumer")
        self.assertNotIn("Checksum validation failed", output)
        copied = set(os.listdir(self.consumer_deps))
        for artifact, version, classifier, type_ in CONSUMED:
            name = f"{artifact}-{version}{'-' + classifier if classifier else ''}.{type_}"
            self.assertIn(name, copied)
            body = self.server.asset(self.org, artifact, version).json()
            stored = {(f["classifier"], f["packaging"]): f["sha256"] for f in body["files"]}
            self.assertEqual(sha256(os.path.join(self.consumer_deps, name)), stored[(classifier, type_)], name)
        # The API's fragments come along, as the zips its POM names.
        self.assertIn("training-american-flight-data-type-1.0.1-raml-fragment.zip", copied)
        self.assertIn("training-american-flights-example-1.0.1-raml-fragment.zip", copied)
