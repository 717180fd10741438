// Helpers for the storage tests (and other modules' tests that need a scratch data directory):
// a uniquely named temporary directory under /tmp that is removed with everything in it when the
// helper goes away, patterned test bytes, the digests a blob of given bytes must have, and reading a file to its end. Header-only, so it is never compiled into the agora_storage library.
//
// Thread safety: a TempDir is owned by one test; its accessors may be called from any thread.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/hash.h"
#include "common/ids.h"
#include "common/status.h"
#include "storage/blob_store.h"
#include "storage/env.h"

namespace agora::storage::testing {

class TempDir {
 public:
  TempDir() : path_(std::filesystem::temp_directory_path() / ("agora-storage-" + NewUuid())) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;  // a test that failed half-way must not also throw here
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string str() const { return path_.string(); }
  std::string Path(const std::string& relative) const { return (path_ / relative).string(); }
  // Regular files anywhere below `relative` (0 if it does not exist).
  size_t CountFiles(const std::string& relative) const {
    size_t n = 0;
    std::error_code ignored;
    for (const auto& e : std::filesystem::recursive_directory_iterator(path_ / relative, ignored))
      if (e.is_regular_file()) ++n;
    return n;
  }

 private:
  std::filesystem::path path_;
};

// `size` bytes that differ with `seed` and do not repeat within a part or a buffer.
inline std::string PatternBytes(size_t size, uint32_t seed) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i + seed) * 2654435761u >> 13);
  return bytes;
}

// A stored blob's digests are those of `bytes` hashed in one go; its SHA-256.
inline std::string ExpectDigestsOf(const BlobInfo& info, const std::string& bytes) {
  MultiHasher oneshot;
  oneshot.Update(bytes.data(), bytes.size());
  const Digests want = oneshot.Finish();
  EXPECT_EQ(info.sha256, want.sha256);
  EXPECT_EQ(info.md5, want.md5);
  EXPECT_EQ(info.sha1, want.sha1);
  EXPECT_EQ(info.size, bytes.size());
  return want.sha256;
}

// Everything left in `file`.
inline Result<std::string> ReadAll(SequentialFile& file) {
  std::string out;
  char buffer[65536];
  while (true) {
    AGORA_ASSIGN_OR_RETURN(size_t n, file.Read(buffer, sizeof buffer));
    if (n == 0) return out;
    out.append(buffer, n);
  }
}

}  // namespace agora::storage::testing
