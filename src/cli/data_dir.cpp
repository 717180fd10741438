#include "cli/data_dir.h"

#include "storage/blob_store_s3.h"
#include "storage/env.h"

namespace agora::cli {

Result<DataDir> DataDir::Open(const std::string& path, const std::string& blobs_url) {
  DataDir dir;
  dir.path = path;
  storage::Env* env = storage::Env::Default();
  AGORA_RETURN_IF_ERROR(env->CreateDirs(path));
  if (blobs_url.empty()) {
    AGORA_ASSIGN_OR_RETURN(dir.blobs, storage::OpenFileBlobStore(env, path + "/blobs"));
  } else {
    AGORA_ASSIGN_OR_RETURN(storage::S3BlobStoreOptions options, storage::ParseS3BlobStoreUrl(blobs_url));
    options.local_dir = path + "/s3-local";
    AGORA_ASSIGN_OR_RETURN(dir.blobs, storage::OpenS3BlobStore(env, std::move(options)));
  }
  AGORA_ASSIGN_OR_RETURN(dir.metadata, storage::OpenSqliteMetadataStore(path + "/agora.db"));
  return dir;
}

}  // namespace agora::cli
