// Publication jobs in the SQL backends (see metadata_store_sql.h), and the blob references that
// the reaper asks about: a blob stays while a version file, a portal page or resource, or an
// unfinished job names it.
#include "storage/metadata_store_sql.h"

namespace agora::storage {

using Statement = std::unique_ptr<SqlStatement>;

namespace {

const char* const kJobColumns =
    "run_id, organization_id, group_id, asset_id, version, kind, status, asset_type, steps_json, request_json, "
    "created_millis, updated_millis";

Result<PublicationJob> LoadJob(SqlConnection& c, SqlStatement& s) {
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
  AGORA_ASSIGN_OR_RETURN(j.blob_refs, b->Collect<std::string>([](SqlStatement& r) -> Result<std::string> {
    return r.Text(0);
  }));
  return j;
}

}  // namespace

Result<std::vector<std::string>> SqlMetadataStore::ReferencedBlobs() {
  return Read<std::vector<std::string>>([&](SqlConnection& c) -> Result<std::vector<std::string>> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "SELECT sha256 FROM version_files UNION SELECT b.sha256 FROM job_blobs b JOIN jobs j ON j.run_id = b.run_id "
        "WHERE j.status IN ('queued', 'running') UNION SELECT sha256 FROM portal_pages "
        "UNION SELECT sha256 FROM portal_resources"));
    return s->Collect<std::string>([](SqlStatement& r) -> Result<std::string> { return r.Text(0); });
  });
}

Result<bool> SqlMetadataStore::IsBlobReferenced(const std::string& sha256) {
  return Read<bool>([&](SqlConnection& c) -> Result<bool> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM version_files WHERE sha256 = ?1) OR EXISTS (SELECT 1 FROM job_blobs b "
        "JOIN jobs j ON j.run_id = b.run_id WHERE b.sha256 = ?1 AND j.status IN ('queued', 'running')) "
        "OR EXISTS (SELECT 1 FROM portal_pages WHERE sha256 = ?1) "
        "OR EXISTS (SELECT 1 FROM portal_resources WHERE sha256 = ?1) THEN 1 ELSE 0 END"));
    s->Bind(1, sha256);
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    return row && s->Int(0) != 0;
  });
}

Status SqlMetadataStore::PutJob(const PublicationJob& j) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement old_blobs, c.Prepare("DELETE FROM job_blobs WHERE run_id = ?"));
    AGORA_RETURN_IF_ERROR(old_blobs->Bind(1, j.run_id).Run());
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        std::string("INSERT INTO jobs (") + kJobColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (run_id) DO UPDATE SET organization_id = excluded.organization_id, group_id = excluded.group_id, "
        "asset_id = excluded.asset_id, version = excluded.version, kind = excluded.kind, status = excluded.status, "
        "asset_type = excluded.asset_type, steps_json = excluded.steps_json, request_json = excluded.request_json, "
        "created_millis = excluded.created_millis, updated_millis = excluded.updated_millis"));
    AGORA_RETURN_IF_ERROR(s->Bind(1, j.run_id).Bind(2, j.organization_id).Bind(3, j.coordinates.group_id)
                              .Bind(4, j.coordinates.asset_id).Bind(5, j.coordinates.version).Bind(6, j.kind)
                              .Bind(7, j.status).Bind(8, j.asset_type).Bind(9, j.steps_json).Bind(10, j.request_json)
                              .Bind(11, j.created_millis).Bind(12, j.updated_millis).Run());
    for (const auto& sha : j.blob_refs) {
      AGORA_ASSIGN_OR_RETURN(Statement b, c.Prepare("INSERT INTO job_blobs VALUES (?, ?)"));
      AGORA_RETURN_IF_ERROR(b->Bind(1, j.run_id).Bind(2, sha).RunLater());
    }
    return Status::Ok();
  });
}

Result<PublicationJob> SqlMetadataStore::GetJob(const std::string& run_id) {
  return Read<PublicationJob>([&](SqlConnection& c) -> Result<PublicationJob> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE run_id = ?"));
    s->Bind(1, run_id);
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::NotFound("Publication " + run_id + " not found");
    return LoadJob(c, *s);
  });
}

Result<std::vector<PublicationJob>> SqlMetadataStore::ListUnfinishedJobs() {
  return Read<std::vector<PublicationJob>>([&](SqlConnection& c) -> Result<std::vector<PublicationJob>> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("SELECT ") + kJobColumns +
                                                  " FROM jobs WHERE status IN ('queued', 'running') "
                                                  "ORDER BY created_millis, run_id"));
    return s->Collect<PublicationJob>([&](SqlStatement& r) { return LoadJob(c, r); });
  });
}

}  // namespace agora::storage
