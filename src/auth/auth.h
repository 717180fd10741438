// Authentication and authorisation. Authenticator turns an Authorization header into a
// Principal (organisation, role, subject) by looking up the SHA-256 of the bearer secret, so
// secrets are never stored and a lookup reveals nothing through timing. Authorize and
// AuthorizeGroup decide whether a principal may act in an organisation and under a groupId.
//
// Authenticate remembers the principals of recently seen tokens for a few seconds, so a client's
// stream of requests costs one store lookup per token and period rather than two per request. A
// remembered principal is used only while the metadata store's generation, caught up with every
// write committed anywhere (another server, an `agora admin` command), is the one noted before it
// was read: a revoked token or a removed account is honoured at once, and so is a token's own expiry.
//
// Thread safety: Authenticator may be used from any thread (its cache is locked, the MetadataStore
// it wraps is thread-safe); the free functions are reentrant.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

#include "auth/roles.h"
#include "common/counters.h"
#include "common/status.h"
#include "storage/metadata_store.h"

namespace agora::auth {

struct Principal {
  std::string organization_id;  // the token's home organisation
  Role role = Role::kViewer;
  std::string subject;  // who acts: the token's subject (a user name, "admin", ...)
  // The home organisation and its descendants (business groups), where the role also applies.
  // Empty means the home organisation alone.
  std::vector<std::string> organization_ids;
  std::string account_id;  // the user or connected app the token was issued to, if any

  bool MemberOf(const std::string& organization_id) const;
};

class Authenticator {
 public:
  // cache_millis: how long a token's principal is remembered (0: looked up every time).
  explicit Authenticator(storage::MetadataStore& metadata, int64_t cache_millis = 5000)
      : metadata_(metadata), cache_millis_(cache_millis) {}

  // "bearer TOKEN" (scheme case-insensitive, spaces or tabs around and between the two words).
  // Missing, malformed, unknown or expired: 401 UNAUTHORIZED; a failing store: its own Status.
  Result<Principal> Authenticate(const std::optional<std::string>& authorization_header) const;
  // Hits and misses of the principal cache.
  const HitCounter& cache_hits() const { return cache_hits_; }
  // Stores a new token (its hash only) and returns the secret, "agora_" + 64 hex characters.
  // ttl_millis 0: never expires; negative: 400 INVALID_TTL. The caller checks that the
  // organisation exists.
  Result<std::string> IssueToken(const std::string& organization_id, Role role, std::string subject,
                                 int64_t ttl_millis, std::string account_id = {});
  // Revokes a token (a signed-out portal session) at once, here and in the store; other servers
  // over the same store stop accepting it within their cache period. OK for an unknown token.
  Status Revoke(std::string_view secret);

 private:
  struct CachedPrincipal {
    Principal principal;
    int64_t token_expires_millis = 0;  // 0: never
    int64_t cached_until_millis = 0;
    uint64_t generation = 0;  // the store's generation before the principal was read
  };
  static constexpr size_t kMaxCachedTokens = 10'000;

  Result<Principal> Lookup(const std::string& token_hash) const;
  std::optional<Principal> Cached(const std::string& token_hash, int64_t now) const;

  storage::MetadataStore& metadata_;
  int64_t cache_millis_;
  mutable std::mutex cache_mutex_;
  mutable HitCounter cache_hits_;
  mutable std::unordered_map<std::string, CachedPrincipal> cache_;
};

// 403 FORBIDDEN when the principal acts outside its organisations ("... does not belong to
// organization X") or its role lacks the action ("The role viewer may not publish").
Status Authorize(const Principal& principal, const std::string& organization_id, Action action);
// Authorize(principal, organization_id, action), then: a groupId belongs to the organisation
// that first published under it, and an organisation's id is always its own group. 403 when the
// group belongs, or the id is, another organisation than organization_id; an unowned group may be
// claimed. Store failures other than NotFound are returned as they are.
Status AuthorizeGroup(const Principal& principal, storage::MetadataStore& metadata, const std::string& organization_id,
                      const std::string& group_id, Action action);

}  // namespace agora::auth
