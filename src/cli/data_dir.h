// DataDir opens the stores of one installation: DIR/agora.db (SQLite metadata) and, by default,
// DIR/blobs (the content-addressed file store); with a blob store URL (s3://BUCKET?...), the
// blobs are in S3 and DIR holds only that store's scratch files and cache (DIR/s3-local). Both
// `serve` and `admin` use it.
//
// Thread safety: the opened stores are thread-safe; DataDir itself is built once.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "storage/blob_store.h"
#include "storage/metadata_store.h"

namespace agora::cli {

struct DataDir {
  std::string path;
  std::unique_ptr<storage::MetadataStore> metadata;
  std::unique_ptr<storage::BlobStore> blobs;

  // `blobs_url`: empty for the embedded file store, or s3://... (storage::ParseS3BlobStoreUrl).
  static Result<DataDir> Open(const std::string& path, const std::string& blobs_url = "");
};

}  // namespace agora::cli
