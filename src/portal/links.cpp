#include "portal/links.h"

#include <utility>

#include "portal/html.h"

namespace agora::portal {

std::string AssetUrl(const std::string& group_id, const std::string& asset_id) {
  return "/exchange/" + UrlEncode(group_id) + "/" + UrlEncode(asset_id) + "/";
}

std::string MinorUrl(const std::string& group_id, const std::string& asset_id, const std::string& minor) {
  return AssetUrl(group_id, asset_id) + "minor/" + UrlEncode(minor) + "/";
}

std::string VersionUrl(const assets::Coordinates& c) {
  return AssetUrl(c.group_id, c.asset_id) + UrlEncode(c.version) + "/";
}

std::string PageUrl(const assets::Coordinates& c, const std::string& page) {
  return VersionUrl(c) + "pages/" + UrlEncodePath(page);
}

std::string ReferenceUrl(const assets::Coordinates& c) { return VersionUrl(c) + "api/"; }

std::string DependenciesUrl(const assets::Coordinates& c) { return VersionUrl(c) + "dependencies"; }
std::string StatusUrl(const assets::Coordinates& c) { return VersionUrl(c) + "status"; }
std::string DeleteUrl(const assets::Coordinates& c) { return VersionUrl(c) + "delete"; }
std::string OrganizationUrl(const std::string& organization_id) {
  return "/exchange/-/organization?org=" + UrlEncode(organization_id);
}
std::string TokensUrl(const std::string& organization_id) {
  return "/exchange/-/organization/tokens?org=" + UrlEncode(organization_id);
}
std::string PublishUrl(const assets::Coordinates& c) {
  return "/exchange/-/publish?group=" + UrlEncode(c.group_id) + "&asset=" + UrlEncode(c.asset_id);
}
std::string EditUrl(const assets::Coordinates& c) { return VersionUrl(c) + "edit"; }
std::string CompareUrl(const assets::Coordinates& c, const std::string& base) {
  return VersionUrl(c) + "compare" + (base.empty() ? "" : "?base=" + UrlEncode(base));
}

std::string DownloadUrl(const assets::Coordinates& c, const assets::AssetFile& file) {
  return VersionUrl(c) + "files/" + UrlEncode(file.classifier.empty() ? "pom" : file.classifier) + "/" +
         UrlEncode(file.packaging);
}

std::string TypeLabel(const std::string& type) {
  static const std::pair<const char*, const char*> kLabels[] = {
      {"rest-api", "REST API"},         {"soap-api", "SOAP API"},           {"http-api", "HTTP API"},
      {"raml-fragment", "API fragment"}, {"custom", "Custom"},              {"extension", "Connector"},
      {"app", "Mule application"},       {"template", "Template"},          {"example", "Example"},
      {"policy", "Policy"},              {"api-group", "API group"},        {"evented-api", "Async API"},
      {"graphql-api", "GraphQL API"},    {"grpc-api", "gRPC API"},          {"external-library", "Library"},
      {"ruleset", "Ruleset"},            {"mcp", "MCP server"},             {"agent", "Agent"},
      {"llm", "LLM"}};
  for (const auto& [name, label] : kLabels)
    if (type == name) return label;
  return type;
}

std::string StatusLabel(const std::string& status) {
  if (status == "published") return "Stable";
  if (status == "development") return "Development";
  if (status == "deprecated") return "Deprecated";
  return status;
}

std::string StatusLabel(assets::Lifecycle status) { return StatusLabel(assets::LifecycleName(status)); }

}  // namespace agora::portal
