#include "exchange/accounts_api.h"

#include <boost/url/parse_query.hpp>

#include "exchange/handler_support.h"

namespace agora::exchange {
namespace {

namespace json = boost::json;
using server::Request;
using server::Response;

// Login bodies: JSON, as anypoint-cli sends them, or a form, as OAuth clients and browsers do.
Result<json::object> CredentialsBody(Request& request) {
  const std::string type = request.Header("content-type").value_or("");
  if (type.rfind("application/x-www-form-urlencoded", 0) != 0) return JsonBody(request);
  AGORA_ASSIGN_OR_RETURN(std::string text, request.ReadWholeBody(64 * 1024));
  auto params = boost::urls::parse_query(text);
  if (!params) return Status::InvalidArgument("BAD_REQUEST", "The body is not a valid form");
  boost::urls::encoding_opts form;
  form.space_as_plus = true;
  json::object fields;
  for (const auto& param : *params) fields[param.key.decode(form)] = param.value.decode(form);
  return fields;
}

Result<std::string> RequiredField(const json::object& body, const char* key) {
  std::string value = StringField(body, key);
  if (value.empty()) return Status::InvalidArgument("BAD_REQUEST", std::string(key) + " is required");
  return value;
}

json::object TokenJson(const auth::IssuedToken& token) {
  return {{"access_token", token.access_token}, {"token_type", "bearer"}, {"expires_in", token.expires_in_seconds}};
}

json::object OrganizationJson(const storage::Organization& organization) {
  return {{"id", organization.id},
          {"name", organization.name},
          {"isRoot", organization.parent_id.empty()},
          {"parentId", organization.parent_id.empty() ? json::value(nullptr) : json::value(organization.parent_id)}};
}

json::object EnvironmentJson(const storage::Environment& environment) {
  return {{"id", environment.id},
          {"name", environment.name},
          {"organizationId", environment.organization_id},
          {"isProduction", environment.is_production},
          {"type", environment.is_production ? "production" : "sandbox"}};
}

class AccountsApi {
 public:
  explicit AccountsApi(ExchangeServices& services) : s_(services) {}

  // Any Authorization header is ignored: clients send their stale token along with a new login.
  Response Login(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(json::object body, CredentialsBody(request));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(std::string username, RequiredField(body, "username"));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(std::string password, RequiredField(body, "password"));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::IssuedToken token, s_.accounts.LoginWithPassword(username, password));
    return JsonResponse(200, TokenJson(token));
  }

  Response ClientCredentialsToken(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(json::object body, CredentialsBody(request));
    const std::string grant = StringField(body, "grant_type");
    if (!grant.empty() && grant != "client_credentials")
      return Response::Error(Status::InvalidArgument("UNSUPPORTED_GRANT_TYPE", "Only client_credentials is supported"));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(std::string id, RequiredField(body, "client_id"));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(std::string secret, RequiredField(body, "client_secret"));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::IssuedToken token, s_.accounts.LoginWithClientCredentials(id, secret));
    return JsonResponse(200, TokenJson(token));
  }

  // The caller as the platform describes a user: its organisations (home first, then its
  // business groups) and, per organisation, the default environment a client should pick.
  Response Me(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(s_, request));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auto tree, s_.metadata.ListOrganizationTree(principal.organization_id));
    json::array members;
    json::object preferences;
    for (const auto& organization : tree) {
      members.push_back(OrganizationJson(organization));
      AGORA_ASSIGN_OR_RETURN_RESPONSE(auto environments, s_.metadata.ListEnvironments(organization.id));
      if (!environments.empty())
        preferences[organization.id] = json::object{{"defaultEnvironment", environments.front().id}};
    }
    const std::string id = principal.account_id.empty() ? principal.subject : principal.account_id;
    return JsonResponse(200, json::object{{"id", id},
                                          {"username", principal.subject},
                                          {"organizationId", principal.organization_id},
                                          {"organization", members.front()},
                                          {"role", auth::RoleName(principal.role)},
                                          {"organizationPreferences", std::move(preferences)},
                                          {"memberOfOrganizations", members},
                                          {"contributorOfOrganizations", members}});
  }

  Response Environments(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auto environments, ReadableEnvironments(request));
    json::array data;
    for (const auto& environment : environments) data.push_back(EnvironmentJson(environment));
    const auto total = data.size();
    return JsonResponse(200, json::object{{"data", std::move(data)}, {"total", total}});
  }

  Response Environment(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auto environments, ReadableEnvironments(request));
    for (const auto& environment : environments)
      if (environment.id == request.Param("environmentId")) return JsonResponse(200, EnvironmentJson(environment));
    return Response::Error(Status::NotFound("Environment " + request.Param("environmentId") + " not found"));
  }

  // The CLI reports usage and errors here; agora keeps no telemetry, so the body is drained and dropped.
  Response Analytics(Request& request) {
    if (auto drained = request.ReadWholeBody(1 << 20); !drained.ok()) return Response::Error(drained.status());
    return Response::NoContent();
  }

 private:
  Result<std::vector<storage::Environment>> ReadableEnvironments(Request& request) {
    AGORA_ASSIGN_OR_RETURN(auth::Principal principal, Authenticate(s_, request));
    const std::string organization_id = request.Param("organizationId");
    AGORA_RETURN_IF_ERROR(auth::Authorize(principal, organization_id, auth::Action::kRead));
    return s_.metadata.ListEnvironments(organization_id);
  }

  ExchangeServices& s_;
};

}  // namespace

void RegisterAccountsRoutes(server::Router& router, ExchangeServices& services) {
  auto api = std::make_shared<AccountsApi>(services);
  auto bind = [api](Response (AccountsApi::*handler)(Request&)) { return BindHandler(api, handler); };
  router.Add("POST", "/accounts/login", bind(&AccountsApi::Login));
  router.Add("POST", "/accounts/api/v2/oauth2/token", bind(&AccountsApi::ClientCredentialsToken));
  router.Add("GET", "/accounts/api/users/me", bind(&AccountsApi::Me));
  router.Add("GET", "/accounts/api/organizations/{organizationId}/environments", bind(&AccountsApi::Environments));
  router.Add("GET", "/accounts/api/organizations/{organizationId}/environments/{environmentId}",
             bind(&AccountsApi::Environment));
  router.Add("POST", "/cli/api/v1/analytics/event", bind(&AccountsApi::Analytics));
  router.Add("POST", "/cli/api/v1/analytics/error", bind(&AccountsApi::Analytics));
}

}  // namespace agora::exchange
