// MetadataStore keeps everything but file contents: organisations, access tokens, group
// ownership, asset versions with their files, properties, tags and dependencies, and the durable
// publication job queue. Every mutating call is one transaction: a version becomes visible with
// all its rows at once or not at all.
//
// The embedded backend is SQLite in WAL mode (OpenSqliteMetadataStore); several servers share a
// PostgreSQL database (OpenPostgresMetadataStore). Both run the same domain code
// (metadata_store_sql.h) and pass one behavioural test suite (metadata_store_contract_test.cpp).
// Lookups that find nothing return Status::NotFound.
//
// Thread safety: all methods may be called concurrently from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "assets/asset.h"
#include "common/status.h"

namespace agora::storage {

struct Organization {
  std::string id;  // UUID
  std::string name;
  std::string parent_id;  // empty for a root organisation
  int64_t created_millis = 0;
};

// A bearer token, kept only as the SHA-256 of its secret.
struct TokenRecord {
  std::string token_hash;
  std::string organization_id;
  std::string role;  // admin, contributor, viewer
  std::string subject;  // who it identifies (a user name or "admin-token")
  int64_t created_millis = 0;
  int64_t expires_millis = 0;  // 0: never
  std::string account_id;      // the user or connected app it was issued to; empty for admin tokens
};

// A deployment environment of an organisation. Exchange itself ignores environments, but its
// clients pick one at login; every organisation is created with "Production" and "Sandbox".
struct Environment {
  std::string id;
  std::string organization_id;
  std::string name;
  bool is_production = false;
};

// A person who logs in with a password. The hash is libsodium's self-describing Argon2id string.
struct UserRecord {
  std::string id;
  std::string username;
  std::string password_hash;
  std::string organization_id;  // the user's home organisation; its child organisations follow
  std::string role;
  int64_t created_millis = 0;
  bool disabled = false;  // a disabled user cannot log in
};

// A connected app, logging in with client credentials; the secret is random, kept as SHA-256.
struct ClientRecord {
  std::string client_id;
  std::string secret_hash;
  std::string name;
  std::string organization_id;
  std::string role;
  int64_t created_millis = 0;
};

// A durable publication (or mutable-data) job. `request_json` is the publication pipeline's own
// serialisation of the request; the blobs it names stay referenced while the job exists.
struct PublicationJob {
  std::string run_id;
  std::string organization_id;
  assets::Coordinates coordinates;
  std::string kind = "publication";  // publication | mutabledata
  std::string status;       // queued | running | completed | error
  std::string asset_type;
  std::string steps_json;   // [{description, status, errors[]}]
  std::string request_json;
  std::vector<std::string> blob_refs;  // blobs the request holds on to until the job ends
  int64_t created_millis = 0;
  int64_t updated_millis = 0;
  // Which server runs it, until when, and how many times a server took it (see ClaimJob).
  std::string owner;
  int64_t lease_until_millis = 0;
  int64_t attempts = 0;
};

// What every version of an asset shares: Exchange's version-agnostic properties.
struct AssetDetails {
  std::string name;
  std::string description;
  std::string contact_name;
  std::string contact_email;
  std::optional<assets::AssetFile> icon;  // the asset's icon, the "icon" file every version holds
};

// A version-agnostic edit: the fields that are set change on every version of the asset.
struct AssetDetailsUpdate {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> contact_name;
  std::optional<std::string> contact_email;
};

// What the publication rules need of an asset's existing versions (see ListVersionSummaries).
// Downloads of one version's files on one day (days since the Unix epoch, UTC).
struct DownloadCount {
  assets::Coordinates coordinates;
  int64_t day = 0;
  int64_t downloads = 0;
};

// How much a version is used: its downloads and the versions that depend on it, in all and
// since a given day.
struct VersionUsage {
  std::string version;
  int64_t downloads = 0, downloads_since = 0;
  int64_t dependents = 0, dependents_since = 0;
};

struct VersionSummary {
  std::string version;
  std::string type;
  assets::Lifecycle status = assets::Lifecycle::kPublished;
  std::string api_version;  // the apiVersion property, empty if none
  int64_t updated_millis = 0;
};

// What the publication rules need of an asset's stored versions before `version` joins them
// (see GetVersionRuleFacts).
struct VersionRuleFacts {
  std::string type;                                // the asset's type; empty while it has no version
  std::optional<assets::Lifecycle> same_version;  // the status of `version` itself, if it is stored
  // Versions other than `version` that speak for all of them under the apiVersion rule (every
  // version of a major version has one apiVersion): at least one of each major version found in
  // the asset. A backend may list every version instead.
  std::vector<VersionSummary> majors;
  // The asset's version-agnostic details as its newest other version holds them (PATCH sets them
  // on every version); absent while `version` would be the asset's first.
  std::optional<AssetDetails> details;
};

// A soft-deleted version: its content is gone but its coordinates stay reserved.
struct DeletedVersion {
  std::string organization_id;
  assets::Coordinates coordinates;
  std::string name;
  std::string type;
  int64_t deleted_millis = 0;
};

// An organisation's definition of a category or a custom field, which versions may then carry.
struct TagDefinition {
  std::string id;               // UUID
  std::string organization_id;
  std::string kind;             // category | field
  std::string tag_key;
  std::string display_name;
  std::string data_type;        // enum, text, number, date, text-list, number-list
  std::vector<std::string> accepted_values;        // for enum
  std::vector<std::string> asset_type_restrictions;  // empty: every type
};

// One value of a category or custom field that a search asks for.
struct TagValueFilter {
  std::string kind;  // category | field
  std::string key;
  std::string value;
  friend bool operator==(const TagValueFilter&, const TagValueFilter&) = default;
};

// A listing or search of asset versions. Empty vectors mean "any".
struct AssetQuery {
  std::vector<std::string> organization_ids;  // the caller may read only these
  std::vector<std::string> types;
  std::vector<std::string> statuses;           // development, published, deprecated
  std::vector<std::string> tags;               // versions carrying any of these tags
  // Categories and custom fields: a version must carry, for every (kind, key) named, one of the
  // values given for it.
  std::vector<TagValueFilter> tag_values;
  std::string search;                          // full text: words, each also a prefix
  bool latest_only = true;                     // one row per asset: its highest version
  std::string sort;                            // "" (relevance, then name), name, createdDate, updatedDate
  bool ascending = true;
  size_t offset = 0;
  size_t limit = 20;
};

// What search needs to know of a version to filter it and count it in facets, without loading it
// whole (see ListVersionFacets).
struct VersionFacets {
  int64_t version_key = 0;  // the store's own key for the version, as MatchVersions answers it
  std::string organization_id;
  assets::Coordinates coordinates;
  std::string type;
  assets::Lifecycle status = assets::Lifecycle::kPublished;
  std::string name;
  int64_t updated_millis = 0;
  std::vector<std::string> tags;
  std::vector<assets::TagValue> categories;  // by key, values in order
  std::vector<assets::TagValue> fields;
};

struct PortalPage {
  std::string path;    // "home", "terms", "guides/setup"
  std::string sha256;  // the Markdown's blob
};

struct PortalResource {
  std::string path;  // "resources/<name>"
  std::string sha256;
  std::string media_type;
};

struct Portal {
  std::vector<PortalPage> pages;  // in page order
  std::vector<PortalResource> resources;

  // Every blob the portal uses.
  std::vector<std::string> Blobs() const {
    std::vector<std::string> blobs;
    for (const auto& page : pages) blobs.push_back(page.sha256);
    for (const auto& resource : resources) blobs.push_back(resource.sha256);
    return blobs;
  }
};

// A file a Maven deploy uploaded, staged until its version is complete (src/maven): it is not
// part of any version yet, and its blob stays referenced while the row exists.
struct StagedFile {
  std::string organization_id;
  assets::Coordinates coordinates;  // the version folder: "1.1.0-SNAPSHOT" for snapshot builds
  std::string build;                // a snapshot build ("20240101.120000-3"); empty otherwise
  std::string classifier;           // empty for the main artifact and the POM
  std::string extension;            // jar, pom, ...
  std::string sha256;
  std::string md5;
  std::string sha1;
  uint64_t size = 0;
  std::string staged_by;  // the deploying principal's subject
  int64_t staged_millis = 0;
};

// The build a snapshot version's files were last deployed as, which its maven-metadata.xml names.
struct SnapshotBuildRecord {
  std::string timestamp;  // yyyyMMdd.HHmmss
  uint32_t build_number = 0;
  int64_t updated_millis = 0;
};

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // Organisations.
  virtual Status CreateOrganization(const Organization& organization) = 0;
  virtual Result<Organization> GetOrganization(const std::string& id) = 0;
  virtual Result<std::vector<Organization>> ListOrganizations() = 0;
  // The organisation and all its descendants (child business groups), the root first.
  virtual Result<std::vector<Organization>> ListOrganizationTree(const std::string& root_id) = 0;
  virtual Result<std::vector<Environment>> ListEnvironments(const std::string& organization_id) = 0;

  // Grows with every write this store makes (committed or not); what a reader built from data read
  // after noting generation G is current as long as Generation() is still G. The SQLite store
  // counts this process's writes and, within 20 ms, other processes' commits (an `agora admin`
  // command beside the server); the PostgreSQL store also counts other servers' writes, within a
  // moment of their commit.
  virtual uint64_t Generation() const = 0;
  // Makes Generation() count every write that any server committed before this call, so that a
  // cache checked after it serves nothing older than a write already acknowledged elsewhere (a
  // client writing through one server and reading through another sees its write). The SQLite
  // store asks SQLite whether another process (an `agora admin` command) committed; the PostgreSQL store reads the generation sequence, one read
  // shared by concurrent callers. May block for a round trip to the database.
  virtual Status CatchUp() { return Status::Ok(); }

  // A server-wide setting, created with `value_if_missing` by whoever asks first (atomically), so
  // every process over the same database agrees on it (the key that signs download links).
  virtual Result<std::string> GetOrCreateSetting(const std::string& key, const std::string& value_if_missing) = 0;

  // Compatibility rules (NONE, BACKWARD, BACKWARD_TRANSITIVE; docs/compatibility.md) by scope:
  // "organization:<id>" or "asset:<groupId>:<assetId>". Get answers "" when the scope has none;
  // Set with an empty rule removes the scope's rule.
  virtual Result<std::string> GetCompatibilityRule(const std::string& scope) = 0;
  virtual Status SetCompatibilityRule(const std::string& scope, const std::string& rule) = 0;

  // Identities: users (a username is unique: Conflict USER_EXISTS otherwise) and connected apps.
  virtual Status CreateUser(const UserRecord& user) = 0;
  virtual Result<UserRecord> FindUser(const std::string& username) = 0;
  virtual Status CreateClient(const ClientRecord& client) = 0;
  virtual Result<ClientRecord> FindClient(const std::string& client_id) = 0;

  // Tokens.
  virtual Status CreateToken(const TokenRecord& token) = 0;
  virtual Result<TokenRecord> FindToken(const std::string& token_hash) = 0;

  // The life of identities, for `agora admin`. Lists are ordered by creation. Tokens are stored
  // hashed, so nothing here can show a secret. Removing or disabling an account, or replacing its
  // password or secret, revokes every token issued to it in the same transaction. NotFound when
  // the token, user or app does not exist.
  virtual Result<std::vector<TokenRecord>> ListTokens() = 0;
  virtual Status SetTokenExpiry(const std::string& token_hash, int64_t expires_millis) = 0;
  virtual Status DeleteToken(const std::string& token_hash) = 0;
  virtual Result<std::vector<UserRecord>> ListUsers() = 0;
  // Stores the user's password hash, role and disabled flag (by user.id); `revoke_tokens` also
  // ends the sessions it has.
  virtual Status UpdateUser(const UserRecord& user, bool revoke_tokens) = 0;
  virtual Status DeleteUser(const std::string& user_id) = 0;
  virtual Result<std::vector<ClientRecord>> ListClients() = 0;
  virtual Status SetClientSecret(const std::string& client_id, const std::string& secret_hash) = 0;
  virtual Status DeleteClient(const std::string& client_id) = 0;

  // Usage: downloads are counted in memory and added here in batches; counts of versions that no
  // longer exist are dropped.
  virtual Status AddDownloads(const std::vector<DownloadCount>& counts) = 0;
  // Every version of the asset with its usage, counting what happened on or after `since_day`.
  virtual Result<std::vector<VersionUsage>> GetUsage(const std::string& group_id, const std::string& asset_id,
                                                     int64_t since_day) = 0;

  // Group ownership: the organisation that first publishes under a groupId owns it.
  // Returns the owner's id (NotFound if nobody owns it yet).
  virtual Result<std::string> GroupOwner(const std::string& group_id) = 0;

  // Asset versions.
  virtual Result<assets::AssetVersion> GetVersion(const assets::Coordinates& coordinates) = 0;
  // Documentation portals: a version's published pages and resources (draft = false) and its
  // draft. GetPortal gives nullopt when that portal was never stored; PutPortal replaces it
  // whole; PublishDraft makes the draft the published portal in one transaction (NotFound without
  // a draft). Page and resource contents are blobs, referenced until their rows go.
  virtual Result<std::optional<Portal>> GetPortal(const assets::Coordinates& coordinates, bool draft) = 0;
  virtual Status PutPortal(const assets::Coordinates& coordinates, bool draft, const Portal& portal) = 0;
  virtual Status DeletePortal(const assets::Coordinates& coordinates, bool draft) = 0;
  virtual Status PublishDraft(const assets::Coordinates& coordinates) = 0;
  // The version's API model JSON (empty for assets without a spec); NotFound for an unknown version.
  virtual Result<std::string> GetApiModel(const assets::Coordinates& coordinates) = 0;
  // All versions of one asset, oldest first.
  virtual Result<std::vector<assets::AssetVersion>> ListVersions(const std::string& group_id,
                                                                 const std::string& asset_id) = 0;
  // The same versions, in the same order, with only their summaries: a backend should answer it
  // without loading each version whole, as Maven deploys and compatibility checks ask it.
  virtual Result<std::vector<VersionSummary>> ListVersionSummaries(const std::string& group_id,
                                                                   const std::string& asset_id);
  // The facts the publication rules check a new `version` of the asset against. A backend
  // should find them with a few index lookups per major version, not by reading every version:
  // publication asks it of every new version, and a pipeline may publish thousands into one asset.
  // `majors` is found only `with_majors`: only the apiVersion rule reads it.
  virtual Result<VersionRuleFacts> GetVersionRuleFacts(const std::string& group_id, const std::string& asset_id,
                                                       const std::string& version, bool with_majors);
  // Atomically inserts the version, or replaces it if the stored one is in development, with all
  // its files, properties, tags and dependencies, and claims the group for the version's
  // organisation if nobody owns it. Fails with Conflict (ASSET_PRE_CONDITIONS_FAILED) if a
  // published or deprecated version with these coordinates exists, and with Forbidden if the
  // group belongs to another organisation.
  virtual Status PutVersion(const assets::AssetVersion& version) = 0;
  // PutVersion for many versions in one transaction (bulk imports): all are stored, or none.
  virtual Status PutVersions(const std::vector<assets::AssetVersion>& versions) = 0;

  // Lifecycle and edits; each bumps updated_millis of every version of the asset to `now`.
  virtual Status SetVersionStatus(const assets::Coordinates& coordinates, assets::Lifecycle status, int64_t now) = 0;
  virtual Status UpdateAssetDetails(const std::string& group_id, const std::string& asset_id,
                                    const AssetDetailsUpdate& update, int64_t now) = 0;
  // The asset's icon, which every version shares: the file with classifier "icon" of each of its
  // versions becomes `icon` (nullopt: none). NotFound when the asset has no version.
  virtual Status SetAssetIcon(const std::string& group_id, const std::string& asset_id,
                              const std::optional<assets::AssetFile>& icon, int64_t now) = 0;
  // Versions (of other assets, or other versions) that declare a dependency on `coordinates`.
  virtual Result<std::vector<assets::Coordinates>> ListDependents(const assets::Coordinates& coordinates) = 0;
  // Removes a version and its rows in one transaction; with `soft`, its coordinates stay reserved
  // (PutVersion then answers 409) and it is listed by ListSoftDeleted.
  virtual Status DeleteVersion(const assets::Coordinates& coordinates, bool soft, int64_t now) = 0;
  // Frees the coordinates of a version soft-deleted earlier (a hard delete of it); touches nothing
  // else, so a version published meanwhile under them is safe. NotFound when none is reserved.
  virtual Status ForgetSoftDeleted(const assets::Coordinates& coordinates) = 0;
  virtual Result<std::vector<DeletedVersion>> ListSoftDeleted(const std::string& organization_id, size_t offset,
                                                              size_t limit) = 0;
  // Every version ever created under the asset, soft-deleted ones included (for nextAvailableVersion).
  virtual Result<std::vector<std::string>> ListReservedVersions(const std::string& group_id,
                                                                const std::string& asset_id) = 0;

  // Category and custom-field definitions. PutTagDefinition inserts a new definition; Conflict if
  // its id, or its key for the kind, is taken.
  virtual Status PutTagDefinition(const TagDefinition& definition) = 0;
  // Changes the definition with `definition`'s id, organisation and kind, in one statement:
  // NotFound if there is none (deleted meanwhile: a change must not bring it back), Conflict as
  // PutTagDefinition.
  virtual Status UpdateTagDefinition(const TagDefinition& definition) = 0;
  virtual Result<std::vector<TagDefinition>> ListTagDefinitions(const std::string& organization_id,
                                                                const std::string& kind) = 0;
  virtual Status DeleteTagDefinition(const std::string& organization_id, const std::string& kind,
                                     const std::string& id) = 0;
  // Replaces a version's tags (labels); sets (values non-empty) or removes one category or field.
  virtual Status SetVersionTags(const assets::Coordinates& coordinates, const std::vector<std::string>& tags) = 0;
  virtual Status SetVersionTagValue(const assets::Coordinates& coordinates, const std::string& kind,
                                    const assets::TagValue& value) = 0;

  // Versions matching the query, ranked by relevance when it has search words (a name match
  // outranks a keyword or tag match, which outranks a description match).
  virtual Result<std::vector<assets::AssetVersion>> FindVersions(const AssetQuery& query) = 0;
  // Every version, with what search filters and counts (a few statements for all of them, not
  // one per version): the facet index of src/search is built from it.
  virtual Result<std::vector<VersionFacets>> ListVersionFacets() = 0;
  // The keys (VersionFacets::version_key) of every version, of any organisation, latest or not,
  // whose indexed text matches `search` as FindVersions matches it; empty when it has no words.
  // Keys rather than coordinates: a one-letter prefix matches most of the catalogue.
  virtual Result<std::vector<int64_t>> MatchVersions(const std::string& search) = 0;

  // Maven deploys (src/maven). PutStagedFile inserts, or replaces the file with the same
  // coordinates, build, classifier and extension, returning the SHA-256 it replaced (empty if
  // none), which may now be unreferenced. ListStagedFiles: every staged file of an artifact, all
  // versions and builds. DeleteStagedFiles removes those of one version folder and build (with
  // `classifier` and `extension`, only that file); ListStagedFilesBefore the files of every
  // (version folder, build) whose newest file was staged before `millis`.
  virtual Result<std::string> PutStagedFile(const StagedFile& file) = 0;
  virtual Result<std::vector<StagedFile>> ListStagedFiles(const std::string& group_id, const std::string& asset_id) = 0;
  virtual Status DeleteStagedFiles(const assets::Coordinates& coordinates, const std::string& build,
                                   const std::optional<std::pair<std::string, std::string>>& file = std::nullopt) = 0;
  virtual Result<std::vector<StagedFile>> ListStagedFilesBefore(int64_t millis) = 0;
  // The build a snapshot version was last deployed as (nullopt: never through Maven); PutSnapshotBuild
  // replaces it.
  virtual Result<std::optional<SnapshotBuildRecord>> GetSnapshotBuild(const assets::Coordinates& coordinates) = 0;
  virtual Status PutSnapshotBuild(const assets::Coordinates& coordinates, const SnapshotBuildRecord& build) = 0;

  // SHA-256 of every blob that a version file, a portal page or resource, a staged Maven
  // file, an unfinished (queued or running) job or an unexpired pin refers to.
  virtual Result<std::vector<std::string>> ReferencedBlobs() = 0;
  // Whether one blob is referenced, by the same rule.
  virtual Result<bool> IsBlobReferenced(const std::string& sha256) = 0;

  // Blob safety for every server over the store (see publication/blob_reaper.h). A pin marks a
  // blob that a request in flight holds before any row refers to it: it counts as a reference
  // until its owner unpins it or `expires_millis` passes (its server died). LockBlobs takes the
  // lock between committing blobs (shared) and sweeping unreferenced ones (exclusive), held
  // until the returned handle goes. The SQLite store, which one server owns, keeps pins and the
  // lock in memory; the PostgreSQL store in a table and an advisory lock.
  virtual Status PinBlobs(const std::vector<std::string>& sha256s, const std::string& owner,
                          int64_t expires_millis) = 0;
  virtual Status UnpinBlobs(const std::vector<std::string>& sha256s, const std::string& owner) = 0;
  class HeldLock {  // a lock of the store's, released when its handle goes
   public:
    virtual ~HeldLock() = default;
  };
  virtual Result<std::unique_ptr<HeldLock>> LockBlobs(bool exclusive) = 0;
  // Serialises work on one named thing (a Maven deploy's version folder) over every server on
  // the store: the lock on `name` is held until the handle goes, and another holder waits for it.
  // Names are hashed, so two names may share a lock: a caller holds at most one at a time. The
  // SQLite store, which one server owns, keeps these locks in memory; the PostgreSQL store takes
  // an in-memory one, then a session advisory lock on a connection of its own (as LockBlobs).
  virtual Result<std::unique_ptr<HeldLock>> LockName(const std::string& name) = 0;

  // Rate limits over every server (see server/rate_limiter.h): adds `count` requests of `client`
  // to its window starting at `window_start_millis` and answers the window's total. Windows that
  // ended more than a minute ago are forgotten. The SQLite store keeps them in memory.
  virtual Result<uint64_t> AddRequestCount(const std::string& client, int64_t window_start_millis, uint64_t count) = 0;

  // Publication jobs.
  virtual Status PutJob(const PublicationJob& job) = 0;  // insert or replace by run_id
  virtual Result<PublicationJob> GetJob(const std::string& run_id) = 0;
  // Jobs whose status is queued or running (to resume after a restart), oldest first.
  virtual Result<std::vector<PublicationJob>> ListUnfinishedJobs() = 0;
  // Running jobs, safely from any number of servers. ClaimJob gives `owner` the oldest job that is
  // queued, or running on a lease that ran out before `now_millis` (its server died): the job is
  // then running, leased to `owner` until `lease_until_millis`, one attempt more; nullopt when no
  // job is waiting. While it runs, its owner renews the lease; RenewJobLease and UpdateClaimedJob
  // (which stores status, steps, type and blob references) act only while `owner` still holds
  // the job, and answer Conflict JOB_LEASE_LOST otherwise, so a server that lost a job never
  // overwrites what the new owner does. ReleaseJobLeases ends every lease at once (the embedded
  // server's start: the process that held them is gone).
  virtual Result<std::optional<PublicationJob>> ClaimJob(const std::string& owner, int64_t now_millis,
                                                         int64_t lease_until_millis) = 0;
  virtual Status RenewJobLease(const std::string& run_id, const std::string& owner, int64_t lease_until_millis) = 0;
  virtual Status UpdateClaimedJob(const PublicationJob& job, const std::string& owner) = 0;
  virtual Status ReleaseJobLeases() = 0;

  // Consistency check for tests and startup (PRAGMA integrity_check for SQLite).
  virtual Status CheckIntegrity() = 0;
  // Whether the store answers now (a trivial read): for readiness checks.
  virtual Status Ping() = 0;
};

// Tuning of the embedded backend.
struct SqliteOptions {
  // PRAGMA synchronous of the writer (OFF, NORMAL, FULL, EXTRA; any case). FULL: a commit survives
  // power loss. NORMAL, faster in WAL mode: the last commits may be lost on power loss, but the
  // database is never corrupted.
  std::string synchronous = "FULL";
  // How long a statement waits for a lock held by another process before failing with Unavailable.
  int busy_timeout_millis = 5000;
  int readers = 4;  // read-only connections, i.e. how many reads may run at once
  // Each connection's page cache and memory map: searches walk large parts of the full-text
  // index, which then come from memory rather than a read() per page.
  int cache_kib = 16384;
  int64_t mmap_bytes = 256ll << 20;
  // PRAGMA wal_autocheckpoint: once the WAL holds this many pages, the commit that passed it copies
  // them into the database file. Every commit rewrites the same few pages (the ends of the tables'
  // and indexes' B-trees), and a checkpoint copies each once however often the WAL holds it: so
  // a longer WAL costs fewer writes per commit (SQLite's default of 1,000 pages checkpointed a
  // tenth of a publication's store time away), for a WAL file of up to about 16 MiB. The WAL is
  // synced at every commit whatever this is: it moves no commit's durability.
  int wal_checkpoint_pages = 4000;
};

// The schema version (PRAGMA user_version) OpenSqliteMetadataStore migrates a database to.
int SqliteSchemaVersion();

// The embedded backend: a SQLite database at `path` (created with its schema if missing).
// InvalidArgument if an option is out of range.
Result<std::unique_ptr<MetadataStore>> OpenSqliteMetadataStore(const std::string& path,
                                                               const SqliteOptions& options = {});

// Tuning of the PostgreSQL backend.
struct PostgresOptions {
  int connections = 8;  // at most this many statements run at once
  std::string password;  // used unless the conninfo has one (which it should not: see agora serve)
  // Whether Generation() follows other servers' writes (a thread and a connection of its own);
  // one-shot commands such as `agora admin` need not.
  bool listen = true;
};

// The schema version (table agora_schema) OpenPostgresMetadataStore migrates a database to.
int PostgresSchemaVersion();

// A cluster's backend: the PostgreSQL database `conninfo` names (a postgresql:// URL or libpq
// connection string; the password from the options, or PGPASSWORD or ~/.pgpass as libpq reads
// them). Its
// schema is created or migrated first, safely when several servers start at once. Unavailable if
// the database cannot be reached.
Result<std::unique_ptr<MetadataStore>> OpenPostgresMetadataStore(const std::string& conninfo,
                                                                 const PostgresOptions& options = {});

// For backends without a narrower query: loads each version whole.
inline Result<std::vector<VersionSummary>> MetadataStore::ListVersionSummaries(const std::string& group_id,
                                                                               const std::string& asset_id) {
  AGORA_ASSIGN_OR_RETURN(auto versions, ListVersions(group_id, asset_id));
  std::vector<VersionSummary> summaries;
  for (const auto& v : versions)
    summaries.push_back({v.coordinates.version, v.type, v.status, v.Property("apiVersion"), v.updated_millis});
  return summaries;
}

// A string that sorts (bytewise) like SemVer precedence: zero-padded numbers, and a release after
// its pre-releases; a version that is not SemVer is its own key.
std::string VersionKey(const std::string& version);

// For backends without a narrower query: every version stands for its major version.
inline Result<VersionRuleFacts> MetadataStore::GetVersionRuleFacts(const std::string& group_id,
                                                                   const std::string& asset_id,
                                                                   const std::string& version, bool with_majors) {
  AGORA_ASSIGN_OR_RETURN(auto summaries, ListVersionSummaries(group_id, asset_id));
  VersionRuleFacts facts;
  for (auto& summary : summaries) {
    facts.type = summary.type;
    if (summary.version == version) facts.same_version = summary.status;
    else facts.majors.push_back(std::move(summary));
  }
  // The details of the greatest other version, in version key order.
  const VersionSummary* greatest = nullptr;
  for (const auto& summary : facts.majors)
    if (!greatest || VersionKey(summary.version) > VersionKey(greatest->version)) greatest = &summary;
  if (!greatest) return facts;  // no other version: no majors either
  AGORA_ASSIGN_OR_RETURN(auto newest, GetVersion({group_id, asset_id, greatest->version}));
  facts.details = AssetDetails{newest.name, newest.description, newest.contact_name, newest.contact_email, {}};
  for (const auto& file : newest.files)
    if (file.classifier == "icon") facts.details->icon = file;
  if (!with_majors) facts.majors.clear();
  return facts;
}

}  // namespace agora::storage
