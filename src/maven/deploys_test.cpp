// Deploys and reads over real embedded stores and the real publication pipeline, request by
// request as Maven sends them (see ../shared/reference/maven-facade.md).
#include "maven/deploys.h"

#include <gtest/gtest.h>

#include <cctype>

#include "common/ids.h"
#include "maven/metadata_xml.h"
#include "maven/repository.h"
#include "storage/env.h"
#include "storage/testing.h"

namespace agora::maven {
namespace {

constexpr const char* kOrg = "org-1";

std::string Pom(const std::string& artifact, const std::string& version, const std::string& extra = "") {
  return "<project><modelVersion>4.0.0</modelVersion><groupId>" + std::string(kOrg) + "</groupId><artifactId>" +
         artifact + "</artifactId><version>" + version + "</version><packaging>jar</packaging>" + extra + "</project>";
}

std::string ReleaseMetadata(const std::string& artifact, const std::vector<std::string>& versions) {
  std::string xml = "<metadata><groupId>org-1</groupId><artifactId>" + artifact + "</artifactId><versioning><versions>";
  for (const auto& v : versions) xml += "<version>" + v + "</version>";
  return xml + "</versions></versioning></metadata>";
}

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

class MavenDeploysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto metadata = storage::OpenSqliteMetadataStore(dir_.Path("agora.db"));
    ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
    metadata_ = std::move(metadata).value();
    auto blobs = storage::OpenFileBlobStore(storage::Env::Default(), dir_.Path("blobs"));
    ASSERT_TRUE(blobs.ok());
    blobs_ = std::move(blobs).value();
    reaper_ = std::make_unique<publication::BlobReaper>(*blobs_, *metadata_);
    publisher_ = std::make_unique<publication::Publisher>(*metadata_, *blobs_, *reaper_);
    checksums_ = std::make_unique<Checksums>(*blobs_);
    deploys_ = std::make_unique<MavenDeploys>(*metadata_, *blobs_, *reaper_, *publisher_, *checksums_);
    repository_ = std::make_unique<MavenRepository>(*metadata_, *checksums_, metadata_cache_);
    ASSERT_TRUE(metadata_->CreateOrganization({kOrg, "Org", "", NowMillis()}).ok());
    ASSERT_TRUE(metadata_->CreateOrganization({"org-2", "Other", "", NowMillis()}).ok());
  }

  static RepositoryPath PathOf(const std::string& text) {
    auto path = ParseRepositoryPath(text);
    EXPECT_TRUE(path.ok()) << text << ": " << path.status().ToString();
    return path.ok() ? *path : RepositoryPath{};
  }

  // A PUT of a file; `reads` counts how often the body was read.
  Result<MavenDeploys::Stored> PutFile(const std::string& path, const std::string& bytes, int* reads = nullptr) {
    size_t at = 0;
    return deploys_->PutFile(deployer_, PathOf(path), bytes.size(), [&](char* buffer, size_t size) -> Result<size_t> {
      if (reads) ++*reads;
      const size_t n = std::min(size, bytes.size() - at);
      std::copy_n(bytes.data() + at, n, buffer);
      at += n;
      return n;
    });
  }

  // A file with its .sha1 and .md5, as Maven uploads each.
  void Upload(const std::string& path, const std::string& bytes) {
    auto stored = PutFile(path, bytes);
    ASSERT_TRUE(stored.ok()) << path << ": " << stored.status().ToString();
    ASSERT_TRUE(deploys_->PutChecksum(PathOf(path + ".sha1"), DigestHex(DigestAlgorithm::kSha1, bytes)).ok());
    ASSERT_TRUE(deploys_->PutChecksum(PathOf(path + ".md5"), DigestHex(DigestAlgorithm::kMd5, bytes) + "  file\n").ok());
  }

  Status PutMetadata(const std::string& path, const std::string& xml) {
    return deploys_->PutMetadata(deployer_, PathOf(path), xml);
  }

  // deploy:deploy-file of a release: file, POM, artifact metadata.
  Status DeployFile(const std::string& artifact, const std::string& version, const std::string& classifier,
                    const std::string& bytes, const std::string& pom_extra = "") {
    const std::string folder = std::string(kOrg) + "/" + artifact + "/" + version + "/" + artifact + "-" + version;
    Upload(folder + "-" + classifier + ".jar", bytes);
    Upload(folder + ".pom", Pom(artifact, version, pom_extra));
    return PutMetadata(std::string(kOrg) + "/" + artifact + "/maven-metadata.xml", ReleaseMetadata(artifact, {version}));
  }

  Result<RepositoryContent> Read(const std::string& path) { return repository_->Read(admin_, kOrg, PathOf(path)); }

  std::string ReadText(const std::string& path) {
    auto content = Read(path);
    EXPECT_TRUE(content.ok()) << path << ": " << content.status().ToString();
    return content.ok() ? content->text : "";
  }

  size_t Blobs() { return blobs_->List()->size(); }

  storage::testing::TempDir dir_;
  std::unique_ptr<storage::MetadataStore> metadata_;
  std::unique_ptr<storage::BlobStore> blobs_;
  std::unique_ptr<publication::BlobReaper> reaper_;
  std::unique_ptr<publication::Publisher> publisher_;
  std::unique_ptr<Checksums> checksums_;
  std::unique_ptr<MavenDeploys> deploys_;
  exchange::ResponseCache metadata_cache_;
  std::unique_ptr<MavenRepository> repository_;
  Deployer deployer_{kOrg, "ci"};
  auth::Principal admin_{kOrg, auth::Role::kAdmin, "admin", {kOrg}, ""};
};

TEST_F(MavenDeploysTest, ADeployFileBecomesVisibleOnlyWithItsMetadata) {
  const std::string jar = "connector bytes";
  Upload("org-1/orders/1.0.0/orders-1.0.0-mule-plugin.jar", jar);
  Upload("org-1/orders/1.0.0/orders-1.0.0.pom",
         Pom("orders", "1.0.0", "<name>Orders connector</name><description>Talks to orders</description>"));
  EXPECT_EQ(metadata_->GetVersion({kOrg, "orders", "1.0.0"}).status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(Read("org-1/orders/1.0.0/orders-1.0.0-mule-plugin.jar").status().kind(), Status::Kind::kNotFound)
      << "staged files are not visible";
  EXPECT_EQ(Read("org-1/orders/maven-metadata.xml").status().kind(), Status::Kind::kNotFound);

  ASSERT_TRUE(PutMetadata("org-1/orders/maven-metadata.xml", ReleaseMetadata("orders", {"1.0.0"})).ok());
  auto version = metadata_->GetVersion({kOrg, "orders", "1.0.0"});
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(version->type, "extension");
  EXPECT_EQ(version->name, "Orders connector");
  EXPECT_EQ(version->description, "Talks to orders");
  EXPECT_EQ(version->status, assets::Lifecycle::kPublished);
  EXPECT_EQ(version->created_by, "ci");
  ASSERT_EQ(version->files.size(), 2u);
  EXPECT_TRUE(metadata_->ListStagedFiles(kOrg, "orders")->empty()) << "nothing stays staged";

  auto file = Read("org-1/orders/1.0.0/orders-1.0.0-mule-plugin.jar");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_TRUE(file->blob);
  EXPECT_EQ(file->blob->sha256, DigestHex(DigestAlgorithm::kSha256, jar));
  EXPECT_EQ(file->file_name, "orders-1.0.0-mule-plugin.jar");
  for (auto algorithm : {DigestAlgorithm::kMd5, DigestAlgorithm::kSha1, DigestAlgorithm::kSha256, DigestAlgorithm::kSha512})
    EXPECT_EQ(ReadText("org-1/orders/1.0.0/orders-1.0.0-mule-plugin.jar." + std::string(ChecksumExtension(algorithm))),
              DigestHex(algorithm, jar));
  const std::string xml = ReadText("org-1/orders/maven-metadata.xml");
  EXPECT_NE(xml.find("<release>1.0.0</release>"), std::string::npos) << xml;
  EXPECT_EQ(ReadText("org-1/orders/maven-metadata.xml.sha1"), DigestHex(DigestAlgorithm::kSha1, xml));
  EXPECT_EQ(ReadText("org-1/orders/maven-metadata.xml.sha512"), DigestHex(DigestAlgorithm::kSha512, xml));
}

TEST_F(MavenDeploysTest, ReleasesAreImmutableButIdenticalRetriesPass) {
  ASSERT_TRUE(DeployFile("orders", "1.0.0", "mule-plugin", "original").ok());
  const std::string jar = "org-1/orders/1.0.0/orders-1.0.0-mule-plugin.jar";
  auto retry = PutFile(jar, "original");
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_EQ(*retry, MavenDeploys::Stored::kAlreadyPublished);
  EXPECT_TRUE(deploys_->PutChecksum(PathOf(jar + ".sha1"), DigestHex(DigestAlgorithm::kSha1, "original")).ok());

  int reads = 0;
  auto longer = PutFile(jar, "other bytes", &reads);
  EXPECT_EQ(longer.status().code(), "IMMUTABLE_VERSION");
  EXPECT_EQ(longer.status().http_status(), 409);
  EXPECT_NE(longer.status().message().find("org-1:orders:1.0.0 is published and cannot change"), std::string::npos)
      << longer.status().message();
  EXPECT_EQ(reads, 0) << "a different length is refused before the body is read";
  auto same_length = PutFile(jar, "ORIGINAL", &reads);
  EXPECT_EQ(same_length.status().code(), "IMMUTABLE_VERSION");
  EXPECT_GT(reads, 0);
  EXPECT_EQ(PutFile("org-1/orders/1.0.0/orders-1.0.0-sources.jar", "x").status().code(), "IMMUTABLE_VERSION");
  EXPECT_EQ(deploys_->PutChecksum(PathOf(jar + ".sha1"), std::string(40, 'a')).code(), "CHECKSUM_MISMATCH");
  EXPECT_EQ(ReadText(jar + ".sha1"), DigestHex(DigestAlgorithm::kSha1, "original"));
}

TEST_F(MavenDeploysTest, ADamagedUploadIsRefusedByItsChecksumAndDropped) {
  const std::string jar = "org-1/orders/1.0.0/orders-1.0.0-mule-plugin.jar";
  ASSERT_TRUE(PutFile(jar, "bytes").ok());
  const Status mismatch = deploys_->PutChecksum(PathOf(jar + ".sha1"), DigestHex(DigestAlgorithm::kSha1, "other"));
  EXPECT_EQ(mismatch.code(), "CHECKSUM_MISMATCH");
  EXPECT_EQ(mismatch.http_status(), 400);
  EXPECT_NE(mismatch.message().find("The SHA1 of orders-1.0.0-mule-plugin.jar is " +
                                    DigestHex(DigestAlgorithm::kSha1, "bytes")),
            std::string::npos)
      << mismatch.message();
  EXPECT_TRUE(metadata_->ListStagedFiles(kOrg, "orders")->empty());
  EXPECT_EQ(Blobs(), 0u) << "the damaged upload's blob is reclaimed";
  EXPECT_EQ(deploys_->PutChecksum(PathOf(jar + ".md5"), "x").code(), "NOTHING_TO_CHECK");
  // SHA-256 and SHA-512 uploads are checked too.
  ASSERT_TRUE(PutFile(jar, "bytes").ok());
  EXPECT_TRUE(deploys_->PutChecksum(PathOf(jar + ".sha512"), DigestHex(DigestAlgorithm::kSha512, "bytes")).ok());
  EXPECT_TRUE(deploys_->PutChecksum(PathOf(jar + ".sha256"), Upper(DigestHex(DigestAlgorithm::kSha256, "bytes"))).ok())
      << "hex digits in either case";
  EXPECT_FALSE(deploys_->PutChecksum(PathOf(jar + ".sha256"), DigestHex(DigestAlgorithm::kSha1, "bytes")).ok());
}

TEST_F(MavenDeploysTest, MetadataCompletesOnlyTheVersionsItNames) {
  Upload("org-1/orders/1.0.0/orders-1.0.0-mule-plugin.jar", "one");
  Upload("org-1/orders/1.0.0/orders-1.0.0.pom", Pom("orders", "1.0.0"));
  Upload("org-1/orders/2.0.0/orders-2.0.0-mule-plugin.jar", "two");  // still uploading
  ASSERT_TRUE(PutMetadata("org-1/orders/maven-metadata.xml", ReleaseMetadata("orders", {"1.0.0"})).ok());
  EXPECT_TRUE(metadata_->GetVersion({kOrg, "orders", "1.0.0"}).ok());
  EXPECT_FALSE(metadata_->GetVersion({kOrg, "orders", "2.0.0"}).ok());
  EXPECT_EQ(metadata_->ListStagedFiles(kOrg, "orders")->size(), 1u);
  // A metadata upload naming nothing staged, and its checksums, change nothing.
  EXPECT_TRUE(PutMetadata("org-1/orders/maven-metadata.xml", ReleaseMetadata("orders", {"1.0.0"})).ok());
  EXPECT_TRUE(PutMetadata("org-1/orders/maven-metadata.xml.sha1", "whatever").ok());
  EXPECT_TRUE(PutMetadata("org-1/orders/maven-metadata.xml", "<metadata/>").ok());
  EXPECT_FALSE(metadata_->GetVersion({kOrg, "orders", "2.0.0"}).ok());
  // Malformed metadata is the client's error: it says so rather than succeeding with nothing published.
  EXPECT_EQ(PutMetadata("org-1/orders/maven-metadata.xml", "<metadata><versions>").code(), "INVALID_METADATA");
  EXPECT_EQ(PutMetadata("org-1/orders/maven-metadata.xml", "<project/>").code(), "INVALID_METADATA");
}

TEST_F(MavenDeploysTest, TheProjectPomIsInterpolatedAndNamesTheAssetOnItsFirstVersion) {
  const std::string pom = R"(<project><groupId>${org}</groupId><artifactId>orders-app</artifactId>
    <version>${revision}</version><packaging>mule-application</packaging>
    <name>${project.artifactId} ${revision}</name><description>${kind} for ${org}</description>
    <properties><org>org-1</org><revision>0.0.1</revision><kind>Mule app</kind>
      <tags>mule, ${kind}</tags><apiVersion>v9</apiVersion><project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
      <type>app</type></properties></project>)";
  Upload("org-1/orders-app/1.2.0/orders-app-1.2.0.pom", pom);
  Upload("org-1/orders-app/1.2.0/orders-app-1.2.0-mule-application.jar", "app");
  ASSERT_TRUE(PutMetadata("org-1/orders-app/maven-metadata.xml", ReleaseMetadata("orders-app", {"1.2.0"})).ok());
  auto first = metadata_->GetVersion({kOrg, "orders-app", "1.2.0"});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->type, "app");
  EXPECT_EQ(first->name, "orders-app 1.2.0") << "${revision} is the version the build deployed";
  EXPECT_EQ(first->description, "Mule app for org-1");
  EXPECT_EQ(first->tags, (std::vector<std::string>{"mule", "Mule app"}));
  EXPECT_EQ(first->Property("apiVersion"), "v9");
  EXPECT_EQ(first->Property("project.build.sourceEncoding"), "") << "build settings are not asset properties";

  Upload("org-1/orders-app/1.3.0/orders-app-1.3.0.pom", pom);
  Upload("org-1/orders-app/1.3.0/orders-app-1.3.0-mule-application.jar", "app 2");
  ASSERT_TRUE(PutMetadata("org-1/orders-app/maven-metadata.xml", ReleaseMetadata("orders-app", {"1.2.0", "1.3.0"})).ok());
  auto second = metadata_->GetVersion({kOrg, "orders-app", "1.3.0"});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->name, "orders-app 1.2.0") << "the name is the first version's";
  // The stored POM is the project's own, byte for byte.
  auto pom_file = Read("org-1/orders-app/1.3.0/orders-app-1.3.0.pom");
  ASSERT_TRUE(pom_file.ok());
  EXPECT_EQ(pom_file->blob->sha256, DigestHex(DigestAlgorithm::kSha256, pom));
}

TEST_F(MavenDeploysTest, ARefusedPublicationFailsTheMetadataUploadAndLeavesNothing) {
  Upload("org-1/lib/1.0.0/lib-1.0.0.jar", "plain library");
  Upload("org-1/lib/1.0.0/lib-1.0.0.pom", Pom("lib", "1.0.0"));
  const Status refused = PutMetadata("org-1/lib/maven-metadata.xml", ReleaseMetadata("lib", {"1.0.0"}));
  EXPECT_EQ(refused.code(), "COULD_NOT_DETERMINE_ASSET_TYPE");
  EXPECT_EQ(refused.message().rfind("Publishing org-1:lib:1.0.0 failed: ", 0), 0u) << refused.message();
  EXPECT_FALSE(metadata_->GetVersion({kOrg, "lib", "1.0.0"}).ok());
  EXPECT_TRUE(metadata_->ListStagedFiles(kOrg, "lib")->empty());
  EXPECT_EQ(Blobs(), 0u);

  Upload("org-1/lib/1.0.0/lib-1.0.0-mule-plugin.jar", "x");
  Upload("org-1/lib/1.0.0/lib-1.0.0.pom", Pom("other", "1.0.0"));
  EXPECT_EQ(PutMetadata("org-1/lib/maven-metadata.xml", ReleaseMetadata("lib", {"1.0.0"})).code(),
            "POM_COORDINATES_MISMATCH");
  Upload("org-1/lib/1.0.0/lib-1.0.0-mule-plugin.jar", "x");
  Upload("org-1/lib/1.0.0/lib-1.0.0.pom", Pom("lib", "1.0.0", "<properties><categories key=\"Nope\">x</categories></properties>"));
  EXPECT_EQ(PutMetadata("org-1/lib/maven-metadata.xml", ReleaseMetadata("lib", {"1.0.0"})).http_status(), 400)
      << "categories must be defined by the organisation, as in the Exchange API";
}

TEST_F(MavenDeploysTest, SnapshotBuildsReplaceEachOtherAndAreServedUnderTheirTimestamp) {
  auto deploy_build = [&](const std::string& build, const std::string& bytes) {
    const std::string folder = "org-1/conn/1.1.0-SNAPSHOT/conn-1.1.0-" + build;
    Upload(folder + "-mule-plugin.jar", bytes);
    Upload(folder + ".pom", Pom("conn", "1.1.0-SNAPSHOT"));
    const auto parsed = ParseSnapshotBuild(build);
    return PutMetadata("org-1/conn/1.1.0-SNAPSHOT/maven-metadata.xml",
                       "<metadata><versioning><snapshot><timestamp>" + parsed->timestamp + "</timestamp><buildNumber>" +
                           std::to_string(parsed->number) + "</buildNumber></snapshot></versioning></metadata>");
  };
  ASSERT_TRUE(deploy_build("20240102.030405-1", "first build").ok());
  auto first = metadata_->GetVersion({kOrg, "conn", "1.1.0-SNAPSHOT"});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->status, assets::Lifecycle::kDevelopment);
  std::string xml = ReadText("org-1/conn/1.1.0-SNAPSHOT/maven-metadata.xml");
  EXPECT_NE(xml.find("<buildNumber>1</buildNumber>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<value>1.1.0-20240102.030405-1</value>"), std::string::npos);
  const size_t blobs_after_first = Blobs();

  ASSERT_TRUE(deploy_build("20240103.000000-2", "second build").ok());
  xml = ReadText("org-1/conn/1.1.0-SNAPSHOT/maven-metadata.xml");
  EXPECT_NE(xml.find("<timestamp>20240103.000000</timestamp>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<buildNumber>2</buildNumber>"), std::string::npos);
  auto current = Read("org-1/conn/1.1.0-SNAPSHOT/conn-1.1.0-20240103.000000-2-mule-plugin.jar");
  ASSERT_TRUE(current.ok()) << current.status().ToString();
  EXPECT_EQ(current->blob->sha256, DigestHex(DigestAlgorithm::kSha256, "second build"));
  EXPECT_TRUE(Read("org-1/conn/1.1.0-SNAPSHOT/conn-1.1.0-SNAPSHOT-mule-plugin.jar").ok());
  EXPECT_EQ(Read("org-1/conn/1.1.0-SNAPSHOT/conn-1.1.0-20240102.030405-1-mule-plugin.jar").status().kind(),
            Status::Kind::kNotFound);
  EXPECT_EQ(Blobs(), blobs_after_first) << "the first build's jar is reclaimed (the POM is the same blob)";
  EXPECT_NE(ReadText("org-1/conn/maven-metadata.xml").find("<latest>1.1.0-SNAPSHOT</latest>"), std::string::npos);
}

// maven-metadata.xml is written once per store generation: its checksum and the next reads come
// from the cache, and any write (the next deploy) sends it to be written again.
TEST_F(MavenDeploysTest, MetadataIsWrittenOncePerStoreGeneration) {
  ASSERT_TRUE(DeployFile("cached", "1.0.0", "mule-plugin", "one").ok());
  const std::string xml = ReadText("org-1/cached/maven-metadata.xml");
  EXPECT_EQ(ReadText("org-1/cached/maven-metadata.xml.sha1"), DigestHex(DigestAlgorithm::kSha1, xml));
  EXPECT_EQ(ReadText("org-1/cached/maven-metadata.xml"), xml);
  EXPECT_EQ(metadata_cache_.hit_counter().hits, 2u);
  EXPECT_EQ(metadata_cache_.hit_counter().misses, 1u);
  ASSERT_TRUE(DeployFile("cached", "1.1.0", "mule-plugin", "two").ok());
  const std::string after = ReadText("org-1/cached/maven-metadata.xml");
  EXPECT_NE(after.find("<version>1.1.0</version>"), std::string::npos) << after;
  EXPECT_EQ(ReadText("org-1/cached/maven-metadata.xml.md5"), DigestHex(DigestAlgorithm::kMd5, after));
  const auth::Principal stranger{"org-2", auth::Role::kAdmin, "s", {"org-2"}, ""};
  EXPECT_EQ(repository_->Read(stranger, "", PathOf("org-1/cached/maven-metadata.xml")).status().http_status(), 404)
      << "a cached text is authorised for each reader";
}

TEST_F(MavenDeploysTest, ExchangePublishedVersionsAreServedAsSnapshotBuildOne) {
  assets::AssetVersion v;
  v.organization_id = kOrg;
  v.coordinates = {kOrg, "spec", "2.0.0-SNAPSHOT"};
  v.type = "custom";
  v.name = "Spec";
  v.status = assets::Lifecycle::kDevelopment;
  v.created_millis = v.updated_millis = 1704164645000;
  ASSERT_TRUE(metadata_->PutVersion(v).ok());
  const std::string xml = ReadText("org-1/spec/2.0.0-SNAPSHOT/maven-metadata.xml");
  EXPECT_NE(xml.find("<timestamp>20240102.030405</timestamp>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<buildNumber>1</buildNumber>"), std::string::npos);
}

TEST_F(MavenDeploysTest, ReadsFollowTheOrganisationsOfTheCaller) {
  ASSERT_TRUE(DeployFile("orders", "1.0.0", "mule-plugin", "x").ok());
  const auth::Principal stranger{"org-2", auth::Role::kAdmin, "s", {"org-2"}, ""};
  // Another organisation's artifacts are not there, as missing ones are, with the same message; an
  // organisation named in the repository's URL that is not the caller's is refused whatever the path.
  const auto hidden = repository_->Read(stranger, "", PathOf("org-1/orders/1.0.0/orders-1.0.0.pom")).status();
  const auto missing = repository_->Read(stranger, "", PathOf("org-1/orderz/1.0.0/orderz-1.0.0.pom")).status();
  EXPECT_EQ(hidden.http_status(), 404);
  EXPECT_EQ(hidden.message(), "org-1:orders:1.0.0 has no orders-1.0.0.pom");
  EXPECT_EQ(missing.message(), "org-1:orderz:1.0.0 has no orderz-1.0.0.pom");
  EXPECT_EQ(repository_->Read(stranger, "org-2", PathOf("org-1/orders/maven-metadata.xml")).status().http_status(), 404);
  EXPECT_EQ(repository_->Read(stranger, "org-1", PathOf("org-1/orders/1.0.0/orders-1.0.0.pom")).status().http_status(), 403);
  EXPECT_TRUE(repository_->Read(admin_, "", PathOf("org-1/orders/1.0.0/orders-1.0.0.pom")).ok());
  EXPECT_EQ(Read("org-1/orders/9.9.9/orders-9.9.9.pom").status().http_status(), 404);
  EXPECT_EQ(Read("org-1/orders/1.0.0/orders-1.0.0-missing.jar").status().http_status(), 404);
  EXPECT_EQ(Read("org-1/nothing/maven-metadata.xml").status().http_status(), 404);
}

TEST_F(MavenDeploysTest, InterruptedDeploysAreReclaimedAfterAnAge) {
  Upload("org-1/orders/1.0.0/orders-1.0.0-mule-plugin.jar", "abandoned");
  ASSERT_EQ(Blobs(), 1u);
  ASSERT_TRUE(reaper_->CollectGarbage().ok());
  EXPECT_EQ(Blobs(), 1u) << "a staged file is referenced";
  ASSERT_TRUE(reaper_->ReclaimStaged(NowMillis() - 60'000).ok());
  EXPECT_EQ(Blobs(), 1u) << "too recent to be abandoned";
  ASSERT_TRUE(reaper_->ReclaimStaged(NowMillis() + 1).ok());
  EXPECT_EQ(Blobs(), 0u);
  EXPECT_TRUE(metadata_->ListStagedFiles(kOrg, "orders")->empty());
  EXPECT_FALSE(metadata_->GetVersion({kOrg, "orders", "1.0.0"}).ok());
}

}  // namespace
}  // namespace agora::maven
