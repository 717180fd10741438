#include "cli/data_dir.h"

#include "storage/env.h"

namespace agora::cli {

Result<DataDir> DataDir::Open(const std::string& path) {
  DataDir dir;
  dir.path = path;
  storage::Env* env = storage::Env::Default();
  AGORA_RETURN_IF_ERROR(env->CreateDirs(path));
  AGORA_ASSIGN_OR_RETURN(dir.metadata, storage::OpenSqliteMetadataStore(path + "/agora.db"));
  AGORA_ASSIGN_OR_RETURN(dir.blobs, storage::OpenFileBlobStore(env, path + "/blobs"));
  return dir;
}

}  // namespace agora::cli
