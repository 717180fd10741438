// Internal to the RAML reader: annotation types and their use. An annotation type is a type
// declaration that may name `allowedTargets` (API, DocumentationItem, Resource, Method, Response,
// RequestBody, ResponseBody, TypeDeclaration, Example, ResourceType, Trait, SecurityScheme,
// SecuritySchemeSettings, AnnotationType, Library, Overlay, Extension); an annotation `(name)` on
// a node must name a declared annotation type (library-qualified or not), be allowed on that kind
// of node, and carry a value of its type.
//
// Thread safety: one Annotations per reading, used by one thread.
#pragma once

#include <map>
#include <set>
#include <string>

#include "specs/raml_context.h"
#include "specs/raml_types.h"

namespace agora::specs::raml {

class Annotations {
 public:
  Annotations(Context& context, TypeSystem& types) : context_(context), types_(types) {}

  // Checks a declared annotation type (its type and allowedTargets).
  void Declare(const Declaration& declaration);
  // Checks every `(name)` key of `node`, which is a node of kind `target`.
  void Check(const Scope& scope, const RamlNode& node, const char* target);

 private:
  TypeRef TypeOf(const Declaration& declaration);

  Context& context_;
  TypeSystem& types_;
  std::map<const RamlNode*, TypeRef> resolved_;
  std::set<const RamlNode*> checked_;  // nodes whose annotations were checked
};

}  // namespace agora::specs::raml
