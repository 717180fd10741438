// Usage figures in the SQL backends (see metadata_store_sql.h): download counts per version and
// day, added in batches, and the dependents of each version.
#include "storage/metadata_store_sql.h"

namespace agora::storage {

using Statement = std::unique_ptr<SqlStatement>;

Status SqlMetadataStore::AddDownloads(const std::vector<DownloadCount>& counts) {
  return Write([&](SqlConnection& c) -> Status {
    for (const auto& count : counts) {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          "INSERT INTO version_downloads (version_id, day, downloads) "
          "SELECT id, ?, ? FROM versions WHERE group_id = ? AND asset_id = ? AND version = ? "
          "ON CONFLICT (version_id, day) DO UPDATE SET downloads = version_downloads.downloads + excluded.downloads"));
      AGORA_RETURN_IF_ERROR(s->Bind(1, count.day).Bind(2, count.downloads).Bind(3, count.coordinates.group_id)
                                .Bind(4, count.coordinates.asset_id).Bind(5, count.coordinates.version).Run());
    }
    return Status::Ok();
  });
}

Result<std::vector<VersionUsage>> SqlMetadataStore::GetUsage(const std::string& group_id, const std::string& asset_id,
                                                             int64_t since_day) {
  return Read<std::vector<VersionUsage>>([&](SqlConnection& c) -> Result<std::vector<VersionUsage>> {
    // Days since the epoch times a day's milliseconds: when `since_day` began, for created_millis.
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "SELECT v.version, "
        "(SELECT COALESCE(SUM(d.downloads), 0) FROM version_downloads d WHERE d.version_id = v.id), "
        "(SELECT COALESCE(SUM(d.downloads), 0) FROM version_downloads d WHERE d.version_id = v.id AND d.day >= ?1), "
        "(SELECT COUNT(*) FROM version_dependencies p WHERE p.group_id = v.group_id AND p.asset_id = v.asset_id "
        "AND p.version = v.version), "
        "(SELECT COUNT(*) FROM version_dependencies p JOIN versions w ON w.id = p.version_id "
        "WHERE p.group_id = v.group_id AND p.asset_id = v.asset_id AND p.version = v.version "
        "AND w.created_millis >= ?1 * 86400000) "
        "FROM versions v WHERE v.group_id = ?2 AND v.asset_id = ?3 ORDER BY v.version_key DESC"));
    s->Bind(1, since_day).Bind(2, group_id).Bind(3, asset_id);
    return s->Collect<VersionUsage>([](SqlStatement& r) -> Result<VersionUsage> {
      return VersionUsage{r.Text(0), r.Int(1), r.Int(2), r.Int(3), r.Int(4)};
    });
  });
}

}  // namespace agora::storage
