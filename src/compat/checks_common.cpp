#include <boost/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "compat/checks.h"

namespace agora::compat::internal {
namespace {

constexpr int kMaxWalkDepth = 64;

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// "request-parameter-became-required" -> "Request parameter became required".
std::string Sentence(std::string_view id) {
  std::string words(id);
  for (char& c : words)
    if (c == '-') c = ' ';
  if (!words.empty()) words[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(words[0])));
  return words;
}

bool Contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

// Whether a transition at `node` explains the change `id` (see SchemaDiff's transitions): the
// change is one of the raw echoes of the transition, not the change that reports it.
bool Claimed(const SchemaDiff* node, std::string_view id) {
  if (!node) return false;
  const Rule* rule = FindRule(id);
  if (!rule) return false;
  const std::string_view kind = rule->kind;
  const bool type_or_structure = kind == "type" || kind == "structure";
  if (node->nullable_wrapping != 0 && !Contains(id, "became-nullable") && !Contains(id, "became-not-nullable") &&
      (type_or_structure || kind == "values" || kind == "constraints" || kind == "existence" || kind == "requiredness"))
    return true;
  if (node->OneOfWrapping() && type_or_structure && id != "request-body-wrapped-in-one-of" &&
      id != "response-body-wrapped-in-one-of" && id != "request-property-one-of-added" &&
      id != "response-property-one-of-added")
    return true;
  return node->HasListOfTypes() && type_or_structure && !Contains(id, "list-of-types");
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// "2025-01-31" or an RFC 3339 date-time (its date is taken).
std::optional<int64_t> ParseDate(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2u-%2u%n", &y, &m, &d, &consumed) != 3 || consumed != 10) return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  if (text.size() > 10) {
    // A date-time: T, a time and a zone.
    int hh, mm, ss, used = 0;
    if (text[10] != 'T' && text[10] != 't') return std::nullopt;
    if (std::sscanf(text.c_str() + 11, "%2d:%2d:%2d%n", &hh, &mm, &ss, &used) != 3 || used != 8) return std::nullopt;
    std::string zone = text.substr(19);
    if (!zone.empty() && zone[0] == '.') zone.erase(0, zone.find_first_not_of("0123456789", 1));
    if (zone != "Z" && zone != "z" && !(zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':'))
      return std::nullopt;
  }
  return DaysFromCivil(y, m, d);
}

std::optional<std::string> JsonString(const std::string& json) {
  boost::system::error_code error;
  const boost::json::value value = boost::json::parse(json, error);
  if (error || !value.is_string()) return std::nullopt;
  return std::string(value.get_string());
}

int StabilityRank(const std::string& stability) {
  if (stability == "draft") return 1;
  if (stability == "alpha") return 2;
  if (stability == "beta") return 3;
  return 4;  // stable, and operations that say nothing
}

void Walk(const SchemaDiff& node, std::string path, const std::string& name, const ModifiedVisitor& visit,
          const SchemaDiff* parent, int depth) {
  if (depth > kMaxWalkDepth) return;
  if ((!name.empty() || !path.empty()) && parent) visit(path, name, node, *parent);
  if (!name.empty()) path = PropertyName(path, name);
  auto join = [&path](const std::string& segment) { return path.empty() ? segment : path + "/" + segment; };
  auto sub = [&](const SchemaDiffPtr& child, const std::string& child_path) {
    if (child) Walk(*child, child_path, "", visit, &node, depth + 1);
  };
  auto alternatives = [&](const SubschemasDiff& diff, const char* keyword) {
    for (const ModifiedSubschema& m : diff.modified) {
      const std::string label = m.base.Label() == m.revision.Label() ? m.base.Label()
                                                                     : m.base.Label() + " -> " + m.revision.Label();
      sub(m.diff, join(std::string(keyword) + "[" + label + "]"));
    }
  };
  alternatives(node.all_of, "allOf");
  alternatives(node.any_of, "anyOf");
  alternatives(node.one_of, "oneOf");
  sub(node.items, join("items"));
  for (const auto& [property, child] : node.properties.modified) Walk(*child, path, property, visit, &node, depth + 1);
  sub(node.additional_properties, join("additionalProperties"));
  for (const ModifiedSubschema& m : node.prefix_items.modified)
    sub(m.diff, path + "/prefixItems[" + m.base.Label() + "]");
  sub(node.contains, path + "/contains");
  sub(node.property_names, path + "/propertyNames");
  sub(node.unevaluated_items, path + "/unevaluatedItems");
  sub(node.unevaluated_properties, path + "/unevaluatedProperties");
  sub(node.if_shape, path + "/if");
  sub(node.then_shape, path + "/then");
  sub(node.else_shape, path + "/else");
  sub(node.not_of, path + "/not");
  sub(node.content_schema, path + "/contentSchema");
  for (const auto& [pattern, child] : node.pattern_properties.modified) sub(child, path + "/patternProperties[" + pattern + "]");
  for (const auto& [property, child] : node.dependent_schemas.modified) sub(child, path + "/dependentSchemas[" + property + "]");
}

// Added (or removed) properties: at the root, and under every changed property.
void WalkChanged(SchemaComparer& comparer, const SchemaDiff& root, bool added, const PropertyVisitor& visit) {
  auto at_node = [&](const std::string& path, const SchemaDiff& node) {
    if (!node.both()) return;
    const Shape& holder = added ? *node.revision : *node.base;
    ModelIndex& index = added ? comparer.revision_index() : comparer.base_index();
    for (const std::string& name : added ? node.properties.added : node.properties.deleted) {
      const Property* property = FindProperty(holder, name);
      static const Shape kAny;
      const Shape& shape = property && !property->shape.empty() ? *index.Resolve(&property->shape.front()) : kAny;
      visit(path, name, shape, node);
    }
  };
  at_node("", root);
  WalkModified(root, [&](const std::string& path, const std::string& name, const SchemaDiff& diff, const SchemaDiff&) {
    at_node(PropertyName(path, name), diff);
  });
}

std::vector<std::string> Minus(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> result;
  for (const auto& x : a)
    if (std::find(b.begin(), b.end(), x) == b.end()) result.push_back(x);
  return result;
}

bool Subtype(const std::string& sub, const std::string& super) {
  return sub == super || (sub == "integer" && super == "number");
}

// Every type of `sub` is one of `super`'s (or a subtype of one).
bool TypeSetSubset(const std::vector<std::string>& sub, const std::vector<std::string>& super) {
  if (sub.empty()) return false;
  return std::all_of(sub.begin(), sub.end(), [&](const std::string& t) {
    return std::any_of(super.begin(), super.end(), [&](const std::string& s) { return Subtype(t, s); });
  });
}

bool TypeContained(const std::vector<std::string>& to, const std::vector<std::string>& from, bool strongly_typed) {
  if (to.size() == 1 && from.size() == 1 && Subtype(from[0], to[0])) return true;
  if (!strongly_typed) return to.empty() || (to.size() == 1 && to[0] == "string");
  return false;
}

bool FormatContained(const std::vector<std::string>& to_types, const std::string& to, const std::string& from) {
  if (to.empty()) return true;
  if (to_types.size() != 1) return false;
  const std::string& type = to_types.front();
  if (type == "number") return to == "double" && from == "float";
  if (type == "integer")
    return (to == "int64" && from == "int32") || (to == "bigint" && (from == "int32" || from == "int64"));
  if (type == "string") return to == "date-time" && (from == "date" || from == "time");
  return false;
}

struct TypeChange {
  std::vector<std::string> added, deleted;  // types
  bool type_changed = false, format_changed = false;
  std::string format_from, format_to;
};

TypeChange Changes(const Shape& base, const Shape& revision) {
  const auto from = TypesOf(base), to = TypesOf(revision);
  TypeChange change;
  change.added = Minus(to, from);
  change.deleted = Minus(from, to);
  change.type_changed = !change.added.empty() || !change.deleted.empty();
  change.format_changed = base.format != revision.format;
  change.format_from = base.format;
  change.format_to = revision.format;
  return change;
}

// oasdiff's typeOrFormatBreaking over a type change (added/deleted) and a format change.
bool Breaking(bool type_changed, const std::vector<std::string>& added, const std::vector<std::string>& deleted,
              bool format_changed, const std::string& format_from, const std::string& format_to,
              bool strongly_typed, const std::vector<std::string>& to_types) {
  const bool type_breaking = type_changed && !TypeContained(added, deleted, strongly_typed);
  const bool format_breaking = format_changed && !FormatContained(to_types, format_to, format_from);
  return type_breaking || format_breaking;
}

}  // namespace

CheckContext::CheckContext(const ApiDiff& diff, SchemaComparer& comparer, const Options& options,
                           std::vector<Change>& changes)
    : diff_(diff), comparer_(comparer), options_(options), changes_(changes) {
  if (auto today = ParseDate(options.today)) {
    today_ = *today;
  } else {
    using namespace std::chrono;
    today_ = duration_cast<days>(system_clock::now().time_since_epoch()).count();
  }
}

Scope CheckContext::ScopeOf(const std::string& path, const Operation& operation, const Operation* base,
                            const Operation* revision) const {
  Scope scope{operation.method, path, "", base, revision};
  if (base_model().format == "wsdl" || revision_model().format == "wsdl")
    scope.operation = path + "." + operation.operation_id;
  else
    scope.operation = Upper(operation.method) + " " + path;
  return scope;
}

void CheckContext::Emit(std::string_view id, const Scope& scope, const std::string& detail, const SourceLocation& base,
                        const SourceLocation& revision, const SchemaDiff* node) {
  if (Claimed(node, id)) return;
  const Rule* rule = FindRule(id);
  Change change;
  change.id = std::string(id);
  change.level = rule ? rule->level : Level::kInfo;
  change.operation = scope.operation;
  change.method = scope.method;
  change.path = scope.path;
  change.message = Sentence(id) + (detail.empty() ? "" : ": " + detail);
  change.base = base;
  change.revision = revision;
  changes_.push_back(std::move(change));
}

void CheckContext::EmitComponent(std::string_view id, const std::string& component, const std::string& detail,
                                 const SourceLocation& base, const SourceLocation& revision) {
  const Rule* rule = FindRule(id);
  Change change;
  change.id = std::string(id);
  change.level = rule ? rule->level : Level::kInfo;
  change.component = component;
  change.message = Sentence(id) + (detail.empty() ? "" : ": " + detail);
  change.base = base;
  change.revision = revision;
  changes_.push_back(std::move(change));
}

std::optional<std::string> CheckContext::Stability(const std::map<std::string, std::string>& extensions) {
  const auto found = extensions.find("x-stability-level");
  if (found == extensions.end() || found->second == "null") return "";
  const auto level = JsonString(found->second);
  if (!level || (*level != "draft" && *level != "alpha" && *level != "beta" && *level != "stable")) return std::nullopt;
  return *level;
}

bool CheckContext::StabilityIncluded(const std::string& stability) const {
  return StabilityRank(stability) >= StabilityRank(options_.stability_level);
}

uint32_t CheckContext::DeprecationDays(const std::string& stability) const {
  if (stability == "draft" || stability == "alpha") return 0;
  if (stability == "beta") return options_.beta_deprecation_days;
  return options_.stable_deprecation_days;
}

std::optional<int64_t> CheckContext::Sunset(const std::map<std::string, std::string>& extensions, bool& error) {
  error = false;
  const auto found = extensions.find("x-sunset");
  if (found == extensions.end()) return std::nullopt;
  const auto text = JsonString(found->second);
  const auto date = text ? ParseDate(*text) : std::nullopt;
  if (!date) {
    error = true;
    return std::nullopt;
  }
  return date;
}

std::string PropertyName(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "/" + name;
}

std::string Quote(const std::string& text) { return "'" + text + "'"; }

std::string ValueText(const std::string& json) {
  if (auto text = JsonString(json)) return *text;
  return json;
}

std::string NumberText(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.15g", value);
  return buffer;
}

void WalkModified(const SchemaDiff& root, const ModifiedVisitor& visit) { Walk(root, "", "", visit, nullptr, 0); }

void WalkAdded(SchemaComparer& comparer, const SchemaDiff& root, const PropertyVisitor& visit) {
  WalkChanged(comparer, root, true, visit);
}

void WalkDeleted(SchemaComparer& comparer, const SchemaDiff& root, const PropertyVisitor& visit) {
  WalkChanged(comparer, root, false, visit);
}

bool TypeOrFormatChanged(const Shape& base, const Shape& revision) {
  const TypeChange change = Changes(base, revision);
  return change.type_changed || change.format_changed;
}

bool TypeOrFormatBreaking(const Shape& base, const Shape& revision, bool strongly_typed) {
  const TypeChange c = Changes(base, revision);
  return Breaking(c.type_changed, c.added, c.deleted, c.format_changed, c.format_from, c.format_to, strongly_typed,
                  TypesOf(revision));
}

TypeVerdict RequestTypeChange(const Shape& base, const Shape& revision, bool strongly_typed) {
  const TypeChange c = Changes(base, revision);
  const auto from = TypesOf(base), to = TypesOf(revision);
  const bool widened = c.type_changed && TypeSetSubset(from, to);
  const bool type_counts = c.type_changed && !widened;
  // A type dropped altogether accepts anything: not breaking, whatever the format did.
  if (!(type_counts && to.empty()) &&
      Breaking(type_counts, c.added, c.deleted, c.format_changed, c.format_from, c.format_to, strongly_typed, to))
    return TypeVerdict::kChanged;
  if (c.type_changed && !from.empty() && !to.empty() && !widened) return TypeVerdict::kCompatible;
  return TypeVerdict::kGeneralized;
}

TypeVerdict ResponseTypeChange(const Shape& base, const Shape& revision, bool strongly_typed) {
  const TypeChange c = Changes(base, revision);
  const auto from = TypesOf(base), to = TypesOf(revision);
  const bool narrowed = c.type_changed && TypeSetSubset(to, from);
  const bool widened = c.type_changed && TypeSetSubset(from, to);
  // Reversed: what the client expected (base) must contain what it now receives (revision).
  const bool type_counts = c.type_changed && !narrowed;
  if (!(type_counts && from.empty()) &&
      Breaking(type_counts, c.deleted, c.added, c.format_changed, c.format_to, c.format_from, strongly_typed, from))
    return widened ? TypeVerdict::kGeneralized : TypeVerdict::kChanged;
  if (c.type_changed && !from.empty() && !to.empty() && !narrowed) return TypeVerdict::kCompatible;
  return TypeVerdict::kSpecialized;
}

std::string TypeText(const Shape& shape) {
  std::string text;
  for (const auto& type : TypesOf(shape)) text += (text.empty() ? "" : ", ") + type;
  if (text.empty()) text = "any";
  if (!shape.format.empty()) text += "/" + shape.format;
  return text;
}

int NullabilityChange(const SchemaDiff& diff) {
  if (!diff.both()) return 0;
  if (diff.base->nullable != diff.revision->nullable) return diff.revision->nullable ? 1 : -1;
  return diff.nullable_wrapping;
}

bool StronglyTyped(const std::string& media_type) {
  return media_type == "application/json" || (media_type.size() > 5 && media_type.ends_with("+json"));
}

}  // namespace agora::compat::internal
