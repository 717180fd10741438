#include "specs/oas_reader.h"

#include <deque>
#include <set>

#include "specs/oas_model.h"
#include "specs/oas_references.h"
#include "specs/spec_documents.h"

namespace agora::specs {
namespace {

constexpr const char* kMethods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

bool IsMethod(const std::string& key) {
  for (const char* method : kMethods)
    if (key == method) return true;
  return false;
}

// The keywords a Schema Object may use in OAS 3.0 and in Swagger 2.0 (besides x- extensions).
// Both are subsets of JSON Schema: patternProperties, const, if/then/else and the like are not
// part of them (OAS 3.1 takes JSON Schema whole, so its schemas are not checked this way).
const std::set<std::string>& SchemaKeywords(bool swagger2) {
  static const std::set<std::string> kCommon = {
      "$ref", "title", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength",
      "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxProperties", "minProperties", "required",
      "enum", "type", "allOf", "items", "properties", "additionalProperties", "description", "format", "default",
      "discriminator", "readOnly", "xml", "externalDocs", "example"};
  static const std::set<std::string> kOas30 = [] {
    std::set<std::string> keywords = kCommon;
    keywords.insert({"oneOf", "anyOf", "not", "nullable", "writeOnly", "deprecated"});
    return keywords;
  }();
  return swagger2 ? kCommon : kOas30;
}

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
    if (root) {
      ChooseSchemaKeywords(*root);
      CheckReferences();
      ReadRoot(*root);
    } else if (const std::string* text = documents_.Text(main_file_, {main_file_, 0, 0, ""})) {
      report_.model.format_version = DeclaredVersion(*text);
    }
    return std::move(report_);
  }

 private:
  void ChooseSchemaKeywords(const YamlNode& root) {
    if (!root.is_mapping()) return;
    const YamlNode* openapi = root.Find("openapi");
    const YamlNode* swagger = root.Find("swagger");
    if (openapi && openapi->scalar.rfind("3.0", 0) == 0) {
      schema_keywords_ = &SchemaKeywords(false);
      version_name_ = "OpenAPI 3.0";
      if (const YamlNode* components = root.Find("components")) CheckSchemaSection(components->Find("schemas"));
    } else if (swagger && !openapi) {
      schema_keywords_ = &SchemaKeywords(true);
      version_name_ = "Swagger 2.0";
      swagger2_ = true;
      CheckSchemaSection(root.Find("definitions"));
    }
  }

  void ReadRoot(const YamlNode& root) {
    if (!root.is_mapping()) return Report(main_file_, root, "an OpenAPI document is a mapping");
    const YamlNode* openapi = root.Find("openapi");
    const YamlNode* swagger = root.Find("swagger");
    report_.model.format_version = openapi ? openapi->scalar : swagger ? swagger->scalar : "";
    if (!openapi && !swagger) return Report(main_file_, root, "neither 'openapi' (3.x) nor 'swagger' (2.0) is declared");
    if (report_.model.format_version.rfind(openapi ? "3." : "2.0", 0) != 0)
      Report(main_file_, openapi ? *openapi : *swagger, "unsupported version '" + report_.model.format_version + "'");
    const bool v31 = openapi && openapi->scalar.rfind("3.1", 0) == 0;
    ReadInfo(root);
    const YamlNode* paths = root.Find("paths");
    if (!paths && (!v31 || (!root.Find("webhooks") && !root.Find("components"))))
      Report(main_file_, root, v31 ? "an OpenAPI 3.1 document needs paths, webhooks or components"
                                    : "the required property 'paths' is missing");
    if (paths) CheckPaths(*paths, /*responses_required=*/!v31);
    BuildOasModel(references_, main_file_, root, report_.model);
  }

  void ReadInfo(const YamlNode& root) {
    const YamlNode* info = root.Find("info");
    if (!info || !info->is_mapping()) return Report(main_file_, root, "the required property 'info' is missing");
    const YamlNode* title = info->Find("title");
    const YamlNode* version = info->Find("version");
    if (!title || !title->is_scalar()) Report(main_file_, *info, "the required property 'info.title' is missing");
    else report_.model.title = title->scalar;
    if (!version || !version->is_scalar()) Report(main_file_, *info, "the required property 'info.version' is missing");
    else report_.model.version = version->scalar;
    if (const YamlNode* description = info->Find("description"); description && description->is_scalar())
      report_.model.description = description->scalar;
  }

  void CheckPaths(const YamlNode& paths, bool responses_required) {
    if (!paths.is_mapping()) return Report(main_file_, paths, "'paths' must be a mapping");
    for (const auto& [path, item] : paths.pairs) {
      if (path.rfind("x-", 0) == 0) continue;
      if (path.empty() || path.front() != '/') {
        Report(main_file_, item, "the path '" + path + "' does not start with '/'");
        continue;
      }
      const OasNode resolved = references_.Resolve({main_file_, &item, ""});
      if (!resolved || !resolved.node->is_mapping()) continue;
      for (const auto& [method, operation] : resolved.node->pairs) {
        if (!IsMethod(method)) continue;
        if (!operation.is_mapping()) Report(resolved.file, operation, "the " + method + " operation must be a mapping");
        else if (responses_required && !operation.Find("responses"))
          Report(resolved.file, operation, "the " + method + " operation lacks the required property 'responses'");
      }
    }
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
      if (key == "schema" && value.is_mapping()) CheckSchema(file, value);
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

  // A Schema Object uses only its version's keywords, in itself and in every schema it nests.
  void CheckSchema(const std::string& file, const YamlNode& schema) {
    if (!schema_keywords_ || !schema.is_mapping()) return;
    for (const auto& [keyword, value] : schema.pairs) {
      if (keyword.rfind("x-", 0) == 0) continue;
      if (!schema_keywords_->count(keyword)) {
        Report(file, value, "'" + keyword + "' is not a Schema Object keyword in " + version_name_);
        continue;
      }
      if (keyword == "items" || keyword == "not" || keyword == "additionalProperties") CheckSchema(file, value);
      if (keyword == "allOf" || keyword == "oneOf" || keyword == "anyOf")
        for (const auto& item : value.items) CheckSchema(file, item);
      if (keyword == "properties")
        for (const auto& [name, property] : value.pairs) CheckSchema(file, property);
    }
  }

  void CheckSchemaSection(const YamlNode* section) {
    if (section && section->is_mapping())
      for (const auto& [name, schema] : section->pairs) CheckSchema(main_file_, schema);
  }

  void Report(const std::string& file, const YamlNode& at, std::string message) {
    documents_.AddProblem(file, at, std::move(message));
  }

  const std::string main_file_;
  const std::set<std::string>* schema_keywords_ = nullptr;  // none: schemas are not checked (3.1)
  std::string version_name_;
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
