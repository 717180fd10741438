#include "cli/spec.h"

#include <filesystem>
#include <iostream>
#include <memory>

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

int Usage(const std::string& message) {
  std::cerr << "agora spec: " << message << "\nusage: agora spec validate PATH [--main FILE] [--model]\n";
  return 2;
}

}  // namespace

int RunSpec(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "validate") return Usage("the only subcommand is validate");
  std::string path, main_file;
  bool print_model = false;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--main" && i + 1 < args.size()) main_file = args[++i];
    else if (args[i] == "--model") print_model = true;
    else if (path.empty() && args[i].rfind("--", 0) != 0) path = args[i];
    else return Usage("unexpected argument " + args[i]);
  }
  if (path.empty() || !fs::exists(path)) return Usage(path.empty() ? "PATH is required" : path + " does not exist");

  std::unique_ptr<specs::SpecSource> source;
  std::vector<std::string> names;
  if (fs::is_directory(path)) {
    source = std::make_unique<specs::DirectorySpecSource>(path);
    for (const auto& entry : fs::directory_iterator(path)) names.push_back(entry.path().filename().string());
  } else if (packaging::IsZipFile(path)) {
    auto entries = packaging::InspectZip(path, packaging::ZipLimits{});
    if (!entries.ok()) return Usage(entries.status().message());
    for (const auto& entry : *entries) names.push_back(entry.name);
    source = std::make_unique<specs::ArchiveSpecSource>(specs::SpecArchive{path, true, ""}, std::map<std::string, specs::SpecArchive>{}, 64ull << 20);
  } else {
    const fs::path file(path);
    source = std::make_unique<specs::DirectorySpecSource>(file.has_parent_path() ? file.parent_path().string() : ".");
    main_file = file.filename().string();
  }
  if (main_file.empty()) main_file = OnlySpecFile(names);
  if (main_file.empty()) return Usage("cannot tell the main file; give --main FILE");

  const specs::SpecReport report = specs::ReadSpec(*source, main_file);
  for (const auto& problem : report.problems) std::cout << problem.ToString() << "\n";
  if (print_model) std::cout << report.model.ToJson() << "\n";
  std::cout << main_file << ": " << (report.valid() ? "valid " : "invalid ") << report.model.format << " "
            << report.model.format_version << (report.valid() ? "" : ", " + std::to_string(report.problems.size()) + " problem(s)")
            << "\n";
  return report.valid() ? 0 : 1;
}

}  // namespace agora::cli
