#include "publication/tag_rules.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <regex>

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

// A finite decimal number ("12", "-0.5", "1e3"): not "NaN", "inf", hexadecimal or out of range.
bool IsNumber(const std::string& text) {
  double number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  return !text.empty() && error == std::errc() && end == text.data() + text.size() && std::isfinite(number);
}

// An ISO 8601 calendar date, optionally with a time and zone ("2020-01-01", "2020-01-01T20:00:00.000Z"),
// that names a real day and time.
bool IsDate(const std::string& text) {
  static const std::regex kDate(
      R"((\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))?)?)");
  std::smatch m;
  if (!std::regex_match(text, m, kDate)) return false;
  auto number = [&](int group) { return m[group].matched ? std::stoi(m[group].str()) : 0; };
  const std::chrono::year_month_day day{std::chrono::year(number(1)), std::chrono::month(number(2)),
                                        std::chrono::day(number(3))};
  return day.ok() && number(4) < 24 && number(5) < 60 && number(6) < 60 && number(7) < 24 && number(8) < 60;
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
    if (definition->data_type == "date" && !IsDate(v))
      return Invalid("The " + label + " '" + value.key + "' takes dates such as 2020-01-01 or 2020-01-01T20:00:00Z, not '" +
                     v + "'");
  }
  return Status::Ok();
}

}  // namespace agora::publication
