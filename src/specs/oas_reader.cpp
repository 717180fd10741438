#include "specs/oas_reader.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <set>

#include "specs/oas_model.h"
#include "specs/oas_references.h"
#include "specs/oas_rules.h"
#include "specs/oas_examples.h"
#include "specs/oas_schema_check.h"
#include "specs/spec_documents.h"

namespace agora::specs {
namespace {

// The published versions of the specification (2.0 is Swagger's only one).
constexpr const char* kPublishedVersions[] = {"2.0", "3.0.0", "3.0.1", "3.0.2", "3.0.3", "3.0.4", "3.1.0", "3.1.1"};

// The version a document that does not parse declares (`openapi: 3.0.3`, `"swagger": "2.0"` at
// the start of a line or after a quote), found in its text so that its verdict still names it.
std::string DeclaredVersion(std::string_view text) {
  for (const std::string_view key : {"openapi", "swagger"}) {
    for (size_t at = text.find(key); at != std::string_view::npos; at = text.find(key, at + 1)) {
      if (at > 0 && text[at - 1] != '"' && text[at - 1] != '\n') continue;
      size_t i = at + key.size();
      if (i < text.size() && text[i] == '"') ++i;
      while (i < text.size() && text[i] == ' ') ++i;
      if (i >= text.size() || text[i] != ':') continue;
      i = text.find_first_not_of(" \t", i + 1);
      if (i == std::string_view::npos) break;
      const char quote = text[i] == '"' || text[i] == '\'' ? text[i] : 0;
      if (quote) ++i;
      const size_t end = quote ? text.find(quote, i) : text.find_first_of(" \t\r\n,}#", i);
      const std::string_view value = text.substr(i, (end == std::string_view::npos ? text.size() : end) - i);
      if (!value.empty() && value.size() < 20 && value.find('\n') == std::string_view::npos) return std::string(value);
    }
  }
  return "";
}

class OasReader {
 public:
  OasReader(const SpecSource& source, const std::string& main_file, const ReadOptions& options)
      : main_file_(main_file), documents_(source, options, report_), references_(documents_) {}

  SpecReport Run() {
    report_.model.format = "oas";
    const YamlNode* root = documents_.Yaml(main_file_, {main_file_, 0, 0, ""});
    if (!root) {
      if (const std::string* text = documents_.Text(main_file_, {main_file_, 0, 0, ""}))
        report_.model.format_version = DeclaredVersion(*text);
      return std::move(report_);
    }
    if (root->is_null()) {
      report_.problems.push_back({main_file_, 1, 1, "the document is empty"});
      return std::move(report_);
    }
    if (!root->is_mapping()) {
      Report(main_file_, *root, "an OpenAPI document is a mapping");
      return std::move(report_);
    }
    const auto schema_version = CheckVersion(*root);
    if (!schema_version) return std::move(report_);
    swagger2_ = *schema_version == OasSchemaVersion::kSwagger20;
    CheckReferences();
    for (auto& problem : CheckOfficialSchema(main_file_, *root, *schema_version))
      report_.problems.push_back(std::move(problem));
    CheckOasRules(references_, main_file_, *root, *schema_version);
    // A default MUST match its schema; an example SHOULD.
    for (auto& [problem, example] : CheckExamples(main_file_, *root, *schema_version))
      (example ? report_.warnings : report_.problems).push_back(std::move(problem));
    ReadInfo(*root);
    BuildOasModel(references_, main_file_, *root, report_.model);
    return std::move(report_);
  }

 private:
  // The schema the document's version is checked against; nothing when it names no version
  // agora reads. A version that follows the pattern of a known one but was never published
  // (3.0.9) is a problem, and the document is still checked as the version it claims.
  std::optional<OasSchemaVersion> CheckVersion(const YamlNode& root) {
    const YamlNode* openapi = root.Find("openapi");
    const YamlNode* swagger = root.Find("swagger");
    const YamlNode* declared = openapi ? openapi : swagger;
    if (!declared) {
      Report(main_file_, root, "neither 'openapi' (3.x) nor 'swagger' (2.0) is declared");
      return std::nullopt;
    }
    const std::string& version = declared->scalar;
    report_.model.format_version = version;
    const std::string field = openapi ? "openapi" : "swagger";
    std::optional<OasSchemaVersion> schema;
    if (!openapi && version == "2.0") schema = OasSchemaVersion::kSwagger20;
    if (openapi && version.rfind("3.0.", 0) == 0) schema = OasSchemaVersion::kOas30;
    if (openapi && version.rfind("3.1.", 0) == 0) schema = OasSchemaVersion::kOas31;
    if (!declared->is_scalar() || !schema) {
      Report(main_file_, *declared, "'" + field + "' " + (declared->is_scalar() ? "'" + version + "'" : "") +
                                        " is not a version agora reads (2.0, 3.0.x and 3.1.x are)");
      return std::nullopt;
    }
    if (std::find(std::begin(kPublishedVersions), std::end(kPublishedVersions), version) == std::end(kPublishedVersions))
      Report(main_file_, *declared, "'" + version + "' is not a published OpenAPI version (2.0, 3.0.0 to 3.0.4, 3.1.0 and 3.1.1 are)");
    return schema;
  }

  void ReadInfo(const YamlNode& root) {
    const YamlNode* info = root.Find("info");
    if (!info) return;
    for (auto [key, field] : {std::pair{"title", &ApiModel::title}, {"version", &ApiModel::version}, {"description", &ApiModel::description}})
      if (const YamlNode* value = info->Find(key); value && value->is_scalar()) report_.model.*field = value->scalar;
  }

  // Checks every $ref of every document reached from the main file, files breadth first.
  void CheckReferences() {
    std::deque<std::string> pending{main_file_};
    std::set<std::string> visited{main_file_};
    while (!pending.empty()) {
      const std::string file = pending.front();
      pending.pop_front();
      const YamlNode* root = documents_.Yaml(file, {file, 0, 0, ""});
      if (root) Walk(file, *root, pending, visited);
    }
  }

  // Values that are data, not description: a "$ref" or a "schema" in them means nothing.
  static bool IsData(const std::string& key) {
    return key == "example" || key == "default" || key == "enum" || key == "const" || key.rfind("x-", 0) == 0;
  }
  // Mappings whose keys are names (a property called "example" is not an example).
  static bool IsNameMap(const std::string& key) {
    return key == "properties" || key == "patternProperties" || key == "definitions" || key == "$defs";
  }

  void Walk(const std::string& file, const YamlNode& node, std::deque<std::string>& pending, std::set<std::string>& visited) {
    for (const auto& item : node.items) Walk(file, item, pending, visited);
    for (const auto& [key, value] : node.pairs) {
      if (key == "$ref" && value.is_scalar()) {
        FollowReference(file, node, value, pending, visited);
      } else if (IsNameMap(key) && value.is_mapping()) {
        for (const auto& [name, named] : value.pairs) Walk(file, named, pending, visited);
      } else if (key == "examples") {
        // 3.x: named Example Objects, of which only a $ref is description; otherwise data.
        if (swagger2_ || !value.is_mapping()) continue;
        for (const auto& [name, example] : value.pairs)
          if (const YamlNode* ref = example.Find("$ref"); ref && ref->is_scalar())
            FollowReference(file, example, *ref, pending, visited);
      } else if (!IsData(key)) {
        Walk(file, value, pending, visited);
      }
    }
  }

  void FollowReference(const std::string& file, const YamlNode& node, const YamlNode& ref, std::deque<std::string>& pending,
                       std::set<std::string>& visited) {
    const OasNode target = references_.Lookup(file, ref, /*report=*/true);
    if (target && visited.insert(target.file).second) pending.push_back(target.file);
    if (target) references_.Resolve({file, &node, ""});  // reports a chain of references that loops
  }

  void Report(const std::string& file, const YamlNode& at, std::string message) {
    documents_.AddProblem(file, at, std::move(message));
  }

  const std::string main_file_;
  bool swagger2_ = false;
  SpecReport report_;
  DocumentSet documents_;
  OasReferences references_;
};

}  // namespace

SpecReport ReadOas(const SpecSource& source, const std::string& main_file, const ReadOptions& options) {
  return OasReader(source, main_file, options).Run();
}

}  // namespace agora::specs
