// Accounts owns the identities that log in, as Anypoint's clients expect them: users with a
// username and password, and connected apps with client credentials. Each belongs to a home
// organisation with a role, which also applies in the organisation's descendants (business
// groups). A login issues an ordinary bearer token (see Authenticator) that expires after the
// configured time to live and, being stored, survives a restart.
//
// Thread safety: all methods may be called from any thread; the stores behind them are
// thread-safe. Password checks are deliberately slow (see password.h).
#pragma once

#include <cstdint>
#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/auth.h"
#include "common/status.h"
#include "storage/metadata_store.h"

namespace agora::auth {

struct AccountsOptions {
  int64_t token_ttl_millis = 3'600'000;  // tokens issued by a login; must be positive
};

struct IssuedToken {
  std::string access_token;
  int64_t expires_in_seconds = 0;
};

struct ClientCredentials {
  std::string client_id;      // 32 hex characters
  std::string client_secret;  // 64 hex characters, shown once
};

class Accounts {
 public:
  Accounts(storage::MetadataStore& metadata, AccountsOptions options);

  // 400 for an empty or over-long username (at most 128 visible characters) or password, an
  // unknown role or organisation; 409 USER_EXISTS. Returns the user's id.
  Result<std::string> CreateUser(const std::string& organization_id, const std::string& username,
                                 const std::string& password, const std::string& role);
  Result<ClientCredentials> CreateClient(const std::string& organization_id, const std::string& role,
                                         const std::string& name);

  // An administrator's changes (agora admin). Each ends the sessions the account has: every token
  // issued to it is revoked at once. NotFound for an unknown user or app; 400 for a bad password.
  Status ResetPassword(const std::string& username, const std::string& password);
  Status SetUserDisabled(const std::string& username, bool disabled);
  Status DeleteUser(const std::string& username);
  Result<ClientCredentials> RotateClientSecret(const std::string& client_id);

  // 401 UNAUTHORIZED for an unknown user or a wrong password, alike and in about the same time;
  // 401 for a disabled user with the right password.
  Result<IssuedToken> LoginWithPassword(const std::string& username, const std::string& password);
  // 401 for unknown or wrong client credentials.
  Result<IssuedToken> LoginWithClientCredentials(const std::string& client_id, const std::string& client_secret);

  // The principal behind HTTP Basic credentials, as Exchange's Maven facade takes them: a user's
  // name and password; "~~~Token~~~" with a bearer token as the password; or "~~~Client~~~" with
  // "clientId~?~clientSecret". 401 for anything else. No token is issued. Verified credentials
  // are remembered for kBasicCacheMillis, keyed by a SHA-256 of both halves, so the many requests
  // of one build cost one (deliberately slow) password check; a failure is never remembered. After
  // any write to the store since, the account is read again (its stored password or secret hash,
  // role, organisation and whether it is disabled): the password itself is checked again only when
  // its stored hash changed.
  Result<Principal> AuthenticateBasic(std::string_view username, std::string_view password);
  static constexpr int64_t kBasicCacheMillis = 30'000;
  // How many passwords were checked against their Argon2id hash (for tests).
  uint64_t password_checks() const { return password_checks_.load(); }

 private:
  Result<IssuedToken> Issue(const std::string& organization_id, const std::string& role, const std::string& subject,
                            const std::string& account_id);
  Result<Role> CheckMembership(const std::string& organization_id, const std::string& role);
  Result<storage::UserRecord> FindUser(const std::string& username);

  // 401 for an unknown user or client, or a wrong password or secret.
  Result<storage::UserRecord> VerifyUser(const std::string& username, std::string_view password);
  Result<storage::ClientRecord> VerifyClient(const std::string& client_id, const std::string& client_secret);
  // The principal of Basic credentials, and the stored hash they were checked against (empty for
  // a token, which the Authenticator checks and caches itself).
  struct VerifiedBasic {
    Principal principal;
    std::string credential_hash;
  };
  Result<VerifiedBasic> VerifyBasic(std::string_view username, std::string_view password);
  // The principal of credentials verified before against `credential_hash`, read again from the
  // store; nullopt when the stored hash changed, so that they must be verified again.
  Result<std::optional<Principal>> Reread(std::string_view username, std::string_view password,
                                          const std::string& credential_hash);

  struct CachedPrincipal {
    VerifiedBasic verified;
    int64_t until_millis = 0;
    uint64_t generation = 0;  // the store's, when the account was last read
  };
  static constexpr size_t kMaxCachedCredentials = 10'000;

  storage::MetadataStore& metadata_;
  Authenticator authenticator_;
  AccountsOptions options_;
  std::mutex basic_mutex_;
  std::unordered_map<std::string, CachedPrincipal> basic_cache_;  // by SHA-256 of the credentials
  std::atomic<uint64_t> password_checks_{0};
};

}  // namespace agora::auth
