// `agora migrate`: copies an installation into another, between the embedded stores (a data
// directory: SQLite and files) and the shared ones (PostgreSQL and S3), in any direction, then
// verifies the copy (migration/migration.h). Each side is a data directory, a postgresql:// URL,
// an s3:// URL, or a data directory with either URL in place of its own store.
//
// Consistency of a live source: an embedded source is read from a SQLite snapshot (as `agora
// backup` does), so its server may keep running; a blob it reclaims meanwhile fails the run, which
// is then run again. A PostgreSQL source is read in one transaction, but its blobs after it:
// migrate from a cluster only while it takes no writes.
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/command.h"
#include "cli/data_dir.h"
#include "migration/migration.h"
#include "storage/blob_store_s3.h"
#include "storage/env.h"
#include "storage/sqlite_snapshot.h"

namespace agora::cli {
namespace {

namespace fs = std::filesystem;

// One side of a migration, as given on the command line.
struct Location {
  std::string dir;           // a data directory (DIR/agora.db, DIR/blobs, DIR/s3-local)
  std::string postgres_url;  // instead of DIR/agora.db
  std::string s3_url;        // instead of DIR/blobs

  std::string Describe() const {
    std::string metadata = postgres_url.empty() ? dir + "/agora.db" : "PostgreSQL";
    std::string blobs = s3_url.empty() ? dir + "/blobs" : "S3";
    return metadata + " and " + blobs;
  }
};

bool StartsWith(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

Result<Location> ParseLocation(const std::vector<std::string>& values, const char* option) {
  Location location;
  for (const auto& value : values) {
    std::string* slot = StartsWith(value, "postgresql://") || StartsWith(value, "postgres://") ? &location.postgres_url
                        : StartsWith(value, "s3://")                                          ? &location.s3_url
                                                                                               : &location.dir;
    if (!slot->empty() || value.empty())
      return Status::InvalidArgument("USAGE", std::string("--") + option +
                                                  " takes one data directory, PostgreSQL URL or S3 URL of each kind");
    *slot = value;
  }
  if (!location.postgres_url.empty()) AGORA_RETURN_IF_ERROR(CheckMetadataUrl(location.postgres_url));
  if (location.dir.empty() && (location.postgres_url.empty() || location.s3_url.empty()))
    return Status::InvalidArgument("USAGE", std::string("--") + option +
                                                " needs a data directory, or both a postgresql:// and an s3:// URL");
  return location;
}

// A directory that goes away with this object (the source's snapshot, S3 scratch files).
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "agora-migrate-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The opened stores of one side.
struct Opened {
  std::unique_ptr<storage::MetadataStore> metadata;
  std::unique_ptr<storage::BlobStore> blobs;
  migration::Installation installation() { return {*metadata, *blobs}; }
};

Result<Opened> Open(const Location& location, bool source, const ScratchDir& scratch,
                    const std::string& postgres_password) {
  if (scratch.path().empty()) return Status::IOError("cannot create a scratch directory in the temporary directory");
  storage::Env* env = storage::Env::Default();
  Opened opened;
  if (!location.postgres_url.empty()) {
    AGORA_ASSIGN_OR_RETURN(opened.metadata,
                           storage::OpenPostgresMetadataStore(
                               location.postgres_url, {.connections = 2, .password = postgres_password, .listen = false}));
  } else if (source) {
    if (!fs::exists(location.dir + "/agora.db"))
      return Status::NotFound(location.dir + " holds no agora data directory (no agora.db)");
    const std::string snapshot = scratch.path() + "/source.db";
    AGORA_RETURN_IF_ERROR(storage::SnapshotSqliteDatabase(location.dir + "/agora.db", snapshot));
    AGORA_ASSIGN_OR_RETURN(opened.metadata, storage::OpenSqliteMetadataStore(snapshot));
  } else {
    AGORA_RETURN_IF_ERROR(env->CreateDirs(location.dir));
    AGORA_ASSIGN_OR_RETURN(opened.metadata, storage::OpenSqliteMetadataStore(location.dir + "/agora.db"));
  }
  if (!location.s3_url.empty()) {
    AGORA_ASSIGN_OR_RETURN(storage::S3BlobStoreOptions options, storage::ParseS3BlobStoreUrl(location.s3_url));
    options.local_dir = location.dir.empty() ? scratch.path() + "/s3-local" : location.dir + "/s3-local";
    AGORA_ASSIGN_OR_RETURN(opened.blobs, storage::OpenS3BlobStore(env, std::move(options)));
  } else {
    if (source && !fs::is_directory(location.dir + "/blobs"))
      return Status::NotFound(location.dir + " holds no blob directory (no blobs/)");
    AGORA_ASSIGN_OR_RETURN(opened.blobs, storage::OpenFileBlobStore(env, location.dir + "/blobs"));
  }
  return opened;
}

// Progress for people watching (and for tests that interrupt a run): a line every 100 blobs.
migration::BlobProgress PrintProgress(uint64_t total) {
  return [total, done = uint64_t{0}, copied = uint64_t{0}](const std::string&, bool was_copied) mutable {
    ++done;
    copied += was_copied;
    if (done % 100 == 0 || done == total)
      std::cout << "blobs: " << done << " of " << total << " (" << copied << " copied by this run)" << std::endl;
  };
}

int Fail(const Status& status) {
  std::cerr << "agora migrate: " << status.message() << "\n";
  return status.kind() == Status::Kind::kInvalidArgument && status.code() == "USAGE" ? 2 : 1;
}

int Report(const migration::Verification& verification) {
  uint64_t rows = 0;
  for (const auto& table : verification.tables) rows += table.target_rows;
  if (!verification.ok()) {
    std::cerr << "agora migrate: the verification failed:\n";
    for (const auto& problem : verification.Problems()) std::cerr << "  " << problem << "\n";
    return 1;
  }
  std::cout << "verified: " << verification.tables.size() << " tables, " << rows
            << " rows equal to the source's; " << verification.blobs_checked
            << " blobs read back with their SHA-256; integrity check ok" << std::endl;
  return 0;
}

int RunMigrate(const po::variables_map& vm) {
  auto from = ParseLocation(vm["from"].as<std::vector<std::string>>(), "from");
  if (!from.ok()) return Fail(from.status());
  auto to = ParseLocation(vm["to"].as<std::vector<std::string>>(), "to");
  if (!to.ok()) return Fail(to.status());
  const std::string password_file = vm["metadata-password-file"].as<std::string>();
  if (!password_file.empty() && from->postgres_url.empty() && to->postgres_url.empty())
    return Fail(Status::InvalidArgument("USAGE", "--metadata-password-file goes with a postgresql:// URL"));
  auto password = ReadMetadataPassword(password_file);
  if (!password.ok()) return Fail(password.status());
  ScratchDir scratch;
  auto source = Open(*from, /*source=*/true, scratch, *password);
  if (!source.ok()) return Fail(source.status());
  auto target = Open(*to, /*source=*/false, scratch, *password);
  if (!target.ok()) return Fail(target.status());
  if (!vm["verify-only"].as<bool>()) {
    std::cout << "migrating " << from->Describe() << " to " << to->Describe() << std::endl;
    auto blobs = source->metadata->ReferencedBlobs();
    if (!blobs.ok()) return Fail(blobs.status());
    auto report = migration::Migrate(source->installation(), target->installation(), PrintProgress(blobs->size()));
    if (!report.ok()) return Fail(report.status());
    std::cout << "copied " << report->blob_copy.copied << " blobs (" << report->blob_copy.bytes << " bytes), "
              << report->blob_copy.skipped << " already there; metadata "
              << (report->metadata_copied ? "copied" : "already copied by an earlier run") << std::endl;
  }
  auto verification = migration::Verify(source->installation(), target->installation());
  if (!verification.ok()) return Fail(verification.status());
  return Report(*verification);
}

}  // namespace

std::vector<Command> MigrateCommands() {
  return {{"migrate", "copies an installation to PostgreSQL and S3 (or back), resumably, and verifies the copy",
           "FROM and TO are each a data directory, or a postgresql:// URL and an s3:// URL (a data\n"
           "directory may also be given with one of them, which then replaces its own store). Blobs are\n"
           "copied first, each checked by its SHA-256, then the metadata in one transaction; an\n"
           "interrupted run is resumed by running the same command again. The target must be empty (or\n"
           "the target of an interrupted run). The end verifies every table row by row and reads back\n"
           "every blob. PostgreSQL's password comes from PGPASSWORD, ~/.pgpass or --metadata-password-file,\n"
           "S3 credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or ~/.aws/credentials, never\n"
           "the command line.",
           [](po::options_description& o) {
             o.add_options()("from", po::value<std::vector<std::string>>()->multitoken()->required()->value_name("FROM"),
                             "the installation to copy: DIR, or postgresql://... s3://...")(
                 "to", po::value<std::vector<std::string>>()->multitoken()->required()->value_name("TO"),
                 "the installation to create: DIR, or postgresql://... s3://...")(
                 "metadata-password-file", po::value<std::string>()->value_name("FILE")->default_value(""),
                 "the PostgreSQL password, on FILE's first line (instead of PGPASSWORD or ~/.pgpass)")(
                 "verify-only", po::bool_switch(), "copy nothing; only compare the target with the source");
           },
           {},
           {"AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... PGPASSWORD=... agora migrate --from ./agora-data "
            "--to postgresql://agora@db.example.com/agora 's3://agora-blobs?endpoint=https://s3.example.com&region=eu-west-1'",
            "agora migrate --from postgresql://agora@db.example.com/agora 's3://agora-blobs?region=eu-west-1' "
            "--to ./agora-data"},
           RunMigrate}};
}

}  // namespace agora::cli
