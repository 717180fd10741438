#include "specs/raml_annotations.h"

#include <algorithm>
#include <set>

namespace agora::specs::raml {
namespace {

const std::set<std::string>& Targets() {
  static const std::set<std::string> targets = {
      "API", "DocumentationItem", "Resource", "Method", "Response", "RequestBody", "ResponseBody", "TypeDeclaration",
      "Example", "ResourceType", "Trait", "SecurityScheme", "SecuritySchemeSettings", "AnnotationType", "Library",
      "Overlay", "Extension"};
  return targets;
}

std::vector<const RamlNode*> AllowedTargets(const RamlNode& declaration) {
  std::vector<const RamlNode*> out;
  const RamlNode* targets = declaration.is_mapping() ? declaration.Find("allowedTargets") : nullptr;
  if (!targets) return out;
  if (targets->is_scalar()) out.push_back(targets);
  for (const auto& item : targets->items) out.push_back(&item);
  return out;
}

}  // namespace

TypeRef Annotations::TypeOf(const Declaration& declaration) {
  if (const auto found = resolved_.find(declaration.node); found != resolved_.end()) return found->second;
  TypeRef& type = resolved_[declaration.node];
  type = types_.Resolve(*declaration.scope, *declaration.node, Site::kAnnotationType);
  return type;
}

void Annotations::Declare(const Declaration& declaration) {
  Check(*declaration.scope, *declaration.node, "AnnotationType");
  TypeOf(declaration);
  for (const RamlNode* target : AllowedTargets(*declaration.node))
    if (!target->is_scalar() || !Targets().count(target->scalar))
      context_.Report(*target, "'" + target->scalar + "' is not an annotation target");
}

void Annotations::Check(const Scope& scope, const RamlNode& node, const char* target) {
  // Most nodes carry no annotation: they are not even remembered (a later check would find none either).
  const auto annotation = [](const RamlPair& pair) { return !AnnotationName(pair.key).empty(); };
  if (!node.is_mapping() || std::none_of(node.pairs.begin(), node.pairs.end(), annotation) || !checked_.insert(&node).second)
    return;
  for (const auto& pair : node.pairs) {
    const std::string name = AnnotationName(pair.key);
    if (name.empty()) continue;
    const auto declared = context_.Lookup(scope, name, DeclKind::kAnnotationType);
    if (!declared) {
      context_.ReportKey(node, pair, "the annotation type '" + name + "' is not declared");
      continue;
    }
    const auto targets = AllowedTargets(*declared->node);
    // A body is a type declaration too.
    const std::string body = std::string(target).ends_with("Body") ? "TypeDeclaration" : target;
    if (!targets.empty() && std::none_of(targets.begin(), targets.end(),
                                         [&](const RamlNode* t) { return t->scalar == target || t->scalar == body; })) {
      std::string allowed;
      for (const RamlNode* t : targets) allowed += (allowed.empty() ? "" : ", ") + t->scalar;
      context_.ReportKey(node, pair, "the annotation '" + name + "' is not allowed on a " + target + " (allowed: " + allowed + ")");
    }
    // The annotation's type is resolved once the declarations are (it may be the very type this
    // annotation sits in).
    types_.Later([this, declared = *declared, value = &pair.value, name] {
      if (TypeRef type = TypeOf(declared)) types_.CheckLater(type, *value, "the value of annotation '" + name + "'");
    });
  }
}

}  // namespace agora::specs::raml
