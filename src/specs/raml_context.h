// Internal to the RAML reader: what the parts of the reader (types, templates, security,
// annotations, overlays) share while reading one RAML document: the loader with its files and
// problem list, and the scopes of declarations. A scope is one document that declares things:
// the API (or fragment) itself and every library it `uses:`, each with the names it declares and
// the libraries it uses in turn. Names resolve as RAML says: a plain name in the scope it is
// written in, `lib.Name` through that scope's `uses:`.
//
// Thread safety: one Context per reading, used by one thread.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "specs/raml_node.h"
#include "specs/resolution_stack.h"

namespace agora::specs::raml {

enum class DeclKind { kType, kTrait, kResourceType, kSecurityScheme, kAnnotationType };

struct Scope {
  std::string path;    // the document's archive path
  std::string prefix;  // how the API names what this scope declares: "" for the API, "lib." for a library
  const RamlNode* root = nullptr;
  std::map<std::string, const RamlNode*> declared[5];  // by DeclKind
  std::map<std::string, const Scope*> uses;
};

struct Declaration {
  const Scope* scope = nullptr;
  const RamlNode* node = nullptr;
  std::string name;       // as declared
  std::string qualified;  // as the model names it (prefix + name)
};

class Context {
 public:
  Context(RamlLoader& loader, bool raml08, uint32_t max_depth)
      : loader(loader), raml08(raml08), max_depth(max_depth), libraries_("library", max_depth) {}

  // The scope of a document (the API, a fragment, a library); built once per path.
  Scope& AddScope(const std::string& path, const RamlNode& root, const std::string& prefix);
  // The main document's scope (the start of every `uses` chain).
  Scope& AddRootScope(const std::string& path, const RamlNode& root);
  std::optional<Declaration> Lookup(const Scope& scope, std::string_view name, DeclKind kind) const;

  void Report(const RamlNode& at, std::string message) { loader.Report(at, std::move(message)); }
  void ReportKey(const RamlNode& parent, const RamlPair& pair, std::string message) {
    loader.ReportKey(parent, pair, std::move(message));
  }

  RamlLoader& loader;
  const bool raml08;
  const uint32_t max_depth;  // of every chain of references (ReadOptions::max_reference_depth)
  const Scope* root_scope = nullptr;
  std::deque<Scope> scopes;

 private:
  void ReadSection(Scope& scope, const RamlNode& root, const char* section, DeclKind kind);
  std::map<std::string, Scope*> by_path_;
  ResolutionStack libraries_;  // the `uses` chain being read
};

// The RAML 1.0 built-in type names.
bool IsBuiltInType(std::string_view name);
// "(name)" -> "name"; empty when the key is not an annotation.
std::string AnnotationName(std::string_view key);

}  // namespace agora::specs::raml
