// DataDir opens the stores of one agora server, `serve` and `admin` alike. By default everything
// lives under one data directory: DIR/agora.db (SQLite metadata) and DIR/blobs (the
// content-addressed blob store). With a postgresql:// URL the metadata lives in PostgreSQL,
// shared by every server given the same URL (several servers behind a balancer), and --blobs
// names the blob store they share: a directory on a file system they all mount, or an s3:// URL
// (storage::ParseS3BlobStoreUrl; DIR then holds only this server's scratch files and cache,
// DIR/s3-local).
//
// The PostgreSQL password never appears on the command line: it comes from PGPASSWORD, ~/.pgpass
// (as libpq reads them) or --metadata-password-file; a URL holding one is refused.
//
// Thread safety: the opened stores are thread-safe; DataDir itself is built once.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "storage/blob_store.h"
#include "storage/metadata_store.h"

namespace boost::program_options {
class options_description;
class variables_map;
}  // namespace boost::program_options

namespace agora::cli {

// Where a server's data lives.
struct StorageLocation {
  StorageLocation(std::string dir = "./agora-data") : data_dir(std::move(dir)) {}  // NOLINT: a directory is a location
  std::string data_dir;
  std::string metadata;                // postgresql://USER@HOST:PORT/DATABASE; empty: DIR/agora.db
  std::string metadata_password_file;  // the PostgreSQL password's file (its first line)
  std::string blobs;                   // a shared blob directory or s3://...; empty: DIR/blobs

  // Whether several servers may share these stores (the metadata is in PostgreSQL).
  bool shared() const { return !metadata.empty(); }
};

// --data, --metadata, --metadata-password-file and --blobs.
void AddStorageOptions(boost::program_options::options_description& options);
StorageLocation StorageFromOptions(const boost::program_options::variables_map& vm);

// InvalidArgument (USAGE) unless `url` is a postgresql:// (or postgres://) URL without a password.
Status CheckMetadataUrl(const std::string& url);
// The PostgreSQL password from --metadata-password-file's FILE (its first line); empty for no file,
// when libpq finds it in PGPASSWORD or ~/.pgpass. InvalidArgument (USAGE) if FILE cannot be read.
Result<std::string> ReadMetadataPassword(const std::string& file);

struct DataDir {
  std::string path;
  bool shared = false;        // see StorageLocation::shared
  bool shared_blobs = false;  // other servers write to the blob store too (--blobs)
  std::unique_ptr<storage::MetadataStore> metadata;
  std::unique_ptr<storage::BlobStore> blobs;

  // `serving`: for a server, which follows other servers' writes; otherwise for one command.
  static Result<DataDir> Open(const StorageLocation& location, bool serving = true);
};

}  // namespace agora::cli
