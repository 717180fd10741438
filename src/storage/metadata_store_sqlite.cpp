// SqliteMetadataStore: the embedded MetadataStore backend (see metadata_store.h). One writer
// connection serialises transactions, and concurrent writes share one commit (group commit, see
// Write); readers take connections from a pool, so reads proceed in parallel with a write (WAL
// mode).
#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "assets/semver.h"
#include "common/hash.h"
#include "common/ids.h"
#include "storage/metadata_store.h"
#include "storage/sqlite_connection.h"

namespace agora::storage {
namespace {

using assets::AssetVersion;
using assets::Coordinates;
using Statement = std::unique_ptr<SqliteStatement>;

// The schema is the sequence of migrations below: migration i takes a database from
// user_version i to i + 1. A released migration is never edited; a schema change appends one.
const char* const kSchemaV1 = R"sql(
CREATE TABLE organizations (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, parent_id TEXT NOT NULL DEFAULT '', created_millis INTEGER NOT NULL);
CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY, organization_id TEXT NOT NULL REFERENCES organizations(id),
  role TEXT NOT NULL, subject TEXT NOT NULL, created_millis INTEGER NOT NULL, expires_millis INTEGER NOT NULL);
CREATE TABLE groups (group_id TEXT PRIMARY KEY, organization_id TEXT NOT NULL);
CREATE TABLE assets (
  group_id TEXT NOT NULL, asset_id TEXT NOT NULL, organization_id TEXT NOT NULL, type TEXT NOT NULL,
  created_millis INTEGER NOT NULL, PRIMARY KEY (group_id, asset_id));
CREATE TABLE versions (
  id INTEGER PRIMARY KEY, group_id TEXT NOT NULL, asset_id TEXT NOT NULL, version TEXT NOT NULL,
  organization_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL, status TEXT NOT NULL,
  contact_name TEXT NOT NULL, contact_email TEXT NOT NULL, original_format TEXT NOT NULL,
  original_format_version TEXT NOT NULL, created_by TEXT NOT NULL, created_millis INTEGER NOT NULL,
  updated_millis INTEGER NOT NULL, version_key TEXT NOT NULL, is_latest INTEGER NOT NULL DEFAULT 0,
  UNIQUE (group_id, asset_id, version),
  FOREIGN KEY (group_id, asset_id) REFERENCES assets(group_id, asset_id));
CREATE TABLE version_tags (
  version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE, ordinal INTEGER NOT NULL, value TEXT NOT NULL);
CREATE TABLE version_keywords (
  version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE, ordinal INTEGER NOT NULL, value TEXT NOT NULL);
CREATE TABLE version_properties (
  version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE, ordinal INTEGER NOT NULL,
  key TEXT NOT NULL, value TEXT NOT NULL);
CREATE TABLE version_dependencies (
  version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE, ordinal INTEGER NOT NULL,
  group_id TEXT NOT NULL, asset_id TEXT NOT NULL, version TEXT NOT NULL);
CREATE TABLE version_files (
  version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE, ordinal INTEGER NOT NULL,
  classifier TEXT NOT NULL, packaging TEXT NOT NULL, sha256 TEXT NOT NULL, md5 TEXT NOT NULL, sha1 TEXT NOT NULL,
  size INTEGER NOT NULL, main_file TEXT NOT NULL, is_generated INTEGER NOT NULL, created_millis INTEGER NOT NULL);
CREATE INDEX version_tags_version ON version_tags(version_id);
CREATE INDEX version_keywords_version ON version_keywords(version_id);
CREATE INDEX version_properties_version ON version_properties(version_id);
CREATE INDEX version_dependencies_version ON version_dependencies(version_id);
CREATE INDEX version_dependencies_target ON version_dependencies(group_id, asset_id, version);
CREATE INDEX version_files_version ON version_files(version_id);
CREATE INDEX version_files_sha256 ON version_files(sha256);
CREATE TABLE jobs (
  run_id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, group_id TEXT NOT NULL, asset_id TEXT NOT NULL,
  version TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, asset_type TEXT NOT NULL,
  steps_json TEXT NOT NULL, request_json TEXT NOT NULL, created_millis INTEGER NOT NULL,
  updated_millis INTEGER NOT NULL);
CREATE INDEX jobs_status ON jobs(status, created_millis);
CREATE TABLE job_blobs (run_id TEXT NOT NULL REFERENCES jobs(run_id) ON DELETE CASCADE, sha256 TEXT NOT NULL);
CREATE INDEX job_blobs_run ON job_blobs(run_id);
CREATE INDEX job_blobs_sha256 ON job_blobs(sha256);
CREATE INDEX versions_latest ON versions(group_id, asset_id, version_key);
CREATE INDEX versions_listing ON versions(organization_id, is_latest, name);
CREATE TABLE tag_definitions (
  id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, kind TEXT NOT NULL, tag_key TEXT NOT NULL,
  display_name TEXT NOT NULL, data_type TEXT NOT NULL, accepted_values TEXT NOT NULL,
  asset_type_restrictions TEXT NOT NULL, UNIQUE (organization_id, kind, tag_key));
CREATE TABLE version_tag_values (
  version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE, kind TEXT NOT NULL, tag_key TEXT NOT NULL,
  ordinal INTEGER NOT NULL, value TEXT NOT NULL);
CREATE INDEX version_tag_values_version ON version_tag_values(version_id, kind, tag_key);
CREATE TABLE deleted_versions (
  group_id TEXT NOT NULL, asset_id TEXT NOT NULL, version TEXT NOT NULL, organization_id TEXT NOT NULL,
  name TEXT NOT NULL, type TEXT NOT NULL, deleted_millis INTEGER NOT NULL, PRIMARY KEY (group_id, asset_id, version));
CREATE INDEX deleted_versions_organization ON deleted_versions(organization_id, deleted_millis);
CREATE VIRTUAL TABLE version_search USING fts5(
  name, asset_id, keywords, tags, description, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
)sql";

// Search also covers category and custom-field values and the words of the asset's API
// specification (its api_terms); the API model itself is stored beside the version. FTS5 tables
// cannot gain columns, so the index is rebuilt from the stored rows.
const char* const kSchemaV2 = R"sql(
ALTER TABLE versions ADD COLUMN api_model TEXT NOT NULL DEFAULT '';
ALTER TABLE versions ADD COLUMN api_terms TEXT NOT NULL DEFAULT '';
DROP TABLE version_search;
CREATE VIRTUAL TABLE version_search USING fts5(
  name, asset_id, keywords, tags, description, tag_values, api_terms,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
INSERT INTO version_search (rowid, name, asset_id, keywords, tags, description, tag_values, api_terms)
SELECT v.id, v.name, v.asset_id,
  coalesce((SELECT group_concat(value, ' ') FROM version_keywords WHERE version_id = v.id), ''),
  coalesce((SELECT group_concat(value, ' ') FROM version_tags WHERE version_id = v.id), ''),
  v.description,
  coalesce((SELECT group_concat(value, ' ') FROM version_tag_values WHERE version_id = v.id), ''),
  v.api_terms
FROM versions v;
)sql";

// Documentation portals: each version's published page and resource set, and at most one draft.
// Contents are blobs, so the reaper counts these rows as references.
const char* const kSchemaV3 = R"sql(
CREATE TABLE portals (
  version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE, draft INTEGER NOT NULL,
  PRIMARY KEY (version_id, draft));
CREATE TABLE portal_pages (
  version_id INTEGER NOT NULL, draft INTEGER NOT NULL, ordinal INTEGER NOT NULL, path TEXT NOT NULL,
  sha256 TEXT NOT NULL, FOREIGN KEY (version_id, draft) REFERENCES portals(version_id, draft) ON DELETE CASCADE ON UPDATE CASCADE);
CREATE TABLE portal_resources (
  version_id INTEGER NOT NULL, draft INTEGER NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL,
  media_type TEXT NOT NULL, FOREIGN KEY (version_id, draft) REFERENCES portals(version_id, draft) ON DELETE CASCADE ON UPDATE CASCADE);
CREATE INDEX portal_pages_portal ON portal_pages(version_id, draft);
CREATE INDEX portal_pages_sha256 ON portal_pages(sha256);
CREATE INDEX portal_resources_portal ON portal_resources(version_id, draft);
CREATE INDEX portal_resources_sha256 ON portal_resources(sha256);
)sql";

// Identities for the platform's login flows: users with passwords, connected apps, environments,
// and the account a token was issued to. Organisations created before this get their two
// environments here.
const char* const kSchemaV4 = R"sql(
CREATE INDEX organizations_parent ON organizations(parent_id);
ALTER TABLE tokens ADD COLUMN account_id TEXT NOT NULL DEFAULT '';
CREATE TABLE environments (
  id TEXT PRIMARY KEY, organization_id TEXT NOT NULL REFERENCES organizations(id), name TEXT NOT NULL,
  is_production INTEGER NOT NULL, UNIQUE (organization_id, name));
INSERT INTO environments SELECT lower(hex(randomblob(16))), id, 'Production', 1 FROM organizations;
INSERT INTO environments SELECT lower(hex(randomblob(16))), id, 'Sandbox', 0 FROM organizations;
CREATE TABLE users (
  id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
  organization_id TEXT NOT NULL REFERENCES organizations(id), role TEXT NOT NULL, created_millis INTEGER NOT NULL);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE clients (
  client_id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, name TEXT NOT NULL,
  organization_id TEXT NOT NULL REFERENCES organizations(id), role TEXT NOT NULL, created_millis INTEGER NOT NULL);
)sql";

// API models move out of the version rows into rows of their own, shared by every version whose
// spec reads to the same model. A version row is rewritten whenever its latest flag or its
// asset's details change, and SQLite rewrites a row whole, overflow pages included: with the model
// inline, each publication copied its predecessor's model too. New models are keyed by the
// SHA-256 of their content; migrated ones by their version. The last version to go takes its
// model with it.
const char* const kSchemaV5 = R"sql(
CREATE TABLE api_models (id TEXT PRIMARY KEY, api_model TEXT NOT NULL, api_terms TEXT NOT NULL);
INSERT INTO api_models SELECT 'version-' || id, api_model, api_terms FROM versions WHERE api_model != '' OR api_terms != '';
ALTER TABLE versions ADD COLUMN api_model_id TEXT NOT NULL DEFAULT '';
UPDATE versions SET api_model_id = 'version-' || id WHERE api_model != '' OR api_terms != '';
ALTER TABLE versions DROP COLUMN api_model;
ALTER TABLE versions DROP COLUMN api_terms;
CREATE INDEX versions_api_model ON versions(api_model_id);
CREATE TRIGGER versions_release_api_model AFTER DELETE ON versions WHEN old.api_model_id != '' BEGIN
  DELETE FROM api_models WHERE id = old.api_model_id
    AND NOT EXISTS (SELECT 1 FROM versions WHERE api_model_id = old.api_model_id);
END;
)sql";

// The writer connection's queue of versions to (re)index for search (see FlushSearchIndex).
// A temporary table, so a rolled-back transaction takes its queue entries with it.
const char* const kPendingSearchTable = "CREATE TEMP TABLE pending_search (id INTEGER PRIMARY KEY)";

const char* const kMigrations[] = {kSchemaV1, kSchemaV2, kSchemaV3, kSchemaV4, kSchemaV5};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

// Column weights for bm25: a name match outranks an assetId match, then keywords and tags, then
// category and field values, then the description and the API's own words.
const char* const kRank = "bm25(version_search, 10.0, 6.0, 4.0, 4.0, 1.0, 3.0, 1.0)";

// A string that sorts like SemVer precedence: zero-padded numbers, and a release after its
// pre-releases ('~' sorts after '-').
std::string VersionKey(const std::string& version) {
  const auto v = assets::ParseSemVer(version);
  if (!v) return version;
  char numbers[80];
  std::snprintf(numbers, sizeof numbers, "%020llu.%020llu.%020llu", static_cast<unsigned long long>(v->major),
                static_cast<unsigned long long>(v->minor), static_cast<unsigned long long>(v->patch));
  std::string key = numbers;
  if (v->prerelease.empty()) return key + "~";
  key += "-";
  for (const auto& id : v->prerelease) {
    const bool numeric = !id.empty() && id.find_first_not_of("0123456789") == std::string::npos;
    key += (numeric ? std::string(20 - std::min<size_t>(20, id.size()), '0') + id : id) + ".";
  }
  return key;
}

std::string Join(const std::vector<std::string>& items, const char* separator) {
  std::string joined;
  for (const auto& item : items) joined += (joined.empty() ? "" : separator) + item;
  return joined;
}

// User text -> an FTS5 query: every word must match, as a word or a word prefix.
std::string MatchExpression(const std::string& text) {
  std::vector<std::string> terms;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) terms.push_back("\"" + word + "\"*");
    word.clear();
  };
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) word += static_cast<char>(c);
    else flush();
  }
  flush();
  return Join(terms, " ");
}

// The options reach PRAGMAs as text, so only the documented values pass.
Status ValidateOptions(SqliteOptions& options) {
  static const std::set<std::string> kSynchronousModes = {"OFF", "NORMAL", "FULL", "EXTRA"};
  for (char& c : options.synchronous) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!kSynchronousModes.contains(options.synchronous))
    return Status::InvalidArgument("INVALID_STORAGE_OPTION",
                                   "synchronous must be OFF, NORMAL, FULL or EXTRA, not '" + options.synchronous + "'");
  if (options.readers < 1 || options.busy_timeout_millis < 0 || options.cache_kib < 0 || options.mmap_bytes < 0)
    return Status::InvalidArgument("INVALID_STORAGE_OPTION",
                                   "readers must be at least 1; busy_timeout_millis, cache_kib and mmap_bytes >= 0");
  return Status::Ok();
}

const char* const kVersionColumns =
    "id, organization_id, group_id, asset_id, version, name, description, status, contact_name, contact_email, "
    "original_format, original_format_version, created_by, created_millis, updated_millis";

class SqliteMetadataStore : public MetadataStore {
 public:
  Status Open(const std::string& path, SqliteOptions options) {
    AGORA_RETURN_IF_ERROR(ValidateOptions(options));
    // ALTER TABLE DROP COLUMN (schema step 5) and sqlite3_total_changes64 (group commit).
    if (sqlite3_libversion_number() < 3037000)
      return Status::Internal(std::string("agora needs SQLite 3.37 or later, not ") + sqlite3_libversion());
    AGORA_ASSIGN_OR_RETURN(writer_, SqliteConnection::Open(path, /*read_only=*/false, options.busy_timeout_millis));
    AGORA_RETURN_IF_ERROR(writer_->Exec("PRAGMA journal_mode = WAL"));
    AGORA_RETURN_IF_ERROR(writer_->Exec("PRAGMA synchronous = " + options.synchronous));
    AGORA_RETURN_IF_ERROR(writer_->Exec("PRAGMA temp_store = MEMORY"));
    AGORA_RETURN_IF_ERROR(writer_->Exec(kPendingSearchTable));
    AGORA_RETURN_IF_ERROR(Migrate());
    AGORA_RETURN_IF_ERROR(Tune(*writer_, options));
    for (int i = 0; i < options.readers; ++i) {
      AGORA_ASSIGN_OR_RETURN(auto reader, SqliteConnection::Open(path, /*read_only=*/true, options.busy_timeout_millis));
      AGORA_RETURN_IF_ERROR(Tune(*reader, options));
      readers_.push_back(std::move(reader));
    }
    return Status::Ok();
  }

  static Status Tune(SqliteConnection& c, const SqliteOptions& options) {
    AGORA_RETURN_IF_ERROR(c.Exec("PRAGMA cache_size = -" + std::to_string(options.cache_kib)));
    return c.Exec("PRAGMA mmap_size = " + std::to_string(options.mmap_bytes));
  }

  Status CreateOrganization(const Organization& o) override {
    return Write([&](SqliteConnection& c) {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO organizations VALUES (?, ?, ?, ?)"));
      AGORA_RETURN_IF_ERROR(s->Bind(1, o.id).Bind(2, o.name).Bind(3, o.parent_id).Bind(4, o.created_millis).Run());
      for (const auto& [name, production] : {std::pair{"Production", 1}, std::pair{"Sandbox", 0}}) {
        AGORA_ASSIGN_OR_RETURN(Statement env, c.Prepare("INSERT INTO environments VALUES (?, ?, ?, ?)"));
        AGORA_RETURN_IF_ERROR(env->Bind(1, NewUuid()).Bind(2, o.id).Bind(3, name).Bind(4, int64_t{production}).Run());
      }
      return Status::Ok();
    });
  }

  Result<std::vector<Organization>> ListOrganizationTree(const std::string& root_id) override {
    return Read<std::vector<Organization>>([&](SqliteConnection& c) -> Result<std::vector<Organization>> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          "WITH RECURSIVE tree(id, depth) AS (SELECT id, 0 FROM organizations WHERE id = ?1 "
          "UNION SELECT o.id, t.depth + 1 FROM organizations o JOIN tree t ON o.parent_id = t.id WHERE t.depth < 64) "
          "SELECT o.id, o.name, o.parent_id, o.created_millis FROM tree t JOIN organizations o ON o.id = t.id "
          "ORDER BY t.depth, o.created_millis, o.id"));
      s->Bind(1, root_id);
      std::vector<Organization> tree;
      AGORA_RETURN_IF_ERROR(s->ForEach([&](SqliteStatement& r) {
        tree.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3)});
        return Status::Ok();
      }));
      if (tree.empty()) return Status::NotFound("Organization " + root_id + " not found");
      return tree;
    });
  }

  Result<std::vector<Environment>> ListEnvironments(const std::string& organization_id) override {
    return Read<std::vector<Environment>>([&](SqliteConnection& c) -> Result<std::vector<Environment>> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          "SELECT id, organization_id, name, is_production FROM environments WHERE organization_id = ? "
          "ORDER BY is_production DESC, name"));
      s->Bind(1, organization_id);
      std::vector<Environment> environments;
      AGORA_RETURN_IF_ERROR(s->ForEach([&](SqliteStatement& r) {
        environments.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3) != 0});
        return Status::Ok();
      }));
      return environments;
    });
  }

  uint64_t Generation() const override { return generation_.load(std::memory_order_acquire); }

  Result<std::string> GetOrCreateSetting(const std::string& key, const std::string& value_if_missing) override {
    std::string value;
    AGORA_RETURN_IF_ERROR(Write([&](SqliteConnection& c) -> Status {
      AGORA_ASSIGN_OR_RETURN(Statement insert, c.Prepare("INSERT OR IGNORE INTO settings VALUES (?, ?)"));
      AGORA_RETURN_IF_ERROR(insert->Bind(1, key).Bind(2, value_if_missing).Run());
      AGORA_ASSIGN_OR_RETURN(Statement select, c.Prepare("SELECT value FROM settings WHERE key = ?"));
      select->Bind(1, key);
      AGORA_ASSIGN_OR_RETURN(bool row, select->Step());
      if (!row) return Status::Internal("setting " + key + " vanished");
      value = select->Text(0);
      return Status::Ok();
    }));
    return value;
  }

  Status CreateUser(const UserRecord& u) override {
    Status st = Write([&](SqliteConnection& c) {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)"));
      return s->Bind(1, u.id).Bind(2, u.username).Bind(3, u.password_hash).Bind(4, u.organization_id)
          .Bind(5, u.role).Bind(6, u.created_millis).Run();
    });
    if (st.kind() == Status::Kind::kConflict) return Status::Conflict("USER_EXISTS", "The username " + u.username + " is taken");
    return st;
  }

  Result<UserRecord> FindUser(const std::string& username) override {
    return Read<UserRecord>([&](SqliteConnection& c) -> Result<UserRecord> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          "SELECT id, username, password_hash, organization_id, role, created_millis FROM users WHERE username = ?"));
      s->Bind(1, username);
      AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return Status::NotFound("user not found");
      return UserRecord{s->Text(0), s->Text(1), s->Text(2), s->Text(3), s->Text(4), s->Int(5)};
    });
  }

  Status CreateClient(const ClientRecord& a) override {
    return Write([&](SqliteConnection& c) {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO clients VALUES (?, ?, ?, ?, ?, ?)"));
      return s->Bind(1, a.client_id).Bind(2, a.secret_hash).Bind(3, a.name).Bind(4, a.organization_id)
          .Bind(5, a.role).Bind(6, a.created_millis).Run();
    });
  }

  Result<ClientRecord> FindClient(const std::string& client_id) override {
    return Read<ClientRecord>([&](SqliteConnection& c) -> Result<ClientRecord> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          "SELECT client_id, secret_hash, name, organization_id, role, created_millis FROM clients WHERE client_id = ?"));
      s->Bind(1, client_id);
      AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return Status::NotFound("client not found");
      return ClientRecord{s->Text(0), s->Text(1), s->Text(2), s->Text(3), s->Text(4), s->Int(5)};
    });
  }

  Result<Organization> GetOrganization(const std::string& id) override {
    return Read<Organization>([&](SqliteConnection& c) -> Result<Organization> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT id, name, parent_id, created_millis FROM organizations WHERE id = ?"));
      s->Bind(1, id);
      AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return Status::NotFound("Organization " + id + " not found");
      return Organization{s->Text(0), s->Text(1), s->Text(2), s->Int(3)};
    });
  }

  Result<std::vector<Organization>> ListOrganizations() override {
    return Read<std::vector<Organization>>([&](SqliteConnection& c) -> Result<std::vector<Organization>> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT id, name, parent_id, created_millis FROM organizations ORDER BY created_millis, id"));
      std::vector<Organization> all;
      AGORA_RETURN_IF_ERROR(s->ForEach([&](SqliteStatement& r) {
        all.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3)});
        return Status::Ok();
      }));
      return all;
    });
  }

  Status CreateToken(const TokenRecord& t) override {
    return Write([&](SqliteConnection& c) {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?, ?)"));
      return s->Bind(1, t.token_hash).Bind(2, t.organization_id).Bind(3, t.role).Bind(4, t.subject)
          .Bind(5, t.created_millis).Bind(6, t.expires_millis).Bind(7, t.account_id).Run();
    });
  }

  Result<TokenRecord> FindToken(const std::string& token_hash) override {
    return Read<TokenRecord>([&](SqliteConnection& c) -> Result<TokenRecord> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          "SELECT token_hash, organization_id, role, subject, created_millis, expires_millis, account_id FROM tokens "
          "WHERE token_hash = ?"));
      s->Bind(1, token_hash);
      AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return Status::NotFound("token not found");
      return TokenRecord{s->Text(0), s->Text(1), s->Text(2), s->Text(3), s->Int(4), s->Int(5), s->Text(6)};
    });
  }

  Status DeleteToken(const std::string& token_hash) override {
    return Write([&](SqliteConnection& c) {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("DELETE FROM tokens WHERE token_hash = ?"));
      return s->Bind(1, token_hash).Run();
    });
  }

  Result<std::string> GroupOwner(const std::string& group_id) override {
    return Read<std::string>([&](SqliteConnection& c) { return GroupOwnerOn(c, group_id); });
  }

  Result<AssetVersion> GetVersion(const Coordinates& coordinates) override {
    return Read<AssetVersion>([&](SqliteConnection& c) -> Result<AssetVersion> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("SELECT ") + kVersionColumns +
                                                    " FROM versions WHERE group_id = ? AND asset_id = ? AND version = ?"));
      s->Bind(1, coordinates.group_id).Bind(2, coordinates.asset_id).Bind(3, coordinates.version);
      AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return Status::NotFound("Asset " + coordinates.ToString() + " not found");
      return LoadVersion(c, *s);
    });
  }

  Result<std::vector<AssetVersion>> ListVersions(const std::string& group_id, const std::string& asset_id) override {
    return Read<std::vector<AssetVersion>>([&](SqliteConnection& c) -> Result<std::vector<AssetVersion>> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("SELECT ") + kVersionColumns +
                                                    " FROM versions WHERE group_id = ? AND asset_id = ? "
                                                    "ORDER BY created_millis, version"));
      s->Bind(1, group_id).Bind(2, asset_id);
      return s->Collect<AssetVersion>([&](SqliteStatement& r) { return LoadVersion(c, r); });
    });
  }

  Result<std::vector<VersionSummary>> ListVersionSummaries(const std::string& group_id,
                                                           const std::string& asset_id) override {
    return Read<std::vector<VersionSummary>>([&](SqliteConnection& c) -> Result<std::vector<VersionSummary>> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          // The first apiVersion property: MIN() picks its row without sorting the properties.
          "SELECT v.version, a.type, v.status, (SELECT value FROM (SELECT p.value, MIN(p.ordinal) FROM "
          "version_properties p WHERE p.version_id = v.id AND p.key = 'apiVersion')) FROM versions v LEFT JOIN assets a "
          "ON a.group_id = v.group_id AND a.asset_id = v.asset_id WHERE v.group_id = ? AND v.asset_id = ? "
          "ORDER BY v.created_millis, v.version"));
      s->Bind(1, group_id).Bind(2, asset_id);
      return s->Collect<VersionSummary>([](SqliteStatement& r) -> Result<VersionSummary> {
        return VersionSummary{r.Text(0), r.Text(1),
                              assets::ParseLifecycle(r.Text(2)).value_or(assets::Lifecycle::kPublished), r.Text(3)};
      });
    });
  }

  Status PutVersion(const AssetVersion& v) override {
    return Write([&](SqliteConnection& c) { return InsertVersion(c, v); });
  }

  Status PutVersions(const std::vector<AssetVersion>& versions) override {
    return Write([&](SqliteConnection& c) -> Status {
      for (const auto& v : versions) AGORA_RETURN_IF_ERROR(InsertVersion(c, v));
      return Status::Ok();
    });
  }

  // Claims the group, checks the existing version, and inserts the version with all its rows.
  static Status InsertVersion(SqliteConnection& c, const AssetVersion& v) {
    AGORA_RETURN_IF_ERROR(ClaimGroup(c, v.coordinates.group_id, v.organization_id));
    AGORA_RETURN_IF_ERROR(ReplaceableOrAbsent(c, v.coordinates));
    AGORA_ASSIGN_OR_RETURN(Statement asset, c.Prepare(
        "INSERT OR IGNORE INTO assets (group_id, asset_id, organization_id, type, created_millis) VALUES (?, ?, ?, ?, ?)"));
    AGORA_RETURN_IF_ERROR(asset->Bind(1, v.coordinates.group_id).Bind(2, v.coordinates.asset_id)
                              .Bind(3, v.organization_id).Bind(4, v.type).Bind(5, v.created_millis).Run());
    AGORA_ASSIGN_OR_RETURN(int64_t id, InsertVersionRow(c, v));
    AGORA_RETURN_IF_ERROR(IndexVersion(c, id));
    AGORA_RETURN_IF_ERROR(InsertChildren(c, id, v));
    return MarkLatest(c, v.coordinates.group_id, v.coordinates.asset_id);
  }

  // Flags the asset's highest version, so listings find each asset's latest version by index.
  // Only the rows whose flag changes are written (at most the old and the new latest), so the
  // cost of a publication does not grow with the asset's history.
  static Status MarkLatest(SqliteConnection& c, const std::string& group_id, const std::string& asset_id) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "WITH latest(key) AS (SELECT MAX(version_key) FROM versions WHERE group_id = ?1 AND asset_id = ?2) "
        "UPDATE versions SET is_latest = (version_key = (SELECT key FROM latest)) "
        "WHERE group_id = ?1 AND asset_id = ?2 AND is_latest != (version_key = (SELECT key FROM latest))"));
    return s->Bind(1, group_id).Bind(2, asset_id).Run();
  }

  Status SetVersionStatus(const Coordinates& c, assets::Lifecycle status, int64_t now) override {
    return Write([&](SqliteConnection& conn) -> Status {
      AGORA_ASSIGN_OR_RETURN(Statement s, conn.Prepare(
          "UPDATE versions SET status = ? WHERE group_id = ? AND asset_id = ? AND version = ?"));
      AGORA_RETURN_IF_ERROR(s->Bind(1, assets::LifecycleName(status)).Bind(2, c.group_id).Bind(3, c.asset_id)
                                .Bind(4, c.version).Run());
      if (sqlite3_changes(conn.db()) == 0) return Status::NotFound("Asset " + c.ToString() + " not found");
      return Touch(conn, c.group_id, c.asset_id, now);
    });
  }

  Status UpdateAssetDetails(const std::string& group_id, const std::string& asset_id, const AssetDetailsUpdate& u,
                            int64_t now) override {
    return Write([&](SqliteConnection& conn) -> Status {
      const std::pair<const char*, const std::optional<std::string>*> columns[] = {
          {"name", &u.name}, {"description", &u.description}, {"contact_name", &u.contact_name},
          {"contact_email", &u.contact_email}};
      for (const auto& [column, value] : columns) {
        if (!*value) continue;
        AGORA_ASSIGN_OR_RETURN(Statement s, conn.Prepare(std::string("UPDATE versions SET ") + column +
                                                         " = ? WHERE group_id = ? AND asset_id = ?"));
        AGORA_RETURN_IF_ERROR(s->Bind(1, **value).Bind(2, group_id).Bind(3, asset_id).Run());
      }
      AGORA_RETURN_IF_ERROR(Touch(conn, group_id, asset_id, now));
      return Reindex(conn, group_id, asset_id);
    });
  }

  Result<std::vector<Coordinates>> ListDependents(const Coordinates& c) override {
    return Read<std::vector<Coordinates>>([&](SqliteConnection& conn) -> Result<std::vector<Coordinates>> {
      AGORA_ASSIGN_OR_RETURN(Statement s, conn.Prepare(
          "SELECT v.group_id, v.asset_id, v.version FROM version_dependencies d JOIN versions v ON v.id = d.version_id "
          "WHERE d.group_id = ? AND d.asset_id = ? AND d.version = ? ORDER BY v.group_id, v.asset_id, v.version_key"));
      s->Bind(1, c.group_id).Bind(2, c.asset_id).Bind(3, c.version);
      std::vector<Coordinates> dependents;
      AGORA_RETURN_IF_ERROR(s->ForEach([&](SqliteStatement& r) {
        dependents.push_back({r.Text(0), r.Text(1), r.Text(2)});
        return Status::Ok();
      }));
      return dependents;
    });
  }

  Status DeleteVersion(const Coordinates& c, bool soft, int64_t now) override {
    return Write([&](SqliteConnection& conn) -> Status {
      AGORA_ASSIGN_OR_RETURN(Statement s, conn.Prepare(
          "SELECT v.id, v.organization_id, v.name, a.type FROM versions v JOIN assets a ON a.group_id = v.group_id "
          "AND a.asset_id = v.asset_id WHERE v.group_id = ? AND v.asset_id = ? AND v.version = ?"));
      s->Bind(1, c.group_id).Bind(2, c.asset_id).Bind(3, c.version);
      AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return Status::NotFound("Asset " + c.ToString() + " not found");
      const int64_t id = s->Int(0);
      const DeletedVersion tombstone{s->Text(1), c, s->Text(2), s->Text(3), now};
      s.reset();
      AGORA_RETURN_IF_ERROR(RemoveVersionRow(conn, id));
      AGORA_RETURN_IF_ERROR(MarkLatest(conn, c.group_id, c.asset_id));
      if (!soft) return Status::Ok();
      AGORA_ASSIGN_OR_RETURN(Statement t, conn.Prepare("INSERT OR REPLACE INTO deleted_versions VALUES (?, ?, ?, ?, ?, ?, ?)"));
      return t->Bind(1, c.group_id).Bind(2, c.asset_id).Bind(3, c.version).Bind(4, tombstone.organization_id)
          .Bind(5, tombstone.name).Bind(6, tombstone.type).Bind(7, now).Run();
    });
  }

  Status PutTagDefinition(const TagDefinition& d) override {
    return Write([&](SqliteConnection& c) -> Status {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO tag_definitions VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
      Status st = s->Bind(1, d.id).Bind(2, d.organization_id).Bind(3, d.kind).Bind(4, d.tag_key).Bind(5, d.display_name)
                      .Bind(6, d.data_type).Bind(7, Join(d.accepted_values, "\n"))
                      .Bind(8, Join(d.asset_type_restrictions, "\n")).Run();
      if (st.kind() == Status::Kind::kConflict)
        return Status::Conflict("DUPLICATED_TAG_KEY", "The " + d.kind + " key '" + d.tag_key + "' is already defined");
      return st;
    });
  }

  Result<std::vector<TagDefinition>> ListTagDefinitions(const std::string& organization_id, const std::string& kind) override {
    return Read<std::vector<TagDefinition>>([&](SqliteConnection& c) -> Result<std::vector<TagDefinition>> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          "SELECT id, organization_id, kind, tag_key, display_name, data_type, accepted_values, asset_type_restrictions "
          "FROM tag_definitions WHERE organization_id = ? AND kind = ? ORDER BY tag_key"));
      s->Bind(1, organization_id).Bind(2, kind);
      std::vector<TagDefinition> definitions;
      AGORA_RETURN_IF_ERROR(s->ForEach([&](SqliteStatement& r) {
        definitions.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), SplitLines(r.Text(6)),
                               SplitLines(r.Text(7))});
        return Status::Ok();
      }));
      return definitions;
    });
  }

  Status DeleteTagDefinition(const std::string& organization_id, const std::string& kind, const std::string& id) override {
    return Write([&](SqliteConnection& c) -> Status {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          "DELETE FROM tag_definitions WHERE organization_id = ? AND kind = ? AND id = ?"));
      AGORA_RETURN_IF_ERROR(s->Bind(1, organization_id).Bind(2, kind).Bind(3, id).Run());
      if (sqlite3_changes(c.db()) == 0) return Status::NotFound("No " + kind + " definition " + id);
      return Status::Ok();
    });
  }

  Status SetVersionTags(const Coordinates& coordinates, const std::vector<std::string>& tags) override {
    return Write([&](SqliteConnection& c) -> Status {
      AGORA_ASSIGN_OR_RETURN(int64_t id, VersionId(c, coordinates));
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("DELETE FROM version_tags WHERE version_id = ?"));
      AGORA_RETURN_IF_ERROR(s->Bind(1, id).Run());
      s.reset();
      AGORA_RETURN_IF_ERROR(InsertValues(c, "version_tags", id, tags));
      return Reindex(c, coordinates.group_id, coordinates.asset_id);
    });
  }

  Status SetVersionTagValue(const Coordinates& coordinates, const std::string& kind, const assets::TagValue& value) override {
    return Write([&](SqliteConnection& c) -> Status {
      AGORA_ASSIGN_OR_RETURN(int64_t id, VersionId(c, coordinates));
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          "DELETE FROM version_tag_values WHERE version_id = ? AND kind = ? AND tag_key = ?"));
      AGORA_RETURN_IF_ERROR(s->Bind(1, id).Bind(2, kind).Bind(3, value.key).Run());
      s.reset();
      AGORA_RETURN_IF_ERROR(InsertTagValues(c, id, kind, {value}));
      return ReindexVersion(c, id);
    });
  }

  Result<std::optional<Portal>> GetPortal(const Coordinates& coordinates, bool draft) override {
    return Read<std::optional<Portal>>([&](SqliteConnection& c) -> Result<std::optional<Portal>> {
      AGORA_ASSIGN_OR_RETURN(int64_t id, VersionId(c, coordinates));
      AGORA_ASSIGN_OR_RETURN(Statement exists, c.Prepare("SELECT 1 FROM portals WHERE version_id = ? AND draft = ?"));
      exists->Bind(1, id).Bind(2, draft ? 1 : 0);
      AGORA_ASSIGN_OR_RETURN(bool found, exists->Step());
      if (!found) return std::optional<Portal>();
      exists.reset();
      Portal portal;
      AGORA_ASSIGN_OR_RETURN(Statement pages, c.Prepare(
          "SELECT path, sha256 FROM portal_pages WHERE version_id = ? AND draft = ? ORDER BY ordinal"));
      pages->Bind(1, id).Bind(2, draft ? 1 : 0);
      AGORA_ASSIGN_OR_RETURN(portal.pages, pages->Collect<PortalPage>([](SqliteStatement& r) -> Result<PortalPage> {
        return PortalPage{r.Text(0), r.Text(1)};
      }));
      AGORA_ASSIGN_OR_RETURN(Statement resources, c.Prepare(
          "SELECT path, sha256, media_type FROM portal_resources WHERE version_id = ? AND draft = ? ORDER BY path"));
      resources->Bind(1, id).Bind(2, draft ? 1 : 0);
      AGORA_ASSIGN_OR_RETURN(portal.resources, resources->Collect<PortalResource>([](SqliteStatement& r) -> Result<PortalResource> {
        return PortalResource{r.Text(0), r.Text(1), r.Text(2)};
      }));
      return std::optional<Portal>(std::move(portal));
    });
  }

  Status PutPortal(const Coordinates& coordinates, bool draft, const Portal& portal) override {
    return Write([&](SqliteConnection& c) -> Status {
      AGORA_ASSIGN_OR_RETURN(int64_t id, VersionId(c, coordinates));
      return ReplacePortal(c, id, draft, &portal);
    });
  }

  Status DeletePortal(const Coordinates& coordinates, bool draft) override {
    return Write([&](SqliteConnection& c) -> Status {
      AGORA_ASSIGN_OR_RETURN(int64_t id, VersionId(c, coordinates));
      return ReplacePortal(c, id, draft, nullptr);
    });
  }

  // Replaces (or, given nullptr, removes) one of a version's portals with all its rows.
  static Status ReplacePortal(SqliteConnection& c, int64_t id, bool draft, const Portal* portal) {
    AGORA_ASSIGN_OR_RETURN(Statement remove, c.Prepare("DELETE FROM portals WHERE version_id = ? AND draft = ?"));
    AGORA_RETURN_IF_ERROR(remove->Bind(1, id).Bind(2, draft ? 1 : 0).Run());
    remove.reset();
    if (!portal) return Status::Ok();
    AGORA_ASSIGN_OR_RETURN(Statement add, c.Prepare("INSERT INTO portals VALUES (?, ?)"));
    AGORA_RETURN_IF_ERROR(add->Bind(1, id).Bind(2, draft ? 1 : 0).Run());
    add.reset();
    for (size_t i = 0; i < portal->pages.size(); ++i) {
      AGORA_ASSIGN_OR_RETURN(Statement page, c.Prepare("INSERT INTO portal_pages VALUES (?, ?, ?, ?, ?)"));
      AGORA_RETURN_IF_ERROR(page->Bind(1, id).Bind(2, draft ? 1 : 0).Bind(3, static_cast<int64_t>(i))
                                .Bind(4, portal->pages[i].path).Bind(5, portal->pages[i].sha256).Run());
    }
    for (const auto& resource : portal->resources) {
      AGORA_ASSIGN_OR_RETURN(Statement row, c.Prepare("INSERT INTO portal_resources VALUES (?, ?, ?, ?, ?)"));
      AGORA_RETURN_IF_ERROR(row->Bind(1, id).Bind(2, draft ? 1 : 0).Bind(3, resource.path).Bind(4, resource.sha256)
                                .Bind(5, resource.media_type).Run());
    }
    return Status::Ok();
  }

  Status PublishDraft(const Coordinates& coordinates) override {
    return Write([&](SqliteConnection& c) -> Status {
      AGORA_ASSIGN_OR_RETURN(int64_t id, VersionId(c, coordinates));
      AGORA_ASSIGN_OR_RETURN(Statement has, c.Prepare("SELECT 1 FROM portals WHERE version_id = ? AND draft = 1"));
      has->Bind(1, id);
      AGORA_ASSIGN_OR_RETURN(bool found, has->Step());
      has.reset();
      if (!found) return Status::NotFound("Asset " + coordinates.ToString() + " has no documentation draft");
      AGORA_RETURN_IF_ERROR(ReplacePortal(c, id, /*draft=*/false, nullptr));
      // Pages and resources follow their portal's key (ON UPDATE CASCADE).
      AGORA_ASSIGN_OR_RETURN(Statement move, c.Prepare("UPDATE portals SET draft = 0 WHERE version_id = ? AND draft = 1"));
      return move->Bind(1, id).Run();
    });
  }

  Result<std::string> GetApiModel(const Coordinates& coordinates) override {
    return Read<std::string>([&](SqliteConnection& c) -> Result<std::string> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          "SELECT coalesce(m.api_model, '') FROM versions v LEFT JOIN api_models m ON m.id = v.api_model_id "
          "WHERE v.group_id = ? AND v.asset_id = ? AND v.version = ?"));
      s->Bind(1, coordinates.group_id).Bind(2, coordinates.asset_id).Bind(3, coordinates.version);
      AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return Status::NotFound("Asset " + coordinates.ToString() + " not found");
      return s->Text(0);
    });
  }

  static Result<int64_t> VersionId(SqliteConnection& c, const Coordinates& coordinates) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT id FROM versions WHERE group_id = ? AND asset_id = ? AND version = ?"));
    s->Bind(1, coordinates.group_id).Bind(2, coordinates.asset_id).Bind(3, coordinates.version);
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::NotFound("Asset " + coordinates.ToString() + " not found");
    return s->Int(0);
  }

  static std::vector<std::string> SplitLines(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
      const size_t end = std::min(text.find('\n', start), text.size());
      lines.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    return lines;
  }

  Result<std::vector<DeletedVersion>> ListSoftDeleted(const std::string& organization_id, size_t offset,
                                                      size_t limit) override {
    return Read<std::vector<DeletedVersion>>([&](SqliteConnection& conn) -> Result<std::vector<DeletedVersion>> {
      AGORA_ASSIGN_OR_RETURN(Statement s, conn.Prepare(
          "SELECT organization_id, group_id, asset_id, version, name, type, deleted_millis FROM deleted_versions "
          "WHERE organization_id = ? ORDER BY deleted_millis DESC, group_id, asset_id, version LIMIT ? OFFSET ?"));
      s->Bind(1, organization_id).Bind(2, static_cast<int64_t>(limit)).Bind(3, static_cast<int64_t>(offset));
      std::vector<DeletedVersion> deleted;
      AGORA_RETURN_IF_ERROR(s->ForEach([&](SqliteStatement& r) {
        deleted.push_back({r.Text(0), {r.Text(1), r.Text(2), r.Text(3)}, r.Text(4), r.Text(5), r.Int(6)});
        return Status::Ok();
      }));
      return deleted;
    });
  }

  Result<std::vector<std::string>> ListReservedVersions(const std::string& group_id, const std::string& asset_id) override {
    return Read<std::vector<std::string>>([&](SqliteConnection& conn) -> Result<std::vector<std::string>> {
      AGORA_ASSIGN_OR_RETURN(Statement s, conn.Prepare(
          "SELECT version FROM versions WHERE group_id = ?1 AND asset_id = ?2 "
          "UNION SELECT version FROM deleted_versions WHERE group_id = ?1 AND asset_id = ?2"));
      s->Bind(1, group_id).Bind(2, asset_id);
      std::vector<std::string> versions;
      AGORA_RETURN_IF_ERROR(s->ForEach([&](SqliteStatement& r) {
        versions.push_back(r.Text(0));
        return Status::Ok();
      }));
      return versions;
    });
  }

  // Relevance search ranks in two tiers: versions whose name or assetId match come first, so
  // only when they do not fill the page are all matches ranked (which costs more for common words).
  Result<std::vector<AssetVersion>> FindVersions(const AssetQuery& q) override {
    const std::string match = MatchExpression(q.search);
    const bool by_relevance = !match.empty() && q.sort.empty();
    return Read<std::vector<AssetVersion>>([&](SqliteConnection& c) -> Result<std::vector<AssetVersion>> {
      std::vector<int64_t> ids;
      if (by_relevance) {
        const std::string name_match = "{name asset_id} : (" + match + ")";
        AGORA_ASSIGN_OR_RETURN(ids, FindIds(c, q, name_match, "", q.offset + q.limit, 0));
        if (ids.size() == q.offset + q.limit) {
          ids.erase(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(q.offset));
        } else {
          const size_t names = ids.size();
          AGORA_ASSIGN_OR_RETURN(auto rest, FindIds(c, q, match, name_match, q.offset + q.limit - names, 0));
          ids.insert(ids.end(), rest.begin(), rest.end());
          ids.erase(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(std::min(q.offset, ids.size())));
        }
      } else {
        AGORA_ASSIGN_OR_RETURN(ids, FindIds(c, q, match, "", q.limit, q.offset));
      }
      std::vector<AssetVersion> versions;
      for (int64_t id : ids) {
        AGORA_ASSIGN_OR_RETURN(AssetVersion v, LoadVersionById(c, id));
        versions.push_back(std::move(v));
      }
      return versions;
    });
  }

  // The FROM and WHERE of a search: the versions v matching the query's filters and the FTS5
  // expression `match` (any when empty, else with its rank as s.score) but not `exclude_match`
  // (when given).
  struct Selection {
    std::string sql;
    std::vector<std::string> values;
  };
  static Selection SelectVersions(const AssetQuery& q, const std::string& match, const std::string& exclude_match) {
    Selection sel;
    std::vector<std::string> conditions;
    auto& values = sel.values;
    // Full-text matches are ranked inside the FTS table first; the filters then apply to them.
    if (!match.empty()) {
      sel.sql = std::string(" FROM (SELECT rowid AS id, ") + kRank +
                " AS score FROM version_search WHERE version_search MATCH ?) s JOIN versions v ON v.id = s.id ";
      values.push_back(match);
    } else {
      sel.sql = " FROM versions v ";
    }
    if (!q.types.empty()) sel.sql += "JOIN assets a ON a.group_id = v.group_id AND a.asset_id = v.asset_id ";
    auto in = [&](const std::string& column, const std::vector<std::string>& options) {
      if (options.empty()) return;
      conditions.push_back(column + " IN (" + Join(std::vector<std::string>(options.size(), "?"), ", ") + ")");
      values.insert(values.end(), options.begin(), options.end());
    };
    in("v.organization_id", q.organization_ids);
    in("a.type", q.types);
    in("v.status", q.statuses);
    if (!q.tags.empty()) {
      in("EXISTS (SELECT 1 FROM version_tags t WHERE t.version_id = v.id AND t.value", q.tags);
      conditions.back() += ")";
    }
    for (const auto& [kind, key, wanted] : TagValueFiltersByKey(q.tag_values)) {
      conditions.push_back("EXISTS (SELECT 1 FROM version_tag_values f WHERE f.version_id = v.id AND f.kind = ? AND "
                           "f.tag_key = ? AND f.value IN (" +
                           Join(std::vector<std::string>(wanted.size(), "?"), ", ") + "))");
      values.push_back(kind);
      values.push_back(key);
      values.insert(values.end(), wanted.begin(), wanted.end());
    }
    if (q.latest_only && q.statuses.empty()) {
      conditions.push_back("v.is_latest = 1");
    } else if (q.latest_only) {  // the latest among the versions in the requested states
      conditions.push_back("v.version_key = (SELECT MAX(l.version_key) FROM versions l WHERE l.group_id = v.group_id "
                           "AND l.asset_id = v.asset_id AND l.status IN (" +
                           Join(std::vector<std::string>(q.statuses.size(), "?"), ", ") + "))");
      values.insert(values.end(), q.statuses.begin(), q.statuses.end());
    }
    if (!exclude_match.empty()) {
      conditions.push_back("v.id NOT IN (SELECT rowid FROM version_search WHERE version_search MATCH ?)");
      values.push_back(exclude_match);
    }
    if (!conditions.empty()) sel.sql += " WHERE " + Join(conditions, " AND ");
    return sel;
  }

  // The category and field filters grouped by (kind, key), in a stable order.
  static std::vector<std::tuple<std::string, std::string, std::vector<std::string>>> TagValueFiltersByKey(
      const std::vector<TagValueFilter>& filters) {
    std::map<std::pair<std::string, std::string>, std::vector<std::string>> grouped;
    for (const auto& f : filters) grouped[{f.kind, f.key}].push_back(f.value);
    std::vector<std::tuple<std::string, std::string, std::vector<std::string>>> keys;
    for (auto& [kind_key, values] : grouped) keys.emplace_back(kind_key.first, kind_key.second, std::move(values));
    return keys;
  }

  static Result<Statement> PrepareSelection(SqliteConnection& c, const std::string& sql, const Selection& sel) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(sql));
    int index = 1;
    for (const auto& value : sel.values) s->Bind(index++, value);
    return s;
  }

  // Ids of the versions SelectVersions picks, in the query's order.
  static Result<std::vector<int64_t>> FindIds(SqliteConnection& c, const AssetQuery& q, const std::string& match,
                                              const std::string& exclude_match, size_t limit, size_t offset) {
    const Selection sel = SelectVersions(q, match, exclude_match);
    std::string sql = "SELECT v.id" + sel.sql;
    const std::string direction = q.ascending ? " ASC" : " DESC";
    if (q.sort == "createdDate") sql += " ORDER BY v.created_millis" + direction + ", v.id";
    else if (q.sort == "updatedDate") sql += " ORDER BY v.updated_millis" + direction + ", v.id";
    else if (q.sort == "name" || match.empty()) sql += " ORDER BY v.name COLLATE NOCASE" + direction + ", v.id";
    else sql += " ORDER BY s.score, v.name COLLATE NOCASE";
    AGORA_ASSIGN_OR_RETURN(Statement s, PrepareSelection(c, sql + " LIMIT ? OFFSET ?", sel));
    const int next = static_cast<int>(sel.values.size()) + 1;
    s->Bind(next, static_cast<int64_t>(limit)).Bind(next + 1, static_cast<int64_t>(offset));
    std::vector<int64_t> ids;
    AGORA_RETURN_IF_ERROR(s->ForEach([&](SqliteStatement& r) {
      ids.push_back(r.Int(0));
      return Status::Ok();
    }));
    return ids;
  }

  Result<std::vector<VersionFacets>> ListVersionFacets() override {
    return Read<std::vector<VersionFacets>>([&](SqliteConnection& c) -> Result<std::vector<VersionFacets>> {
      std::vector<VersionFacets> all;
      std::unordered_map<int64_t, size_t> by_id;
      AGORA_ASSIGN_OR_RETURN(Statement versions, c.Prepare(
          "SELECT v.id, v.organization_id, v.group_id, v.asset_id, v.version, a.type, v.status, v.name, "
          "v.updated_millis FROM versions v JOIN assets a ON a.group_id = v.group_id AND a.asset_id = v.asset_id"));
      AGORA_RETURN_IF_ERROR(versions->ForEach([&](SqliteStatement& r) {
        by_id[r.Int(0)] = all.size();
        all.push_back({r.Text(1), {r.Text(2), r.Text(3), r.Text(4)}, r.Text(5),
                       assets::ParseLifecycle(r.Text(6)).value_or(assets::Lifecycle::kPublished), r.Text(7), r.Int(8)});
        return Status::Ok();
      }));
      AGORA_ASSIGN_OR_RETURN(Statement tags, c.Prepare("SELECT version_id, value FROM version_tags ORDER BY version_id, ordinal"));
      AGORA_RETURN_IF_ERROR(tags->ForEach([&](SqliteStatement& r) {
        if (auto it = by_id.find(r.Int(0)); it != by_id.end()) all[it->second].tags.push_back(r.Text(1));
        return Status::Ok();
      }));
      AGORA_ASSIGN_OR_RETURN(Statement values, c.Prepare(
          "SELECT version_id, kind, tag_key, value FROM version_tag_values ORDER BY version_id, kind, tag_key, ordinal"));
      AGORA_RETURN_IF_ERROR(values->ForEach([&](SqliteStatement& r) {
        const auto it = by_id.find(r.Int(0));
        if (it == by_id.end()) return Status::Ok();
        auto& list = r.Text(1) == "category" ? all[it->second].categories : all[it->second].fields;
        if (list.empty() || list.back().key != r.Text(2)) list.push_back({r.Text(2), {}});
        list.back().values.push_back(r.Text(3));
        return Status::Ok();
      }));
      return all;
    });
  }

  Result<std::vector<Coordinates>> MatchVersions(const std::string& search) override {
    const std::string match = MatchExpression(search);
    return Read<std::vector<Coordinates>>([&](SqliteConnection& c) -> Result<std::vector<Coordinates>> {
      if (match.empty()) return std::vector<Coordinates>{};
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          "SELECT v.group_id, v.asset_id, v.version FROM versions v "
          "WHERE v.id IN (SELECT rowid FROM version_search WHERE version_search MATCH ?)"));
      s->Bind(1, match);
      std::vector<Coordinates> found;
      AGORA_RETURN_IF_ERROR(s->ForEach([&](SqliteStatement& r) {
        found.push_back({r.Text(0), r.Text(1), r.Text(2)});
        return Status::Ok();
      }));
      return found;
    });
  }

  Result<std::vector<std::string>> ReferencedBlobs() override {
    return Read<std::vector<std::string>>([&](SqliteConnection& c) -> Result<std::vector<std::string>> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          "SELECT sha256 FROM version_files UNION SELECT b.sha256 FROM job_blobs b JOIN jobs j ON j.run_id = b.run_id "
          "WHERE j.status IN ('queued', 'running') UNION SELECT sha256 FROM portal_pages "
          "UNION SELECT sha256 FROM portal_resources"));
      std::vector<std::string> all;
      AGORA_RETURN_IF_ERROR(s->ForEach([&](SqliteStatement& r) {
        all.push_back(r.Text(0));
        return Status::Ok();
      }));
      return all;
    });
  }

  Result<bool> IsBlobReferenced(const std::string& sha256) override {
    return Read<bool>([&](SqliteConnection& c) -> Result<bool> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          "SELECT EXISTS (SELECT 1 FROM version_files WHERE sha256 = ?1) OR EXISTS (SELECT 1 FROM job_blobs b "
          "JOIN jobs j ON j.run_id = b.run_id WHERE b.sha256 = ?1 AND j.status IN ('queued', 'running')) "
          "OR EXISTS (SELECT 1 FROM portal_pages WHERE sha256 = ?1) "
          "OR EXISTS (SELECT 1 FROM portal_resources WHERE sha256 = ?1)"));
      s->Bind(1, sha256);
      AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
      return row && s->Int(0) != 0;
    });
  }

  Status PutJob(const PublicationJob& j) override {
    return Write([&](SqliteConnection& c) -> Status {
      AGORA_ASSIGN_OR_RETURN(Statement old_blobs, c.Prepare("DELETE FROM job_blobs WHERE run_id = ?"));
      AGORA_RETURN_IF_ERROR(old_blobs->Bind(1, j.run_id).Run());
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT OR REPLACE INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      AGORA_RETURN_IF_ERROR(s->Bind(1, j.run_id).Bind(2, j.organization_id).Bind(3, j.coordinates.group_id)
                                .Bind(4, j.coordinates.asset_id).Bind(5, j.coordinates.version).Bind(6, j.kind)
                                .Bind(7, j.status).Bind(8, j.asset_type).Bind(9, j.steps_json).Bind(10, j.request_json)
                                .Bind(11, j.created_millis).Bind(12, j.updated_millis).Run());
      for (const auto& sha : j.blob_refs) {
        AGORA_ASSIGN_OR_RETURN(Statement b, c.Prepare("INSERT INTO job_blobs VALUES (?, ?)"));
        AGORA_RETURN_IF_ERROR(b->Bind(1, j.run_id).Bind(2, sha).Run());
      }
      return Status::Ok();
    });
  }

  Result<PublicationJob> GetJob(const std::string& run_id) override {
    return Read<PublicationJob>([&](SqliteConnection& c) -> Result<PublicationJob> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT * FROM jobs WHERE run_id = ?"));
      s->Bind(1, run_id);
      AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return Status::NotFound("Publication " + run_id + " not found");
      return LoadJob(c, *s);
    });
  }

  Result<std::vector<PublicationJob>> ListUnfinishedJobs() override {
    return Read<std::vector<PublicationJob>>([&](SqliteConnection& c) -> Result<std::vector<PublicationJob>> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          "SELECT * FROM jobs WHERE status IN ('queued', 'running') ORDER BY created_millis, run_id"));
      return s->Collect<PublicationJob>([&](SqliteStatement& r) { return LoadJob(c, r); });
    });
  }

  Status CheckIntegrity() override {
    return Write([&](SqliteConnection& c) -> Status {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("PRAGMA integrity_check"));
      AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row || s->Text(0) != "ok") return Status::Corruption("integrity_check: " + (row ? s->Text(0) : ""));
      AGORA_ASSIGN_OR_RETURN(Statement fk, c.Prepare("PRAGMA foreign_key_check"));
      AGORA_ASSIGN_OR_RETURN(bool violation, fk->Step());
      if (violation) return Status::Corruption("foreign_key_check: violation in table " + fk->Text(0));
      return Status::Ok();
    }, /*transaction=*/false);
  }

 private:
  Status Migrate() {
    AGORA_ASSIGN_OR_RETURN(Statement s, writer_->Prepare("PRAGMA user_version"));
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    const int64_t version = row ? s->Int(0) : 0;
    s.reset();
    if (version == kSchemaVersion) return Status::Ok();
    if (version > kSchemaVersion)
      return Status::Corruption("the database schema version " + std::to_string(version) + " is newer than this agora");
    // Each step commits with its version number, so a crash mid-way resumes at the next step.
    for (int64_t step = version; step < kSchemaVersion; ++step) {
      AGORA_RETURN_IF_ERROR(Write([&](SqliteConnection& c) -> Status {
        AGORA_RETURN_IF_ERROR(c.Exec(kMigrations[step]));
        return c.Exec("PRAGMA user_version = " + std::to_string(step + 1));
      }));
    }
    return Status::Ok();
  }

  // Runs `body` on the writer connection, inside a transaction unless told otherwise.
  //
  // Group commit: writers that arrive while a transaction is being written queue up, and the next
  // one to run takes the whole queue into one transaction, so one commit (one WAL fsync with
  // synchronous=FULL) makes them all durable. A body that fails before writing anything leaves
  // the others be; one that fails after writing is undone by rolling back and running the others
  // again, each in a transaction of its own.
  // (Savepoints per body would undo it alone, but FTS5 flushes its pending index at every
  // savepoint, which made each publication's search terms a segment of their own.) A failed
  // commit fails every body of the group. Bodies must therefore be safe to run again.
  template <typename Body>
  Status Write(Body body, bool transaction = true) {
    if (!transaction) {
      std::lock_guard lock(writer_mutex_);
      CountOnExit count{generation_};
      return body(*writer_);
    }
    PendingWrite write{std::function<Status(SqliteConnection&)>(std::ref(body))};
    std::unique_lock lock(group_mutex_);
    pending_.push_back(&write);
    while (!write.done) {
      if (group_leader_active_) {
        group_done_.wait(lock);
        continue;
      }
      group_leader_active_ = true;
      std::vector<PendingWrite*> group;
      group.swap(pending_);
      lock.unlock();
      CommitGroup(group);
      lock.lock();
      group_leader_active_ = false;
      for (PendingWrite* member : group) member->done = true;
      group_done_.notify_all();
    }
    return write.result;
  }

  // Counted after a write, whatever its outcome: a reader that noted the generation before
  // reading can then never pass off what it read as current.
  struct CountOnExit {
    std::atomic<uint64_t>& generation;
    ~CountOnExit() { generation.fetch_add(1, std::memory_order_release); }
  };

  struct PendingWrite {
    std::function<Status(SqliteConnection&)> body;
    Status result = Status::Ok();
    bool done = false;
  };

  static Status RunBody(const PendingWrite& write, SqliteConnection& c) {
    try {
      return write.body(c);
    } catch (const std::exception& e) {  // never let one body strand the others of its group
      return Status::Internal(std::string("metadata write failed: ") + e.what());
    }
  }

  void CommitGroup(const std::vector<PendingWrite*>& group) {
    std::lock_guard lock(writer_mutex_);
    CountOnExit count{generation_};
    std::vector<PendingWrite*> members = group;
    if (RunGroupOnce(members)) return;
    // A member failed after writing and left the group: the others run one transaction each, so
    // that more such members cost one run each rather than a run of the whole group each.
    for (PendingWrite* member : members) {
      std::vector<PendingWrite*> alone{member};
      RunGroupOnce(alone);
    }
  }

  // One attempt at the group's transaction. False when a member failed after writing: the
  // transaction is rolled back, that member keeps its failure and leaves `members`, and the
  // others must run again. A group of one always ends here.
  bool RunGroupOnce(std::vector<PendingWrite*>& members) {
    auto fail_all = [&](const Status& st) {
      for (PendingWrite* member : members)
        if (member->result.ok()) member->result = st;
      return true;
    };
    if (Status st = writer_->Exec("BEGIN IMMEDIATE"); !st.ok()) return fail_all(st);
    for (auto it = members.begin(); it != members.end(); ++it) {
      PendingWrite* member = *it;
      const sqlite3_int64 changes_before = sqlite3_total_changes64(writer_->db());
      member->result = RunBody(*member, *writer_);
      if (sqlite3_get_autocommit(writer_->db())) {
        // SQLite rolled the whole transaction back (a disk error, say): the group's earlier
        // bodies are gone with it.
        return fail_all(member->result.ok() ? Status::IOError("the metadata transaction was rolled back")
                                            : member->result);
      }
      if (member->result.ok() || sqlite3_total_changes64(writer_->db()) == changes_before) continue;
      (void)writer_->Exec("ROLLBACK");
      members.erase(it);
      for (PendingWrite* other : members) other->result = Status::Ok();
      return members.empty();
    }
    const bool any_ok = std::any_of(members.begin(), members.end(), [](const PendingWrite* m) { return m->result.ok(); });
    if (!any_ok) {
      (void)writer_->Exec("ROLLBACK");
      return true;
    }
    if (Status st = FlushSearchIndex(*writer_); !st.ok()) {
      (void)writer_->Exec("ROLLBACK");
      return fail_all(st);
    }
    if (Status st = writer_->Exec("COMMIT"); !st.ok()) {
      (void)writer_->Exec("ROLLBACK");
      fail_all(st);
    }
    return true;
  }

  template <typename T, typename Body>
  Result<T> Read(Body body) {
    std::unique_ptr<SqliteConnection> reader;
    {
      std::unique_lock lock(readers_mutex_);
      readers_available_.wait(lock, [this] { return !readers_.empty(); });
      reader = std::move(readers_.back());
      readers_.pop_back();
    }
    Result<T> result = body(*reader);
    {
      std::lock_guard lock(readers_mutex_);
      readers_.push_back(std::move(reader));
    }
    readers_available_.notify_one();
    return result;
  }

  static Result<std::string> GroupOwnerOn(SqliteConnection& c, const std::string& group_id) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT organization_id FROM groups WHERE group_id = ?"));
    s->Bind(1, group_id);
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::NotFound("group " + group_id + " has no owner");
    return s->Text(0);
  }

  static Status ClaimGroup(SqliteConnection& c, const std::string& group_id, const std::string& organization_id) {
    auto owner = GroupOwnerOn(c, group_id);
    if (owner.ok()) {
      if (*owner == organization_id) return Status::Ok();
      return Status::Forbidden("The group " + group_id + " belongs to another organization");
    }
    if (owner.status().kind() != Status::Kind::kNotFound) return owner.status();
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO groups VALUES (?, ?)"));
    return s->Bind(1, group_id).Bind(2, organization_id).Run();
  }

  // A published or deprecated version is immutable; a development one is deleted to be replaced.
  static Status ReplaceableOrAbsent(SqliteConnection& c, const Coordinates& coordinates) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "SELECT id, status FROM versions WHERE group_id = ? AND asset_id = ? AND version = ?"));
    s->Bind(1, coordinates.group_id).Bind(2, coordinates.asset_id).Bind(3, coordinates.version);
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return NotSoftDeleted(c, coordinates);
    if (s->Text(1) != "development") {
      return Status::Conflict("ASSET_PRE_CONDITIONS_FAILED",
                              "Cannot create a new asset with the provided groupId, assetId, version, state",
                              {"An asset already exists with this version and published lifecycle state."});
    }
    const int64_t id = s->Int(0);
    s.reset();
    return RemoveVersionRow(c, id);
  }

  static Status NotSoftDeleted(SqliteConnection& c, const Coordinates& coordinates) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "SELECT 1 FROM deleted_versions WHERE group_id = ? AND asset_id = ? AND version = ?"));
    s->Bind(1, coordinates.group_id).Bind(2, coordinates.asset_id).Bind(3, coordinates.version);
    AGORA_ASSIGN_OR_RETURN(bool deleted, s->Step());
    if (!deleted) return Status::Ok();
    return Status::Conflict("ASSET_PRE_CONDITIONS_FAILED",
                            "Cannot create a new asset with the provided groupId, assetId, version, state",
                            {"The version " + coordinates.version + " was deleted; its coordinates stay reserved."});
  }

  // Deletes a version row, its child rows (by cascade) and its search entry.
  static Status RemoveVersionRow(SqliteConnection& c, int64_t id) {
    AGORA_ASSIGN_OR_RETURN(Statement unindex, c.Prepare("DELETE FROM version_search WHERE rowid = ?"));
    AGORA_RETURN_IF_ERROR(unindex->Bind(1, id).Run());
    AGORA_ASSIGN_OR_RETURN(Statement del, c.Prepare("DELETE FROM versions WHERE id = ?"));
    return del->Bind(1, id).Run();
  }

  static Status Touch(SqliteConnection& c, const std::string& group_id, const std::string& asset_id, int64_t now) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("UPDATE versions SET updated_millis = ? WHERE group_id = ? AND asset_id = ?"));
    return s->Bind(1, now).Bind(2, group_id).Bind(3, asset_id).Run();
  }

  // Rebuilds the search entries of an asset's versions after an edit.
  static Status Reindex(SqliteConnection& c, const std::string& group_id, const std::string& asset_id) {
    std::vector<int64_t> ids;
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT id FROM versions WHERE group_id = ? AND asset_id = ?"));
    s->Bind(1, group_id).Bind(2, asset_id);
    AGORA_RETURN_IF_ERROR(s->ForEach([&](SqliteStatement& r) {
      ids.push_back(r.Int(0));
      return Status::Ok();
    }));
    s.reset();
    for (int64_t id : ids) AGORA_RETURN_IF_ERROR(ReindexVersion(c, id));
    return Status::Ok();
  }

  static Status ReindexVersion(SqliteConnection& c, int64_t id) {
    AGORA_ASSIGN_OR_RETURN(Statement unindex, c.Prepare("DELETE FROM version_search WHERE rowid = ?"));
    AGORA_RETURN_IF_ERROR(unindex->Bind(1, id).Run());
    unindex.reset();
    return IndexVersion(c, id);
  }

  static Result<int64_t> InsertVersionRow(SqliteConnection& c, const AssetVersion& v) {
    AGORA_ASSIGN_OR_RETURN(std::string api_model_id, InsertApiModel(c, v));
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "INSERT INTO versions (organization_id, group_id, asset_id, version, name, description, status, contact_name, "
        "contact_email, original_format, original_format_version, created_by, created_millis, updated_millis, "
        "version_key, api_model_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    AGORA_RETURN_IF_ERROR(s->Bind(1, v.organization_id).Bind(2, v.coordinates.group_id).Bind(3, v.coordinates.asset_id)
                              .Bind(4, v.coordinates.version).Bind(5, v.name).Bind(6, v.description)
                              .Bind(7, assets::LifecycleName(v.status)).Bind(8, v.contact_name).Bind(9, v.contact_email)
                              .Bind(10, v.original_format).Bind(11, v.original_format_version).Bind(12, v.created_by)
                              .Bind(13, v.created_millis).Bind(14, v.updated_millis)
                              .Bind(15, VersionKey(v.coordinates.version)).Bind(16, api_model_id).Run());
    return static_cast<int64_t>(sqlite3_last_insert_rowid(c.db()));
  }

  // The id of the version's API model row (shared by identical models), or "" when it has none.
  static Result<std::string> InsertApiModel(SqliteConnection& c, const AssetVersion& v) {
    if (v.api_model.empty() && v.api_terms.empty()) return std::string();
    std::string id = Sha256Hex(v.api_model + '\0' + v.api_terms);
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT OR IGNORE INTO api_models VALUES (?, ?, ?)"));
    AGORA_RETURN_IF_ERROR(s->Bind(1, id).Bind(2, v.api_model).Bind(3, v.api_terms).Run());
    return id;
  }

  // Queues the version for the search index, which FlushSearchIndex fills at the end of the
  // transaction from the stored rows.
  static Status IndexVersion(SqliteConnection& c, int64_t id) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT OR IGNORE INTO temp.pending_search VALUES (?)"));
    return s->Bind(1, id).Run();
  }

  // Indexes the queued versions that still exist, in one statement. FTS5 writes its pending
  // terms out at every savepoint, and SQLite opens one for most statements: indexing each
  // version as it was stored wrote one small index segment per publication, and merging them
  // was most of a publication's page writes.
  static Status FlushSearchIndex(SqliteConnection& c) {
    AGORA_ASSIGN_OR_RETURN(Statement pending, c.Prepare("SELECT 1 FROM temp.pending_search LIMIT 1"));
    AGORA_ASSIGN_OR_RETURN(bool any, pending->Step());
    pending.reset();
    if (!any) return Status::Ok();  // also spares schema migrations, older than this statement's columns
    AGORA_ASSIGN_OR_RETURN(Statement index, c.Prepare(
        "INSERT INTO version_search (rowid, name, asset_id, keywords, tags, description, tag_values, api_terms) "
        "SELECT v.id, v.name, v.asset_id, "
        "coalesce((SELECT group_concat(value, ' ') FROM version_keywords WHERE version_id = v.id), ''), "
        "coalesce((SELECT group_concat(value, ' ') FROM version_tags WHERE version_id = v.id), ''), "
        "v.description, "
        "coalesce((SELECT group_concat(value, ' ') FROM version_tag_values WHERE version_id = v.id), ''), "
        "coalesce((SELECT api_terms FROM api_models WHERE id = v.api_model_id), '') "
        "FROM temp.pending_search p JOIN versions v ON v.id = p.id"));
    AGORA_RETURN_IF_ERROR(index->Run());
    index.reset();
    AGORA_ASSIGN_OR_RETURN(Statement clear, c.Prepare("DELETE FROM temp.pending_search"));
    return clear->Run();
  }

  static Result<AssetVersion> LoadVersionById(SqliteConnection& c, int64_t id) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("SELECT ") + kVersionColumns + " FROM versions WHERE id = ?"));
    s->Bind(1, id);
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::NotFound("version row " + std::to_string(id));
    return LoadVersion(c, *s);
  }

  static Status InsertValues(SqliteConnection& c, const char* table, int64_t id, const std::vector<std::string>& values) {
    for (size_t i = 0; i < values.size(); ++i) {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("INSERT INTO ") + table + " VALUES (?, ?, ?)"));
      AGORA_RETURN_IF_ERROR(s->Bind(1, id).Bind(2, static_cast<int64_t>(i)).Bind(3, values[i]).Run());
    }
    return Status::Ok();
  }

  static Status InsertTagValues(SqliteConnection& c, int64_t id, const std::string& kind,
                                const std::vector<assets::TagValue>& tag_values) {
    for (const auto& tag : tag_values) {
      for (size_t i = 0; i < tag.values.size(); ++i) {
        AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO version_tag_values VALUES (?, ?, ?, ?, ?)"));
        AGORA_RETURN_IF_ERROR(s->Bind(1, id).Bind(2, kind).Bind(3, tag.key).Bind(4, static_cast<int64_t>(i))
                                  .Bind(5, tag.values[i]).Run());
      }
    }
    return Status::Ok();
  }

  static Status InsertChildren(SqliteConnection& c, int64_t id, const AssetVersion& v) {
    AGORA_RETURN_IF_ERROR(InsertTagValues(c, id, "category", v.categories));
    AGORA_RETURN_IF_ERROR(InsertTagValues(c, id, "field", v.fields));
    AGORA_RETURN_IF_ERROR(InsertValues(c, "version_tags", id, v.tags));
    AGORA_RETURN_IF_ERROR(InsertValues(c, "version_keywords", id, v.keywords));
    for (size_t i = 0; i < v.properties.size(); ++i) {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO version_properties VALUES (?, ?, ?, ?)"));
      AGORA_RETURN_IF_ERROR(s->Bind(1, id).Bind(2, static_cast<int64_t>(i)).Bind(3, v.properties[i].key)
                                .Bind(4, v.properties[i].value).Run());
    }
    for (size_t i = 0; i < v.dependencies.size(); ++i) {
      const auto& d = v.dependencies[i];
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO version_dependencies VALUES (?, ?, ?, ?, ?)"));
      AGORA_RETURN_IF_ERROR(s->Bind(1, id).Bind(2, static_cast<int64_t>(i)).Bind(3, d.group_id).Bind(4, d.asset_id)
                                .Bind(5, d.version).Run());
    }
    for (size_t i = 0; i < v.files.size(); ++i) {
      const auto& f = v.files[i];
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          "INSERT INTO version_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      AGORA_RETURN_IF_ERROR(s->Bind(1, id).Bind(2, static_cast<int64_t>(i)).Bind(3, f.classifier).Bind(4, f.packaging)
                                .Bind(5, f.sha256).Bind(6, f.md5).Bind(7, f.sha1).Bind(8, static_cast<int64_t>(f.size))
                                .Bind(9, f.main_file).Bind(10, f.is_generated ? 1 : 0).Bind(11, f.created_millis).Run());
    }
    return Status::Ok();
  }

  static Result<std::vector<std::string>> LoadValues(SqliteConnection& c, const char* table, int64_t id) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("SELECT value FROM ") + table +
                                                  " WHERE version_id = ? ORDER BY ordinal"));
    s->Bind(1, id);
    std::vector<std::string> values;
    AGORA_RETURN_IF_ERROR(s->ForEach([&](SqliteStatement& r) {
      values.push_back(r.Text(0));
      return Status::Ok();
    }));
    return values;
  }

  static Result<AssetVersion> LoadVersion(SqliteConnection& c, SqliteStatement& row) {
    AssetVersion v;
    const int64_t id = row.Int(0);
    v.organization_id = row.Text(1);
    v.coordinates = {row.Text(2), row.Text(3), row.Text(4)};
    v.name = row.Text(5);
    v.description = row.Text(6);
    v.status = assets::ParseLifecycle(row.Text(7)).value_or(assets::Lifecycle::kPublished);
    v.contact_name = row.Text(8);
    v.contact_email = row.Text(9);
    v.original_format = row.Text(10);
    v.original_format_version = row.Text(11);
    v.created_by = row.Text(12);
    v.created_millis = row.Int(13);
    v.updated_millis = row.Int(14);
    AGORA_ASSIGN_OR_RETURN(Statement type, c.Prepare("SELECT type FROM assets WHERE group_id = ? AND asset_id = ?"));
    type->Bind(1, v.coordinates.group_id).Bind(2, v.coordinates.asset_id);
    AGORA_ASSIGN_OR_RETURN(bool has_type, type->Step());
    if (has_type) v.type = type->Text(0);
    AGORA_ASSIGN_OR_RETURN(v.tags, LoadValues(c, "version_tags", id));
    AGORA_ASSIGN_OR_RETURN(v.keywords, LoadValues(c, "version_keywords", id));
    AGORA_RETURN_IF_ERROR(LoadProperties(c, id, v));
    AGORA_RETURN_IF_ERROR(LoadDependencies(c, id, v));
    AGORA_RETURN_IF_ERROR(LoadFiles(c, id, v));
    AGORA_ASSIGN_OR_RETURN(v.categories, LoadTagValues(c, id, "category"));
    AGORA_ASSIGN_OR_RETURN(v.fields, LoadTagValues(c, id, "field"));
    return v;
  }

  static Result<std::vector<assets::TagValue>> LoadTagValues(SqliteConnection& c, int64_t id, const char* kind) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "SELECT tag_key, value FROM version_tag_values WHERE version_id = ? AND kind = ? ORDER BY tag_key, ordinal"));
    s->Bind(1, id).Bind(2, kind);
    std::vector<assets::TagValue> values;
    AGORA_RETURN_IF_ERROR(s->ForEach([&](SqliteStatement& r) {
      if (values.empty() || values.back().key != r.Text(0)) values.push_back({r.Text(0), {}});
      values.back().values.push_back(r.Text(1));
      return Status::Ok();
    }));
    return values;
  }

  static Status LoadProperties(SqliteConnection& c, int64_t id, AssetVersion& v) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT key, value FROM version_properties WHERE version_id = ? ORDER BY ordinal"));
    s->Bind(1, id);
    return s->ForEach([&](SqliteStatement& r) {
      v.properties.push_back({r.Text(0), r.Text(1)});
      return Status::Ok();
    });
  }

  static Status LoadDependencies(SqliteConnection& c, int64_t id, AssetVersion& v) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "SELECT group_id, asset_id, version FROM version_dependencies WHERE version_id = ? ORDER BY ordinal"));
    s->Bind(1, id);
    return s->ForEach([&](SqliteStatement& r) {
      v.dependencies.push_back({r.Text(0), r.Text(1), r.Text(2)});
      return Status::Ok();
    });
  }

  static Status LoadFiles(SqliteConnection& c, int64_t id, AssetVersion& v) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "SELECT classifier, packaging, sha256, md5, sha1, size, main_file, is_generated, created_millis "
        "FROM version_files WHERE version_id = ? ORDER BY ordinal"));
    s->Bind(1, id);
    return s->ForEach([&](SqliteStatement& r) {
      v.files.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), static_cast<uint64_t>(r.Int(5)),
                         r.Text(6), r.Int(7) != 0, r.Int(8)});
      return Status::Ok();
    });
  }

  static Result<PublicationJob> LoadJob(SqliteConnection& c, SqliteStatement& s) {
    PublicationJob j;
    j.run_id = s.Text(0);
    j.organization_id = s.Text(1);
    j.coordinates = {s.Text(2), s.Text(3), s.Text(4)};
    j.kind = s.Text(5);
    j.status = s.Text(6);
    j.asset_type = s.Text(7);
    j.steps_json = s.Text(8);
    j.request_json = s.Text(9);
    j.created_millis = s.Int(10);
    j.updated_millis = s.Int(11);
    AGORA_ASSIGN_OR_RETURN(Statement b, c.Prepare("SELECT sha256 FROM job_blobs WHERE run_id = ?"));
    b->Bind(1, j.run_id);
    AGORA_RETURN_IF_ERROR(b->ForEach([&](SqliteStatement& r) {
      j.blob_refs.push_back(r.Text(0));
      return Status::Ok();
    }));
    return j;
  }

  std::mutex writer_mutex_;
  std::atomic<uint64_t> generation_{0};
  std::mutex group_mutex_;  // guards pending_ and group_leader_active_
  std::condition_variable group_done_;
  std::vector<PendingWrite*> pending_;
  bool group_leader_active_ = false;
  std::unique_ptr<SqliteConnection> writer_;
  std::mutex readers_mutex_;
  std::condition_variable readers_available_;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;
};

}  // namespace

int SqliteSchemaVersion() { return kSchemaVersion; }

Result<std::unique_ptr<MetadataStore>> OpenSqliteMetadataStore(const std::string& path, const SqliteOptions& options) {
  auto store = std::make_unique<SqliteMetadataStore>();
  AGORA_RETURN_IF_ERROR(store->Open(path, options));
  return std::unique_ptr<MetadataStore>(std::move(store));
}

}  // namespace agora::storage
