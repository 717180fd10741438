#include "maven/checksums.h"

#include <vector>

namespace agora::maven {

Result<std::string> Checksums::Of(const storage::BlobInfo& info, DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kMd5: return info.md5;
    case DigestAlgorithm::kSha1: return info.sha1;
    case DigestAlgorithm::kSha256: return info.sha256;
    case DigestAlgorithm::kSha512: return Sha512(info.sha256);
  }
  return Status::Internal("unknown digest algorithm");
}

Result<std::string> Checksums::Sha512(const std::string& sha256) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = sha512_.find(sha256); it != sha512_.end()) return it->second;
  }
  // Computed without the lock: two first requests for one large file may both compute it.
  AGORA_ASSIGN_OR_RETURN(auto file, blobs_.Open(sha256));
  Hasher hasher(DigestAlgorithm::kSha512);
  std::vector<char> buffer(1 << 20);
  while (true) {
    AGORA_ASSIGN_OR_RETURN(size_t n, file->Read(buffer.data(), buffer.size()));
    if (n == 0) break;
    hasher.Update(buffer.data(), n);
  }
  std::string digest = hasher.Finish();
  std::lock_guard lock(mutex_);
  if (sha512_.emplace(sha256, digest).second) {
    order_.push_back(sha256);
    if (order_.size() > kMaxRemembered) {
      for (size_t i = 0; i < kMaxRemembered / 2; ++i) {
        sha512_.erase(order_.front());
        order_.pop_front();
      }
    }
  }
  return digest;
}

}  // namespace agora::maven
