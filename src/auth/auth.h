// Authentication and authorisation. Authenticator turns an Authorization header into a
// Principal (organisation, role, subject) by looking up the SHA-256 of the bearer secret, so
// secrets are never stored and a lookup reveals nothing through timing. Authorize and
// AuthorizeGroup decide whether a principal may act in an organisation and under a groupId.
//
// Thread safety: Authenticator is immutable after construction and may be used from any thread
// (the MetadataStore it wraps is thread-safe); the free functions are reentrant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/roles.h"
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
  explicit Authenticator(storage::MetadataStore& metadata) : metadata_(metadata) {}

  // "bearer TOKEN" (scheme case-insensitive, spaces or tabs around and between the two words).
  // Missing, malformed, unknown or expired: 401 UNAUTHORIZED; a failing store: its own Status.
  Result<Principal> Authenticate(const std::optional<std::string>& authorization_header) const;
  // Stores a new token (its hash only) and returns the secret, "agora_" + 64 hex characters.
  // ttl_millis 0: never expires; negative: 400 INVALID_TTL. The caller checks that the
  // organisation exists.
  Result<std::string> IssueToken(const std::string& organization_id, Role role, std::string subject,
                                 int64_t ttl_millis, std::string account_id = {});

 private:
  storage::MetadataStore& metadata_;
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
