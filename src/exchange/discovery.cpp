#include "exchange/discovery.h"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <map>

#include "assets/asset_type.h"
#include "assets/semver.h"
#include "exchange/asset_json.h"

namespace agora::exchange {
namespace json = boost::json;

namespace {

Result<size_t> NumberParameter(const server::Request& request, const char* name, size_t fallback) {
  const auto text = request.Query(name);
  if (!text) return fallback;
  size_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size())
    return Status::InvalidArgument("BAD_REQUEST", std::string("request/query/") + name + " must be a non-negative integer");
  return value;
}

// Repeated parameters, each of which may also be a comma-separated list.
std::vector<std::string> ListParameter(const server::Request& request, std::initializer_list<const char*> names) {
  std::vector<std::string> values;
  for (const char* name : names) {
    for (const auto& value : request.QueryAll(name)) {
      size_t start = 0;
      while (start <= value.size()) {
        const size_t comma = value.find(',', start);
        std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty()) values.push_back(std::move(item));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
  }
  return values;
}

int CompareVersions(const assets::AssetVersion& a, const assets::AssetVersion& b) {
  const auto va = assets::ParseSemVer(a.coordinates.version), vb = assets::ParseSemVer(b.coordinates.version);
  if (va && vb) return assets::CompareSemVer(*va, *vb);
  return a.coordinates.version.compare(b.coordinates.version);
}

}  // namespace

Result<storage::AssetQuery> AssetQueryFromRequest(const server::Request& request,
                                                  const std::string& readable_organization) {
  storage::AssetQuery query;
  const auto organizations = ListParameter(request, {"organizationId", "masterOrganizationId", "rootOrganizationId"});
  const bool readable = organizations.empty() ||
                        std::find(organizations.begin(), organizations.end(), readable_organization) != organizations.end();
  // Organisations the caller may not read are filtered out, never reported.
  query.organization_ids = {readable ? readable_organization : std::string()};
  for (const auto& type : ListParameter(request, {"types", "types[]"})) {
    const auto normalized = assets::NormalizeTypeName(type);
    if (!normalized) return Status::InvalidArgument("BAD_REQUEST", "Unknown asset type '" + type + "' in types");
    query.types.push_back(*normalized);
  }
  for (const auto& status : ListParameter(request, {"status", "status[]"})) {
    if (!assets::ParseLifecycle(status)) return Status::InvalidArgument("BAD_REQUEST", "Unknown status '" + status + "'");
    query.statuses.push_back(status);
  }
  query.tags = ListParameter(request, {"tags", "tags[]"});
  query.search = request.Query("search").value_or("");
  AGORA_ASSIGN_OR_RETURN(query.offset, NumberParameter(request, "offset", 0));
  AGORA_ASSIGN_OR_RETURN(query.limit, NumberParameter(request, "limit", 20));
  if (query.limit > kMaxPageSize)
    return Status::InvalidArgument("BAD_REQUEST", "request/query/limit must be <= " + std::to_string(kMaxPageSize));
  query.sort = request.Query("sort").value_or("");
  if (!query.sort.empty() && query.sort != "name" && query.sort != "createdDate")
    return Status::InvalidArgument("BAD_REQUEST", "sort must be name or createdDate");
  query.ascending = request.Query("ascending").value_or("true") != "false";
  return query;
}

const assets::AssetVersion& LatestVersion(const std::vector<assets::AssetVersion>& versions) {
  return *std::max_element(versions.begin(), versions.end(),
                           [](const auto& a, const auto& b) { return CompareVersions(a, b) < 0; });
}

json::array VersionsJson(const std::vector<assets::AssetVersion>& versions, const assets::AssetVersion* excluded) {
  std::vector<const assets::AssetVersion*> others;
  for (const auto& v : versions)
    if (!excluded || v.coordinates.version != excluded->coordinates.version) others.push_back(&v);
  std::sort(others.begin(), others.end(), [](const auto* a, const auto* b) { return CompareVersions(*a, *b) > 0; });
  json::array array;
  for (const auto* v : others) array.push_back(SearchItemJson(*v));
  return array;
}

json::array VersionGroupsJson(const std::vector<assets::AssetVersion>& versions) {
  std::map<std::string, uint64_t> groups;  // versionGroup -> highest major in it
  for (const auto& v : versions) {
    const auto semver = assets::ParseSemVer(v.coordinates.version);
    auto& major = groups[v.VersionGroup()];
    major = std::max<uint64_t>(major, semver ? semver->major : 0);
  }
  std::vector<std::pair<std::string, uint64_t>> ordered(groups.begin(), groups.end());
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  json::array array;
  const auto& any = versions.front();
  for (const auto& [group, major] : ordered) {
    array.push_back(json::object{{"organizationId", any.organization_id}, {"groupId", any.coordinates.group_id},
                                 {"assetId", any.coordinates.asset_id}, {"versionGroup", group},
                                 {"major", major}, {"isPublic", false}});
  }
  return array;
}

}  // namespace agora::exchange
