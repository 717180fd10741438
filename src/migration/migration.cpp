#include "migration/migration.h"

#include <algorithm>

namespace agora::migration {

bool Verification::ok() const { return Problems().empty(); }

std::vector<std::string> Verification::Problems() const {
  std::vector<std::string> problems;
  for (const auto& table : tables) {
    if (table.same) continue;
    problems.push_back("table " + table.table + ": " + std::to_string(table.source_rows) + " rows in the source, " +
                       std::to_string(table.target_rows) + " in the target" +
                       (table.source_rows == table.target_rows ? ", with different contents" : ""));
  }
  for (const auto& sha256 : bad_blobs) problems.push_back("blob " + sha256 + ": missing or damaged in the target");
  if (!integrity.ok()) problems.push_back("integrity check: " + integrity.message());
  return problems;
}

Result<MigrationReport> Migrate(Installation from, Installation to, const BlobProgress& progress) {
  AGORA_ASSIGN_OR_RETURN(auto tables, storage::CompareMetadata(from.metadata, to.metadata));
  const bool copied_before = std::all_of(tables.begin(), tables.end(), [](const auto& t) { return t.same; });
  const auto other = std::find_if(tables.begin(), tables.end(), [](const auto& t) { return t.target_rows != 0; });
  if (!copied_before && other != tables.end())
    return Status::Conflict("TARGET_NOT_EMPTY",
                            "the target already holds other metadata than the source's (" +
                                std::to_string(other->target_rows) + " rows in " + other->table +
                                "): migrate only into an empty database, or into the target of an interrupted run");
  // A blob scratch file that a killed run left behind.
  AGORA_RETURN_IF_ERROR(to.blobs.CleanScratch());
  MigrationReport report;
  AGORA_ASSIGN_OR_RETURN(auto referenced, from.metadata.ReferencedBlobs());
  report.blobs = referenced.size();
  AGORA_ASSIGN_OR_RETURN(report.blob_copy, CopyBlobs(from.blobs, to.blobs, referenced, progress));
  if (!copied_before) {
    AGORA_RETURN_IF_ERROR(storage::CopyMetadata(from.metadata, to.metadata));
    report.metadata_copied = true;
  }
  return report;
}

Result<Verification> Verify(Installation from, Installation to) {
  Verification verification;
  AGORA_ASSIGN_OR_RETURN(verification.tables, storage::CompareMetadata(from.metadata, to.metadata));
  AGORA_ASSIGN_OR_RETURN(auto referenced, to.metadata.ReferencedBlobs());
  verification.blobs_checked = referenced.size();
  AGORA_ASSIGN_OR_RETURN(verification.bad_blobs, VerifyBlobs(to.blobs, referenced));
  verification.integrity = to.metadata.CheckIntegrity();
  return verification;
}

}  // namespace agora::migration
