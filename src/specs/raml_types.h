// Internal to the RAML reader: the RAML 1.0 type system (and RAML 0.8's named parameters and
// schemas, which map onto it). A type declaration is resolved into an RType: its kind, its
// facets merged from every parent, its properties, items and union members. Resolution checks
// what the specification says of declarations: type expressions (`A | B`, `A[]`, parentheses),
// single and multiple inheritance and their cycles, the built-in facets each kind allows and their
// values, facets that restrict rather than widen their parent's, user-defined facets (declared,
// required, not redefined), discriminators. Values (examples, defaults, enum values, facet values,
// annotation values) are checked against resolved types once every type is known.
//
// Named types are resolved once each and shared, so a recursive type is a finite graph.
//
// Thread safety: one TypeSystem per reading, used by one thread.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "specs/api_model.h"
#include "specs/bounded_regex.h"
#include "specs/raml_context.h"
#include "specs/raml_schemas.h"
#include "specs/resolution_stack.h"

namespace agora::specs::raml {

enum class TypeKind {
  kAny, kNil, kString, kNumber, kInteger, kBoolean, kDateOnly, kTimeOnly, kDateTimeOnly, kDateTime, kFile,
  kObject, kArray, kUnion, kSchema
};

struct RType;
using TypeRef = std::shared_ptr<RType>;

struct RProperty {
  std::string name;  // for a pattern property, the regular expression
  bool required = true;
  bool pattern = false;
  bool inherited = false;
  TypeRef type;
  const RamlNode* node = nullptr;
};

struct FacetDeclaration {
  TypeRef type;
  bool required = true;
  std::string owner;  // the type that declared it
};

struct RType {
  TypeKind kind = TypeKind::kAny;
  std::string name;  // the qualified name of a declared type; empty for an inline one
  const RamlNode* node = nullptr;
  const Scope* scope = nullptr;
  std::vector<TypeRef> parents;  // as written (`type: [A, B]`), built-in types left out

  std::optional<uint64_t> min_length, max_length, min_items, max_items, min_properties, max_properties;
  std::optional<double> minimum, maximum, multiple_of;
  std::string format;
  std::vector<std::string> patterns;  // this type's and every parent's: a value must match all
  std::vector<RamlNode> enum_values;
  bool has_enum = false;
  bool unique_items = false;
  bool additional_properties = true;
  std::vector<RProperty> properties;
  TypeRef items;
  std::vector<TypeRef> members;  // a union's
  std::string discriminator, discriminator_value;
  std::vector<std::string> file_types;
  std::map<std::string, FacetDeclaration> facet_declarations;
  std::map<std::string, const RamlNode*> facet_values;
  std::string schema_language, schema_text;  // kSchema: "json-schema" or "xsd"
  const RamlNode* schema = nullptr;           // kSchema: the schema's text, where it is written
  const RamlNode* default_value = nullptr;
  std::vector<Example> examples;

  bool resolving = false;
  bool forward = false;  // a property's type not resolved yet (see TypeSystem::ResolvePending)
};

// Where a type declaration is written, which decides its default type and the facets it may have.
enum class Site { kDeclaration, kProperty, kParameter, kBody, kAnnotationType, kFacet, kItems };

class TypeSystem {
 public:
  explicit TypeSystem(Context& context);
  // Breaks the cycles recursive types make (a type whose property, items or member is itself),
  // which shared ownership alone would leak.
  ~TypeSystem();
  TypeSystem(const TypeSystem&) = delete;
  TypeSystem& operator=(const TypeSystem&) = delete;

  // The type a declared name denotes (resolved once, shared). `at` is the reference to it, where
  // an inheritance cycle or an over-long chain is reported.
  TypeRef Named(const Declaration& declaration, const RamlNode* at = nullptr);
  // An inline declaration (a mapping, a type expression or a schema) written in `scope`.
  TypeRef Resolve(const Scope& scope, const RamlNode& declaration, Site site);
  // A type expression ("A | B[]") written in `scope`; `at` is where problems are reported.
  TypeRef Expression(const Scope& scope, const std::string& expression, const RamlNode& at);

  // Schedules a check of `value` against `type` once every type is resolved; `what` names the
  // value in the message ("example 'x'", "default value").
  void CheckLater(TypeRef type, const RamlNode& value, std::string what);
  // The examples of a declaration (example / examples), checked later against `type`.
  std::vector<Example> ReadExamples(const RamlNode& declaration, const TypeRef& type);
  // Schedules any work for when every declaration is resolved (before or among the value checks).
  void Later(std::function<void()> work) { checks_.push_back(std::move(work)); }
  // Runs the scheduled checks (they may schedule more).
  void RunChecks();
  // Whether CheckLater schedules anything (off for declarations nothing uses).
  void set_checking(bool checking) { checking_ = checking; }
  // Checks the JSON Schema or XSD whose text is `text` (see raml_schemas.h) outside any type
  // declaration (a resource type's body, typed only where the resource type is applied).
  void CheckSchema(const RamlNode& text) { schemas_->Check(text); }
  // Why `value` is not a value of `type`; empty when it is.
  std::string Mismatch(const RType& type, const RamlNode& value, int depth = 0) const;

  // The model's shape of a resolved type: a named type as a reference to ApiModel::types.
  Shape ToShape(const TypeRef& type, bool expand_named = false) const;

  // Called with every mapping declaration resolved (the annotations on it are checked there).
  std::function<void(const Scope&, const RamlNode&)> on_declaration;
  // Called with every example's explicit form {value, displayName, ...} (its annotations).
  std::function<void(const RamlNode&)> on_example;

  // Every named type resolved so far, by qualified name.
  const std::map<std::string, TypeRef>& named() const { return by_name_; }

 private:
  TypeRef Builtin(TypeKind kind) const;
  TypeRef Base(const Scope& scope, const RamlNode& declaration, Site site, bool& has_base);
  void ApplyFacets(RType& type, const Scope& scope, const RamlNode& declaration, Site site);
  void ReadProperties(RType& type, const Scope& scope, const RamlNode& properties);
  void ReadFacetDeclarations(RType& type, const Scope& scope, const RamlNode& facets);
  void ScheduleValueChecks(const TypeRef& type, const RamlNode& declaration);
  void CheckNarrowing(const RType& type, const RType& parent, const RamlNode& at);
  TypeRef Merge(const std::vector<TypeRef>& parents, const RamlNode& at);
  TypeRef SchemaType(const Scope& scope, const RamlNode& text);
  // Mismatch with the results so far of one check, by type and value: a union of unions of the
  // same types would otherwise check a value once per path through them, exponentially many.
  using MismatchMemo = std::map<std::pair<const RType*, const RamlNode*>, std::string>;
  std::string Mismatch(const RType& type, const RamlNode& value, int depth, MismatchMemo& memo) const;
  std::string CheckValue(const RType& type, const RamlNode& value, int depth, MismatchMemo& memo) const;

  // Resolution depth; when the outermost Named or Resolve returns, pending property types resolve.
  struct Depth {
    explicit Depth(TypeSystem& types) : types(types) { ++types.depth_; }
    ~Depth();
    TypeSystem& types;
  };
  struct PendingProperty {
    TypeRef forward;
    const Scope* scope;
    const RamlNode* node;
    TypeRef overridden;  // the inherited property's type it redeclares
    std::string name;
    uint32_t file, line, column;
  };
  void ResolvePending();
  // An array's items start a new inheritance chain: `Nodes: Node[]` with `Node: Nodes | string`
  // is a recursive type, not a cycle.
  std::unique_ptr<ResolutionStack> NewChain() const {
    return std::make_unique<ResolutionStack>("type inheritance", context_.max_depth);
  }
  struct ItemsChain {
    explicit ItemsChain(TypeSystem& types) : types(types) { types.inheritance_.push_back(types.NewChain()); }
    ~ItemsChain() { types.inheritance_.pop_back(); }
    TypeSystem& types;
  };

  Context& context_;
  int depth_ = 0;
  bool draining_ = false;
  std::deque<PendingProperty> pending_;
  std::vector<std::unique_ptr<ResolutionStack>> inheritance_;
  std::map<const RamlNode*, TypeRef> by_node_;
  // Every type this reading made, so that the destructor can clear their references to each other.
  TypeRef NewType(RType value = {}) const;
  mutable std::vector<std::weak_ptr<RType>> created_;
  std::map<std::string, TypeRef> by_name_;
  std::vector<std::function<void()>> checks_;
  bool checking_ = true;
  std::unique_ptr<ExternalSchemas> schemas_;  // the JSON schemas and XSDs types are
  // Each pattern facet and pattern property compiled once per reading: an example array of a
  // thousand strings would otherwise compile the same expression a thousand times.
  const BoundedRegex& Regex(const std::string& pattern) const;
  BoundedRegex::Match Matches(const std::string& pattern, const std::string& value) const;
  mutable std::map<std::string, BoundedRegex, std::less<>> regexes_;
};

const char* KindName(TypeKind kind);
bool IsScalarKind(TypeKind kind);

}  // namespace agora::specs::raml
