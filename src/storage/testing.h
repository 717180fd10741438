// Helpers for the storage tests (and other modules' tests that need a scratch data directory):
// a uniquely named temporary directory under /tmp that is removed with everything in it when the
// helper goes away. Header-only, so it is never compiled into the agora_storage library.
//
// Thread safety: a TempDir is owned by one test; its accessors may be called from any thread.
#pragma once

#include <filesystem>
#include <string>

#include "common/ids.h"

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

}  // namespace agora::storage::testing
