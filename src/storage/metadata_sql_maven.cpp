// Maven deploys in the SQL backends (see metadata_store_sql.h): the files a deploy uploaded,
// staged until its version is complete, the build each snapshot version was last deployed as, and
// the named locks that serialise one deploy's uploads.
#include "storage/metadata_store_sql.h"

namespace agora::storage {

using Statement = std::unique_ptr<SqlStatement>;

namespace {

const char* const kStagedColumns =
    "group_id, asset_id, version, build, classifier, extension, organization_id, sha256, md5, sha1, size, staged_by, "
    "staged_millis";
const char* const kStagedKey = "group_id = ? AND asset_id = ? AND version = ? AND build = ?";

Result<StagedFile> LoadStagedFile(SqlStatement& r) {
  return StagedFile{r.Text(6), {r.Text(0), r.Text(1), r.Text(2)}, r.Text(3), r.Text(4), r.Text(5), r.Text(7),
                    r.Text(8), r.Text(9), static_cast<uint64_t>(r.Int(10)), r.Text(11), r.Int(12)};
}

// Binds the coordinates and build to kStagedKey's parameters, the first one at 1.
SqlStatement& BindKey(SqlStatement& s, const assets::Coordinates& c, const std::string& build) {
  return s.Bind(1, c.group_id).Bind(2, c.asset_id).Bind(3, c.version).Bind(4, build);
}

class StripeLock : public MetadataStore::HeldLock {
 public:
  explicit StripeLock(std::mutex& mutex) : lock_(mutex) {}

 private:
  std::lock_guard<std::mutex> lock_;
};

}  // namespace

uint32_t SqlMetadataStore::NameHash(const std::string& name) {
  uint32_t hash = 2166136261u;
  for (unsigned char ch : name) hash = (hash ^ ch) * 16777619u;
  return hash;
}

Result<std::unique_ptr<MetadataStore::HeldLock>> SqlMetadataStore::LockName(const std::string& name) {
  return std::unique_ptr<HeldLock>(std::make_unique<StripeLock>(name_locks_[NameHash(name) % name_locks_.size()]));
}

Result<std::string> SqlMetadataStore::PutStagedFile(const StagedFile& f) {
  std::string replaced;
  AGORA_RETURN_IF_ERROR(Write([&](SqlConnection& c) -> Status {
    replaced.clear();  // a body may run more than once
    AGORA_ASSIGN_OR_RETURN(Statement old, c.Prepare(std::string("SELECT sha256 FROM maven_staged_files WHERE ") +
                                                    kStagedKey + " AND classifier = ? AND extension = ?"));
    BindKey(*old, f.coordinates, f.build).Bind(5, f.classifier).Bind(6, f.extension);
    AGORA_ASSIGN_OR_RETURN(bool row, old->Step());
    if (row) replaced = old->Text(0);
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        std::string("INSERT INTO maven_staged_files (") + kStagedColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (group_id, asset_id, version, build, classifier, extension) DO UPDATE SET "
        "organization_id = excluded.organization_id, sha256 = excluded.sha256, md5 = excluded.md5, sha1 = excluded.sha1, "
        "size = excluded.size, staged_by = excluded.staged_by, staged_millis = excluded.staged_millis"));
    return BindKey(*s, f.coordinates, f.build)
        .Bind(5, f.classifier).Bind(6, f.extension).Bind(7, f.organization_id).Bind(8, f.sha256).Bind(9, f.md5)
        .Bind(10, f.sha1).Bind(11, static_cast<int64_t>(f.size)).Bind(12, f.staged_by).Bind(13, f.staged_millis).Run();
  }));
  return replaced;
}

Result<std::vector<StagedFile>> SqlMetadataStore::ListStagedFiles(const std::string& group_id,
                                                                  const std::string& asset_id) {
  return Read<std::vector<StagedFile>>([&](SqlConnection& c) -> Result<std::vector<StagedFile>> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("SELECT ") + kStagedColumns +
                                                  " FROM maven_staged_files WHERE group_id = ? AND asset_id = ? "
                                                  "ORDER BY version, build, classifier, extension"));
    s->Bind(1, group_id).Bind(2, asset_id);
    return s->Collect<StagedFile>(LoadStagedFile);
  });
}

Status SqlMetadataStore::DeleteStagedFiles(const assets::Coordinates& coordinates, const std::string& build,
                                           const std::optional<std::pair<std::string, std::string>>& file) {
  return Write([&](SqlConnection& c) -> Status {
    std::string sql = std::string("DELETE FROM maven_staged_files WHERE ") + kStagedKey;
    if (file) sql += " AND classifier = ? AND extension = ?";
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(sql));
    BindKey(*s, coordinates, build);
    if (file) s->Bind(5, file->first).Bind(6, file->second);
    return s->Run();
  });
}

Result<std::vector<StagedFile>> SqlMetadataStore::ListStagedFilesBefore(int64_t millis) {
  return Read<std::vector<StagedFile>>([&](SqlConnection& c) -> Result<std::vector<StagedFile>> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        std::string("SELECT ") + kStagedColumns + " FROM maven_staged_files JOIN (SELECT group_id, asset_id, version, "
        "build FROM maven_staged_files GROUP BY group_id, asset_id, version, build HAVING MAX(staged_millis) < ?) stale "
        "USING (group_id, asset_id, version, build) ORDER BY group_id, asset_id, version, build"));
    s->Bind(1, millis);
    return s->Collect<StagedFile>(LoadStagedFile);
  });
}

Result<std::optional<SnapshotBuildRecord>> SqlMetadataStore::GetSnapshotBuild(const assets::Coordinates& c) {
  return Read<std::optional<SnapshotBuildRecord>>([&](SqlConnection& conn) -> Result<std::optional<SnapshotBuildRecord>> {
    AGORA_ASSIGN_OR_RETURN(Statement s, conn.Prepare(
        "SELECT timestamp, build_number, updated_millis FROM maven_snapshot_builds WHERE group_id = ? AND asset_id = ? "
        "AND version = ?"));
    s->Bind(1, c.group_id).Bind(2, c.asset_id).Bind(3, c.version);
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<SnapshotBuildRecord>();
    return std::optional<SnapshotBuildRecord>(
        SnapshotBuildRecord{s->Text(0), static_cast<uint32_t>(s->Int(1)), s->Int(2)});
  });
}

Status SqlMetadataStore::PutSnapshotBuild(const assets::Coordinates& c, const SnapshotBuildRecord& b) {
  return Write([&](SqlConnection& conn) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement s, conn.Prepare(
        "INSERT INTO maven_snapshot_builds (group_id, asset_id, version, timestamp, build_number, updated_millis) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, asset_id, version) DO UPDATE SET "
        "timestamp = excluded.timestamp, build_number = excluded.build_number, updated_millis = excluded.updated_millis"));
    return s->Bind(1, c.group_id).Bind(2, c.asset_id).Bind(3, c.version).Bind(4, b.timestamp)
        .Bind(5, int64_t{b.build_number}).Bind(6, b.updated_millis).Run();
  });
}

}  // namespace agora::storage
