#include "exchange/compatibility_api.h"

#include <algorithm>

#include "assets/semver.h"
#include "compat/report_format.h"
#include "exchange/handler_support.h"
#include "publication/compatibility.h"

namespace agora::exchange {
namespace json = boost::json;
using server::Request;
using server::Response;

namespace {

class Api {
 public:
  explicit Api(ExchangeServices& s) : s_(s) {}

  // The report between the path's version (the revision) and `base` (default: the highest
  // earlier version), in `format` (json by default).
  Response Report(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(s_, request));
    const assets::Coordinates revision = CoordinatesOf(request);
    if (auto readable = ReadableVersion(s_, principal, revision); !readable.ok()) return Response::Error(readable.status());
    const std::string format_name = request.Query("format").value_or("json");
    const auto format = compat::ParseReportFormat(format_name);
    if (!format)
      return Response::Error(Status::InvalidArgument(
          "INVALID_FORMAT", "format must be text, json, markdown, html, junit or sarif, not '" + format_name + "'"));
    assets::Coordinates base = revision;
    if (const auto named = request.Query("base")) {
      base.version = *named;
    } else {
      AGORA_ASSIGN_OR_RETURN_RESPONSE(base.version, PreviousVersion(revision));
    }
    if (auto readable = ReadableVersion(s_, principal, base); !readable.ok()) return Response::Error(readable.status());
    AGORA_ASSIGN_OR_RETURN_RESPONSE(specs::ApiModel base_model, StoredModel(base));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(specs::ApiModel revision_model, StoredModel(revision));
    const compat::Report report = compat::Compare(base_model, revision_model);
    const compat::ReportHeading heading{base.ToString(), revision.ToString()};
    return Response::Text(200, compat::RenderReport(report, *format, heading), std::string(compat::MediaTypeOf(*format)));
  }

  // An organisation's compatibility rule, and the rule in force for it (its own, else its
  // nearest parent's). Administrators only.
  Response GetOrganizationRule(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(s_, request));
    const std::string organization_id = request.Param("organizationId");
    if (Status st = auth::Authorize(principal, organization_id, auth::Action::kAdminister); !st.ok())
      return Response::Error(st);
    return RuleResponse(publication::OrganizationRuleScope(organization_id), organization_id, "", "");
  }

  Response PutOrganizationRule(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(s_, request));
    const std::string organization_id = request.Param("organizationId");
    if (Status st = auth::Authorize(principal, organization_id, auth::Action::kAdminister); !st.ok())
      return Response::Error(st);
    if (Status st = SetRule(request, publication::OrganizationRuleScope(organization_id)); !st.ok())
      return Response::Error(st);
    return RuleResponse(publication::OrganizationRuleScope(organization_id), organization_id, "", "");
  }

  // An asset's own compatibility rule, and the rule in force for it. Administrators of the
  // organisation that owns the asset only.
  Response GetAssetRule(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(std::string organization_id, AdministeredAsset(request));
    const std::string group = request.Param("groupId"), asset = request.Param("assetId");
    return RuleResponse(publication::AssetRuleScope(group, asset), organization_id, group, asset);
  }

  Response PutAssetRule(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(std::string organization_id, AdministeredAsset(request));
    const std::string group = request.Param("groupId"), asset = request.Param("assetId");
    if (Status st = SetRule(request, publication::AssetRuleScope(group, asset)); !st.ok()) return Response::Error(st);
    return RuleResponse(publication::AssetRuleScope(group, asset), organization_id, group, asset);
  }

 private:
  // The organisation owning the path's asset, when the caller administers it.
  Result<std::string> AdministeredAsset(const Request& request) {
    AGORA_ASSIGN_OR_RETURN(auth::Principal principal, Authenticate(s_, request));
    const std::string group = request.Param("groupId"), asset = request.Param("assetId");
    AGORA_ASSIGN_OR_RETURN(auto versions, ReadableVersions(s_, principal, group, asset));  // 404 for strangers
    const std::string& organization_id = versions.front().organization_id;
    AGORA_RETURN_IF_ERROR(auth::Authorize(principal, organization_id, auth::Action::kAdminister));
    return organization_id;
  }

  // {"rule": NAME or null} sets (or, with null, removes) the scope's rule.
  Status SetRule(Request& request, const std::string& scope) {
    AGORA_ASSIGN_OR_RETURN(json::object body, JsonBody(request));
    const json::value* rule = body.if_contains("rule");
    if (!rule || !(rule->is_null() || rule->is_string()))
      return Status::InvalidArgument("INVALID_RULE", "rule must be NONE, BACKWARD, BACKWARD_TRANSITIVE or null");
    if (rule->is_null()) return s_.metadata.SetCompatibilityRule(scope, "");
    const std::string name(rule->as_string());
    if (!publication::ParseCompatibilityRule(name))
      return Status::InvalidArgument("INVALID_RULE",
                                     "rule must be NONE, BACKWARD, BACKWARD_TRANSITIVE or null, not '" + name + "'");
    return s_.metadata.SetCompatibilityRule(scope, name);
  }

  // {"rule": own or null, "effectiveRule", "source"}.
  Response RuleResponse(const std::string& scope, const std::string& organization_id, const std::string& group,
                        const std::string& asset) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(std::string own, s_.metadata.GetCompatibilityRule(scope));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(publication::RuleInForce in_force,
                                    publication::EffectiveRule(s_.metadata, organization_id, group, asset));
    json::object body{{"rule", own.empty() ? json::value(nullptr) : json::value(own)},
                      {"effectiveRule", publication::CompatibilityRuleName(in_force.rule)},
                      {"source", in_force.source}};
    return JsonResponse(200, body);
  }

  // The highest version of the asset below `revision` (SemVer precedence).
  Result<std::string> PreviousVersion(const assets::Coordinates& revision) {
    AGORA_ASSIGN_OR_RETURN(auto summaries, s_.metadata.ListVersionSummaries(revision.group_id, revision.asset_id));
    std::vector<std::string> versions;
    for (const auto& summary : summaries) versions.push_back(summary.version);
    if (auto previous = assets::PreviousVersion(versions, revision.version)) return *previous;
    return Status::NotFound("Asset " + revision.ToString() + " has no earlier version to compare with");
  }

  Result<specs::ApiModel> StoredModel(const assets::Coordinates& coordinates) {
    AGORA_ASSIGN_OR_RETURN(std::string json, s_.metadata.GetApiModel(coordinates));
    if (json.empty()) return Status::NotFound("Asset " + coordinates.ToString() + " has no API specification", "NO_API_MODEL");
    return specs::ApiModel::FromJson(json);
  }

  ExchangeServices& s_;
};

}  // namespace

void RegisterCompatibilityRoutes(server::Router& router, ExchangeServices& services) {
  auto api = std::make_shared<Api>(services);
  auto bind = [api](Response (Api::*method)(Request&)) { return BindHandler(api, method); };
  for (const std::string v : {"v1", "v2"}) {
    const std::string base = "/exchange/api/" + v;
    router.Add("GET", base + "/assets/{groupId}/{assetId}/{version}/compatibility", bind(&Api::Report));
    router.Add("GET", base + "/organizations/{organizationId}/compatibility", bind(&Api::GetOrganizationRule));
    router.Add("PUT", base + "/organizations/{organizationId}/compatibility", bind(&Api::PutOrganizationRule));
    router.Add("GET", base + "/assets/{groupId}/{assetId}/compatibility", bind(&Api::GetAssetRule));
    router.Add("PUT", base + "/assets/{groupId}/{assetId}/compatibility", bind(&Api::PutAssetRule));
  }
}

}  // namespace agora::exchange
