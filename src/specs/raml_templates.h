// Internal to the RAML reader: resource types and traits, applied as the RAML specification says.
// A use names a declaration (`type: collection`, `is: [secured, {paged: {size: 10}}]`) with
// parameters; the declaration is copied with `<<parameter>>` and `<<parameter | !function>>`
// replaced (resourcePath, resourcePathName and methodName are reserved; the functions are
// singularize, pluralize and the case conversions), then merged into the resource or method: what
// the resource or method says itself wins, mappings merge key by key, `key?` (optional) methods and
// properties only apply where the target has them. A resource type may itself have a type; a cycle
// of them is a problem, as are an unknown template, a missing parameter and an unknown function.
//
// Names inside an applied template resolve in the template's scope first, then the user's (see
// RamlNode::scope).
//
// Thread safety: one Templates per reading, used by one thread.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "specs/raml_context.h"
#include "specs/resolution_stack.h"

namespace agora::specs::raml {

class Templates {
 public:
  explicit Templates(Context& context) : context_(context) {}

  // `resource` with its resource type (and that one's types) merged in. `path` is the resource's
  // full path ("/users/{id}"), for <<resourcePath>> and <<resourcePathName>>.
  RamlNode ApplyResourceType(const Scope& scope, const RamlNode& resource, const std::string& path);
  // `method` with the traits of `uses` (the resource's `is` and the method's own) merged in.
  RamlNode ApplyTraits(const Scope& scope, const RamlNode& method, const std::vector<const RamlNode*>& uses,
                       const std::string& method_name, const std::string& path);

  // Reports the cycles among `scope`'s resource types (through `type`) and traits (through `is`),
  // each once, where the reference that closes it is written.
  void CheckCycles(const Scope& scope);

  // The scope whose declarations are `inner`'s, then `outer`'s (built once per pair).
  const Scope& Combine(const Scope& inner, const Scope& outer);
  // Where names in `node` resolve: the scope a template gave it, else `fallback`.
  static const Scope& ScopeOf(const RamlNode& node, const Scope& fallback) { return node.scope ? *node.scope : fallback; }

  // Applies a template function (singularize, uppercase, ...); false when it is unknown.
  static bool ApplyFunction(const std::string& function, std::string& text);

 private:
  struct Use {
    std::string name;
    const RamlNode* parameters = nullptr;
    const RamlNode* at = nullptr;
  };
  static std::vector<Use> UsesOf(const RamlNode& node);
  // The declaration named by `use`, instantiated: parameters replaced, scope marked.
  std::optional<RamlNode> Instantiate(const Scope& scope, const Use& use, DeclKind kind,
                                      const std::map<std::string, std::string>& reserved, const Scope*& declared_in,
                                      const RamlNode* target = nullptr);
  void Substitute(RamlNode& node, const std::map<std::string, const RamlNode*>& parameters,
                  const std::map<std::string, std::string>& reserved, const std::string& template_name);
  bool SubstituteText(std::string& text, const RamlNode& at, const std::map<std::string, const RamlNode*>& parameters,
                      const std::map<std::string, std::string>& reserved, const std::string& template_name,
                      const RamlNode** whole);
  void Merge(RamlNode& target, const RamlNode& source, bool methods_optional);
  void Follow(const Scope& scope, const RamlNode& declaration, DeclKind kind, ResolutionStack& chain);

  Context& context_;
  std::set<const RamlNode*> applying_;
  std::set<const RamlNode*> followed_;  // declarations whose references CheckCycles has explored
  std::map<std::pair<const Scope*, const Scope*>, const Scope*> combined_;
};

}  // namespace agora::specs::raml
