#include "publication/publisher.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "common/hash.h"
#include "common/ids.h"
#include "packaging/zip_archive.h"
#include "publication/job_queue.h"
#include "storage/env.h"
#include "storage/fault_injection_env.h"

namespace agora::publication {
namespace {

namespace fs = std::filesystem;
using Files = std::map<std::string, std::string>;

// A data directory with real embedded stores, removed afterwards.
class PublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("agora-publisher-" + NewUuid());
    fs::create_directories(dir_);
    auto metadata = storage::OpenSqliteMetadataStore((dir_ / "agora.db").string());
    ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
    metadata_ = std::move(metadata).value();
    auto blobs = storage::OpenFileBlobStore(storage::Env::Default(), (dir_ / "blobs").string());
    ASSERT_TRUE(blobs.ok()) << blobs.status().ToString();
    blobs_ = std::move(blobs).value();
    reaper_ = std::make_unique<BlobReaper>(*blobs_, *metadata_);
    publisher_ = std::make_unique<Publisher>(*metadata_, *blobs_, *reaper_);
    ASSERT_TRUE(metadata_->CreateOrganization({kOrg, "test", "", NowMillis()}).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  UploadedFile Upload(const std::string& classifier, const std::string& packaging, const std::string& bytes,
                      const std::string& file_name = "") {
    auto writer = blobs_->NewWriter();
    EXPECT_TRUE(writer.ok());
    EXPECT_TRUE((*writer)->Append(bytes.data(), bytes.size()).ok());
    auto info = reaper_->CommitPinned(**writer, "test-upload");
    EXPECT_TRUE(info.ok());
    return UploadedFile{classifier, packaging, file_name, *info};
  }

  std::string Zip(const Files& files) {
    const std::string path = (dir_ / ("fixture-" + NewUuid() + ".zip")).string();
    int error = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    for (const auto& [name, content] : files) {
      zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
      zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8);
    }
    zip_close(archive);
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  Files Unzip(const std::string& sha256) {
    auto blob = blobs_->Fetch(sha256);
    EXPECT_TRUE(blob.ok());
    auto entries = packaging::InspectZip(blob->path(), packaging::ZipLimits{});
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    Files files;
    for (const auto& e : *entries)
      if (!e.is_directory) files[e.name] = *packaging::ReadZipEntry(blob->path(), e.name, 1 << 20);
    return files;
  }

  PublicationRequest Request(const std::string& asset_id, const std::string& version) {
    PublicationRequest r;
    r.organization_id = kOrg;
    r.coordinates = {kOrg, asset_id, version};
    r.created_by = "tester";
    r.name = "Asset " + asset_id;
    return r;
  }

  const assets::AssetFile* FileOf(const assets::AssetVersion& v, const std::string& classifier,
                                  const std::string& packaging) {
    for (const auto& f : v.files)
      if (f.classifier == classifier && f.packaging == packaging) return &f;
    return nullptr;
  }

  static constexpr const char* kOrg = "0f7c4b6e-1111-4222-8333-944445555666";
  static constexpr const char* kRaml = "#%RAML 1.0\ntitle: Flights\n/flights:\n  get:\n";
  fs::path dir_;
  std::unique_ptr<storage::MetadataStore> metadata_;
  std::unique_ptr<storage::BlobStore> blobs_;
  std::unique_ptr<BlobReaper> reaper_;
  std::unique_ptr<Publisher> publisher_;
};

TEST_F(PublisherTest, CustomAssetKeepsBytesAndGetsGeneratedPom) {
  auto r = Request("library", "1.0.0");
  r.type = "custom";
  r.keywords = "a, b,, c";
  r.files.push_back(Upload("custom", "jar", std::string("\x00\x01jar bytes", 11)));
  auto v = publisher_->Publish(r);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->type, "custom");
  EXPECT_EQ(v->keywords, (std::vector<std::string>{"a", "b", "c"}));
  const auto* jar = FileOf(*v, "custom", "jar");
  ASSERT_NE(jar, nullptr);
  EXPECT_EQ(jar->size, 11u);
  const auto* pom = FileOf(*v, "", "pom");
  ASSERT_NE(pom, nullptr);
  auto stored = metadata_->GetVersion(r.coordinates);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->files.size(), 2u);
}

TEST_F(PublisherTest, RamlZipGetsExchangeJsonAndFatPackageWithDependencies) {
  auto fragment = Request("flight-type", "1.0.1");
  fragment.files.push_back(Upload("raml-fragment", "zip", Zip({{"type.raml", "#%RAML 1.0 DataType\ntype: object\n"}})));
  fragment.properties.push_back({"mainFile", "type.raml"});
  ASSERT_TRUE(publisher_->Publish(fragment).ok());

  auto api = Request("flights", "1.0.0");
  api.properties = {{"mainFile", "api.raml"}, {"apiVersion", "v1"}};
  api.dependencies = std::string(kOrg) + ":flight-type:1.0.1";
  const std::string stale = std::string("exchange_modules/") + kOrg + "/flight-type/1.0.1/type.raml";
  api.files.push_back(Upload("raml", "zip", Zip({{"api.raml", kRaml}, {"exchange.json", "{}"}, {stale, "old"}})));
  auto v = publisher_->Publish(api);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->type, "rest-api");
  EXPECT_EQ(v->original_format, "raml");
  EXPECT_EQ(v->original_format_version, "1.0");

  const Files main = Unzip(FileOf(*v, "raml", "zip")->sha256);
  EXPECT_EQ(main.count(stale), 0u) << "declared dependencies strip the uploaded exchange_modules";
  ASSERT_EQ(main.count("exchange.json"), 1u);
  EXPECT_NE(main.at("exchange.json").find("\"main\""), std::string::npos);
  EXPECT_NE(main.at("exchange.json").find("flight-type"), std::string::npos);

  const auto* fat = FileOf(*v, "fat-raml", "zip");
  ASSERT_NE(fat, nullptr);
  const Files fat_files = Unzip(fat->sha256);
  EXPECT_EQ(fat_files.count("api.raml"), 1u);
  EXPECT_EQ(fat_files.count(stale), 1u);
  EXPECT_EQ(fat_files.at(stale).substr(0, 21), "#%RAML 1.0 DataType\nt");

  auto pom = blobs_->Open(FileOf(*v, "", "pom")->sha256);
  ASSERT_TRUE(pom.ok());
  char buffer[4096];
  const std::string pom_text(buffer, *(*pom)->Read(buffer, sizeof buffer));
  EXPECT_NE(pom_text.find("<artifactId>flight-type</artifactId>\n      <version>1.0.1</version>\n      "
                          "<classifier>raml-fragment</classifier>\n      <type>zip</type>"),
            std::string::npos)
      << "the generated POM leads Maven to the fragment's zip: " << pom_text;
}

// The generated packages are built in memory and hashed as they are stored, or (inputs past
// max_in_memory_package_bytes) written to a scratch file and hashed from it: either way every
// digest and size recorded is that of the stored bytes, and both hold the same entries.
TEST_F(PublisherTest, GeneratedPackagesRecordTheDigestsOfTheirStoredBytesBuiltInMemoryOrNot) {
  auto fragment = Request("paging", "1.0.0");
  fragment.files.push_back(Upload("raml-fragment", "zip", Zip({{"paging.raml", "#%RAML 1.0 Trait\n"}})));
  fragment.properties.push_back({"mainFile", "paging.raml"});
  ASSERT_TRUE(publisher_->Publish(fragment).ok());
  PublisherOptions through_files;
  through_files.max_in_memory_package_bytes = 0;
  Publisher file_publisher(*metadata_, *blobs_, *reaper_, through_files);
  std::map<std::string, Files> entries;  // by version
  for (const std::string version : {"1.0.0", "1.0.1"}) {
    auto api = Request("orders", version);
    api.properties = {{"mainFile", "api.raml"}, {"apiVersion", "v1"}};
    api.dependencies = std::string(kOrg) + ":paging:1.0.0";
    api.files.push_back(Upload("raml", "zip", Zip({{"api.raml", kRaml}})));
    auto v = (version == "1.0.0" ? *publisher_ : file_publisher).Publish(api);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    for (const char* classifier : {"raml", "fat-raml"}) {
      SCOPED_TRACE(version + " " + classifier);
      const auto* file = FileOf(*v, classifier, "zip");
      ASSERT_NE(file, nullptr);
      auto blob = blobs_->Fetch(file->sha256);
      ASSERT_TRUE(blob.ok());
      std::ifstream in(blob->path(), std::ios::binary);
      const std::string bytes(std::istreambuf_iterator<char>(in), {});
      EXPECT_EQ(file->size, bytes.size());
      EXPECT_EQ(file->sha256, DigestHex(DigestAlgorithm::kSha256, bytes));
      EXPECT_EQ(file->sha1, DigestHex(DigestAlgorithm::kSha1, bytes));
      EXPECT_EQ(file->md5, DigestHex(DigestAlgorithm::kMd5, bytes));
      for (auto& [name, content] : Unzip(file->sha256)) entries[version][std::string(classifier) + ":" + name] = content;
    }
  }
  EXPECT_EQ(entries["1.0.0"].count("fat-raml:exchange_modules/" + std::string(kOrg) + "/paging/1.0.0/paging.raml"), 1u);
  for (auto& [name, content] : entries["1.0.0"])
    if (name.find("exchange.json") == std::string::npos) EXPECT_EQ(entries["1.0.1"][name], content) << name;
}

TEST_F(PublisherTest, SameSpecBytesReuseTheVerdictWhileTheDependenciesAreUnchanged) {
  auto fragment = Request("money", "1.0.0");
  fragment.status = "development";
  fragment.properties = {{"mainFile", "money.raml"}};
  fragment.files.push_back(Upload("raml-fragment", "zip", Zip({{"money.raml", "#%RAML 1.0 DataType\ntype: number\n"}})));
  ASSERT_TRUE(publisher_->Publish(fragment).ok());

  const std::string api_zip = Zip({{"api.raml", std::string("#%RAML 1.0\ntitle: Prices\ntypes:\n  Money: !include "
                                                            "exchange_modules/") + kOrg + "/money/1.0.0/money.raml\n"}});
  auto publish_api = [&](const std::string& version) {
    auto api = Request("prices", version);
    api.status = "development";
    api.properties = {{"mainFile", "api.raml"}, {"apiVersion", "v1"}};
    api.dependencies = std::string(kOrg) + ":money:1.0.0";
    api.files.push_back(Upload("raml", "zip", api_zip));
    return publisher_->Publish(api);
  };
  auto first = publish_api("1.0.0");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(publisher_->RememberedVerdicts(), 2u);
  auto second = publish_api("1.0.1");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(publisher_->RememberedVerdicts(), 2u) << "the same bytes and dependencies are not read again";
  EXPECT_EQ(second->api_model, first->api_model);
  EXPECT_EQ(second->api_terms, first->api_terms);

  // The development dependency is replaced by content that breaks the API: same API bytes, new verdict.
  fragment.validate_files = false;
  fragment.files = {Upload("raml-fragment", "zip", Zip({{"money.raml", "#%RAML 1.0 DataType\ntype: [number\n"}}))};
  ASSERT_TRUE(publisher_->Publish(fragment).ok());
  auto third = publish_api("1.0.2");
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), "INVALID_SPEC");
  EXPECT_NE(third.status().message().find("money.raml"), std::string::npos) << third.status().ToString();
  auto again = publish_api("1.0.2");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().ToString(), third.status().ToString());
  // A reading with problems may come of a failed read, which must not stick: it is not kept.
  EXPECT_EQ(publisher_->RememberedVerdicts(), 2u);
}

TEST_F(PublisherTest, FailedPublicationStoresNothingAndSweepsItsBlobs) {
  auto api = Request("broken", "1.0.0");
  api.properties = {{"mainFile", "missing.raml"}, {"apiVersion", "v1"}};
  api.files.push_back(Upload("raml", "zip", Zip({{"api.raml", kRaml}})));
  const auto before = blobs_->List();
  auto v = publisher_->Publish(api);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), "INVALID_MAIN_FILE");
  EXPECT_EQ(metadata_->GetVersion(api.coordinates).status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(blobs_->List()->size(), before->size()) << "no generated blob outlives a failed run";
}

TEST_F(PublisherTest, DetailsKeepToTheLimitsOfAnEdit) {
  const std::pair<std::optional<std::string> PublicationRequest::*, const char*> details[] = {
      {&PublicationRequest::name, "name must be a string of 1 to 256 characters"},
      {&PublicationRequest::description, "description must be a string of 0 to 255 characters"},
      {&PublicationRequest::contact_name, "contactName must be a string of 0 to 255 characters"},
      {&PublicationRequest::contact_email, "contactEmail must be a string of 0 to 255 characters"}};
  for (const auto& [member, message] : details) {
    auto r = Request("wordy", "1.0.0");
    r.type = "custom";
    r.*member = std::string(100000, 'w');
    auto v = publisher_->Publish(r);
    ASSERT_FALSE(v.ok()) << message;
    EXPECT_EQ(v.status().code(), "BAD_REQUEST");
    EXPECT_EQ(v.status().message(), message);
    EXPECT_EQ(metadata_->GetVersion(r.coordinates).status().kind(), Status::Kind::kNotFound);
  }
  auto r = Request("wordy", "1.0.0");
  r.type = "custom";
  r.name = std::string(256, 'n');
  r.description = std::string(255, 'd');
  r.contact_name = std::string(255, 'c');
  r.contact_email = std::string(255, 'e');
  EXPECT_TRUE(publisher_->Publish(r).ok()) << "the limits themselves are allowed";
  // A later version's details are ignored (the asset's stay), so they are not refused either.
  auto later = Request("wordy", "1.0.1");
  later.type = "custom";
  later.description = std::string(100000, 'w');
  auto v = publisher_->Publish(later);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->description, std::string(255, 'd'));
}

TEST_F(PublisherTest, PublishedVersionIsImmutableDevelopmentIsNot) {
  auto dev = Request("thing", "1.0.0");
  dev.type = "custom";
  dev.status = "development";
  ASSERT_TRUE(publisher_->Publish(dev).ok());
  dev.status = "published";
  dev.description = "second";
  ASSERT_TRUE(publisher_->Publish(dev).ok()) << "a development version may be republished";
  auto again = publisher_->Publish(dev);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().http_status(), 409);
  EXPECT_EQ(again.status().code(), "ASSET_PRE_CONDITIONS_FAILED");
}

TEST_F(PublisherTest, PomMethodChecksCoordinatesAndConflicts) {
  auto r = Request("app", "1.0.0");
  r.name.reset();
  const std::string pom = std::string("<project><modelVersion>4.0.0</modelVersion><groupId>") + kOrg +
                          "</groupId><artifactId>app</artifactId><version>1.0.0</version><name>App</name></project>";
  r.files.push_back(Upload("mule-application", "jar", Zip({{"META-INF/x", "y"}})));
  r.files.push_back(Upload("", "pom", pom));
  auto v = publisher_->Publish(r);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->name, "App");
  EXPECT_EQ(v->type, "app");

  auto conflicting = Request("app2", "1.0.0");  // name in both the form and the POM
  std::string pom2 = pom;
  pom2.replace(pom2.find("<artifactId>app<"), 16, "<artifactId>app2<");
  conflicting.files.push_back(Upload("", "pom", pom2));
  conflicting.type = "custom";
  auto dup = publisher_->Publish(conflicting);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), "DUPLICATED_PROPERTIES");

  auto mismatch = Request("other", "1.0.0");
  mismatch.name.reset();
  mismatch.files.push_back(Upload("", "pom", pom));
  mismatch.type = "custom";
  auto bad = publisher_->Publish(mismatch);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), "POM_COORDINATES_MISMATCH");
}

TEST_F(PublisherTest, PomCategoriesAndFieldsAreTheVersionsAndMayNotRepeatTheForms) {
  ASSERT_TRUE(metadata_->PutTagDefinition({"c1", kOrg, "category", "department", "Department", "enum", {"Finance", "Sales"}, {}}).ok());
  ASSERT_TRUE(metadata_->PutTagDefinition({"f1", kOrg, "field", "sla", "SLA", "text", {}, {}}).ok());
  const std::string pom = std::string("<project><groupId>") + kOrg +
                          "</groupId><artifactId>tagged</artifactId><version>1.0.0</version><properties>"
                          "<categories key=\"department\">Finance, Sales</categories><fields key=\"sla\">gold</fields>"
                          "</properties></project>";
  auto r = Request("tagged", "1.0.0");
  r.type = "custom";
  r.files.push_back(Upload("", "pom", pom));
  auto v = publisher_->Publish(r);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_EQ(v->categories.size(), 1u);
  EXPECT_EQ(v->categories[0], (assets::TagValue{"department", {"Finance", "Sales"}}));
  ASSERT_EQ(v->fields.size(), 1u);
  EXPECT_EQ(v->fields[0], (assets::TagValue{"sla", {"gold"}}));
  EXPECT_TRUE(v->properties.empty()) << "they are not properties named 'categories'";

  auto both = Request("tagged", "1.0.1");
  std::string pom2 = pom;
  pom2.replace(pom2.find("1.0.0"), 5, "1.0.1");
  both.type = "custom";
  both.files.push_back(Upload("", "pom", pom2));
  both.categories = {{"department", "Sales"}};
  auto refused = publisher_->Publish(both);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), "DUPLICATED_PROPERTIES");
  EXPECT_EQ(refused.status().errors(), std::vector<std::string>{"categories.department"});
}

TEST_F(PublisherTest, ACategorySentInSeveralPartsIsOneListOfValues) {
  ASSERT_TRUE(metadata_->PutTagDefinition({"c1", kOrg, "category", "department", "Department", "enum", {"Finance", "Sales", "Ops"}, {}}).ok());
  ASSERT_TRUE(metadata_->PutTagDefinition({"f1", kOrg, "field", "sla", "SLA", "text", {}, {}}).ok());
  auto r = Request("checked", "1.0.0");
  r.type = "custom";
  r.files.push_back(Upload("custom", "txt", "notes"));
  r.categories = {{"department", "Finance"}, {"department", "Sales, Ops"}};
  auto v = publisher_->Publish(r);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_EQ(v->categories.size(), 1u);
  EXPECT_EQ(v->categories[0], (assets::TagValue{"department", {"Finance", "Sales", "Ops"}}));

  auto twice = Request("checked", "1.0.1");
  twice.type = "custom";
  twice.files.push_back(Upload("custom", "txt", "notes"));
  twice.fields = {{"sla", "gold"}, {"sla", "silver"}};
  auto refused = publisher_->Publish(twice);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("takes a single value"), std::string::npos) << refused.status().ToString();
}

// The Maven facade reads the project's POM itself: the pipeline stores it as it is, without
// comparing its (uninterpolated) coordinates, and takes a Maven project's unclassified main file.
TEST_F(PublisherTest, AMavenPublicationStoresTheProjectPomAsItIs) {
  auto r = Request("project", "1.0.0");
  r.from_maven = true;
  const std::string pom = "<project><groupId>${g}</groupId><artifactId>project</artifactId><version>${revision}</version></project>";
  r.files.push_back(Upload("", "pom", pom));
  r.files.push_back(Upload("", "jar", "main jar"));
  r.files.push_back(Upload("mule-plugin", "jar", "plugin jar"));
  auto v = publisher_->Publish(r);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->type, "extension");
  ASSERT_NE(FileOf(*v, "", "jar"), nullptr);
  EXPECT_EQ(FileOf(*v, "", "pom")->sha256, DigestHex(DigestAlgorithm::kSha256, pom));

  auto form = Request("form", "1.0.0");  // the Exchange API's forms keep requiring classifiers
  form.type = "custom";
  form.files.push_back(Upload("", "jar", "main jar"));
  EXPECT_EQ(publisher_->Publish(form).status().code(), "INVALID_FILE_IDENTIFIER_ERROR");
}

TEST_F(PublisherTest, StepsAreObservedInOrder) {
  auto r = Request("observed", "1.0.0");
  r.type = "custom";
  std::vector<size_t> seen;
  ASSERT_TRUE(publisher_->Publish(r, [&](size_t step) { seen.push_back(step); }).ok());
  ASSERT_EQ(seen.size(), Publisher::Steps().size());
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i);
}

TEST_F(PublisherTest, QueueRunsJobsAndResumesUnfinishedOnes) {
  auto r = Request("queued", "1.0.0");
  r.type = "custom";
  r.files.push_back(Upload("custom", "zip", Zip({{"a.txt", "a"}})));
  {
    // A job stored by a process that died before running it.
    const storage::PublicationJob job = QueuedJob(r);
    ASSERT_TRUE(metadata_->PutJob(job).ok());
    PublicationQueue queue(*publisher_, *metadata_, *reaper_, 1);
    ASSERT_TRUE(queue.Recover().ok());
    queue.Start();
    queue.WaitIdle();
    auto done = queue.Get(job.run_id);
    ASSERT_TRUE(done.ok());
    EXPECT_EQ(done->status, "completed");
    EXPECT_EQ(done->asset_type, "custom");
  }
  EXPECT_TRUE(metadata_->GetVersion(r.coordinates).ok());

  PublicationQueue queue(*publisher_, *metadata_, *reaper_, 2);
  queue.Start();
  auto bad = Request("queued-bad", "1.0.0");  // no type and no file
  auto run_id = queue.Submit(bad);
  ASSERT_TRUE(run_id.ok());
  queue.WaitIdle();
  auto failed = queue.Get(*run_id);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->status, "error");
  EXPECT_NE(failed->steps_json.find("could not be determined"), std::string::npos) << failed->steps_json;
}

// A disk that fails while the pipeline writes its derived files (exchange.json, the fat package,
// the POM): the publication ends with 507 for a full disk or 500 for an I/O error, stores no
// version, and leaves no blob of its own behind.
class PublisherFaultTest : public PublisherTest,
                           public ::testing::WithParamInterface<std::tuple<storage::FaultInjectionEnv::Operation,
                                                                           storage::FaultInjectionEnv::Fault>> {};

TEST_P(PublisherFaultTest, FailsCleanly) {
  const auto [operation, fault] = GetParam();
  storage::FaultInjectionEnv env(storage::Env::Default());
  auto blobs = storage::OpenFileBlobStore(&env, (dir_ / "faulty-blobs").string());
  ASSERT_TRUE(blobs.ok());
  BlobReaper reaper(**blobs, *metadata_);
  Publisher publisher(*metadata_, **blobs, reaper);
  auto writer = (*blobs)->NewWriter();
  const std::string zip = Zip({{"api.raml", kRaml}});
  ASSERT_TRUE((*writer)->Append(zip.data(), zip.size()).ok());
  auto uploaded = reaper.CommitPinned(**writer, "test-upload");
  ASSERT_TRUE(uploaded.ok());
  PublicationRequest request = Request("faulty", "1.0.0");
  request.properties = {{"apiVersion", "v1"}, {"mainFile", "api.raml"}};
  request.files = {UploadedFile{"raml", "zip", "api.zip", *uploaded}};
  int failures = 0;
  for (int nth = 1; nth <= 3; ++nth) {
    env.FailNth(operation, nth, fault);
    const auto result = publisher.Publish(request);
    env.Heal();
    if (result.ok()) break;  // fewer calls than nth: the fault never fired
    ++failures;
    EXPECT_EQ(result.status().kind(),
              fault == storage::FaultInjectionEnv::Fault::kNoSpace ? Status::Kind::kNoSpace : Status::Kind::kIOError)
        << result.status().ToString();
    EXPECT_EQ(metadata_->GetVersion(request.coordinates).status().kind(), Status::Kind::kNotFound);
    size_t stored = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir_ / "faulty-blobs" / "sha256"))
      stored += entry.is_regular_file();
    EXPECT_EQ(stored, 1u) << "only the (pinned) upload remains after a failure at call " << nth;
  }
  EXPECT_GT(failures, 0) << "the fault was never reached";
}

INSTANTIATE_TEST_SUITE_P(
    Faults, PublisherFaultTest,
    ::testing::Values(std::tuple{storage::FaultInjectionEnv::Operation::kAppend, storage::FaultInjectionEnv::Fault::kNoSpace},
                      std::tuple{storage::FaultInjectionEnv::Operation::kSync, storage::FaultInjectionEnv::Fault::kNoSpace},
                      std::tuple{storage::FaultInjectionEnv::Operation::kNewWritableFile,
                                 storage::FaultInjectionEnv::Fault::kIOError},
                      std::tuple{storage::FaultInjectionEnv::Operation::kRename, storage::FaultInjectionEnv::Fault::kIOError}));

TEST(PublicationRequestJson, RoundTrips) {
  PublicationRequest r;
  r.organization_id = "org";
  r.coordinates = {"g", "a", "1.0.0"};
  r.name = "n";
  r.tags = "x,y";
  r.properties = {{"mainFile", "m.raml"}};
  r.categories = {{"k", "v1, v2"}};
  r.files.push_back({"raml", "zip", "f.zip", {"sha", "md5", "sha1", 42}});
  r.validate_files = false;
  r.allowed_spec_formats = {"application/raml"};
  auto back = PublicationRequest::FromJson(r.ToJson());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->ToJson(), r.ToJson());
  EXPECT_FALSE(back->description.has_value());
  EXPECT_FALSE(PublicationRequest::FromJson("{not json").ok());
  r.allowed_spec_formats.clear();
  std::string stored_before_the_header = r.ToJson();
  const std::string key = ",\"allowedSpecFormats\":[]";
  ASSERT_NE(stored_before_the_header.find(key), std::string::npos);
  stored_before_the_header.erase(stored_before_the_header.find(key), key.size());
  ASSERT_EQ(stored_before_the_header.find("allowedSpecFormats"), std::string::npos);
  const auto queued_before = PublicationRequest::FromJson(stored_before_the_header);
  ASSERT_TRUE(queued_before.ok()) << queued_before.status().ToString();
  EXPECT_TRUE(queued_before->allowed_spec_formats.empty()) << "a job queued before the header was read allows every format";
}

TEST(PublicationRequestFormats, AllowedMediaTypesMatchTheSpecsFormatAndVersion) {
  PublicationRequest r;
  EXPECT_TRUE(r.AllowsSpecFormat("wsdl", "1.1")) << "no header allows every format";
  r.allowed_spec_formats = {"application/raml", "Application/vnd.oai.openapi; version=\"3.0\""};
  EXPECT_TRUE(r.AllowsSpecFormat("raml", "1.0"));
  EXPECT_TRUE(r.AllowsSpecFormat("raml", "0.8")) << "no version parameter: every version";
  EXPECT_TRUE(r.AllowsSpecFormat("oas", "3.0.3")) << "version=3.0 allows its patch versions";
  EXPECT_FALSE(r.AllowsSpecFormat("oas", "3.1.0"));
  EXPECT_FALSE(r.AllowsSpecFormat("oas", "2.0"));
  EXPECT_FALSE(r.AllowsSpecFormat("wsdl", "1.1"));
  r.allowed_spec_formats = {"application/vnd.oai.openapi+json;version=2.0", "application/raml+yaml;version=1.0",
                            "application/wsdl+xml"};
  EXPECT_TRUE(r.AllowsSpecFormat("oas", "2.0")) << "the JSON form names the same format";
  EXPECT_FALSE(r.AllowsSpecFormat("oas", "2.01")) << "a version is matched at its dots";
  EXPECT_TRUE(r.AllowsSpecFormat("raml", "1.0")) << "RAML's own media type names RAML";
  EXPECT_FALSE(r.AllowsSpecFormat("raml", "0.8"));
  EXPECT_TRUE(r.AllowsSpecFormat("wsdl", "1.1"));
  EXPECT_EQ(PublicationRequest::SpecMediaType("oas", "3.0.3"), "application/vnd.oai.openapi;version=3.0.3");
  r.allowed_spec_formats = {"application/vnd.oai.openapi+yaml;charset=utf-8;version=3.0", "application/wsdl"};
  EXPECT_TRUE(r.AllowsSpecFormat("oas", "3.0.1")) << "other parameters are skipped";
  EXPECT_TRUE(r.AllowsSpecFormat("wsdl", "1.1"));
  EXPECT_FALSE(r.AllowsSpecFormat("", "")) << "content of no known format is in no list";
}

TEST(PublicationRequestFormats, TheHeaderIsACommaSeparatedOrJsonStyleListOfSpecMediaTypes) {
  using Formats = std::vector<std::string>;
  EXPECT_EQ(*ParseAllowedSpecFormats("application/raml, application/vnd.oai.openapi;version=2.0"),
            (Formats{"application/raml", "application/vnd.oai.openapi;version=2.0"}));
  EXPECT_EQ(*ParseAllowedSpecFormats(R"(["application/raml", "application/wsdl+xml"])"),
            (Formats{"application/raml", "application/wsdl+xml"}));
  EXPECT_TRUE(ParseAllowedSpecFormats("")->empty()) << "an empty header allows every format, as none does";
  EXPECT_TRUE(ParseAllowedSpecFormats(" , ,")->empty());
  for (const char* bad : {"raml", "application/oas", "application/json", "application/raml, text/plain"}) {
    const auto parsed = ParseAllowedSpecFormats(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), "INVALID_HEADER") << bad;
  }
}

}  // namespace
}  // namespace agora::publication
