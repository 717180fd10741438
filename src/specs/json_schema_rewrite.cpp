#include "specs/json_schema_rewrite.h"

#include <boost/json.hpp>
#include <valijson/internal/adapter.hpp>
#include <valijson/constraint_builder.hpp>
#include <valijson/constraints/concrete_constraints.hpp>
#include <valijson/validation_results.hpp>

#include <algorithm>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "specs/bounded_regex.h"
#include "specs/oas_schema_graph.h"

namespace agora::specs {
namespace {

namespace json = boost::json;
using valijson::ValidationResults;

// valijson reports an alternative's complaints with nothing to tell where one alternative's end
// and the next one's begin. Every oneOf/anyOf branch therefore starts with this constraint, which
// always holds and, when complaints are collected, records "branch N starts here".
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

// pattern, and the patterns of closed objects (below), in bounded steps (bounded_regex.h), where
// valijson's std::regex backtracks without bound. A match given up on fails, saying why.
class Pattern : public valijson::constraints::PolyConstraint {
 public:
  explicit Pattern(const std::string& pattern) : pattern_(pattern), regex_(pattern) {}
  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                ValidationResults* results) const override {
    if (!target.isString()) return true;
    const auto match = regex_.Search(target.asString());
    if (match == BoundedRegex::Match::kFound) return true;
    if (results)  // valijson's own words for a mismatch, which the complaints' wording knows
      results->pushError(context, match == BoundedRegex::Match::kGaveUp
                                      ? "The value " + BoundedRegex::GaveUpMessage(pattern_)
                                      : "Failed to match regex specified by 'pattern' constraint.");
    return false;
  }

 private:
  Constraint* cloneInto(void* memory) const override { return new (memory) Pattern(*this); }
  size_t sizeOf() const override { return sizeof(Pattern); }
  std::string pattern_;
  BoundedRegex regex_;
};

class PatternBuilder : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    return new Pattern(value.asString());
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
      if (names_.count(name)) return true;
      const std::string* gave_up = nullptr;  // a pattern that could not tell
      for (size_t i = 0; i < regexes_.size(); ++i) {
        const auto match = regexes_[i].Search(name);
        if (match == BoundedRegex::Match::kFound) return true;
        if (match == BoundedRegex::Match::kGaveUp) gave_up = &patterns_[i];
      }
      valid = false;
      if (results)
        results->pushError(context, gave_up ? "The property name '" + name + "' " + BoundedRegex::GaveUpMessage(*gave_up)
                                            : "Object contains a property that could not be validated using "
                                              "'properties' or 'additionalProperties' constraints: '" + name + "'.");
      return results != nullptr;
    });
    return valid;
  }

 private:
  Constraint* cloneInto(void* memory) const override { return new (memory) ClosedObject(*this); }
  size_t sizeOf() const override { return sizeof(ClosedObject); }
  std::set<std::string> names_;
  std::vector<std::string> patterns_;
  std::vector<BoundedRegex> regexes_;
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
// valijson matches schema ids and the document part of references against a URN pattern with
// std::regex, which recurses once per character (a 300,000-character URN in a $ref overflowed
// the stack). Past this length an id goes, and a reference points to nothing: its schema is then
// unusable, as with any reference valijson cannot follow.
constexpr size_t kMaxReferenceLength = 4096;

void BoundReferences(json::object& object) {
  for (const char* key : {"id", "$id"})
    if (const auto* id = object.if_contains(key); id && id->is_string() && id->as_string().size() > kMaxReferenceLength)
      object.erase(key);
  if (auto* ref = object.if_contains("$ref"); ref && ref->is_string() && ref->as_string().size() > kMaxReferenceLength)
    *ref = "#/x-agora-reference-too-long";
}

void Rewrite(json::value& node, bool oas31) {
  json::object& object = node.as_object();
  ForEachSubschema(object, [&](json::value& sub) { Rewrite(sub, oas31); });
  BoundReferences(object);
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
  if (const auto* pattern = object.if_contains("pattern"); pattern && pattern->is_string()) {
    json::value moved = *pattern;
    object.erase("pattern");
    object["x-agora-pattern"] = std::move(moved);
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

}  // namespace

void PrepareForValijson(json::value& document, bool json_schema_2020) {
  if (json_schema_2020) {
    const json::value pristine = document;
    CloseObjects(pristine, document);
  }
  Rewrite(document, json_schema_2020);
}

valijson::SchemaParser PreparedSchemaParser(valijson::SchemaParser::Version version) {
  valijson::SchemaParser parser(version);
  parser.addConstraintBuilder("x-agora-branch", new BranchStartBuilder);
  parser.addConstraintBuilder("x-agora-closed", new ClosedObjectBuilder);
  parser.addConstraintBuilder("x-agora-format", new DateTimeFormatBuilder);
  parser.addConstraintBuilder("x-agora-pattern", new PatternBuilder);
  return parser;
}

namespace {

void CollectPatterns(const json::value& node, std::set<std::string>& patterns) {
  if (node.is_array()) {
    for (const auto& item : node.as_array()) CollectPatterns(item, patterns);
    return;
  }
  if (!node.is_object()) return;
  for (const auto& [key, value] : node.as_object()) {
    if (key == "patternProperties" && value.is_object())
      for (const auto& pattern : value.as_object()) patterns.emplace(pattern.key());
    CollectPatterns(value, patterns);
  }
}

}  // namespace

PatternPropertiesGuard::PatternPropertiesGuard(const json::value& prepared_document) {
  std::set<std::string> patterns;
  CollectPatterns(prepared_document, patterns);
  for (const auto& pattern : patterns) {
    BoundedRegex regex(pattern);
    if (unusable_.empty() && (!regex.valid() || !BoundedRegex::StdRegexMayCompile(pattern)))
      unusable_ = "the pattern " + pattern.substr(0, 64) + (pattern.size() > 64 ? "..." : "") +
                  " of patternProperties is not a regular expression agora can match";
    patterns_.emplace_back(pattern, std::move(regex));
  }
}

std::string PatternPropertiesGuard::Unsafe(const json::value& instance) const {
  if (patterns_.empty()) return "";
  std::vector<const json::value*> pending{&instance};
  std::set<std::string_view> checked;
  while (!pending.empty()) {
    const json::value* node = pending.back();
    pending.pop_back();
    if (node->is_array()) {
      for (const auto& item : node->as_array()) pending.push_back(&item);
    } else if (node->is_object()) {
      for (const auto& [key, value] : node->as_object()) {
        if (checked.emplace(key).second)
          if (std::string why = UnsafeName(std::string(key)); !why.empty()) return why;
        pending.push_back(&value);
      }
    }
  }
  return "";
}

std::string PatternPropertiesGuard::UnsafeName(const std::string& name) const {
  if (name.size() > kMaxCheckedName)
    return "the property name of " + std::to_string(name.size()) + " characters is too long to match against " +
           "patternProperties (at most " + std::to_string(kMaxCheckedName) + ")";
  if (!unusable_.empty()) return unusable_;
  for (const auto& [pattern, regex] : patterns_)
    if (regex.Search(name) == BoundedRegex::Match::kGaveUp)
      return "the property name '" + name + "' " + BoundedRegex::GaveUpMessage(pattern);
  return "";
}

}  // namespace agora::specs
