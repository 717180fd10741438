#include "specs/oas_schema_check.h"

#include <boost/json.hpp>
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <tuple>

#include "specs/json_schema_rewrite.h"
#include "specs/schema_complaints.h"
#include "specs/yaml_json.h"

namespace agora::specs {
namespace {

namespace json = boost::json;
using valijson::ValidationResults;

struct CompiledSchema {
  json::value document;  // valijson's schema keeps views into it
  valijson::Schema schema;
};

std::unique_ptr<CompiledSchema> Compile(OasSchemaVersion version) {
  auto compiled = std::make_unique<CompiledSchema>();
  compiled->document = json::parse(OfficialOasSchemaText(version));
  const bool oas31 = version == OasSchemaVersion::kOas31;
  PrepareForValijson(compiled->document, oas31);
  valijson::SchemaParser parser =
      PreparedSchemaParser(oas31 ? valijson::SchemaParser::kDraft7 : valijson::SchemaParser::kDraft4);
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
      if (context.size() > error.context.size() && std::equal(error.context.begin(), error.context.end(), context.begin()))
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

// The official schemas' patternProperties (component names, paths, extensions) are matched by
// valijson's std::regex, which takes a few hundred bytes of stack per character of a key: a key
// past this length is reported instead of being matched (see PatternPropertiesGuard).
constexpr size_t kMaxCheckedKey = 4096;

// The first mapping key longer than kMaxCheckedKey, as a problem.
std::optional<Problem> OverlongKey(const std::string& file, const YamlNode& root) {
  std::vector<const YamlNode*> pending{&root};
  while (!pending.empty()) {
    const YamlNode* node = pending.back();
    pending.pop_back();
    for (const auto& item : node->items) pending.push_back(&item);
    for (const auto& pair : node->pairs) {
      if (pair.key.size() > kMaxCheckedKey)
        return Problem{file, pair.value.key_line ? pair.value.key_line : pair.value.line,
                       pair.value.key_line ? pair.value.key_column : pair.value.column,
                       "a key of " + std::to_string(pair.key.size()) + " characters: agora checks keys of at most " +
                           std::to_string(kMaxCheckedKey) + " characters against the OpenAPI schema"};
      pending.push_back(&pair.value);
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<Problem> CheckOfficialSchema(const std::string& file, const YamlNode& root, OasSchemaVersion version) {
  if (auto overlong = OverlongKey(file, root)) return {std::move(*overlong)};
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
    for (auto& complaint : ExplainComplaints(results, root, OasVersionName(version))) {
      Problem problem{file, complaint.place->line, complaint.place->column, std::move(complaint.message)};
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
