#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <sqlite3.h>

#include "common/hash.h"
#include "common/ids.h"
#include "storage/blob_store.h"
#include "storage/fault_injection_env.h"
#include "storage/metadata_store.h"
#include "storage/testing.h"

namespace agora::storage {
namespace {

namespace fs = std::filesystem;
using Fault = FaultInjectionEnv::Fault;
using Op = FaultInjectionEnv::Operation;

using testing::TempDir;

Result<BlobInfo> Store(BlobStore& store, const std::string& bytes) {
  AGORA_ASSIGN_OR_RETURN(auto writer, store.NewWriter());
  AGORA_RETURN_IF_ERROR(writer->Append(bytes.data(), bytes.size()));
  return writer->Commit();
}

std::string ReadAll(BlobStore& store, const std::string& sha) {
  auto file = store.Open(sha);
  std::string out;
  char buf[7];  // small on purpose: several reads
  while (true) {
    auto n = (*file)->Read(buf, sizeof buf);
    if (!n.ok() || *n == 0) return out;
    out.append(buf, *n);
  }
}

TEST(BlobStoreTest, CommitsHashesAndDeduplicates) {
  TempDir dir;
  auto store = OpenFileBlobStore(Env::Default(), dir.str());
  ASSERT_TRUE(store.ok());
  const std::string bytes(300000, 'x');
  auto a = Store(**store, bytes);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->sha256, Sha256Hex(bytes));
  EXPECT_EQ(a->md5.size(), 32u);
  EXPECT_EQ(a->sha1.size(), 40u);
  EXPECT_EQ(a->size, bytes.size());
  EXPECT_EQ(ReadAll(**store, a->sha256), bytes);
  auto b = Store(**store, bytes);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->sha256, a->sha256);
  EXPECT_EQ((*store)->List()->size(), 1u);
  EXPECT_EQ(dir.CountFiles("tmp"), 0u);
  EXPECT_EQ(*(*store)->Size(a->sha256), bytes.size());
  ASSERT_TRUE((*store)->Remove(a->sha256).ok());
  EXPECT_FALSE((*store)->Exists(a->sha256));
}

TEST(BlobStoreTest, AbandonedWriterLeavesNothing) {
  TempDir dir;
  auto store = OpenFileBlobStore(Env::Default(), dir.str());
  {
    auto writer = (*store)->NewWriter();
    ASSERT_TRUE((*writer)->Append("partial", 7).ok());
  }
  EXPECT_EQ(dir.CountFiles("tmp"), 0u);
  EXPECT_TRUE((*store)->List()->empty());
}

TEST(BlobStoreTest, AdoptsScratchFilesAndCleansScratch) {
  TempDir dir;
  auto store = OpenFileBlobStore(Env::Default(), dir.str());
  const std::string scratch = (*store)->NewScratchPath(".zip");
  { std::ofstream(scratch) << "zip bytes"; }
  auto info = (*store)->AdoptFile(scratch);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->sha256, Sha256Hex("zip bytes"));
  EXPECT_FALSE(fs::exists(scratch));
  { std::ofstream((*store)->NewScratchPath(".left")) << "crash leftovers"; }
  ASSERT_TRUE((*store)->CleanScratch().ok());
  EXPECT_EQ(dir.CountFiles("tmp"), 0u);
}

TEST(BlobStoreTest, RejectsIdsThatAreNotSha256) {
  TempDir dir;
  auto store = OpenFileBlobStore(Env::Default(), dir.str());
  for (const std::string& bad : std::vector<std::string>{"../../etc/passwd", "", std::string(64, 'G'), std::string(63, 'a')}) {
    EXPECT_FALSE((*store)->Fetch(bad).ok()) << bad;
    EXPECT_FALSE((*store)->FilePath(bad));
    EXPECT_FALSE((*store)->Open(bad).ok());
    EXPECT_FALSE((*store)->Remove(bad).ok());
    EXPECT_FALSE((*store)->Exists(bad));
  }
}

class BlobFaultTest : public ::testing::TestWithParam<std::pair<Op, Fault>> {};

TEST_P(BlobFaultTest, FailedWritesLeaveNoBlobAndNoScratch) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  auto store = OpenFileBlobStore(&env, dir.str());
  ASSERT_TRUE(store.ok());
  const auto [op, fault] = GetParam();
  env.FailNth(op, 1, fault, /*sticky=*/true);
  auto info = Store(**store, std::string(1 << 20, 'y'));
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().http_status(), fault == Fault::kNoSpace ? 507 : 500);
  env.Heal();
  EXPECT_TRUE((*store)->List()->empty());
  EXPECT_EQ(dir.CountFiles("tmp"), 0u);
}

INSTANTIATE_TEST_SUITE_P(Faults, BlobFaultTest,
                         ::testing::Values(std::pair{Op::kAppend, Fault::kNoSpace}, std::pair{Op::kSync, Fault::kIOError},
                                           std::pair{Op::kRename, Fault::kIOError},
                                           std::pair{Op::kNewWritableFile, Fault::kNoSpace}));

class MetadataStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    auto store = OpenSqliteMetadataStore(dir_.str() + "/agora.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  static assets::AssetVersion Version(const std::string& asset, const std::string& version,
                                      assets::Lifecycle status = assets::Lifecycle::kPublished) {
    assets::AssetVersion v;
    v.organization_id = "org-1";
    v.coordinates = {"group", asset, version};
    v.type = "rest-api";
    v.name = "Name";
    v.description = "Desc";
    v.status = status;
    v.tags = {"b", "a"};
    v.keywords = {"k"};
    v.properties = {{"mainFile", "api.raml"}, {"apiVersion", "v1"}, {"assetLink", ""}};
    v.dependencies = {{"group", "dep", "1.0.0"}};
    v.files = {{"raml", "zip", std::string(64, 'a'), "md5", "sha1", 10, "api.raml", false, 5},
               {"", "pom", std::string(64, 'b'), "m", "s", 3, "", false, 6}};
    v.created_by = "alice";
    v.created_millis = v.updated_millis = NowMillis();
    return v;
  }

  TempDir dir_;
  std::unique_ptr<MetadataStore> store_;
};

TEST_F(MetadataStoreTest, VersionsRoundTripWithAllTheirParts) {
  const auto v = Version("api", "1.0.0");
  ASSERT_TRUE(store_->PutVersion(v).ok());
  Reopen();
  auto back = store_->GetVersion(v.coordinates);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->type, "rest-api");
  EXPECT_EQ(back->tags, v.tags);
  EXPECT_EQ(back->keywords, v.keywords);
  ASSERT_EQ(back->properties.size(), 3u);
  EXPECT_EQ(back->properties[1].key, "apiVersion");
  EXPECT_EQ(back->dependencies, v.dependencies);
  ASSERT_EQ(back->files.size(), 2u);
  EXPECT_EQ(back->files[0].main_file, "api.raml");
  EXPECT_EQ(back->files[1].packaging, "pom");
  EXPECT_EQ(back->created_by, "alice");
  EXPECT_EQ(store_->GetVersion({"group", "api", "9.9.9"}).status().kind(), Status::Kind::kNotFound);
  EXPECT_TRUE(store_->CheckIntegrity().ok());
}

TEST_F(MetadataStoreTest, PublishedVersionsAreImmutableDevelopmentOnesReplaceable) {
  auto dev = Version("api", "1.0.0", assets::Lifecycle::kDevelopment);
  ASSERT_TRUE(store_->PutVersion(dev).ok());
  dev.description = "replaced";
  dev.files.pop_back();
  ASSERT_TRUE(store_->PutVersion(dev).ok());
  EXPECT_EQ(store_->GetVersion(dev.coordinates)->description, "replaced");
  EXPECT_EQ(store_->GetVersion(dev.coordinates)->files.size(), 1u);
  auto published = Version("api", "1.0.1");
  ASSERT_TRUE(store_->PutVersion(published).ok());
  const Status again = store_->PutVersion(published);
  EXPECT_EQ(again.http_status(), 409);
  EXPECT_EQ(again.code(), "ASSET_PRE_CONDITIONS_FAILED");
  EXPECT_EQ(store_->ListVersions("group", "api")->size(), 2u);
}

TEST_F(MetadataStoreTest, GroupsBelongToTheFirstPublisher) {
  ASSERT_TRUE(store_->PutVersion(Version("api", "1.0.0")).ok());
  EXPECT_EQ(*store_->GroupOwner("group"), "org-1");
  auto intruder = Version("other", "1.0.0");
  intruder.organization_id = "org-2";
  EXPECT_EQ(store_->PutVersion(intruder).http_status(), 403);
  EXPECT_EQ(store_->GroupOwner("nobody").status().kind(), Status::Kind::kNotFound);
}

TEST_F(MetadataStoreTest, OrganisationsAndTokens) {
  ASSERT_TRUE(store_->CreateOrganization({"org-1", "One", "", 1}).ok());
  EXPECT_EQ(store_->CreateOrganization({"org-1", "Dup", "", 2}).http_status(), 409);
  EXPECT_EQ(store_->GetOrganization("org-1")->name, "One");
  EXPECT_EQ(store_->ListOrganizations()->size(), 1u);
  ASSERT_TRUE(store_->CreateToken({"hash", "org-1", "viewer", "bob", 1, 0}).ok());
  EXPECT_EQ(store_->FindToken("hash")->subject, "bob");
  EXPECT_EQ(store_->FindToken("nope").status().kind(), Status::Kind::kNotFound);
  EXPECT_FALSE(store_->CreateToken({"h2", "no-such-org", "viewer", "x", 1, 0}).ok()) << "tokens need an org";
}

TEST_F(MetadataStoreTest, JobsAndBlobReferences) {
  ASSERT_TRUE(store_->PutVersion(Version("api", "1.0.0")).ok());
  PublicationJob job{"run-1", "org-1", {"group", "x", "1.0.0"}, "publication", "queued", "", "[]", "{}",
                     {std::string(64, 'c')}, 1, 1};
  ASSERT_TRUE(store_->PutJob(job).ok());
  EXPECT_TRUE(*store_->IsBlobReferenced(std::string(64, 'c')));
  EXPECT_TRUE(*store_->IsBlobReferenced(std::string(64, 'a')));
  EXPECT_FALSE(*store_->IsBlobReferenced(std::string(64, 'd')));
  EXPECT_EQ(store_->ReferencedBlobs()->size(), 3u);
  EXPECT_EQ(store_->ListUnfinishedJobs()->size(), 1u);
  job.status = "error";
  ASSERT_TRUE(store_->PutJob(job).ok());
  EXPECT_FALSE(*store_->IsBlobReferenced(std::string(64, 'c'))) << "finished jobs release their blobs";
  EXPECT_TRUE(store_->ListUnfinishedJobs()->empty());
  auto back = store_->GetJob("run-1");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->status, "error");
  EXPECT_EQ(back->blob_refs.size(), 1u);
  EXPECT_TRUE(store_->CheckIntegrity().ok());
}

TEST_F(MetadataStoreTest, ConcurrentWritersAndReaders) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const auto v = Version("a" + std::to_string(t), "1.0." + std::to_string(i));
        if (!store_->PutVersion(v).ok() || !store_->GetVersion(v.coordinates).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(store_->ListVersions("group", "a3")->size(), 20u);
}

}  // namespace
}  // namespace agora::storage

namespace agora::storage {
namespace {

class SearchTest : public MetadataStoreTest {
 protected:
  void Put(const std::string& asset, const std::string& version, const std::string& name, const std::string& description,
           const std::string& type = "rest-api", const std::string& org = "org-1",
           assets::Lifecycle status = assets::Lifecycle::kPublished) {
    auto v = Version(asset, version, status);
    v.coordinates.group_id = org;
    v.organization_id = org;
    v.name = name;
    v.description = description;
    v.type = type;
    v.keywords = {};
    v.tags = {};
    ASSERT_TRUE(store_->PutVersion(v).ok());
  }
  std::vector<std::string> Find(AssetQuery q) {
    auto found = store_->FindVersions(q);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    std::vector<std::string> ids;
    for (const auto& v : *found) ids.push_back(v.coordinates.asset_id + "@" + v.coordinates.version);
    return ids;
  }
};

TEST_F(SearchTest, NameMatchesOutrankDescriptionMatchesAndPrefixesMatch) {
  Put("desc", "1.0.0", "Hotel bookings", "Cheap flights and hotels");
  Put("name", "1.0.0", "Flights API", "Bookings");
  Put("none", "1.0.0", "Payments", "Cards");
  AssetQuery q;
  q.search = "flights";
  EXPECT_EQ(Find(q), (std::vector<std::string>{"name@1.0.0", "desc@1.0.0"}));
  q.search = "fli";
  EXPECT_EQ(Find(q), (std::vector<std::string>{"name@1.0.0", "desc@1.0.0"}));
  q.search = "fli book";
  EXPECT_EQ(Find(q).size(), 2u);
  q.search = "\"; DROP TABLE versions; --";
  EXPECT_TRUE(Find(q).empty());
  q.search = "***";
  EXPECT_EQ(Find(q).size(), 3u) << "a query with no words lists everything";
}

TEST_F(SearchTest, LatestVersionsFiltersAndPages) {
  Put("api", "1.0.0", "API", "old");
  Put("api", "1.10.0", "API", "newest");
  Put("api", "1.9.0", "API", "middle");
  Put("api", "2.0.0-rc.1", "API", "pre-release");
  Put("frag", "1.0.0", "Fragment", "", "raml-fragment");
  Put("dev", "1.0.0", "Dev", "", "custom", "org-1", assets::Lifecycle::kDevelopment);
  Put("other", "1.0.0", "Other org", "", "rest-api", "org-2");
  AssetQuery q;
  q.organization_ids = {"org-1"};
  EXPECT_EQ(Find(q), (std::vector<std::string>{"api@2.0.0-rc.1", "dev@1.0.0", "frag@1.0.0"}));
  q.types = {"raml-fragment", "custom"};
  EXPECT_EQ(Find(q), (std::vector<std::string>{"dev@1.0.0", "frag@1.0.0"}));
  q.types = {};
  q.statuses = {"published"};
  q.search = "api";
  EXPECT_EQ(Find(q), (std::vector<std::string>{"api@2.0.0-rc.1"}));
  q.search = "";
  q.latest_only = false;
  q.sort = "createdDate";
  EXPECT_EQ(Find(q).size(), 5u);
  q.limit = 2;
  q.offset = 4;
  EXPECT_EQ(Find(q).size(), 1u);
  q = AssetQuery{};
  q.organization_ids = {"org-2"};
  EXPECT_EQ(Find(q), (std::vector<std::string>{"other@1.0.0"}));
}

TEST_F(SearchTest, CategoryFieldValuesAndApiTermsAreSearchable) {
  auto v = Version("catalogue", "1.0.0");
  v.name = "Catalogue";
  v.description = "";
  v.keywords = {};
  v.tags = {};
  v.categories = {{"department", {"Logistics"}}};
  v.api_model = R"({"title":"Catalogue"})";
  v.api_terms = "getInventory /warehouses/{id}";
  ASSERT_TRUE(store_->PutVersion(v).ok());
  AssetQuery q;
  q.search = "logist";
  EXPECT_EQ(Find(q), (std::vector<std::string>{"catalogue@1.0.0"}));
  q.search = "warehouses";
  EXPECT_EQ(Find(q), (std::vector<std::string>{"catalogue@1.0.0"}));
  q.search = "getinventory";
  EXPECT_EQ(Find(q), (std::vector<std::string>{"catalogue@1.0.0"}));

  ASSERT_TRUE(store_->SetVersionTagValue(v.coordinates, "field", {"region", {"Patagonia"}}).ok());
  q.search = "patagonia";
  EXPECT_EQ(Find(q), (std::vector<std::string>{"catalogue@1.0.0"})) << "a changed field value is reindexed";
  ASSERT_TRUE(store_->SetVersionTagValue(v.coordinates, "category", {"department", {}}).ok());
  q.search = "logistics";
  EXPECT_TRUE(Find(q).empty()) << "a removed category value leaves the index";
  q.search = "warehouses";
  EXPECT_EQ(Find(q).size(), 1u) << "reindexing keeps the API terms";

  EXPECT_EQ(*store_->GetApiModel(v.coordinates), R"({"title":"Catalogue"})");
  EXPECT_TRUE(store_->GetVersion(v.coordinates)->api_model.empty()) << "the model is read on its own";
  EXPECT_EQ(store_->GetApiModel({"group", "catalogue", "9.9.9"}).status().kind(), Status::Kind::kNotFound);
}

// A database written by the first schema (no API columns, a five-column search index) is
// migrated on open, and its existing rows become searchable by their category values.
TEST_F(SearchTest, MigratesASchemaVersionOneDatabase) {
  auto v = Version("old", "1.0.0");
  v.categories = {{"department", {"Finance"}}};
  ASSERT_TRUE(store_->PutVersion(v).ok());
  ASSERT_TRUE(store_->CreateOrganization({"org-old", "Old", "", 1}).ok());
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_.str() + "/agora.db").c_str(), &db), SQLITE_OK);
  const char* downgrade =
      "DROP TABLE version_search;"
      "CREATE VIRTUAL TABLE version_search USING fts5(name, asset_id, keywords, tags, description);"
      "DROP TRIGGER versions_release_api_model; DROP INDEX versions_api_model;"
      "ALTER TABLE versions DROP COLUMN api_model_id; DROP TABLE api_models;"
      "DROP TABLE portal_pages; DROP TABLE portal_resources; DROP TABLE portals;"
      "DROP TABLE users; DROP TABLE clients; DROP TABLE settings; DROP TABLE environments; DROP INDEX organizations_parent;"
      "ALTER TABLE tokens DROP COLUMN account_id;"
      "PRAGMA user_version = 1;";
  ASSERT_EQ(sqlite3_exec(db, downgrade, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
  Reopen();
  AssetQuery q;
  q.search = "finance";
  EXPECT_EQ(Find(q), (std::vector<std::string>{"old@1.0.0"}));
  EXPECT_TRUE(store_->CheckIntegrity().ok());
  EXPECT_EQ(store_->ListEnvironments("org-old")->size(), 2u) << "existing organisations get their environments";
}

TEST_F(MetadataStoreTest, PortalsDraftsPublishingAndBlobReferences) {
  const auto v = Version("documented", "1.0.0");
  ASSERT_TRUE(store_->PutVersion(v).ok());
  EXPECT_FALSE(store_->GetPortal(v.coordinates, false)->has_value());
  const std::string a(64, 'c'), b(64, 'd'), image(64, 'e');
  ASSERT_TRUE(store_->PutPortal(v.coordinates, false, {{{"home", a}}, {}}).ok());
  ASSERT_TRUE(store_->PutPortal(v.coordinates, true, {{{"home", a}, {"guides/setup", b}},
                                                       {{"resources/logo.png", image, "image/png"}}}).ok());
  EXPECT_TRUE(*store_->IsBlobReferenced(image)) << "draft resources are referenced";
  EXPECT_EQ((*store_->GetPortal(v.coordinates, false))->pages.size(), 1u);
  ASSERT_TRUE(store_->PublishDraft(v.coordinates).ok());
  EXPECT_FALSE(store_->GetPortal(v.coordinates, true)->has_value()) << "publishing consumes the draft";
  const auto published = **store_->GetPortal(v.coordinates, false);
  ASSERT_EQ(published.pages.size(), 2u);
  EXPECT_EQ(published.pages[1].path, "guides/setup");
  EXPECT_EQ(published.resources[0].media_type, "image/png");
  EXPECT_EQ(store_->PublishDraft(v.coordinates).kind(), Status::Kind::kNotFound);
  const auto referenced = *store_->ReferencedBlobs();
  EXPECT_NE(std::find(referenced.begin(), referenced.end(), b), referenced.end());
  ASSERT_TRUE(store_->DeleteVersion(v.coordinates, /*soft=*/false, NowMillis()).ok());
  EXPECT_FALSE(*store_->IsBlobReferenced(b)) << "deleting the version drops its portal";
  EXPECT_TRUE(store_->CheckIntegrity().ok());
}

TEST_F(SearchTest, ReplacingADevelopmentVersionReindexesIt) {
  Put("dev", "1.0.0", "Original words", "", "custom", "org-1", assets::Lifecycle::kDevelopment);
  Put("dev", "1.0.0", "Replacement", "", "custom", "org-1", assets::Lifecycle::kDevelopment);
  AssetQuery q;
  q.search = "original";
  EXPECT_TRUE(Find(q).empty());
  q.search = "replacement";
  EXPECT_EQ(Find(q).size(), 1u);
}

}  // namespace
}  // namespace agora::storage

namespace agora::storage {
namespace {

TEST_F(MetadataStoreTest, FindsVersionsByTag) {
  auto tagged = Version("tagged", "1.0.0");
  tagged.tags = {"payments", "eu"};
  ASSERT_TRUE(store_->PutVersion(tagged).ok());
  auto other = Version("other", "1.0.0");
  other.tags = {"payments-eu"};
  ASSERT_TRUE(store_->PutVersion(other).ok());
  AssetQuery q;
  q.tags = {"eu"};
  auto found = store_->FindVersions(q);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].coordinates.asset_id, "tagged");
}

}  // namespace
}  // namespace agora::storage

namespace agora::storage {
namespace {

TEST_F(MetadataStoreTest, StatusAndDetailsEditsReachEveryVersion) {
  ASSERT_TRUE(store_->PutVersion(Version("api", "1.0.0")).ok());
  ASSERT_TRUE(store_->PutVersion(Version("api", "1.0.1")).ok());
  ASSERT_TRUE(store_->SetVersionStatus({"group", "api", "1.0.0"}, assets::Lifecycle::kDeprecated, 42).ok());
  EXPECT_EQ(store_->GetVersion({"group", "api", "1.0.0"})->status, assets::Lifecycle::kDeprecated);
  EXPECT_EQ(store_->GetVersion({"group", "api", "1.0.1"})->updated_millis, 42);
  EXPECT_EQ(store_->SetVersionStatus({"group", "api", "9.0.0"}, assets::Lifecycle::kPublished, 1).kind(),
            Status::Kind::kNotFound);
  AssetDetailsUpdate update;
  update.name = "Renamed";
  update.contact_email = "a@b.c";
  ASSERT_TRUE(store_->UpdateAssetDetails("group", "api", update, 43).ok());
  for (const char* v : {"1.0.0", "1.0.1"}) {
    auto version = store_->GetVersion({"group", "api", v});
    EXPECT_EQ(version->name, "Renamed");
    EXPECT_EQ(version->contact_email, "a@b.c");
    EXPECT_EQ(version->description, "Desc");
  }
  AssetQuery q;
  q.search = "renamed";
  EXPECT_EQ(store_->FindVersions(q)->size(), 1u) << "edits are searchable";
}

TEST_F(MetadataStoreTest, SoftDeleteReservesCoordinatesHardDeleteFreesThem) {
  auto dep = Version("dep", "1.0.0");
  dep.dependencies.clear();
  ASSERT_TRUE(store_->PutVersion(dep).ok());
  auto user = Version("user", "1.0.0");
  user.dependencies = {{"group", "dep", "1.0.0"}};
  ASSERT_TRUE(store_->PutVersion(user).ok());
  EXPECT_EQ(*store_->ListDependents({"group", "dep", "1.0.0"}), (std::vector<assets::Coordinates>{{"group", "user", "1.0.0"}}));
  ASSERT_TRUE(store_->DeleteVersion({"group", "user", "1.0.0"}, /*soft=*/true, 7).ok());
  EXPECT_EQ(store_->GetVersion({"group", "user", "1.0.0"}).status().kind(), Status::Kind::kNotFound);
  EXPECT_TRUE(store_->ListDependents({"group", "dep", "1.0.0"})->empty());
  EXPECT_EQ(store_->PutVersion(user).code(), "ASSET_PRE_CONDITIONS_FAILED");
  auto deleted = store_->ListSoftDeleted("org-1", 0, 10);
  ASSERT_EQ(deleted->size(), 1u);
  EXPECT_EQ((*deleted)[0].coordinates.asset_id, "user");
  EXPECT_EQ(*store_->ListReservedVersions("group", "user"), std::vector<std::string>{"1.0.0"});
  ASSERT_TRUE(store_->DeleteVersion({"group", "dep", "1.0.0"}, /*soft=*/false, 8).ok());
  EXPECT_TRUE(store_->PutVersion(dep).ok()) << "hard-deleted coordinates may be reused";
  EXPECT_FALSE(*store_->IsBlobReferenced(std::string(64, 'z')));
  EXPECT_EQ(store_->DeleteVersion({"group", "nope", "1.0.0"}, true, 9).kind(), Status::Kind::kNotFound);
  EXPECT_TRUE(store_->CheckIntegrity().ok());
}

}  // namespace
}  // namespace agora::storage

namespace agora::storage {
namespace {

TEST_F(MetadataStoreTest, PutVersionsIsAllOrNothing) {
  ASSERT_TRUE(store_->PutVersions({Version("bulk-a", "1.0.0"), Version("bulk-b", "1.0.0")}).ok());
  EXPECT_TRUE(store_->GetVersion({"group", "bulk-b", "1.0.0"}).ok());
  const Status st = store_->PutVersions({Version("bulk-c", "1.0.0"), Version("bulk-a", "1.0.0")});
  EXPECT_EQ(st.code(), "ASSET_PRE_CONDITIONS_FAILED");
  EXPECT_EQ(store_->GetVersion({"group", "bulk-c", "1.0.0"}).status().kind(), Status::Kind::kNotFound);
}

}  // namespace
}  // namespace agora::storage

namespace agora::storage {
namespace {

TEST_F(SearchTest, NameMatchesComeFirstAcrossPages) {
  for (int i = 0; i < 3; ++i) Put("name-" + std::to_string(i), "1.0.0", "Orbit tracker " + std::to_string(i), "Plain");
  for (int i = 0; i < 3; ++i) Put("desc-" + std::to_string(i), "1.0.0", "Plain " + std::to_string(i), "Orbit data");
  AssetQuery q;
  q.search = "orb";
  std::vector<std::string> all;
  for (size_t offset = 0; offset < 8; offset += 2) {
    q.offset = offset;
    q.limit = 2;
    for (const auto& id : Find(q)) all.push_back(id);
  }
  ASSERT_EQ(all.size(), 6u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(all[i].rfind("name-", 0), 0u) << all[i];
  for (int i = 3; i < 6; ++i) EXPECT_EQ(all[i].rfind("desc-", 0), 0u) << all[i];
}

}  // namespace
}  // namespace agora::storage

namespace agora::storage {
namespace {

TEST_F(MetadataStoreTest, TagDefinitionsAndVersionValues) {
  TagDefinition d{"id-1", "org-1", "category", "department", "Department", "enum", {"sales", "it"}, {"rest-api"}};
  ASSERT_TRUE(store_->PutTagDefinition(d).ok());
  d.id = "id-2";
  EXPECT_EQ(store_->PutTagDefinition(d).code(), "DUPLICATED_TAG_KEY");
  auto listed = store_->ListTagDefinitions("org-1", "category");
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].accepted_values, (std::vector<std::string>{"sales", "it"}));
  EXPECT_EQ((*listed)[0].asset_type_restrictions, std::vector<std::string>{"rest-api"});
  EXPECT_TRUE(store_->ListTagDefinitions("org-1", "field")->empty());

  auto v = Version("tagged", "1.0.0");
  v.categories = {{"department", {"sales", "it"}}};
  v.fields = {{"sla", {"99"}}};
  ASSERT_TRUE(store_->PutVersion(v).ok());
  EXPECT_EQ(store_->GetVersion(v.coordinates)->categories, v.categories);
  ASSERT_TRUE(store_->SetVersionTagValue(v.coordinates, "field", {"sla", {"42"}}).ok());
  ASSERT_TRUE(store_->SetVersionTagValue(v.coordinates, "category", {"department", {}}).ok());
  ASSERT_TRUE(store_->SetVersionTags(v.coordinates, {"fresh"}).ok());
  auto back = store_->GetVersion(v.coordinates);
  EXPECT_TRUE(back->categories.empty());
  EXPECT_EQ(back->fields, (std::vector<assets::TagValue>{{"sla", {"42"}}}));
  EXPECT_EQ(back->tags, std::vector<std::string>{"fresh"});
  EXPECT_EQ(store_->SetVersionTags({"group", "none", "1.0.0"}, {}).kind(), Status::Kind::kNotFound);
  ASSERT_TRUE(store_->DeleteTagDefinition("org-1", "category", "id-1").ok());
  EXPECT_EQ(store_->DeleteTagDefinition("org-1", "category", "id-1").kind(), Status::Kind::kNotFound);
}

}  // namespace
}  // namespace agora::storage
