#include "specs/raml_context.h"

namespace agora::specs::raml {

bool IsBuiltInType(std::string_view name) {
  for (const char* builtin : {"any", "nil", "string", "number", "integer", "boolean", "date-only", "time-only",
                              "datetime-only", "datetime", "file", "object", "array"})
    if (name == builtin) return true;
  return false;
}

std::string AnnotationName(std::string_view key) {
  if (key.size() < 3 || key.front() != '(' || key.back() != ')') return "";
  return std::string(key.substr(1, key.size() - 2));
}

Scope& Context::AddScope(const std::string& path, const RamlNode& root, const std::string& prefix) {
  if (auto found = by_path_.find(path); found != by_path_.end()) return *found->second;
  Scope& scope = scopes.emplace_back();
  by_path_[path] = &scope;
  scope.path = path;
  scope.prefix = prefix;
  scope.root = &root;
  if (!root.is_mapping()) return scope;
  ReadSection(scope, root, "types", DeclKind::kType);
  ReadSection(scope, root, "schemas", DeclKind::kType);
  ReadSection(scope, root, "traits", DeclKind::kTrait);
  ReadSection(scope, root, "resourceTypes", DeclKind::kResourceType);
  ReadSection(scope, root, "securitySchemes", DeclKind::kSecurityScheme);
  ReadSection(scope, root, "annotationTypes", DeclKind::kAnnotationType);
  const RamlNode* uses = root.Find("uses");
  if (!uses || uses->is_null()) return scope;
  if (!uses->is_mapping()) {
    Report(*uses, "'uses' must map library names to library files");
    return scope;
  }
  for (const auto& pair : uses->pairs) {
    const RamlNode& reference = pair.value;
    if (!reference.is_scalar() || reference.is_null()) {
      Report(reference, "the library '" + pair.key + "' must be given as a file path");
      continue;
    }
    auto library_path = loader.Resolve(loader.files()[reference.file], reference.scalar);
    if (!library_path.ok()) {
      Report(reference, library_path.status().message());
      continue;
    }
    // A library already read is shared; one still being read closes a cycle.
    if (const auto known = by_path_.find(*library_path); known != by_path_.end() && !libraries_.Contains(*library_path)) {
      scope.uses[pair.key] = known->second;
      continue;
    }
    auto entered = libraries_.Enter(*library_path);
    if (!entered) {
      Report(reference, entered.refusal());
      continue;
    }
    const RamlNode* library = loader.Load(*library_path, {loader.files()[reference.file], reference.line, reference.column, ""});
    if (!library) continue;
    const auto [version, kind] = loader.HeaderOf(*library_path);
    if (kind != "Library") {
      Report(reference, "'" + reference.scalar + "' is not a RAML 1.0 Library (its header must be #%RAML 1.0 Library)");
      continue;
    }
    scope.uses[pair.key] = &AddScope(*library_path, *library, prefix + pair.key + ".");
  }
  return scope;
}

void Context::ReadSection(Scope& scope, const RamlNode& root, const char* section, DeclKind kind) {
  const RamlNode* node = root.Find(section);
  if (!node || node->is_null()) return;
  auto& declared = scope.declared[static_cast<int>(kind)];
  auto add = [&](const RamlPair& pair) {
    if (!declared.emplace(pair.key, &pair.value).second) ReportKey(*node, pair, "'" + pair.key + "' is declared twice");
  };
  if (node->is_mapping()) {
    for (const auto& pair : node->pairs) add(pair);
  } else if (node->is_sequence() && raml08) {
    for (const auto& item : node->items)
      for (const auto& pair : item.pairs) add(pair);
  } else {
    Report(*node, std::string("'") + section + "' must be a mapping of names to declarations");
  }
}

Scope& Context::AddRootScope(const std::string& path, const RamlNode& root) {
  auto entered = libraries_.Enter(path);
  return AddScope(path, root, "");
}

std::optional<Declaration> Context::Lookup(const Scope& scope, std::string_view name, DeclKind kind) const {
  const auto& declared = scope.declared[static_cast<int>(kind)];
  if (const auto found = declared.find(std::string(name)); found != declared.end())
    return Declaration{&scope, found->second, found->first, scope.prefix + found->first};
  const auto dot = name.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto library = scope.uses.find(std::string(name.substr(0, dot)));
  if (library == scope.uses.end()) return std::nullopt;
  return Lookup(*library->second, name.substr(dot + 1), kind);
}

}  // namespace agora::specs::raml
