// `agora spec validate`: reads a spec the way publication does (see SpecCommands()).
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <optional>

#include "cli/command.h"
#include "packaging/zip_archive.h"
#include "specs/spec_reader.h"
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

int Usage(const std::string& message) { return UsageError("spec validate", message); }

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

int Validate(const po::variables_map& vm) {
  const std::string path = vm["path"].as<std::string>();
  std::string main_file = vm.count("main") ? vm["main"].as<std::string>() : "";
  const bool print_model = vm["model"].as<bool>();
  if (!fs::exists(path)) return Usage(path + " does not exist");

  std::unique_ptr<specs::SpecSource> source;
  std::vector<std::string> names;
  if (fs::is_directory(path)) {
    source = std::make_unique<specs::DirectorySpecSource>(path);
    for (const auto& entry : fs::directory_iterator(path)) names.push_back(entry.path().filename().string());
    if (!main_file.empty()) {
      const auto inside = MainInside(path, main_file);
      if (!inside) return Usage("--main " + main_file + " is not inside " + path);
      main_file = *inside;
    }
  } else if (packaging::IsZipFile(path)) {
    auto entries = packaging::InspectZip(path, packaging::ZipLimits{});
    if (!entries.ok()) return Usage(entries.status().message());
    for (const auto& entry : *entries) names.push_back(entry.name);
    source = std::make_unique<specs::ArchiveSpecSource>(specs::SpecArchive{path, true, ""}, std::map<std::string, specs::SpecArchive>{}, 64ull << 20);
  } else {
    const fs::path file = fs::absolute(path).lexically_normal();
    const fs::path folder = ArchiveFolderOf(file);
    source = std::make_unique<specs::DirectorySpecSource>(folder.string());
    main_file = file.lexically_relative(folder).generic_string();
  }
  if (main_file.empty()) main_file = OnlySpecFile(names);
  if (main_file.empty()) return Usage("cannot tell the main file; give --main FILE");

  specs::SpecReport report = specs::ReadSpec(*source, main_file);
  for (const auto& problem : report.problems) std::cout << problem.ToString() << "\n";
  for (const auto& warning : report.warnings)
    std::cout << warning.file << ":" << warning.line << ":" << warning.column << ": warning: " << warning.message << "\n";
  if (print_model) std::cout << report.model.ToJson() << "\n";
  const std::string& version = report.model.format_version;
  std::cout << main_file << ": " << (report.valid() ? "valid " : "invalid ") << report.model.format
            << (version.empty() ? "" : " " + version)
            << (report.valid() ? "" : ", " + std::to_string(report.problems.size()) + " problem(s)")
            << (report.warnings.empty() ? "" : ", " + std::to_string(report.warnings.size()) + " warning(s)") << "\n";
  return report.valid() ? 0 : 1;
}

}  // namespace

std::vector<Command> SpecCommands() {
  return {{"spec validate", "reads a RAML, OAS or WSDL spec as publication does and prints every problem",
           "PATH is a spec file, a folder or a zip; for a folder or zip without --main, its one root-level\n"
           ".raml, .yaml, .yml, .json or .wsdl file is the main file. A folder or zip is read as publication\n"
           "reads an archive: no reference may leave it. A single file's references may leave its folder\n"
           "(\"../common/types.raml\"); files are then named from the closest folder holding them all.\n"
           "Problems are printed as\n"
           "file:line:column: message, then a verdict. Exit status: 0 valid, 1 invalid, 2 usage error.",
           [](po::options_description& o) {
             o.add_options()("path", po::value<std::string>()->value_name("PATH")->required(), "the spec")(
                 "main", po::value<std::string>()->value_name("FILE"), "the main file inside a folder or zip")(
                 "model", po::bool_switch(), "also print the API model as JSON (docs/api-model.md)");
           },
           {{"path"}},
           {"agora spec validate american-flights-api.zip", "agora spec validate specs/ --main api.raml --model"},
           Validate}};
}

}  // namespace agora::cli
