#include "packaging/exchange_json.h"

#include <boost/json.hpp>

namespace agora::packaging {

std::string ToExchangeJson(const ExchangeDescriptor& d) {
  namespace json = boost::json;
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
  return json::serialize(o);
}

}  // namespace agora::packaging
