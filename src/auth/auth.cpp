#include "auth/auth.h"

#include <cctype>

#include "common/hash.h"
#include "common/ids.h"

namespace agora::auth {
namespace {

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The secret of a "bearer SECRET" header, or empty.
std::string_view BearerSecret(std::string_view header) {
  header = TrimSpaces(header);
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size()) return {};
  for (size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return {};
  if (header[kScheme.size()] != ' ' && header[kScheme.size()] != '\t') return {};
  std::string_view secret = TrimSpaces(header.substr(kScheme.size()));
  for (char c : secret)
    if (!std::isgraph(static_cast<unsigned char>(c))) return {};
  return secret;
}

}  // namespace

Result<Principal> Authenticator::Authenticate(const std::optional<std::string>& header) const {
  if (!header) return Status::Unauthorized();
  const std::string_view secret = BearerSecret(*header);
  if (secret.empty() || secret.size() > 512) return Status::Unauthorized();
  auto token = metadata_.FindToken(Sha256Hex(secret));
  if (!token.ok()) {
    if (token.status().kind() == Status::Kind::kNotFound) return Status::Unauthorized();
    return token.status();
  }
  if (token->expires_millis != 0 && token->expires_millis <= NowMillis()) return Status::Unauthorized();
  const auto role = ParseRole(token->role);
  if (!role) return Status::Unauthorized();
  return Principal{token->organization_id, *role, token->subject};
}

Result<std::string> Authenticator::IssueToken(const std::string& organization_id, Role role, std::string subject,
                                              int64_t ttl_millis) {
  const std::string secret = "agora_" + RandomHex(32);
  storage::TokenRecord record;
  record.token_hash = Sha256Hex(secret);
  record.organization_id = organization_id;
  record.role = RoleName(role);
  record.subject = std::move(subject);
  record.created_millis = NowMillis();
  record.expires_millis = ttl_millis > 0 ? record.created_millis + ttl_millis : 0;
  AGORA_RETURN_IF_ERROR(metadata_.CreateToken(record));
  return secret;
}

Status Authorize(const Principal& principal, const std::string& organization_id, Action action) {
  if (principal.organization_id != organization_id) {
    return Status::Forbidden("The token does not belong to organization " + organization_id);
  }
  if (!Allows(principal.role, action)) {
    return Status::Forbidden(std::string("The role ") + RoleName(principal.role) + " may not " + ActionName(action));
  }
  return Status::Ok();
}

Status AuthorizeGroup(const Principal& principal, storage::MetadataStore& metadata, const std::string& group_id,
                      Action action) {
  AGORA_RETURN_IF_ERROR(Authorize(principal, principal.organization_id, action));
  if (group_id == principal.organization_id) return Status::Ok();
  auto owner = metadata.GroupOwner(group_id);
  if (!owner.ok()) return owner.status().kind() == Status::Kind::kNotFound ? Status::Ok() : owner.status();
  if (*owner == principal.organization_id) return Status::Ok();
  return Status::Forbidden("The group " + group_id + " belongs to another organization");
}

}  // namespace agora::auth
