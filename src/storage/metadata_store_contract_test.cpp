// One behavioural suite for every MetadataStore backend: each test runs against the embedded
// SQLite store and the PostgreSQL store (a fresh database of its own in the test cluster, see
// testing_postgres.h), so the two cannot drift apart. A new MetadataStore method gets its tests
// here, and both backends must pass them. Tests of what only one backend has (SQLite's files and
// pragmas, PostgreSQL's connections and notifications) live in metadata_store_sqlite_test.cpp and
// metadata_store_postgres_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "assets/semver.h"
#include "common/ids.h"
#include "storage/metadata_store.h"
#include "storage/testing.h"
#include "storage/testing_postgres.h"

namespace agora::storage {
namespace {

using assets::AssetVersion;
using assets::Lifecycle;

// Where a test's store lives: a file of its own, or a database of its own.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual Result<std::unique_ptr<MetadataStore>> Open() = 0;
};

class SqliteBackend : public Backend {
 public:
  Result<std::unique_ptr<MetadataStore>> Open() override { return OpenSqliteMetadataStore(dir_.Path("agora.db")); }

 private:
  testing::TempDir dir_;
};

class PostgresBackend : public Backend {
 public:
  Result<std::unique_ptr<MetadataStore>> Open() override {
    if (!database_.ok()) return Status::Unavailable("no test database");
    return OpenPostgresMetadataStore(database_.url());
  }

 private:
  testing::PostgresDatabase database_;
};

class MetadataStoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") backend_ = std::make_unique<SqliteBackend>();
    else backend_ = std::make_unique<PostgresBackend>();
    Reopen();
  }
  void Reopen() {
    store_.reset();
    auto store = backend_->Open();
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  // A version of group "group" with every kind of child row.
  static AssetVersion Version(const std::string& asset, const std::string& version,
                              Lifecycle status = Lifecycle::kPublished) {
    AssetVersion v;
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

  // A bare version of group "com.example", created at `created_millis`.
  static AssetVersion MakeVersion(const std::string& asset, const std::string& version, int64_t created_millis,
                                  Lifecycle status = Lifecycle::kPublished) {
    AssetVersion v;
    v.organization_id = "org-a";
    v.coordinates = {"com.example", asset, version};
    v.type = "rest-api";
    v.name = asset + " " + version;
    v.status = status;
    v.created_millis = v.updated_millis = created_millis;
    return v;
  }

  // Stores a version of group (and organisation) `org` with only these searchable words.
  void Put(const std::string& asset, const std::string& version, const std::string& name, const std::string& description,
           const std::string& type = "rest-api", const std::string& org = "org-1",
           Lifecycle status = Lifecycle::kPublished) {
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

  // "assetId@version" of what the query finds, in order.
  std::vector<std::string> Find(AssetQuery q) {
    auto found = store_->FindVersions(q);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    std::vector<std::string> ids;
    if (found.ok())
      for (const auto& v : *found) ids.push_back(v.coordinates.asset_id + "@" + v.coordinates.version);
    return ids;
  }

  std::unique_ptr<Backend> backend_;
  std::unique_ptr<MetadataStore> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, MetadataStoreContract, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST_P(MetadataStoreContract, VersionsRoundTripWithAllTheirParts) {
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

TEST_P(MetadataStoreContract, PublishedVersionsAreImmutableDevelopmentOnesReplaceable) {
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

TEST_P(MetadataStoreContract, GroupsBelongToTheFirstPublisher) {
  ASSERT_TRUE(store_->PutVersion(Version("api", "1.0.0")).ok());
  EXPECT_EQ(*store_->GroupOwner("group"), "org-1");
  auto intruder = Version("other", "1.0.0");
  intruder.organization_id = "org-2";
  EXPECT_EQ(store_->PutVersion(intruder).http_status(), 403);
  EXPECT_EQ(store_->GroupOwner("nobody").status().kind(), Status::Kind::kNotFound);
}

TEST_P(MetadataStoreContract, OrganisationsAndTokens) {
  ASSERT_TRUE(store_->CreateOrganization({"org-1", "One", "", 1}).ok());
  EXPECT_EQ(store_->CreateOrganization({"org-1", "Dup", "", 2}).http_status(), 409);
  EXPECT_EQ(store_->GetOrganization("org-1")->name, "One");
  EXPECT_EQ(store_->ListOrganizations()->size(), 1u);
  ASSERT_TRUE(store_->CreateToken({"hash", "org-1", "viewer", "bob", 1, 0}).ok());
  EXPECT_EQ(store_->FindToken("hash")->subject, "bob");
  EXPECT_EQ(store_->FindToken("nope").status().kind(), Status::Kind::kNotFound);
  EXPECT_FALSE(store_->CreateToken({"h2", "no-such-org", "viewer", "x", 1, 0}).ok()) << "tokens need an org";
  ASSERT_TRUE(store_->DeleteToken("hash").ok());
  EXPECT_EQ(store_->FindToken("hash").status().kind(), Status::Kind::kNotFound) << "a revoked token is gone";
}

TEST_P(MetadataStoreContract, JobsAndBlobReferences) {
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

TEST_P(MetadataStoreContract, ConcurrentWritersAndReaders) {
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


TEST_P(MetadataStoreContract, NameMatchesOutrankDescriptionMatchesAndPrefixesMatch) {
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

TEST_P(MetadataStoreContract, LatestVersionsFiltersAndPages) {
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

TEST_P(MetadataStoreContract, CategoryFieldValuesAndApiTermsAreSearchable) {
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


// The store remembers the ids of models it stored lately: a remembered model whose row went with
// its last version is stored again, and a model differing only in its terms is a model of its own.
TEST_P(MetadataStoreContract, ARememberedApiModelIsStoredAgainOnceItsRowIsGone) {
  auto v = Version("modelled", "1.0.0");
  v.api_model = std::string(100000, 'm');
  v.api_terms = "warehouses";
  ASSERT_TRUE(store_->PutVersion(v).ok());
  ASSERT_TRUE(store_->DeleteVersion(v.coordinates, /*soft=*/false, 5).ok());
  ASSERT_TRUE(store_->PutVersion(v).ok());
  EXPECT_EQ(*store_->GetApiModel(v.coordinates), v.api_model);
  auto other = Version("other-terms", "1.0.0");
  other.api_model = v.api_model;
  other.api_terms = "warehousez";
  auto copy = Version("same-model", "1.0.0");
  copy.api_model = v.api_model;
  copy.api_terms = v.api_terms;
  ASSERT_TRUE(store_->PutVersions({other, copy}).ok());
  EXPECT_EQ(*store_->GetApiModel(copy.coordinates), v.api_model);
  AssetQuery q;
  q.search = "warehousez";
  EXPECT_EQ(Find(q), (std::vector<std::string>{"other-terms@1.0.0"}));
  q.search = "warehouses";
  auto found = Find(q);
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<std::string>{"modelled@1.0.0", "same-model@1.0.0"}));
  EXPECT_TRUE(store_->CheckIntegrity().ok());
}

TEST_P(MetadataStoreContract, PortalsDraftsPublishingAndBlobReferences) {
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

TEST_P(MetadataStoreContract, ReplacingADevelopmentVersionReindexesIt) {
  Put("dev", "1.0.0", "Original words", "", "custom", "org-1", assets::Lifecycle::kDevelopment);
  Put("dev", "1.0.0", "Replacement", "", "custom", "org-1", assets::Lifecycle::kDevelopment);
  AssetQuery q;
  q.search = "original";
  EXPECT_TRUE(Find(q).empty());
  q.search = "replacement";
  EXPECT_EQ(Find(q).size(), 1u);
}


TEST_P(MetadataStoreContract, FindsVersionsByTag) {
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


TEST_P(MetadataStoreContract, StatusAndDetailsEditsReachEveryVersion) {
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

TEST_P(MetadataStoreContract, AnAssetsIconIsAFileOfEveryVersion) {
  ASSERT_TRUE(store_->PutVersion(Version("api", "1.0.0")).ok());
  ASSERT_TRUE(store_->PutVersion(Version("api", "1.0.1")).ok());
  const size_t files = store_->GetVersion({"group", "api", "1.0.0"})->files.size();
  const assets::AssetFile png{"icon", "png", std::string(64, 'c'), "md5", "sha1", 5, "", false, 7};
  ASSERT_TRUE(store_->SetAssetIcon("group", "api", png, 44).ok());
  assets::AssetFile svg = png;
  svg.packaging = "svg";
  svg.sha256 = std::string(64, 'd');
  ASSERT_TRUE(store_->SetAssetIcon("group", "api", svg, 45).ok());
  for (const char* v : {"1.0.0", "1.0.1"}) {
    auto version = store_->GetVersion({"group", "api", v});
    ASSERT_EQ(version->files.size(), files + 1) << "the new icon replaces the old one";
    EXPECT_EQ(version->files.back().packaging, "svg");
    EXPECT_EQ(version->files.back().sha256, svg.sha256);
    EXPECT_EQ(version->updated_millis, 45);
  }
  EXPECT_TRUE(*store_->IsBlobReferenced(svg.sha256));
  EXPECT_FALSE(*store_->IsBlobReferenced(png.sha256));
  // The publication rules' facts carry it, for a new version to hold too.
  auto facts = store_->GetVersionRuleFacts("group", "api", "1.0.2", false);
  ASSERT_TRUE(facts.ok() && facts->details && facts->details->icon) << facts.status().ToString();
  EXPECT_EQ(facts->details->icon->sha256, svg.sha256);
  EXPECT_EQ(facts->details->icon->packaging, "svg");
  EXPECT_EQ(facts->details->icon->size, 5u);
  ASSERT_TRUE(store_->SetAssetIcon("group", "api", std::nullopt, 46).ok());
  EXPECT_FALSE(store_->GetVersionRuleFacts("group", "api", "1.0.2", false)->details->icon.has_value());
  EXPECT_EQ(store_->GetVersion({"group", "api", "1.0.1"})->files.size(), files);
  EXPECT_FALSE(*store_->IsBlobReferenced(svg.sha256));
  EXPECT_EQ(store_->SetAssetIcon("group", "none", png, 47).kind(), Status::Kind::kNotFound);
}

TEST_P(MetadataStoreContract, SoftDeleteReservesCoordinatesHardDeleteFreesThem) {
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
  EXPECT_EQ(store_->DeleteVersion({"group", "user", "1.0.0"}, /*soft=*/true, 9).kind(), Status::Kind::kNotFound)
      << "a soft-deleted version cannot be soft-deleted again";
  ASSERT_TRUE(store_->ForgetSoftDeleted({"group", "user", "1.0.0"}).ok())
      << "a hard delete frees a soft-deleted version's coordinates";
  EXPECT_TRUE(store_->ListSoftDeleted("org-1", 0, 10)->empty());
  EXPECT_TRUE(store_->ListReservedVersions("group", "user")->empty());
  EXPECT_EQ(store_->ForgetSoftDeleted({"group", "user", "1.0.0"}).kind(), Status::Kind::kNotFound);
  EXPECT_TRUE(store_->PutVersion(user).ok());
  EXPECT_EQ(store_->ForgetSoftDeleted({"group", "user", "1.0.0"}).kind(), Status::Kind::kNotFound)
      << "a live version is not a reservation to forget";
  EXPECT_TRUE(store_->GetVersion({"group", "user", "1.0.0"}).ok());
  EXPECT_TRUE(store_->CheckIntegrity().ok());
}


TEST_P(MetadataStoreContract, PutVersionsIsAllOrNothing) {
  ASSERT_TRUE(store_->PutVersions({Version("bulk-a", "1.0.0"), Version("bulk-b", "1.0.0")}).ok());
  EXPECT_TRUE(store_->GetVersion({"group", "bulk-b", "1.0.0"}).ok());
  const Status st = store_->PutVersions({Version("bulk-c", "1.0.0"), Version("bulk-a", "1.0.0")});
  EXPECT_EQ(st.code(), "ASSET_PRE_CONDITIONS_FAILED");
  EXPECT_EQ(store_->GetVersion({"group", "bulk-c", "1.0.0"}).status().kind(), Status::Kind::kNotFound);
}


TEST_P(MetadataStoreContract, NameMatchesComeFirstAcrossPages) {
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


TEST_P(MetadataStoreContract, TagDefinitionsAndVersionValues) {
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

TEST_P(MetadataStoreContract, UpdatingADefinitionReplacesItButNotAnothersKey) {
  TagDefinition d{"id-1", "org-1", "field", "sla", "SLA", "text", {}, {}};
  ASSERT_TRUE(store_->PutTagDefinition(d).ok());
  ASSERT_TRUE(store_->PutTagDefinition({"id-2", "org-1", "field", "owner", "Owner", "text", {}, {}}).ok());
  d.display_name = "Service level";
  d.asset_type_restrictions = {"rest-api", "soap-api"};
  ASSERT_TRUE(store_->UpdateTagDefinition(d).ok());
  auto listed = store_->ListTagDefinitions("org-1", "field");
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[1].id, "id-1");
  EXPECT_EQ((*listed)[1].display_name, "Service level");
  EXPECT_EQ((*listed)[1].asset_type_restrictions, (std::vector<std::string>{"rest-api", "soap-api"}));
  d.tag_key = "owner";
  EXPECT_EQ(store_->UpdateTagDefinition(d).code(), "DUPLICATED_TAG_KEY");
  EXPECT_EQ(store_->ListTagDefinitions("org-1", "field")->at(1).tag_key, "sla");
  EXPECT_EQ(store_->PutTagDefinition(d).kind(), Status::Kind::kConflict) << "putting an existing id again is no update";
}

// A change finds the definition it changes, or fails: a definition deleted since it was read is
// not brought back, nor is one of another organisation or kind changed.
TEST_P(MetadataStoreContract, UpdatingADefinitionChangesOnlyOneThatExists) {
  TagDefinition d{"id-1", "org-1", "field", "sla", "SLA", "text", {}, {}};
  ASSERT_TRUE(store_->PutTagDefinition(d).ok());
  ASSERT_TRUE(store_->PutTagDefinition({"id-2", "org-1", "field", "owner", "Owner", "text", {}, {}}).ok());
  d.display_name = "Service level";
  ASSERT_TRUE(store_->UpdateTagDefinition(d).ok());
  EXPECT_EQ(store_->ListTagDefinitions("org-1", "field")->at(1).display_name, "Service level");
  TagDefinition elsewhere = d;
  elsewhere.organization_id = "org-2";
  EXPECT_EQ(store_->UpdateTagDefinition(elsewhere).kind(), Status::Kind::kNotFound);
  d.tag_key = "owner";
  EXPECT_EQ(store_->UpdateTagDefinition(d).code(), "DUPLICATED_TAG_KEY");
  ASSERT_TRUE(store_->DeleteTagDefinition("org-1", "field", "id-1").ok());
  d.tag_key = "sla";
  EXPECT_EQ(store_->UpdateTagDefinition(d).kind(), Status::Kind::kNotFound);
  EXPECT_EQ(store_->ListTagDefinitions("org-1", "field")->size(), 1u) << "not brought back";
}


TEST_P(MetadataStoreContract, APublishedVersionAnswersTheExchangeConflict) {
  ASSERT_TRUE(store_->PutVersion(MakeVersion("api", "1.0.0", 1)).ok());
  auto deprecated = MakeVersion("api", "2.0.0", 2, Lifecycle::kDeprecated);
  ASSERT_TRUE(store_->PutVersion(deprecated).ok());
  for (const auto& again : {MakeVersion("api", "1.0.0", 3), deprecated}) {
    const Status st = store_->PutVersion(again);
    EXPECT_EQ(st.kind(), Status::Kind::kConflict);
    EXPECT_EQ(st.code(), "ASSET_PRE_CONDITIONS_FAILED");
    EXPECT_EQ(st.message(), "Cannot create a new asset with the provided groupId, assetId, version, state");
    EXPECT_EQ(st.errors(),
              std::vector<std::string>{"An asset already exists with this version and published lifecycle state."});
  }
  EXPECT_EQ(store_->GetVersion({"com.example", "api", "1.0.0"})->created_millis, 1) << "the stored one is untouched";
}

TEST_P(MetadataStoreContract, ListsVersionsOldestFirstThenByVersion) {
  ASSERT_TRUE(store_->PutVersion(MakeVersion("api", "3.0.0", 10)).ok());
  ASSERT_TRUE(store_->PutVersion(MakeVersion("api", "1.0.1", 30)).ok());
  ASSERT_TRUE(store_->PutVersion(MakeVersion("api", "2.0.0", 20)).ok());
  ASSERT_TRUE(store_->PutVersion(MakeVersion("api", "1.0.0", 20)).ok());
  ASSERT_TRUE(store_->PutVersion(MakeVersion("other", "1.0.0", 5)).ok());
  auto versions = store_->ListVersions("com.example", "api");
  ASSERT_TRUE(versions.ok());
  std::vector<std::string> order;
  for (const auto& v : *versions) order.push_back(v.coordinates.version);
  EXPECT_EQ(order, (std::vector<std::string>{"3.0.0", "1.0.0", "2.0.0", "1.0.1"}));
  EXPECT_TRUE(store_->ListVersions("com.example", "absent")->empty());
}

TEST_P(MetadataStoreContract, VersionSummariesAgreeWithTheWholeVersions) {
  auto first = MakeVersion("api", "1.0.0", 10);
  first.properties = {{"mainFile", "api.raml"}, {"apiVersion", "v1"}};
  auto second = MakeVersion("api", "2.0.0", 20, Lifecycle::kDevelopment);
  second.properties = {{"apiVersion", "v2"}};
  auto third = MakeVersion("api", "1.0.1", 15, Lifecycle::kDeprecated);
  for (const auto& v : {first, second, third}) ASSERT_TRUE(store_->PutVersion(v).ok());
  ASSERT_TRUE(store_->PutVersion(MakeVersion("other", "1.0.0", 5)).ok());

  auto narrow = store_->ListVersionSummaries("com.example", "api");
  auto whole = store_->MetadataStore::ListVersionSummaries("com.example", "api");  // from ListVersions
  ASSERT_TRUE(narrow.ok() && whole.ok());
  ASSERT_EQ(narrow->size(), 3u);
  ASSERT_EQ(narrow->size(), whole->size());
  for (size_t i = 0; i < narrow->size(); ++i) {
    const auto& n = (*narrow)[i];
    const auto& w = (*whole)[i];
    EXPECT_EQ(std::tie(n.version, n.type, n.status, n.api_version, n.updated_millis),
              std::tie(w.version, w.type, w.status, w.api_version, w.updated_millis));
  }
  EXPECT_EQ((*narrow)[0].api_version, "v1");
  EXPECT_EQ((*narrow)[0].updated_millis, 10);
  EXPECT_EQ((*narrow)[1].status, Lifecycle::kDeprecated);
  EXPECT_EQ((*narrow)[2].type, "rest-api");
  EXPECT_TRUE(store_->ListVersionSummaries("com.example", "absent")->empty());
}

// Every major version is represented, by a version other than the one asked about, however many
// versions a major version holds; versions that are not SemVer are listed too (the rules skip them).
TEST_P(MetadataStoreContract, VersionRuleFactsHoldOneVersionOfEachMajorVersion) {
  std::vector<AssetVersion> versions;
  for (int patch = 0; patch < 30; ++patch) versions.push_back(MakeVersion("api", "1.0." + std::to_string(patch), patch));
  versions.push_back(MakeVersion("api", "1.1.0-rc.1", 40));
  versions.push_back(MakeVersion("api", "10.0.0", 50));
  versions.push_back(MakeVersion("api", "2.0.0", 60, Lifecycle::kDevelopment));
  versions.push_back(MakeVersion("api", "2.0.1", 70));
  versions.push_back(MakeVersion("api", "18446744073709551615.0.0", 80));  // the largest major version
  versions.push_back(MakeVersion("api", "latest", 90));
  for (auto& v : versions) {
    const auto semver = assets::ParseSemVer(v.coordinates.version);
    v.properties = {{"apiVersion", semver ? "v" + std::to_string(semver->major) : "none"}};
    ASSERT_TRUE(store_->PutVersion(v).ok());
  }
  ASSERT_TRUE(store_->PutVersion(MakeVersion("other", "3.0.0", 5)).ok());

  const auto MajorsOf = [](const VersionRuleFacts& facts) {
    std::map<std::string, std::string> majors;  // major (or the version, if not SemVer) -> apiVersion
    for (const auto& v : facts.majors) {
      const auto semver = assets::ParseSemVer(v.version);
      const std::string major = semver ? std::to_string(semver->major) : v.version;
      EXPECT_FALSE(majors.contains(major) && semver) << "major version " << major << " twice";
      EXPECT_EQ(v.type, "rest-api");
      majors[major] = v.api_version;
    }
    return majors;
  };
  auto facts = store_->GetVersionRuleFacts("com.example", "api", "3.0.0", true);
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  EXPECT_EQ(facts->type, "rest-api");
  EXPECT_FALSE(facts->same_version.has_value());
  EXPECT_EQ(MajorsOf(*facts), (std::map<std::string, std::string>{{"1", "v1"}, {"2", "v2"}, {"10", "v10"},
                                                                   {"18446744073709551615", "v18446744073709551615"},
                                                                   {"latest", "none"}}));

  // The version asked about is never its major version's witness, and its status is told apart.
  facts = store_->GetVersionRuleFacts("com.example", "api", "2.0.0", true);
  ASSERT_TRUE(facts.ok());
  EXPECT_EQ(facts->same_version, Lifecycle::kDevelopment);
  for (const auto& v : facts->majors) EXPECT_NE(v.version, "2.0.0");
  EXPECT_EQ(MajorsOf(*facts).at("2"), "v2");
  facts = store_->GetVersionRuleFacts("com.example", "api", "2.0.1", true);
  ASSERT_TRUE(facts.ok());
  EXPECT_EQ(facts->same_version, Lifecycle::kPublished);
  EXPECT_EQ(MajorsOf(*facts).size(), 5u) << "2.0.0 stands for major version 2";

  // The answer agrees with the one computed from every version.
  auto whole = store_->MetadataStore::GetVersionRuleFacts("com.example", "api", "3.0.0", true);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->type, "rest-api");
  EXPECT_EQ(whole->majors.size(), versions.size());
  const auto narrow = store_->GetVersionRuleFacts("com.example", "api", "3.0.0", true);
  ASSERT_TRUE(narrow.ok() && narrow->details && whole->details);
  EXPECT_EQ(narrow->details->name, whole->details->name);

  facts = store_->GetVersionRuleFacts("com.example", "absent", "1.0.0", true);
  ASSERT_TRUE(facts.ok());
  EXPECT_TRUE(facts->type.empty());
  EXPECT_FALSE(facts->same_version.has_value());
  EXPECT_TRUE(facts->majors.empty());
  EXPECT_FALSE(facts->details.has_value()) << "a first version has no details to follow";
}

// Name, description and contact are the asset's: the newest other version tells them.
TEST_P(MetadataStoreContract, VersionRuleFactsTellTheAssetsDetails) {
  auto first = MakeVersion("named", "1.0.0", 1);
  first.name = "First name";
  first.description = "First description";
  first.contact_name = "Ada";
  first.contact_email = "ada@example.com";
  ASSERT_TRUE(store_->PutVersion(first).ok());
  auto facts = store_->GetVersionRuleFacts("com.example", "named", "1.0.0", true);
  ASSERT_TRUE(facts.ok());
  EXPECT_FALSE(facts->details.has_value()) << "the version itself does not count";
  facts = store_->GetVersionRuleFacts("com.example", "named", "1.0.1", true);
  ASSERT_TRUE(facts.ok() && facts->details);
  EXPECT_EQ(facts->details->name, "First name");
  EXPECT_EQ(facts->details->description, "First description");
  EXPECT_EQ(facts->details->contact_name, "Ada");
  EXPECT_EQ(facts->details->contact_email, "ada@example.com");
  EXPECT_EQ(facts->majors.size(), 1u);
  // Without the apiVersion rule the majors are not looked for; the rest is still told.
  facts = store_->GetVersionRuleFacts("com.example", "named", "1.0.1", false);
  ASSERT_TRUE(facts.ok() && facts->details);
  EXPECT_TRUE(facts->majors.empty());
  EXPECT_EQ(facts->type, "rest-api");
  EXPECT_EQ(facts->details->name, "First name");
  auto whole = store_->MetadataStore::GetVersionRuleFacts("com.example", "named", "1.0.1", false);
  ASSERT_TRUE(whole.ok() && whole->details);
  EXPECT_TRUE(whole->majors.empty());
}

TEST_P(MetadataStoreContract, TheAssetTypeIsFixedByTheFirstVersion) {
  ASSERT_TRUE(store_->PutVersion(MakeVersion("api", "1.0.0", 1)).ok());
  auto second = MakeVersion("api", "1.0.1", 2);
  second.type = "raml-fragment";
  ASSERT_TRUE(store_->PutVersion(second).ok());
  EXPECT_EQ(store_->GetVersion(second.coordinates)->type, "rest-api");
}

TEST_P(MetadataStoreContract, ReplacingADevelopmentVersionReplacesEveryChildRow) {
  auto dev = MakeVersion("api", "1.0.0", 1, Lifecycle::kDevelopment);
  dev.tags = {"old-tag"};
  dev.keywords = {"old-keyword"};
  dev.properties = {{"zeta", "1"}, {"alpha", "2"}, {"mid", "3"}};
  dev.dependencies = {{"com.example", "dep", "1.0.0"}, {"com.example", "dep", "0.9.0"}};
  dev.files = {{"oas", "zip", std::string(64, '1'), "m", "s", 4, "api.yaml", false, 1}};
  ASSERT_TRUE(store_->PutVersion(dev).ok());
  auto back = store_->GetVersion(dev.coordinates);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->properties.size(), 3u);
  EXPECT_EQ(back->properties[0].key, "zeta") << "properties keep their form order, not key order";
  EXPECT_EQ(back->properties[2].value, "3");
  EXPECT_EQ(back->dependencies[1].version, "0.9.0");

  auto replacement = MakeVersion("api", "1.0.0", 2, Lifecycle::kPublished);
  replacement.files = {{"raml", "zip", std::string(64, '2'), "m", "s", 5, "api.raml", true, 2}};
  ASSERT_TRUE(store_->PutVersion(replacement).ok());
  back = store_->GetVersion(dev.coordinates);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->tags.empty());
  EXPECT_TRUE(back->keywords.empty());
  EXPECT_TRUE(back->properties.empty());
  EXPECT_TRUE(back->dependencies.empty());
  ASSERT_EQ(back->files.size(), 1u);
  EXPECT_TRUE(back->files[0].is_generated);
  EXPECT_EQ(back->status, Lifecycle::kPublished);
  EXPECT_FALSE(*store_->IsBlobReferenced(std::string(64, '1'))) << "the replaced file is no longer referenced";
  EXPECT_EQ(store_->ListDependents({"com.example", "dep", "1.0.0"})->size(), 0u);
  EXPECT_EQ(store_->PutVersion(replacement).code(), "ASSET_PRE_CONDITIONS_FAILED") << "now it is published";
  EXPECT_TRUE(store_->CheckIntegrity().ok());
}

TEST_P(MetadataStoreContract, AFailedPutLeavesNothingBehind) {
  ASSERT_TRUE(store_->PutVersion(MakeVersion("api", "1.0.0", 1)).ok());
  auto intruder = MakeVersion("new-asset", "1.0.0", 2);
  intruder.organization_id = "org-b";
  EXPECT_EQ(store_->PutVersion(intruder).kind(), Status::Kind::kForbidden);
  EXPECT_EQ(store_->GetVersion(intruder.coordinates).status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(*store_->GroupOwner("com.example"), "org-a");
  auto elsewhere = intruder;
  elsewhere.coordinates.group_id = "org.b";
  ASSERT_TRUE(store_->PutVersion(elsewhere).ok()) << "another group is free to claim";
  EXPECT_EQ(*store_->GroupOwner("org.b"), "org-b");
}

TEST_P(MetadataStoreContract, JobsAreReplacedWithTheirBlobReferences) {
  const std::string upload(64, 'u'), rewritten(64, 'r'), shared(64, 's');
  auto version = MakeVersion("api", "1.0.0", 1);
  version.files = {{"oas", "zip", shared, "m", "s", 1, "", false, 1}};
  ASSERT_TRUE(store_->PutVersion(version).ok());
  PublicationJob later{"run-b", "org-a", {"com.example", "api", "2.0.0"}, "publication", "running", "rest-api",
                       "[]", "{}", {shared}, 20, 20};
  PublicationJob earlier{"run-a", "org-a", {"com.example", "api", "1.1.0"}, "mutabledata", "queued", "rest-api",
                         "[{\"status\":\"pending\"}]", "{\"a\":1}", {upload}, 10, 10};
  ASSERT_TRUE(store_->PutJob(later).ok());
  ASSERT_TRUE(store_->PutJob(earlier).ok());

  auto unfinished = store_->ListUnfinishedJobs();
  ASSERT_TRUE(unfinished.ok());
  ASSERT_EQ(unfinished->size(), 2u);
  EXPECT_EQ((*unfinished)[0].run_id, "run-a") << "oldest first";
  EXPECT_EQ((*unfinished)[0].kind, "mutabledata");
  EXPECT_EQ((*unfinished)[0].steps_json, "[{\"status\":\"pending\"}]");
  EXPECT_EQ((*unfinished)[0].coordinates.version, "1.1.0");
  auto referenced = store_->ReferencedBlobs();
  std::sort(referenced->begin(), referenced->end());
  EXPECT_EQ(*referenced, (std::vector<std::string>{shared, upload}))
      << "each blob once, even when a version and a job both hold it";

  earlier.blob_refs = {rewritten};
  earlier.status = "running";
  ASSERT_TRUE(store_->PutJob(earlier).ok());
  EXPECT_FALSE(*store_->IsBlobReferenced(upload)) << "the replaced row's references go with it";
  EXPECT_TRUE(*store_->IsBlobReferenced(rewritten));
  later.status = "completed";
  ASSERT_TRUE(store_->PutJob(later).ok());
  EXPECT_TRUE(*store_->IsBlobReferenced(shared)) << "still a version file";
  EXPECT_EQ(store_->ListUnfinishedJobs()->size(), 1u);
  EXPECT_EQ(store_->GetJob("run-b")->status, "completed");
  EXPECT_EQ(store_->GetJob("run-x").status().kind(), Status::Kind::kNotFound);
}

TEST_P(MetadataStoreContract, DuplicateTokensAndMissingOrganisations) {
  ASSERT_TRUE(store_->CreateOrganization({"org-a", "A", "", 1}).ok());
  ASSERT_TRUE(store_->CreateOrganization({"org-c", "Child", "org-a", 2}).ok());
  EXPECT_EQ(store_->GetOrganization("org-c")->parent_id, "org-a");
  EXPECT_EQ(store_->GetOrganization("org-z").status().kind(), Status::Kind::kNotFound);
  ASSERT_TRUE(store_->CreateToken({"hash", "org-a", "admin", "admin-token", 1, 99}).ok());
  EXPECT_EQ(store_->CreateToken({"hash", "org-c", "viewer", "eve", 2, 0}).kind(), Status::Kind::kConflict);
  auto token = store_->FindToken("hash");
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->organization_id, "org-a");
  EXPECT_EQ(token->role, "admin");
  EXPECT_EQ(token->expires_millis, 99);
}

// Concurrent writers share commits; each keeps its own outcome: the duplicates fail alone and take
// nothing of the others' writes with them.
TEST_P(MetadataStoreContract, ConcurrentWritesCommitTogetherWithTheirOwnOutcomes) {
  ASSERT_TRUE(store_->CreateOrganization({"org-1", "Org", "", 1}).ok());
  constexpr int kWriters = 24;
  std::vector<Status> users(kWriters), versions(kWriters);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      users[i] = store_->CreateUser({"u" + std::to_string(i), "same-name", "hash", "org-1", "viewer", 1});
      versions[i] = store_->PutVersion(MakeVersion("api" + std::to_string(i % (kWriters / 2)), "1.0.0", 1));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count_if(users.begin(), users.end(), [](const Status& s) { return s.ok(); }), 1);
  for (const auto& st : users)
    if (!st.ok()) EXPECT_EQ(st.code(), "USER_EXISTS");
  EXPECT_EQ(std::count_if(versions.begin(), versions.end(), [](const Status& s) { return s.ok(); }), kWriters / 2)
      << "each coordinate is stored once; its second writer conflicts";
  for (int i = 0; i < kWriters / 2; ++i)
    EXPECT_TRUE(store_->GetVersion({"com.example", "api" + std::to_string(i), "1.0.0"}).ok()) << i;
  EXPECT_TRUE(store_->FindUser("same-name").ok());
  EXPECT_TRUE(store_->CheckIntegrity().ok());
}

// A bulk write that fails after storing part of its versions keeps none of them, whichever
// writers share its transaction.
TEST_P(MetadataStoreContract, AWriteThatFailsAfterWritingLeavesNoTraceInItsGroup) {
  ASSERT_TRUE(store_->PutVersion(MakeVersion("taken", "1.0.0", 1)).ok());
  constexpr int kWriters = 48;
  std::vector<Status> bulk(kWriters), single(kWriters);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      const std::string n = std::to_string(i);
      bulk[i] = store_->PutVersions({MakeVersion("partial" + n, "1.0.0", 2), MakeVersion("taken", "1.0.0", 2)});
      single[i] = store_->PutVersion(MakeVersion("whole" + n, "1.0.0", 3));
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kWriters; ++i) {
    const std::string n = std::to_string(i);
    EXPECT_EQ(bulk[i].code(), "ASSET_PRE_CONDITIONS_FAILED") << i;
    EXPECT_TRUE(single[i].ok()) << single[i].ToString();
    EXPECT_EQ(store_->GetVersion({"com.example", "partial" + n, "1.0.0"}).status().kind(), Status::Kind::kNotFound);
    EXPECT_TRUE(store_->GetVersion({"com.example", "whole" + n, "1.0.0"}).ok()) << i;
  }
  EXPECT_TRUE(store_->CheckIntegrity().ok());
}

TEST_P(MetadataStoreContract, CompatibilityRulesAreSetReplacedAndRemovedPerScope) {
  EXPECT_EQ(*store_->GetCompatibilityRule("organization:o1"), "");
  ASSERT_TRUE(store_->SetCompatibilityRule("organization:o1", "BACKWARD").ok());
  ASSERT_TRUE(store_->SetCompatibilityRule("asset:g:a", "BACKWARD_TRANSITIVE").ok());
  EXPECT_EQ(*store_->GetCompatibilityRule("organization:o1"), "BACKWARD");
  EXPECT_EQ(*store_->GetCompatibilityRule("asset:g:a"), "BACKWARD_TRANSITIVE");
  EXPECT_EQ(*store_->GetCompatibilityRule("organization:o2"), "") << "scopes are independent";
  ASSERT_TRUE(store_->SetCompatibilityRule("organization:o1", "NONE").ok());
  EXPECT_EQ(*store_->GetCompatibilityRule("organization:o1"), "NONE") << "a rule is replaced";
  Reopen();
  EXPECT_EQ(*store_->GetCompatibilityRule("asset:g:a"), "BACKWARD_TRANSITIVE") << "rules are durable";
  ASSERT_TRUE(store_->SetCompatibilityRule("asset:g:a", "").ok());
  EXPECT_EQ(*store_->GetCompatibilityRule("asset:g:a"), "") << "an empty rule removes it";
  ASSERT_TRUE(store_->SetCompatibilityRule("asset:g:a", "").ok()) << "removing nothing is fine";
}

TEST_P(MetadataStoreContract, ASettingIsCreatedOnceAndThenKept) {
  EXPECT_EQ(*store_->GetOrCreateSetting("link_key", "first"), "first");
  EXPECT_EQ(*store_->GetOrCreateSetting("link_key", "second"), "first") << "whoever asks later gets the first value";
  Reopen();
  EXPECT_EQ(*store_->GetOrCreateSetting("link_key", "third"), "first");
}

// The ranking both backends must give, where their scoring functions (SQLite's bm25, PostgreSQL's
// ts_rank) differ in detail: a name match, then an assetId match (the first tier), then keywords
// and tags, then category and field values, then the description and the API's words; equal
// ranks by name, ignoring case. (bm25 also prefers shorter documents, ts_rank does not: the
// description and API documents below are ordered both ways.)
TEST_P(MetadataStoreContract, GoldenRankingOrder) {
  auto put = [&](const std::string& asset, const std::string& name, auto&& edit) {
    auto v = Version(asset, "1.0.0");
    v.name = name;
    v.description = "A service";
    v.keywords = {};
    v.tags = {};
    edit(v);
    ASSERT_TRUE(store_->PutVersion(v).ok());
  };
  put("in-description", "Mu", [](AssetVersion& v) { v.description = "Orbit of satellites"; });
  put("in-category", "lambda", [](AssetVersion& v) { v.categories = {{"domain", {"Orbital"}}}; });
  put("orbital-id", "Zeta", [](AssetVersion&) {});
  put("in-keywords", "Kappa", [](AssetVersion& v) { v.keywords = {"orbit"}; });
  put("in-name", "Orbit tracker", [](AssetVersion&) {});
  put("in-api", "Nu", [](AssetVersion& v) { v.api_terms = "getOrbit /orbits"; });
  put("nowhere", "Orbiter", [](AssetVersion& v) { v.name = "Satellite"; });
  const std::vector<std::string> golden = {"in-name@1.0.0", "orbital-id@1.0.0", "in-keywords@1.0.0",
                                           "in-category@1.0.0", "in-description@1.0.0", "in-api@1.0.0"};
  AssetQuery q;
  for (const char* text : {"orbit", "ORB", "orb"}) {
    q.search = text;
    EXPECT_EQ(Find(q), golden) << text;
  }
  q.search = "orb";
  q.limit = 2;
  q.offset = 2;
  EXPECT_EQ(Find(q), (std::vector<std::string>{"in-keywords@1.0.0", "in-category@1.0.0"})) << "pages keep the order";
  q = AssetQuery{};
  q.search = "orb satel";
  EXPECT_EQ(Find(q), (std::vector<std::string>{"in-description@1.0.0"})) << "every word must match";
}

TEST_P(MetadataStoreContract, SearchIgnoresCaseDiacriticsAndPunctuation) {
  Put("cafe", "1.0.0", "Café Orders", "Läuft über HTTP/2 and e-mail: ops@example.com");
  Put("other", "1.0.0", "Other", "Nothing");
  AssetQuery q;
  for (const char* text : {"cafe", "CAFÉ", "café orders", "lauft", "uber http", "ops example", "e mail", "http/2"}) {
    q.search = text;
    EXPECT_EQ(Find(q), std::vector<std::string>{"cafe@1.0.0"}) << text;
  }
  for (const char* text : {"caff", "orders-x", "zq:*"}) {
    q.search = text;
    EXPECT_TRUE(Find(q).empty()) << text;
  }
  for (const char* text : {"'", "\\", "!", "(", "&|", "<->", "\"", "*:", ":*", "|"}) {
    q.search = std::string("orders ") + text;
    EXPECT_EQ(Find(q).size(), 1u) << "query syntax is only ever words: " << text;
  }
}

TEST_P(MetadataStoreContract, SortsByNameOrDateEitherWay) {
  Put("b", "1.0.0", "beta", "");
  Put("a", "1.0.0", "Alpha", "");
  Put("c", "1.0.0", "Gamma", "");
  AssetQuery q;
  q.sort = "name";
  EXPECT_EQ(Find(q), (std::vector<std::string>{"a@1.0.0", "b@1.0.0", "c@1.0.0"})) << "names ignore ASCII case";
  q.ascending = false;
  EXPECT_EQ(Find(q), (std::vector<std::string>{"c@1.0.0", "b@1.0.0", "a@1.0.0"}));
  q.sort = "createdDate";
  q.ascending = true;
  EXPECT_EQ(Find(q).size(), 3u);
}

TEST_P(MetadataStoreContract, SortsByLastUpdate) {
  Put("first", "1.0.0", "First", "");
  Put("second", "1.0.0", "Second", "");
  ASSERT_TRUE(store_->UpdateAssetDetails("org-1", "first", {std::string("First again"), {}, {}, {}}, NowMillis() + 1000).ok());
  AssetQuery q;
  q.sort = "updatedDate";
  q.ascending = false;
  EXPECT_EQ(Find(q), (std::vector<std::string>{"first@1.0.0", "second@1.0.0"}));
  q.ascending = true;
  EXPECT_EQ(Find(q), (std::vector<std::string>{"second@1.0.0", "first@1.0.0"}));
}

TEST_P(MetadataStoreContract, CategoryAndFieldFiltersNeedEveryKeyAndAnyOfItsValues) {
  auto put = [&](const std::string& asset, std::vector<assets::TagValue> categories, std::vector<assets::TagValue> fields) {
    auto v = Version(asset, "1.0.0");
    v.dependencies = {};
    v.categories = std::move(categories);
    v.fields = std::move(fields);
    ASSERT_TRUE(store_->PutVersion(v).ok());
  };
  put("sales", {{"domain", {"Sales"}}}, {{"owner", {"Team T"}}});
  put("finance", {{"domain", {"Finance", "Sales"}}}, {});
  put("none", {}, {});
  AssetQuery q;
  q.tag_values = {{"category", "domain", "Sales"}};
  EXPECT_EQ(Find(q), (std::vector<std::string>{"sales@1.0.0", "finance@1.0.0"})) << "same names: in the order stored";
  q.tag_values = {{"category", "domain", "Finance"}, {"category", "domain", "Nothing"}};
  EXPECT_EQ(Find(q), (std::vector<std::string>{"finance@1.0.0"})) << "values of one key are alternatives";
  q.tag_values = {{"category", "domain", "Sales"}, {"field", "owner", "Team T"}};
  EXPECT_EQ(Find(q), (std::vector<std::string>{"sales@1.0.0"})) << "keys must all match";
  q.tag_values = {{"field", "domain", "Sales"}};
  EXPECT_TRUE(Find(q).empty()) << "a field is not a category";
}

TEST_P(MetadataStoreContract, VersionFacetsAndFullTextMatchesInBulk) {
  auto v = Version("api", "1.0.0", Lifecycle::kDeprecated);
  v.name = "Orders";
  v.tags = {"b", "a"};
  v.categories = {{"domain", {"Sales"}}};
  v.fields = {{"owner", {"T1", "T2"}}};
  ASSERT_TRUE(store_->PutVersion(v).ok());
  Put("api", "2.0.0", "Orders", "Newer");
  Put("other", "1.0.0", "Payments", "Cards", "custom", "org-2");
  auto all = store_->ListVersionFacets();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3u);
  const auto first = std::find_if(all->begin(), all->end(), [](const auto& f) {
    return f.coordinates.version == "1.0.0" && f.coordinates.asset_id == "api";
  });
  ASSERT_NE(first, all->end());
  EXPECT_EQ(first->organization_id, "org-1");
  EXPECT_EQ(first->type, "rest-api");
  EXPECT_EQ(first->status, Lifecycle::kDeprecated);
  EXPECT_EQ(first->name, "Orders");
  EXPECT_EQ(first->tags, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(first->categories, (std::vector<assets::TagValue>{{"domain", {"Sales"}}}));
  EXPECT_EQ(first->fields, (std::vector<assets::TagValue>{{"owner", {"T1", "T2"}}}));

  std::map<int64_t, std::string> asset_by_key;  // the keys matches answer, as the facets carry them
  for (const auto& f : *all) asset_by_key[f.version_key] = f.coordinates.asset_id + "@" + f.coordinates.version;
  ASSERT_EQ(asset_by_key.size(), 3u) << "every version has its own key";
  auto named = [&](const std::vector<int64_t>& keys) {
    std::set<std::string> out;
    for (int64_t key : keys) out.insert(asset_by_key.count(key) ? asset_by_key[key] : "unknown key");
    return out;
  };
  auto matches = store_->MatchVersions("ord");
  ASSERT_TRUE(matches.ok()) << matches.status().ToString();
  EXPECT_EQ(named(*matches), (std::set<std::string>{"api@1.0.0", "api@2.0.0"})) << "every version, not only the latest";
  EXPECT_EQ(named(*store_->MatchVersions("cards pay")), (std::set<std::string>{"other@1.0.0"}));
  EXPECT_TRUE(store_->MatchVersions("***")->empty());
  EXPECT_TRUE(store_->MatchVersions("\"; DROP TABLE versions; --")->empty());
  // Bytes that are no UTF-8 separate words: a search never fails on them (PostgreSQL refuses them).
  auto malformed = store_->MatchVersions("ord\xF0\x28\x8C\x28");
  ASSERT_TRUE(malformed.ok()) << malformed.status().ToString();
  EXPECT_EQ(malformed->size(), 2u);
  AssetQuery q;
  q.search = "\xC3\x28ord\xED\xA0\x80";
  EXPECT_EQ(Find(q).size(), 2u) << "the latest Orders of each group";
}

TEST_P(MetadataStoreContract, OrganisationTreesAndEnvironments) {
  ASSERT_TRUE(store_->CreateOrganization({"root", "Root", "", 1}).ok());
  ASSERT_TRUE(store_->CreateOrganization({"child", "Child", "root", 2}).ok());
  ASSERT_TRUE(store_->CreateOrganization({"grandchild", "Grandchild", "child", 3}).ok());
  ASSERT_TRUE(store_->CreateOrganization({"other", "Other", "", 4}).ok());
  auto tree = store_->ListOrganizationTree("root");
  ASSERT_TRUE(tree.ok());
  std::vector<std::string> ids;
  for (const auto& o : *tree) ids.push_back(o.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"root", "child", "grandchild"}));
  EXPECT_EQ(store_->ListOrganizationTree("nobody").status().kind(), Status::Kind::kNotFound);
  auto environments = store_->ListEnvironments("child");
  ASSERT_EQ(environments->size(), 2u);
  EXPECT_EQ((*environments)[0].name, "Production");
  EXPECT_TRUE((*environments)[0].is_production);
  EXPECT_EQ((*environments)[1].name, "Sandbox");
  EXPECT_NE((*environments)[0].id, (*environments)[1].id);
}

TEST_P(MetadataStoreContract, UsersAndConnectedApps) {
  ASSERT_TRUE(store_->CreateOrganization({"org-1", "One", "", 1}).ok());
  ASSERT_TRUE(store_->CreateUser({"u1", "alice", "$argon2id$hash", "org-1", "admin", 5, false}).ok());
  EXPECT_EQ(store_->CreateUser({"u2", "alice", "x", "org-1", "viewer", 6, false}).code(), "USER_EXISTS");
  auto alice = store_->FindUser("alice");
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(alice->id, "u1");
  EXPECT_EQ(alice->password_hash, "$argon2id$hash");
  EXPECT_EQ(store_->FindUser("bob").status().kind(), Status::Kind::kNotFound);
  ASSERT_TRUE(store_->CreateClient({"client-1", "secret-hash", "CI", "org-1", "contributor", 7}).ok());
  EXPECT_EQ(store_->FindClient("client-1")->role, "contributor");
  EXPECT_EQ(store_->FindClient("client-2").status().kind(), Status::Kind::kNotFound);
  ASSERT_TRUE(store_->CreateToken({"h", "org-1", "admin", "alice", 1, 0, "u1"}).ok());
  EXPECT_EQ(store_->FindToken("h")->account_id, "u1");
}

TEST_P(MetadataStoreContract, IdentitiesAreListedChangedAndRemovedWithTheirTokens) {
  ASSERT_TRUE(store_->CreateOrganization({"org-1", "One", "", 1}).ok());
  ASSERT_TRUE(store_->CreateUser({"u1", "alice", "hash-1", "org-1", "admin", 5, false}).ok());
  ASSERT_TRUE(store_->CreateUser({"u2", "bob", "hash-2", "org-1", "viewer", 6, false}).ok());
  ASSERT_TRUE(store_->CreateClient({"c1", "secret-1", "CI", "org-1", "contributor", 7}).ok());
  ASSERT_TRUE(store_->CreateToken({"t-alice", "org-1", "admin", "alice", 10, 0, "u1"}).ok());
  ASSERT_TRUE(store_->CreateToken({"t-bob", "org-1", "viewer", "bob", 11, 0, "u2"}).ok());
  ASSERT_TRUE(store_->CreateToken({"t-ci", "org-1", "contributor", "CI", 12, 99, "c1"}).ok());
  ASSERT_TRUE(store_->CreateToken({"t-admin", "org-1", "admin", "admin", 13, 0, ""}).ok());

  auto tokens = store_->ListTokens();
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 4u);
  EXPECT_EQ((*tokens)[0].token_hash, "t-alice") << "oldest first";
  EXPECT_EQ((*tokens)[2].expires_millis, 99);
  ASSERT_TRUE(store_->SetTokenExpiry("t-admin", 1234).ok());
  EXPECT_EQ(store_->FindToken("t-admin")->expires_millis, 1234);
  EXPECT_EQ(store_->SetTokenExpiry("nope", 1).kind(), Status::Kind::kNotFound);
  ASSERT_TRUE(store_->DeleteToken("t-admin").ok());
  EXPECT_EQ(store_->FindToken("t-admin").status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(store_->DeleteToken("t-admin").kind(), Status::Kind::kNotFound);

  auto users = store_->ListUsers();
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].username, "alice");
  UserRecord alice = (*users)[0];
  alice.role = "contributor";
  alice.password_hash = "hash-new";
  ASSERT_TRUE(store_->UpdateUser(alice, /*revoke_tokens=*/false).ok());
  EXPECT_EQ(store_->FindUser("alice")->role, "contributor");
  EXPECT_TRUE(store_->FindToken("t-alice").ok()) << "tokens kept when asked";
  alice.disabled = true;
  ASSERT_TRUE(store_->UpdateUser(alice, /*revoke_tokens=*/true).ok());
  EXPECT_TRUE(store_->FindUser("alice")->disabled);
  EXPECT_EQ(store_->FindUser("alice")->password_hash, "hash-new");
  EXPECT_EQ(store_->FindToken("t-alice").status().kind(), Status::Kind::kNotFound);
  EXPECT_TRUE(store_->FindToken("t-bob").ok()) << "only the account's own tokens go";
  alice.id = "u-none";
  EXPECT_EQ(store_->UpdateUser(alice, true).kind(), Status::Kind::kNotFound);
  ASSERT_TRUE(store_->DeleteUser("u2").ok());
  EXPECT_EQ(store_->FindUser("bob").status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(store_->FindToken("t-bob").status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(store_->DeleteUser("u2").kind(), Status::Kind::kNotFound);

  auto clients = store_->ListClients();
  ASSERT_TRUE(clients.ok());
  ASSERT_EQ(clients->size(), 1u);
  ASSERT_TRUE(store_->SetClientSecret("c1", "secret-2").ok());
  EXPECT_EQ(store_->FindClient("c1")->secret_hash, "secret-2");
  EXPECT_EQ(store_->FindToken("t-ci").status().kind(), Status::Kind::kNotFound) << "a new secret ends old sessions";
  ASSERT_TRUE(store_->CreateToken({"t-ci2", "org-1", "contributor", "CI", 14, 0, "c1"}).ok());
  ASSERT_TRUE(store_->DeleteClient("c1").ok());
  EXPECT_EQ(store_->FindClient("c1").status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(store_->FindToken("t-ci2").status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(store_->DeleteClient("c1").kind(), Status::Kind::kNotFound);
  EXPECT_EQ(store_->SetClientSecret("c1", "x").kind(), Status::Kind::kNotFound);
}

TEST_P(MetadataStoreContract, DownloadsAndDependentsMakeUsage) {
  auto a1 = Version("lib", "1.0.0");
  a1.dependencies = {};
  auto a2 = Version("lib", "2.0.0");
  a2.dependencies = {};
  a2.created_millis = a2.updated_millis = 3 * 86'400'000 + 5;
  ASSERT_TRUE(store_->PutVersions({a1, a2}).ok());
  auto user_old = Version("app", "1.0.0");
  user_old.dependencies = {{"group", "lib", "1.0.0"}};
  user_old.created_millis = user_old.updated_millis = 1 * 86'400'000;
  auto user_new = Version("other", "1.0.0");
  user_new.dependencies = {{"group", "lib", "1.0.0"}, {"group", "lib", "2.0.0"}};
  user_new.created_millis = user_new.updated_millis = 5 * 86'400'000;
  ASSERT_TRUE(store_->PutVersions({user_old, user_new}).ok());
  ASSERT_TRUE(store_->AddDownloads({{{"group", "lib", "1.0.0"}, 1, 3}, {{"group", "lib", "1.0.0"}, 4, 2},
                                    {{"group", "lib", "2.0.0"}, 4, 7}, {{"group", "lib", "9.9.9"}, 4, 1}})
                  .ok()) << "counts of unknown versions are dropped";
  ASSERT_TRUE(store_->AddDownloads({{{"group", "lib", "1.0.0"}, 4, 1}}).ok()) << "added to the day's count";
  auto usage = store_->GetUsage("group", "lib", /*since_day=*/4);
  ASSERT_TRUE(usage.ok()) << usage.status().ToString();
  ASSERT_EQ(usage->size(), 2u);
  const VersionUsage& v2 = (*usage)[0];
  EXPECT_EQ(v2.version, "2.0.0") << "highest version first";
  EXPECT_EQ(v2.downloads, 7);
  EXPECT_EQ(v2.downloads_since, 7);
  EXPECT_EQ(v2.dependents, 1);
  EXPECT_EQ(v2.dependents_since, 1);
  const VersionUsage& v1 = (*usage)[1];
  EXPECT_EQ(v1.downloads, 6);
  EXPECT_EQ(v1.downloads_since, 3);
  EXPECT_EQ(v1.dependents, 2);
  EXPECT_EQ(v1.dependents_since, 1);
  ASSERT_TRUE(store_->DeleteVersion({"group", "other", "1.0.0"}, /*soft=*/false, NowMillis()).ok());
  ASSERT_TRUE(store_->DeleteVersion({"group", "lib", "2.0.0"}, /*soft=*/false, NowMillis()).ok());
  usage = store_->GetUsage("group", "lib", 0);
  ASSERT_EQ(usage->size(), 1u) << "a deleted version's counts go with it";
  EXPECT_EQ((*usage)[0].dependents, 1);
  EXPECT_TRUE(store_->GetUsage("group", "none", 0)->empty());
}

TEST_P(MetadataStoreContract, GenerationGrowsWithEveryWrite) {
  const uint64_t before = store_->Generation();
  ASSERT_TRUE(store_->PutVersion(Version("api", "1.0.0")).ok());
  const uint64_t after = store_->Generation();
  EXPECT_GT(after, before);
  EXPECT_FALSE(store_->PutVersion(Version("api", "1.0.0")).ok());
  EXPECT_GT(store_->Generation(), after) << "a failed write counts too";
}

StagedFile Staged(const std::string& version, const std::string& build, const std::string& classifier,
                  const std::string& sha256, int64_t staged_millis) {
  return StagedFile{"org-1", {"group", "lib", version}, build, classifier, "jar", sha256, "md5", "sha1", 7, "ci",
                    staged_millis};
}

TEST_P(MetadataStoreContract, StagedMavenFilesAreReplacedListedReferencedAndReclaimedByBuild) {
  EXPECT_EQ(*store_->PutStagedFile(Staged("1.0.0", "", "", std::string(64, 'a'), 10)), "");
  EXPECT_EQ(*store_->PutStagedFile(Staged("1.0.0", "", "", std::string(64, 'b'), 11)), std::string(64, 'a'))
      << "a retried upload replaces the staged file and names the blob it dropped";
  ASSERT_TRUE(store_->PutStagedFile(Staged("1.0.0", "", "mule-plugin", std::string(64, 'c'), 12)).ok());
  ASSERT_TRUE(store_->PutStagedFile(Staged("2.0.0-SNAPSHOT", "20240102.030405-1", "", std::string(64, 'd'), 5)).ok());
  ASSERT_TRUE(store_->PutStagedFile(Staged("2.0.0-SNAPSHOT", "20240102.030405-2", "", std::string(64, 'e'), 50)).ok());
  auto staged = store_->ListStagedFiles("group", "lib");
  ASSERT_TRUE(staged.ok()) << staged.status().ToString();
  ASSERT_EQ(staged->size(), 4u);
  EXPECT_EQ((*staged)[0].sha256, std::string(64, 'b'));
  EXPECT_EQ((*staged)[0].size, 7u);
  EXPECT_EQ((*staged)[0].staged_by, "ci");
  EXPECT_EQ((*staged)[0].organization_id, "org-1");
  EXPECT_EQ((*staged)[0].staged_millis, 11);
  EXPECT_EQ((*staged)[1].classifier, "mule-plugin");
  EXPECT_EQ((*staged)[2].build, "20240102.030405-1");
  EXPECT_TRUE(store_->ListStagedFiles("group", "other")->empty());
  EXPECT_TRUE(*store_->IsBlobReferenced(std::string(64, 'b')));
  EXPECT_FALSE(*store_->IsBlobReferenced(std::string(64, 'a')));
  const auto referenced = *store_->ReferencedBlobs();
  EXPECT_NE(std::find(referenced.begin(), referenced.end(), std::string(64, 'c')), referenced.end());

  // A build is stale when its newest file is: 1.0.0's newest is at 12, the first snapshot build's at 5.
  auto stale = store_->ListStagedFilesBefore(12);
  ASSERT_TRUE(stale.ok()) << stale.status().ToString();
  ASSERT_EQ(stale->size(), 1u);
  EXPECT_EQ((*stale)[0].build, "20240102.030405-1");
  EXPECT_EQ(store_->ListStagedFilesBefore(13)->size(), 3u);

  ASSERT_TRUE(store_->DeleteStagedFiles({"group", "lib", "1.0.0"}, "", std::pair<std::string, std::string>{"", "jar"}).ok());
  EXPECT_EQ(store_->ListStagedFiles("group", "lib")->size(), 3u);
  ASSERT_TRUE(store_->DeleteStagedFiles({"group", "lib", "2.0.0-SNAPSHOT"}, "20240102.030405-2").ok());
  staged = store_->ListStagedFiles("group", "lib");
  ASSERT_EQ(staged->size(), 2u);
  EXPECT_EQ((*staged)[1].build, "20240102.030405-1") << "only the named build goes";
}

TEST_P(MetadataStoreContract, SnapshotBuildsAreRecordedPerVersion) {
  const assets::Coordinates c{"group", "lib", "2.0.0-SNAPSHOT"};
  EXPECT_FALSE(store_->GetSnapshotBuild(c)->has_value());
  ASSERT_TRUE(store_->PutSnapshotBuild(c, {"20240102.030405", 3, 99}).ok());
  ASSERT_TRUE(store_->PutSnapshotBuild(c, {"20240103.000000", 4, 100}).ok());
  auto build = store_->GetSnapshotBuild(c);
  ASSERT_TRUE(build.ok() && build->has_value());
  EXPECT_EQ((*build)->timestamp, "20240103.000000");
  EXPECT_EQ((*build)->build_number, 4u);
  EXPECT_EQ((*build)->updated_millis, 100);
  EXPECT_FALSE(store_->GetSnapshotBuild({"group", "lib", "3.0.0-SNAPSHOT"})->has_value());
}

TEST_P(MetadataStoreContract, JobsAreClaimedOldestFirstOnceEach) {
  PublicationJob a{"run-a", "org-a", {"g", "a", "1.0.0"}, "publication", "queued", "", "[]", "{}", {}, 10, 10};
  PublicationJob b{"run-b", "org-a", {"g", "b", "1.0.0"}, "publication", "queued", "", "[]", "{}", {}, 20, 20};
  ASSERT_TRUE(store_->PutJob(b).ok());
  ASSERT_TRUE(store_->PutJob(a).ok());
  auto first = store_->ClaimJob("server-1", 100, 1100);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->run_id, "run-a") << "oldest first";
  EXPECT_EQ((*first)->status, "running");
  EXPECT_EQ((*first)->owner, "server-1");
  EXPECT_EQ((*first)->lease_until_millis, 1100);
  EXPECT_EQ((*first)->attempts, 1);
  auto second = store_->ClaimJob("server-2", 100, 1100);
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->run_id, "run-b");
  EXPECT_FALSE(store_->ClaimJob("server-3", 100, 1100)->has_value()) << "both are leased";
  EXPECT_TRUE(store_->RenewJobLease("run-a", "server-1", 2000).ok());
  EXPECT_EQ(store_->RenewJobLease("run-a", "server-2", 2000).code(), "JOB_LEASE_LOST");
  EXPECT_EQ(store_->GetJob("run-a")->lease_until_millis, 2000);
}

// A server that dies leaves its job leased; once the lease runs out another server takes it, and
// the first one, should it come back, can no longer record anything.
TEST_P(MetadataStoreContract, AnExpiredLeaseHandsTheJobToAnotherServer) {
  PublicationJob job{"run-1", "org-a", {"g", "a", "1.0.0"}, "publication", "queued", "", "[]", "{}",
                     {std::string(64, 'f')}, 10, 10};
  ASSERT_TRUE(store_->PutJob(job).ok());
  ASSERT_TRUE(store_->ClaimJob("dead", 100, 1000)->has_value());
  EXPECT_FALSE(store_->ClaimJob("alive", 999, 1999)->has_value()) << "the lease still holds";
  auto taken = store_->ClaimJob("alive", 1001, 2001);
  ASSERT_TRUE(taken.ok() && taken->has_value());
  EXPECT_EQ((*taken)->owner, "alive");
  EXPECT_EQ((*taken)->attempts, 2);
  EXPECT_EQ((*taken)->blob_refs, job.blob_refs);
  job.status = "completed";
  job.steps_json = "[\"dead\"]";
  EXPECT_EQ(store_->UpdateClaimedJob(job, "dead").code(), "JOB_LEASE_LOST");
  EXPECT_EQ(store_->RenewJobLease("run-1", "dead", 5000).code(), "JOB_LEASE_LOST");
  job.steps_json = "[\"alive\"]";
  job.blob_refs = {};
  ASSERT_TRUE(store_->UpdateClaimedJob(job, "alive").ok());
  auto done = store_->GetJob("run-1");
  EXPECT_EQ(done->status, "completed");
  EXPECT_EQ(done->steps_json, "[\"alive\"]");
  EXPECT_TRUE(done->blob_refs.empty());
  EXPECT_EQ(store_->UpdateClaimedJob(job, "alive").code(), "JOB_LEASE_LOST") << "a finished job is done with";
  EXPECT_FALSE(store_->ClaimJob("other", 100000, 101000)->has_value()) << "a finished job is never taken again";
}

TEST_P(MetadataStoreContract, ReleasedLeasesAreTakenAtOnce) {
  PublicationJob job{"run-1", "org-a", {"g", "a", "1.0.0"}, "publication", "queued", "", "[]", "{}", {}, 10, 10};
  ASSERT_TRUE(store_->PutJob(job).ok());
  ASSERT_TRUE(store_->ClaimJob("before-restart", 100, 100000)->has_value());
  job.status = "running";
  job.steps_json = "[1]";
  ASSERT_TRUE(store_->PutJob(job).ok());
  EXPECT_EQ(store_->GetJob("run-1")->owner, "before-restart") << "PutJob leaves the lease alone";
  EXPECT_FALSE(store_->ClaimJob("after-restart", 200, 1200)->has_value());
  ASSERT_TRUE(store_->ReleaseJobLeases().ok());
  auto again = store_->ClaimJob("after-restart", 200, 1200);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->run_id, "run-1");
}

// Many servers asking at once: every job is taken by exactly one of them.
TEST_P(MetadataStoreContract, ConcurrentClaimsTakeEveryJobOnce) {
  constexpr int kJobs = 40;
  for (int i = 0; i < kJobs; ++i)
    ASSERT_TRUE(store_->PutJob({"run-" + std::to_string(100 + i), "org-a", {"g", "a", "1.0.0"}, "publication", "queued",
                                "", "[]", "{}", {}, i, i}).ok());
  std::mutex mutex;
  std::vector<std::string> taken;
  std::vector<std::thread> workers;
  for (int w = 0; w < 6; ++w) {
    workers.emplace_back([&, w] {
      while (true) {
        auto job = store_->ClaimJob("worker-" + std::to_string(w), 100, 100000);
        if (!job.ok()) continue;  // e.g. a busy store: ask again
        if (!job->has_value()) return;
        std::lock_guard lock(mutex);
        taken.push_back((*job)->run_id);
      }
    });
  }
  for (auto& t : workers) t.join();
  std::sort(taken.begin(), taken.end());
  EXPECT_EQ(taken.size(), size_t{kJobs});
  EXPECT_EQ(std::unique(taken.begin(), taken.end()), taken.end()) << "no job taken twice";
}

TEST_P(MetadataStoreContract, PinnedBlobsCountAsReferencedUntilUnpinnedOrExpired) {
  const std::string a(64, 'a'), b(64, 'b'), c(64, 'c');
  const int64_t later = NowMillis() + 60'000;
  ASSERT_TRUE(store_->PinBlobs({a, b}, "request-1", later).ok());
  ASSERT_TRUE(store_->PinBlobs({a}, "request-2", later).ok());
  ASSERT_TRUE(store_->PinBlobs({c}, "request-3", NowMillis() - 1).ok());
  EXPECT_TRUE(*store_->IsBlobReferenced(a));
  EXPECT_TRUE(*store_->IsBlobReferenced(b));
  EXPECT_FALSE(*store_->IsBlobReferenced(c)) << "an expired pin is no reference";
  auto referenced = *store_->ReferencedBlobs();
  std::sort(referenced.begin(), referenced.end());
  EXPECT_EQ(referenced, (std::vector<std::string>{a, b}));
  ASSERT_TRUE(store_->UnpinBlobs({a, b}, "request-1").ok());
  EXPECT_TRUE(*store_->IsBlobReferenced(a)) << "request-2 still holds it";
  EXPECT_FALSE(*store_->IsBlobReferenced(b));
  ASSERT_TRUE(store_->UnpinBlobs({a}, "request-2").ok());
  EXPECT_FALSE(*store_->IsBlobReferenced(a));
  EXPECT_TRUE(store_->UnpinBlobs({a}, "request-9").ok()) << "unpinning what is not pinned is no error";
}

// The blob lock: commits share it, a sweep holds it alone.
TEST_P(MetadataStoreContract, TheBlobLockKeepsSweepsApartFromCommits) {
  auto shared_1 = store_->LockBlobs(false);
  auto shared_2 = store_->LockBlobs(false);
  ASSERT_TRUE(shared_1.ok() && shared_2.ok()) << "commits do not wait for each other";
  std::atomic<bool> swept{false};
  std::thread sweeper([&] {
    auto exclusive = store_->LockBlobs(true);
    EXPECT_TRUE(exclusive.ok());
    swept = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(swept) << "the sweep waits for the commits";
  shared_1->reset();
  shared_2->reset();
  sweeper.join();
  EXPECT_TRUE(swept);
  EXPECT_TRUE(store_->LockBlobs(true).ok()) << "and releases the lock";
}

// A named lock: a second holder of the same name waits; other names do not (unless hashed alike).
TEST_P(MetadataStoreContract, NamedLocksSerialiseHoldersOfOneName) {
  auto held = store_->LockName("maven-deploy:com.example/api/1.0.0");
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  std::atomic<bool> second_held{false};
  std::thread second([&] {
    auto lock = store_->LockName("maven-deploy:com.example/api/1.0.0");
    EXPECT_TRUE(lock.ok());
    second_held = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(second_held) << "the second holder waits";
  held->reset();
  second.join();
  EXPECT_TRUE(second_held);
  EXPECT_TRUE(store_->LockName("maven-deploy:com.example/api/1.0.0").ok()) << "and releases the lock";
}

TEST_P(MetadataStoreContract, PingAnswers) { EXPECT_TRUE(store_->Ping().ok()); }

TEST_P(MetadataStoreContract, RequestCountsAddUpPerClientAndWindow) {
  EXPECT_EQ(*store_->AddRequestCount("client-a", 60'000, 1), 1u);
  EXPECT_EQ(*store_->AddRequestCount("client-a", 60'000, 4), 5u);
  EXPECT_EQ(*store_->AddRequestCount("client-b", 60'000, 2), 2u) << "clients apart";
  EXPECT_EQ(*store_->AddRequestCount("client-a", 120'000, 1), 1u) << "a new window starts at 0";
  EXPECT_EQ(*store_->AddRequestCount("client-a", 240'000, 1), 1u);
  EXPECT_EQ(*store_->AddRequestCount("client-a", 60'000, 0), 0u) << "windows long past are forgotten";
}

}  // namespace
}  // namespace agora::storage
