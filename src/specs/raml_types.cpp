#include "specs/raml_types.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>


namespace agora::specs::raml {
namespace {

struct KindInfo {
  TypeKind kind;
  const char* name;
  std::vector<std::string> facets;  // the built-in facets this kind adds to the common ones
};

const std::vector<KindInfo>& Kinds() {
  static const std::vector<KindInfo> kinds = {
      {TypeKind::kAny, "any", {}},
      {TypeKind::kNil, "nil", {}},
      {TypeKind::kString, "string", {"pattern", "minLength", "maxLength"}},
      {TypeKind::kNumber, "number", {"minimum", "maximum", "format", "multipleOf"}},
      {TypeKind::kInteger, "integer", {"minimum", "maximum", "format", "multipleOf"}},
      {TypeKind::kBoolean, "boolean", {}},
      {TypeKind::kDateOnly, "date-only", {}},
      {TypeKind::kTimeOnly, "time-only", {}},
      {TypeKind::kDateTimeOnly, "datetime-only", {}},
      {TypeKind::kDateTime, "datetime", {"format"}},
      {TypeKind::kFile, "file", {"fileTypes", "minLength", "maxLength"}},
      {TypeKind::kObject, "object",
       {"properties", "minProperties", "maxProperties", "additionalProperties", "discriminator", "discriminatorValue"}},
      {TypeKind::kArray, "array", {"uniqueItems", "items", "minItems", "maxItems"}},
      {TypeKind::kUnion, "union", {}},
      {TypeKind::kSchema, "schema", {}},
  };
  return kinds;
}

const KindInfo& Info(TypeKind kind) { return Kinds()[static_cast<size_t>(kind)]; }

constexpr const char* kCommonFacets[] = {"type", "schema", "default", "example", "examples", "displayName",
                                         "description", "facets", "xml", "enum"};

bool IsCommonFacet(const std::string& key) {
  for (const char* facet : kCommonFacets)
    if (key == facet) return true;
  return false;
}

bool KindHasFacet(TypeKind kind, const std::string& facet) {
  const auto& facets = Info(kind).facets;
  return std::find(facets.begin(), facets.end(), facet) != facets.end();
}

// The facets a union's declaration may carry: those of its members' kinds.
void CollectMemberFacets(const RType& type, std::set<std::string>& out, int depth = 0) {
  if (depth > 16) return;
  for (const auto& member : type.members) {
    if (!member) continue;
    if (member->kind == TypeKind::kUnion) CollectMemberFacets(*member, out, depth + 1);
    for (const auto& facet : Info(member->kind).facets) out.insert(facet);
  }
}

std::optional<uint64_t> NonNegativeInteger(const RamlNode& node) {
  if (!node.is_scalar() || TypeOfScalar(node) != ScalarType::kInteger) return std::nullopt;
  const auto number = NumberOf(node);
  if (!number || *number < 0) return std::nullopt;
  return static_cast<uint64_t>(*number);
}

// The facets that only one kind has tell the kind of a declaration that names no type.
TypeKind InferredKind(const RamlNode& declaration, Site site) {
  for (const auto& pair : declaration.pairs) {
    for (const TypeKind kind : {TypeKind::kObject, TypeKind::kArray, TypeKind::kFile})
      if (KindHasFacet(kind, pair.key) && pair.key != "minLength" && pair.key != "maxLength") return kind;
  }
  for (const auto& pair : declaration.pairs) {
    if (KindHasFacet(TypeKind::kString, pair.key)) return TypeKind::kString;
    if (KindHasFacet(TypeKind::kNumber, pair.key)) return TypeKind::kNumber;
  }
  return site == Site::kBody ? TypeKind::kAny : TypeKind::kString;
}

std::string Quote(const std::string& text) { return "'" + text + "'"; }

// What a copy of a resolved type duplicates besides its own fixed size (its properties, enum
// values, schema, parents). A type copies what it inherits, and a property of a named type is a
// copy of it, so a wide type extended or used many times multiplies: the reading's budget is
// charged for every copy (not for the type a declaration itself becomes, which grows with it).
uint64_t CopiedBytes(const RType& type) {
  uint64_t bytes = type.properties.size() * sizeof(RProperty) + type.schema_text.size() +
                   (type.parents.size() + type.members.size()) * sizeof(TypeRef) +
                   type.facet_declarations.size() * (sizeof(FacetDeclaration) + 64) + type.facet_values.size() * 64;
  for (const auto& property : type.properties) bytes += property.name.size();
  for (const auto& pattern : type.patterns) bytes += sizeof(pattern) + pattern.size();
  for (const auto& value : type.enum_values) bytes += CopyBytes(value);
  return bytes;
}

size_t CodePoints(const std::string& text) {
  size_t count = 0;
  for (const unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

bool MatchesDate(TypeKind kind, const std::string& format, const std::string& value) {
  static const std::regex kDate(R"(\d{4}-\d{2}-\d{2})");
  static const std::regex kTime(R"(\d{2}:\d{2}:\d{2}(\.\d+)?)");
  static const std::regex kDateTimeOnly(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?)");
  static const std::regex kRfc3339(R"(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))");
  static const std::regex kRfc2616(
      R"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT)");
  if (value.size() > 64) return false;
  switch (kind) {
    case TypeKind::kDateOnly:
      return std::regex_match(value, kDate);
    case TypeKind::kTimeOnly:
      return std::regex_match(value, kTime);
    case TypeKind::kDateTimeOnly:
      return std::regex_match(value, kDateTimeOnly);
    default:
      return std::regex_match(value, format == "rfc2616" ? kRfc2616 : kRfc3339);
  }
}

bool SameValue(const RamlNode& a, const RamlNode& b) {
  const auto x = NumberOf(a), y = NumberOf(b);
  if (x && y) return *x == *y;
  if (a.is_scalar() && b.is_scalar()) return TypeOfScalar(a) == TypeOfScalar(b) && a.scalar == b.scalar;
  return ToJsonText(a) == ToJsonText(b);
}

}  // namespace

const char* KindName(TypeKind kind) { return Info(kind).name; }

bool IsScalarKind(TypeKind kind) {
  return kind != TypeKind::kObject && kind != TypeKind::kArray && kind != TypeKind::kUnion &&
         kind != TypeKind::kAny && kind != TypeKind::kSchema;
}

TypeRef TypeSystem::NewType(RType value) const {
  auto type = std::make_shared<RType>(std::move(value));
  created_.push_back(type);
  return type;
}

TypeSystem::TypeSystem(Context& context)
    : context_(context), schemas_(std::make_unique<ExternalSchemas>(context.loader)) {
  inheritance_.push_back(NewChain());
}

TypeSystem::~TypeSystem() {
  for (const auto& weak : created_) {
    const TypeRef type = weak.lock();
    if (!type) continue;
    type->parents.clear();
    type->properties.clear();
    type->items.reset();
    type->members.clear();
    type->facet_declarations.clear();
  }
}

TypeRef TypeSystem::Builtin(TypeKind kind) const {
  auto type = NewType();
  type->kind = kind;
  return type;
}

TypeSystem::Depth::~Depth() {
  if (--types.depth_ == 0 && !types.draining_) types.ResolvePending();
}

TypeRef TypeSystem::Named(const Declaration& declaration, const RamlNode* at) {
  Depth depth(*this);
  const auto found = by_node_.find(declaration.node);
  if (found != by_node_.end() && !found->second->resolving) return found->second;
  const std::string key =
      declaration.scope == context_.root_scope ? declaration.name : declaration.scope->path + "#" + declaration.name;
  if (inheritance_.size() > context_.max_depth) {
    context_.Report(at ? *at : *declaration.node,
                    "type chain deeper than " + std::to_string(context_.max_depth) + " levels at " + key);
    return Builtin(TypeKind::kAny);
  }
  auto entered = inheritance_.back()->Enter(key);
  if (!entered) {
    context_.Report(at ? *at : *declaration.node, entered.refusal());
    return Builtin(TypeKind::kAny);
  }
  // Reached again across an array's items: a recursive type, complete once its resolution ends.
  if (found != by_node_.end()) return found->second;
  auto type = NewType();
  by_node_[declaration.node] = type;
  by_name_[declaration.qualified] = type;
  type->resolving = true;
  type->name = declaration.qualified;
  TypeRef resolved = Resolve(*declaration.scope, *declaration.node, Site::kDeclaration);
  if (resolved->resolving) {
    context_.Report(*declaration.node, "the type " + Quote(declaration.qualified) + " is defined in terms of itself");
    resolved = Builtin(TypeKind::kAny);
  }
  if (resolved->kind == TypeKind::kArray && resolved->items == type)
    context_.Report(*declaration.node, "the type " + Quote(declaration.qualified) + " is an array of itself");
  const bool shared = resolved && !resolved->name.empty();  // `Alias: Other` extends Other
  if (shared) context_.loader.Charge(sizeof(RType) + CopiedBytes(*resolved), *declaration.node);  // else `resolved` ends here
  *type = *resolved;
  type->name = declaration.qualified;
  type->node = declaration.node;
  type->scope = declaration.scope;
  if (shared) {
    type->parents = {resolved};
    for (auto& property : type->properties) property.inherited = true;
    type->examples.clear();
    type->default_value = nullptr;
  }
  type->resolving = false;
  return type;
}

TypeRef TypeSystem::SchemaType(const Scope& scope, const RamlNode& text) {
  auto type = Builtin(TypeKind::kSchema);
  type->node = &text;
  type->scope = &scope;
  const auto first = text.scalar.find_first_not_of(" \t\r\n");
  const bool xml = first != std::string::npos && text.scalar[first] == '<';
  type->schema_language = xml ? "xsd" : "json-schema";
  type->schema_text = text.scalar;
  type->schema = &text;
  if (!xml) {
    boost::system::error_code error;
    boost::json::parse(text.scalar, error);
    if (error) {
      context_.Report(text, "the JSON schema is not valid JSON: " + error.message());
      return type;
    }
  }
  schemas_->Check(text);
  return type;
}

// `text` is a type expression unless it is a schema (JSON or XML) given inline or by !include.
static bool IsSchemaText(const RamlNode& node) {
  const auto first = node.scalar.find_first_not_of(" \t\r\n");
  return first != std::string::npos && (node.scalar[first] == '{' || node.scalar[first] == '<');
}

TypeRef TypeSystem::Resolve(const Scope& scope, const RamlNode& declaration, Site site) {
  Depth depth(*this);
  if (context_.loader.Spent(declaration)) return Builtin(TypeKind::kAny);
  if (declaration.is_scalar()) {
    if (declaration.is_null()) return Builtin(site == Site::kBody ? TypeKind::kAny : TypeKind::kString);
    if (IsSchemaText(declaration)) return SchemaType(scope, declaration);
    return Expression(scope, declaration.scalar, declaration);
  }
  if (declaration.is_sequence()) {
    if (site == Site::kDeclaration || site == Site::kProperty) {
      // `type: [A, B]` written as the whole declaration: multiple inheritance.
      std::vector<TypeRef> parents;
      for (const auto& item : declaration.items) parents.push_back(Resolve(scope, item, site));
      return Merge(parents, declaration);
    }
    context_.Report(declaration, "a type declaration must be a mapping, a type expression or a schema");
    return Builtin(TypeKind::kAny);
  }
  if (declaration.raml_header && declaration.Find("uses")) {
    // A DataType fragment with its own libraries: its names resolve in its own scope.
    const Scope& own = context_.AddScope(declaration.included_file, declaration, scope.prefix);
    if (&own != &scope) return Resolve(own, declaration, site);
  }
  bool has_base = false;
  TypeRef base = Base(scope, declaration, site, has_base);
  // `{type: Name}` alone is the named type itself.
  const bool owes_facets = std::any_of(base->facet_declarations.begin(), base->facet_declarations.end(),
                                      [&](const auto& f) { return f.second.required && !base->facet_values.count(f.first); });
  if (!base->name.empty() && !owes_facets && std::all_of(declaration.pairs.begin(), declaration.pairs.end(), [&](const RamlPair& p) {
        return p.key == "type" || p.key == "schema" || (p.key == "required" && site != Site::kDeclaration);
      }))
    return base;
  if (base->resolving) {
    // A recursive property or item (`parent: {type: Node}` inside Node) refers to the type itself.
    if (site == Site::kProperty || site == Site::kItems) return base;
    context_.Report(declaration, "the type " + Quote(base->name) + " inherits from itself");
    base = Builtin(TypeKind::kAny);
  }
  auto type = NewType(*base);
  type->name.clear();
  type->parents.clear();
  type->examples.clear();
  type->default_value = nullptr;
  type->resolving = false;
  for (auto& property : type->properties) property.inherited = true;
  if (has_base) {
    if (!base->name.empty()) type->parents = {base};
    else if (base->kind != TypeKind::kUnion && base->kind != TypeKind::kArray) type->parents = base->parents;
  }
  type->node = &declaration;
  type->scope = &scope;
  if (!context_.loader.Charge(CopiedBytes(*base), declaration)) return type;
  ApplyFacets(*type, scope, declaration, site);
  ScheduleValueChecks(type, declaration);
  if (on_declaration) on_declaration(scope, declaration);
  return type;
}

// The type a mapping declaration extends: its `type` (or `schema`), else the kind its facets imply.
TypeRef TypeSystem::Base(const Scope& scope, const RamlNode& declaration, Site site, bool& has_base) {
  const RamlNode* type = declaration.Find("type");
  const RamlNode* schema = declaration.Find("schema");
  if (type && schema) context_.Report(*schema, "'type' and 'schema' are mutually exclusive");
  if (!type) type = schema;
  if (!type || type->is_null()) return Builtin(type && site != Site::kBody ? TypeKind::kString : InferredKind(declaration, site));
  has_base = true;
  if (type->is_sequence()) {
    std::vector<TypeRef> parents;
    for (const auto& item : type->items) {
      if (!item.is_scalar()) {
        context_.Report(item, "each type a declaration inherits from must be named");
        continue;
      }
      parents.push_back(Expression(scope, item.scalar, item));
    }
    if (parents.empty()) return Builtin(TypeKind::kAny);
    if (parents.size() == 1) return parents.front();
    return Merge(parents, *type);
  }
  if (type->is_mapping()) return Resolve(scope, *type, site);
  if (IsSchemaText(*type)) {
    if (declaration.Find("properties") || declaration.Find("items"))
      context_.Report(*type, "a type defined by a JSON or XML schema cannot declare properties or items");
    return SchemaType(scope, *type);
  }
  return Expression(scope, type->scalar, *type);
}

// Multiple inheritance: the parents are all of one scalar kind, or all objects (unions of objects
// included); an object's properties are combined.
TypeRef TypeSystem::Merge(const std::vector<TypeRef>& parents, const RamlNode& at) {
  auto merged = NewType();
  merged->kind = TypeKind::kObject;
  auto is_object = [](const RType& type) {
    if (type.kind == TypeKind::kObject || type.kind == TypeKind::kAny) return true;
    if (type.kind != TypeKind::kUnion) return false;
    return std::all_of(type.members.begin(), type.members.end(),
                       [](const TypeRef& m) { return !m || m->kind == TypeKind::kObject || m->kind == TypeKind::kAny; });
  };
  std::vector<TypeRef> usable;
  for (const auto& parent : parents) {
    if (!parent) continue;
    if (parent->resolving) {
      context_.Report(at, "the type " + Quote(parent->name) + " inherits from itself");
      continue;
    }
    usable.push_back(parent);
  }
  if (usable.empty()) return Builtin(TypeKind::kAny);
  if (IsScalarKind(usable.front()->kind)) {
    for (const auto& parent : usable)
      if (parent->kind != usable.front()->kind) {
        context_.Report(at, std::string("a type cannot inherit from both ") + KindName(usable.front()->kind) + " and " +
                                KindName(parent->kind));
        return Builtin(TypeKind::kAny);
      }
    auto scalar = NewType(*usable.front());
    context_.loader.Charge(CopiedBytes(*scalar), at);
    scalar->name.clear();
    for (const auto& parent : usable) {
      for (const auto& pattern : parent->patterns)
        if (std::find(scalar->patterns.begin(), scalar->patterns.end(), pattern) == scalar->patterns.end())
          scalar->patterns.push_back(pattern);
      if (parent->min_length) scalar->min_length = std::max(scalar->min_length.value_or(0), *parent->min_length);
      if (parent->max_length) scalar->max_length = std::min(scalar->max_length.value_or(UINT64_MAX), *parent->max_length);
      if (parent->minimum) scalar->minimum = std::max(scalar->minimum.value_or(-HUGE_VAL), *parent->minimum);
      if (parent->maximum) scalar->maximum = std::min(scalar->maximum.value_or(HUGE_VAL), *parent->maximum);
    }
    scalar->parents.clear();
    for (const auto& parent : usable)
      if (!parent->name.empty()) scalar->parents.push_back(parent);
    if ((scalar->minimum && scalar->maximum && *scalar->minimum > *scalar->maximum) ||
        (scalar->min_length && scalar->max_length && *scalar->min_length > *scalar->max_length))
      context_.Report(at, "the parents' facets contradict each other: no value satisfies both");
    return scalar;
  }
  for (const auto& parent : usable) {
    if (!is_object(*parent)) {
      context_.Report(at, std::string("a type can inherit from several types only when they are all object types or all "
                                      "of one scalar type, not ") + KindName(parent->kind));
      continue;
    }
    merged->parents.push_back(parent);
    for (const auto& property : parent->properties) {
      auto same = std::find_if(merged->properties.begin(), merged->properties.end(),
                               [&](const RProperty& p) { return p.name == property.name; });
      if (same == merged->properties.end()) {
        merged->properties.push_back(property);
      } else if (same->type && property.type && !same->type->forward && !property.type->forward &&
                 same->type->kind != property.type->kind &&
                 same->type->kind != TypeKind::kAny && property.type->kind != TypeKind::kAny) {
        context_.Report(at, "the parents declare the property " + Quote(property.name) + " with conflicting types (" +
                                KindName(same->type->kind) + " and " + KindName(property.type->kind) + ")");
      }
    }
    for (const auto& [name, facet] : parent->facet_declarations) merged->facet_declarations.emplace(name, facet);
    for (const auto& [name, value] : parent->facet_values) merged->facet_values.emplace(name, value);
    if (!parent->additional_properties) merged->additional_properties = false;
    if (merged->discriminator.empty()) merged->discriminator = parent->discriminator;
    if (parent->min_properties) merged->min_properties = std::max(merged->min_properties.value_or(0), *parent->min_properties);
    if (parent->max_properties)
      merged->max_properties = std::min(merged->max_properties.value_or(UINT64_MAX), *parent->max_properties);
  }
  context_.loader.Charge(CopiedBytes(*merged), at);
  return merged;
}

TypeRef TypeSystem::Expression(const Scope& scope, const std::string& expression, const RamlNode& at) {
  // Recursive descent over: union := postfix ('|' postfix)*; postfix := primary ('[]')*;
  // primary := name | '(' union ')'.
  size_t i = 0;
  bool failed = false;
  auto skip = [&] {
    while (i < expression.size() && (expression[i] == ' ' || expression[i] == '\t')) ++i;
  };
  std::function<TypeRef()> parse_union;
  auto parse_primary = [&]() -> TypeRef {
    skip();
    if (i < expression.size() && expression[i] == '(') {
      ++i;
      TypeRef inner = parse_union();
      skip();
      if (i >= expression.size() || expression[i] != ')') failed = true;
      else ++i;
      return inner;
    }
    const size_t start = i;
    while (i < expression.size() && std::string_view(" \t|()[]?").find(expression[i]) == std::string_view::npos) ++i;
    const std::string name = expression.substr(start, i - start);
    if (name.empty()) {
      failed = true;
      return Builtin(TypeKind::kAny);
    }
    for (const auto& info : Kinds())
      if (name == info.name && info.kind != TypeKind::kUnion && info.kind != TypeKind::kSchema) return Builtin(info.kind);
    if (auto declared = context_.Lookup(scope, name, DeclKind::kType)) return Named(*declared, &at);
    context_.Report(at, "the type " + Quote(name) + " is not declared");
    return Builtin(TypeKind::kAny);
  };
  // Whether the primary at `i` is an array's items ("A[]", "(A | B)[]").
  auto items_follow = [&]() {
    size_t j = i;
    while (j < expression.size() && (expression[j] == ' ' || expression[j] == '\t')) ++j;
    if (j < expression.size() && expression[j] == '(') {
      for (int open = 0; j < expression.size(); ++j) {
        if (expression[j] == '(') ++open;
        if (expression[j] == ')' && --open == 0) break;
      }
      ++j;
    } else {
      while (j < expression.size() && std::string_view(" \t|()[]?").find(expression[j]) == std::string_view::npos) ++j;
    }
    while (j < expression.size() && (expression[j] == ' ' || expression[j] == '\t' || expression[j] == '?')) ++j;
    return j + 1 < expression.size() && expression[j] == '[' && expression[j + 1] == ']';
  };
  auto parse_postfix = [&]() -> TypeRef {
    std::optional<ItemsChain> items;
    if (items_follow()) items.emplace(*this);
    TypeRef type = parse_primary();
    items.reset();
    skip();
    while (i < expression.size() && (expression[i] == '?' || (i + 1 < expression.size() && expression[i] == '[' && expression[i + 1] == ']'))) {
      if (expression[i] == '?') {  // `T?` is `T | nil`
        auto nullable = Builtin(TypeKind::kUnion);
        nullable->members = {type, Builtin(TypeKind::kNil)};
        nullable->node = &at;
        type = nullable;
        ++i;
      } else {
        if (type && type->kind == TypeKind::kSchema)
          context_.Report(at, "a type defined by a JSON or XML schema cannot be an array's items");
        auto array = Builtin(TypeKind::kArray);
        array->items = type;
        array->node = &at;
        type = array;
        i += 2;
      }
      skip();
    }
    return type;
  };
  parse_union = [&]() -> TypeRef {
    std::vector<TypeRef> members{parse_postfix()};
    skip();
    while (i < expression.size() && expression[i] == '|') {
      ++i;
      members.push_back(parse_postfix());
      skip();
    }
    if (members.size() == 1) return members.front();
    for (const auto& member : members)
      if (member && member->kind == TypeKind::kSchema)
        context_.Report(at, "a type defined by a JSON or XML schema cannot be a member of a union");
    auto type = Builtin(TypeKind::kUnion);
    type->node = &at;
    type->members = members;
    return type;
  };
  TypeRef type = parse_union();
  skip();
  if (failed || i != expression.size()) {
    context_.Report(at, Quote(expression) + " is not a valid type expression");
    return Builtin(TypeKind::kAny);
  }
  return type;
}

void TypeSystem::CheckNarrowing(const RType& type, const RType& parent, const RamlNode& at) {
  auto weaker = [&](const char* facet) {
    context_.Report(at, std::string("'") + facet + "' is weaker than the parent type's: a subtype may only restrict");
  };
  if (parent.min_length && type.min_length && *type.min_length < *parent.min_length) weaker("minLength");
  if (parent.max_length && type.max_length && *type.max_length > *parent.max_length) weaker("maxLength");
  if (parent.min_items && type.min_items && *type.min_items < *parent.min_items) weaker("minItems");
  if (parent.max_items && type.max_items && *type.max_items > *parent.max_items) weaker("maxItems");
  if (parent.min_properties && type.min_properties && *type.min_properties < *parent.min_properties) weaker("minProperties");
  if (parent.max_properties && type.max_properties && *type.max_properties > *parent.max_properties) weaker("maxProperties");
  if (parent.minimum && type.minimum && *type.minimum < *parent.minimum) weaker("minimum");
  if (parent.maximum && type.maximum && *type.maximum > *parent.maximum) weaker("maximum");
}

void TypeSystem::ApplyFacets(RType& type, const Scope& scope, const RamlNode& declaration, Site site) {
  const RType parent = type;  // the merged parents' facets, before this declaration's
  std::set<std::string> union_facets;
  if (type.kind == TypeKind::kUnion) CollectMemberFacets(type, union_facets);
  const RamlNode* examples_owner = nullptr;
  for (const auto& pair : declaration.pairs) {
    const std::string& key = pair.key;
    const RamlNode& value = pair.value;
    if (!AnnotationName(key).empty() || key == "type" || key == "schema") continue;
    if (key == "required" && (site == Site::kProperty || site == Site::kParameter)) {
      if (TypeOfScalar(value) != ScalarType::kBoolean || !value.is_scalar())
        context_.Report(value, "'required' must be true or false");
      continue;
    }
    if (key == "allowedTargets" && site == Site::kAnnotationType) continue;
    if ((key == "usage" || key == "uses") && declaration.raml_header) continue;
    if (context_.raml08 && (key == "repeat" || key == "formParameters")) continue;
    const bool common = IsCommonFacet(key);
    const bool own = KindHasFacet(type.kind, key) ||
                     (type.kind == TypeKind::kUnion && union_facets.count(key) && key != "discriminator" &&
                      key != "discriminatorValue") ||
                     (context_.raml08 && (key == "minLength" || key == "maxLength" || key == "pattern" ||
                                          key == "minimum" || key == "maximum"));
    if (!common && !own) {
      if (const auto facet = type.facet_declarations.find(key); facet != type.facet_declarations.end()) {
        type.facet_values[key] = &value;
        if (facet->second.type) CheckLater(facet->second.type, value, "the value of facet " + Quote(key));
        continue;
      }
      context_.ReportKey(declaration, pair, Quote(key) + " is not a facet of a " + KindName(type.kind) + " type");
      continue;
    }
    auto count = [&](std::optional<uint64_t>& field) {
      if (auto number = NonNegativeInteger(value)) field = number;
      else context_.Report(value, Quote(key) + " must be a non-negative integer");
    };
    auto number = [&](std::optional<double>& field) {
      if (auto n = NumberOf(value)) field = n;
      else context_.Report(value, Quote(key) + " must be a number");
    };
    auto flag = [&](bool& field) {
      if (value.is_scalar() && TypeOfScalar(value) == ScalarType::kBoolean) field = value.scalar == "true" || value.scalar == "True" || value.scalar == "TRUE";
      else context_.Report(value, Quote(key) + " must be true or false");
    };
    auto text = [&](std::string& field) {
      if (value.is_scalar() && !value.is_null()) field = value.scalar;
      else context_.Report(value, Quote(key) + " must be a string");
    };
    if (key == "displayName" || key == "description") {
      if (!value.is_scalar() && !value.Find("value")) context_.Report(value, Quote(key) + " must be a string");
    } else if (key == "minLength") {
      count(type.min_length);
    } else if (key == "maxLength") {
      count(type.max_length);
    } else if (key == "minItems") {
      count(type.min_items);
    } else if (key == "maxItems") {
      count(type.max_items);
    } else if (key == "minProperties") {
      count(type.min_properties);
    } else if (key == "maxProperties") {
      count(type.max_properties);
    } else if (key == "minimum") {
      number(type.minimum);
    } else if (key == "maximum") {
      number(type.maximum);
    } else if (key == "multipleOf") {
      number(type.multiple_of);
      if (type.multiple_of && *type.multiple_of <= 0) context_.Report(value, "'multipleOf' must be greater than 0");
    } else if (key == "uniqueItems") {
      flag(type.unique_items);
    } else if (key == "additionalProperties") {
      flag(type.additional_properties);
    } else if (key == "discriminator") {
      text(type.discriminator);
      if (site != Site::kDeclaration) context_.Report(value, "'discriminator' can only be used in a type declared by name");
    } else if (key == "discriminatorValue") {
      text(type.discriminator_value);
    } else if (key == "format") {
      text(type.format);
      static const std::set<std::string> kNumberFormats = {"int", "int8", "int16", "int32", "int64", "long", "float", "double"};
      static const std::set<std::string> kDateFormats = {"rfc3339", "rfc2616"};
      const auto& allowed = type.kind == TypeKind::kDateTime ? kDateFormats : kNumberFormats;
      if (!type.format.empty() && !allowed.count(type.format))
        context_.Report(value, Quote(type.format) + " is not a valid format of a " + KindName(type.kind) + " type");
    } else if (key == "pattern") {
      std::string pattern;
      text(pattern);
      if (!pattern.empty()) {
        if (!Regex(pattern).valid()) context_.Report(value, Quote(pattern) + " is not a valid regular expression");
        else type.patterns.push_back(pattern);
      }
    } else if (key == "fileTypes") {
      type.file_types.clear();
      if (value.is_scalar() && !value.is_null()) type.file_types.push_back(value.scalar);
      else if (value.is_sequence())
        for (const auto& item : value.items) type.file_types.push_back(item.scalar);
      else context_.Report(value, "'fileTypes' must be a media type or a list of them");
    } else if (key == "properties") {
      if (value.is_mapping()) ReadProperties(type, scope, value);
      else if (!value.is_null()) context_.Report(value, "'properties' must be a mapping of property names to types");
    } else if (key == "items") {
      ItemsChain chain(*this);
      type.items = Resolve(scope, value, Site::kItems);
    } else if (key == "facets") {
      if (value.is_mapping()) ReadFacetDeclarations(type, scope, value);
      else if (!value.is_null()) context_.Report(value, "'facets' must be a mapping of facet names to types");
    } else if (key == "enum") {
      if (!value.is_sequence()) {
        context_.Report(value, "'enum' must be a list of values");
        continue;
      }
      if (type.kind == TypeKind::kObject || type.kind == TypeKind::kArray) {
        context_.Report(value, std::string("'enum' is not a facet of a ") + KindName(type.kind) + " type");
        continue;
      }
      if (parent.has_enum)
        for (const auto& item : value.items)
          if (std::none_of(parent.enum_values.begin(), parent.enum_values.end(), [&](const RamlNode& v) { return SameValue(v, item); }))
            context_.Report(item, "the enum value " + ToJsonText(item) + " is not among the parent type's");
      type.enum_values = value.items;
      type.has_enum = true;
    } else if (key == "example" || key == "examples") {
      if (examples_owner) context_.Report(value, "'example' and 'examples' are mutually exclusive");
      examples_owner = &declaration;
    } else if (key == "xml") {
      if (!value.is_mapping()) {
        context_.Report(value, "'xml' must be a mapping");
        continue;
      }
      for (const auto& setting : value.pairs) {
        const bool flag = setting.key == "attribute" || setting.key == "wrapped";
        const bool text = setting.key == "name" || setting.key == "namespace" || setting.key == "prefix";
        if (!flag && !text && AnnotationName(setting.key).empty())
          context_.ReportKey(value, setting, "'" + setting.key + "' is not an xml serialization setting");
        else if (flag && (!setting.value.is_scalar() || TypeOfScalar(setting.value) != ScalarType::kBoolean))
          context_.Report(setting.value, "'" + setting.key + "' must be true or false");
        else if (text && (!setting.value.is_scalar() || TypeOfScalar(setting.value) != ScalarType::kString))
          context_.Report(setting.value, "'" + setting.key + "' must be a string");
      }
    }
  }
  if (type.min_length && type.max_length && *type.min_length > *type.max_length)
    context_.Report(declaration, "'maxLength' must not be less than 'minLength'");
  if (!type.additional_properties &&
      std::any_of(type.properties.begin(), type.properties.end(), [](const RProperty& p) { return p.pattern; }))
    context_.Report(declaration, "pattern properties cannot be declared where 'additionalProperties' is false");
  if (type.min_items && type.max_items && *type.min_items > *type.max_items)
    context_.Report(declaration, "'maxItems' must not be less than 'minItems'");
  if (type.min_properties && type.max_properties && *type.min_properties > *type.max_properties)
    context_.Report(declaration, "'maxProperties' must not be less than 'minProperties'");
  if (type.minimum && type.maximum && *type.minimum > *type.maximum)
    context_.Report(declaration, "'maximum' must not be less than 'minimum'");
  CheckNarrowing(type, parent, declaration);
  if (!type.discriminator.empty() && type.kind == TypeKind::kObject) {
    auto property = std::find_if(type.properties.begin(), type.properties.end(),
                                 [&](const RProperty& p) { return p.name == type.discriminator && !p.pattern; });
    if (property == type.properties.end())
      context_.Report(declaration, "the discriminator " + Quote(type.discriminator) + " is not a property of the type");
    else if (property->type && !property->type->forward && !IsScalarKind(property->type->kind) &&
             property->type->kind != TypeKind::kAny)
      context_.Report(declaration, "the discriminator " + Quote(type.discriminator) + " must be a scalar property");
  }
  // A required facet declared by a parent must be given a value by the types that inherit it.
  // A type that declares facets of its own is itself a base for others, which then give the values.
  const bool declares_facets = declaration.Find("facets") != nullptr;
  for (const auto& [name, facet] : parent.facet_declarations)
    if (facet.required && !type.facet_values.count(name) && !declares_facets)
      context_.Report(declaration, "the facet " + Quote(name) + " declared by " + facet.owner + " requires a value");
  if (const RamlNode* value = declaration.Find("default")) type.default_value = value;
}

// Examples, the default and enum values are checked once every type is complete.
void TypeSystem::ScheduleValueChecks(const TypeRef& type, const RamlNode& declaration) {
  type->examples = ReadExamples(declaration, type);
  if (type->default_value) CheckLater(type, *type->default_value, "the default value");
  const RamlNode* values = declaration.is_mapping() ? declaration.Find("enum") : nullptr;
  if (type->has_enum && values) {
    auto unrestricted = NewType(*type);
    context_.loader.Charge(CopiedBytes(*unrestricted), declaration);
    unrestricted->has_enum = false;
    for (const auto& value : values->items) CheckLater(unrestricted, value, "the enum value " + ToJsonText(value));
  }
}

void TypeSystem::ReadProperties(RType& type, const Scope& scope, const RamlNode& properties) {
  for (const auto& pair : properties.pairs) {
    RProperty property;
    property.name = pair.key;
    property.node = &pair.value;
    if (pair.key.size() >= 2 && pair.key.front() == '/' && pair.key.back() == '/') {
      property.pattern = true;
      property.required = false;
      property.name = pair.key.substr(1, pair.key.size() - 2);
      if (!Regex(property.name).valid()) context_.ReportKey(properties, pair, Quote(property.name) + " is not a valid regular expression");
    } else if (!pair.key.empty() && pair.key.back() == '?' && !pair.value.Find("required")) {
      property.required = false;  // `name?:` is optional; with an explicit `required` the '?' is part of the name
      property.name.pop_back();
    }
    if (const RamlNode* required = pair.value.Find("required"); required && required->is_scalar())
      property.required = required->scalar == "true";
    // Property types are resolved once the declaration that holds them is complete, so that a
    // type may have a property of a type that extends it.
    auto forward = NewType();
    forward->forward = true;
    property.type = forward;
    auto inherited = std::find_if(type.properties.begin(), type.properties.end(),
                                  [&](const RProperty& p) { return p.name == property.name && p.pattern == property.pattern; });
    PendingProperty pending{forward, &scope, &pair.value, nullptr, property.name, pair.value.file,
                            pair.key_line ? pair.key_line : pair.value.line,
                            pair.key_line ? pair.key_column : pair.value.column};
    if (inherited != type.properties.end()) {
      if (inherited->inherited) {
        pending.overridden = inherited->type;
        if (inherited->required && !property.required)
          context_.ReportKey(properties, pair, "the property " + Quote(property.name) +
                                                   " is required by the parent type and cannot be made optional");
      }
      *inherited = property;
    } else {
      type.properties.push_back(property);
    }
    pending_.push_back(std::move(pending));
  }
}

void TypeSystem::ResolvePending() {
  draining_ = true;
  while (!pending_.empty()) {
    PendingProperty entry = std::move(pending_.front());
    pending_.pop_front();
    TypeRef resolved = Resolve(*entry.scope, *entry.node, Site::kProperty);
    // A copy of a named type (an inline one ends here): a wide type used as many properties' type multiplies.
    if (!resolved->name.empty()) context_.loader.Charge(sizeof(RType) + CopiedBytes(*resolved), *entry.node);
    *entry.forward = *resolved;
    entry.forward->forward = false;
    if (!entry.overridden || entry.overridden->forward) continue;
    const TypeKind was = entry.overridden->kind, now = entry.forward->kind;
    if (was == TypeKind::kObject && now == TypeKind::kObject)
      for (const auto& old_property : entry.overridden->properties)
        for (const auto& new_property : entry.forward->properties)
          if (old_property.name == new_property.name && old_property.type && new_property.type &&
              !old_property.type->forward && !new_property.type->forward && old_property.type->kind != new_property.type->kind &&
              old_property.type->kind != TypeKind::kAny && new_property.type->kind != TypeKind::kAny)
            context_.loader.Report(entry.file, entry.line, entry.column,
                                   "the property " + Quote(entry.name) + " is redeclared with a type that is not a subtype of "
                                   "the inherited one (its property " + Quote(old_property.name) + " is " +
                                   KindName(old_property.type->kind) + ", not " + KindName(new_property.type->kind) + ")");
    if (was != now && was != TypeKind::kAny && was != TypeKind::kUnion && now != TypeKind::kAny &&
        !(was == TypeKind::kNumber && now == TypeKind::kInteger))
      context_.loader.Report(entry.file, entry.line, entry.column,
                             "the property " + Quote(entry.name) + " is inherited as " + KindName(was) +
                                 " and cannot be redeclared as " + KindName(now));
  }
  draining_ = false;
}

void TypeSystem::ReadFacetDeclarations(RType& type, const Scope& scope, const RamlNode& facets) {
  for (const auto& pair : facets.pairs) {
    std::string name = pair.key;
    FacetDeclaration facet;
    if (!name.empty() && name.back() == '?') {
      facet.required = false;
      name.pop_back();
    }
    if (!name.empty() && name.front() == '(') {
      context_.ReportKey(facets, pair, "a facet name cannot begin with '('");
      continue;
    }
    if (IsCommonFacet(name) || KindHasFacet(type.kind, name)) {
      context_.ReportKey(facets, pair, "the facet " + Quote(name) + " is a built-in facet of a " + KindName(type.kind) + " type");
      continue;
    }
    if (type.facet_declarations.count(name)) {
      context_.ReportKey(facets, pair, "the facet " + Quote(name) + " is already declared by a parent type");
      continue;
    }
    facet.type = Resolve(scope, pair.value, Site::kFacet);
    facet.owner = type.name.empty() ? "a parent type" : Quote(type.name);
    type.facet_declarations[name] = facet;
  }
}

std::vector<Example> TypeSystem::ReadExamples(const RamlNode& declaration, const TypeRef& type) {
  std::vector<Example> examples;
  if (!declaration.is_mapping()) return examples;
  auto location = [&](const RamlNode& node) {
    return SourceLocation{context_.loader.files()[node.file], node.line, node.column};
  };
  // The explicit form {value, displayName, description, strict} when the mapping has only those keys.
  auto read = [&](const std::string& name, const RamlNode& node) {
    const RamlNode* value = &node;
    bool strict = true;
    Example example;
    example.name = name;
    if (node.is_mapping() && node.Find("value")) {
      const bool explicit_form = std::all_of(node.pairs.begin(), node.pairs.end(), [](const RamlPair& p) {
        return p.key == "value" || p.key == "displayName" || p.key == "description" || p.key == "strict" ||
               !AnnotationName(p.key).empty();
      });
      if (explicit_form) {
        if (on_example) on_example(node);
        value = node.Find("value");
        if (const RamlNode* s = node.Find("strict")) {
          if (TypeOfScalar(*s) != ScalarType::kBoolean) context_.Report(*s, "'strict' must be true or false");
          strict = s->scalar != "false";
        }
        if (const RamlNode* d = node.Find("description"); d && d->is_scalar()) example.description = d->scalar;
      }
    }
    example.value = ToJsonText(*value);
    example.location = location(*value);
    examples.push_back(example);
    if (strict && type) CheckLater(type, *value, name.empty() ? "the example" : "the example " + Quote(name));
  };
  if (const RamlNode* example = declaration.Find("example")) read("", *example);
  if (const RamlNode* many = declaration.Find("examples")) {
    if (many->is_mapping()) {
      for (const auto& pair : many->pairs) read(pair.key, pair.value);
    } else if (!many->is_null() || !context_.raml08) {
      context_.Report(*many, "'examples' must be a mapping of example names to examples");
    }
  }
  return examples;
}

void TypeSystem::CheckLater(TypeRef type, const RamlNode& value, std::string what) {
  if (!checking_) return;
  checks_.push_back([this, type, &value, what] {
    const std::string why = Mismatch(*type, value);
    if (!why.empty()) context_.Report(value, what + " does not conform to its type: " + why);
  });
}

void TypeSystem::RunChecks() {
  for (size_t i = 0; i < checks_.size(); ++i) {
    auto check = std::move(checks_[i]);
    check();
  }
  checks_.clear();
}

const BoundedRegex& TypeSystem::Regex(const std::string& pattern) const {
  auto found = regexes_.find(pattern);
  if (found == regexes_.end()) found = regexes_.emplace(pattern, BoundedRegex(pattern)).first;
  return found->second;
}

// Whether `value` matches RAML's pattern facet (ECMAScript, see bounded_regex.h). A value over
// 4 KiB is not checked (kFound): bounded steps grow with the square of its length.
BoundedRegex::Match TypeSystem::Matches(const std::string& pattern, const std::string& value) const {
  if (value.size() > 4096) return BoundedRegex::Match::kFound;
  return Regex(pattern).Search(value);
}

std::string TypeSystem::Mismatch(const RType& type, const RamlNode& given, int depth) const {
  MismatchMemo memo;
  return Mismatch(type, given, depth, memo);
}

std::string TypeSystem::Mismatch(const RType& type, const RamlNode& given, int depth, MismatchMemo& memo) const {
  if (depth > 64 || context_.loader.Spent(given)) return "";
  const auto key = std::make_pair(&type, &given);
  if (const auto found = memo.find(key); found != memo.end()) return found->second;
  std::string why = CheckValue(type, given, depth, memo);
  memo.emplace(key, why);
  return why;
}

std::string TypeSystem::CheckValue(const RType& type, const RamlNode& given, int depth, MismatchMemo& memo) const {
  const RamlNode* value = &given;
  std::optional<RamlNode> parsed;
  MismatchMemo parsed_memo;  // for the nodes of `parsed`, which end with this call
  const bool structured = type.kind == TypeKind::kObject || type.kind == TypeKind::kArray ||
                          (type.kind == TypeKind::kUnion && !given.text);
  if (given.is_scalar() && given.quoted && structured) {
    const auto first = given.scalar.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (given.scalar[first] == '{' || given.scalar[first] == '[')) {
      parsed = ParseValueText(given.scalar, given.file, given.line, given.column);
      if (parsed) value = &*parsed;
    } else if (first != std::string::npos && given.scalar[first] == '<') {
      return "";  // an XML example is not checked against a RAML type
    }
  }
  MismatchMemo& children = parsed ? parsed_memo : memo;
  auto enum_check = [&]() -> std::string {
    if (!type.has_enum) return "";
    for (const auto& allowed : type.enum_values)
      if (SameValue(allowed, *value)) return "";
    return ToJsonText(*value) + " is not one of the enum values";
  };
  const ScalarType scalar = value->is_scalar() ? TypeOfScalar(*value) : ScalarType::kString;
  switch (type.kind) {
    case TypeKind::kSchema:
      return type.schema ? schemas_->Mismatch(*type.schema, given) : "";
    case TypeKind::kAny:
    case TypeKind::kFile:
      return "";
    case TypeKind::kNil:
      return value->is_null() ? "" : "expected nil";
    case TypeKind::kString: {
      if (!value->is_scalar() || scalar != ScalarType::kString) return "expected a string";
      const size_t length = CodePoints(value->scalar);
      if (type.min_length && length < *type.min_length) return "shorter than minLength " + std::to_string(*type.min_length);
      if (type.max_length && length > *type.max_length) return "longer than maxLength " + std::to_string(*type.max_length);
      for (const auto& pattern : type.patterns) switch (Matches(pattern, value->scalar)) {
          case BoundedRegex::Match::kFound: break;
          case BoundedRegex::Match::kNotFound: return Quote(value->scalar) + " does not match the pattern " + pattern;
          case BoundedRegex::Match::kGaveUp: return Quote(value->scalar) + " " + BoundedRegex::GaveUpMessage(pattern);
        }
      return enum_check();
    }
    case TypeKind::kNumber:
    case TypeKind::kInteger: {
      const auto number = NumberOf(*value);
      if (!number) return type.kind == TypeKind::kInteger ? "expected an integer" : "expected a number";
      if (type.kind == TypeKind::kInteger && std::floor(*number) != *number) return "expected an integer";
      if (type.minimum && *number < *type.minimum) return "less than the minimum";
      if (type.maximum && *number > *type.maximum) return "greater than the maximum";
      if (type.multiple_of && *type.multiple_of > 0) {
        const double ratio = *number / *type.multiple_of;
        if (std::fabs(ratio - std::round(ratio)) > 1e-9) return "not a multiple of the multipleOf facet";
      }
      static const std::map<std::string, std::pair<double, double>> kRanges = {
          {"int8", {-128, 127}}, {"int16", {-32768, 32767}}, {"int32", {-2147483648.0, 2147483647.0}},
          {"int64", {-9223372036854775808.0, 9223372036854775807.0}}, {"int", {-9223372036854775808.0, 9223372036854775807.0}},
          {"long", {-9223372036854775808.0, 9223372036854775807.0}}};
      if (const auto range = kRanges.find(type.format); range != kRanges.end()) {
        if (std::floor(*number) != *number) return "expected an integer (format " + type.format + ")";
        if (*number < range->second.first || *number > range->second.second) return "out of the range of " + type.format;
      }
      return enum_check();
    }
    case TypeKind::kBoolean:
      if (!value->is_scalar() || scalar != ScalarType::kBoolean) return "expected a boolean";
      return enum_check();
    case TypeKind::kDateOnly:
    case TypeKind::kTimeOnly:
    case TypeKind::kDateTimeOnly:
    case TypeKind::kDateTime:
      if (!value->is_scalar() || scalar != ScalarType::kString || !MatchesDate(type.kind, type.format, value->scalar))
        return std::string("expected a ") + KindName(type.kind) + " value";
      return enum_check();
    case TypeKind::kObject: {
      if (!value->is_mapping()) return "expected an object";
      for (const auto& property : type.properties) {
        if (property.pattern) continue;
        const RamlNode* field = value->Find(property.name);
        if (!field) {
          if (property.required) return "the required property " + Quote(property.name) + " is missing";
          continue;
        }
        // A null value stands for an absent optional property, as JSON examples often write it.
        if (!property.type || (field->is_null() && !property.required)) continue;
        if (std::string why = Mismatch(*property.type, *field, depth + 1, children); !why.empty())
          return "property " + Quote(property.name) + ": " + why;
      }
      for (const auto& pair : value->pairs) {
        const bool declared = std::any_of(type.properties.begin(), type.properties.end(),
                                          [&](const RProperty& p) { return !p.pattern && p.name == pair.key; });
        if (declared) continue;
        bool matched = false;
        for (const auto& property : type.properties) {
          if (!property.pattern) continue;
          const auto match = Matches(property.name, pair.key);
          if (match == BoundedRegex::Match::kGaveUp)
            return "the property name " + Quote(pair.key) + " " + BoundedRegex::GaveUpMessage(property.name);
          if (match == BoundedRegex::Match::kNotFound) continue;
          matched = true;
          if (property.type)
            if (std::string why = Mismatch(*property.type, pair.value, depth + 1, children); !why.empty())
              return "property " + Quote(pair.key) + ": " + why;
          break;
        }
        if (!matched && !type.additional_properties) return "the property " + Quote(pair.key) + " is not declared";
      }
      if (type.min_properties && value->pairs.size() < *type.min_properties) return "fewer properties than minProperties";
      if (type.max_properties && value->pairs.size() > *type.max_properties) return "more properties than maxProperties";
      return enum_check();
    }
    case TypeKind::kArray: {
      if (!value->is_sequence()) return "expected an array";
      if (type.min_items && value->items.size() < *type.min_items) return "fewer items than minItems";
      if (type.max_items && value->items.size() > *type.max_items) return "more items than maxItems";
      if (type.unique_items) {
        std::set<std::string> seen;
        for (const auto& item : value->items)
          if (!seen.insert(ToJsonText(item)).second) return "the items are not unique";
      }
      if (type.items)
        for (size_t i = 0; i < value->items.size(); ++i)
          if (std::string why = Mismatch(*type.items, value->items[i], depth + 1, children); !why.empty())
            return "item " + std::to_string(i) + ": " + why;
      return "";
    }
    case TypeKind::kUnion: {
      if (type.members.empty()) return "";
      std::string first;
      for (const auto& member : type.members) {
        if (!member) return "";
        std::string why = Mismatch(*member, *value, depth + 1, children);
        if (why.empty()) return enum_check();
        if (first.empty()) first = why;
      }
      return "it matches none of the union's types (" + first + ")";
    }
  }
  return "";
}

Shape TypeSystem::ToShape(const TypeRef& type, bool expand_named) const {
  Shape shape;
  if (!type) return shape;
  if (!type->name.empty() && !expand_named) {
    shape.ref = type->name;
    return shape;
  }
  shape.name = type->name;
  switch (type->kind) {
    case TypeKind::kDateOnly: shape.type = "string"; shape.format = "date"; break;
    case TypeKind::kTimeOnly: shape.type = "string"; shape.format = "time"; break;
    case TypeKind::kDateTimeOnly: shape.type = "string"; shape.format = "datetime-only"; break;
    case TypeKind::kDateTime: shape.type = "string"; shape.format = "date-time"; break;
    case TypeKind::kSchema: break;
    default: shape.type = KindName(type->kind); shape.format = type->format;
  }
  if (const RamlNode* node = type->node; node && node->is_mapping()) {
    if (const RamlNode* name = node->Find("displayName"); name && name->is_scalar()) shape.display_name = name->scalar;
    if (const RamlNode* text = node->Find("description"); text && text->is_scalar()) shape.description = text->scalar;
  }
  if (!type->patterns.empty()) shape.pattern = type->patterns.back();
  for (const auto& value : type->enum_values) shape.enum_values.push_back(ToJsonText(value));
  shape.min_length = type->min_length;
  shape.max_length = type->max_length;
  shape.minimum = type->minimum;
  shape.maximum = type->maximum;
  shape.multiple_of = type->multiple_of;
  shape.min_items = type->min_items;
  shape.max_items = type->max_items;
  shape.unique_items = type->unique_items;
  shape.min_properties = type->min_properties;
  shape.max_properties = type->max_properties;
  shape.file_types = type->file_types;
  shape.additional_properties = type->additional_properties;
  for (const auto& property : type->properties) {
    if (property.inherited) continue;
    Property out;
    out.name = property.name;
    out.required = property.required;
    out.pattern = property.pattern;
    out.shape.push_back(ToShape(property.type));
    if (property.node) out.location = {context_.loader.files()[property.node->file], property.node->line, property.node->column};
    shape.properties.push_back(std::move(out));
  }
  if (type->items) shape.items.push_back(ToShape(type->items));
  for (const auto& member : type->members) {
    if (member && member->kind == TypeKind::kNil) shape.nullable = true;
    shape.any_of.push_back(ToShape(member));
  }
  for (const auto& parent : type->parents) shape.all_of.push_back(ToShape(parent));
  shape.discriminator = type->discriminator;
  shape.discriminator_value = type->discriminator_value;
  if (type->default_value) shape.default_value = ToJsonText(*type->default_value);
  shape.examples = type->examples;
  for (const auto& [name, value] : type->facet_values) shape.facets[name] = ToJsonText(*value);
  shape.schema_language = type->schema_language;
  shape.schema_text = type->schema_text;
  if (type->node) shape.location = {context_.loader.files()[type->node->file], type->node->line, type->node->column};
  return shape;
}

}  // namespace agora::specs::raml
