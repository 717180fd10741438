// Tests of what only the SQLite metadata store has (the behaviour both backends share is
// metadata_store_contract_test.cpp's): its files, WAL mode and schema migrations, opening bad or
// foreign databases, the translation of SQLite errors, and other processes holding its locks.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

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
  // The busy timeout: a WAL reader opened while writers commit may otherwise meet SQLITE_BUSY.
  explicit RawConnection(const std::string& path) {
    sqlite3_open(path.c_str(), &db_);
    sqlite3_busy_timeout(db_, 5000);
  }
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

TEST_F(SqliteStoreTest, AnotherProcessesCommitsCountInTheGeneration) {
  auto caught_up = [&] {
    EXPECT_TRUE(store_->CatchUp().ok());
    return store_->Generation();
  };
  const uint64_t before = caught_up();  // the first look notes the database's state
  RawConnection other(path_);  // as `agora admin` beside the server
  ASSERT_EQ(other.Exec("DELETE FROM tokens WHERE token_hash = 'none'"), SQLITE_OK);
  EXPECT_EQ(caught_up(), before) << "a transaction that changes nothing commits nothing";
  ASSERT_EQ(other.Exec("INSERT INTO settings VALUES ('k', 'v')"), SQLITE_OK);
  const uint64_t after = caught_up();
  EXPECT_GT(after, before) << "seen at once";
  ASSERT_EQ(other.Exec("UPDATE settings SET value = 'w'"), SQLITE_OK);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_GT(store_->Generation(), after) << "and by the cheap Generation() within 20 ms";
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
                       "ALTER TABLE versions DROP COLUMN api_model_id; DROP TABLE api_models;"
                       "DROP TABLE version_downloads; DROP INDEX tokens_account; ALTER TABLE users DROP COLUMN disabled;"
                       "ALTER TABLE jobs DROP COLUMN owner; ALTER TABLE jobs DROP COLUMN lease_until_millis; ALTER TABLE jobs DROP COLUMN attempts;"
                       "DROP TABLE maven_staged_files; DROP TABLE maven_snapshot_builds; PRAGMA user_version = 4;"),
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

// The commits in a WAL file: frames whose "database size after commit" is set, among those of
// the WAL's current generation (their salts match the header's).
int CommitsInWal(const std::string& wal_path) {
  std::ifstream in(wal_path, std::ios::binary);
  std::string wal((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto be32 = [&](size_t at) {
    return (uint32_t{static_cast<unsigned char>(wal[at])} << 24) | (uint32_t{static_cast<unsigned char>(wal[at + 1])} << 16) |
           (uint32_t{static_cast<unsigned char>(wal[at + 2])} << 8) | uint32_t{static_cast<unsigned char>(wal[at + 3])};
  };
  if (wal.size() < 32) return 0;
  const size_t frame = 24 + be32(8);
  int commits = 0;
  for (size_t at = 32; at + frame <= wal.size(); at += frame)
    if (be32(at + 8) == be32(16) && be32(at + 12) == be32(20) && be32(at + 4) != 0) ++commits;
  return commits;
}

// Group commit: writers that queue while another holds the writer share one transaction and one
// WAL sync, and each returns only once its own write is committed.
TEST_F(SqliteStoreTest, ConcurrentWritesShareCommitsAndEachWaitsForItsOwn) {
  RawConnection other(path_);
  ASSERT_EQ(other.Exec("PRAGMA wal_checkpoint(TRUNCATE)"), SQLITE_OK);
  ASSERT_EQ(CommitsInWal(path_ + "-wal"), 0);
  ASSERT_EQ(other.Exec("BEGIN IMMEDIATE"), SQLITE_OK);  // holds the first writer at its BEGIN

  constexpr int kWriters = 8;
  std::atomic<int> started{0};
  std::vector<Status> results(kWriters + 1, Status::Ok());
  std::vector<int64_t> visible(kWriters + 1, 0);
  auto write = [&](int i) {
    ++started;
    results[i] = store_->PutVersion(MakeVersion("api", "1.0." + std::to_string(i), 1));
    // Returned: another connection must see the row, committed.
    RawConnection reader(path_);
    visible[i] = reader.Int("SELECT count(*) FROM versions WHERE version = '1.0." + std::to_string(i) + "'");
  };
  std::thread first(write, 0);
  while (started < 1) std::this_thread::yield();
  std::vector<std::thread> queued;
  for (int i = 1; i <= kWriters; ++i) queued.emplace_back(write, i);
  while (started < kWriters + 1) std::this_thread::yield();
  // The queued writers are waiting behind the first; give the last of them time to enqueue.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(other.Exec("COMMIT"), SQLITE_OK);
  first.join();
  for (auto& t : queued) t.join();

  for (int i = 0; i <= kWriters; ++i) {
    EXPECT_TRUE(results[i].ok()) << i << ": " << results[i].ToString();
    EXPECT_EQ(visible[i], 1) << "writer " << i << " returned before its commit";
  }
  // Without group commit, nine commits; with it, the first alone and the eight queued together.
  EXPECT_LE(CommitsInWal(path_ + "-wal"), 3);
}

// A database written by the first schema (no API columns, a five-column search index) is
// migrated on open, and its existing rows become searchable by their category values.
TEST_F(SqliteStoreTest, MigratesASchemaVersionOneDatabase) {
  auto v = MakeVersion("old", "1.0.0", 1);
  v.categories = {{"department", {"Finance"}}};
  ASSERT_TRUE(store_->PutVersion(v).ok());
  ASSERT_TRUE(store_->CreateOrganization({"org-old", "Old", "", 1}).ok());
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  const char* downgrade =
      "DROP TABLE version_search;"
      "CREATE VIRTUAL TABLE version_search USING fts5(name, asset_id, keywords, tags, description);"
      "DROP TRIGGER versions_release_api_model; DROP INDEX versions_api_model;"
      "ALTER TABLE versions DROP COLUMN api_model_id; DROP TABLE api_models;"
      "DROP TABLE portal_pages; DROP TABLE portal_resources; DROP TABLE portals;"
      "DROP TABLE version_downloads; DROP INDEX tokens_account;"
      "DROP TABLE users; DROP TABLE clients; DROP TABLE settings; DROP TABLE environments; DROP INDEX organizations_parent;"
      "ALTER TABLE tokens DROP COLUMN account_id;"
      "ALTER TABLE jobs DROP COLUMN owner; ALTER TABLE jobs DROP COLUMN lease_until_millis; ALTER TABLE jobs DROP COLUMN attempts;"
      "DROP TABLE maven_staged_files; DROP TABLE maven_snapshot_builds;"
      "PRAGMA user_version = 1;";
  ASSERT_EQ(sqlite3_exec(db, downgrade, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
  Open();
  AssetQuery q;
  q.search = "finance";
  auto found = store_->FindVersions(q);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].coordinates.asset_id, "old");
  EXPECT_TRUE(store_->CheckIntegrity().ok());
  EXPECT_EQ(store_->ListEnvironments("org-old")->size(), 2u) << "existing organisations get their environments";
}


TEST(SqliteOpenTest, AcceptsDocumentedOptionsOnly) {
  TempDir dir;
  auto relaxed = OpenSqliteMetadataStore(dir.Path("a.db"), {.synchronous = "normal", .readers = 1});
  ASSERT_TRUE(relaxed.ok()) << relaxed.status().ToString();
  EXPECT_TRUE((*relaxed)->PutVersion(MakeVersion("api", "1.0.0", 1)).ok());
  EXPECT_TRUE((*relaxed)->GetVersion({"com.example", "api", "1.0.0"}).ok());
  for (const SqliteOptions& bad : {SqliteOptions{.synchronous = "FULL; DROP TABLE versions"}, SqliteOptions{.synchronous = ""},
                                   SqliteOptions{.readers = 0}, SqliteOptions{.busy_timeout_millis = -1},
                                   SqliteOptions{.cache_kib = -1}, SqliteOptions{.mmap_bytes = -1},
                                   SqliteOptions{.wal_checkpoint_pages = 0}}) {
    const auto store = OpenSqliteMetadataStore(dir.Path("b.db"), bad);
    EXPECT_EQ(store.status().code(), "INVALID_STORAGE_OPTION") << bad.synchronous;
  }
}

// The WAL is copied into the database once it holds wal_checkpoint_pages pages (by default 4,000,
// not SQLite's 1,000), not before.
TEST(SqliteOpenTest, TheWalIsCheckpointedAfterTheConfiguredNumberOfPages) {
  TempDir dir;
  auto wal_bytes_after_writes = [&](const std::string& name, const SqliteOptions& options) -> uintmax_t {
    auto store = OpenSqliteMetadataStore(dir.Path(name), options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return 0;
    for (int i = 0; i < 50; ++i) {  // 50 commits of a 100 KB model each: about 1,300 pages
      auto v = MakeVersion("api", "1.0." + std::to_string(i), i);
      v.api_model = std::string(100000, static_cast<char>('0' + i));
      EXPECT_TRUE((*store)->PutVersion(v).ok());
    }
    return std::filesystem::file_size(dir.Path(name + "-wal"));
  };
  EXPECT_GT(wal_bytes_after_writes("default.db", {}), 5000000u) << "every commit is still in the WAL";
  EXPECT_LT(wal_bytes_after_writes("short.db", {.wal_checkpoint_pages = 100}), 1000000u)
      << "checkpointed every 100 pages";
}

TEST(SqliteOpenTest, FailsCleanlyOnBadPaths) {
  TempDir dir;
  EXPECT_EQ(OpenSqliteMetadataStore(dir.Path("missing/dir/agora.db")).status().kind(), Status::Kind::kIOError);
  std::ofstream(dir.Path("not-a-db")) << std::string(4096, 'x');
  EXPECT_EQ(OpenSqliteMetadataStore(dir.Path("not-a-db")).status().kind(), Status::Kind::kCorruption);
}

class SqliteConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto connection = SqliteConnection::Open(dir_.Path("c.db"), /*read_only=*/false, 1000);
    ASSERT_TRUE(connection.ok()) << connection.status().ToString();
    c_ = std::move(connection).value();
    ASSERT_TRUE(c_->Exec("CREATE TABLE t (a TEXT); INSERT INTO t VALUES ('one'), ('two')").ok());
  }
  std::unique_ptr<SqlStatement> Prepare(const std::string& sql) {
    auto s = c_->Prepare(sql);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  TempDir dir_;
  std::unique_ptr<SqliteConnection> c_;
};

TEST_F(SqliteConnectionTest, ACachedStatementComesBackResetWithoutItsBindings) {
  const std::string sql = "SELECT ?1, a FROM t ORDER BY a";
  {
    auto s = Prepare(sql);
    s->Bind(1, "bound");
    ASSERT_TRUE(*s->Step());
    EXPECT_EQ(s->Text(0), "bound");
  }  // handed back mid-way
  auto again = Prepare(sql);
  ASSERT_TRUE(*again->Step());
  EXPECT_EQ(again->Text(0), "") << "no binding left behind";
  EXPECT_EQ(again->Text(1), "one") << "from the first row";
  EXPECT_EQ(c_->CachedStatements(), 1u);
}

TEST_F(SqliteConnectionTest, TheSameTextPreparedWhileInUseIsAStatementOfItsOwn) {
  const std::string sql = "SELECT a FROM t WHERE a = ?";
  auto outer = Prepare(sql);
  outer->Bind(1, "one");
  {
    auto inner = Prepare(sql);
    inner->Bind(1, "two");
    ASSERT_TRUE(*inner->Step());
    EXPECT_EQ(inner->Text(0), "two");
  }
  ASSERT_TRUE(*outer->Step());
  EXPECT_EQ(outer->Text(0), "one");
  EXPECT_FALSE(*outer->Step());
  EXPECT_EQ(c_->CachedStatements(), 1u) << "the second copy was not cached";
}

TEST_F(SqliteConnectionTest, TheCacheIsBoundedAndKeepsStatementsInUse) {
  auto held = Prepare("SELECT a FROM t ORDER BY a DESC");
  for (size_t i = 0; i < SqliteConnection::kMaxCachedStatements + 40; ++i)
    ASSERT_TRUE(*Prepare("SELECT " + std::to_string(i))->Step());
  EXPECT_EQ(c_->CachedStatements(), SqliteConnection::kMaxCachedStatements);
  ASSERT_TRUE(*held->Step());
  EXPECT_EQ(held->Text(0), "two");
  held.reset();
  auto recent = Prepare("SELECT " + std::to_string(SqliteConnection::kMaxCachedStatements + 39));
  ASSERT_TRUE(*recent->Step());
  EXPECT_EQ(recent->Int(0), static_cast<int64_t>(SqliteConnection::kMaxCachedStatements + 39));
}

TEST_F(SqliteConnectionTest, ACachedStatementFollowsASchemaChange) {
  ASSERT_TRUE(*Prepare("SELECT * FROM t")->Step());
  ASSERT_TRUE(c_->Exec("ALTER TABLE t ADD COLUMN b TEXT NOT NULL DEFAULT 'added'").ok());
  auto s = Prepare("SELECT * FROM t");
  ASSERT_TRUE(*s->Step());
  EXPECT_EQ(s->Text(1), "added");
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
