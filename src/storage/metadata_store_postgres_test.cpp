// Tests of what only the PostgreSQL metadata store has (the behaviour both backends share is
// metadata_store_contract_test.cpp's): libpq's placeholders and error codes, migrations by
// several servers at once, serializable writes from several stores, lost connections, long
// pipelines, and Generation following other servers' writes.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "common/ids.h"
#include "storage/metadata_store.h"
#include "storage/pg_connection.h"
#include "storage/testing_postgres.h"

namespace agora::storage {
namespace {

using assets::AssetVersion;
using testing::PostgresDatabase;

AssetVersion MakeVersion(const std::string& asset, const std::string& version, const std::string& org = "org-a") {
  AssetVersion v;
  v.organization_id = org;
  v.coordinates = {"com.example", asset, version};
  v.type = "rest-api";
  v.name = asset + " " + version;
  v.created_millis = v.updated_millis = NowMillis();
  return v;
}

std::unique_ptr<MetadataStore> Open(const PostgresDatabase& db, PostgresOptions options = {}) {
  auto store = OpenPostgresMetadataStore(db.url(), options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

TEST(PgPlaceholdersTest, NumbersQuestionMarksOutsideQuotes) {
  int parameters = 0;
  EXPECT_EQ(PgPlaceholders("SELECT a FROM t WHERE b = ? AND c IN (?, ?)", &parameters),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)");
  EXPECT_EQ(parameters, 3);
  EXPECT_EQ(PgPlaceholders("WHERE g = ?1 AND a = ?2 OR g = ?1", &parameters), "WHERE g = $1 AND a = $2 OR g = $1");
  EXPECT_EQ(parameters, 2);
  EXPECT_EQ(PgPlaceholders("SELECT '?', \"a?\", 'it''s ?' FROM t WHERE x = ?", &parameters),
            "SELECT '?', \"a?\", 'it''s ?' FROM t WHERE x = $1");
  EXPECT_EQ(parameters, 1);
}

TEST(PgStatusTest, TranslatesSqlStates) {
  EXPECT_EQ(PgStatus("23505", "duplicate key").kind(), Status::Kind::kConflict);
  EXPECT_EQ(PgStatus("23503", "foreign key").kind(), Status::Kind::kConflict);
  EXPECT_EQ(PgStatus("40001", "could not serialize").kind(), Status::Kind::kUnavailable);
  EXPECT_TRUE(PgRetryable("40001"));
  EXPECT_TRUE(PgRetryable("40P01"));
  EXPECT_FALSE(PgRetryable("23505"));
  EXPECT_EQ(PgStatus("", "server closed the connection\n").kind(), Status::Kind::kUnavailable);
  EXPECT_EQ(PgStatus("", "server closed the connection\n").message(), "PostgreSQL: server closed the connection");
  EXPECT_EQ(PgStatus("08006", "").kind(), Status::Kind::kUnavailable);
  EXPECT_EQ(PgStatus("57P01", "terminating").kind(), Status::Kind::kUnavailable);
  EXPECT_EQ(PgStatus("53100", "disk full").kind(), Status::Kind::kNoSpace);
  EXPECT_EQ(PgStatus("XX001", "bad block").kind(), Status::Kind::kCorruption);
  EXPECT_EQ(PgStatus("42601", "syntax error").kind(), Status::Kind::kInternal);
}

TEST(PostgresStoreTest, UnreachableDatabasesFailCleanly) {
  auto store = OpenPostgresMetadataStore("postgresql://agora@127.0.0.1:1/none?connect_timeout=2");
  EXPECT_EQ(store.status().kind(), Status::Kind::kUnavailable) << store.status().ToString();
  store = OpenPostgresMetadataStore("not a connection string");
  EXPECT_FALSE(store.ok());
  PostgresDatabase db;
  EXPECT_EQ(OpenPostgresMetadataStore(db.url(), {.connections = 0}).status().code(), "INVALID_STORAGE_OPTION");
}

// Three servers starting together on an empty database: one migrates, the others wait and find
// the schema current; all three then work on the same data.
TEST(PostgresStoreTest, StoresOpeningAtOnceOnAnEmptyDatabaseMigrateItOnce) {
  PostgresDatabase db(/*with_schema=*/false);
  ASSERT_TRUE(db.ok());
  std::vector<std::unique_ptr<MetadataStore>> stores(3);
  std::vector<std::thread> threads;
  for (auto& store : stores) threads.emplace_back([&] { store = Open(db); });
  for (auto& t : threads) t.join();
  for (auto& store : stores) ASSERT_NE(store, nullptr);
  ASSERT_TRUE(stores[0]->PutVersion(MakeVersion("api", "1.0.0")).ok());
  EXPECT_TRUE(stores[1]->GetVersion({"com.example", "api", "1.0.0"}).ok());
  EXPECT_EQ(stores[2]->PutVersion(MakeVersion("api", "1.0.0")).code(), "ASSET_PRE_CONDITIONS_FAILED");
  auto connection = PgConnection::Open(db.url());
  ASSERT_TRUE(connection.ok());
  EXPECT_EQ(*(*connection)->QueryValue("SELECT string_agg(version::text, ',') FROM agora_schema"),
            std::to_string(PostgresSchemaVersion()));
}

TEST(PostgresStoreTest, RefusesADatabaseFromANewerAgora) {
  PostgresDatabase db;
  ASSERT_EQ(db.Exec("UPDATE agora_schema SET version = 99"), "");
  const auto store = OpenPostgresMetadataStore(db.url());
  EXPECT_EQ(store.status().kind(), Status::Kind::kCorruption);
  EXPECT_NE(store.status().message().find("99"), std::string::npos) << store.status().message();
}

// Servers publishing versions of one asset at once: serializable transactions (run again when
// PostgreSQL aborts one) leave exactly one latest version, the highest, and every version whole.
TEST(PostgresStoreTest, ConcurrentServersKeepOneLatestVersion) {
  PostgresDatabase db;
  std::vector<std::unique_ptr<MetadataStore>> servers;
  for (int i = 0; i < 3; ++i) servers.push_back(Open(db));
  constexpr int kVersions = 30;
  std::vector<Status> outcomes(kVersions);
  std::vector<std::thread> threads;
  for (int i = 0; i < kVersions; ++i) {
    threads.emplace_back([&, i] {
      auto v = MakeVersion("api", "1.0." + std::to_string(i));
      v.tags = {"t" + std::to_string(i)};
      outcomes[i] = servers[i % 3]->PutVersion(v);
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& st : outcomes) EXPECT_TRUE(st.ok()) << st.ToString();
  AssetQuery q;
  auto latest = servers[0]->FindVersions(q);
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ((*latest)[0].coordinates.version, "1.0." + std::to_string(kVersions - 1));
  EXPECT_EQ((*latest)[0].tags, std::vector<std::string>{"t" + std::to_string(kVersions - 1)});
  EXPECT_EQ(servers[1]->ListVersions("com.example", "api")->size(), size_t{kVersions});
  EXPECT_TRUE(servers[2]->CheckIntegrity().ok());
}

// Two organisations claiming one group through different servers: one owns it, the other is refused.
TEST(PostgresStoreTest, OneOrganisationWinsAGroupClaimedFromTwoServers) {
  PostgresDatabase db;
  auto a = Open(db), b = Open(db);
  Status first, second;
  std::thread ta([&] { first = a->PutVersion(MakeVersion("one", "1.0.0", "org-a")); });
  std::thread tb([&] { second = b->PutVersion(MakeVersion("two", "1.0.0", "org-b")); });
  ta.join();
  tb.join();
  EXPECT_NE(first.ok(), second.ok()) << first.ToString() << " / " << second.ToString();
  EXPECT_EQ((first.ok() ? second : first).kind(), Status::Kind::kForbidden);
  EXPECT_EQ(*a->GroupOwner("com.example"), first.ok() ? "org-a" : "org-b");
}

// A named lock holds across servers: what one server holds, another's LockName waits for, and
// a lock held only in memory would not.
TEST(PostgresStoreTest, NamedLocksHoldAcrossServers) {
  PostgresDatabase db;
  auto a = Open(db), b = Open(db);
  auto held = a->LockName("maven-deploy:com.example/api/1.0.0");
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  std::atomic<bool> b_held{false};
  std::thread other([&] {
    auto lock = b->LockName("maven-deploy:com.example/api/1.0.0");
    EXPECT_TRUE(lock.ok()) << lock.status().ToString();
    b_held = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(b_held) << "the other server waits for the lock";
  held->reset();
  other.join();
  EXPECT_TRUE(b_held);
  EXPECT_TRUE(a->LockName("maven-deploy:com.example/api/2.0.0").ok()) << "another name is free";
  auto blobs = b->LockBlobs(/*exclusive=*/true);
  EXPECT_TRUE(blobs.ok()) << "named locks never meet the blob lock";
}

TEST(PostgresStoreTest, LostConnectionsAreReplaced) {
  PostgresDatabase db;
  auto store = Open(db, {.connections = 2});
  ASSERT_TRUE(store->PutVersion(MakeVersion("api", "1.0.0")).ok());
  ASSERT_EQ(testing::PostgresAdmin(testing::TestCluster(),
                                   "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                                       db.url().substr(db.url().rfind('/') + 1) + "' AND pid <> pg_backend_pid()"),
            "");
  EXPECT_TRUE(store->GetVersion({"com.example", "api", "1.0.0"}).ok());
  EXPECT_TRUE(store->PutVersion(MakeVersion("api", "1.0.1")).ok());
  EXPECT_EQ(store->ListVersions("com.example", "api")->size(), 2u);
}

// Hundreds of child rows go out in one pipeline, more than are ever in flight at once.
TEST(PostgresStoreTest, LongPipelinesRoundTrip) {
  PostgresDatabase db;
  auto store = Open(db);
  auto v = MakeVersion("big", "1.0.0");
  for (int i = 0; i < 700; ++i) v.tags.push_back("tag-" + std::to_string(i));
  for (int i = 0; i < 300; ++i) v.properties.push_back({"key" + std::to_string(i), std::string(1000, 'x')});
  ASSERT_TRUE(store->PutVersion(v).ok());
  auto back = store->GetVersion(v.coordinates);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->tags, v.tags);
  EXPECT_EQ(back->properties.size(), 300u);
  auto failing = MakeVersion("big2", "1.0.0");
  for (int i = 0; i < 500; ++i) failing.tags.push_back("x");
  failing.files = {{"raml", "zip", "sha", "m", "s", 1, "", false, 1}};
  failing.organization_id = "org-other";  // the group belongs to org-a
  EXPECT_EQ(store->PutVersion(failing).kind(), Status::Kind::kForbidden);
  EXPECT_TRUE(store->GetVersion(v.coordinates).ok()) << "the connection is usable after a failed write";
}

// A write on one server is seen by another's Generation within 100 ms (the listener's notice).
TEST(PostgresStoreTest, GenerationFollowsOtherServersWrites) {
  PostgresDatabase db;
  auto reader = Open(db), writer = Open(db);
  std::vector<double> delays;
  for (int i = 0; i < 20; ++i) {
    const uint64_t before = reader->Generation();
    ASSERT_TRUE(writer->PutVersion(MakeVersion("api", "1.0." + std::to_string(i))).ok());
    const auto written = std::chrono::steady_clock::now();
    while (reader->Generation() == before && std::chrono::steady_clock::now() - written < std::chrono::seconds(5))
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    delays.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - written).count());
  }
  std::sort(delays.begin(), delays.end());
  EXPECT_LT(delays.back(), 5000.0) << "every write is noticed";
  EXPECT_LT(delays[delays.size() * 9 / 10], 100.0) << "within 100 ms";
}

// Notifications lost while the listener is disconnected: the sequence, re-read on reconnecting
// and every half second, still moves Generation.
TEST(PostgresStoreTest, GenerationSurvivesALostListener) {
  PostgresDatabase db;
  auto reader = Open(db), writer = Open(db);
  const uint64_t before = reader->Generation();
  ASSERT_EQ(testing::PostgresAdmin(testing::TestCluster(),
                                   "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN agora_changes'"),
            "");
  ASSERT_TRUE(writer->PutVersion(MakeVersion("api", "1.0.0")).ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (reader->Generation() == before && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_NE(reader->Generation(), before);
}

// A write acknowledged by one server is counted by another's Generation as soon as CatchUp
// returns, notification or not (a reader without a listener, as `agora admin` opens, has none);
// many callers at once share the reads.
TEST(PostgresStoreTest, CatchUpCountsEveryWriteAlreadyCommitted) {
  PostgresDatabase db;
  auto reader = Open(db, {.listen = false}), writer = Open(db);
  for (int i = 0; i < 5; ++i) {
    const uint64_t before = reader->Generation();
    ASSERT_TRUE(reader->CatchUp().ok());
    EXPECT_EQ(reader->Generation(), before) << "no write, no change";
    ASSERT_TRUE(writer->PutVersion(MakeVersion("api", "1.0." + std::to_string(i))).ok());
    ASSERT_TRUE(reader->CatchUp().ok());
    EXPECT_NE(reader->Generation(), before) << "write " << i;
  }
  ASSERT_TRUE(writer->PutVersion(MakeVersion("api", "2.0.0")).ok());
  const uint64_t before = reader->Generation();
  std::vector<std::thread> callers;
  std::atomic<int> failed{0};
  for (int t = 0; t < 8; ++t)
    callers.emplace_back([&] {
      for (int i = 0; i < 20; ++i) failed += !reader->CatchUp().ok();
    });
  for (auto& t : callers) t.join();
  EXPECT_EQ(failed, 0);
  EXPECT_NE(reader->Generation(), before);
}

}  // namespace
}  // namespace agora::storage
