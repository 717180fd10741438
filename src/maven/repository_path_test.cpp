#include "maven/repository_path.h"

#include <gtest/gtest.h>

namespace agora::maven {
namespace {

RepositoryPath Parsed(std::string_view text) {
  auto path = ParseRepositoryPath(text);
  EXPECT_TRUE(path.ok()) << text << ": " << path.status().ToString();
  return path.ok() ? *path : RepositoryPath{};
}

TEST(RepositoryPathTest, FilesOfAReleaseWithAndWithoutClassifiers) {
  const RepositoryPath jar = Parsed("com/acme/orders/1.0.0/orders-1.0.0-mule-plugin.jar");
  EXPECT_EQ(jar.kind, RepositoryPath::Kind::kFile);
  EXPECT_EQ(jar.group_id, "com.acme");
  EXPECT_EQ(jar.artifact_id, "orders");
  EXPECT_EQ(jar.version, "1.0.0");
  EXPECT_EQ(jar.classifier, "mule-plugin");
  EXPECT_EQ(jar.extension, "jar");
  EXPECT_TRUE(jar.build.empty());
  EXPECT_FALSE(jar.checksum);
  EXPECT_EQ(jar.FileName(), "orders-1.0.0-mule-plugin.jar");

  const RepositoryPath pom = Parsed("4f2c-org/orders/1.0.0/orders-1.0.0.pom.sha1");
  EXPECT_EQ(pom.group_id, "4f2c-org");
  EXPECT_EQ(pom.classifier, "");
  EXPECT_EQ(pom.extension, "pom");
  EXPECT_EQ(pom.checksum, DigestAlgorithm::kSha1);
  EXPECT_EQ(pom.FileName(), "orders-1.0.0.pom");

  const RepositoryPath fat = Parsed("g/api/2.1.0/api-2.1.0-fat-raml.zip.sha512");
  EXPECT_EQ(fat.classifier, "fat-raml");
  EXPECT_EQ(fat.extension, "zip");
  EXPECT_EQ(fat.checksum, DigestAlgorithm::kSha512);
  EXPECT_EQ(Parsed("g/a/1.0.0/a-1.0.0.jar.md5").checksum, DigestAlgorithm::kMd5);
  EXPECT_EQ(Parsed("g/a/1.0.0/a-1.0.0.jar.sha256").checksum, DigestAlgorithm::kSha256);
  EXPECT_EQ(Parsed("g/a/1.0.0/a-1.0.0.jar.asc").extension, "jar.asc") << "a signature is a file of its own";
  EXPECT_EQ(Parsed("g/a/1.0.0/a-1.0.0.tar.gz").extension, "tar.gz");
}

TEST(RepositoryPathTest, SnapshotBuildsAndPlainSnapshotNames) {
  const RepositoryPath build = Parsed("g/a/1.1.0-SNAPSHOT/a-1.1.0-20240102.030405-12-mule-plugin.jar");
  EXPECT_EQ(build.version, "1.1.0-SNAPSHOT");
  EXPECT_EQ(build.build, "20240102.030405-12");
  EXPECT_EQ(build.classifier, "mule-plugin");
  EXPECT_EQ(build.extension, "jar");
  EXPECT_EQ(build.FileName(), "a-1.1.0-20240102.030405-12-mule-plugin.jar");

  const RepositoryPath pom = Parsed("g/a/1.1.0-SNAPSHOT/a-1.1.0-20240102.030405-3.pom.md5");
  EXPECT_EQ(pom.build, "20240102.030405-3");
  EXPECT_EQ(pom.extension, "pom");
  EXPECT_EQ(pom.checksum, DigestAlgorithm::kMd5);

  const RepositoryPath plain = Parsed("g/a/1.1.0-SNAPSHOT/a-1.1.0-SNAPSHOT.jar");
  EXPECT_TRUE(plain.build.empty());
  EXPECT_EQ(plain.extension, "jar");

  auto parsed = ParseSnapshotBuild("20240102.030405-12");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->timestamp, "20240102.030405");
  EXPECT_EQ(parsed->number, 12u);
  EXPECT_EQ(parsed->ToString(), "20240102.030405-12");
  for (const char* bad : {"20240102.030405-0", "20240102-030405-1", "2024010.0304051-1", "20240102.030405-",
                          "20240102.030405-01", "20240102.030405-1234567890"})
    EXPECT_FALSE(ParseSnapshotBuild(bad)) << bad;
  EXPECT_EQ(BaseVersion("1.1.0-SNAPSHOT"), "1.1.0");
  EXPECT_EQ(BaseVersion("1.1.0"), "1.1.0");
  EXPECT_FALSE(IsSnapshotVersion("-SNAPSHOT"));
}

TEST(RepositoryPathTest, ArtifactAndSnapshotMetadata) {
  const RepositoryPath artifact = Parsed("com/acme/orders/maven-metadata.xml");
  EXPECT_EQ(artifact.kind, RepositoryPath::Kind::kArtifactMetadata);
  EXPECT_EQ(artifact.group_id, "com.acme");
  EXPECT_EQ(artifact.artifact_id, "orders");
  EXPECT_TRUE(artifact.version.empty());
  EXPECT_EQ(artifact.FileName(), "maven-metadata.xml");

  const RepositoryPath snapshot = Parsed("com/acme/orders/1.1.0-SNAPSHOT/maven-metadata.xml.sha1");
  EXPECT_EQ(snapshot.kind, RepositoryPath::Kind::kVersionMetadata);
  EXPECT_EQ(snapshot.group_id, "com.acme");
  EXPECT_EQ(snapshot.artifact_id, "orders");
  EXPECT_EQ(snapshot.version, "1.1.0-SNAPSHOT");
  EXPECT_EQ(snapshot.checksum, DigestAlgorithm::kSha1);

  // Only a snapshot folder has version metadata: a release folder above it is the artifact.
  const RepositoryPath overlap = Parsed("a/b/c/maven-metadata.xml");
  EXPECT_EQ(overlap.kind, RepositoryPath::Kind::kArtifactMetadata);
  EXPECT_EQ(overlap.group_id, "a.b");
  EXPECT_EQ(overlap.artifact_id, "c");
}

TEST(RepositoryPathTest, RefusesPathsOutsideTheLayout) {
  for (const char* bad : {"", "a", "g/a", "g/a/1.0.0", "g//a/1.0.0/a-1.0.0.jar", "g/../a/1.0.0/a-1.0.0.jar",
                          "g/./a/1.0.0/a-1.0.0.jar", "g/a/1.0.0/b-1.0.0.jar", "g/a/1.0.0/a-1.0.1.jar",
                          "g/a/1.0.0/a-1.0.0", "g/a/1.0.0/a-1.0.0-.jar", "g/a/1.0.0/a-1.0.0.", "g/a/1.0.0/a-1.0.0-x",
                          "g/a/1.0.0/", "/g/a/1.0.0/a-1.0.0.jar", "g/a/1.1.0-SNAPSHOT/a-1.1.0-2024.jar",
                          "g/a/maven-metadata.xml/x", "g/.sha512x/a/1.0.0/a-1.0.0.jar", "g./a/maven-metadata.xml",
                          "org/x..2/a/1.0.0/a-1.0.0.jar", "g/1.1.0-SNAPSHOT/maven-metadata.xml"}) {
    auto path = ParseRepositoryPath(bad);
    ASSERT_FALSE(path.ok()) << bad;
    EXPECT_EQ(path.status().code(), "INVALID_MAVEN_PATH") << bad;
  }
  EXPECT_FALSE(ParseRepositoryPath(std::string(3000, 'a')).ok());
}

}  // namespace
}  // namespace agora::maven
