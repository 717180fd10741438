#include "publication/tag_rules.h"

#include <algorithm>
#include <cstdlib>

namespace agora::publication {

std::vector<std::string> SplitValues(const std::string& text) {
  std::vector<std::string> values;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    std::string item = text.substr(start, comma - start);
    const auto b = item.find_first_not_of(" \t\"");
    if (b != std::string::npos) values.push_back(item.substr(b, item.find_last_not_of(" \t\"") - b + 1));
    start = comma + 1;
  }
  return values;
}

namespace {

Status Invalid(const std::string& message) { return Status::InvalidArgument("INVALID_ASSET_METADATA", message, {message}); }

bool IsNumber(const std::string& text) {
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size();
}

}  // namespace

Status CheckTagValue(const std::vector<storage::TagDefinition>& definitions, const std::string& kind,
                     const std::string& asset_type, const assets::TagValue& value) {
  const std::string label = kind == "category" ? "category" : "custom field";
  auto definition = std::find_if(definitions.begin(), definitions.end(),
                                 [&](const auto& d) { return d.kind == kind && d.tag_key == value.key; });
  if (definition == definitions.end())
    return Invalid("The " + label + " '" + value.key + "' is not defined in the organization");
  const auto& types = definition->asset_type_restrictions;
  if (!types.empty() && std::find(types.begin(), types.end(), asset_type) == types.end())
    return Invalid("The " + label + " '" + value.key + "' does not apply to assets of type " + asset_type);
  const bool list = definition->data_type.find("list") != std::string::npos || definition->data_type == "enum";
  if (!list && value.values.size() > 1) return Invalid("The " + label + " '" + value.key + "' takes a single value");
  for (const auto& v : value.values) {
    const auto& accepted = definition->accepted_values;
    if (definition->data_type == "enum" && std::find(accepted.begin(), accepted.end(), v) == accepted.end())
      return Invalid("'" + v + "' is not an accepted value of the " + label + " '" + value.key + "'");
    if (definition->data_type.rfind("number", 0) == 0 && !IsNumber(v))
      return Invalid("The " + label + " '" + value.key + "' takes numbers, not '" + v + "'");
  }
  return Status::Ok();
}

}  // namespace agora::publication
