#include "specs/yaml_json.h"

#include <boost/json/serialize.hpp>

#include <charconv>
#include <cmath>
#include <limits>

namespace agora::specs {
namespace {

namespace json = boost::json;

bool IsDigits(std::string_view text, int base) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool digit = base == 16 ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                                  : c >= '0' && c < static_cast<char>('0' + base);
    if (!digit) return false;
  }
  return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? : the core schema's float, JSON's number.
bool IsFloat(std::string_view text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  size_t digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    if (i >= text.size() || !IsDigits(text.substr(i), 10)) return false;
    return true;
  }
  return i == text.size();
}

json::value Integer(std::string_view text, int base) {
  const bool negative = !text.empty() && text.front() == '-';
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  if (base != 10) text.remove_prefix(2);
  uint64_t magnitude = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), magnitude, base);
  if (error != std::errc() || end != text.data() + text.size()) return std::strtod(std::string(text).c_str(), nullptr);
  if (!negative) {
    // Signed when it fits: JSON consumers (valijson's adapter among them) expect int64 integers.
    if (magnitude <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return static_cast<int64_t>(magnitude);
    return magnitude;
  }
  if (magnitude <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1)
    return static_cast<int64_t>(0 - magnitude);
  return -static_cast<double>(magnitude);
}

}  // namespace

json::value ScalarToJson(const YamlNode& node) {
  const std::string& text = node.scalar;
  if (node.quoted || node.tag == "tag:yaml.org,2002:str" || node.tag == "!!str") return json::string(text);
  if (node.is_null()) return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  std::string_view body = text;
  if (!body.empty() && (body.front() == '-' || body.front() == '+')) body.remove_prefix(1);
  if (IsDigits(body, 10)) return Integer(text, 10);
  if (text.size() > 2 && text[0] == '0' && text[1] == 'x' && IsDigits(std::string_view(text).substr(2), 16))
    return Integer(text, 16);
  if (text.size() > 2 && text[0] == '0' && text[1] == 'o' && IsDigits(std::string_view(text).substr(2), 8))
    return Integer(text, 8);
  if (IsFloat(text)) return std::strtod(text.c_str(), nullptr);
  // .inf and .nan have no JSON form; they stay the text they are.
  return json::string(text);
}

json::value YamlToJson(const YamlNode& node) {
  if (node.is_mapping()) {
    json::object object;
    object.reserve(node.pairs.size());
    for (const auto& [key, value] : node.pairs) object[key] = YamlToJson(value);
    return object;
  }
  if (node.is_sequence()) {
    json::array array;
    array.reserve(node.items.size());
    for (const auto& item : node.items) array.push_back(YamlToJson(item));
    return array;
  }
  return ScalarToJson(node);
}

std::string YamlToJsonText(const YamlNode& node) { return json::serialize(YamlToJson(node)); }

}  // namespace agora::specs
