#include "auth/accounts.h"


#include "auth/password.h"
#include "common/hash.h"
#include "common/ids.h"

namespace agora::auth {
namespace {

constexpr size_t kMaxUsernameLength = 128;

bool ValidUsername(const std::string& username) {
  if (username.empty() || username.size() > kMaxUsernameLength) return false;
  for (char c : username)
    if (c <= 0x20 || c == 0x7f) return false;
  return true;
}

// Verifying against this when the user does not exist makes both failures take as long, so the
// answer's timing does not tell which usernames exist.
const std::string& DecoyHash() {
  static const std::string hash = [] {
    auto hashed = HashPassword(RandomHex(16));
    return hashed.ok() ? *hashed : std::string();
  }();
  return hash;
}

Status BadCredentials() { return Status::Unauthorized("Invalid username or password"); }

// Exchange's conventions for putting other credentials in a Basic header's username.
constexpr std::string_view kTokenUser = "~~~Token~~~";
constexpr std::string_view kClientUser = "~~~Client~~~";
constexpr std::string_view kClientSeparator = "~?~";

}  // namespace

Accounts::Accounts(storage::MetadataStore& metadata, AccountsOptions options)
    : metadata_(metadata), authenticator_(metadata), options_(options) {}

Result<Role> Accounts::CheckMembership(const std::string& organization_id, const std::string& role) {
  const auto parsed = ParseRole(role);
  if (!parsed) return Status::InvalidArgument("INVALID_ROLE", "role must be admin, contributor or viewer");
  auto organization = metadata_.GetOrganization(organization_id);
  if (!organization.ok() && organization.status().kind() == Status::Kind::kNotFound)
    return Status::InvalidArgument("INVALID_ORGANIZATION", "Organization " + organization_id + " does not exist");
  AGORA_RETURN_IF_ERROR(organization.status());
  return *parsed;
}

Result<std::string> Accounts::CreateUser(const std::string& organization_id, const std::string& username,
                                         const std::string& password, const std::string& role) {
  if (!ValidUsername(username))
    return Status::InvalidArgument("INVALID_USERNAME", "A username has 1 to 128 characters and no spaces");
  AGORA_ASSIGN_OR_RETURN(Role parsed, CheckMembership(organization_id, role));
  AGORA_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  storage::UserRecord user{NewUuid(), username, std::move(hash), organization_id, RoleName(parsed), NowMillis(), false};
  AGORA_RETURN_IF_ERROR(metadata_.CreateUser(user));
  return user.id;
}

Result<ClientCredentials> Accounts::CreateClient(const std::string& organization_id, const std::string& role,
                                                 const std::string& name) {
  AGORA_ASSIGN_OR_RETURN(Role parsed, CheckMembership(organization_id, role));
  ClientCredentials credentials{RandomHex(16), RandomHex(32)};
  storage::ClientRecord client{credentials.client_id, Sha256Hex(credentials.client_secret), name, organization_id,
                               RoleName(parsed), NowMillis()};
  AGORA_RETURN_IF_ERROR(metadata_.CreateClient(client));
  return credentials;
}

Result<storage::UserRecord> Accounts::VerifyUser(const std::string& username, std::string_view password) {
  if (!ValidUsername(username) || password.empty() || password.size() > kMaxPasswordLength) return BadCredentials();
  auto user = metadata_.FindUser(username);
  if (!user.ok()) {
    if (user.status().kind() != Status::Kind::kNotFound) return user.status();
    (void)VerifyPassword(DecoyHash(), password);
    return BadCredentials();
  }
  ++password_checks_;
  if (!VerifyPassword(user->password_hash, password)) return BadCredentials();
  if (user->disabled) return Status::Unauthorized("The account " + username + " is disabled");
  return user;
}

Result<storage::UserRecord> Accounts::FindUser(const std::string& username) {
  auto user = metadata_.FindUser(username);
  if (!user.ok() && user.status().kind() == Status::Kind::kNotFound) return Status::NotFound("No user " + username);
  return user;
}

Status Accounts::ResetPassword(const std::string& username, const std::string& password) {
  AGORA_ASSIGN_OR_RETURN(storage::UserRecord user, FindUser(username));
  AGORA_ASSIGN_OR_RETURN(user.password_hash, HashPassword(password));
  return metadata_.UpdateUser(user, /*revoke_tokens=*/true);
}

Status Accounts::SetUserDisabled(const std::string& username, bool disabled) {
  AGORA_ASSIGN_OR_RETURN(storage::UserRecord user, FindUser(username));
  user.disabled = disabled;
  return metadata_.UpdateUser(user, /*revoke_tokens=*/disabled);
}

Status Accounts::DeleteUser(const std::string& username) {
  AGORA_ASSIGN_OR_RETURN(storage::UserRecord user, FindUser(username));
  return metadata_.DeleteUser(user.id);
}

Result<ClientCredentials> Accounts::RotateClientSecret(const std::string& client_id) {
  ClientCredentials credentials{client_id, RandomHex(32)};
  Status stored = metadata_.SetClientSecret(client_id, Sha256Hex(credentials.client_secret));
  if (stored.kind() == Status::Kind::kNotFound) return Status::NotFound("No connected app " + client_id);
  AGORA_RETURN_IF_ERROR(stored);
  return credentials;
}

Result<storage::ClientRecord> Accounts::VerifyClient(const std::string& client_id, const std::string& client_secret) {
  const Status refused = Status::Unauthorized("Invalid client credentials");
  if (client_id.empty() || client_id.size() > 128 || client_secret.size() > 512) return refused;
  auto client = metadata_.FindClient(client_id);
  if (!client.ok()) return client.status().kind() == Status::Kind::kNotFound ? refused : client.status();
  if (!ConstantTimeEquals(client->secret_hash, Sha256Hex(client_secret))) return refused;
  return client;
}

Result<IssuedToken> Accounts::LoginWithPassword(const std::string& username, const std::string& password) {
  AGORA_ASSIGN_OR_RETURN(storage::UserRecord user, VerifyUser(username, password));
  return Issue(user.organization_id, user.role, user.username, user.id);
}

Result<IssuedToken> Accounts::LoginWithClientCredentials(const std::string& client_id,
                                                         const std::string& client_secret) {
  AGORA_ASSIGN_OR_RETURN(storage::ClientRecord client, VerifyClient(client_id, client_secret));
  return Issue(client.organization_id, client.role, client.name, client.client_id);
}

Result<Principal> Accounts::AuthenticateBasic(std::string_view username, std::string_view password) {
  // Length-prefixed, so that no two (username, password) pairs share a key.
  const std::string key = Sha256Hex(std::to_string(username.size()) + ":" + std::string(username) + std::string(password));
  const int64_t now = NowMillis();
  std::optional<CachedPrincipal> cached;
  {
    std::lock_guard lock(basic_mutex_);
    if (auto it = basic_cache_.find(key); it != basic_cache_.end()) {
      if (now < it->second.until_millis) cached = it->second;
      else basic_cache_.erase(it);
    }
  }
  const bool caught_up = metadata_.CatchUp().ok();     // otherwise the generation may be stale
  const uint64_t generation = metadata_.Generation();  // noted before reading: see MetadataStore
  if (cached && caught_up && cached->generation == generation) return cached->verified.principal;
  std::optional<VerifiedBasic> verified;
  if (cached) {
    // Something was written since (by any server or admin command): the account is read again,
    // and a changed password or secret, role, organisation or disabled flag counts at once.
    AGORA_ASSIGN_OR_RETURN(auto principal, Reread(username, password, cached->verified.credential_hash));
    if (principal) verified = VerifiedBasic{std::move(*principal), cached->verified.credential_hash};
  }
  if (!verified) {
    auto checked = VerifyBasic(username, password);
    if (!checked.ok()) {
      std::lock_guard lock(basic_mutex_);
      basic_cache_.erase(key);
      return checked.status();
    }
    verified = std::move(checked).value();
    cached.reset();  // a new check starts a new period
  }
  std::lock_guard lock(basic_mutex_);
  if (basic_cache_.size() >= kMaxCachedCredentials) basic_cache_.clear();
  basic_cache_[key] = CachedPrincipal{*verified, cached ? cached->until_millis : now + kBasicCacheMillis, generation};
  return verified->principal;
}

Result<Accounts::VerifiedBasic> Accounts::VerifyBasic(std::string_view username, std::string_view password) {
  if (username == kTokenUser) {
    AGORA_ASSIGN_OR_RETURN(Principal principal, authenticator_.Authenticate("bearer " + std::string(password)));
    return VerifiedBasic{std::move(principal), ""};
  }
  if (username == kClientUser) {
    const size_t separator = password.find(kClientSeparator);
    if (separator == std::string_view::npos) return Status::Unauthorized("Invalid client credentials");
    AGORA_ASSIGN_OR_RETURN(storage::ClientRecord client,
                           VerifyClient(std::string(password.substr(0, separator)),
                                        std::string(password.substr(separator + kClientSeparator.size()))));
    AGORA_ASSIGN_OR_RETURN(Principal principal,
                           PrincipalOf(metadata_, client.organization_id, client.role, client.name, client.client_id));
    return VerifiedBasic{std::move(principal), client.secret_hash};
  }
  AGORA_ASSIGN_OR_RETURN(storage::UserRecord user, VerifyUser(std::string(username), password));
  AGORA_ASSIGN_OR_RETURN(Principal principal, PrincipalOf(metadata_, user.organization_id, user.role, user.username, user.id));
  return VerifiedBasic{std::move(principal), user.password_hash};
}

Result<std::optional<Principal>> Accounts::Reread(std::string_view username, std::string_view password,
                                                  const std::string& credential_hash) {
  if (username == kTokenUser) return std::optional<Principal>();  // the Authenticator's own cache decides
  if (username == kClientUser) {
    auto client = metadata_.FindClient(std::string(password.substr(0, password.find(kClientSeparator))));
    if (!client.ok() && client.status().kind() != Status::Kind::kNotFound) return client.status();
    if (!client.ok() || client->secret_hash != credential_hash) return std::optional<Principal>();
    AGORA_ASSIGN_OR_RETURN(Principal principal,
                           PrincipalOf(metadata_, client->organization_id, client->role, client->name, client->client_id));
    return std::optional<Principal>(std::move(principal));
  }
  auto user = metadata_.FindUser(std::string(username));
  if (!user.ok() && user.status().kind() != Status::Kind::kNotFound) return user.status();
  if (!user.ok() || user->password_hash != credential_hash || user->disabled) return std::optional<Principal>();
  AGORA_ASSIGN_OR_RETURN(Principal principal, PrincipalOf(metadata_, user->organization_id, user->role, user->username, user->id));
  return std::optional<Principal>(std::move(principal));
}

Result<IssuedToken> Accounts::Issue(const std::string& organization_id, const std::string& role,
                                    const std::string& subject, const std::string& account_id) {
  const auto parsed = ParseRole(role);
  if (!parsed) return Status::Internal("stored account has an unknown role " + role);
  AGORA_ASSIGN_OR_RETURN(std::string secret,
                         authenticator_.IssueToken(organization_id, *parsed, subject, options_.token_ttl_millis, account_id));
  return IssuedToken{std::move(secret), options_.token_ttl_millis / 1000};
}

}  // namespace agora::auth
