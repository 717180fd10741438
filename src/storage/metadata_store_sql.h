// SqlMetadataStore is the MetadataStore of every SQL backend. The domain rules (what a
// publication writes, which version is an asset's latest, what a soft delete keeps, how a search
// filters, pages and ranks in two tiers, which rows hold on to a blob) are written once, against
// SqlConnection and in SQL that SQLite and PostgreSQL both run, in one file per domain:
//
//   metadata_sql_identities.cpp  organisations, environments, users, connected apps, tokens, settings,
//                                compatibility rules
//   metadata_sql_versions.cpp    groups, asset versions and their rows, lifecycle, edits, deletes
//   metadata_sql_tags.cpp        category and field definitions, a version's tags and tag values
//   metadata_sql_portals.cpp     documentation portals and drafts
//   metadata_sql_jobs.cpp        publication jobs and the blob references that keep blobs alive
//   metadata_sql_search.cpp      listings and full-text search
//   metadata_sql_maven.cpp       files staged by Maven deploys, and snapshot builds
//   metadata_sql_usage.cpp       download counts and dependents, for usage figures
//   metadata_sql_copy.cpp        copying and comparing whole stores (metadata_copy.h)
//
// A backend derives from it and supplies the rest: its transactions (WriteOn, ReadOn), its schema
// and migrations, and its SqlDialect: the full-text index, and the few statements that no
// portable SQL says well (metadata_store_sqlite.cpp; metadata_store_postgres.cpp).
//
// Internal to the storage module: other modules see only metadata_store.h.
//
// Thread safety: as MetadataStore; a backend's WriteOn and ReadOn may be called from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/metadata_copy.h"
#include "storage/metadata_store.h"
#include "storage/sql_connection.h"

namespace agora::storage {

// What differs between the SQL databases, beyond transactions and schema.
class SqlDialect {
 public:
  virtual ~SqlDialect() = default;

  // The search index holds, per version, its name, assetId, keywords, tags, category and field
  // values, description and API terms. IndexVersion queues a version to be (re)indexed from its
  // stored rows when its transaction commits (the backend's WriteOn sees to it); UnindexVersion
  // removes it at once.
  virtual Status IndexVersion(SqlConnection& c, int64_t version_id) const = 0;
  virtual Status UnindexVersion(SqlConnection& c, int64_t version_id) const = 0;
  // The parameter of ScoredMatches and Matches for search words (see SearchWords), every one of
  // which must match, as a word or a word prefix, anywhere or (names_only) in the name or assetId.
  virtual std::string FullTextQuery(const std::vector<std::string>& words, bool names_only) const = 0;
  // A subquery of (id, score) rows, one per version matching the one parameter; a lower score
  // ranks first: a name match before an assetId match, then keywords and tags, then category
  // and field values, then the description and the API's words.
  virtual std::string ScoredMatches() const = 0;
  // A SELECT of the ids of the versions matching the one parameter.
  virtual std::string Matches() const = 0;
  // What ends a SELECT of rows to update so that concurrent writers each take different rows
  // (PostgreSQL's FOR UPDATE SKIP LOCKED); "" where writers take turns anyway.
  virtual std::string SkipLocked() const = 0;
  // An ORDER BY term for versions v by name, ignoring ASCII case.
  virtual std::string NameOrder() const = 0;
  // A scalar subquery: the value of the first apiVersion property of versions row v.
  virtual std::string FirstApiVersion() const = 0;
  // A SELECT of the names of the tables that hold data of their own: all but the search index
  // and the schema's bookkeeping, which a backend derives.
  virtual std::string DataTables() const = 0;
  // A SELECT of the column names of one table (the parameter).
  virtual std::string TableColumns() const = 0;
  // After rows were inserted with ids of their own (a copy): later inserts must not reuse them.
  virtual Status AfterCopy(SqlConnection& c) const = 0;
};

// The content address of an API model row (api_models.id: the SHA-256 of the model, a NUL and its
// search terms), remembered for the models stored lately. Every version of a spec whose verdict
// agora remembers carries the same model, often hundreds of KB: comparing it with a remembered
// one costs a tenth of hashing it again. Bounded by count and bytes; a model larger than the
// bound is hashed every time.
//
// Thread safety: any thread.
class ApiModelIds {
 public:
  // "" for a version without a model or terms.
  std::string IdOf(const std::string& model, const std::string& terms);

 private:
  static constexpr size_t kMaxEntries = 8;
  static constexpr size_t kMaxBytes = 16 << 20;
  struct Entry {
    std::string model, terms, id;
  };
  std::mutex mutex_;
  std::list<Entry> entries_;  // most recently used first
  size_t bytes_ = 0;
};

class SqlMetadataStore : public MetadataStore {
 public:
  explicit SqlMetadataStore(const SqlDialect& dialect) : dialect_(dialect) {}

  // metadata_sql_identities.cpp
  Status CreateOrganization(const Organization& organization) override;
  Result<Organization> GetOrganization(const std::string& id) override;
  Result<std::vector<Organization>> ListOrganizations() override;
  Result<std::vector<Organization>> ListOrganizationTree(const std::string& root_id) override;
  Result<std::vector<Environment>> ListEnvironments(const std::string& organization_id) override;
  Result<std::string> GetOrCreateSetting(const std::string& key, const std::string& value_if_missing) override;
  Result<std::string> GetCompatibilityRule(const std::string& scope) override;
  Status SetCompatibilityRule(const std::string& scope, const std::string& rule) override;
  Status CreateUser(const UserRecord& user) override;
  Result<UserRecord> FindUser(const std::string& username) override;
  Status CreateClient(const ClientRecord& client) override;
  Result<ClientRecord> FindClient(const std::string& client_id) override;
  Status CreateToken(const TokenRecord& token) override;
  Result<TokenRecord> FindToken(const std::string& token_hash) override;
  Result<std::vector<TokenRecord>> ListTokens() override;
  Status SetTokenExpiry(const std::string& token_hash, int64_t expires_millis) override;
  Status DeleteToken(const std::string& token_hash) override;
  Result<std::vector<UserRecord>> ListUsers() override;
  Status UpdateUser(const UserRecord& user, bool revoke_tokens) override;
  Status DeleteUser(const std::string& user_id) override;
  Result<std::vector<ClientRecord>> ListClients() override;
  Status SetClientSecret(const std::string& client_id, const std::string& secret_hash) override;
  Status DeleteClient(const std::string& client_id) override;

  // metadata_sql_usage.cpp
  Status AddDownloads(const std::vector<DownloadCount>& counts) override;
  Result<std::vector<VersionUsage>> GetUsage(const std::string& group_id, const std::string& asset_id,
                                             int64_t since_day) override;

  // metadata_sql_versions.cpp
  Result<std::string> GroupOwner(const std::string& group_id) override;
  Result<assets::AssetVersion> GetVersion(const assets::Coordinates& coordinates) override;
  Result<std::string> GetApiModel(const assets::Coordinates& coordinates) override;
  Result<std::vector<assets::AssetVersion>> ListVersions(const std::string& group_id,
                                                         const std::string& asset_id) override;
  Result<std::vector<VersionSummary>> ListVersionSummaries(const std::string& group_id,
                                                           const std::string& asset_id) override;
  Result<VersionRuleFacts> GetVersionRuleFacts(const std::string& group_id, const std::string& asset_id,
                                               const std::string& version, bool with_majors) override;
  Status PutVersion(const assets::AssetVersion& version) override;
  Status PutVersions(const std::vector<assets::AssetVersion>& versions) override;
  Status SetVersionStatus(const assets::Coordinates& coordinates, assets::Lifecycle status, int64_t now) override;
  Status UpdateAssetDetails(const std::string& group_id, const std::string& asset_id, const AssetDetailsUpdate& update,
                            int64_t now) override;
  Status SetAssetIcon(const std::string& group_id, const std::string& asset_id,
                      const std::optional<assets::AssetFile>& icon, int64_t now) override;
  Result<std::vector<assets::Coordinates>> ListDependents(const assets::Coordinates& coordinates) override;
  Status DeleteVersion(const assets::Coordinates& coordinates, bool soft, int64_t now) override;
  Result<std::vector<DeletedVersion>> ListSoftDeleted(const std::string& organization_id, size_t offset,
                                                      size_t limit) override;
  Status ForgetSoftDeleted(const assets::Coordinates& coordinates) override;
  Result<std::vector<std::string>> ListReservedVersions(const std::string& group_id,
                                                        const std::string& asset_id) override;

  // metadata_sql_tags.cpp
  Status PutTagDefinition(const TagDefinition& definition) override;
  Status UpdateTagDefinition(const TagDefinition& definition) override;
  Result<std::vector<TagDefinition>> ListTagDefinitions(const std::string& organization_id,
                                                        const std::string& kind) override;
  Status DeleteTagDefinition(const std::string& organization_id, const std::string& kind,
                             const std::string& id) override;
  Status SetVersionTags(const assets::Coordinates& coordinates, const std::vector<std::string>& tags) override;
  Status SetVersionTagValue(const assets::Coordinates& coordinates, const std::string& kind,
                            const assets::TagValue& value) override;

  // metadata_sql_portals.cpp
  Result<std::optional<Portal>> GetPortal(const assets::Coordinates& coordinates, bool draft) override;
  Status PutPortal(const assets::Coordinates& coordinates, bool draft, const Portal& portal) override;
  Status DeletePortal(const assets::Coordinates& coordinates, bool draft) override;
  Status PublishDraft(const assets::Coordinates& coordinates) override;

  // metadata_sql_jobs.cpp
  Result<std::vector<std::string>> ReferencedBlobs() override;
  Result<bool> IsBlobReferenced(const std::string& sha256) override;
  Status PutJob(const PublicationJob& job) override;
  Result<PublicationJob> GetJob(const std::string& run_id) override;
  Result<std::vector<PublicationJob>> ListUnfinishedJobs() override;
  Result<std::optional<PublicationJob>> ClaimJob(const std::string& owner, int64_t now_millis,
                                                 int64_t lease_until_millis) override;
  Status RenewJobLease(const std::string& run_id, const std::string& owner, int64_t lease_until_millis) override;
  Status UpdateClaimedJob(const PublicationJob& job, const std::string& owner) override;
  Status ReleaseJobLeases() override;

  // metadata_sql_search.cpp
  Result<std::vector<assets::AssetVersion>> FindVersions(const AssetQuery& query) override;
  Result<std::vector<VersionFacets>> ListVersionFacets() override;
  Result<std::vector<int64_t>> MatchVersions(const std::string& search) override;

  // metadata_store_sql.cpp
  Status Ping() override;

  // metadata_sql_maven.cpp
  Result<std::string> PutStagedFile(const StagedFile& file) override;
  Result<std::vector<StagedFile>> ListStagedFiles(const std::string& group_id, const std::string& asset_id) override;
  Status DeleteStagedFiles(const assets::Coordinates& coordinates, const std::string& build,
                           const std::optional<std::pair<std::string, std::string>>& file) override;
  Result<std::vector<StagedFile>> ListStagedFilesBefore(int64_t millis) override;
  Result<std::optional<SnapshotBuildRecord>> GetSnapshotBuild(const assets::Coordinates& coordinates) override;
  Status PutSnapshotBuild(const assets::Coordinates& coordinates, const SnapshotBuildRecord& build) override;
  // In memory: enough where one server owns the store (PostgreSQL adds a lock in the database).
  Result<std::unique_ptr<HeldLock>> LockName(const std::string& name) override;
  // metadata_sql_copy.cpp (see metadata_copy.h)
  Status CopyFrom(SqlMetadataStore& source);
  Result<std::vector<TableComparison>> CompareWith(SqlMetadataStore& target);

 protected:
  using Body = std::function<Status(SqlConnection&)>;
  // Runs `body` in one transaction, committed when it returns OK and rolled back otherwise. A
  // backend may run a body more than once (group commit, retries after a conflict), so a body
  // must have no effect outside the transaction.
  virtual Status WriteOn(const Body& body) = 0;
  // Runs `body` on a connection that sees one consistent state of the database.
  virtual Status ReadOn(const Body& body) = 0;

  template <typename Fn>
  Status Write(Fn body) {
    return WriteOn(Body(std::ref(body)));
  }
  template <typename T, typename Fn>
  Result<T> Read(Fn body) {
    std::optional<Result<T>> result;
    AGORA_RETURN_IF_ERROR(ReadOn([&](SqlConnection& c) {
      result.emplace(body(c));
      return Status::Ok();
    }));
    return std::move(*result);
  }

  const SqlDialect& dialect() const { return dialect_; }
  // LockName's hash of a name: the same in every server (FNV-1a), unlike std::hash.
  static uint32_t NameHash(const std::string& name);

 private:
  // Shared by the domains (each defined in the file of the domain named).
  // versions
  static Result<int64_t> VersionId(SqlConnection& c, const assets::Coordinates& coordinates);
  // `api_model_id` is api_model_ids_.IdOf the version's model, found before the transaction.
  Status InsertVersion(SqlConnection& c, const assets::AssetVersion& v, const std::string& api_model_id);
  Status RemoveVersionRow(SqlConnection& c, int64_t id);
  Status Reindex(SqlConnection& c, const std::string& group_id, const std::string& asset_id);
  Status ReindexVersion(SqlConnection& c, int64_t id);
  static Result<assets::AssetVersion> LoadVersionById(SqlConnection& c, int64_t id);
  static Result<assets::AssetVersion> LoadVersion(SqlConnection& c, SqlStatement& row);
  static Status InsertValues(SqlConnection& c, const char* table, int64_t id, const std::vector<std::string>& values);
  // tags
  static Status InsertTagValues(SqlConnection& c, int64_t id, const std::string& kind,
                                const std::vector<assets::TagValue>& tag_values);
  static Result<std::vector<assets::TagValue>> LoadTagValues(SqlConnection& c, int64_t id, const char* kind);
  // search
  Result<std::vector<int64_t>> FindIds(SqlConnection& c, const AssetQuery& q, const std::string& match,
                                       const std::string& exclude_match, size_t limit, size_t offset);

  const SqlDialect& dialect_;
  ApiModelIds api_model_ids_;
  std::array<std::mutex, 64> name_locks_;  // LockName's, by NameHash
};

// Shared helpers of the SQL backends.

// What the VersionKey of every version of that major version starts with (and sorts after).
std::string MajorVersionKey(uint64_t major);
std::string Join(const std::vector<std::string>& items, const char* separator);
std::vector<std::string> SplitLines(const std::string& text);

}  // namespace agora::storage
