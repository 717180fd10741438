#include "cli/spec_input.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "packaging/zip_archive.h"
#include "specs/archive_spec_source.h"

namespace agora::cli {
namespace {

namespace fs = std::filesystem;

bool IsSpecFileName(const std::string& name) {
  for (const char* ext : {".raml", ".yaml", ".yml", ".json", ".wsdl"})
    if (name.size() > std::string(ext).size() && name.ends_with(ext)) return true;
  return false;
}

// The only root-level spec file among `names`, or an empty string.
std::string OnlySpecFile(const std::vector<std::string>& names) {
  std::string found;
  for (const auto& name : names) {
    if (name.find('/') != std::string::npos || !IsSpecFileName(name)) continue;
    if (!found.empty()) return "";
    found = name;
  }
  return found;
}

// `main` made relative to the folder `root` when it is given as an absolute path inside it.
std::optional<std::string> MainInside(const fs::path& root, const std::string& main) {
  if (!fs::path(main).is_absolute()) return main;
  const fs::path relative = fs::weakly_canonical(main).lexically_relative(fs::weakly_canonical(root));
  if (relative.empty() || *relative.begin() == "..") return std::nullopt;
  return relative.generic_string();
}

// Remembers every path a reading asks for, found or not.
class RecordingSource : public specs::SpecSource {
 public:
  explicit RecordingSource(const specs::SpecSource& inner) : inner_(inner) {}
  Result<std::string> Read(const std::string& path) const override {
    std::lock_guard lock(mutex_);
    paths_.insert(path);
    return inner_.Read(path);
  }
  std::set<std::string> paths() const {
    std::lock_guard lock(mutex_);
    return paths_;
  }

 private:
  const specs::SpecSource& inner_;
  mutable std::mutex mutex_;
  mutable std::set<std::string> paths_;
};

// A single FILE's references may leave its folder ("../common/types.raml"): its archive is the
// closest folder that holds every file a first reading, from the file system's root, asks for.
fs::path ArchiveFolderOf(const fs::path& file) {
  const specs::DirectorySpecSource everything("/");
  RecordingSource recording(everything);
  specs::ReadSpec(recording, file.relative_path().generic_string());
  fs::path folder = file.parent_path();
  for (const auto& path : recording.paths()) {
    const fs::path parent = (fs::path("/") / path).parent_path();
    while (folder.has_relative_path() && parent.lexically_relative(folder).begin()->string() == "..")
      folder = folder.parent_path();
  }
  return folder;
}

// A single file is read from its folder, which holds all it references in the common case; only
// when a reference climbs out of it is it read again, from the folder ArchiveFolderOf finds.
SpecReading ReadSingleFile(const fs::path& file) {
  SpecReading reading{file.filename().generic_string(), {}};
  reading.report = specs::ReadSpec(specs::DirectorySpecSource(file.parent_path().string()), reading.main_file);
  const bool climbs_out = std::any_of(reading.report.problems.begin(), reading.report.problems.end(),
                                      [](const specs::Problem& p) { return p.message.find(specs::kOutsideArchive) != std::string::npos; });
  if (!climbs_out) return reading;
  const fs::path folder = ArchiveFolderOf(file);
  reading.main_file = file.lexically_relative(folder).generic_string();
  reading.report = specs::ReadSpec(specs::DirectorySpecSource(folder.string()), reading.main_file);
  return reading;
}

}  // namespace

Result<SpecReading> ReadSpecFromFiles(const std::string& path, std::string main_file) {
  if (!fs::exists(path)) return Status::InvalidArgument("BAD_SPEC_PATH", path + " does not exist");
  if (!fs::is_directory(path) && !packaging::IsZipFile(path))
    return ReadSingleFile(fs::absolute(path).lexically_normal());

  std::unique_ptr<specs::SpecSource> source;
  std::vector<std::string> names;
  if (fs::is_directory(path)) {
    source = std::make_unique<specs::DirectorySpecSource>(path);
    for (const auto& entry : fs::directory_iterator(path)) names.push_back(entry.path().filename().string());
    if (!main_file.empty()) {
      const auto inside = MainInside(path, main_file);
      if (!inside) return Status::InvalidArgument("BAD_SPEC_PATH", "--main " + main_file + " is not inside " + path);
      main_file = *inside;
    }
  } else {
    auto entries = packaging::InspectZip(path, packaging::ZipLimits{});
    if (!entries.ok()) return Status::InvalidArgument("BAD_SPEC_PATH", entries.status().message());
    for (const auto& entry : *entries) names.push_back(entry.name);
    source = std::make_unique<specs::ArchiveSpecSource>(specs::SpecArchive{path, true, ""}, std::map<std::string, specs::SpecArchive>{}, 64ull << 20);
  }
  if (main_file.empty()) main_file = OnlySpecFile(names);
  if (main_file.empty()) return Status::InvalidArgument("BAD_SPEC_PATH", "cannot tell the main file; give --main FILE");
  return SpecReading{main_file, specs::ReadSpec(*source, main_file)};
}

}  // namespace agora::cli
