// DataDir opens the embedded backends under one data directory: DIR/agora.db (SQLite metadata)
// and DIR/blobs (content-addressed blob store). Both `serve` and `admin` use it.
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

  static Result<DataDir> Open(const std::string& path);
};

}  // namespace agora::cli
