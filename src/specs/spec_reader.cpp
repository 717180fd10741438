#include "specs/spec_reader.h"

#include <fstream>
#include <sstream>

#include "specs/oas_reader.h"
#include "specs/raml_reader.h"
#include "specs/spec_format.h"
#include "specs/text_encoding.h"
#include "specs/wsdl_reader.h"

namespace agora::specs {

Result<std::string> InMemorySpecSource::Read(const std::string& path) const {
  const auto found = files_.find(path);
  if (found == files_.end()) return Status::NotFound("no file " + path + " in the archive");
  return found->second;
}

Result<std::string> DirectorySpecSource::Read(const std::string& path) const {
  if (path.empty() || path.front() == '/' || ("/" + path + "/").find("/../") != std::string::npos)
    return Status::InvalidArgument("INVALID_SPEC", "'" + path + "' is not a path inside the folder");
  std::ifstream in(directory_ + "/" + path, std::ios::binary);
  if (!in) return Status::NotFound("no file " + path + " in " + directory_);
  std::ostringstream content;  // in one piece: a character at a time took milliseconds per megabyte
  content << in.rdbuf();
  return std::move(content).str();
}

std::string FileOfReference(const std::string& reference) { return reference.substr(0, reference.find('#')); }

Result<std::string> ResolveReference(const std::string& from, const std::string& reference) {
  if (reference.empty()) return Status::InvalidArgument("INVALID_SPEC", "an empty file reference");
  if (reference.find("://") != std::string::npos)
    return Status::InvalidArgument("INVALID_SPEC", "'" + reference + "' is not a file of the archive");
  std::vector<std::string> segments;
  std::string joined = reference.front() == '/' ? reference : from.substr(0, from.rfind('/') + 1) + reference;
  size_t start = 0;
  while (start <= joined.size()) {
    const size_t end = std::min(joined.find('/', start), joined.size());
    const std::string segment = joined.substr(start, end - start);
    if (segment == "..") {
      if (segments.empty())
        return Status::InvalidArgument("INVALID_SPEC", "'" + reference + "' " + kOutsideArchive);
      segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  if (segments.empty()) return Status::InvalidArgument("INVALID_SPEC", "'" + reference + "' names no file");
  std::string path;
  for (const auto& segment : segments) path += (path.empty() ? "" : "/") + segment;
  return path;
}

std::string Problem::ToString() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

SpecReport ReadSpec(const SpecSource& source, const std::string& main_file, const ReadOptions& options) {
  auto content = source.Read(main_file);
  if (!content.ok()) {
    SpecReport report;
    report.problems.push_back({main_file, 0, 0, "the main file is not in the archive"});
    return report;
  }
  content = DecodeToUtf8(std::move(content).value());
  if (!content.ok()) {
    SpecReport report;
    report.problems.push_back({main_file, 0, 0, content.status().message()});
    return report;
  }
  const auto first = content->find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  const bool markup = first != std::string::npos && (*content)[first] == '<';
  const bool yaml_name = main_file.ends_with(".json") || main_file.ends_with(".yaml") || main_file.ends_with(".yml");
  // A YAML or JSON file that is not RAML is read as OpenAPI whatever its top-level keys, so its
  // first line (a RAML header or not) decides, and the whole document is parsed once, by its reader.
  const SpecFormat format =
      DetectSpecFormat(main_file, yaml_name && !markup ? std::string_view(*content).substr(0, content->find('\n')) : *content);
  if (format.format == "raml") return ReadRaml(source, main_file, options);
  if (format.format == "oas") return ReadOas(source, main_file, options);
  if (format.format == "wsdl") return ReadWsdl(source, main_file, options);
  // Not recognisable, often because it does not parse: the reader its name or first character
  // suggests says why, at the place where it fails.
  if (markup) return ReadWsdl(source, main_file, options);
  if (main_file.ends_with(".raml")) return ReadRaml(source, main_file, options);
  if (yaml_name) return ReadOas(source, main_file, options);
  SpecReport report;
  report.problems.push_back({main_file, 1, 1, "not a RAML, OpenAPI/Swagger or WSDL 1.1 document"});
  return report;
}

}  // namespace agora::specs
