#include "specs/raml_reader.h"

#include <algorithm>
#include <map>
#include <set>

#include "specs/spec_documents.h"

namespace agora::specs {
namespace {

constexpr const char* kMethods[] = {"get", "patch", "put", "post", "delete", "head", "options", "trace", "connect"};
constexpr const char* kFragmentKinds[] = {"DataType", "Trait", "ResourceType", "SecurityScheme", "Library",
                                          "NamedExample", "DocumentationItem", "AnnotationTypeDeclaration",
                                          "Overlay", "Extension"};

bool IsMethod(const std::string& key) {
  for (const char* method : kMethods)
    if (key == method) return true;
  return false;
}

bool IsYamlFile(const std::string& path) {
  const auto dot = path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  return ext == "raml" || ext == "yaml" || ext == "yml";
}

// "#%RAML 1.0 DataType" -> {"1.0", "DataType"}; empty version when it is not a RAML header.
std::pair<std::string, std::string> ParseHeader(const std::string& text) {
  std::string line = text.substr(0, text.find_first_of("\r\n"));
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
  for (const char* version : {"1.0", "0.8"}) {
    const std::string prefix = std::string("#%RAML ") + version;
    if (line.rfind(prefix, 0) != 0) continue;
    std::string kind = line.substr(prefix.size());
    kind.erase(0, kind.find_first_not_of(" \t"));
    kind.erase(kind.find_last_not_of(" \t") + 1);
    return {version, kind};
  }
  return {"", ""};
}

class RamlReader {
 public:
  RamlReader(const SpecSource& source, const std::string& main_file, const ReadOptions& options)
      : main_file_(main_file),
        root_dir_(main_file.substr(0, main_file.rfind('/') + 1)),
        options_(options),
        documents_(source, options, report_) {}

  SpecReport Run() {
    report_.model.format = "raml";
    const std::string* text = documents_.Text(main_file_, {main_file_, 0, 0, ""});
    if (!text) return std::move(report_);
    const auto [version, kind] = ParseHeader(*text);
    report_.model.format_version = version;
    report_.model.fragment_kind = kind;
    if (version.empty()) {
      report_.problems.push_back({main_file_, 1, 1, "the first line must be the RAML header (#%RAML 1.0 or 0.8)"});
      return std::move(report_);
    }
    if (!kind.empty() && !KnownKind(kind))
      report_.problems.push_back({main_file_, 1, 1, "unknown RAML fragment kind '" + kind + "'"});
    const YamlNode* root = LoadDocument(main_file_, {main_file_, 0, 0, ""});
    if (!root) return std::move(report_);
    if (!root->is_mapping()) {
      Report(main_file_, *root, "a RAML document is a mapping");
      return std::move(report_);
    }
    Declarations declarations;
    ReadDeclarations(main_file_, *root, "", declarations);
    if (kind.empty() || kind == "Overlay" || kind == "Extension") ReadApi(*root, declarations, kind.empty());
    return std::move(report_);
  }

 private:
  struct Declarations {
    std::set<std::string> resource_types, traits;
  };

  static bool KnownKind(const std::string& kind) {
    for (const char* known : kFragmentKinds)
      if (kind == known) return true;
    return false;
  }

  // Parses a file and checks every !include in it (each file once; a file including itself,
  // directly or not, is a cycle).
  const YamlNode* LoadDocument(const std::string& file, const Problem& from) {
    if (std::find(including_.begin(), including_.end(), file) != including_.end()) {
      report_.problems.push_back({from.file, from.line, from.column, "circular !include of '" + file + "'"});
      return nullptr;
    }
    const YamlNode* root = documents_.Yaml(file, from);
    if (!root || !checked_.insert(file).second) return root;
    if (including_.size() >= options_.max_reference_depth) {
      report_.problems.push_back({from.file, from.line, from.column, "includes nest deeper than " +
                                                                         std::to_string(options_.max_reference_depth)});
      return nullptr;
    }
    including_.push_back(file);
    CheckIncludes(file, *root);
    including_.pop_back();
    return root;
  }

  void CheckIncludes(const std::string& file, const YamlNode& node) {
    if (node.is_scalar() && node.tag == "!include") {
      Include(file, node);
      return;
    }
    for (const auto& item : node.items) CheckIncludes(file, item);
    for (const auto& [key, value] : node.pairs) CheckIncludes(file, value);
  }

  // The included file's document (YAML) or nullptr (another kind of file, or a problem reported).
  const YamlNode* Include(const std::string& file, const YamlNode& node) {
    auto path = Resolve(file, node.scalar);
    const specs::Problem at{file, node.line, node.column, ""};
    if (!path.ok()) {
      Report(file, node, path.status().message());
      return nullptr;
    }
    if (IsYamlFile(*path)) return LoadDocument(*path, at);
    documents_.Text(*path, at);
    return nullptr;
  }

  // RAML resolves "/x" from the root document's folder, anything else from the including file's.
  Result<std::string> Resolve(const std::string& file, std::string reference) {
    reference = FileOfReference(reference);  // "schema.xsd#City" includes schema.xsd
    while (!reference.empty() && (reference.back() == ' ' || reference.back() == '\t')) reference.pop_back();
    if (!reference.empty() && reference.front() == '/') return ResolveReference(main_file_, root_dir_ + reference.substr(1));
    return ResolveReference(file, reference);
  }

  // The node itself, or the document an !include of it names, with the file it lives in.
  std::pair<std::string, const YamlNode*> Deref(const std::string& file, const YamlNode* node) {
    if (!node || node->tag != "!include") return {file, node};
    auto path = Resolve(file, node->scalar);
    if (!path.ok() || !IsYamlFile(*path)) return {file, nullptr};
    return {*path, documents_.Yaml(*path, {file, node->line, node->column, ""})};
  }

  // Names declared in a 1.0 mapping or a 0.8 sequence of one-entry mappings.
  template <typename OnName>
  void ForEachDeclared(const std::string& file, const YamlNode* section, OnName on_name) {
    auto [section_file, node] = Deref(file, section);
    if (!node) return;
    if (node->is_mapping())
      for (const auto& [name, value] : node->pairs) on_name(name);
    if (node->is_sequence())
      for (const auto& item : node->items)
        for (const auto& [name, value] : item.pairs) on_name(name);
  }

  void ReadDeclarations(const std::string& file, const YamlNode& root, const std::string& prefix,
                        Declarations& declarations) {
    ForEachDeclared(file, root.Find("resourceTypes"), [&](const std::string& n) { declarations.resource_types.insert(prefix + n); });
    ForEachDeclared(file, root.Find("traits"), [&](const std::string& n) { declarations.traits.insert(prefix + n); });
    if (prefix.empty()) {
      ForEachDeclared(file, root.Find("securitySchemes"), [&](const std::string& n) { report_.model.security_schemes.emplace_back().name = n; });
      for (const char* section : {"types", "schemas"})
        ForEachDeclared(file, root.Find(section), [&](const std::string& n) { report_.model.types.try_emplace(n).first->second.name = n; });
    }
    const YamlNode* uses = root.Find("uses");
    if (!uses || !uses->is_mapping()) return;
    for (const auto& [name, reference] : uses->pairs) {
      if (!reference.is_scalar()) continue;
      auto path = Resolve(file, reference.scalar);
      if (!path.ok()) {
        Report(file, reference, path.status().message());
        continue;
      }
      const YamlNode* library = LoadDocument(*path, {file, reference.line, reference.column, ""});
      if (library && library->is_mapping() && libraries_.insert(*path + "|" + prefix + name).second)
        ReadDeclarations(*path, *library, prefix + name + ".", declarations);
    }
  }

  void ReadApi(const YamlNode& root, const Declarations& declarations, bool is_api) {
    const YamlNode* title = root.Find("title");
    if (is_api && (!title || title->is_null())) Report(main_file_, root, "the required property 'title' is missing");
    if (title && title->is_scalar()) report_.model.title = title->scalar;
    if (const YamlNode* version = root.Find("version"); version && version->is_scalar()) report_.model.version = version->scalar;
    if (const YamlNode* description = root.Find("description"); description && description->is_scalar())
      report_.model.description = description->scalar;
    if (const YamlNode* base = root.Find("baseUri"); base && base->is_scalar()) report_.model.base_uris.push_back(base->scalar);
    if (const YamlNode* extends = root.Find("extends"); extends && extends->is_scalar()) {
      auto path = Resolve(main_file_, extends->scalar);
      if (!path.ok()) Report(main_file_, *extends, path.status().message());
      else LoadDocument(*path, {main_file_, extends->line, extends->column, ""});
    }
    ReadResources(main_file_, root, "", declarations);
  }

  void ReadResources(const std::string& file, const YamlNode& parent, const std::string& base,
                     const Declarations& declarations) {
    for (const auto& [key, value] : parent.pairs) {
      if (key.empty() || key.front() != '/') continue;
      Resource resource;
      resource.path = base + key;
      auto [resource_file, node] = Deref(file, &value);
      if (node && node->is_mapping()) {
        CheckUse(resource_file, node->Find("type"), declarations.resource_types, "resource type");
        CheckUse(resource_file, node->Find("is"), declarations.traits, "trait");
        for (const auto& [method, body] : node->pairs) {
          if (!IsMethod(method)) continue;
          Operation operation;
          operation.method = method;
          if (body.is_mapping()) {
            if (const YamlNode* name = body.Find("displayName"); name && name->is_scalar()) operation.operation_id = name->scalar;
            if (const YamlNode* description = body.Find("description"); description && description->is_scalar())
              operation.summary = description->scalar;
            CheckUse(resource_file, body.Find("is"), declarations.traits, "trait");
          }
          resource.operations.push_back(std::move(operation));
        }
      }
      report_.model.resources.push_back(resource);
      if (node && node->is_mapping()) ReadResources(resource_file, *node, resource.path, declarations);
    }
  }

  // `type: name`, `type: {name: {params}}`, `is: [a, {b: {params}}]`: each name must be declared.
  void CheckUse(const std::string& file, const YamlNode* use, const std::set<std::string>& declared, const char* what) {
    if (!use) return;
    auto check = [&](const std::string& name, const YamlNode& at) {
      if (!declared.count(name)) Report(file, at, std::string("the ") + what + " '" + name + "' is not declared");
    };
    if (use->is_scalar() && !use->is_null()) check(use->scalar, *use);
    for (const auto& [name, params] : use->pairs) check(name, *use);
    for (const auto& item : use->items) {
      if (item.is_scalar()) check(item.scalar, item);
      for (const auto& [name, params] : item.pairs) check(name, item);
    }
  }

  void Report(const std::string& file, const YamlNode& at, std::string message) {
    documents_.AddProblem(file, at, std::move(message));
  }

  const std::string main_file_;
  const std::string root_dir_;
  const ReadOptions& options_;
  SpecReport report_;
  DocumentSet documents_;
  std::vector<std::string> including_;
  std::set<std::string> checked_, libraries_;
};

}  // namespace

SpecReport ReadRaml(const SpecSource& source, const std::string& main_file, const ReadOptions& options) {
  return RamlReader(source, main_file, options).Run();
}

}  // namespace agora::specs
