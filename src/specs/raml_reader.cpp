#include "specs/raml_reader.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "specs/resolution_stack.h"
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

// The names a type expression ("A", "A | B", "(A | lib.B)[]", "A[]") inherits from: its union
// members, but not array items ("A[]" holds A's, it is not one). Names with template parameters
// ("<<item>>") and inline schemas ("{...}", "<...>") name nothing yet.
std::vector<std::string> InheritedNames(const std::string& expression) {
  const auto first = expression.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || expression[first] == '{' || expression[first] == '<') return {};
  std::vector<std::vector<std::string>> groups(1);  // the names of each open parenthesis
  std::string name;
  auto end_name = [&] {
    if (!name.empty() && name.find("<<") == std::string::npos) groups.back().push_back(name);
    name.clear();
  };
  for (size_t i = 0; i < expression.size(); ++i) {
    const char c = expression[i];
    if (c == '[') {  // "[]" makes the name or group before it an array's items
      if (!name.empty()) name.clear();
      else if (groups.size() > 1 || !groups.back().empty()) groups.back().clear();
    } else if (c == '(') {
      end_name();
      groups.emplace_back();
    } else if (c == ')') {
      end_name();
      if (groups.size() == 1) continue;
      std::vector<std::string> closed = std::move(groups.back());
      groups.pop_back();
      // "(A | B)[]": the group's names are dropped when "[]" follows.
      const auto next = expression.find_first_not_of(" \t", i + 1);
      if (next == std::string::npos || expression[next] != '[')
        groups.back().insert(groups.back().end(), closed.begin(), closed.end());
    } else if (c == '|' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ']') {
      end_name();
    } else {
      name += c;
    }
  }
  end_name();
  return std::move(groups.front());
}

class RamlReader {
 public:
  RamlReader(const SpecSource& source, const std::string& main_file, const ReadOptions& options)
      : main_file_(main_file),
        root_dir_(main_file.substr(0, main_file.rfind('/') + 1)),
        options_(options),
        documents_(source, options, report_),
        includes_("!include", options.max_reference_depth),
        libraries_("library", options.max_reference_depth) {}

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
    if (auto scope = libraries_.Enter(main_file_)) ReadDeclarations(main_file_, *root);
    if (kind.empty() || kind == "Overlay" || kind == "Extension") ReadApi(*root, kind.empty());
    CheckInheritance();
    return std::move(report_);
  }

 private:
  enum Kind { kType, kTrait, kResourceType, kKinds };

  // A named declaration: where its node is, and the file whose names it uses (the document that
  // declares it, which an !include of its body does not change).
  struct Declared {
    std::string scope;
    std::string file;
    const YamlNode* node = nullptr;
  };

  // What one document declares, and the libraries it uses by alias.
  struct Scope {
    std::map<std::string, Declared> declared[kKinds];
    std::map<std::string, std::string> uses;  // alias -> library file
  };

  static bool KnownKind(const std::string& kind) {
    for (const char* known : kFragmentKinds)
      if (kind == known) return true;
    return false;
  }

  // Parses a file and checks every !include in it: each file once, a file including itself,
  // directly or not, is a cycle, and includes nest at most max_reference_depth deep. A document's
  // includes are collected before any is followed, so the stack holds one tree walk at a time.
  const YamlNode* LoadDocument(const std::string& file, const Problem& from) {
    if (includes_.Contains(file)) {
      auto refused = includes_.Enter(file);
      report_.problems.push_back({from.file, from.line, from.column, refused.refusal()});
      return nullptr;
    }
    const YamlNode* root = documents_.Yaml(file, from);
    if (!root || !checked_.insert(file).second) return root;
    auto scope = includes_.Enter(file);
    if (!scope) {
      report_.problems.push_back({from.file, from.line, from.column, scope.refusal()});
      return nullptr;
    }
    std::vector<const YamlNode*> includes;
    CollectIncludes(*root, includes);
    for (const YamlNode* include : includes) Include(file, *include);
    return root;
  }

  // Recursion bounded by the document's nesting (YamlLimits::max_depth).
  static void CollectIncludes(const YamlNode& node, std::vector<const YamlNode*>& includes) {
    if (node.is_scalar() && node.tag == "!include") {
      includes.push_back(&node);
      return;
    }
    for (const auto& item : node.items) CollectIncludes(item, includes);
    for (const auto& [key, value] : node.pairs) CollectIncludes(value, includes);
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

  // Each declaration in a 1.0 mapping or a 0.8 sequence of one-entry mappings.
  template <typename OnDeclared>
  void ForEachDeclared(const std::string& file, const YamlNode* section, OnDeclared on_declared) {
    auto [section_file, node] = Deref(file, section);
    if (!node) return;
    if (node->is_mapping())
      for (const auto& [name, value] : node->pairs) on_declared(name, section_file, value);
    if (node->is_sequence())
      for (const auto& item : node->items)
        for (const auto& [name, value] : item.pairs) on_declared(name, section_file, value);
  }

  // Reads what `file` declares and, through `uses`, every library it pulls in: each library once
  // (so a library many others use costs one reading), a library that uses itself, directly or
  // through others, a cycle. The caller has entered `file` on libraries_.
  void ReadDeclarations(const std::string& file, const YamlNode& root) {
    Scope& scope = scopes_[file];
    const bool main = file == main_file_;
    auto declare = [&](Kind kind) {
      return [&, kind](const std::string& name, const std::string& node_file, const YamlNode& node) {
        scope.declared[kind].emplace(name, Declared{file, node_file, &node});
        if (main && kind == kType) report_.model.types.try_emplace(name).first->second.name = name;
      };
    };
    ForEachDeclared(file, root.Find("resourceTypes"), declare(kResourceType));
    ForEachDeclared(file, root.Find("traits"), declare(kTrait));
    for (const char* section : {"types", "schemas"}) ForEachDeclared(file, root.Find(section), declare(kType));
    if (main)
      ForEachDeclared(file, root.Find("securitySchemes"), [&](const std::string& name, const std::string&, const YamlNode&) {
        report_.model.security_schemes.emplace_back().name = name;
      });
    const YamlNode* uses = root.Find("uses");
    if (!uses || !uses->is_mapping()) return;
    for (const auto& [name, reference] : uses->pairs) {
      if (!reference.is_scalar()) continue;
      auto path = Resolve(file, reference.scalar);
      if (!path.ok()) {
        Report(file, reference, path.status().message());
        continue;
      }
      scope.uses[name] = *path;
      auto entered = libraries_.Enter(*path);
      if (!entered) {
        Report(file, reference, entered.refusal());
        continue;
      }
      if (scopes_.count(*path)) continue;  // read already, through another path
      const YamlNode* library = LoadDocument(*path, {file, reference.line, reference.column, ""});
      if (library && library->is_mapping()) ReadDeclarations(*path, *library);
    }
  }

  // The declaration `name` ("paged", "lib.paged", "lib.inner.paged") refers to in `scope`'s
  // document, or nullptr. The main document also sees what the masters it extends declare.
  const Declared* Find(Kind kind, std::string scope, std::string name) const {
    while (true) {
      const auto found = scopes_.find(scope);
      if (found == scopes_.end()) break;
      if (const auto declared = found->second.declared[kind].find(name); declared != found->second.declared[kind].end())
        return &declared->second;
      const auto dot = name.find('.');
      const auto library = dot == std::string::npos ? found->second.uses.end() : found->second.uses.find(name.substr(0, dot));
      if (library == found->second.uses.end()) break;
      scope = library->second;
      name.erase(0, dot + 1);
    }
    return nullptr;
  }

  const Declared* FindVisible(Kind kind, const std::string& scope, const std::string& name) const {
    if (const Declared* declared = Find(kind, scope, name)) return declared;
    if (scope != main_file_) return nullptr;
    for (const auto& master : masters_)
      if (const Declared* declared = Find(kind, master, name)) return declared;
    return nullptr;
  }

  void ReadApi(const YamlNode& root, bool is_api) {
    const YamlNode* title = root.Find("title");
    if (is_api && (!title || title->is_null())) Report(main_file_, root, "the required property 'title' is missing");
    if (title && title->is_scalar()) report_.model.title = title->scalar;
    if (const YamlNode* version = root.Find("version"); version && version->is_scalar()) report_.model.version = version->scalar;
    if (const YamlNode* description = root.Find("description"); description && description->is_scalar())
      report_.model.description = description->scalar;
    if (const YamlNode* base = root.Find("baseUri"); base && base->is_scalar()) report_.model.base_uris.push_back(base->scalar);
    ReadMasters(root);
    auto main_scope = resource_includes_.Enter(main_file_);
    ReadResources(main_file_, root, "", 0);
  }

  // An overlay or extension names its master with `extends`; the master may be one too. The chain
  // is followed iteratively, each master's declarations visible to the main document; a master
  // that extends, directly or not, a document of the chain is a cycle.
  void ReadMasters(const YamlNode& root) {
    ResolutionStack chain("extends", options_.max_reference_depth);
    auto main_scope = chain.Enter(main_file_);
    std::vector<ResolutionStack::Scope> entered;
    std::string file = main_file_;
    const YamlNode* extends = root.Find("extends");
    while (extends && extends->is_scalar()) {
      auto path = Resolve(file, extends->scalar);
      if (!path.ok()) return Report(file, *extends, path.status().message());
      auto scope = chain.Enter(*path);
      if (!scope) return Report(file, *extends, scope.refusal());
      entered.push_back(std::move(scope));
      const YamlNode* master = LoadDocument(*path, {file, extends->line, extends->column, ""});
      if (!master || !master->is_mapping()) return;
      masters_.push_back(*path);
      if (!scopes_.count(*path))
        if (auto library_scope = libraries_.Enter(*path)) ReadDeclarations(*path, *master);
      file = *path;
      extends = master->Find("extends");
    }
  }

  // Nested resources, depth first. Their nesting is bounded twice: in total by max_nesting, and
  // across files by the !include chain (a resource including itself was reported by LoadDocument
  // and is not followed again here).
  void ReadResources(const std::string& file, const YamlNode& parent, const std::string& base, uint32_t depth) {
    for (const auto& [key, value] : parent.pairs) {
      if (key.empty() || key.front() != '/') continue;
      if (depth >= options_.max_nesting) {
        Report(file, value, "resources nest deeper than " + std::to_string(options_.max_nesting) + " levels");
        return;
      }
      Resource resource;
      resource.path = base + key;
      auto [resource_file, node] = Deref(file, &value);
      std::optional<ResolutionStack::Scope> included;
      if (value.tag == "!include" && node) {
        included.emplace(resource_includes_.Enter(resource_file));
        if (!*included) node = nullptr;
      }
      if (node && node->is_mapping()) {
        CheckUse(resource_file, node->Find("type"), kResourceType);
        CheckUse(resource_file, node->Find("is"), kTrait);
        for (const auto& [method, body] : node->pairs) {
          if (!IsMethod(method)) continue;
          Operation operation;
          operation.method = method;
          if (body.is_mapping()) {
            if (const YamlNode* name = body.Find("displayName"); name && name->is_scalar()) operation.operation_id = name->scalar;
            if (const YamlNode* description = body.Find("description"); description && description->is_scalar())
              operation.summary = description->scalar;
            CheckUse(resource_file, body.Find("is"), kTrait);
          }
          resource.operations.push_back(std::move(operation));
        }
      }
      report_.model.resources.push_back(resource);
      if (node && node->is_mapping()) ReadResources(resource_file, *node, resource.path, depth + 1);
    }
  }

  // Each name a `type:` or `is:` value uses: `name`, `{name: {params}}`, `[a, {b: {params}}]`.
  template <typename OnName>
  static void ForEachUsed(const YamlNode* use, OnName on_name) {
    if (!use) return;
    if (use->is_scalar() && !use->is_null()) on_name(use->scalar, *use);
    for (const auto& [name, params] : use->pairs) on_name(name, *use);
    for (const auto& item : use->items) {
      if (item.is_scalar()) on_name(item.scalar, item);
      for (const auto& [name, params] : item.pairs) on_name(name, item);
    }
  }

  // Each name used by a resource must be declared in the main document (or a library of it).
  void CheckUse(const std::string& file, const YamlNode* use, Kind kind) {
    ForEachUsed(use, [&](const std::string& name, const YamlNode& at) {
      if (!FindVisible(kind, main_file_, name))
        Report(file, at, std::string("the ") + (kind == kTrait ? "trait" : "resource type") + " '" + name +
                             "' is not declared");
    });
  }

  // A type may not inherit from itself, a resource type may not be of its own type and a trait
  // may not apply itself, directly or through others; a type's properties and items may refer to
  // it (that is a recursive type, which RAML allows). Each declaration is visited once.
  void CheckInheritance() {
    for (Kind kind : {kType, kTrait, kResourceType}) {
      ResolutionStack chain(kind == kType ? "type inheritance" : kind == kTrait ? "trait" : "resource type",
                            options_.max_reference_depth);
      std::set<const Declared*> done;
      for (const auto& [file, scope] : scopes_)
        for (const auto& [name, declared] : scope.declared[kind]) Visit(kind, declared, name, chain, done);
    }
  }

  void Visit(Kind kind, const Declared& declared, const std::string& name, ResolutionStack& chain,
             std::set<const Declared*>& done) {
    if (done.count(&declared)) return;
    auto entered = chain.Enter(DisplayName(declared, name));
    if (!entered) return;  // the caller reports it, at the reference
    auto [file, node] = Deref(declared.file, declared.node);
    if (node) {
      ForEachParent(kind, node, [&](const std::string& parent_name, const YamlNode& at) {
        const Declared* parent = Find(kind, declared.scope, parent_name);
        if (!parent) return;
        const std::string parent_display = DisplayName(*parent, parent_name);
        if (chain.Contains(parent_display) || chain.depth() >= options_.max_reference_depth) {
          auto refused = chain.Enter(parent_display);
          if (!refused) Report(file, at, refused.refusal());
          return;
        }
        Visit(kind, *parent, parent_name, chain, done);
      });
    }
    done.insert(&declared);
  }

  // How a cycle names a declaration: its name, qualified by its document unless that is the main one.
  std::string DisplayName(const Declared& declared, const std::string& name) const {
    const std::string local = name.substr(name.rfind('.') == std::string::npos ? 0 : name.rfind('.') + 1);
    return declared.scope == main_file_ ? name : declared.scope + "#" + local;
  }

  // What a declaration inherits from: a type's `type` (or `schema`) expression, inline types
  // included; a resource type's `type`; a trait's `is`.
  template <typename OnParent>
  void ForEachParent(Kind kind, const YamlNode* node, OnParent on_parent) {
    if (kind == kTrait) return ForEachUsed(node->Find("is"), on_parent);
    if (kind == kResourceType) return ForEachUsed(node->Find("type"), on_parent);
    if (node->is_scalar()) {
      for (const auto& name : InheritedNames(node->scalar)) on_parent(name, *node);
      return;
    }
    for (const char* key : {"type", "schema"}) {
      const YamlNode* base = node->Find(key);
      if (!base) continue;
      if (base->is_mapping()) ForEachParent(kind, base, on_parent);  // an inline type: bounded by nesting
      for (const auto& item : base->items)
        if (item.is_scalar())
          for (const auto& name : InheritedNames(item.scalar)) on_parent(name, item);
      if (base->is_scalar())
        for (const auto& name : InheritedNames(base->scalar)) on_parent(name, *base);
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
  ResolutionStack includes_, libraries_;
  ResolutionStack resource_includes_{"!include", options_.max_reference_depth};
  std::set<std::string> checked_;
  std::map<std::string, Scope> scopes_;  // by document
  std::vector<std::string> masters_;     // the documents the main one extends, nearest first
};

}  // namespace

SpecReport ReadRaml(const SpecSource& source, const std::string& main_file, const ReadOptions& options) {
  return RamlReader(source, main_file, options).Run();
}

}  // namespace agora::specs
