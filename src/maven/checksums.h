// Checksums gives a stored file's digest in each algorithm a Maven client asks for. MD5, SHA-1 and
// SHA-256 were recorded when the file was uploaded, however it was published. SHA-512 is not
// recorded (uploads would pay for a fourth digest nearly nobody asks for: Maven 3.8 fetches
// .sha1): it is computed from the blob the first time it is asked for and remembered by the
// blob's SHA-256, which names the content, so a remembered digest can never go stale. At most
// kMaxRemembered are kept; the oldest half is forgotten when the limit is reached.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/hash.h"
#include "common/status.h"
#include "storage/blob_store.h"

namespace agora::maven {

class Checksums {
 public:
  static constexpr size_t kMaxRemembered = 100'000;

  explicit Checksums(storage::BlobStore& blobs) : blobs_(blobs) {}

  // The digest of the blob, lowercase hex; `info` holds the recorded ones.
  Result<std::string> Of(const storage::BlobInfo& info, DigestAlgorithm algorithm);

 private:
  Result<std::string> Sha512(const std::string& sha256);

  storage::BlobStore& blobs_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::string> sha512_;  // by SHA-256
  std::deque<std::string> order_;                        // keys of sha512_, oldest first
};

}  // namespace agora::maven
