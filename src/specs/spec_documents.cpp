#include "specs/spec_documents.h"

#include "specs/json_document.h"
#include "specs/text_encoding.h"

namespace agora::specs {
namespace {

// JSON through the JSON parser (libyaml refuses some valid JSON); a file that only starts like
// JSON but is YAML (a flow mapping) through libyaml, whose error is the one shown unless the file
// is named .json.
ParsedYaml Parse(const std::string& path, std::string_view content, const YamlLimits& limits) {
  if (!LooksLikeJson(content)) return ParseYaml(content, limits);
  ParsedYaml json = ParseJson(content, limits);
  if (!json.error || path.ends_with(".json")) return json;
  ParsedYaml yaml = ParseYaml(content, limits);
  return yaml.error ? std::move(json) : std::move(yaml);
}

}  // namespace

const std::string* DocumentSet::Text(const std::string& path, const Problem& from) {
  auto [it, inserted] = entries_.try_emplace(path);
  Entry& entry = it->second;
  if (!inserted) return entry.readable ? &entry.text : nullptr;
  auto fail = [&](std::string message) -> const std::string* {
    Problem problem = from;
    problem.message = std::move(message);
    report_.problems.push_back(std::move(problem));
    return nullptr;
  };
  if (entries_.size() > options_.max_files)
    return fail("the spec pulls in more than " + std::to_string(options_.max_files) + " files");
  auto content = source_.Read(path);
  if (!content.ok()) return fail("'" + path + "' is not in the archive");
  total_bytes_ += content->size();
  content = DecodeToUtf8(std::move(content).value());
  if (!content.ok()) return fail("'" + path + "': " + content.status().message());
  if (total_bytes_ > options_.max_total_bytes)
    return fail("the spec's files exceed " + std::to_string(options_.max_total_bytes) + " bytes in total");
  entry.text = std::move(content).value();
  entry.readable = true;
  report_.model.files.push_back(path);
  return &entry.text;
}

const YamlNode* DocumentSet::Yaml(const std::string& path, const Problem& from) {
  const std::string* text = Text(path, from);
  if (!text) return nullptr;
  Entry& entry = entries_.at(path);
  if (!entry.parsed) {
    entry.parsed = true;
    std::string_view content = *text;
    if (content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);
    YamlLimits limits;
    limits.max_depth = options_.max_nesting;
    entry.yaml = std::make_unique<ParsedYaml>(Parse(path, content, limits));
    if (entry.yaml->error) {
      const YamlError& e = *entry.yaml->error;
      report_.problems.push_back({path, e.line, e.column, e.message});
    }
  }
  return entry.yaml->error ? nullptr : &entry.yaml->root;
}

}  // namespace agora::specs
