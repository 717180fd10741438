#include "exchange/graph_api.h"

#include <algorithm>
#include <limits>

#include "assets/asset_type.h"
#include "exchange/asset_json.h"
#include "exchange/discovery.h"
#include "exchange/handler_support.h"
#include "graphql/graphql.h"

namespace agora::exchange {
namespace {

namespace json = boost::json;
using server::Request;
using server::Response;

// Each nested object gets the type name Exchange's schema gives it, so that clients' caches
// (Apollo's, in anypoint-cli) can normalise them.
void NameTypes(json::object& asset) {
  asset["__typename"] = "Asset";
  const std::pair<const char*, const char*> kNested[] = {{"files", "File"}, {"dependencies", "Dependency"},
                                                         {"categories", "Category"}, {"customFields", "CustomField"},
                                                         {"attributes", "Attribute"}};
  for (const auto& [key, type] : kNested)
    if (auto* list = asset.if_contains(key); list && list->is_array())
      for (auto& item : list->as_array())
        if (item.is_object()) item.as_object()["__typename"] = type;
  if (auto* user = asset.if_contains("createdBy"); user && user->is_object()) user->as_object()["__typename"] = "User";
  asset["organization"] = json::object{{"id", asset["organizationId"]}, {"__typename", "Organization"}};
}

Result<size_t> Count(const json::object& arguments, const char* key, size_t fallback, size_t most) {
  const auto* value = arguments.if_contains(key);
  if (!value || value->is_null()) return fallback;
  if (!value->is_int64() || value->as_int64() < 0 || static_cast<uint64_t>(value->as_int64()) > most)
    return Status::InvalidArgument("BAD_REQUEST", std::string(key) + " must be an integer from 0 to " + std::to_string(most));
  return static_cast<size_t>(value->as_int64());
}

class GraphApi {
 public:
  explicit GraphApi(ExchangeServices& services) : s_(services) {}

  Response Query(Request& request) {
    // The token may be inside the body, so who calls is known only once it is read.
    auto body = JsonBody(request);
    json::object variables;
    if (const auto* v = body.ok() ? body->if_contains("variables") : nullptr; v && v->is_object())
      variables = v->as_object();
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Caller(request, variables));
    if (!body.ok()) return Response::Error(body.status());
    const std::string query = StringField(*body, "query");
    if (query.empty()) return Response::Error(Status::InvalidArgument("BAD_REQUEST", "The request has no query"));
    ShownVersions shown(s_, BaseUrl(s_, request));  // one for the query: its organisations' names read once
    graphql::RootResolver root;
    root.fields["assets"] = {"Asset", [&](const json::object& a) { return Assets(principal, shown, a); }};
    root.fields["asset"] = {"Asset", [&](const json::object& a) { return Asset(principal, shown, a); }};
    return JsonResponse(200, graphql::ExecuteRequest(query, StringField(*body, "operationName"), variables, root));
  }

 private:
  // The header's token, else variables.accessToken (anypoint-cli sends no Authorization here).
  Result<auth::Principal> Caller(const Request& request, const json::object& variables) {
    if (request.Header("authorization")) return Authenticate(s_, request);
    const auto* token = variables.if_contains("accessToken");
    if (!token || !token->is_string()) return Status::Unauthorized();
    return s_.authenticator.Authenticate("Bearer " + std::string(token->as_string()));
  }

  Result<json::value> Assets(const auth::Principal& principal, ShownVersions& shown, const json::object& a) {
    storage::AssetQuery query;
    const auto wanted = StringList(a, "organizationIds");
    for (const auto& id : principal.organization_ids.empty() ? std::vector{principal.organization_id}
                                                             : principal.organization_ids)
      if (wanted.empty() || std::find(wanted.begin(), wanted.end(), id) != wanted.end())
        query.organization_ids.push_back(id);
    if (query.organization_ids.empty()) return json::value(json::array());  // others' assets are filtered out, never reported
    for (const auto& type : StringList(a, "types")) {
      const auto normalized = assets::NormalizeTypeName(type);
      if (!normalized) return Status::InvalidArgument("BAD_REQUEST", "Unknown asset type '" + type + "'");
      query.types.push_back(*normalized);
    }
    if (const auto* term = a.if_contains("searchTerm"); term && term->is_string()) query.search = term->as_string();
    if (const auto* latest = a.if_contains("latestVersionsOnly"); latest && latest->is_bool())
      query.latest_only = latest->as_bool();
    AGORA_ASSIGN_OR_RETURN(query.limit, Count(a, "limit", 20, kMaxPageSize));
    AGORA_ASSIGN_OR_RETURN(query.offset, Count(a, "offset", 0, std::numeric_limits<int32_t>::max()));
    AGORA_ASSIGN_OR_RETURN(auto found, s_.metadata.FindVersions(query));
    json::array items;
    for (const auto& version : found) {
      AGORA_ASSIGN_OR_RETURN(json::value item, AssetJson(shown, version));
      items.push_back(std::move(item));
    }
    return json::value(std::move(items));
  }

  Result<json::value> Asset(const auth::Principal& principal, ShownVersions& shown, const json::object& a) {
    const std::string group = StringField(a, "groupId"), asset = StringField(a, "assetId");
    std::string version = StringField(a, "version");
    if (group.empty() || asset.empty()) return Status::InvalidArgument("BAD_REQUEST", "groupId and assetId are required");
    // Another organisation's asset is not found, as a missing one (see ReadableVersion).
    if (version.empty()) {
      AGORA_ASSIGN_OR_RETURN(auto versions, ReadableVersions(s_, principal, group, asset));
      return AssetJson(shown, LatestVersion(versions));
    }
    AGORA_ASSIGN_OR_RETURN(assets::AssetVersion found, ReadableVersion(s_, principal, {group, asset, version}));
    return AssetJson(shown, found);
  }

  static Result<json::value> AssetJson(ShownVersions& shown, const assets::AssetVersion& version) {
    AGORA_ASSIGN_OR_RETURN(json::object asset, shown.Json(version));
    NameTypes(asset);
    return json::value(std::move(asset));
  }

  ExchangeServices& s_;
};

}  // namespace

void RegisterGraphRoutes(server::Router& router, ExchangeServices& services) {
  auto api = std::make_shared<GraphApi>(services);
  for (const char* path : {"/graph/api/v1/graphql", "/graph/api/v2/graphql"})
    router.Add("POST", path, [api](Request& request) { return api->Query(request); });
}

}  // namespace agora::exchange
