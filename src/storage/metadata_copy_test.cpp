// Copying whole metadata stores between the backends (metadata_copy.h): every table, in both
// directions, with the search index rebuilt and ids that later writes do not reuse; a target
// that holds data refused; differences found by the comparison.
#include "storage/metadata_copy.h"

#include <gtest/gtest.h>

#include "common/ids.h"
#include "storage/testing.h"
#include "storage/testing_postgres.h"

namespace agora::storage {
namespace {

using assets::AssetVersion;

// A version with rows in every child table.
AssetVersion Version(const std::string& asset, const std::string& version) {
  AssetVersion v;
  v.organization_id = "org-1";
  v.coordinates = {"group", asset, version};
  v.type = "rest-api";
  v.name = "Orders " + asset;
  v.description = "Ünïcode description of " + asset;
  v.tags = {"b", "a"};
  v.keywords = {"fulfilment"};
  v.categories = {{"team", {"core"}}};
  v.properties = {{"mainFile", "api.raml"}, {"apiVersion", "v1"}};
  v.dependencies = {{"group", "dep", "1.0.0"}};
  v.files = {{"raml", "zip", std::string(64, 'a'), "md5", "sha1", 10, "api.raml", false, 5}};
  v.api_model = "{\"model\": \"" + asset + "\"}";
  v.api_terms = "getOrders widget";
  v.created_by = "alice";
  v.created_millis = v.updated_millis = 1700000000000 + static_cast<int64_t>(asset.size());
  return v;
}

// Writes something into every table a publication, an account, a portal and a Maven deploy touch.
void Fill(MetadataStore& store) {
  ASSERT_TRUE(store.CreateOrganization({"org-1", "Org", "", 1}).ok());
  ASSERT_TRUE(store.CreateToken({"hash", "org-1", "admin", "admin", 2, 0, ""}).ok());
  ASSERT_TRUE(store.CreateUser({"u1", "alice", "$argon2id$x", "org-1", "admin", 3}).ok());
  ASSERT_TRUE(store.CreateClient({"c1", "secret", "app", "org-1", "viewer", 4}).ok());
  ASSERT_TRUE(store.GetOrCreateSetting("download-key", "k").ok());
  ASSERT_TRUE(store.PutTagDefinition({"t1", "org-1", "category", "team", "Team", "enum", {"core"}, {}}).ok());
  for (const char* asset : {"orders", "payments", "gone"}) ASSERT_TRUE(store.PutVersion(Version(asset, "1.0.0")).ok());
  ASSERT_TRUE(store.DeleteVersion({"group", "gone", "1.0.0"}, /*soft=*/true, 9).ok());
  ASSERT_TRUE(store.PutPortal({"group", "orders", "1.0.0"}, /*draft=*/false,
                              {{{"home", std::string(64, 'c')}}, {{"resources/x.png", std::string(64, 'd'), "image/png"}}})
                  .ok());
  PublicationJob job;
  job.run_id = "run-1";
  job.organization_id = "org-1";
  job.coordinates = {"group", "queued", "1.0.0"};
  job.status = "queued";
  job.steps_json = "[]";
  job.request_json = "{}";
  job.blob_refs = {std::string(64, 'e')};
  ASSERT_TRUE(store.PutJob(job).ok());
  ASSERT_TRUE(store.AddDownloads({{{"group", "orders", "1.0.0"}, 20000, 3}}).ok());
  const assets::Coordinates snapshot{"group", "lib", "1.1.0-SNAPSHOT"};
  ASSERT_TRUE(store.PutStagedFile({"org-1", snapshot, "20240101.120000-3", "", "jar", std::string(64, 'f'), "md5",
                                   "sha1", 7, "alice", 10})
                  .ok());
  ASSERT_TRUE(store.PutSnapshotBuild(snapshot, {"20240101.120000", 3, 11}).ok());
}

class MetadataCopyTest : public ::testing::Test {
 protected:
  std::unique_ptr<MetadataStore> Sqlite(const std::string& name) {
    return std::move(OpenSqliteMetadataStore(dir_.Path(name))).value();
  }
  std::unique_ptr<MetadataStore> Postgres() {
    auto store = OpenPostgresMetadataStore(database_.url(), {.connections = 2, .listen = false});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  static bool AllSame(MetadataStore& a, MetadataStore& b) {
    auto tables = CompareMetadata(a, b);
    EXPECT_TRUE(tables.ok()) << tables.status().ToString();
    if (!tables.ok()) return false;
    for (const auto& t : *tables)
      if (!t.same) return false;
    return true;
  }
  static std::vector<std::string> Found(MetadataStore& store, const std::string& words) {
    AssetQuery q;
    q.search = words;
    std::vector<std::string> ids;
    for (const auto& v : store.FindVersions(q).value()) ids.push_back(v.coordinates.asset_id);
    return ids;
  }

  testing::TempDir dir_;
  testing::PostgresDatabase database_;
};

TEST_F(MetadataCopyTest, EveryTableGoesToPostgresAndBack) {
  auto sqlite = Sqlite("source.db");
  Fill(*sqlite);
  auto postgres = Postgres();
  ASSERT_NE(postgres, nullptr);
  ASSERT_TRUE(CopyMetadata(*sqlite, *postgres).ok());
  auto tables = CompareMetadata(*sqlite, *postgres);
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  ASSERT_EQ(tables->size(), MetadataTables().size());
  for (const auto& t : *tables) {
    EXPECT_TRUE(t.same) << t.table;
    EXPECT_EQ(t.source_rows, t.target_rows) << t.table;
    EXPECT_GT(t.source_rows, 0u) << t.table << ": fill it, so that the copy of this table is tested";
  }
  // The copy is usable: searchable (the index was built), its records read back, and a new
  // version gets an id of its own.
  EXPECT_EQ(Found(*postgres, "fulfil"), (std::vector<std::string>{"orders", "payments"}));
  EXPECT_EQ(Found(*postgres, "widget"), (std::vector<std::string>{"orders", "payments"}));
  EXPECT_EQ(postgres->FindToken("hash")->subject, "admin");
  EXPECT_EQ(postgres->GetApiModel({"group", "orders", "1.0.0"}).value(), "{\"model\": \"orders\"}");
  EXPECT_EQ(postgres->PutVersion(Version("gone", "1.0.0")).kind(), Status::Kind::kConflict) << "still reserved";
  ASSERT_TRUE(postgres->PutVersion(Version("later", "1.0.0")).ok());
  EXPECT_EQ(postgres->GetVersion({"group", "later", "1.0.0"})->name, "Orders later");
  EXPECT_TRUE(postgres->CheckIntegrity().ok());

  auto back = Sqlite("back.db");
  ASSERT_TRUE(CopyMetadata(*postgres, *back).ok());
  EXPECT_TRUE(AllSame(*postgres, *back));
  EXPECT_EQ(Found(*back, "fulfil"), (std::vector<std::string>{"later", "orders", "payments"}));
  ASSERT_TRUE(back->PutVersion(Version("newer", "1.0.0")).ok());
  EXPECT_TRUE(back->CheckIntegrity().ok());
}

TEST_F(MetadataCopyTest, ATargetHoldingDataIsRefusedAndLeftAlone) {
  auto source = Sqlite("source.db");
  Fill(*source);
  auto target = Sqlite("target.db");
  ASSERT_TRUE(target->CreateOrganization({"other", "Other", "", 1}).ok());
  const Status st = CopyMetadata(*source, *target);
  EXPECT_EQ(st.code(), "TARGET_NOT_EMPTY") << st.ToString();
  EXPECT_EQ(target->ListOrganizations()->size(), 1u);
  EXPECT_TRUE(target->FindToken("hash").status().kind() == Status::Kind::kNotFound);
}

TEST_F(MetadataCopyTest, TheComparisonFindsAChangedRow) {
  auto source = Sqlite("source.db");
  Fill(*source);
  auto postgres = Postgres();
  ASSERT_NE(postgres, nullptr);
  ASSERT_TRUE(CopyMetadata(*source, *postgres).ok());
  ASSERT_TRUE(AllSame(*source, *postgres));
  ASSERT_EQ(database_.Exec("UPDATE version_files SET size = 11"), "");
  auto tables = CompareMetadata(*source, *postgres).value();
  for (const auto& t : tables) EXPECT_EQ(t.same, t.table != "version_files") << t.table;
}

// A table a schema step adds must be copied by agora migrate, or declared derived by its backend.
TEST_F(MetadataCopyTest, MetadataTablesNameEveryTableOfBothBackends) {
  auto sqlite = Sqlite("a.db");
  auto postgres = Postgres();
  ASSERT_NE(postgres, nullptr);
  // The comparison reads every table and fails on one MetadataTables() does not name.
  auto tables = CompareMetadata(*sqlite, *postgres);
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  auto reverse = CompareMetadata(*postgres, *sqlite);
  ASSERT_TRUE(reverse.ok()) << reverse.status().ToString();
  ASSERT_EQ(database_.Exec("CREATE TABLE stray (x integer)"), "");
  const Status st = CompareMetadata(*postgres, *sqlite).status();
  EXPECT_EQ(st.kind(), Status::Kind::kInternal);
  EXPECT_NE(st.message().find("stray"), std::string::npos) << st.ToString();
}

}  // namespace
}  // namespace agora::storage
