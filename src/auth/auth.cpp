#include "auth/auth.h"

#include <algorithm>
#include <limits>

#include "common/hash.h"
#include "common/ids.h"

namespace agora::auth {
namespace {

// Longer "secrets" are not ours (ours have 70 characters); refusing them bounds the hashing work.
constexpr size_t kMaxSecretLength = 512;

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
    if ((header[i] | 0x20) != kScheme[i]) return {};  // ASCII case folding; kScheme is lowercase letters
  if (header[kScheme.size()] != ' ' && header[kScheme.size()] != '\t') return {};
  std::string_view secret = TrimSpaces(header.substr(kScheme.size()));
  for (char c : secret)
    if (c <= 0x20 || c >= 0x7f) return {};  // visible ASCII only: a space means extra words
  return secret;
}

// 0 for "never"; a time to live past the end of int64 saturates rather than wrapping into the past.
int64_t ExpiryMillis(int64_t now, int64_t ttl_millis) {
  if (ttl_millis == 0) return 0;
  return ttl_millis > std::numeric_limits<int64_t>::max() - now ? std::numeric_limits<int64_t>::max()
                                                                : now + ttl_millis;
}

}  // namespace

Result<Principal> Authenticator::Authenticate(const std::optional<std::string>& header) const {
  if (!header) return Status::Unauthorized();
  const std::string_view secret = BearerSecret(*header);
  if (secret.empty() || secret.size() > kMaxSecretLength) return Status::Unauthorized();
  const std::string token_hash = Sha256Hex(secret);
  const int64_t now = NowMillis();
  auto cached = Cached(token_hash, now);
  if (cache_millis_ > 0) cache_hits_.Count(cached.has_value());
  if (cached) return *std::move(cached);
  return Lookup(token_hash);
}

std::optional<Principal> Authenticator::Cached(const std::string& token_hash, int64_t now) const {
  std::lock_guard lock(cache_mutex_);
  const auto it = cache_.find(token_hash);
  if (it == cache_.end()) return std::nullopt;
  const CachedPrincipal& entry = it->second;
  // A write since (a revoked token, a removed account), on any server or by an admin command, may
  // have changed the answer; a store that cannot say so sends the caller to Lookup, which reports it.
  if (now >= entry.cached_until_millis || (entry.token_expires_millis != 0 && now >= entry.token_expires_millis) ||
      !metadata_.CatchUp().ok() || entry.generation != metadata_.Generation()) {
    cache_.erase(it);
    return std::nullopt;
  }
  return entry.principal;
}

Result<Principal> Authenticator::Lookup(const std::string& token_hash) const {
  const uint64_t generation = metadata_.Generation();  // noted before reading: see MetadataStore
  auto token = metadata_.FindToken(token_hash);
  if (!token.ok()) {
    if (token.status().kind() == Status::Kind::kNotFound) return Status::Unauthorized();
    return token.status();
  }
  if (token->expires_millis != 0 && token->expires_millis <= NowMillis()) return Status::Unauthorized();
  const auto role = ParseRole(token->role);
  if (!role) return Status::Unauthorized();
  Principal principal{token->organization_id, *role, token->subject, {}, token->account_id};
  auto tree = metadata_.ListOrganizationTree(token->organization_id);
  if (!tree.ok()) {
    if (tree.status().kind() == Status::Kind::kNotFound) return Status::Unauthorized();
    return tree.status();
  }
  for (const auto& organization : *tree) principal.organization_ids.push_back(organization.id);
  if (cache_millis_ > 0) {
    std::lock_guard lock(cache_mutex_);
    if (cache_.size() >= kMaxCachedTokens) cache_.clear();  // many live tokens: start over rather than track age
    cache_[token_hash] = CachedPrincipal{principal, token->expires_millis, NowMillis() + cache_millis_, generation};
  }
  return principal;
}

Status Authenticator::Revoke(std::string_view secret) {
  const std::string token_hash = Sha256Hex(secret);
  // A token already gone (expired and swept, or signed out twice) is revoked all the same.
  if (Status st = metadata_.DeleteToken(token_hash); !st.ok() && st.kind() != Status::Kind::kNotFound) return st;
  std::lock_guard lock(cache_mutex_);
  cache_.erase(token_hash);
  return Status::Ok();
}

bool Principal::MemberOf(const std::string& id) const {
  return id == organization_id || std::find(organization_ids.begin(), organization_ids.end(), id) != organization_ids.end();
}

Result<std::string> Authenticator::IssueToken(const std::string& organization_id, Role role, std::string subject,
                                              int64_t ttl_millis, std::string account_id) {
  if (organization_id.empty()) return Status::InvalidArgument("INVALID_ORGANIZATION", "A token needs an organization");
  if (ttl_millis < 0) return Status::InvalidArgument("INVALID_TTL", "A token's time to live cannot be negative");
  const std::string secret = "agora_" + RandomHex(32);
  storage::TokenRecord record;
  record.token_hash = Sha256Hex(secret);
  record.organization_id = organization_id;
  record.role = RoleName(role);
  record.subject = std::move(subject);
  record.created_millis = NowMillis();
  record.expires_millis = ExpiryMillis(record.created_millis, ttl_millis);
  record.account_id = std::move(account_id);
  AGORA_RETURN_IF_ERROR(metadata_.CreateToken(record));
  return secret;
}

Status Authorize(const Principal& principal, const std::string& organization_id, Action action) {
  if (!principal.MemberOf(organization_id)) {
    return Status::Forbidden("The token does not belong to organization " + organization_id);
  }
  if (!Allows(principal.role, action)) {
    return Status::Forbidden(std::string("The role ") + RoleName(principal.role) + " may not " + ActionName(action));
  }
  return Status::Ok();
}

Status AuthorizeGroup(const Principal& principal, storage::MetadataStore& metadata, const std::string& organization_id,
                      const std::string& group_id, Action action) {
  AGORA_RETURN_IF_ERROR(Authorize(principal, organization_id, action));
  if (group_id == organization_id) return Status::Ok();
  auto owner = metadata.GroupOwner(group_id);
  if (owner.ok()) {
    if (*owner == organization_id) return Status::Ok();
    return Status::Forbidden("The group " + group_id + " belongs to another organization");
  }
  if (owner.status().kind() != Status::Kind::kNotFound) return owner.status();
  // Unowned: claimable, unless it is another organisation's id, which is that organisation's group
  // even before it publishes anything there.
  auto organization = metadata.GetOrganization(group_id);
  if (organization.ok()) return Status::Forbidden("The group " + group_id + " is the id of another organization");
  if (organization.status().kind() != Status::Kind::kNotFound) return organization.status();
  return Status::Ok();
}

}  // namespace agora::auth
