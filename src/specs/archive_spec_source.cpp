#include "specs/archive_spec_source.h"

#include <fstream>
#include <iterator>


namespace agora::specs {

namespace {
constexpr std::string_view kModules = "exchange_modules/";
}

Result<std::string> ArchiveSpecSource::Read(const std::string& path) const {
  // A dependency's own files name its dependencies relative to itself, so inside the consumer
  // they appear nested (exchange_modules/A/.../exchange_modules/B/...): as in a fat package,
  // every dependency lives at the root, and the innermost exchange_modules/ decides.
  size_t modules = path.rfind(kModules);
  if (modules != std::string::npos && modules != 0 && path[modules - 1] != '/') modules = std::string::npos;
  if (modules == std::string::npos) return ReadFrom(archive_, path);
  // exchange_modules/{g}/{a}/{v}/rest: the three segments name the dependency.
  size_t end = modules + kModules.size();
  for (int segment = 0; segment < 3 && end != std::string::npos; ++segment) end = path.find('/', end + 1);
  if (end != std::string::npos) {
    const size_t start = modules + kModules.size();
    const auto dependency = dependencies_.find(path.substr(start, end - start));
    if (dependency != dependencies_.end()) return ReadFrom(dependency->second, path.substr(end + 1));
  }
  // No declared dependency: the archive's root holds it when the archive is a fat package (as
  // agora serves them, and republishes them without declaring dependencies). An archive that
  // nests one dependency inside another is still read where it nests it.
  Result<std::string> at_root = ReadFrom(archive_, path.substr(modules));
  if (modules == 0 || at_root.ok() || at_root.status().kind() != Status::Kind::kNotFound) return at_root;
  return ReadFrom(archive_, path);
}

Result<std::string> ArchiveSpecSource::ReadFrom(const SpecArchive& archive, const std::string& path) const {
  if (archive.is_zip) {
    std::lock_guard lock(mu_);
    auto& reader = readers_[archive.path];
    if (!reader) {
      auto opened = packaging::ZipReader::Open(archive.path);
      if (!opened.ok()) {
        readers_.erase(archive.path);
        return opened.status();
      }
      reader = std::move(opened).value();
    }
    return reader->Read(path, max_file_bytes_);
  }
  if (path != archive.single_file_name) return Status::NotFound("no file " + path);
  std::ifstream in(archive.path, std::ios::binary);
  std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in.eof() && in.fail()) return Status::IOError("cannot read " + archive.path);
  if (content.size() > max_file_bytes_) return Status::InvalidArgument("INVALID_SPEC", path + " is too large");
  return content;
}

}  // namespace agora::specs
