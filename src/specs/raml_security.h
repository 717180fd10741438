// Internal to the RAML reader: security schemes and `securedBy`. A scheme's type must be one RAML
// defines (OAuth 1.0, OAuth 2.0, Basic Authentication, Digest Authentication, Pass Through) or an
// `x-` one; OAuth schemes need the settings their type requires (OAuth 2.0: accessTokenUri,
// authorizationGrants of the defined grants or an absolute URI, authorizationUri for the grants
// that redirect; OAuth 1.0: its three URIs and known signature methods); `describedBy` declares
// headers, query parameters and responses like a method. `securedBy` lists schemes that are
// declared (or `null`, anonymous access), each optionally with parameters such as OAuth scopes,
// which must be scopes the scheme declares.
//
// Thread safety: one Security per reading, used by one thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "specs/api_model.h"
#include "specs/raml_context.h"
#include "specs/raml_types.h"

namespace agora::specs::raml {

class Security {
 public:
  // `describe` reads a describedBy mapping like a method (parameters, responses) for the checks.
  using DescribedBy = std::function<void(const Scope&, const RamlNode&)>;
  Security(Context& context, DescribedBy describe) : context_(context), describe_(std::move(describe)) {}

  SecurityScheme ReadScheme(const Scope& scope, const std::string& qualified, const RamlNode& scheme);
  // The alternatives a securedBy lists; problems for undeclared schemes and unknown scopes.
  std::vector<SecurityRequirement> ReadSecuredBy(const Scope& scope, const RamlNode& secured_by);

 private:
  void CheckOAuth2(const RamlNode& settings);
  void CheckOAuth1(const RamlNode& settings);

  Context& context_;
  DescribedBy describe_;
};

}  // namespace agora::specs::raml
