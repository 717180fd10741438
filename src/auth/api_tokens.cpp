#include "auth/api_tokens.h"

#include <algorithm>

#include "auth/auth.h"
#include "auth/roles.h"

namespace agora::auth {

namespace {
constexpr size_t kMaxSubjectLength = 128;
}  // namespace

std::string TokenId(const storage::TokenRecord& token) { return token.token_hash.substr(0, kTokenIdLength); }

Result<std::string> IssueApiToken(storage::MetadataStore& metadata, const std::string& organization_id,
                                  const std::string& role_name, const std::string& subject, int64_t ttl_millis) {
  const auto role = ParseRole(role_name);
  if (!role) return Status::InvalidArgument("INVALID_ROLE", "role must be admin, contributor or viewer");
  if (subject.size() > kMaxSubjectLength)
    return Status::InvalidArgument("INVALID_SUBJECT", "a token's name has at most 128 characters");
  AGORA_RETURN_IF_ERROR(metadata.GetOrganization(organization_id).status());
  return Authenticator(metadata).IssueToken(organization_id, *role, subject, ttl_millis);
}

Result<std::vector<storage::TokenRecord>> TokensOf(storage::MetadataStore& metadata,
                                                   const std::vector<std::string>& organization_ids) {
  AGORA_ASSIGN_OR_RETURN(auto tokens, metadata.ListTokens());
  std::erase_if(tokens, [&](const storage::TokenRecord& t) {
    return std::find(organization_ids.begin(), organization_ids.end(), t.organization_id) == organization_ids.end();
  });
  return tokens;
}

Result<storage::TokenRecord> FindTokenById(const std::vector<storage::TokenRecord>& tokens, const std::string& id) {
  if (id.size() < kMinTokenIdLength)
    return Status::InvalidArgument("INVALID_TOKEN_ID", "a token id has at least 8 characters");
  const storage::TokenRecord* found = nullptr;
  for (const auto& t : tokens) {
    if (t.token_hash.rfind(id, 0) != 0) continue;
    if (found) return Status::InvalidArgument("INVALID_TOKEN_ID", "The id " + id + " names several tokens; give more of it");
    found = &t;
  }
  if (!found) return Status::NotFound("No token with id " + id);
  return *found;
}

}  // namespace agora::auth
