#include "specs/oas_reader.h"

#include <deque>
#include <set>
#include <unordered_map>
#include <vector>

#include "specs/resolution_stack.h"
#include "specs/spec_documents.h"

namespace agora::specs {
namespace {

constexpr const char* kMethods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

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

bool IsMethod(const std::string& key) {
  for (const char* method : kMethods)
    if (key == method) return true;
  return false;
}

// RFC 6901: "~1" is '/', "~0" is '~'; references also percent-encode.
std::string UnescapePointerToken(const std::string& token) {
  std::string decoded;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      decoded += token[++i] == '0' ? '~' : '/';
    } else if (token[i] == '%' && i + 2 < token.size() && std::isxdigit(static_cast<unsigned char>(token[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(token[i + 2]))) {
      decoded += static_cast<char>(std::stoi(token.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      decoded += token[i];
    }
  }
  return decoded;
}

const YamlNode* FollowPointer(const YamlNode& root, const std::string& pointer, YamlKeyIndex& keys) {
  const YamlNode* node = &root;
  size_t start = pointer.empty() || pointer.front() != '/' ? 0 : 1;
  if (pointer.empty()) return node;
  if (pointer.front() != '/') return nullptr;
  while (start <= pointer.size() && node) {
    const size_t end = std::min(pointer.find('/', start), pointer.size());
    const std::string token = UnescapePointerToken(pointer.substr(start, end - start));
    if (node->is_mapping()) {
      node = keys.Find(*node, token);
    } else if (node->is_sequence() && !token.empty() && token.find_first_not_of("0123456789") == std::string::npos &&
               token.size() < 10 && std::stoul(token) < node->items.size()) {
      node = &node->items[std::stoul(token)];
    } else {
      node = nullptr;
    }
    start = end + 1;
  }
  return node;
}

class OasReader {
 public:
  OasReader(const SpecSource& source, const std::string& main_file, const ReadOptions& options)
      : main_file_(main_file), options_(options), documents_(source, options, report_) {}

  SpecReport Run() {
    report_.model.format = "oas";
    const YamlNode* root = documents_.Yaml(main_file_, {main_file_, 0, 0, ""});
    if (root) {
      ChooseSchemaKeywords(*root);
      CheckReferences();
      ReadRoot(*root);
    }
    return std::move(report_);
  }

 private:
  struct Target {
    std::string file;
    const YamlNode* node = nullptr;
  };

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
    const bool v2 = !openapi;
    const bool v31 = openapi && openapi->scalar.rfind("3.1", 0) == 0;
    ReadInfo(root);
    const YamlNode* paths = root.Find("paths");
    if (!paths && (!v31 || (!root.Find("webhooks") && !root.Find("components"))))
      Report(main_file_, root, v31 ? "an OpenAPI 3.1 document needs paths, webhooks or components"
                                    : "the required property 'paths' is missing");
    if (paths) ReadPaths(*paths, /*responses_required=*/!v31);
    if (v2) {
      ReadServersV2(root);
      DeclareSecuritySchemes(root.Find("securityDefinitions"));
      DeclareTypes(root.Find("definitions"));
    } else {
      if (const YamlNode* servers = root.Find("servers"); servers && servers->is_sequence())
        for (const auto& server : servers->items)
          if (const YamlNode* url = server.Find("url"); url && url->is_scalar()) report_.model.base_uris.push_back(url->scalar);
      if (const YamlNode* components = root.Find("components")) {
        DeclareSecuritySchemes(components->Find("securitySchemes"));
        DeclareTypes(components->Find("schemas"));
      }
    }
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

  void ReadServersV2(const YamlNode& root) {
    const YamlNode* host = root.Find("host");
    if (!host || !host->is_scalar()) return;
    const YamlNode* base_path = root.Find("basePath");
    const YamlNode* schemes = root.Find("schemes");
    const std::string scheme = schemes && schemes->is_sequence() && !schemes->items.empty() ? schemes->items[0].scalar
                                                                                             : "https";
    report_.model.base_uris.push_back(scheme + "://" + host->scalar + (base_path ? base_path->scalar : ""));
  }

  void ReadPaths(const YamlNode& paths, bool responses_required) {
    if (!paths.is_mapping()) return Report(main_file_, paths, "'paths' must be a mapping");
    for (const auto& [path, item] : paths.pairs) {
      if (path.rfind("x-", 0) == 0) continue;
      if (path.empty() || path.front() != '/') {
        Report(main_file_, item, "the path '" + path + "' does not start with '/'");
        continue;
      }
      Resource resource;
      resource.path = path;
      const Target resolved = Resolve(main_file_, item);
      if (resolved.node && resolved.node->is_mapping()) {
        for (const auto& [key, operation] : resolved.node->pairs) {
          if (!IsMethod(key)) continue;
          resource.operations.push_back(ReadOperation(resolved.file, key, operation, responses_required));
        }
      }
      report_.model.resources.push_back(std::move(resource));
    }
  }

  Operation ReadOperation(const std::string& file, const std::string& method, const YamlNode& node,
                          bool responses_required) {
    Operation operation;
    operation.method = method;
    if (!node.is_mapping()) {
      Report(file, node, "the " + method + " operation must be a mapping");
      return operation;
    }
    if (const YamlNode* id = node.Find("operationId"); id && id->is_scalar()) operation.operation_id = id->scalar;
    if (const YamlNode* summary = node.Find("summary"); summary && summary->is_scalar()) operation.summary = summary->scalar;
    if (responses_required && !node.Find("responses"))
      Report(file, node, "the " + method + " operation lacks the required property 'responses'");
    return operation;
  }

  void DeclareSecuritySchemes(const YamlNode* mapping) {
    if (!mapping || !mapping->is_mapping()) return;
    for (const auto& [name, value] : mapping->pairs) report_.model.security_schemes.emplace_back().name = name;
  }
  void DeclareTypes(const YamlNode* mapping) {
    if (!mapping || !mapping->is_mapping()) return;
    for (const auto& [name, value] : mapping->pairs) report_.model.types.try_emplace(name).first->second.name = name;
  }

  // The node a $ref mapping points to, following chains of references (`{$ref: A}` where A is
  // `{$ref: B}`), or the node itself. A chain that comes back to a reference it followed names
  // no node at all: it is reported once, at the reference that closes it, and every node of it
  // resolves to nothing. Each chain is followed once (results are remembered for every node on
  // it), so resolving every reference of a spec costs time linear in their number. A recursive
  // schema is not such a chain: its reference sits inside properties or items, and is resolved on
  // its own.
  Target Resolve(const std::string& file, const YamlNode& node) {
    Target target{file, &node};
    ResolutionStack chain("reference", options_.max_reference_depth);
    std::vector<ResolutionStack::Scope> entered;
    std::vector<const YamlNode*> followed;
    while (target.node && target.node->is_mapping()) {
      if (const auto known = resolved_.find(target.node); known != resolved_.end()) {
        target = known->second;
        break;
      }
      const YamlNode* ref = target.node->Find("$ref");
      if (!ref || !ref->is_scalar()) break;
      followed.push_back(target.node);
      const std::string from = target.file;
      target = Lookup(target.file, *ref, /*report=*/false);
      if (!target.node) break;
      auto scope = chain.Enter(target.file + "#" + PointerOf(ref->scalar));
      if (!scope) {
        Report(from, *ref, scope.refusal());
        target = {file, nullptr};
        break;
      }
      entered.push_back(std::move(scope));
    }
    for (const YamlNode* on_chain : followed) resolved_[on_chain] = target;
    return target;
  }

  static std::string PointerOf(const std::string& ref) {
    const size_t hash = ref.find('#');
    return hash == std::string::npos ? "" : ref.substr(hash + 1);
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

  void Walk(const std::string& file, const YamlNode& node, std::deque<std::string>& pending, std::set<std::string>& visited) {
    for (const auto& item : node.items) Walk(file, item, pending, visited);
    for (const auto& [key, value] : node.pairs) {
      if (key == "schema" && value.is_mapping()) CheckSchema(file, value);
      if (key == "$ref" && value.is_scalar()) {
        const Target target = Lookup(file, value, /*report=*/true);
        if (target.node && visited.insert(target.file).second) pending.push_back(target.file);
        if (target.node) Resolve(file, node);  // reports a chain of references that loops
      } else if (key != "example") {  // an example is data: a "$ref" in it is not a reference
        Walk(file, value, pending, visited);
      }
    }
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

  Target Lookup(const std::string& file, const YamlNode& ref, bool report) {
    const std::string& text = ref.scalar;
    const size_t hash = text.find('#');
    const std::string file_part = text.substr(0, hash);
    const std::string pointer = hash == std::string::npos ? "" : text.substr(hash + 1);
    std::string target_file = file;
    if (!file_part.empty()) {
      auto resolved = ResolveReference(file, file_part);
      if (!resolved.ok()) {
        if (report) Report(file, ref, resolved.status().message());
        return {};
      }
      target_file = *resolved;
    }
    const YamlNode* root = documents_.Yaml(target_file, {file, ref.line, ref.column, ""});
    if (!root) return {};
    const YamlNode* target = FollowPointer(*root, pointer, keys_);
    if (!target && report)
      Report(file, ref, "dangling reference '" + text + "': " + (pointer.empty() ? target_file : "#" + pointer) +
                             " does not exist" + (file_part.empty() ? "" : " in " + target_file));
    return {target_file, target};
  }

  void Report(const std::string& file, const YamlNode& at, std::string message) {
    documents_.AddProblem(file, at, std::move(message));
  }

  const std::string main_file_;
  const ReadOptions& options_;
  std::unordered_map<const YamlNode*, Target> resolved_;  // where each $ref mapping's chain ends
  YamlKeyIndex keys_;
  const std::set<std::string>* schema_keywords_ = nullptr;  // none: schemas are not checked (3.1)
  std::string version_name_;
  SpecReport report_;
  DocumentSet documents_;
};

}  // namespace

SpecReport ReadOas(const SpecSource& source, const std::string& main_file, const ReadOptions& options) {
  return OasReader(source, main_file, options).Run();
}

}  // namespace agora::specs
