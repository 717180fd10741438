#include "specs/raml_reader.h"

#include <algorithm>
#include <deque>
#include <regex>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "specs/raml_annotations.h"
#include "specs/raml_context.h"
#include "specs/raml_overlays.h"
#include "specs/raml_security.h"
#include "specs/raml_templates.h"
#include "specs/raml_types.h"
#include "specs/resolution_stack.h"
#include "specs/spec_documents.h"

namespace agora::specs {
namespace {

using raml::AnnotationName;
using raml::DeclKind;
using raml::RamlNode;
using raml::RamlPair;
using raml::Scope;
using raml::Site;
using raml::TypeRef;

constexpr const char* kFragmentKinds[] = {"DataType", "Trait", "ResourceType", "SecurityScheme", "Library",
                                          "NamedExample", "DocumentationItem", "AnnotationTypeDeclaration",
                                          "Overlay", "Extension"};

bool IsMethod(const std::string& key, bool raml08) {
  static constexpr std::string_view kMethods[] = {"get", "patch", "put", "post", "delete", "head", "options"};
  for (const std::string_view method : kMethods)
    if (key == method) return true;
  return raml08 && (key == "trace" || key == "connect");
}

// A media type of RFC 6838: one of the registered top-level types (or a wildcard), a subtype.
bool IsMediaType(const std::string& text) {
  static const std::regex kMediaType(R"([A-Za-z0-9!#$&^_.+*-]+/[A-Za-z0-9!#$&^_.+*-]+(\s*;.*)?)");
  if (text.size() >= 256 || !std::regex_match(text, kMediaType)) return false;
  std::string top = text.substr(0, text.find('/'));
  for (auto& c : top) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // "mime/type" is the placeholder RAML's own examples write for "any media type".
  static const std::set<std::string> kTopLevel = {"application", "audio", "example", "font", "image", "message",
                                                  "model", "multipart", "text", "video", "mime", "*"};
  return kTopLevel.count(top) > 0;
}

// Braces of a URI template pair up and enclose a name: "/users/{id}".
bool IsUriTemplate(const std::string& text) {
  bool open = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') {
      if (open) return false;
      open = true;
      start = i;
    } else if (text[i] == '}') {
      if (!open || i == start + 1) return false;
      open = false;
    }
  }
  return !open;
}

std::vector<std::string> TemplateNames(const std::string& text) {
  std::vector<std::string> names;
  for (size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
    const size_t close = text.find('}', open);
    if (close == std::string::npos) break;
    std::string name = text.substr(open + 1, close - open - 1);
    if (!name.empty() && (name.front() == '+' || name.front() == '#')) name.erase(0, 1);
    names.push_back(name);
  }
  return names;
}

class RamlReader {
 public:
  RamlReader(const SpecSource& source, const std::string& main_file, const ReadOptions& options)
      : main_file_(main_file),
        options_(options),
        documents_(source, options, report_),
        loader_(documents_, report_, main_file, options) {}

  SpecReport Run() {
    report_.model.format = "raml";
    const std::string* text = documents_.Text(main_file_, {main_file_, 0, 0, ""});
    if (!text) return Finish();
    const auto [version, kind] = raml::ParseRamlHeader(*text);
    report_.model.format_version = version;
    report_.model.fragment_kind = kind;
    if (version.empty()) {
      report_.problems.push_back({main_file_, 1, 1, "the first line must be the RAML header (#%RAML 1.0 or 0.8)"});
      return Finish();
    }
    if (!kind.empty() && (version == "0.8" || std::find(std::begin(kFragmentKinds), std::end(kFragmentKinds), kind) ==
                                                  std::end(kFragmentKinds))) {
      report_.problems.push_back({main_file_, 1, 1, "unknown RAML fragment kind '" + kind + "'"});
      return Finish();
    }
    const RamlNode* root = loader_.Load(main_file_, {main_file_, 0, 0, ""});
    if (!root) return Finish();
    context_.emplace(loader_, version == "0.8", options_.max_reference_depth);
    types_.emplace(*context_);
    templates_.emplace(*context_);
    annotations_.emplace(*context_, *types_);
    security_.emplace(*context_, [this](const Scope& scope, const RamlNode& described) { ReadDescribedBy(scope, described); });
    types_->on_declaration = [this](const Scope& scope, const RamlNode& node) {
      annotations_->Check(scope, node, "TypeDeclaration");
    };
    types_->on_example = [this](const RamlNode& node) { annotations_->Check(*context_->root_scope, node, "Example"); };
    if (!root->is_mapping()) {
      if (kind.empty() || !root->is_null()) context_->Report(*root, "a RAML document must be a mapping");
      else if (kind != "NamedExample" && kind != "Trait" && kind != "ResourceType")
        context_->Report(*root, "the " + kind + " fragment is empty");
      if (kind.empty()) return Finish();
    }
    if (kind == "Overlay" || kind == "Extension") {
      ResolutionStack chain("extends", options_.max_reference_depth);
      auto entered = chain.Enter(main_file_);
      auto merged = raml::ApplyExtends(*context_, main_file_, *root, kind, chain);
      if (!merged) return Finish();
      merged_root_ = std::move(*merged);
      root = &merged_root_;
    }
    Scope& scope = context_->AddRootScope(main_file_, *root);
    context_->root_scope = &scope;
    ReadDeclarations();
    if (kind.empty() || kind == "Overlay" || kind == "Extension") ReadApi(scope, *root, kind);
    else ReadFragment(scope, *root, kind);
    types_->RunChecks();
    AddUnusedLibraryTypes();
    for (const auto& [name, type] : types_->named()) report_.model.types[name] = types_->ToShape(type, true);
    return Finish();
  }

 private:
  SpecReport Finish() {
    report_.model.files = loader_.files();
    return std::move(report_);
  }

  // Trees made while reading (resources with their resource types applied, methods with their
  // traits) live as long as the reading: the deferred value checks point into them.
  const RamlNode& Keep(RamlNode node) { return kept_.emplace_back(std::move(node)); }

  bool v08() const { return context_->raml08; }
  void Report(const RamlNode& at, std::string message) { context_->Report(at, std::move(message)); }
  SourceLocation Location(const RamlNode& node) const { return {loader_.files()[node.file], node.line, node.column}; }
  SourceLocation KeyLocation(const RamlPair& pair) const {
    return {loader_.files()[pair.value.file], pair.key_line ? pair.key_line : pair.value.line,
            pair.key_line ? pair.key_column : pair.value.column};
  }

  // Problems for the keys of `node` that are not in `allowed` (annotations always are). A list,
  // not a set: these are a few keys, checked for every method and response of the API.
  void CheckKeys(const RamlNode& node, std::initializer_list<std::string_view> allowed, std::string_view what) {
    for (const auto& pair : node.pairs)
      if (std::find(allowed.begin(), allowed.end(), pair.key) == allowed.end() && AnnotationName(pair.key).empty())
        context_->ReportKey(node, pair, "'" + pair.key + "' is not a property of " + std::string(what));
  }

  std::string Text(const RamlNode* node, const char* what, bool required = false) {
    if (!node) return "";
    if (node->is_scalar() && !node->is_null()) return node->scalar;
    if (node->is_mapping() && node->Find("value") && node->Find("value")->is_scalar()) {
      // A scalar-valued property written as {value, (annotation)...} to annotate it.
      CheckKeys(*node, {"value"}, std::string("'") + what + "'");
      annotations_->Check(*context_->root_scope, *node, "API");
      return node->Find("value")->scalar;
    }
    if (required || !node->is_null()) Report(*node, std::string("'") + what + "' must be a string");
    return "";
  }

  // ---- declarations: every scope's types, annotation types, security schemes and templates ----

  // Every scope's annotation types, security schemes and templates, and the main document's
  // types. A library's types are resolved when something uses them; the ones nothing uses are
  // resolved at the end without checking their examples (AddUnusedLibraryTypes).
  void ReadDeclarations() {
    for (size_t i = 0; i < context_->scopes.size(); ++i) {
      const Scope& scope = context_->scopes[i];
      if (&scope != context_->root_scope && scope.prefix.empty()) continue;  // combined and fragment scopes
      if (scope.root->is_mapping() && scope.root->Find("types") && scope.root->Find("schemas") && !v08())
        Report(*scope.root->Find("schemas"), "'types' and 'schemas' are mutually exclusive");
      for (const auto& [name, node] : scope.declared[static_cast<int>(DeclKind::kType)]) {
        if (raml::IsBuiltInType(name) && !v08()) Report(*node, "'" + name + "' is a built-in type and cannot be used to name a custom type");
        if (node->raml_header && node->fragment_kind != "DataType")
          Report(*node, "a type must be a DataType fragment, not " + FragmentName(*node));
        if (&scope == context_->root_scope) types_->Named({&scope, node, name, scope.prefix + name});
        annotations_->Check(scope, *node, "TypeDeclaration");
      }
      for (const auto& [name, node] : scope.declared[static_cast<int>(DeclKind::kAnnotationType)]) {
        if (node->raml_header && node->fragment_kind != "AnnotationTypeDeclaration")
          Report(*node, "an annotation type must be an AnnotationTypeDeclaration fragment, not " + FragmentName(*node));
        annotations_->Declare({&scope, node, name, scope.prefix + name});
      }
      for (const auto& [name, node] : scope.declared[static_cast<int>(DeclKind::kSecurityScheme)]) {
        if (node->raml_header && node->fragment_kind != "SecurityScheme")
          Report(*node, "a security scheme must be a SecurityScheme fragment, not " + FragmentName(*node));
        report_.model.security_schemes.push_back(security_->ReadScheme(scope, scope.prefix + name, *node));
        annotations_->Check(scope, *node, "SecurityScheme");
      }
      templates_->CheckCycles(scope);
      for (const auto& [name, node] : scope.declared[static_cast<int>(DeclKind::kTrait)]) CheckTemplate(scope, *node, "Trait");
      for (const auto& [name, node] : scope.declared[static_cast<int>(DeclKind::kResourceType)])
        CheckTemplate(scope, *node, "ResourceType");
    }
  }

  // A library is a unit of its own (published and checked as a Library fragment); here only the
  // parts the API uses are held to their examples, the rest is modelled as declared.
  void AddUnusedLibraryTypes() {
    types_->set_checking(false);
    for (size_t i = 0; i < context_->scopes.size(); ++i) {
      const Scope& scope = context_->scopes[i];
      if (scope.prefix.empty()) continue;
      for (const auto& [name, node] : scope.declared[static_cast<int>(DeclKind::kType)])
        types_->Named({&scope, node, name, scope.prefix + name});
    }
  }

  static std::string FragmentName(const RamlNode& node) {
    return node.fragment_kind.empty() ? "a RAML API" : "a " + node.fragment_kind + " fragment";
  }

  // What can be checked of a template before it is applied: its keys, and that its responses are
  // mappings (parameters may still fill in the rest).
  void CheckTemplate(const Scope& scope, const RamlNode& node, const std::string& kind) {
    const bool trait = kind == "Trait";
    if (node.raml_header && node.fragment_kind != kind)
      Report(node, "a " + std::string(trait ? "trait" : "resource type") + " must be a " + kind + " fragment, not " + FragmentName(node));
    if (!node.is_mapping()) {
      if (!node.is_null()) Report(node, std::string(trait ? "a trait" : "a resource type") + " must be a mapping");
      return;
    }
    std::set<std::string> keys = {"usage", "displayName", "description", "is", "securedBy", "uses"};
    if (trait) keys.insert({"queryParameters", "headers", "queryString", "responses", "body", "protocols"});
    else keys.insert({"type", "uriParameters", "baseUriParameters"});
    if (v08()) keys.insert({"baseUriParameters", "queryParameters", "headers", "responses", "body", "protocols"});
    for (const auto& pair : node.pairs) {
      std::string key = pair.key;
      if (!key.empty() && key.back() == '?') key.pop_back();
      if (keys.count(key) || !AnnotationName(key).empty() || key.find("<<") != std::string::npos) continue;
      if (!trait && IsMethod(key, v08())) {
        if (pair.value.is_mapping()) {
          CheckTemplateResponses(pair.value);
          CheckTemplateSchemas(pair.value);
        }
        continue;
      }
      if (!trait && !key.empty() && key.front() == '/') {
        context_->ReportKey(node, pair, "a resource type cannot declare nested resources");
        continue;
      }
      context_->ReportKey(node, pair, "'" + pair.key + "' is not a property of a " + (trait ? "trait" : "resource type"));
    }
    if (trait) {
      CheckTemplateResponses(node);
      CheckTemplateSchemas(node);
    }
  }

  // A template's bodies are typed where it is applied (its <<parameters>> are known there), but a
  // JSON Schema or XSD file it includes is complete as written: its references are checked here,
  // even when nothing applies the template.
  void CheckTemplateSchemas(const RamlNode& method) {
    auto check_body = [&](const RamlNode* body) {
      if (!body || !body->is_mapping()) return;
      auto check = [&](const RamlNode& declaration) {
        if (!declaration.is_mapping()) return;
        for (const char* key : {"type", "schema"})
          if (const RamlNode* text = declaration.Find(key); text && text->text) types_->CheckSchema(*text);
      };
      check(*body);
      for (const auto& pair : body->pairs) check(pair.value);
    };
    check_body(method.Find("body"));
    if (const RamlNode* responses = method.Find("responses"); responses && responses->is_mapping())
      for (const auto& pair : responses->pairs)
        if (pair.value.is_mapping()) check_body(pair.value.Find("body"));
  }

  void CheckTemplateResponses(const RamlNode& method) {
    const RamlNode* responses = method.Find("responses");
    if (!responses || !responses->is_mapping()) return;
    for (const auto& pair : responses->pairs)
      if (pair.value.is_scalar() && !pair.value.is_null() && pair.value.scalar.find("<<") == std::string::npos)
        Report(pair.value, "a response must be a mapping");
  }

  // ---- the API ----

  void ReadApi(const Scope& scope, const RamlNode& root, const std::string& kind) {
    ApiModel& model = report_.model;
    std::set<std::string> keys = {"title", "description", "version", "baseUri", "baseUriParameters", "protocols",
                                  "mediaType", "documentation", "schemas", "types", "traits", "resourceTypes",
                                  "annotationTypes", "securitySchemes", "securedBy", "uses"};
    if (v08()) keys = {"title", "version", "baseUri", "baseUriParameters", "protocols", "mediaType", "schemas",
                       "uriParameters", "documentation", "traits", "resourceTypes", "securitySchemes", "securedBy"};
    if (!kind.empty()) keys.insert({"extends", "usage"});
    for (const auto& pair : root.pairs)
      if (!keys.count(pair.key) && AnnotationName(pair.key).empty() && (pair.key.empty() || pair.key.front() != '/'))
        context_->ReportKey(root, pair, "'" + pair.key + "' is not a property of a RAML API");
    annotations_->Check(scope, root, kind.empty() ? "API" : kind.c_str());
    const RamlNode* title = root.Find("title");
    if (!title || title->is_null()) Report(title ? *title : root, "the required property 'title' is missing");
    else if (!title->is_scalar() && !(title->is_mapping() && title->Find("value"))) Report(*title, "'title' must be a string");
    else model.title = Text(title, "title");
    if (title && title->is_scalar() && title->quoted && title->scalar.empty()) Report(*title, "'title' must not be empty");
    model.version = Text(root.Find("version"), "version");
    model.description = Text(root.Find("description"), "description");
    ReadBaseUri(scope, root);
    if (const RamlNode* protocols = root.Find("protocols")) model.protocols = ReadProtocols(*protocols);
    if (const RamlNode* media = root.Find("mediaType")) ReadMediaTypes(*media);
    if (const RamlNode* documentation = root.Find("documentation")) ReadDocumentation(scope, *documentation);
    if (const RamlNode* secured = root.Find("securedBy")) model.security = security_->ReadSecuredBy(scope, *secured);
    std::unordered_set<std::string> paths;
    ReadResources(scope, root, "", {}, paths);
  }

  void ReadBaseUri(const Scope& scope, const RamlNode& root) {
    const RamlNode* base = root.Find("baseUri");
    std::vector<std::string> names;
    if (base && !base->is_null()) {
      const std::string uri = Text(base, "baseUri");
      if (!uri.empty()) {
        report_.model.base_uris.push_back(uri);
        if (!IsUriTemplate(uri)) Report(*base, "'" + uri + "' is not a valid URI template");
        names = TemplateNames(uri);
      }
    }
    if (const RamlNode* parameters = root.Find("baseUriParameters")) {
      if (!base) Report(*parameters, "'baseUriParameters' needs a 'baseUri'");
      ReadParameters(scope, *parameters, "base", true, report_.model.base_uri_parameters);
      for (const auto& parameter : report_.model.base_uri_parameters)
        if (parameter.name == "version" && !v08()) Report(*parameters, "'version' is a reserved base URI parameter");
    }
    for (const auto& name : names) {
      if (name == "version" && !root.Find("version") && base) Report(*base, "the base URI uses {version} but the API has no 'version'");
      const bool declared = std::any_of(report_.model.base_uri_parameters.begin(), report_.model.base_uri_parameters.end(),
                                        [&](const Parameter& p) { return p.name == name; });
      if (!declared && name != "version") {
        Parameter implicit;
        implicit.name = name;
        implicit.in = "base";
        implicit.required = true;
        implicit.shape.emplace_back().type = "string";
        report_.model.base_uri_parameters.push_back(implicit);
      }
    }
  }

  std::vector<std::string> ReadProtocols(const RamlNode& node) {
    std::vector<std::string> protocols;
    if (node.is_scalar() && !node.is_null()) {
      RamlNode list;
      list.kind = RamlNode::Kind::kSequence;
      list.items.push_back(node);
      return ReadProtocols(Keep(std::move(list)));
    }
    if (!node.is_sequence() || node.items.empty()) {
      Report(node, "'protocols' must be a non-empty list of HTTP and/or HTTPS");
      return protocols;
    }
    for (const auto& item : node.items) {
      std::string upper = item.scalar;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (!item.is_scalar() || (upper != "HTTP" && upper != "HTTPS")) Report(item, "'" + item.scalar + "' is not a protocol (HTTP or HTTPS)");
      else protocols.push_back(upper);
    }
    return protocols;
  }

  void ReadMediaTypes(const RamlNode& node) {
    std::vector<const RamlNode*> items;
    if (node.is_scalar() && !node.is_null()) items.push_back(&node);
    else if (node.is_sequence() && !node.items.empty())
      for (const auto& item : node.items) items.push_back(&item);
    else Report(node, "'mediaType' must be a media type or a list of them");
    for (const RamlNode* item : items) {
      if (!item->is_scalar() || !KnownMediaType(item->scalar)) Report(*item, "'" + item->scalar + "' is not a valid media type");
      else report_.model.media_types.push_back(item->scalar);
    }
  }

  void ReadDocumentation(const Scope& scope, const RamlNode& node) {
    if (!node.is_sequence()) {
      Report(node, "'documentation' must be a list of {title, content} items");
      return;
    }
    for (const auto& item : node.items) ReadDocumentationItem(scope, item);
  }

  void ReadDocumentationItem(const Scope& scope, const RamlNode& item) {
    if (!item.is_mapping()) {
      Report(item, "a documentation item must be a mapping with 'title' and 'content'");
      return;
    }
    CheckKeys(item, {"title", "content"}, "a documentation item");
    annotations_->Check(scope, item, "DocumentationItem");
    DocumentationItem out;
    const RamlNode* title = item.Find("title");
    const RamlNode* content = item.Find("content");
    if (!title || title->is_null() || (title->is_scalar() && title->scalar.empty())) Report(title ? *title : item, "a documentation item needs a 'title'");
    if (!content || content->is_null() || (content->is_scalar() && content->scalar.empty()))
      Report(content ? *content : item, "a documentation item needs 'content'");
    out.title = Text(title, "title");
    out.content = Text(content, "content");
    report_.model.documentation.push_back(out);
  }

  // ---- resources and methods ----

  static constexpr size_t kMaxResourceNesting = 512;

  void ReadResources(const Scope& scope, const RamlNode& parent, const std::string& base,
                     const std::vector<Parameter>& inherited, std::unordered_set<std::string>& paths, size_t depth = 0) {
    if (depth >= kMaxResourceNesting) {
      if (!nesting_reported_) Report(parent, "resources nest deeper than " + std::to_string(kMaxResourceNesting) + " levels");
      nesting_reported_ = true;
      return;
    }
    for (const auto& pair : parent.pairs) {
      if (pair.key.empty() || pair.key.front() != '/') continue;
      const std::string path = base + pair.key;
      if (!IsUriTemplate(pair.key)) context_->ReportKey(parent, pair, "'" + pair.key + "' is not a valid resource path");
      if (!paths.insert(path).second) context_->ReportKey(parent, pair, "the resource " + path + " is declared twice");
      const RamlNode& node = pair.value;
      if (!node.is_mapping() && !node.is_null()) {
        Report(node, "the resource " + path + " must be a mapping");
        continue;
      }
      if (node.raml_header) Report(node, "a resource cannot be a " + node.fragment_kind + " fragment");
      const RamlNode& effective = Untemplated(node, {node.Find("type")}) ? node : AppliedResourceType(scope, node, path);
      Resource resource;
      resource.path = path;
      resource.location = KeyLocation(pair);
      std::vector<std::string> enclosing = uri_names_;
      for (const auto& name : TemplateNames(base)) uri_names_.push_back(name);
      ReadResource(scope, effective, pair.key, inherited, resource);
      uri_names_ = enclosing;
      // What the nested resources inherit (a copy of every parameter: only when there are some).
      std::vector<Parameter> uri_parameters;
      if (std::any_of(node.pairs.begin(), node.pairs.end(), [](const RamlPair& p) { return p.key.starts_with('/'); })) {
        uri_parameters = inherited;
        uri_parameters.insert(uri_parameters.end(), resource_uri_parameters_.begin(), resource_uri_parameters_.end());
      }
      report_.model.resources.push_back(std::move(resource));
      ReadResources(scope, node, path, uri_parameters, paths, depth + 1);
    }
  }

  // A resource or method mapping that uses no resource type or trait is read as written: a copy
  // with nothing applied would be the same tree (a large API has thousands of them, and copying
  // and freeing them was a fifth of reading one).
  static bool Untemplated(const RamlNode& node, const std::vector<const RamlNode*>& uses) {
    return node.is_mapping() && std::all_of(uses.begin(), uses.end(), [](const RamlNode* use) { return !use || use->is_null(); });
  }

  const RamlNode& AppliedResourceType(const Scope& scope, const RamlNode& node, const std::string& path) {
    RamlNode applied = templates_->ApplyResourceType(scope, node, path);
    if (applied.is_null()) applied.kind = RamlNode::Kind::kMapping;
    return Keep(std::move(applied));
  }

  std::vector<Parameter> resource_uri_parameters_;
  std::vector<std::string> uri_names_;  // the parameters of the enclosing resources' paths
  bool nesting_reported_ = false;

  void ReadResource(const Scope& scope, const RamlNode& node, const std::string& segment,
                    const std::vector<Parameter>& inherited, Resource& resource) {
    static const std::set<std::string, std::less<>> kKeys = {"displayName", "description", "is", "type", "securedBy", "uriParameters"};
    for (const auto& pair : node.pairs)
      if (!kKeys.count(pair.key) && !(v08() && pair.key == "baseUriParameters") && AnnotationName(pair.key).empty() &&
          !IsMethod(pair.key, v08()) &&
          (pair.key.empty() || pair.key.front() != '/'))
        context_->ReportKey(node, pair, "'" + pair.key + "' is not a property of a resource");
    annotations_->Check(Templates::ScopeOf(node, scope), node, "Resource");
    resource.display_name = Text(node.Find("displayName"), "displayName");
    resource.description = Text(node.Find("description"), "description");
    resource_uri_parameters_.clear();
    if (const RamlNode* parameters = node.Find("uriParameters"))
      ReadParameters(Templates::ScopeOf(*parameters, scope), *parameters, "path", true, resource_uri_parameters_);
    const std::vector<std::string> own_names = TemplateNames(segment);
    for (const auto& parameter : resource_uri_parameters_)
      if (std::find(uri_names_.begin(), uri_names_.end(), parameter.name) == uri_names_.end() &&
          std::find(own_names.begin(), own_names.end(), parameter.name) == own_names.end())
        context_->loader.Report(context_->loader.FileIndex(parameter.location.file), parameter.location.line,
                                parameter.location.column, "the URI parameter '" + parameter.name + "' is not in the resource's path");
    for (const auto& name : own_names) {
      const bool declared = std::any_of(resource_uri_parameters_.begin(), resource_uri_parameters_.end(),
                                        [&](const Parameter& p) { return p.name == name; });
      if (!declared) {
        Parameter implicit;
        implicit.name = name;
        implicit.in = "path";
        implicit.required = true;
        implicit.shape.emplace_back().type = "string";
        implicit.location = resource.location;
        resource_uri_parameters_.push_back(std::move(implicit));
      }
    }
    std::vector<Parameter> path_parameters;
    path_parameters.reserve(inherited.size() + resource_uri_parameters_.size());
    path_parameters.insert(path_parameters.end(), inherited.begin(), inherited.end());
    path_parameters.insert(path_parameters.end(), resource_uri_parameters_.begin(), resource_uri_parameters_.end());
    const std::vector<SecurityRequirement> secured =
        node.Find("securedBy") ? security_->ReadSecuredBy(Templates::ScopeOf(*node.Find("securedBy"), scope), *node.Find("securedBy"))
                               : report_.model.security;
    for (const auto& pair : node.pairs) {
      if (!IsMethod(pair.key, v08())) continue;
      if (!pair.value.is_mapping() && !pair.value.is_null()) {
        Report(pair.value, "the method " + pair.key + " must be a mapping");
        continue;
      }
      const std::vector<const RamlNode*> traits = {pair.value.Find("is"), node.Find("is")};
      const RamlNode& method =
          Untemplated(pair.value, traits) ? pair.value : Keep(templates_->ApplyTraits(scope, pair.value, traits, pair.key, resource.path));
      Operation operation = ReadMethod(scope, method, pair.key, path_parameters, secured);
      operation.location = KeyLocation(pair);
      resource.operations.push_back(std::move(operation));
    }
  }

  Operation ReadMethod(const Scope& scope, const RamlNode& method, const std::string& name,
                       const std::vector<Parameter>& path_parameters, const std::vector<SecurityRequirement>& secured) {
    Operation operation;
    operation.method = name;
    if (v08())
      CheckKeys(method, {"displayName", "description", "queryParameters", "headers", "responses", "body", "protocols", "is",
                         "securedBy", "baseUriParameters"},
                "a method");
    else
      CheckKeys(method, {"displayName", "description", "queryParameters", "headers", "queryString", "responses", "body",
                         "protocols", "is", "securedBy"},
                "a method");
    annotations_->Check(Templates::ScopeOf(method, scope), method, "Method");
    operation.operation_id = Text(method.Find("displayName"), "displayName");
    operation.description = Text(method.Find("description"), "description");
    operation.parameters = path_parameters;
    if (const RamlNode* query = method.Find("queryParameters"))
      ReadParameters(Templates::ScopeOf(*query, scope), *query, "query", !v08(), operation.parameters);
    if (const RamlNode* query_string = method.Find("queryString")) {
      if (method.Find("queryParameters")) Report(*query_string, "'queryString' and 'queryParameters' are mutually exclusive");
      ReadQueryString(Templates::ScopeOf(*query_string, scope), *query_string, operation.parameters);
    }
    if (const RamlNode* headers = method.Find("headers"))
      ReadParameters(Templates::ScopeOf(*headers, scope), *headers, "header", !v08(), operation.parameters);
    if (const RamlNode* body = method.Find("body")) {
      ReadBodies(Templates::ScopeOf(*body, scope), *body, "RequestBody", operation.request_bodies);
      if (name == "get" || name == "head") {
        // RAML allows a body on any method; HTTP gives it no meaning on GET and HEAD.
      }
    }
    if (const RamlNode* responses = method.Find("responses")) ReadResponses(Templates::ScopeOf(*responses, scope), *responses, operation.responses);
    if (const RamlNode* protocols = method.Find("protocols")) ReadProtocols(*protocols);
    operation.security = secured;
    if (const RamlNode* own = method.Find("securedBy")) operation.security = security_->ReadSecuredBy(Templates::ScopeOf(*own, scope), *own);
    return operation;
  }

  void ReadQueryString(const Scope& scope, const RamlNode& node, std::vector<Parameter>& out) {
    TypeRef type = types_->Resolve(scope, node, Site::kBody);
    if (type && raml::IsScalarKind(type->kind)) Report(node, "'queryString' must be an object type");
    Parameter parameter;
    parameter.name = "queryString";
    parameter.in = "query";
    parameter.required = true;
    parameter.shape.push_back(types_->ToShape(type));
    parameter.location = Location(node);
    out.push_back(std::move(parameter));
  }

  // Named parameters: uriParameters, queryParameters, headers, baseUriParameters.
  void ReadParameters(const Scope& scope, const RamlNode& node, const std::string& in, bool required_default,
                      std::vector<Parameter>& out) {
    if (node.is_null()) return;
    if (!node.is_mapping()) {
      Report(node, "parameters must be a mapping of names to declarations");
      return;
    }
    for (const auto& pair : node.pairs) {
      if (!AnnotationName(pair.key).empty()) continue;
      Parameter parameter;
      parameter.name = pair.key;
      parameter.in = in;
      parameter.required = in == "path" || in == "base" || required_default;
      if (!v08() && !parameter.name.empty() && parameter.name.back() == '?' && in != "path" && in != "base") {
        parameter.name.pop_back();
        parameter.required = false;
      }
      const RamlNode& declaration = pair.value;
      if (v08() && declaration.is_sequence()) {
        for (const auto& item : declaration.items) ReadParameter08(scope, item, parameter);
      } else {
        if (const RamlNode* required = declaration.Find("required"); required && required->is_scalar())
          parameter.required = required->scalar == "true";
        TypeRef type = types_->Resolve(Templates::ScopeOf(declaration, scope), declaration, Site::kParameter);
        if (type && type->kind == raml::TypeKind::kSchema && !v08())
          Report(declaration, "the parameter '" + parameter.name + "' cannot be typed by a JSON or XML schema (only bodies can)");
        parameter.shape.push_back(types_->ToShape(type));
        if (type) parameter.examples = type->examples;
        if (in == "path" || in == "base") CheckUriParameterValues(declaration);
      }
      parameter.description = declaration.is_mapping() ? Text(declaration.Find("description"), "description") : "";
      parameter.location = KeyLocation(pair);
      annotations_->Check(scope, declaration, "TypeDeclaration");
      out.push_back(std::move(parameter));
    }
  }

  void ReadParameter08(const Scope& scope, const RamlNode& item, Parameter& parameter) {
    TypeRef type = types_->Resolve(scope, item, Site::kParameter);
    parameter.shape.push_back(types_->ToShape(type));
  }

  // URI parameter values (default, enum, example) become part of a path segment: no '/'.
  void CheckUriParameterValues(const RamlNode& declaration) {
    auto check = [&](const RamlNode& value) {
      if (value.is_scalar() && value.scalar.find('/') != std::string::npos)
        Report(value, "the URI parameter value '" + value.scalar + "' must not contain '/'");
    };
    if (!declaration.is_mapping()) return;
    if (const RamlNode* value = declaration.Find("default")) check(*value);
    if (const RamlNode* value = declaration.Find("example")) check(*value);
    if (const RamlNode* values = declaration.Find("enum"))
      for (const auto& item : values->items) check(item);
    if (const RamlNode* examples = declaration.Find("examples"); examples && examples->is_mapping())
      for (const auto& pair : examples->pairs) check(pair.value.is_mapping() && pair.value.Find("value") ? *pair.value.Find("value") : pair.value);
  }

  // IsMediaType, remembered: an API names the same few media types in every body.
  bool KnownMediaType(const std::string& text) {
    const auto [known, added] = media_types_.try_emplace(text, false);
    if (added) known->second = IsMediaType(text);
    return known->second;
  }
  std::unordered_map<std::string, bool> media_types_;

  bool HasMediaTypeKeys(const RamlNode& body) {
    return body.is_mapping() &&
           std::any_of(body.pairs.begin(), body.pairs.end(), [](const RamlPair& p) { return p.key.find('/') != std::string::npos; });
  }

  void ReadBodies(const Scope& scope, const RamlNode& body, const char* target, std::vector<Body>& out) {
    if (body.is_null()) return;
    if (HasMediaTypeKeys(body)) {
      for (const auto& pair : body.pairs) {
        if (!AnnotationName(pair.key).empty()) continue;
        if (!KnownMediaType(pair.key)) {
          context_->ReportKey(body, pair, "'" + pair.key + "' is not a media type");
          continue;
        }
        out.push_back(ReadBody(Templates::ScopeOf(pair.value, scope), pair.value, pair.key, target));
      }
      return;
    }
    if (report_.model.media_types.empty() && !v08()) {
      const RamlNode* media = context_->root_scope->root->Find("mediaType");
      if (!media) {
        Report(body, "a body without media types needs the API's default 'mediaType'");
        out.push_back(ReadBody(scope, body, "", target));
        return;
      }
    }
    for (const auto& media_type : report_.model.media_types.empty() ? std::vector<std::string>{""} : report_.model.media_types)
      out.push_back(ReadBody(scope, body, media_type, target));
  }

  Body ReadBody(const Scope& scope, const RamlNode& declaration, const std::string& media_type, const char* target) {
    Body body;
    body.media_type = media_type;
    body.location = Location(declaration);
    annotations_->Check(scope, declaration, target);  // before the declaration's own check as a type
    TypeRef type = types_->Resolve(scope, declaration, Site::kBody);
    if (v08() && declaration.is_mapping())
      if (const RamlNode* form = declaration.Find("formParameters")) {
        std::vector<Parameter> parameters;
        ReadParameters(scope, *form, "form", false, parameters);
        Shape shape;
        shape.type = "object";
        for (auto& parameter : parameters)
          shape.properties.push_back({parameter.name, parameter.required, false, parameter.shape, parameter.location});
        body.shape.push_back(std::move(shape));
      }
    if (body.shape.empty()) body.shape.push_back(types_->ToShape(type));
    if (type) body.examples = type->examples;
    annotations_->Check(scope, declaration, target);
    return body;
  }

  void ReadResponses(const Scope& scope, const RamlNode& node, std::vector<Response>& out) {
    if (node.is_null()) return;
    if (!node.is_mapping()) {
      Report(node, "'responses' must map status codes to responses");
      return;
    }
    for (const auto& pair : node.pairs) {
      if (!AnnotationName(pair.key).empty()) continue;
      Response response;
      response.status = pair.key;
      response.location = KeyLocation(pair);
      const bool numeric = !pair.key.empty() && std::all_of(pair.key.begin(), pair.key.end(), ::isdigit);
      if (!numeric || pair.key.size() != 3 || pair.key < "100" || pair.key > "599")
        context_->ReportKey(node, pair, "'" + pair.key + "' is not an HTTP status code (100 to 599)");
      const RamlNode& value = pair.value;
      if (!value.is_mapping() && !value.is_null()) {
        Report(value, "a response must be a mapping");
        continue;
      }
      CheckKeys(value, {"description", "headers", "body"}, "a response");
      const Scope& here = Templates::ScopeOf(value, scope);
      annotations_->Check(here, value, "Response");
      response.description = Text(value.Find("description"), "description");
      if (const RamlNode* headers = value.Find("headers")) ReadParameters(here, *headers, "header", !v08(), response.headers);
      if (const RamlNode* body = value.Find("body")) ReadBodies(here, *body, "ResponseBody", response.bodies);
      out.push_back(std::move(response));
    }
  }

  void ReadDescribedBy(const Scope& scope, const RamlNode& described) {
    CheckKeys(described, {"headers", "queryParameters", "queryString", "responses"}, "describedBy");
    std::vector<Parameter> parameters;
    std::vector<Response> responses;
    if (const RamlNode* headers = described.Find("headers")) ReadParameters(scope, *headers, "header", true, parameters);
    if (const RamlNode* query = described.Find("queryParameters")) ReadParameters(scope, *query, "query", true, parameters);
    if (const RamlNode* query = described.Find("queryString")) ReadQueryString(scope, *query, parameters);
    if (const RamlNode* node = described.Find("responses")) ReadResponses(scope, *node, responses);
  }

  // ---- fragments as the main file ----

  void ReadFragment(const Scope& scope, const RamlNode& document, const std::string& kind) {
    const RamlNode& root = kind == "Library" ? document : Keep(WithoutUses(document));
    if (kind == "Library") {
      CheckKeys(root, {"usage", "uses", "types", "schemas", "resourceTypes", "traits", "securitySchemes", "annotationTypes"},
                "a library");
      annotations_->Check(scope, root, "Library");
    } else if (kind == "DataType") {
      // The fragment's type, named after its file ("person.raml" declares "person").
      TypeRef type = types_->Resolve(scope, root, Site::kDeclaration);
      std::string name = main_file_.substr(main_file_.rfind('/') + 1);
      name = name.substr(0, name.find('.'));
      if (type) report_.model.types[name] = types_->ToShape(type, true);
    } else if (kind == "AnnotationTypeDeclaration") {
      types_->Resolve(scope, root, Site::kAnnotationType);
    } else if (kind == "SecurityScheme") {
      report_.model.security_schemes.push_back(security_->ReadScheme(scope, "SecurityScheme", root));
    } else if (kind == "DocumentationItem") {
      ReadDocumentationItem(scope, root);
    } else if (kind == "Trait" || kind == "ResourceType") {
      CheckTemplate(scope, root, kind);
    } else if (kind == "NamedExample") {
      if (!root.is_mapping()) Report(root, "a NamedExample fragment maps example names to examples");
    }
  }

  // A fragment's own content: the document less its `uses`.
  RamlNode WithoutUses(const RamlNode& root) {
    RamlNode copy = root;
    std::erase_if(copy.pairs, [](const RamlPair& p) { return p.key == "uses"; });
    return copy;
  }

  using Templates = raml::Templates;

  const std::string main_file_;
  const ReadOptions& options_;
  SpecReport report_;
  DocumentSet documents_;
  raml::RamlLoader loader_;
  std::optional<raml::Context> context_;
  std::optional<raml::TypeSystem> types_;
  std::optional<raml::Templates> templates_;
  std::optional<raml::Annotations> annotations_;
  std::optional<raml::Security> security_;
  RamlNode merged_root_;
  std::deque<RamlNode> kept_;
};

}  // namespace

SpecReport ReadRaml(const SpecSource& source, const std::string& main_file, const ReadOptions& options) {
  return RamlReader(source, main_file, options).Run();
}

}  // namespace agora::specs
