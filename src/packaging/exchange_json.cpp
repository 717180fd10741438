#include "packaging/exchange_json.h"

#include <boost/json.hpp>

namespace agora::packaging {
namespace {

namespace json = boost::json;

void Indent(std::string& out, int depth) { out.append(static_cast<size_t>(depth) * 2, ' '); }

// JSON.stringify(value, null, 2): empty containers stay on one line. Boost.JSON only prints
// compactly. Recursion is bounded by Boost.JSON's parse depth limit (32).
void Pretty(const json::value& value, int depth, std::string& out) {
  if (value.is_object() && !value.as_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& [key, member] : value.as_object()) {
      out += first ? "" : ",\n";
      first = false;
      Indent(out, depth + 1);
      out += json::serialize(json::string(key)) + ": ";
      Pretty(member, depth + 1, out);
    }
    out += "\n";
    Indent(out, depth);
    out += "}";
  } else if (value.is_array() && !value.as_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const auto& element : value.as_array()) {
      out += first ? "" : ",\n";
      first = false;
      Indent(out, depth + 1);
      Pretty(element, depth + 1, out);
    }
    out += "\n";
    Indent(out, depth);
    out += "]";
  } else {
    out += json::serialize(value);
  }
}

void AppendUnknownKeys(const std::string& uploaded, json::object& descriptor) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(uploaded, ec);
  if (ec || !parsed.is_object()) return;
  for (const auto& [key, value] : parsed.as_object())
    if (!descriptor.contains(key)) descriptor[key] = value;
}

}  // namespace

std::string ToExchangeJson(const ExchangeDescriptor& d) {
  json::array tags;
  for (const auto& t : d.tags) tags.push_back(json::string(t));
  json::array dependencies;
  for (const auto& c : d.dependencies)
    dependencies.push_back(json::object{{"groupId", c.group_id}, {"assetId", c.asset_id}, {"version", c.version}});
  // boost::json::object keeps insertion order, which is Exchange's key order.
  json::object o;
  o["main"] = d.main;
  o["name"] = d.name;
  o["classifier"] = d.classifier;
  o["tags"] = std::move(tags);
  o["groupId"] = d.group_id;
  o["assetId"] = d.asset_id;
  o["version"] = d.version;
  o["apiVersion"] = d.api_version;
  o["dependencies"] = std::move(dependencies);
  o["organizationId"] = d.organization_id;
  o["originalFormat"] = d.original_format;
  o["originalFormatVersion"] = d.original_format_version;
  if (!d.uploaded_json.empty()) AppendUnknownKeys(d.uploaded_json, o);
  std::string out;
  Pretty(o, 0, out);
  return out + "\n";
}

}  // namespace agora::packaging
