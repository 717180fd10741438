// `agora backup` and `agora restore`: a copy of an embedded installation (the SQLite metadata and
// every blob it references) taken while a server runs on it, and its restoration into an empty
// data directory. The backup folder mirrors the data directory's layout (agora.db, blobs/) plus
// backup.json, so a later backup into the same folder copies only the blobs it lacks.
//
// Consistency: the metadata is one SQLite snapshot; the blobs copied are exactly those it
// references. A blob the running server reclaims between the snapshot and its copy (its version
// was deleted meanwhile) makes the backup start over from a newer snapshot. Every blob is verified
// by its SHA-256 as it is written, on backup and on restore.
#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "cli/command.h"
#include "cli/data_dir.h"
#include "common/ids.h"
#include "migration/blob_migration.h"
#include "storage/env.h"
#include "storage/sqlite_snapshot.h"

namespace agora::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kSnapshotAttempts = 5;
constexpr const char* kManifest = "backup.json";

struct CopyTally {
  uint64_t blobs = 0, copied = 0, bytes_copied = 0, already_there = 0;
};

// Copies every blob `metadata` references from `from` into `to`, checking each copy's SHA-256.
// NotFound when the source lacks one.
Status CopyReferencedBlobs(storage::MetadataStore& metadata, storage::BlobStore& from, storage::BlobStore& to,
                           CopyTally& tally) {
  AGORA_ASSIGN_OR_RETURN(auto referenced, metadata.ReferencedBlobs());
  AGORA_ASSIGN_OR_RETURN(migration::BlobCopyReport report, migration::CopyBlobs(from, to, referenced));
  tally = {referenced.size(), report.copied, report.bytes, report.skipped};
  return Status::Ok();
}

Result<std::unique_ptr<storage::BlobStore>> OpenBlobs(const std::string& folder) {
  return storage::OpenFileBlobStore(storage::Env::Default(), folder + "/blobs");
}

// Blobs of earlier backups that the new snapshot no longer references.
Result<uint64_t> PruneUnreferenced(storage::MetadataStore& metadata, storage::BlobStore& blobs) {
  AGORA_ASSIGN_OR_RETURN(auto referenced, metadata.ReferencedBlobs());
  const std::set<std::string> keep(referenced.begin(), referenced.end());
  AGORA_ASSIGN_OR_RETURN(auto stored, blobs.List());
  uint64_t pruned = 0;
  for (const auto& sha256 : stored) {
    if (keep.count(sha256)) continue;
    AGORA_RETURN_IF_ERROR(blobs.Remove(sha256));
    ++pruned;
  }
  return pruned;
}

Status WriteManifest(const std::string& folder, const std::string& data_dir, const CopyTally& tally) {
  const boost::json::object manifest{{"format", "agora-backup-1"},
                                     {"createdAt", FormatIsoMillis(NowMillis())},
                                     {"source", fs::absolute(data_dir).string()},
                                     {"schemaVersion", storage::SqliteSchemaVersion()},
                                     {"blobs", tally.blobs}};
  const std::string partial = folder + "/" + kManifest + ".partial";
  std::ofstream(partial) << boost::json::serialize(manifest) << "\n";
  std::error_code error;
  fs::rename(partial, folder + "/" + kManifest, error);
  return error ? Status::IOError("cannot write " + folder + "/" + kManifest + ": " + error.message()) : Status::Ok();
}

int Fail(const char* command, const Status& status) {
  std::cerr << "agora " << command << ": " << status.message() << "\n";
  return 1;
}

Status Backup(const std::string& data_dir, const std::string& folder, CopyTally& tally, uint64_t& pruned) {
  if (!fs::exists(data_dir + "/agora.db")) return Status::NotFound(data_dir + " holds no agora data directory");
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) return Status::IOError("cannot create " + folder + ": " + error.message());
  AGORA_ASSIGN_OR_RETURN(DataDir live, DataDir::Open(data_dir));
  AGORA_ASSIGN_OR_RETURN(auto target_blobs, OpenBlobs(folder));
  const std::string snapshot = folder + "/agora.db.snapshot";
  for (int attempt = 1;; ++attempt) {
    tally = {};
    AGORA_RETURN_IF_ERROR(storage::SnapshotSqliteDatabase(data_dir + "/agora.db", snapshot));
    Status copied;
    {
      AGORA_ASSIGN_OR_RETURN(auto metadata, storage::OpenSqliteMetadataStore(snapshot));
      copied = CopyReferencedBlobs(*metadata, *live.blobs, *target_blobs, tally);
      if (copied.ok()) {
        AGORA_ASSIGN_OR_RETURN(pruned, PruneUnreferenced(*metadata, *target_blobs));
      }
    }
    if (copied.kind() == Status::Kind::kNotFound && attempt < kSnapshotAttempts) continue;  // reclaimed meanwhile
    AGORA_RETURN_IF_ERROR(copied);
    for (const char* leftover : {"-wal", "-shm"}) fs::remove(snapshot + leftover, error);
    fs::rename(snapshot, folder + "/agora.db", error);
    if (error) return Status::IOError("cannot move the snapshot into place: " + error.message());
    return WriteManifest(folder, data_dir, tally);
  }
}

int RunBackup(const po::variables_map& vm) {
  const std::string data_dir = vm["data"].as<std::string>(), folder = vm["to"].as<std::string>();
  CopyTally tally;
  uint64_t pruned = 0;
  if (Status status = Backup(data_dir, folder, tally, pruned); !status.ok()) return Fail("backup", status);
  std::cout << "backed up " << data_dir << " to " << folder << ": " << tally.blobs << " blobs, " << tally.copied
            << " copied (" << tally.bytes_copied << " bytes), " << tally.already_there << " already there, " << pruned
            << " no longer referenced removed; every copy verified by SHA-256" << std::endl;
  return 0;
}

Status Restore(const std::string& folder, const std::string& data_dir, CopyTally& tally) {
  if (!fs::exists(folder + "/" + kManifest) || !fs::exists(folder + "/agora.db"))
    return Status::NotFound(folder + " holds no complete agora backup (no " + kManifest + " or agora.db)");
  std::error_code error;
  if (fs::exists(data_dir) && !fs::is_empty(data_dir, error))
    return Status::InvalidArgument("USAGE", data_dir + " is not empty: restore only into a new data directory");
  fs::create_directories(data_dir, error);
  if (error) return Status::IOError("cannot create " + data_dir + ": " + error.message());
  AGORA_RETURN_IF_ERROR(storage::SnapshotSqliteDatabase(folder + "/agora.db", data_dir + "/agora.db"));
  AGORA_ASSIGN_OR_RETURN(DataDir restored, DataDir::Open(data_dir));
  AGORA_ASSIGN_OR_RETURN(auto backup_blobs, OpenBlobs(folder));
  Status copied = CopyReferencedBlobs(*restored.metadata, *backup_blobs, *restored.blobs, tally);
  if (copied.kind() == Status::Kind::kNotFound)
    return Status::Corruption("the backup is incomplete: " + copied.message());
  AGORA_RETURN_IF_ERROR(copied);
  return restored.metadata->CheckIntegrity();
}

int RunRestore(const po::variables_map& vm) {
  const std::string folder = vm["from"].as<std::string>(), data_dir = vm["data"].as<std::string>();
  CopyTally tally;
  if (Status status = Restore(folder, data_dir, tally); !status.ok()) return Fail("restore", status);
  std::cout << "restored " << folder << " into " << data_dir << ": " << tally.blobs << " blobs (" << tally.bytes_copied
            << " bytes), every blob verified by SHA-256, integrity check ok" << std::endl;
  return 0;
}

}  // namespace

std::vector<Command> BackupCommands() {
  return {{"backup", "copies an embedded data directory, while its server runs, into a backup folder",
           "The metadata is one consistent SQLite snapshot; every blob it references is copied and\n"
           "verified by its SHA-256. A later backup into the same folder copies only new blobs and\n"
           "removes those no longer referenced. On PostgreSQL and S3, use their own tools (README).",
           [](po::options_description& o) {
             o.add_options()("data", po::value<std::string>()->value_name("DIR")->default_value("./agora-data"),
                             "the data directory to back up")(
                 "to", po::value<std::string>()->value_name("FOLDER")->required(), "the backup folder");
           },
           {},
           {"agora backup --data ./agora-data --to /backups/agora"},
           RunBackup},
          {"restore", "restores a backup folder into a new, empty data directory",
           "Every blob is verified by its SHA-256 and the database by an integrity check before the\n"
           "restored directory is ready for `agora serve`.",
           [](po::options_description& o) {
             o.add_options()("from", po::value<std::string>()->value_name("FOLDER")->required(), "the backup folder")(
                 "data", po::value<std::string>()->value_name("DIR")->required(), "the new data directory");
           },
           {},
           {"agora restore --from /backups/agora --data ./agora-data-restored"},
           RunRestore}};
}

}  // namespace agora::cli
