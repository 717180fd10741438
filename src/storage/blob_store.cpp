#include "storage/blob_store.h"

namespace agora::storage {

Result<std::string> ReadBlob(BlobStore& blobs, const std::string& sha256, uint64_t limit) {
  AGORA_ASSIGN_OR_RETURN(auto file, blobs.Open(sha256));
  std::string content;
  char buffer[64 * 1024];
  while (true) {
    AGORA_ASSIGN_OR_RETURN(size_t n, file->Read(buffer, sizeof buffer));
    if (n == 0) return content;
    if (content.size() + n > limit)
      return Status::PayloadTooLarge("The stored file is larger than " + std::to_string(limit) + " bytes");
    content.append(buffer, n);
  }
}

}  // namespace agora::storage
