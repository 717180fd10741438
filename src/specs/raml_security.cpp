#include "specs/raml_security.h"

#include <algorithm>
#include <set>

namespace agora::specs::raml {
namespace {

bool IsAbsoluteUri(const std::string& text) {
  const auto colon = text.find(':');
  return colon != std::string::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(text[0]));
}

std::vector<std::string> Strings(const RamlNode& node) {
  std::vector<std::string> out;
  if (node.is_scalar() && !node.is_null()) out.push_back(node.scalar);
  for (const auto& item : node.items)
    if (item.is_scalar()) out.push_back(item.scalar);
  return out;
}

}  // namespace

SecurityScheme Security::ReadScheme(const Scope& scope, const std::string& qualified, const RamlNode& scheme) {
  SecurityScheme out;
  out.name = qualified;
  out.location = {context_.loader.files()[scheme.file], scheme.line, scheme.column};
  if (!scheme.is_mapping()) {
    context_.Report(scheme, "the security scheme '" + qualified + "' must be a mapping");
    return out;
  }
  static const std::set<std::string> kKeys = {"type", "displayName", "description", "describedBy", "settings"};
  for (const auto& pair : scheme.pairs)
    if (!kKeys.count(pair.key) && AnnotationName(pair.key).empty())
      context_.ReportKey(scheme, pair, "'" + pair.key + "' is not a property of a security scheme");
  const RamlNode* type = scheme.Find("type");
  if (!type || !type->is_scalar() || type->is_null()) {
    context_.Report(type ? *type : scheme, "the security scheme '" + qualified + "' must have a type");
  } else {
    out.type = type->scalar;
    static const std::set<std::string> kTypes = {"OAuth 1.0", "OAuth 2.0", "Basic Authentication", "Digest Authentication",
                                                 "Pass Through"};
    if (!kTypes.count(out.type) && !out.type.starts_with("x-"))
      context_.Report(*type, "'" + out.type + "' is not a security scheme type (OAuth 1.0, OAuth 2.0, Basic Authentication, "
                                                "Digest Authentication, Pass Through or x-{other})");
  }
  if (const RamlNode* description = scheme.Find("description"); description && description->is_scalar())
    out.description = description->scalar;
  const RamlNode* settings = scheme.Find("settings");
  if (settings && !settings->is_null() && !settings->is_mapping()) context_.Report(*settings, "'settings' must be a mapping");
  if (settings && settings->is_mapping())
    for (const auto& pair : settings->pairs) out.settings[pair.key] = ToJsonText(pair.value);
  if (out.type == "OAuth 2.0") {
    if (!settings || !settings->is_mapping()) context_.Report(scheme, "an OAuth 2.0 scheme needs settings");
    else CheckOAuth2(*settings);
  } else if (out.type == "OAuth 1.0") {
    if (!settings || !settings->is_mapping()) context_.Report(scheme, "an OAuth 1.0 scheme needs settings");
    else CheckOAuth1(*settings);
  }
  if (const RamlNode* described = scheme.Find("describedBy")) {
    out.settings["describedBy"] = ToJsonText(*described);
    if (described->is_mapping()) describe_(scope, *described);
    else if (!described->is_null()) context_.Report(*described, "'describedBy' must be a mapping");
  }
  return out;
}

void Security::CheckOAuth2(const RamlNode& settings) {
  const RamlNode* token = settings.Find("accessTokenUri");
  if (!token) context_.Report(settings, "an OAuth 2.0 scheme's settings need 'accessTokenUri'");
  else if (!token->is_scalar() || token->is_null()) context_.Report(*token, "'accessTokenUri' must be a URI");
  const RamlNode* grants = settings.Find("authorizationGrants");
  if (!grants && !context_.raml08) {
    context_.Report(settings, "an OAuth 2.0 scheme's settings need 'authorizationGrants'");
    return;
  }
  if (!grants) return;
  if (!grants->is_sequence() && !(grants->is_scalar() && !grants->is_null())) {
    context_.Report(*grants, "'authorizationGrants' must be a list of grant types");
    return;
  }
  static const std::set<std::string> kGrants = context_.raml08
      ? std::set<std::string>{"code", "token", "owner", "credentials"}
      : std::set<std::string>{"authorization_code", "password", "client_credentials", "implicit"};
  bool redirects = false;
  for (const auto& grant : Strings(*grants)) {
    if (!kGrants.count(grant) && !IsAbsoluteUri(grant))
      context_.Report(*grants, "'" + grant + "' is not an authorization grant (authorization_code, password, "
                                             "client_credentials, implicit or an absolute URI)");
    redirects = redirects || grant == "authorization_code" || grant == "implicit" || grant == "code" || grant == "token";
  }
  if (redirects && !settings.Find("authorizationUri"))
    context_.Report(settings, "the authorization_code and implicit grants need 'authorizationUri'");
}

void Security::CheckOAuth1(const RamlNode& settings) {
  for (const char* required : {"requestTokenUri", "authorizationUri", "tokenCredentialsUri"})
    if (!settings.Find(required)) context_.Report(settings, std::string("an OAuth 1.0 scheme's settings need '") + required + "'");
  if (const RamlNode* signatures = settings.Find("signatures"))
    for (const auto& method : Strings(*signatures))
      if (method != "HMAC-SHA1" && method != "RSA-SHA1" && method != "PLAINTEXT")
        context_.Report(*signatures, "'" + method + "' is not an OAuth 1.0 signature method (HMAC-SHA1, RSA-SHA1, PLAINTEXT)");
}

std::vector<SecurityRequirement> Security::ReadSecuredBy(const Scope& scope, const RamlNode& secured_by) {
  std::vector<SecurityRequirement> requirements;
  std::vector<const RamlNode*> entries;
  if (secured_by.is_sequence())
    for (const auto& item : secured_by.items) entries.push_back(&item);
  else if (secured_by.is_null()) return requirements;
  else entries.push_back(&secured_by);  // a single scheme, as parsers accept
  for (const RamlNode* entry : entries) {
    SecurityUse use;
    const RamlNode* parameters = nullptr;
    if (entry->is_null()) {
      use.scheme = "null";
    } else if (entry->is_scalar()) {
      use.scheme = entry->scalar;
    } else if (entry->is_mapping() && entry->pairs.size() == 1) {
      use.scheme = entry->pairs.front().key;
      parameters = &entry->pairs.front().value;
    } else {
      context_.Report(*entry, "each securedBy entry names one security scheme");
      continue;
    }
    if (use.scheme != "null") {
      const auto declared = context_.Lookup(scope, use.scheme, DeclKind::kSecurityScheme);
      if (!declared) {
        context_.Report(*entry, "the security scheme '" + use.scheme + "' is not declared");
      } else {
        use.scheme = declared->qualified;
        const RamlNode* scopes = parameters && parameters->is_mapping() ? parameters->Find("scopes") : nullptr;
        if (scopes) {
          use.scopes = Strings(*scopes);
          const RamlNode* settings = declared->node->Find("settings");
          const RamlNode* declared_scopes = settings ? settings->Find("scopes") : nullptr;
          if (declared_scopes) {
            const auto allowed = Strings(*declared_scopes);
            for (const auto& scope_name : use.scopes)
              if (std::find(allowed.begin(), allowed.end(), scope_name) == allowed.end())
                context_.Report(*scopes, "the scope '" + scope_name + "' is not declared by the security scheme '" +
                                             declared->name + "'");
          }
        }
      }
    }
    requirements.push_back({use});
  }
  return requirements;
}

}  // namespace agora::specs::raml
