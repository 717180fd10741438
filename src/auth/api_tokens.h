// API tokens: the bearer tokens an administrator issues for scripts and CI, as opposed to the
// ones a login issues. This owns issuing one for an organisation with a role, listing those of
// some organisations, and naming one by its id (the first characters of its SHA-256: the secret
// is shown once, when issued, and never again). `agora admin` and the portal's organisation page
// both act through it.
//
// Thread safety: free functions over a thread-safe store; call them from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/metadata_store.h"

namespace agora::auth {

inline constexpr size_t kTokenIdLength = 12;    // hex characters of the SHA-256 shown as a token's id
inline constexpr size_t kMinTokenIdLength = 8;  // the shortest prefix that may name one

std::string TokenId(const storage::TokenRecord& token);

// Issues a token for `organization_id` with the role named `role_name` ("admin", "contributor",
// "viewer"), expiring after `ttl_millis` (0: never). Returns the secret. 400 INVALID_ROLE for
// another role, 400 for an over-long subject, 404 for an unknown organisation.
Result<std::string> IssueApiToken(storage::MetadataStore& metadata, const std::string& organization_id,
                                  const std::string& role_name, const std::string& subject, int64_t ttl_millis);

// Every token of these organisations (logins' included), in the store's order (by creation).
Result<std::vector<storage::TokenRecord>> TokensOf(storage::MetadataStore& metadata,
                                                   const std::vector<std::string>& organization_ids);

// The one of `tokens` whose id starts with `id` (at least kMinTokenIdLength characters): 400 for a
// shorter or ambiguous id, 404 when none has it.
Result<storage::TokenRecord> FindTokenById(const std::vector<storage::TokenRecord>& tokens, const std::string& id);

}  // namespace agora::auth
