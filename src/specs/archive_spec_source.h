// A SpecSource over a stored upload (a zip archive, or a single spec file), reading entries on
// demand with the zip reader's limits, and mapping exchange_modules/{groupId}/{assetId}/{version}/...
// to the content of the declared dependencies' own uploads, so a spec may reference its
// dependencies whether or not the upload carried them. A nested reference
// (exchange_modules/A/.../exchange_modules/B/...) to no declared dependency is read from the
// archive's root exchange_modules/B/..., where a fat package holds the transitive dependencies.
//
// Thread safety: const calls may run concurrently (they share each archive's open reader under
// a lock).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "packaging/zip_archive.h"
#include "specs/spec_reader.h"

namespace agora::specs {

struct SpecArchive {
  std::string path;              // the file on disk
  bool is_zip = true;
  std::string single_file_name;  // for a single file: the name it is read under
};

class ArchiveSpecSource : public SpecSource {
 public:
  // `dependencies`: "groupId/assetId/version" -> that dependency's upload.
  ArchiveSpecSource(SpecArchive archive, std::map<std::string, SpecArchive> dependencies, uint64_t max_file_bytes)
      : archive_(std::move(archive)), dependencies_(std::move(dependencies)), max_file_bytes_(max_file_bytes) {}

  Result<std::string> Read(const std::string& path) const override;

 private:
  Result<std::string> ReadFrom(const SpecArchive& archive, const std::string& path) const;

  SpecArchive archive_;
  std::map<std::string, SpecArchive> dependencies_;
  uint64_t max_file_bytes_;
  // Each zip is opened once, on its first read: a spec may pull in thousands of its entries.
  mutable std::mutex mu_;
  mutable std::map<std::string, std::unique_ptr<packaging::ZipReader>> readers_;  // by archive path
};

}  // namespace agora::specs
