#include "specs/oas_examples.h"

#include <boost/json.hpp>
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <map>
#include <memory>

#include "specs/json_schema_rewrite.h"
#include "specs/oas_references.h"
#include "specs/oas_schema_graph.h"
#include "specs/schema_complaints.h"
#include "specs/yaml_json.h"

namespace agora::specs {
namespace {

namespace json = boost::json;
using valijson::ValidationResults;

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
  PrepareForValijson(document, oas31);
  const PatternPropertiesGuard guard(document);
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
        PreparedSchemaParser(oas31 ? valijson::SchemaParser::kDraft7 : valijson::SchemaParser::kDraft4)
            .populateSchema(valijson::adapters::BoostJsonAdapter(document), *schema);
        entry->second = std::move(schema);
      } catch (const std::exception&) {
      }
    }
    if (!entry->second) continue;
    try {
      const json::value value = YamlToJson(*target.value);
      if (const std::string why = guard.Unsafe(value); !why.empty()) {
        problems.push_back({{file, target.value->line, target.value->column,
                             std::string("the ") + target.what + " cannot be checked: " + why},
                            true});
        continue;
      }
      const valijson::adapters::BoostJsonAdapter adapter(value);
      if (validator.validate(*entry->second, adapter, nullptr)) continue;
      ValidationResults results;
      validator.validate(*entry->second, adapter, &results);
      const std::vector<SchemaComplaint> complaints = ExplainComplaints(results, *target.value, OasVersionName(version));
      if (complaints.empty()) continue;
      const SchemaComplaint& first = complaints.front();
      std::string why = first.message;
      if (why.rfind("the document", 0) == 0) why.replace(0, 12, "the value");
      problems.push_back({{file, first.place->line, first.place->column, std::string("the ") + target.what + " does not match its schema: " + why},
                          target.what == std::string("example")});
    } catch (const std::exception&) {
      // a pattern std::regex cannot use: the rules report it where it is written
    }
  }
  return problems;
}

}  // namespace agora::specs
