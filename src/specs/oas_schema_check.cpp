#include "specs/oas_schema_check.h"

#include <boost/json.hpp>
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/constraint_builder.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <iterator>
#include <memory>
#include <regex>
#include <map>
#include <set>
#include <tuple>

#include "specs/oas_references.h"
#include "specs/oas_schema_graph.h"
#include "specs/yaml_json.h"

namespace agora::specs {
namespace {

namespace json = boost::json;
using valijson::ValidationResults;

// ---- the schema, prepared for valijson ----

// valijson reports an alternative's complaints with nothing to tell where one alternative's end
// and the next one's begin. Every oneOf/anyOf branch therefore starts with this constraint, which
// always holds and, when complaints are collected, records "branch N starts here".
constexpr std::string_view kBranchMark = "\x01" "branch ";

class BranchStart : public valijson::constraints::PolyConstraint {
 public:
  explicit BranchStart(int index) : index_(index) {}
  bool validate(const valijson::adapters::Adapter&, const std::vector<std::string>& context,
                ValidationResults* results) const override {
    if (results) results->pushError(context, std::string(kBranchMark) + std::to_string(index_));
    return true;
  }

 private:
  Constraint* cloneInto(void* memory) const override { return new (memory) BranchStart(*this); }
  size_t sizeOf() const override { return sizeof(BranchStart); }
  int index_;
};

class BranchStartBuilder : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    return new BranchStart(static_cast<int>(value.asInteger()));
  }
};

// format: date, time and date-time (RFC 3339 full-date, full-time and date-time), the formats
// valijson checks. valijson compiles its regular expressions again for every value it checks,
// a tenth of the time a large document took to read; this parses by hand. As JSON Schema says,
// only strings are checked (valijson checked other values' text too).
class DateTimeFormat : public valijson::constraints::PolyConstraint {
 public:
  explicit DateTimeFormat(std::string format) : format_(std::move(format)) {}
  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                ValidationResults* results) const override {
    if (!target.isString()) return true;
    const std::string text = target.asString();
    std::string_view rest = text;
    bool valid = false;
    if (format_ == "date") valid = ReadDate(rest) && rest.empty();
    else if (format_ == "time") valid = ReadTime(rest);
    else valid = ReadDate(rest) && !rest.empty() && (rest[0] == 'T' || rest[0] == 't') && ReadTime(rest.substr(1));
    if (!valid && results) results->pushError(context, "String should be a valid " + format_);
    return valid;
  }

  static bool Checked(std::string_view format) { return format == "date" || format == "time" || format == "date-time"; }

 private:
  // Reads `count` digits and the separator after them (none when `separator` is 0).
  static bool ReadNumber(std::string_view& text, size_t count, char separator, int& value) {
    if (text.size() < count + (separator ? 1 : 0)) return false;
    value = 0;
    for (size_t i = 0; i < count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      value = value * 10 + (text[i] - '0');
    }
    if (separator && text[count] != separator) return false;
    text.remove_prefix(count + (separator ? 1 : 0));
    return true;
  }

  static bool ReadDate(std::string_view& text) {
    int year = 0, month = 0, day = 0;
    if (!ReadNumber(text, 4, '-', year) || !ReadNumber(text, 2, '-', month) || !ReadNumber(text, 2, 0, day)) return false;
    if (month < 1 || month > 12 || day < 1) return false;
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  }

  // full-time: HH:MM:SS[.fraction] then Z or an offset +HH:MM / -HH:MM; all of `text`.
  static bool ReadTime(std::string_view text) {
    int hour = 0, minute = 0, second = 0;
    if (!ReadNumber(text, 2, ':', hour) || !ReadNumber(text, 2, ':', minute) || !ReadNumber(text, 2, 0, second)) return false;
    if (hour > 23 || minute > 59 || second > 60) return false;  // 60: a leap second
    if (!text.empty() && text[0] == '.') {
      const size_t digits = text.find_first_not_of("0123456789", 1);
      if (digits == 1) return false;
      text.remove_prefix(digits == std::string_view::npos ? text.size() : digits);
    }
    if (text == "Z" || text == "z") return true;
    if (text.empty() || (text[0] != '+' && text[0] != '-')) return false;
    text.remove_prefix(1);
    int offset_hours = 0, offset_minutes = 0;
    return ReadNumber(text, 2, ':', offset_hours) && ReadNumber(text, 2, 0, offset_minutes) && text.empty() &&
           offset_hours <= 23 && offset_minutes <= 59;
  }

  Constraint* cloneInto(void* memory) const override { return new (memory) DateTimeFormat(*this); }
  size_t sizeOf() const override { return sizeof(DateTimeFormat); }
  std::string format_;
};

class DateTimeFormatBuilder : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    return new DateTimeFormat(value.asString());
  }
};

// additionalProperties: false (and, for the 3.1 schema, 2020-12's unevaluatedProperties: false):
// an object may hold only the property names, and names matching the patterns, that its schema
// (and, for unevaluatedProperties, its subschemas) declare. valijson's own additionalProperties
// names only the first stranger, and after a value fails one of several patternProperties it
// stops matching the others and calls the members it did not reach strangers; this reports
// every stranger and nothing else.
class ClosedObject : public valijson::constraints::PolyConstraint {
 public:
  ClosedObject(std::set<std::string> names, std::vector<std::string> patterns)
      : names_(std::move(names)), patterns_(std::move(patterns)) {
    for (const auto& pattern : patterns_) regexes_.emplace_back(pattern);
  }
  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                ValidationResults* results) const override {
    if (!target.isObject()) return true;
    bool valid = true;
    target.applyToObject([&](const std::string& name, const valijson::adapters::Adapter&) {
      if (names_.count(name) || std::any_of(regexes_.begin(), regexes_.end(),
                                            [&](const std::regex& r) { return std::regex_search(name, r); }))
        return true;
      valid = false;
      if (results)
        results->pushError(context, "Object contains a property that could not be validated using 'properties' or "
                                    "'additionalProperties' constraints: '" + name + "'.");
      return results != nullptr;
    });
    return valid;
  }

 private:
  Constraint* cloneInto(void* memory) const override { return new (memory) ClosedObject(*this); }
  size_t sizeOf() const override { return sizeof(ClosedObject); }
  std::set<std::string> names_;
  std::vector<std::string> patterns_;
  std::vector<std::regex> regexes_;
};

class ClosedObjectBuilder : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    std::set<std::string> names;
    std::vector<std::string> patterns;
    value.applyToObject([&](const std::string& key, const valijson::adapters::Adapter& list) {
      list.applyToArray([&](const valijson::adapters::Adapter& item) {
        if (key == "names") names.insert(item.asString());
        else patterns.push_back(item.asString());
        return true;
      });
      return true;
    });
    return new ClosedObject(std::move(names), std::move(patterns));
  }
};

// The property names and patterns an object schema and the subschemas it applies in place
// declare (not those of nested objects). A chain deeper than SchemaGraph::kMaxSchemaChain is not
// followed further (its examples are not checked either).
void DeclaredProperties(const json::value& root, const json::value& schema, std::set<std::string>& names,
                        std::set<std::string>& patterns, std::set<const json::value*>& seen, uint32_t depth = 0) {
  if (!schema.is_object() || depth >= SchemaGraph::kMaxSchemaChain || !seen.insert(&schema).second) return;
  const json::object& object = schema.as_object();
  if (const auto* properties = object.if_contains("properties"); properties && properties->is_object())
    for (const auto& [name, value] : properties->as_object()) names.insert(name);
  if (const auto* properties = object.if_contains("patternProperties"); properties && properties->is_object())
    for (const auto& [pattern, value] : properties->as_object()) patterns.insert(pattern);
  for (const char* key : {"$ref", "$dynamicRef"}) {
    if (const auto* ref = object.if_contains(key); ref && ref->is_string()) {
      const std::string target = key == std::string("$ref") ? std::string(ref->as_string()) : "#/$defs/schema";
      if (const json::value* resolved = JsonSchemaAt(root, target)) DeclaredProperties(root, *resolved, names, patterns, seen, depth + 1);
    }
  }
  for (const char* key : {"allOf", "anyOf", "oneOf"})
    if (const auto* list = object.if_contains(key); list && list->is_array())
      for (const auto& item : list->as_array()) DeclaredProperties(root, item, names, patterns, seen, depth + 1);
  for (const char* key : {"if", "then", "else"})
    if (const auto* sub = object.if_contains(key)) DeclaredProperties(root, *sub, names, patterns, seen, depth + 1);
  if (const auto* dependent = object.if_contains("dependentSchemas"); dependent && dependent->is_object())
    for (const auto& [name, sub] : dependent->as_object()) DeclaredProperties(root, sub, names, patterns, seen, depth + 1);
}

// Calls `visit` on each schema nested in the schema `node`: the members of name maps
// (properties, $defs, ...), the items of lists of schemas, any other object-valued keyword;
// never inside data (enum, const, default, examples).
template <typename Visit>
void ForEachSubschema(json::object& node, Visit visit) {
  for (auto& [key, value] : node) {
    if (key == "enum" || key == "const" || key == "default" || key == "examples" || key == "example") continue;
    const bool names = key == "properties" || key == "patternProperties" || key == "$defs" || key == "definitions" ||
                       key == "dependentSchemas" || key == "dependencies";
    if (names && value.is_object()) {
      for (auto& [name, schema] : value.as_object())
        if (schema.is_object()) visit(schema);
    } else if (value.is_array()) {
      for (auto& item : value.as_array())
        if (item.is_object()) visit(item);
    } else if (value.is_object()) {
      visit(value);
    }
  }
}

// 2020-12 -> draft 7, first step: unevaluatedProperties: false becomes a closed object.
void CloseObjects(const json::value& root, json::value& node) {
  json::object& object = node.as_object();
  ForEachSubschema(object, [&](json::value& sub) { CloseObjects(root, sub); });
  const auto* unevaluated = object.if_contains("unevaluatedProperties");
  if (!unevaluated || !unevaluated->is_bool() || unevaluated->as_bool()) return;
  std::set<std::string> names, patterns;
  std::set<const json::value*> seen;
  DeclaredProperties(root, node, names, patterns, seen);
  json::array name_list(names.begin(), names.end()), pattern_list(patterns.begin(), patterns.end());
  object.erase("unevaluatedProperties");
  object["x-agora-closed"] = json::object{{"names", std::move(name_list)}, {"patterns", std::move(pattern_list)}};
}

// 2020-12 -> draft 7, second step (see the header); for every version, closed objects (see
// ClosedObject), one patternProperties keyword per pattern (so that one failing pattern does not
// hide the others) and the branch marks.
void Rewrite(json::value& node, bool oas31) {
  json::object& object = node.as_object();
  ForEachSubschema(object, [&](json::value& sub) { Rewrite(sub, oas31); });
  if (const auto* additional = object.if_contains("additionalProperties"); additional && additional->is_bool() &&
                                                                          !additional->as_bool()) {
    json::array names, patterns;
    if (const auto* properties = object.if_contains("properties"); properties && properties->is_object())
      for (const auto& [name, value] : properties->as_object()) names.emplace_back(name);
    if (const auto* properties = object.if_contains("patternProperties"); properties && properties->is_object())
      for (const auto& [pattern, value] : properties->as_object()) patterns.emplace_back(pattern);
    object.erase("additionalProperties");
    object["x-agora-closed"] = json::object{{"names", std::move(names)}, {"patterns", std::move(patterns)}};
  }
  // valijson compiles a pattern's regex each time it checks an object against it: a pattern whose
  // schema admits anything ("^x-": {}) checks nothing once no additionalProperties schema needs
  // to know which members it matched (the closed list above keeps it), so it goes.
  if (auto* patterns = object.if_contains("patternProperties"); patterns && patterns->is_object()) {
    const auto* additional = object.if_contains("additionalProperties");
    if (!additional || (additional->is_bool() && additional->as_bool())) {
      json::object& by_pattern = patterns->as_object();
      for (auto it = by_pattern.begin(); it != by_pattern.end();) {
        const bool anything = (it->value().is_object() && it->value().as_object().empty()) ||
                              (it->value().is_bool() && it->value().as_bool());
        it = anything ? by_pattern.erase(it) : std::next(it);
      }
      if (by_pattern.empty()) object.erase("patternProperties");
    }
  }
  if (const auto* format = object.if_contains("format"); format && format->is_string() &&
                                                         DateTimeFormat::Checked(format->as_string())) {
    json::value moved = *format;
    object.erase("format");
    object["x-agora-format"] = std::move(moved);
  }
  if (auto* patterns = object.if_contains("patternProperties"); patterns && patterns->is_object() &&
                                                                 patterns->as_object().size() > 1) {
    json::array split;
    for (auto& [pattern, schema] : patterns->as_object())
      split.push_back(json::object{{"patternProperties", json::object{{pattern, std::move(schema)}}}});
    object.erase("patternProperties");
    json::array& all_of = object["allOf"].is_array() ? object["allOf"].as_array() : object["allOf"].emplace_array();
    for (auto& item : split) all_of.push_back(std::move(item));
  }
  if (oas31) {
    if (object.contains("$dynamicRef")) {
      object.erase("$dynamicRef");
      object["$ref"] = "#/$defs/schema";  // the default of the $dynamicAnchor "meta"
    }
    if (auto* dependent = object.if_contains("dependentSchemas")) {
      json::value moved = std::move(*dependent);
      object.erase("dependentSchemas");
      object["dependencies"] = std::move(moved);
    }
    if (auto* ref = object.if_contains("$ref"); ref && ref->is_string()) {
      std::string target(ref->as_string());
      for (size_t at; (at = target.find("/dependentSchemas/")) != std::string::npos;)
        target.replace(at, 18, "/dependencies/");
      *ref = target;
    }
    if (const auto* ref = object.if_contains("$ref"); ref && object.size() > 1) {
      json::value moved = json::object{{"$ref", *ref}};
      object.erase("$ref");
      json::array& all_of = object["allOf"].is_array() ? object["allOf"].as_array() : object["allOf"].emplace_array();
      all_of.insert(all_of.begin(), std::move(moved));
    }
  }
  for (const char* key : {"oneOf", "anyOf"}) {
    auto* list = object.if_contains(key);
    if (!list || !list->is_array()) continue;
    int index = 0;
    for (auto& branch : list->as_array())
      branch = json::object{{"allOf", json::array{json::object{{"x-agora-branch", index++}}, std::move(branch)}}};
  }
}

struct CompiledSchema {
  json::value document;  // valijson's schema keeps views into it
  valijson::Schema schema;
};

// Prepares a schema document for valijson (see the header): the official schemas, and an
// OpenAPI document whose Schema Objects examples are checked against.
void Prepare(json::value& document, bool oas31) {
  if (oas31) {
    const json::value pristine = document;
    CloseObjects(pristine, document);
  }
  Rewrite(document, oas31);
}

valijson::SchemaParser Parser(bool oas31) {
  valijson::SchemaParser parser(oas31 ? valijson::SchemaParser::kDraft7 : valijson::SchemaParser::kDraft4);
  parser.addConstraintBuilder("x-agora-branch", new BranchStartBuilder);
  parser.addConstraintBuilder("x-agora-closed", new ClosedObjectBuilder);
  parser.addConstraintBuilder("x-agora-format", new DateTimeFormatBuilder);
  return parser;
}

std::unique_ptr<CompiledSchema> Compile(OasSchemaVersion version) {
  auto compiled = std::make_unique<CompiledSchema>();
  compiled->document = json::parse(OfficialOasSchemaText(version));
  const bool oas31 = version == OasSchemaVersion::kOas31;
  Prepare(compiled->document, oas31);
  valijson::SchemaParser parser = Parser(oas31);
  // The 2.0 schema borrows definitions from draft-04's meta-schema, embedded too; nothing else is fetched.
  auto fetch = [](const std::string& uri) -> const json::value* {
    if (uri != "http://json-schema.org/draft-04/schema") return nullptr;
    return new json::value(json::parse(JsonSchemaDraft04Text()));
  };
  auto free = [](const json::value* document) { delete document; };
  parser.populateSchema(valijson::adapters::BoostJsonAdapter(compiled->document), compiled->schema, fetch, free);
  return compiled;
}

const valijson::Schema& OfficialSchema(OasSchemaVersion version) {
  static const std::unique_ptr<CompiledSchema> schemas[] = {Compile(OasSchemaVersion::kSwagger20),
                                                             Compile(OasSchemaVersion::kOas30),
                                                             Compile(OasSchemaVersion::kOas31)};
  return schemas[static_cast<int>(version)]->schema;
}

// ---- what valijson reports, as a tree ----

struct Complaint {
  std::vector<std::string> context;  // valijson's path: "<root>", "[paths]", "[/pets]", "[0]", ...
  std::string description;
  std::vector<std::vector<Complaint>> branches;  // for a failed oneOf/anyOf: each alternative's
};

bool IsBranchSummary(const std::string& description) {
  return description.rfind("Failed to validate against any child schemas allowed by oneOf", 0) == 0 ||
         description.rfind("Failed to validate against any schemas allowed by anyOf", 0) == 0;
}

// Complaints that only say a nested complaint exists.
bool IsSummary(const std::string& description) {
  for (const char* prefix : {"Failed to validate against child schema #", "Failed to validate item #",
                             "Failed to validate against schema associated with", "Failed to validate against additional",
                             "Failed to validate against a conditional", "Failed to validate against dependent",
                             "Cannot validate item #"})
    if (description.rfind(prefix, 0) == 0) return true;
  return false;
}

// Rebuilds the alternatives from the flat list: a branch mark with index 0 opens a oneOf/anyOf,
// a higher index closes the previous alternative, and the oneOf/anyOf summary closes the last.
std::vector<Complaint> BuildTree(const ValidationResults& results) {
  struct Group {
    std::vector<std::string> context;
    std::vector<std::vector<Complaint>> branches;
  };
  std::vector<std::vector<Complaint>*> open{};  // where complaints go: the root, or an alternative
  std::vector<Complaint> root;
  std::vector<Group> groups;
  open.push_back(&root);
  for (const auto& error : results) {
    if (error.description.rfind(kBranchMark, 0) == 0) {
      const bool first = error.description.substr(kBranchMark.size()) == "0";
      if (first || groups.empty() || groups.back().context != error.context) {
        groups.push_back({error.context, {}});
      } else {
        open.pop_back();
      }
      groups.back().branches.emplace_back();
      open.push_back(&groups.back().branches.back());
    } else if (IsBranchSummary(error.description) && !groups.empty() && groups.back().context == error.context) {
      open.pop_back();
      Complaint summary{error.context, error.description, std::move(groups.back().branches)};
      groups.pop_back();
      open.back()->push_back(std::move(summary));
    } else if (!IsSummary(error.description)) {
      open.back()->push_back({error.context, error.description, {}});
    }
  }
  return root;
}

// ---- choosing what to report ----

bool Starts(const std::vector<std::string>& path, const std::vector<std::string>& prefix) {
  return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

// The complaints worth reporting: each oneOf/anyOf replaced by the complaints of the alternative
// the document most plausibly meant.
void Flatten(const std::vector<Complaint>& complaints, std::vector<const Complaint*>& out);

// How unlikely it is that the document meant this alternative: the node is of another kind, a
// discriminating value (type: http, in: query) is not this alternative's, or it is not a $ref.
std::tuple<int, size_t, int> Implausibility(const std::vector<std::string>& at, const std::vector<Complaint>& branch) {
  std::vector<const Complaint*> leaves;
  Flatten(branch, leaves);
  int misses = 0, deepest = 0;
  for (const Complaint* leaf : leaves) {
    const auto& d = leaf->description;
    const bool here = leaf->context == at;
    const bool child = leaf->context.size() == at.size() + 1 && Starts(leaf->context, at);
    if (here && d.rfind("Value type not permitted", 0) == 0) misses += 100;
    if (here && d == "Missing required property '$ref'.") misses += 10;
    if (child && (d.rfind("Failed to match against any enum", 0) == 0 || d.rfind("Failed to match expected value", 0) == 0))
      misses += 10;
    deepest = std::max(deepest, static_cast<int>(leaf->context.size()));
  }
  return {misses, leaves.size(), -deepest};
}

void Flatten(const std::vector<Complaint>& complaints, std::vector<const Complaint*>& out) {
  for (const auto& complaint : complaints) {
    if (complaint.branches.empty()) {
      out.push_back(&complaint);
      continue;
    }
    const std::vector<Complaint>* best = nullptr;
    std::tuple<int, size_t, int> best_score;
    for (const auto& branch : complaint.branches) {
      const auto score = Implausibility(complaint.context, branch);
      if (!best || score < best_score) best = &branch, best_score = score;
    }
    if (best->empty()) out.push_back(&complaint);
    else Flatten(*best, out);
  }
}

// "matches more than one alternative" says little beside another complaint about the same node.
std::vector<const Complaint*> Relevant(const std::vector<const Complaint*>& leaves) {
  std::vector<const Complaint*> kept;
  for (const Complaint* leaf : leaves) {
    const bool vague = leaf->description.rfind("Failed to validate against exactly one", 0) == 0;
    if (vague && std::any_of(leaves.begin(), leaves.end(), [&](const Complaint* other) {
          return other != leaf && Starts(other->context, leaf->context);
        }))
      continue;
    kept.push_back(leaf);
  }
  return kept;
}

// Each round costs a validation of the whole document; a document with more failing members than
// this reports those it reached (and the rest once they are mended).
constexpr int kMaxRounds = 2;

// Removes from `instance` each member that failed a patternProperties schema in `results`;
// false when there was none.
bool DropMembersThatFailedAPattern(const ValidationResults& results, json::value& instance) {
  std::set<std::vector<std::string>> members;
  std::vector<std::vector<std::string>> contexts;
  for (const auto& error : results) contexts.push_back(error.context);
  for (const auto& error : results) {
    if (error.description.rfind("Failed to validate against schema associated with pattern", 0) != 0) continue;
    for (const auto& context : contexts)
      if (context.size() > error.context.size() && Starts(context, error.context))
        members.insert(std::vector<std::string>(context.begin(), context.begin() + error.context.size() + 1));
  }
  bool dropped = false;
  for (const auto& member : members) {
    json::value* node = &instance;
    for (size_t i = 1; node && i + 1 < member.size(); ++i) {
      const std::string key = member[i].substr(1, member[i].size() - 2);
      if (node->is_object()) node = node->as_object().if_contains(key);
      else if (node->is_array() && std::strtoul(key.c_str(), nullptr, 10) < node->as_array().size())
        node = &node->as_array()[std::strtoul(key.c_str(), nullptr, 10)];
      else node = nullptr;
    }
    if (node && node->is_object()) dropped = node->as_object().erase(member.back().substr(1, member.back().size() - 2)) > 0 || dropped;
  }
  return dropped;
}

// ---- wording and placing ----

const YamlNode* NodeAt(const YamlNode& root, const std::vector<std::string>& context) {
  const YamlNode* node = &root;
  for (size_t i = 1; i < context.size() && node; ++i) {
    const std::string& step = context[i];
    const std::string key = step.size() >= 2 ? step.substr(1, step.size() - 2) : step;
    if (node->is_mapping()) {
      node = node->Find(key);
    } else if (node->is_sequence()) {
      const size_t index = static_cast<size_t>(std::strtoul(key.c_str(), nullptr, 10));
      node = index < node->items.size() ? &node->items[index] : nullptr;
    } else {
      node = nullptr;
    }
  }
  return node;
}

std::string Kind(const YamlNode& node) {
  if (node.is_mapping()) return "a mapping";
  if (node.is_sequence()) return "a list";
  const json::value value = ScalarToJson(node);
  if (value.is_string()) return "a string";
  if (value.is_bool()) return "a boolean";
  if (value.is_null()) return "null";
  return "a number";
}

std::string Quoted(const YamlNode& node) {
  if (!node.is_scalar()) return Kind(node);
  std::string text = node.scalar.size() > 60 ? node.scalar.substr(0, 57) + "..." : node.scalar;
  return "'" + text + "'";
}

// The name the node is known by in its parent: a field name or "item N".
std::string NameOf(const std::vector<std::string>& context) {
  if (context.size() < 2) return "the document";
  const std::string step = context.back().substr(1, context.back().size() - 2);
  if (context.size() > 2 && !step.empty() && step.find_first_not_of("0123456789") == std::string::npos) {
    const std::string& parent = context[context.size() - 2];
    return "item " + std::to_string(std::stoul(step) + 1) + " of '" + parent.substr(1, parent.size() - 2) + "'";
  }
  return "'" + step + "'";
}

std::string Wording(const Complaint& complaint, const YamlNode& node, const std::string& version_name,
                    const YamlNode*& place) {
  const std::string& d = complaint.description;
  const std::string name = NameOf(complaint.context);
  auto quoted_tail = [&](size_t from) {
    const size_t open = d.find('\'', from);
    const size_t close = d.rfind('\'');
    return open == std::string::npos || close <= open ? std::string() : d.substr(open + 1, close - open - 1);
  };
  if (d.rfind("Missing required property", 0) == 0)
    return "the required property '" + quoted_tail(0) + "' is missing in " + name;
  if (d.rfind("Object contains a property that could not be validated", 0) == 0) {
    const std::string field = quoted_tail(d.find(':'));
    if (const YamlNode* value = node.Find(field)) place = value;
    if (complaint.context.size() == 2 && complaint.context[1] == "[paths]")
      return "the path '" + field + "' does not start with '/'";
    return "'" + field + "' is not a field of " + name + " in " + version_name +
           (field.rfind("x-", 0) == 0 ? "" : " (extensions start with 'x-')");
  }
  if (d.rfind("Value type not permitted", 0) == 0) return name + " must not be " + Kind(node) + " here";
  if (d.rfind("Failed to match against any enum", 0) == 0 || d.rfind("Failed to match expected value", 0) == 0)
    return Quoted(node) + " is not an allowed value of " + name;
  if (d.rfind("Failed to match regex", 0) == 0)
    return Quoted(node) + " is not a valid " + name + " (it does not have the form " + version_name + " requires)";
  if (d.rfind("Failed to validate against exactly one", 0) == 0)
    return name + " matches more than one of the forms " + version_name + " allows for it; it must match exactly one";
  if (const size_t valid = d.find("should be a valid "); valid != std::string::npos)
    return Quoted(node) + " is not a valid " + d.substr(valid + 18, d.size() - valid - 18 - (d.back() == '.'));
  if (d.rfind("Target should not validate", 0) == 0) return name + " uses a combination of fields " + version_name + " forbids";
  if (d.find("violate uniqueness") != std::string::npos) return name + " lists the same item twice";
  if (d.rfind("Missing dependency", 0) == 0) return name + " needs '" + quoted_tail(0) + "' beside it";
  for (const auto& [prefix, wording] : {std::pair{"Expected number greater than or equal to ", " must be at least "},
                                        {"Expected number greater than ", " must be greater than "},
                                        {"Expected number less than or equal to ", " must be at most "},
                                        {"Expected number less than ", " must be less than "}}) {
    if (d.rfind(prefix, 0) != 0) continue;
    std::string bound = d.substr(std::string(prefix).size());
    if (bound.find('.') != std::string::npos) bound.erase(bound.find_last_not_of("0") + 1);
    if (!bound.empty() && bound.back() == '.') bound.pop_back();
    return name + wording + bound;
  }
  std::string text = d;
  if (!text.empty() && text.back() == '.') text.pop_back();
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return name + ": " + text;
}

const char* VersionName(OasSchemaVersion version) {
  switch (version) {
    case OasSchemaVersion::kSwagger20: return "Swagger 2.0";
    case OasSchemaVersion::kOas30: return "OpenAPI 3.0";
    case OasSchemaVersion::kOas31: return "OpenAPI 3.1";
  }
  return "";
}

// The document as JSON for the schema, with two leniencies. YAML authors often leave versions
// unquoted (`swagger: 2.0`, `version: 1.0`); where the schema wants a version string, a plain
// scalar's text is that string. And a 3.0 document of components alone (a library of schemas
// other documents refer to, which 3.1 made legal) is accepted without `paths`.
json::value Instance(const YamlNode& root, OasSchemaVersion version) {
  json::value instance = YamlToJson(root);
  if (!instance.is_object()) return instance;
  json::object& object = instance.as_object();
  if (version == OasSchemaVersion::kOas30 && !object.contains("paths") && object.contains("components"))
    object["paths"] = json::object();
  for (const char* key : {"swagger", "openapi"})
    if (const YamlNode* node = root.Find(key); node && node->is_scalar()) object[key] = node->scalar;
  const YamlNode* info = root.Find("info");
  if (const YamlNode* version = info ? info->Find("version") : nullptr; version && version->is_scalar())
    object["info"].as_object()["version"] = version->scalar;
  return instance;
}

// ---- examples and defaults against their schemas ----

struct ExampleTarget {
  std::string schema;  // JSON pointer of the schema in the document
  const YamlNode* value = nullptr;
  const char* what = "";  // "example", "default"
};

// Finds every example and default with the schema it must match, in the main document: a Schema
// Object's own `example`, `examples` (3.1) and `default`, and the `example`/`examples` of an
// object that has a `schema` (parameters, headers, media types; Swagger 2.0 responses).
class ExampleFinder {
 public:
  ExampleFinder(const YamlNode& root, bool swagger2) : root_(root), swagger2_(swagger2) {}

  std::vector<ExampleTarget> Find() {
    Walk(root_, false);
    return std::move(found_);
  }

 private:
  // The pointer of the node being walked, made only for the schemas that have examples.
  std::string Pointer(const char* last = nullptr) const {
    std::string pointer;
    for (const std::string& step : path_) pointer += "/" + EscapePointerToken(step);
    if (last) pointer += std::string("/") + last;
    return pointer;
  }

  void Add(const std::string& schema, const YamlNode& value, const char* what) { found_.push_back({schema, &value, what}); }

  // 3.x: Example Objects by name (their `value`, references resolved); 2.0: values by media type.
  void AddNamedExamples(const std::string& schema, const YamlNode& examples) {
    for (const auto& [name, entry] : examples.pairs) {
      if (swagger2_) {
        Add(schema, entry, "example");
        continue;
      }
      const YamlNode* target = &entry;
      if (const YamlNode* ref = entry.Find("$ref"); ref && ref->is_scalar() && ref->scalar.rfind("#/", 0) == 0)
        target = FollowPointer(root_, ref->scalar.substr(1));
      if (const YamlNode* value = target ? target->Find("value") : nullptr) Add(schema, *value, "example");
    }
  }

  void Walk(const YamlNode& node, bool schema) {
    if (node.is_sequence()) {
      for (size_t i = 0; i < node.items.size(); ++i) Step(std::to_string(i), node.items[i], false);
      return;
    }
    if (!node.is_mapping() || node.Find("$ref")) return;
    if (schema) {
      const YamlNode* example = node.Find("example");
      const YamlNode* fallback = node.Find("default");
      const YamlNode* examples = node.Find("examples");
      if (example || fallback || (examples && examples->is_sequence())) {
        const std::string at = Pointer();
        if (example) Add(at, *example, "example");
        if (fallback) Add(at, *fallback, "default");
        if (examples && examples->is_sequence())
          for (const auto& item : examples->items) Add(at, item, "example");
      }
    } else if (const YamlNode* own = node.Find("schema"); own && own->is_mapping()) {
      const YamlNode* example = node.Find("example");
      const YamlNode* examples = node.Find("examples");
      if (example || (examples && examples->is_mapping())) {
        const std::string at = Pointer("schema");
        if (example) Add(at, *example, "example");
        if (examples && examples->is_mapping()) AddNamedExamples(at, *examples);
      }
    }
    for (const auto& [key, value] : node.pairs) {
      if (key == "example" || key == "examples" || key == "default" || key == "enum" || key == "const" ||
          key.rfind("x-", 0) == 0 || value.is_scalar())
        continue;
      const bool members_are_schemas = key == "schemas" || key == "definitions" || key == "$defs" ||
                                       (schema && (key == "properties" || key == "patternProperties"));
      path_.push_back(key);
      if (members_are_schemas && value.is_mapping()) {
        for (const auto& [name, member] : value.pairs) Step(name, member, true);
      } else if (schema && (key == "allOf" || key == "anyOf" || key == "oneOf" || key == "prefixItems") &&
                 value.is_sequence()) {
        for (size_t i = 0; i < value.items.size(); ++i) Step(std::to_string(i), value.items[i], true);
      } else {
        Walk(value, key == "schema" || (schema && (key == "items" || key == "additionalProperties" || key == "not" ||
                                                   key == "if" || key == "then" || key == "else" || key == "contains")));
      }
      path_.pop_back();
    }
  }

  void Step(const std::string& name, const YamlNode& node, bool schema) {
    path_.push_back(name);
    Walk(node, schema);
    path_.pop_back();
  }

  const YamlNode& root_;
  const bool swagger2_;
  std::vector<std::string> path_;
  std::vector<ExampleTarget> found_;
};

// OpenAPI 3.0's `nullable` and Swagger 2.0's `x-nullable` in JSON Schema's words: null joins the
// types (and the enum values, when there are some).
void AdmitNull(json::value& node) {
  if (node.is_array())
    for (auto& item : node.as_array()) AdmitNull(item);
  if (!node.is_object()) return;
  json::object& object = node.as_object();
  for (auto& [key, value] : object)
    if (key != "example" && key != "examples" && key != "default" && key != "enum") AdmitNull(value);
  const json::value* nullable = object.if_contains("nullable");
  if (!nullable) nullable = object.if_contains("x-nullable");
  if (!nullable || !nullable->is_bool() || !nullable->as_bool()) return;
  if (auto* type = object.if_contains("type"); type && type->is_string()) *type = json::array{*type, "null"};
  if (auto* values = object.if_contains("enum"); values && values->is_array()) values->as_array().push_back(nullptr);
}

}  // namespace

std::vector<std::pair<Problem, bool>> CheckExamples(const std::string& file, const YamlNode& root, OasSchemaVersion version) {
  const bool oas31 = version == OasSchemaVersion::kOas31;
  const std::vector<ExampleTarget> targets = ExampleFinder(root, version == OasSchemaVersion::kSwagger20).Find();
  std::vector<std::pair<Problem, bool>> problems;
  if (targets.empty()) return problems;
  json::value document = YamlToJson(root);
  if (!document.is_object()) return problems;
  if (!oas31) AdmitNull(document);
  Prepare(document, oas31);
  std::map<std::string, std::unique_ptr<valijson::Schema>> schemas;  // by pointer; null: unusable
  SchemaGraph graph(document);
  valijson::Validator validator;
  for (const auto& target : targets) {
    auto [entry, fresh] = schemas.try_emplace(target.schema);
    if (fresh) {
      // valijson would recurse without end or too deep: said once, and the schema left unused
      if (const std::string why = graph.Unusable(target.schema); !why.empty()) {
        problems.push_back({{file, target.value->line, target.value->column,
                             std::string("the ") + target.what + " cannot be checked: " + why},
                            true});
        continue;
      }
      // The document is the root, so that the schema's own #/components/... references resolve;
      // a reference to another file cannot, and such an example is left unchecked.
      document.as_object()["$ref"] = "#" + target.schema;
      try {
        auto schema = std::make_unique<valijson::Schema>();
        Parser(oas31).populateSchema(valijson::adapters::BoostJsonAdapter(document), *schema);
        entry->second = std::move(schema);
      } catch (const std::exception&) {
      }
    }
    if (!entry->second) continue;
    try {
      const json::value value = YamlToJson(*target.value);
      const valijson::adapters::BoostJsonAdapter adapter(value);
      if (validator.validate(*entry->second, adapter, nullptr)) continue;
      ValidationResults results;
      validator.validate(*entry->second, adapter, &results);
      std::vector<const Complaint*> leaves;
      const std::vector<Complaint> tree = BuildTree(results);
      Flatten(tree, leaves);
      std::vector<const Complaint*> relevant;
      for (const Complaint* leaf : Relevant(leaves)) {
        // valijson checks a format on null too; a null a nullable schema admits has none
        const YamlNode* at = NodeAt(*target.value, leaf->context);
        if (!(at && at->is_null() && leaf->description.find("should be a valid") != std::string::npos))
          relevant.push_back(leaf);
      }
      if (relevant.empty()) continue;
      const YamlNode* node = NodeAt(*target.value, relevant.front()->context);
      if (!node) node = target.value;
      const YamlNode* place = node;
      std::string why = Wording(*relevant.front(), *node, VersionName(version), place);
      if (why.rfind("the document", 0) == 0) why.replace(0, 12, "the value");
      problems.push_back({{file, place->line, place->column, std::string("the ") + target.what + " does not match its schema: " + why},
                          target.what == std::string("example")});
    } catch (const std::exception&) {
      // a pattern std::regex cannot use: the rules report it where it is written
    }
  }
  return problems;
}

std::vector<Problem> CheckOfficialSchema(const std::string& file, const YamlNode& root, OasSchemaVersion version) {
  const valijson::Schema& schema = OfficialSchema(version);
  json::value instance = Instance(root, version);
  valijson::Validator validator;
  std::vector<Problem> problems;
  std::set<std::string> seen;
  // valijson stops checking an object's members against a patternProperties schema at the first
  // member that fails it (every schema of components/schemas shares one pattern): each round
  // reports what it finds, drops those members from the copy it checks, and checks again.
  for (int round = 0; round < kMaxRounds; ++round) {
    const valijson::adapters::BoostJsonAdapter adapter(instance);
    if (round == 0 && validator.validate(schema, adapter, nullptr)) break;  // the common case, fast
    ValidationResults results;
    if (validator.validate(schema, adapter, &results)) break;
    std::vector<const Complaint*> leaves;
    const std::vector<Complaint> tree = BuildTree(results);
    Flatten(tree, leaves);
    for (const Complaint* leaf : Relevant(leaves)) {
      const YamlNode* node = NodeAt(root, leaf->context);
      if (!node) node = &root;
      const YamlNode* place = node;
      Problem problem{file, 0, 0, Wording(*leaf, *node, VersionName(version), place)};
      problem.line = place->line;
      problem.column = place->column;
      if (seen.insert(problem.ToString()).second) problems.push_back(std::move(problem));
    }
    if (!DropMembersThatFailedAPattern(results, instance)) break;
  }
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  return problems;
}

}  // namespace agora::specs
