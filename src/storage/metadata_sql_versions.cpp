// Asset versions in the SQL backends (see metadata_store_sql.h): group ownership, a version's
// row and its child rows (tags, keywords, properties, dependencies, files, category and field
// values, API model), which version is each asset's latest, lifecycle and detail edits, and
// soft and hard deletes.
#include "assets/semver.h"
#include "common/hash.h"
#include "storage/metadata_store_sql.h"

namespace agora::storage {

using assets::AssetVersion;
using assets::Coordinates;
using Statement = std::unique_ptr<SqlStatement>;

namespace {

const char* const kVersionColumns =
    "id, organization_id, group_id, asset_id, version, name, description, status, contact_name, contact_email, "
    "original_format, original_format_version, created_by, created_millis, updated_millis";

Status PreconditionsFailed(const std::string& why) {
  return Status::Conflict("ASSET_PRE_CONDITIONS_FAILED",
                          "Cannot create a new asset with the provided groupId, assetId, version, state", {why});
}

Result<std::string> GroupOwnerOn(SqlConnection& c, const std::string& group_id) {
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT organization_id FROM groups WHERE group_id = ?"));
  s->Bind(1, group_id);
  AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return Status::NotFound("group " + group_id + " has no owner");
  return s->Text(0);
}

Status ClaimGroup(SqlConnection& c, const std::string& group_id, const std::string& organization_id) {
  auto owner = GroupOwnerOn(c, group_id);
  if (owner.ok()) {
    if (*owner == organization_id) return Status::Ok();
    return Status::Forbidden("The group " + group_id + " belongs to another organization");
  }
  if (owner.status().kind() != Status::Kind::kNotFound) return owner.status();
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO groups VALUES (?, ?)"));
  return s->Bind(1, group_id).Bind(2, organization_id).Run();
}

Status NotSoftDeleted(SqlConnection& c, const Coordinates& coordinates) {
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
      "SELECT 1 FROM deleted_versions WHERE group_id = ? AND asset_id = ? AND version = ?"));
  s->Bind(1, coordinates.group_id).Bind(2, coordinates.asset_id).Bind(3, coordinates.version);
  AGORA_ASSIGN_OR_RETURN(bool deleted, s->Step());
  if (!deleted) return Status::Ok();
  return PreconditionsFailed("The version " + coordinates.version + " was deleted; its coordinates stay reserved.");
}

Status Touch(SqlConnection& c, const std::string& group_id, const std::string& asset_id, int64_t now) {
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("UPDATE versions SET updated_millis = ? WHERE group_id = ? AND asset_id = ?"));
  return s->Bind(1, now).Bind(2, group_id).Bind(3, asset_id).Run();
}

// Flags the asset's highest version, so listings find each asset's latest version by index.
// Only the rows whose flag changes are written (at most the old and the new latest), so the
// cost of a publication does not grow with the asset's history.
Status MarkLatest(SqlConnection& c, const std::string& group_id, const std::string& asset_id) {
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
      "WITH latest(key) AS (SELECT MAX(version_key) FROM versions WHERE group_id = ?1 AND asset_id = ?2) "
      "UPDATE versions SET is_latest = CASE WHEN version_key = (SELECT key FROM latest) THEN 1 ELSE 0 END "
      "WHERE group_id = ?1 AND asset_id = ?2 "
      "AND is_latest != CASE WHEN version_key = (SELECT key FROM latest) THEN 1 ELSE 0 END"));
  return s->Bind(1, group_id).Bind(2, asset_id).Run();
}

// Stores the version's API model row unless a version already shares it. Asked first, so that a
// model already stored (hundreds of KB) is not bound and copied into a record only to be dropped.
Status InsertApiModel(SqlConnection& c, const AssetVersion& v, const std::string& id) {
  if (id.empty()) return Status::Ok();
  AGORA_ASSIGN_OR_RETURN(Statement stored, c.Prepare("SELECT 1 FROM api_models WHERE id = ?"));
  AGORA_ASSIGN_OR_RETURN(bool exists, stored->Bind(1, id).Step());
  if (exists) return Status::Ok();
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO api_models VALUES (?, ?, ?) ON CONFLICT DO NOTHING"));
  return s->Bind(1, id).Bind(2, v.api_model).Bind(3, v.api_terms).Run();
}

Result<int64_t> InsertVersionRow(SqlConnection& c, const AssetVersion& v, const std::string& api_model_id) {
  AGORA_RETURN_IF_ERROR(InsertApiModel(c, v, api_model_id));
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
      "INSERT INTO versions (organization_id, group_id, asset_id, version, name, description, status, contact_name, "
      "contact_email, original_format, original_format_version, created_by, created_millis, updated_millis, "
      "version_key, api_model_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  s->Bind(1, v.organization_id).Bind(2, v.coordinates.group_id).Bind(3, v.coordinates.asset_id)
      .Bind(4, v.coordinates.version).Bind(5, v.name).Bind(6, v.description)
      .Bind(7, assets::LifecycleName(v.status)).Bind(8, v.contact_name).Bind(9, v.contact_email)
      .Bind(10, v.original_format).Bind(11, v.original_format_version).Bind(12, v.created_by)
      .Bind(13, v.created_millis).Bind(14, v.updated_millis)
      .Bind(15, VersionKey(v.coordinates.version)).Bind(16, api_model_id);
  AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return Status::Internal("the version row of " + v.coordinates.ToString() + " got no id");
  const int64_t id = s->Int(0);
  AGORA_RETURN_IF_ERROR(s->Run());  // finishes the statement
  return id;
}

Status InsertChildren(SqlConnection& c, int64_t id, const AssetVersion& v) {
  for (size_t i = 0; i < v.properties.size(); ++i) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO version_properties VALUES (?, ?, ?, ?)"));
    AGORA_RETURN_IF_ERROR(s->Bind(1, id).Bind(2, static_cast<int64_t>(i)).Bind(3, v.properties[i].key)
                              .Bind(4, v.properties[i].value).RunLater());
  }
  for (size_t i = 0; i < v.dependencies.size(); ++i) {
    const auto& d = v.dependencies[i];
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO version_dependencies VALUES (?, ?, ?, ?, ?)"));
    AGORA_RETURN_IF_ERROR(s->Bind(1, id).Bind(2, static_cast<int64_t>(i)).Bind(3, d.group_id).Bind(4, d.asset_id)
                              .Bind(5, d.version).RunLater());
  }
  for (size_t i = 0; i < v.files.size(); ++i) {
    const auto& f = v.files[i];
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO version_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    AGORA_RETURN_IF_ERROR(s->Bind(1, id).Bind(2, static_cast<int64_t>(i)).Bind(3, f.classifier).Bind(4, f.packaging)
                              .Bind(5, f.sha256).Bind(6, f.md5).Bind(7, f.sha1).Bind(8, static_cast<int64_t>(f.size))
                              .Bind(9, f.main_file).Bind(10, f.is_generated ? 1 : 0).Bind(11, f.created_millis)
                              .RunLater());
  }
  return Status::Ok();
}

Result<std::vector<std::string>> LoadValues(SqlConnection& c, const char* table, int64_t id) {
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("SELECT value FROM ") + table +
                                                " WHERE version_id = ? ORDER BY ordinal"));
  s->Bind(1, id);
  return s->Collect<std::string>([](SqlStatement& r) -> Result<std::string> { return r.Text(0); });
}

Status LoadProperties(SqlConnection& c, int64_t id, AssetVersion& v) {
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT key, value FROM version_properties WHERE version_id = ? ORDER BY ordinal"));
  s->Bind(1, id);
  return s->ForEach([&](SqlStatement& r) {
    v.properties.push_back({r.Text(0), r.Text(1)});
    return Status::Ok();
  });
}

Status LoadDependencies(SqlConnection& c, int64_t id, AssetVersion& v) {
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
      "SELECT group_id, asset_id, version FROM version_dependencies WHERE version_id = ? ORDER BY ordinal"));
  s->Bind(1, id);
  return s->ForEach([&](SqlStatement& r) {
    v.dependencies.push_back({r.Text(0), r.Text(1), r.Text(2)});
    return Status::Ok();
  });
}

Status LoadFiles(SqlConnection& c, int64_t id, AssetVersion& v) {
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
      "SELECT classifier, packaging, sha256, md5, sha1, size, main_file, is_generated, created_millis "
      "FROM version_files WHERE version_id = ? ORDER BY ordinal"));
  s->Bind(1, id);
  return s->ForEach([&](SqlStatement& r) {
    v.files.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), static_cast<uint64_t>(r.Int(5)),
                       r.Text(6), r.Int(7) != 0, r.Int(8)});
    return Status::Ok();
  });
}

}  // namespace

Result<std::string> SqlMetadataStore::GroupOwner(const std::string& group_id) {
  return Read<std::string>([&](SqlConnection& c) { return GroupOwnerOn(c, group_id); });
}

Result<int64_t> SqlMetadataStore::VersionId(SqlConnection& c, const Coordinates& coordinates) {
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT id FROM versions WHERE group_id = ? AND asset_id = ? AND version = ?"));
  s->Bind(1, coordinates.group_id).Bind(2, coordinates.asset_id).Bind(3, coordinates.version);
  AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return Status::NotFound("Asset " + coordinates.ToString() + " not found");
  return s->Int(0);
}

Result<AssetVersion> SqlMetadataStore::GetVersion(const Coordinates& coordinates) {
  return Read<AssetVersion>([&](SqlConnection& c) -> Result<AssetVersion> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("SELECT ") + kVersionColumns +
                                                  " FROM versions WHERE group_id = ? AND asset_id = ? AND version = ?"));
    s->Bind(1, coordinates.group_id).Bind(2, coordinates.asset_id).Bind(3, coordinates.version);
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::NotFound("Asset " + coordinates.ToString() + " not found");
    return LoadVersion(c, *s);
  });
}

Result<std::string> SqlMetadataStore::GetApiModel(const Coordinates& coordinates) {
  return Read<std::string>([&](SqlConnection& c) -> Result<std::string> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "SELECT coalesce(m.api_model, '') FROM versions v LEFT JOIN api_models m ON m.id = v.api_model_id "
        "WHERE v.group_id = ? AND v.asset_id = ? AND v.version = ?"));
    s->Bind(1, coordinates.group_id).Bind(2, coordinates.asset_id).Bind(3, coordinates.version);
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::NotFound("Asset " + coordinates.ToString() + " not found");
    return s->Text(0);
  });
}

Result<std::vector<AssetVersion>> SqlMetadataStore::ListVersions(const std::string& group_id,
                                                                 const std::string& asset_id) {
  return Read<std::vector<AssetVersion>>([&](SqlConnection& c) -> Result<std::vector<AssetVersion>> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("SELECT ") + kVersionColumns +
                                                  " FROM versions WHERE group_id = ? AND asset_id = ? "
                                                  "ORDER BY created_millis, version"));
    s->Bind(1, group_id).Bind(2, asset_id);
    return s->Collect<AssetVersion>([&](SqlStatement& r) { return LoadVersion(c, r); });
  });
}

namespace {

// A row of columns version, type, status, apiVersion, updated_millis.
VersionSummary SummaryFrom(SqlStatement& r) {
  return VersionSummary{r.Text(0), r.Text(1), assets::ParseLifecycle(r.Text(2)).value_or(assets::Lifecycle::kPublished),
                        r.Text(3), r.Int(4)};
}

}  // namespace

Result<std::vector<VersionSummary>> SqlMetadataStore::ListVersionSummaries(const std::string& group_id,
                                                                           const std::string& asset_id) {
  return Read<std::vector<VersionSummary>>([&](SqlConnection& c) -> Result<std::vector<VersionSummary>> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "SELECT v.version, a.type, v.status, " + dialect().FirstApiVersion() + ", v.updated_millis FROM versions v "
        "LEFT JOIN assets a ON a.group_id = v.group_id AND a.asset_id = v.asset_id WHERE v.group_id = ? AND "
        "v.asset_id = ? ORDER BY v.created_millis, v.version"));
    s->Bind(1, group_id).Bind(2, asset_id);
    return s->Collect<VersionSummary>([](SqlStatement& r) -> Result<VersionSummary> { return SummaryFrom(r); });
  });
}

// One version per major version, found by skipping through the (group, asset, version_key) index
// from one major version's keys to the next's: as many lookups as there are major versions (and
// versions that are not SemVer, whose keys are their text), however many versions each holds.
Result<VersionRuleFacts> SqlMetadataStore::GetVersionRuleFacts(const std::string& group_id,
                                                               const std::string& asset_id,
                                                               const std::string& version, bool with_majors) {
  return Read<VersionRuleFacts>([&](SqlConnection& c) -> Result<VersionRuleFacts> {
    VersionRuleFacts facts;
    AGORA_ASSIGN_OR_RETURN(Statement type, c.Prepare(
        "SELECT a.type FROM assets a WHERE a.group_id = ? AND a.asset_id = ? AND EXISTS "
        "(SELECT 1 FROM versions v WHERE v.group_id = a.group_id AND v.asset_id = a.asset_id)"));
    AGORA_ASSIGN_OR_RETURN(bool found, type->Bind(1, group_id).Bind(2, asset_id).Step());
    if (found) facts.type = type->Text(0);
    AGORA_ASSIGN_OR_RETURN(Statement same, c.Prepare(
        "SELECT status FROM versions WHERE group_id = ? AND asset_id = ? AND version = ?"));
    AGORA_ASSIGN_OR_RETURN(found, same->Bind(1, group_id).Bind(2, asset_id).Bind(3, version).Step());
    if (found) facts.same_version = assets::ParseLifecycle(same->Text(0)).value_or(assets::Lifecycle::kPublished);
    AGORA_ASSIGN_OR_RETURN(Statement details, c.Prepare(
        "SELECT v.name, v.description, v.contact_name, v.contact_email, f.packaging, f.sha256, f.md5, f.sha1, f.size, "
        "f.created_millis FROM versions v LEFT JOIN version_files f ON f.version_id = v.id AND f.classifier = 'icon' "
        "WHERE v.group_id = ? AND v.asset_id = ? AND v.version <> ? ORDER BY v.version_key DESC LIMIT 1"));
    AGORA_ASSIGN_OR_RETURN(found, details->Bind(1, group_id).Bind(2, asset_id).Bind(3, version).Step());
    if (found) {
      facts.details = AssetDetails{details->Text(0), details->Text(1), details->Text(2), details->Text(3), {}};
      if (!details->Text(5).empty())
        facts.details->icon = assets::AssetFile{"icon", details->Text(4), details->Text(5), details->Text(6),
                                                details->Text(7), static_cast<uint64_t>(details->Int(8)), "", false,
                                                details->Int(9)};
    }
    const std::string first_from = "SELECT v.version, a.type, v.status, " + dialect().FirstApiVersion() +
                                   ", v.updated_millis, v.version_key FROM versions v LEFT JOIN assets a ON a.group_id = "
                                   "v.group_id AND a.asset_id = v.asset_id WHERE v.group_id = ? AND v.asset_id = ? AND "
                                   "v.version_key >= ? AND v.version <> ? ORDER BY v.version_key LIMIT 1";
    std::string from;
    while (with_majors) {
      AGORA_ASSIGN_OR_RETURN(Statement next, c.Prepare(first_from));
      AGORA_ASSIGN_OR_RETURN(found, next->Bind(1, group_id).Bind(2, asset_id).Bind(3, from).Bind(4, version).Step());
      if (!found) return facts;
      facts.majors.push_back(SummaryFrom(*next));
      // Past every key of this major version ("...0001." < "...0001/"); a key that is not SemVer's
      // is the version's own text, and the least key after it follows.
      const auto semver = assets::ParseSemVer(facts.majors.back().version);
      if (semver) {
        from = MajorVersionKey(semver->major);
        from.back() = '/';
      } else {
        from = next->Text(5) + '\x01';
      }
    }
    return facts;
  });
}

std::string ApiModelIds::IdOf(const std::string& model, const std::string& terms) {
  if (model.empty() && terms.empty()) return std::string();
  {
    std::lock_guard lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->model != model || it->terms != terms) continue;
      entries_.splice(entries_.begin(), entries_, it);
      return it->id;
    }
  }
  Hasher hasher(DigestAlgorithm::kSha256);
  hasher.Update(model.data(), model.size());
  hasher.Update("", 1);  // the NUL between model and terms
  hasher.Update(terms.data(), terms.size());
  std::string id = hasher.Finish();
  const size_t bytes = model.size() + terms.size();
  if (bytes > kMaxBytes) return id;
  std::lock_guard lock(mutex_);
  entries_.push_front({model, terms, id});
  bytes_ += bytes;
  while (entries_.size() > kMaxEntries || bytes_ > kMaxBytes) {
    bytes_ -= entries_.back().model.size() + entries_.back().terms.size();
    entries_.pop_back();
  }
  return id;
}

// The model's id is found before the transaction: hashing a model is no work for the one writer.
Status SqlMetadataStore::PutVersion(const AssetVersion& v) {
  const std::string api_model_id = api_model_ids_.IdOf(v.api_model, v.api_terms);
  return Write([&](SqlConnection& c) { return InsertVersion(c, v, api_model_id); });
}

Status SqlMetadataStore::PutVersions(const std::vector<AssetVersion>& versions) {
  std::vector<std::string> api_model_ids;
  for (const auto& v : versions) api_model_ids.push_back(api_model_ids_.IdOf(v.api_model, v.api_terms));
  return Write([&](SqlConnection& c) -> Status {
    for (size_t i = 0; i < versions.size(); ++i) AGORA_RETURN_IF_ERROR(InsertVersion(c, versions[i], api_model_ids[i]));
    return Status::Ok();
  });
}

// Claims the group, checks the existing version, and inserts the version with all its rows.
Status SqlMetadataStore::InsertVersion(SqlConnection& c, const AssetVersion& v, const std::string& api_model_id) {
  AGORA_RETURN_IF_ERROR(ClaimGroup(c, v.coordinates.group_id, v.organization_id));
  // A published or deprecated version is immutable; a development one is deleted to be replaced.
  AGORA_ASSIGN_OR_RETURN(Statement existing, c.Prepare(
      "SELECT id, status FROM versions WHERE group_id = ? AND asset_id = ? AND version = ?"));
  existing->Bind(1, v.coordinates.group_id).Bind(2, v.coordinates.asset_id).Bind(3, v.coordinates.version);
  AGORA_ASSIGN_OR_RETURN(bool exists, existing->Step());
  if (!exists) {
    AGORA_RETURN_IF_ERROR(NotSoftDeleted(c, v.coordinates));
  } else if (existing->Text(1) != "development") {
    return PreconditionsFailed("An asset already exists with this version and published lifecycle state.");
  } else {
    const int64_t replaced = existing->Int(0);
    existing.reset();
    AGORA_RETURN_IF_ERROR(RemoveVersionRow(c, replaced));
  }
  existing.reset();
  AGORA_ASSIGN_OR_RETURN(Statement asset, c.Prepare(
      "INSERT INTO assets (group_id, asset_id, organization_id, type, created_millis) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT DO NOTHING"));
  AGORA_RETURN_IF_ERROR(asset->Bind(1, v.coordinates.group_id).Bind(2, v.coordinates.asset_id)
                            .Bind(3, v.organization_id).Bind(4, v.type).Bind(5, v.created_millis).Run());
  AGORA_ASSIGN_OR_RETURN(int64_t id, InsertVersionRow(c, v, api_model_id));
  AGORA_RETURN_IF_ERROR(dialect().IndexVersion(c, id));
  AGORA_RETURN_IF_ERROR(InsertTagValues(c, id, "category", v.categories));
  AGORA_RETURN_IF_ERROR(InsertTagValues(c, id, "field", v.fields));
  AGORA_RETURN_IF_ERROR(InsertValues(c, "version_tags", id, v.tags));
  AGORA_RETURN_IF_ERROR(InsertValues(c, "version_keywords", id, v.keywords));
  AGORA_RETURN_IF_ERROR(InsertChildren(c, id, v));
  return MarkLatest(c, v.coordinates.group_id, v.coordinates.asset_id);
}

Status SqlMetadataStore::InsertValues(SqlConnection& c, const char* table, int64_t id,
                                      const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("INSERT INTO ") + table + " VALUES (?, ?, ?)"));
    AGORA_RETURN_IF_ERROR(s->Bind(1, id).Bind(2, static_cast<int64_t>(i)).Bind(3, values[i]).RunLater());
  }
  return Status::Ok();
}

// Deletes a version row, its child rows (by cascade) and its search entry.
Status SqlMetadataStore::RemoveVersionRow(SqlConnection& c, int64_t id) {
  AGORA_RETURN_IF_ERROR(dialect().UnindexVersion(c, id));
  AGORA_ASSIGN_OR_RETURN(Statement del, c.Prepare("DELETE FROM versions WHERE id = ?"));
  return del->Bind(1, id).Run();
}

// Rebuilds the search entries of an asset's versions after an edit.
Status SqlMetadataStore::Reindex(SqlConnection& c, const std::string& group_id, const std::string& asset_id) {
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT id FROM versions WHERE group_id = ? AND asset_id = ?"));
  s->Bind(1, group_id).Bind(2, asset_id);
  AGORA_ASSIGN_OR_RETURN(auto ids, s->Collect<int64_t>([](SqlStatement& r) -> Result<int64_t> { return r.Int(0); }));
  s.reset();
  for (int64_t id : ids) AGORA_RETURN_IF_ERROR(ReindexVersion(c, id));
  return Status::Ok();
}

Status SqlMetadataStore::ReindexVersion(SqlConnection& c, int64_t id) {
  AGORA_RETURN_IF_ERROR(dialect().UnindexVersion(c, id));
  return dialect().IndexVersion(c, id);
}

Result<AssetVersion> SqlMetadataStore::LoadVersionById(SqlConnection& c, int64_t id) {
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("SELECT ") + kVersionColumns + " FROM versions WHERE id = ?"));
  s->Bind(1, id);
  AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return Status::NotFound("version row " + std::to_string(id));
  return LoadVersion(c, *s);
}

// A version from its row (kVersionColumns) and its child rows.
Result<AssetVersion> SqlMetadataStore::LoadVersion(SqlConnection& c, SqlStatement& row) {
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
  type.reset();
  AGORA_ASSIGN_OR_RETURN(v.tags, LoadValues(c, "version_tags", id));
  AGORA_ASSIGN_OR_RETURN(v.keywords, LoadValues(c, "version_keywords", id));
  AGORA_RETURN_IF_ERROR(LoadProperties(c, id, v));
  AGORA_RETURN_IF_ERROR(LoadDependencies(c, id, v));
  AGORA_RETURN_IF_ERROR(LoadFiles(c, id, v));
  AGORA_ASSIGN_OR_RETURN(v.categories, LoadTagValues(c, id, "category"));
  AGORA_ASSIGN_OR_RETURN(v.fields, LoadTagValues(c, id, "field"));
  return v;
}

Status SqlMetadataStore::SetVersionStatus(const Coordinates& c, assets::Lifecycle status, int64_t now) {
  return Write([&](SqlConnection& conn) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement s, conn.Prepare(
        "UPDATE versions SET status = ? WHERE group_id = ? AND asset_id = ? AND version = ?"));
    AGORA_RETURN_IF_ERROR(s->Bind(1, assets::LifecycleName(status)).Bind(2, c.group_id).Bind(3, c.asset_id)
                              .Bind(4, c.version).Run());
    if (s->Changes() == 0) return Status::NotFound("Asset " + c.ToString() + " not found");
    return Touch(conn, c.group_id, c.asset_id, now);
  });
}

Status SqlMetadataStore::UpdateAssetDetails(const std::string& group_id, const std::string& asset_id,
                                            const AssetDetailsUpdate& u, int64_t now) {
  return Write([&](SqlConnection& conn) -> Status {
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

Status SqlMetadataStore::SetAssetIcon(const std::string& group_id, const std::string& asset_id,
                                      const std::optional<assets::AssetFile>& icon, int64_t now) {
  return Write([&](SqlConnection& conn) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement drop, conn.Prepare(
        "DELETE FROM version_files WHERE classifier = 'icon' AND version_id IN "
        "(SELECT id FROM versions WHERE group_id = ? AND asset_id = ?)"));
    AGORA_RETURN_IF_ERROR(drop->Bind(1, group_id).Bind(2, asset_id).Run());
    drop.reset();
    // Each version's icon comes after its other files.
    AGORA_ASSIGN_OR_RETURN(Statement list, conn.Prepare(
        "SELECT v.id, (SELECT COALESCE(MAX(f.ordinal), -1) + 1 FROM version_files f WHERE f.version_id = v.id) "
        "FROM versions v WHERE v.group_id = ? AND v.asset_id = ?"));
    list->Bind(1, group_id).Bind(2, asset_id);
    using Slot = std::pair<int64_t, int64_t>;  // a version's id and its icon's ordinal
    AGORA_ASSIGN_OR_RETURN(auto slots, list->Collect<Slot>([](SqlStatement& r) -> Result<Slot> {
      return Slot(r.Int(0), r.Int(1));
    }));
    list.reset();
    if (slots.empty()) return Status::NotFound("Asset " + group_id + ":" + asset_id + " not found");
    if (!icon) return Touch(conn, group_id, asset_id, now);
    const auto& f = *icon;
    for (const auto& [id, ordinal] : slots) {
      AGORA_ASSIGN_OR_RETURN(Statement s, conn.Prepare("INSERT INTO version_files VALUES (?, ?, 'icon', ?, ?, ?, ?, ?, '', 0, ?)"));
      AGORA_RETURN_IF_ERROR(s->Bind(1, id).Bind(2, ordinal).Bind(3, f.packaging).Bind(4, f.sha256).Bind(5, f.md5)
                                .Bind(6, f.sha1).Bind(7, static_cast<int64_t>(f.size)).Bind(8, f.created_millis).Run());
    }
    return Touch(conn, group_id, asset_id, now);
  });
}

Result<std::vector<Coordinates>> SqlMetadataStore::ListDependents(const Coordinates& c) {
  return Read<std::vector<Coordinates>>([&](SqlConnection& conn) -> Result<std::vector<Coordinates>> {
    AGORA_ASSIGN_OR_RETURN(Statement s, conn.Prepare(
        "SELECT v.group_id, v.asset_id, v.version FROM version_dependencies d JOIN versions v ON v.id = d.version_id "
        "WHERE d.group_id = ? AND d.asset_id = ? AND d.version = ? ORDER BY v.group_id, v.asset_id, v.version_key"));
    s->Bind(1, c.group_id).Bind(2, c.asset_id).Bind(3, c.version);
    return s->Collect<Coordinates>([](SqlStatement& r) -> Result<Coordinates> {
      return Coordinates{r.Text(0), r.Text(1), r.Text(2)};
    });
  });
}

Status SqlMetadataStore::DeleteVersion(const Coordinates& c, bool soft, int64_t now) {
  return Write([&](SqlConnection& conn) -> Status {
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
    AGORA_ASSIGN_OR_RETURN(Statement t, conn.Prepare(
        "INSERT INTO deleted_versions VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, asset_id, version) "
        "DO UPDATE SET organization_id = excluded.organization_id, name = excluded.name, type = excluded.type, "
        "deleted_millis = excluded.deleted_millis"));
    return t->Bind(1, c.group_id).Bind(2, c.asset_id).Bind(3, c.version).Bind(4, tombstone.organization_id)
        .Bind(5, tombstone.name).Bind(6, tombstone.type).Bind(7, now).Run();
  });
}

Status SqlMetadataStore::ForgetSoftDeleted(const Coordinates& c) {
  return Write([&](SqlConnection& conn) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement s, conn.Prepare(
        "DELETE FROM deleted_versions WHERE group_id = ? AND asset_id = ? AND version = ? RETURNING version"));
    s->Bind(1, c.group_id).Bind(2, c.asset_id).Bind(3, c.version);
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::NotFound("Asset " + c.ToString() + " not found");
    return Status::Ok();
  });
}

Result<std::vector<DeletedVersion>> SqlMetadataStore::ListSoftDeleted(const std::string& organization_id,
                                                                      size_t offset, size_t limit) {
  return Read<std::vector<DeletedVersion>>([&](SqlConnection& conn) -> Result<std::vector<DeletedVersion>> {
    AGORA_ASSIGN_OR_RETURN(Statement s, conn.Prepare(
        "SELECT organization_id, group_id, asset_id, version, name, type, deleted_millis FROM deleted_versions "
        "WHERE organization_id = ? ORDER BY deleted_millis DESC, group_id, asset_id, version LIMIT ? OFFSET ?"));
    s->Bind(1, organization_id).Bind(2, static_cast<int64_t>(limit)).Bind(3, static_cast<int64_t>(offset));
    return s->Collect<DeletedVersion>([](SqlStatement& r) -> Result<DeletedVersion> {
      return DeletedVersion{r.Text(0), {r.Text(1), r.Text(2), r.Text(3)}, r.Text(4), r.Text(5), r.Int(6)};
    });
  });
}

Result<std::vector<std::string>> SqlMetadataStore::ListReservedVersions(const std::string& group_id,
                                                                        const std::string& asset_id) {
  return Read<std::vector<std::string>>([&](SqlConnection& conn) -> Result<std::vector<std::string>> {
    AGORA_ASSIGN_OR_RETURN(Statement s, conn.Prepare(
        "SELECT version FROM versions WHERE group_id = ?1 AND asset_id = ?2 "
        "UNION SELECT version FROM deleted_versions WHERE group_id = ?1 AND asset_id = ?2 ORDER BY 1"));
    s->Bind(1, group_id).Bind(2, asset_id);
    return s->Collect<std::string>([](SqlStatement& r) -> Result<std::string> { return r.Text(0); });
  });
}

}  // namespace agora::storage
