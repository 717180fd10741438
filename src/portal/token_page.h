// The API tokens page of an organisation (/exchange/-/organization/tokens), for its
// administrators: the tokens issued for it and its business groups (id, organisation, role, name,
// dates: never a secret), a form to issue one, and a button to revoke each. A new token's secret is
// shown once, on the page that answers the form. Tokens are issued, listed and named through
// auth::api_tokens, as `agora admin create-token`, `list-tokens` and `revoke-token` do.
//
// Thread safety: reentrant.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "portal/form.h"
#include "portal/html.h"
#include "storage/metadata_store.h"

namespace agora::portal {

struct TokenPageState {
  std::string organization_id;  // the page's: an organisation or business group
  std::string organization_name;
  std::vector<std::pair<std::string, std::string>> organizations;  // (id, name): it and its business groups
  std::vector<storage::TokenRecord> tokens;                        // of those, issued by an administrator
  int64_t now_millis = 0;
  std::string issued_secret;  // the token just issued, shown once
  std::string csrf_token;
  std::string notice;             // after a change
  std::string refused;            // what was refused ("Issuing a token") ...
  Status refusal;                 // ... and why
  const Form* entered = nullptr;  // the issue form as sent, after a refusal
};
void RenderTokenPage(Html& html, const TokenPageState& state);

// The lifetime the issue form's `expiresIn` names, in milliseconds (0: never); 400 for another.
Result<int64_t> TokenLifetime(const std::string& expires_in);

// The notice for the page's `done` query value ("revoked"), or empty.
std::string TokenNotice(const std::string& done);

}  // namespace agora::portal
