// The SQLite schema of the embedded metadata store (see sqlite_schema.h).
#include "storage/sqlite_schema.h"

namespace agora::storage {
namespace {

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

// Jobs run by any of several servers: who holds each, until when, and how many times one was taken.
const char* const kSchemaV6 = R"sql(
ALTER TABLE jobs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN lease_until_millis INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
)sql";

// Operations: users that an administrator disabled, tokens found by the account they were issued
// to (revoked with it), and download counts per version and day for usage figures.
const char* const kSchemaV7 = R"sql(
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tokens_account ON tokens(account_id);
CREATE TABLE version_downloads (
  version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE, day INTEGER NOT NULL,
  downloads INTEGER NOT NULL, PRIMARY KEY (version_id, day));
)sql";

// Files of Maven deploys, staged until their version is complete (src/maven), and the build each
// snapshot version was last deployed as. Staged files' blobs count as referenced.
const char* const kSchemaV8 = R"sql(
CREATE TABLE maven_staged_files (
  group_id TEXT NOT NULL, asset_id TEXT NOT NULL, version TEXT NOT NULL, build TEXT NOT NULL,
  classifier TEXT NOT NULL, extension TEXT NOT NULL, organization_id TEXT NOT NULL, sha256 TEXT NOT NULL,
  md5 TEXT NOT NULL, sha1 TEXT NOT NULL, size INTEGER NOT NULL, staged_by TEXT NOT NULL, staged_millis INTEGER NOT NULL,
  PRIMARY KEY (group_id, asset_id, version, build, classifier, extension));
CREATE INDEX maven_staged_files_sha256 ON maven_staged_files(sha256);
CREATE INDEX maven_staged_files_staged ON maven_staged_files(staged_millis);
CREATE TABLE maven_snapshot_builds (
  group_id TEXT NOT NULL, asset_id TEXT NOT NULL, version TEXT NOT NULL, timestamp TEXT NOT NULL,
  build_number INTEGER NOT NULL, updated_millis INTEGER NOT NULL, PRIMARY KEY (group_id, asset_id, version));
)sql";

const char* const kMigrations[] = {kSchemaV1, kSchemaV2, kSchemaV3, kSchemaV4, kSchemaV5, kSchemaV6, kSchemaV7, kSchemaV8};

}  // namespace

std::span<const char* const> SqliteMigrations() { return kMigrations; }

}  // namespace agora::storage
