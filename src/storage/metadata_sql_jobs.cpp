// Publication jobs in the SQL backends (see metadata_store_sql.h), and the blob references that
// the reaper asks about: a blob stays while a version file, a portal page or resource, or an
// unfinished job names it.
#include "storage/metadata_store_sql.h"

namespace agora::storage {

using Statement = std::unique_ptr<SqlStatement>;

namespace {

const char* const kJobColumns =
    "run_id, organization_id, group_id, asset_id, version, kind, status, asset_type, steps_json, request_json, "
    "created_millis, updated_millis, owner, lease_until_millis, attempts";

// A job a server may take: waiting, or running on a lease that ran out before `now`.
std::string Claimable(const char* now) {
  return std::string("(status = 'queued' OR (status = 'running' AND lease_until_millis < ") + now + "))";
}

Status LeaseLost(const std::string& run_id) {
  return Status::Conflict("JOB_LEASE_LOST", "Publication " + run_id + " is run by another server now");
}

Status ReplaceJobBlobs(SqlConnection& c, const PublicationJob& j) {
  AGORA_ASSIGN_OR_RETURN(Statement old_blobs, c.Prepare("DELETE FROM job_blobs WHERE run_id = ?"));
  AGORA_RETURN_IF_ERROR(old_blobs->Bind(1, j.run_id).Run());
  for (const auto& sha : j.blob_refs) {
    AGORA_ASSIGN_OR_RETURN(Statement b, c.Prepare("INSERT INTO job_blobs VALUES (?, ?)"));
    AGORA_RETURN_IF_ERROR(b->Bind(1, j.run_id).Bind(2, sha).RunLater());
  }
  return Status::Ok();
}

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
  j.owner = s.Text(12);
  j.lease_until_millis = s.Int(13);
  j.attempts = s.Int(14);
  AGORA_ASSIGN_OR_RETURN(Statement b, c.Prepare("SELECT sha256 FROM job_blobs WHERE run_id = ? ORDER BY sha256"));
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

// The owner and lease of a stored job stay as they are: ClaimJob and RenewJobLease set them.
Status SqlMetadataStore::PutJob(const PublicationJob& j) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "INSERT INTO jobs (run_id, organization_id, group_id, asset_id, version, kind, status, asset_type, steps_json, "
        "request_json, created_millis, updated_millis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (run_id) DO UPDATE SET organization_id = excluded.organization_id, group_id = excluded.group_id, "
        "asset_id = excluded.asset_id, version = excluded.version, kind = excluded.kind, status = excluded.status, "
        "asset_type = excluded.asset_type, steps_json = excluded.steps_json, request_json = excluded.request_json, "
        "created_millis = excluded.created_millis, updated_millis = excluded.updated_millis"));
    AGORA_RETURN_IF_ERROR(s->Bind(1, j.run_id).Bind(2, j.organization_id).Bind(3, j.coordinates.group_id)
                              .Bind(4, j.coordinates.asset_id).Bind(5, j.coordinates.version).Bind(6, j.kind)
                              .Bind(7, j.status).Bind(8, j.asset_type).Bind(9, j.steps_json).Bind(10, j.request_json)
                              .Bind(11, j.created_millis).Bind(12, j.updated_millis).Run());
    return ReplaceJobBlobs(c, j);
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

// A read first: servers ask every second, and a write only when there is a job to take keeps
// idle servers from writing (and from moving Generation, which caches follow).
Result<std::optional<PublicationJob>> SqlMetadataStore::ClaimJob(const std::string& owner, int64_t now_millis,
                                                                 int64_t lease_until_millis) {
  AGORA_ASSIGN_OR_RETURN(bool waiting, Read<bool>([&](SqlConnection& c) -> Result<bool> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT 1 FROM jobs WHERE " + Claimable("?") + " LIMIT 1"));
    s->Bind(1, now_millis);
    return s->Step();
  }));
  if (!waiting) return std::optional<PublicationJob>();
  std::optional<PublicationJob> claimed;
  AGORA_RETURN_IF_ERROR(Write([&](SqlConnection& c) -> Status {
    claimed.reset();
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        std::string("UPDATE jobs SET status = 'running', owner = ?1, lease_until_millis = ?3, attempts = attempts + 1 "
                    "WHERE run_id = (SELECT run_id FROM jobs WHERE ") + Claimable("?2") +
        " ORDER BY created_millis, run_id LIMIT 1" + dialect().SkipLocked() + ") RETURNING " + kJobColumns));
    s->Bind(1, owner).Bind(2, now_millis).Bind(3, lease_until_millis);
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::Ok();
    AGORA_ASSIGN_OR_RETURN(PublicationJob job, LoadJob(c, *s));
    claimed = std::move(job);
    return s->Run();
  }));
  return claimed;
}

Status SqlMetadataStore::RenewJobLease(const std::string& run_id, const std::string& owner, int64_t lease_until_millis) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "UPDATE jobs SET lease_until_millis = ? WHERE run_id = ? AND owner = ? AND status = 'running'"));
    AGORA_RETURN_IF_ERROR(s->Bind(1, lease_until_millis).Bind(2, run_id).Bind(3, owner).Run());
    return s->Changes() == 0 ? LeaseLost(run_id) : Status::Ok();
  });
}

Status SqlMetadataStore::UpdateClaimedJob(const PublicationJob& j, const std::string& owner) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "UPDATE jobs SET status = ?, asset_type = ?, steps_json = ?, updated_millis = ? "
        "WHERE run_id = ? AND owner = ? AND status = 'running'"));
    AGORA_RETURN_IF_ERROR(s->Bind(1, j.status).Bind(2, j.asset_type).Bind(3, j.steps_json).Bind(4, j.updated_millis)
                              .Bind(5, j.run_id).Bind(6, owner).Run());
    if (s->Changes() == 0) return LeaseLost(j.run_id);
    return ReplaceJobBlobs(c, j);
  });
}

Status SqlMetadataStore::ReleaseJobLeases() {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("UPDATE jobs SET lease_until_millis = 0 WHERE status = 'running'"));
    return s->Run();
  });
}

}  // namespace agora::storage
