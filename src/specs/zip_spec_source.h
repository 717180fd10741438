// A SpecSource over a stored zip archive (an uploaded spec), reading entries on demand with the
// zip reader's limits, and mapping exchange_modules/{groupId}/{assetId}/{version}/... to the
// content of the declared dependencies' own archives (whose paths the publisher supplies), so a
// spec may reference its dependencies whether or not the upload carried them.
//
// Thread safety: const calls may run concurrently (each opens the archive itself).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "specs/spec_reader.h"

namespace agora::specs {

class ZipSpecSource : public SpecSource {
 public:
  // `dependencies`: "groupId/assetId/version" -> the local path of that dependency's zip.
  ZipSpecSource(std::string zip_path, std::map<std::string, std::string> dependencies, uint64_t max_entry_bytes)
      : zip_path_(std::move(zip_path)), dependencies_(std::move(dependencies)), max_entry_bytes_(max_entry_bytes) {}

  Result<std::string> Read(const std::string& path) const override;

 private:
  std::string zip_path_;
  std::map<std::string, std::string> dependencies_;
  uint64_t max_entry_bytes_;
};

}  // namespace agora::specs
