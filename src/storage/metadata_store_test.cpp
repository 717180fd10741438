// Tests of the SQLite metadata store beyond storage_test.cpp: the exact conflict answer, ordering
// rules, what a development replace keeps and drops, job bookkeeping, opening bad or foreign
// databases, the translation of SQLite errors, and readers running beside a held write lock.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "storage/metadata_store.h"
#include "storage/sqlite_connection.h"
#include "storage/testing.h"

namespace agora::storage {
namespace {

using assets::AssetVersion;
using assets::Lifecycle;
using testing::TempDir;

AssetVersion MakeVersion(const std::string& asset, const std::string& version, int64_t created_millis,
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

// Runs SQL on its own connection, as another process would.
class RawConnection {
 public:
  explicit RawConnection(const std::string& path) { sqlite3_open(path.c_str(), &db_); }
  ~RawConnection() { sqlite3_close(db_); }
  int Exec(const std::string& sql) { return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr); }
  int64_t Int(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
    const int64_t value = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    store_.reset();
    auto store = OpenSqliteMetadataStore(path_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  TempDir dir_;
  const std::string path_ = dir_.Path("agora.db");
  std::unique_ptr<MetadataStore> store_;
};

TEST_F(SqliteStoreTest, APublishedVersionAnswersTheExchangeConflict) {
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

TEST_F(SqliteStoreTest, ListsVersionsOldestFirstThenByVersion) {
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

TEST_F(SqliteStoreTest, VersionSummariesAgreeWithTheWholeVersions) {
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
    EXPECT_EQ(std::tie(n.version, n.type, n.status, n.api_version), std::tie(w.version, w.type, w.status, w.api_version));
  }
  EXPECT_EQ((*narrow)[0].api_version, "v1");
  EXPECT_EQ((*narrow)[1].status, Lifecycle::kDeprecated);
  EXPECT_EQ((*narrow)[2].type, "rest-api");
  EXPECT_TRUE(store_->ListVersionSummaries("com.example", "absent")->empty());
}

TEST_F(SqliteStoreTest, VersionsWithTheSameModelShareOneRowUntilTheLastGoes) {
  auto first = MakeVersion("api", "1.0.0", 1);
  first.api_model = R"({"title":"Orders"})";
  first.api_terms = "orders lines";
  auto second = first;
  second.coordinates.version = "1.0.1";
  auto other = MakeVersion("api", "1.0.2", 3);
  other.api_model = R"({"title":"Other"})";
  for (const auto& v : {first, second, other}) ASSERT_TRUE(store_->PutVersion(v).ok());
  auto count = [&] { return RawConnection(path_).Int("SELECT count(*) FROM api_models"); };
  EXPECT_EQ(count(), 2);
  EXPECT_EQ(*store_->GetApiModel(second.coordinates), first.api_model);
  EXPECT_EQ(*store_->GetApiModel(other.coordinates), other.api_model);

  ASSERT_TRUE(store_->DeleteVersion(first.coordinates, /*soft=*/false, 10).ok());
  EXPECT_EQ(count(), 2) << "1.0.1 still uses the model";
  ASSERT_TRUE(store_->DeleteVersion(second.coordinates, /*soft=*/true, 11).ok());
  EXPECT_EQ(count(), 1);
  EXPECT_EQ(*store_->GetApiModel(other.coordinates), other.api_model);
  EXPECT_TRUE(store_->CheckIntegrity().ok());
}

// A database of schema 4 kept each version's model in its row: the rows move to api_models.
TEST_F(SqliteStoreTest, MigratesModelsOutOfSchemaFourVersionRows) {
  auto v = MakeVersion("api", "1.0.0", 1);
  v.api_model = R"({"title":"Orders"})";
  v.api_terms = "orders";
  ASSERT_TRUE(store_->PutVersion(v).ok());
  ASSERT_TRUE(store_->PutVersion(MakeVersion("plain", "1.0.0", 2)).ok());
  store_.reset();
  {
    RawConnection raw(path_);
    ASSERT_EQ(raw.Exec("ALTER TABLE versions ADD COLUMN api_model TEXT NOT NULL DEFAULT '';"
                       "ALTER TABLE versions ADD COLUMN api_terms TEXT NOT NULL DEFAULT '';"
                       "UPDATE versions SET api_model = (SELECT api_model FROM api_models WHERE id = api_model_id), "
                       "  api_terms = (SELECT api_terms FROM api_models WHERE id = api_model_id) WHERE api_model_id != '';"
                       "DROP TRIGGER versions_release_api_model; DROP INDEX versions_api_model;"
                       "ALTER TABLE versions DROP COLUMN api_model_id; DROP TABLE api_models; PRAGMA user_version = 4;"),
              SQLITE_OK);
  }
  Open();
  EXPECT_EQ(*store_->GetApiModel(v.coordinates), v.api_model);
  EXPECT_EQ(*store_->GetApiModel({"com.example", "plain", "1.0.0"}), "");
  EXPECT_EQ(RawConnection(path_).Int("SELECT count(*) FROM api_models"), 1);
  ASSERT_TRUE(store_->DeleteVersion(v.coordinates, /*soft=*/false, 10).ok());
  EXPECT_EQ(RawConnection(path_).Int("SELECT count(*) FROM api_models"), 0);
  EXPECT_TRUE(store_->CheckIntegrity().ok());
}

TEST_F(SqliteStoreTest, TheAssetTypeIsFixedByTheFirstVersion) {
  ASSERT_TRUE(store_->PutVersion(MakeVersion("api", "1.0.0", 1)).ok());
  auto second = MakeVersion("api", "1.0.1", 2);
  second.type = "raml-fragment";
  ASSERT_TRUE(store_->PutVersion(second).ok());
  EXPECT_EQ(store_->GetVersion(second.coordinates)->type, "rest-api");
}

TEST_F(SqliteStoreTest, ReplacingADevelopmentVersionReplacesEveryChildRow) {
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

TEST_F(SqliteStoreTest, AFailedPutLeavesNothingBehind) {
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

TEST_F(SqliteStoreTest, JobsAreReplacedWithTheirBlobReferences) {
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

TEST_F(SqliteStoreTest, DuplicateTokensAndMissingOrganisations) {
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

TEST_F(SqliteStoreTest, CreatesTheCurrentSchemaInWalMode) {
  store_.reset();
  RawConnection raw(path_);
  EXPECT_EQ(raw.Int("PRAGMA user_version"), SqliteSchemaVersion());
  EXPECT_GE(SqliteSchemaVersion(), 2);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerAgora) {
  store_.reset();
  RawConnection(path_).Exec("PRAGMA user_version = 99");
  const auto reopened = OpenSqliteMetadataStore(path_);
  EXPECT_EQ(reopened.status().kind(), Status::Kind::kCorruption);
  EXPECT_NE(reopened.status().message().find("99"), std::string::npos) << reopened.status().message();
}

// Concurrent writers share commits; each keeps its own outcome: the duplicates fail alone and take
// nothing of the others' writes with them.
TEST_F(SqliteStoreTest, ConcurrentWritesCommitTogetherWithTheirOwnOutcomes) {
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
TEST_F(SqliteStoreTest, AWriteThatFailsAfterWritingLeavesNoTraceInItsGroup) {
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

TEST_F(SqliteStoreTest, ASettingIsCreatedOnceAndThenKept) {
  EXPECT_EQ(*store_->GetOrCreateSetting("link_key", "first"), "first");
  EXPECT_EQ(*store_->GetOrCreateSetting("link_key", "second"), "first") << "whoever asks later gets the first value";
  store_.reset();
  auto reopened = OpenSqliteMetadataStore(path_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(*(*reopened)->GetOrCreateSetting("link_key", "third"), "first");
}

TEST_F(SqliteStoreTest, CheckIntegrityFindsDanglingReferences) {
  ASSERT_TRUE(store_->CheckIntegrity().ok());
  // Another program, with foreign keys off, leaves a token pointing at no organisation.
  RawConnection(path_).Exec("INSERT INTO tokens VALUES ('h', 'no-such-org', 'viewer', 's', 1, 0, '')");
  const Status st = store_->CheckIntegrity();
  EXPECT_EQ(st.kind(), Status::Kind::kCorruption);
  EXPECT_NE(st.message().find("tokens"), std::string::npos) << st.message();
}

TEST_F(SqliteStoreTest, ReadsProceedWhileAnotherWriterHoldsTheLock) {
  ASSERT_TRUE(store_->PutVersion(MakeVersion("api", "1.0.0", 1)).ok());
  RawConnection other(path_);
  ASSERT_EQ(other.Exec("BEGIN IMMEDIATE"), SQLITE_OK);
  ASSERT_EQ(other.Exec("INSERT INTO groups VALUES ('held', 'org-x')"), SQLITE_OK);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(store_->GetVersion({"com.example", "api", "1.0.0"}).ok());
  EXPECT_EQ(store_->GroupOwner("held").status().kind(), Status::Kind::kNotFound) << "uncommitted rows are invisible";
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1)) << "readers do not wait for writers";
  ASSERT_EQ(other.Exec("COMMIT"), SQLITE_OK);
  EXPECT_EQ(*store_->GroupOwner("held"), "org-x");
}

TEST_F(SqliteStoreTest, AWriteBlockedByAnotherProcessIsUnavailableAfterTheTimeout) {
  store_.reset();
  auto store = OpenSqliteMetadataStore(path_, {.busy_timeout_millis = 100});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  RawConnection other(path_);
  ASSERT_EQ(other.Exec("BEGIN IMMEDIATE"), SQLITE_OK);
  const auto start = std::chrono::steady_clock::now();
  const Status st = (*store)->PutVersion(MakeVersion("api", "1.0.0", 1));
  EXPECT_EQ(st.kind(), Status::Kind::kUnavailable) << st.ToString();
  EXPECT_EQ(st.http_status(), 503);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  ASSERT_EQ(other.Exec("ROLLBACK"), SQLITE_OK);
  EXPECT_TRUE((*store)->PutVersion(MakeVersion("api", "1.0.0", 1)).ok()) << "the store recovers once the lock goes";
}

TEST(SqliteOpenTest, AcceptsDocumentedOptionsOnly) {
  TempDir dir;
  auto relaxed = OpenSqliteMetadataStore(dir.Path("a.db"), {.synchronous = "normal", .readers = 1});
  ASSERT_TRUE(relaxed.ok()) << relaxed.status().ToString();
  EXPECT_TRUE((*relaxed)->PutVersion(MakeVersion("api", "1.0.0", 1)).ok());
  EXPECT_TRUE((*relaxed)->GetVersion({"com.example", "api", "1.0.0"}).ok());
  for (const SqliteOptions& bad : {SqliteOptions{.synchronous = "FULL; DROP TABLE versions"}, SqliteOptions{.synchronous = ""},
                                   SqliteOptions{.readers = 0}, SqliteOptions{.busy_timeout_millis = -1},
                                   SqliteOptions{.cache_kib = -1}, SqliteOptions{.mmap_bytes = -1}}) {
    const auto store = OpenSqliteMetadataStore(dir.Path("b.db"), bad);
    EXPECT_EQ(store.status().code(), "INVALID_STORAGE_OPTION") << bad.synchronous;
  }
}

TEST(SqliteOpenTest, FailsCleanlyOnBadPaths) {
  TempDir dir;
  EXPECT_EQ(OpenSqliteMetadataStore(dir.Path("missing/dir/agora.db")).status().kind(), Status::Kind::kIOError);
  std::ofstream(dir.Path("not-a-db")) << std::string(4096, 'x');
  EXPECT_EQ(OpenSqliteMetadataStore(dir.Path("not-a-db")).status().kind(), Status::Kind::kCorruption);
}

TEST(SqliteStatusTest, TranslatesResultCodes) {
  EXPECT_TRUE(SqliteStatus(SQLITE_OK, nullptr, "x").ok());
  EXPECT_TRUE(SqliteStatus(SQLITE_DONE, nullptr, "x").ok());
  EXPECT_EQ(SqliteStatus(SQLITE_FULL, nullptr, "x").kind(), Status::Kind::kNoSpace);
  EXPECT_EQ(SqliteStatus(SQLITE_BUSY, nullptr, "x").kind(), Status::Kind::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_BUSY_SNAPSHOT, nullptr, "x").kind(), Status::Kind::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_CONSTRAINT_PRIMARYKEY, nullptr, "x").kind(), Status::Kind::kConflict);
  EXPECT_EQ(SqliteStatus(SQLITE_CORRUPT, nullptr, "x").kind(), Status::Kind::kCorruption);
  const Status io = SqliteStatus(SQLITE_IOERR_FSYNC, nullptr, "commit");
  EXPECT_EQ(io.kind(), Status::Kind::kIOError);
  EXPECT_EQ(io.message(), "commit: disk I/O error");
  EXPECT_EQ(SqliteStatus(SQLITE_CANTOPEN, nullptr, "x").kind(), Status::Kind::kIOError);
}

}  // namespace
}  // namespace agora::storage
