#include "specs/zip_spec_source.h"

#include "packaging/zip_archive.h"

namespace agora::specs {

namespace {
constexpr std::string_view kModules = "exchange_modules/";
}

Result<std::string> ZipSpecSource::Read(const std::string& path) const {
  if (path.rfind(kModules, 0) == 0) {
    // exchange_modules/{g}/{a}/{v}/rest: the three segments name the dependency.
    size_t end = kModules.size();
    for (int segment = 0; segment < 3 && end != std::string::npos; ++segment) end = path.find('/', end + 1);
    if (end != std::string::npos) {
      const auto dependency = dependencies_.find(path.substr(kModules.size(), end - kModules.size()));
      if (dependency != dependencies_.end())
        return packaging::ReadZipEntry(dependency->second, path.substr(end + 1), max_entry_bytes_);
    }
  }
  return packaging::ReadZipEntry(zip_path_, path, max_entry_bytes_);
}

}  // namespace agora::specs
