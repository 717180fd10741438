// Identities in the SQL backends (see metadata_store_sql.h): organisations and their business
// groups, environments, users, connected apps, bearer tokens, and server-wide settings.
#include "common/ids.h"
#include "storage/metadata_store_sql.h"

namespace agora::storage {

using Statement = std::unique_ptr<SqlStatement>;

Status SqlMetadataStore::CreateOrganization(const Organization& o) {
  return Write([&](SqlConnection& c) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO organizations VALUES (?, ?, ?, ?)"));
    AGORA_RETURN_IF_ERROR(s->Bind(1, o.id).Bind(2, o.name).Bind(3, o.parent_id).Bind(4, o.created_millis).Run());
    for (const auto& [name, production] : {std::pair{"Production", 1}, std::pair{"Sandbox", 0}}) {
      AGORA_ASSIGN_OR_RETURN(Statement env, c.Prepare("INSERT INTO environments VALUES (?, ?, ?, ?)"));
      AGORA_RETURN_IF_ERROR(env->Bind(1, NewUuid()).Bind(2, o.id).Bind(3, name).Bind(4, int64_t{production}).Run());
    }
    return Status::Ok();
  });
}

Result<Organization> SqlMetadataStore::GetOrganization(const std::string& id) {
  return Read<Organization>([&](SqlConnection& c) -> Result<Organization> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT id, name, parent_id, created_millis FROM organizations WHERE id = ?"));
    s->Bind(1, id);
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::NotFound("Organization " + id + " not found");
    return Organization{s->Text(0), s->Text(1), s->Text(2), s->Int(3)};
  });
}

Result<std::vector<Organization>> SqlMetadataStore::ListOrganizations() {
  return Read<std::vector<Organization>>([&](SqlConnection& c) -> Result<std::vector<Organization>> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "SELECT id, name, parent_id, created_millis FROM organizations ORDER BY created_millis, id"));
    return s->Collect<Organization>([](SqlStatement& r) -> Result<Organization> {
      return Organization{r.Text(0), r.Text(1), r.Text(2), r.Int(3)};
    });
  });
}

Result<std::vector<Organization>> SqlMetadataStore::ListOrganizationTree(const std::string& root_id) {
  return Read<std::vector<Organization>>([&](SqlConnection& c) -> Result<std::vector<Organization>> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "WITH RECURSIVE tree(id, depth) AS (SELECT id, 0 FROM organizations WHERE id = ?1 "
        "UNION SELECT o.id, t.depth + 1 FROM organizations o JOIN tree t ON o.parent_id = t.id WHERE t.depth < 64) "
        "SELECT o.id, o.name, o.parent_id, o.created_millis FROM tree t JOIN organizations o ON o.id = t.id "
        "ORDER BY t.depth, o.created_millis, o.id"));
    s->Bind(1, root_id);
    AGORA_ASSIGN_OR_RETURN(auto tree, s->Collect<Organization>([](SqlStatement& r) -> Result<Organization> {
      return Organization{r.Text(0), r.Text(1), r.Text(2), r.Int(3)};
    }));
    if (tree.empty()) return Status::NotFound("Organization " + root_id + " not found");
    return tree;
  });
}

Result<std::vector<Environment>> SqlMetadataStore::ListEnvironments(const std::string& organization_id) {
  return Read<std::vector<Environment>>([&](SqlConnection& c) -> Result<std::vector<Environment>> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "SELECT id, organization_id, name, is_production FROM environments WHERE organization_id = ? "
        "ORDER BY is_production DESC, name"));
    s->Bind(1, organization_id);
    return s->Collect<Environment>([](SqlStatement& r) -> Result<Environment> {
      return Environment{r.Text(0), r.Text(1), r.Text(2), r.Int(3) != 0};
    });
  });
}

Result<std::string> SqlMetadataStore::GetOrCreateSetting(const std::string& key, const std::string& value_if_missing) {
  std::string value;
  AGORA_RETURN_IF_ERROR(Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement insert, c.Prepare("INSERT INTO settings VALUES (?, ?) ON CONFLICT DO NOTHING"));
    AGORA_RETURN_IF_ERROR(insert->Bind(1, key).Bind(2, value_if_missing).Run());
    AGORA_ASSIGN_OR_RETURN(Statement select, c.Prepare("SELECT value FROM settings WHERE key = ?"));
    select->Bind(1, key);
    AGORA_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) return Status::Internal("setting " + key + " vanished");
    value = select->Text(0);
    return Status::Ok();
  }));
  return value;
}

// Compatibility rules are settings of their own key: one row per organisation or asset that has
// a rule, none for those that inherit.
namespace {
std::string CompatibilityRuleKey(const std::string& scope) { return "compatibility-rule/" + scope; }
}  // namespace

Result<std::string> SqlMetadataStore::GetCompatibilityRule(const std::string& scope) {
  return Read<std::string>([&](SqlConnection& c) -> Result<std::string> {
    AGORA_ASSIGN_OR_RETURN(Statement select, c.Prepare("SELECT value FROM settings WHERE key = ?"));
    select->Bind(1, CompatibilityRuleKey(scope));
    AGORA_ASSIGN_OR_RETURN(bool row, select->Step());
    return row ? select->Text(0) : std::string();
  });
}

Status SqlMetadataStore::SetCompatibilityRule(const std::string& scope, const std::string& rule) {
  return Write([&](SqlConnection& c) -> Status {
    if (rule.empty()) {
      AGORA_ASSIGN_OR_RETURN(Statement remove, c.Prepare("DELETE FROM settings WHERE key = ?"));
      return remove->Bind(1, CompatibilityRuleKey(scope)).Run();
    }
    AGORA_ASSIGN_OR_RETURN(Statement upsert, c.Prepare(
        "INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
    return upsert->Bind(1, CompatibilityRuleKey(scope)).Bind(2, rule).Run();
  });
}

namespace {

constexpr const char* kUserColumns = "id, username, password_hash, organization_id, role, created_millis, disabled";
constexpr const char* kClientColumns = "client_id, secret_hash, name, organization_id, role, created_millis";
constexpr const char* kTokenColumns =
    "token_hash, organization_id, role, subject, created_millis, expires_millis, account_id";

UserRecord LoadUser(SqlStatement& r) {
  return UserRecord{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5), r.Int(6) != 0};
}
ClientRecord LoadClient(SqlStatement& r) {
  return ClientRecord{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5)};
}
TokenRecord LoadToken(SqlStatement& r) {
  return TokenRecord{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4), r.Int(5), r.Text(6)};
}

// Every row of `SELECT <columns> FROM <table> ORDER BY created_millis, <key>`.
template <typename T>
Result<std::vector<T>> ListAll(SqlConnection& c, const char* table, const char* columns, const char* key,
                               T (*load)(SqlStatement&)) {
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("SELECT ") + columns + " FROM " + table +
                                                " ORDER BY created_millis, " + key));
  return s->Collect<T>([load](SqlStatement& r) -> Result<T> { return load(r); });
}

// Runs a one-row UPDATE or DELETE; NotFound when it changed nothing.
Status ChangeOne(SqlStatement& s, const std::string& what) {
  AGORA_RETURN_IF_ERROR(s.Run());
  return s.Changes() == 0 ? Status::NotFound(what + " not found") : Status::Ok();
}

Status RevokeAccountTokens(SqlConnection& c, const std::string& account_id) {
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("DELETE FROM tokens WHERE account_id = ?"));
  return s->Bind(1, account_id).Run();
}

}  // namespace

Status SqlMetadataStore::CreateUser(const UserRecord& u) {
  Status st = Write([&](SqlConnection& c) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("INSERT INTO users (") + kUserColumns +
                                                  ") VALUES (?, ?, ?, ?, ?, ?, ?)"));
    return s->Bind(1, u.id).Bind(2, u.username).Bind(3, u.password_hash).Bind(4, u.organization_id)
        .Bind(5, u.role).Bind(6, u.created_millis).Bind(7, int64_t{u.disabled}).Run();
  });
  if (st.kind() == Status::Kind::kConflict) return Status::Conflict("USER_EXISTS", "The username " + u.username + " is taken");
  return st;
}

Result<UserRecord> SqlMetadataStore::FindUser(const std::string& username) {
  return Read<UserRecord>([&](SqlConnection& c) -> Result<UserRecord> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE username = ?"));
    s->Bind(1, username);
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::NotFound("user not found");
    return LoadUser(*s);
  });
}

Result<std::vector<UserRecord>> SqlMetadataStore::ListUsers() {
  return Read<std::vector<UserRecord>>([&](SqlConnection& c) { return ListAll(c, "users", kUserColumns, "id", LoadUser); });
}

Status SqlMetadataStore::UpdateUser(const UserRecord& u, bool revoke_tokens) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("UPDATE users SET password_hash = ?, role = ?, disabled = ? WHERE id = ?"));
    AGORA_RETURN_IF_ERROR(ChangeOne(s->Bind(1, u.password_hash).Bind(2, u.role).Bind(3, int64_t{u.disabled}).Bind(4, u.id),
                                    "user " + u.id));
    return revoke_tokens ? RevokeAccountTokens(c, u.id) : Status::Ok();
  });
}

Status SqlMetadataStore::DeleteUser(const std::string& user_id) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("DELETE FROM users WHERE id = ?"));
    AGORA_RETURN_IF_ERROR(ChangeOne(s->Bind(1, user_id), "user " + user_id));
    return RevokeAccountTokens(c, user_id);
  });
}

Status SqlMetadataStore::CreateClient(const ClientRecord& a) {
  return Write([&](SqlConnection& c) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO clients VALUES (?, ?, ?, ?, ?, ?)"));
    return s->Bind(1, a.client_id).Bind(2, a.secret_hash).Bind(3, a.name).Bind(4, a.organization_id)
        .Bind(5, a.role).Bind(6, a.created_millis).Run();
  });
}

Result<ClientRecord> SqlMetadataStore::FindClient(const std::string& client_id) {
  return Read<ClientRecord>([&](SqlConnection& c) -> Result<ClientRecord> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("SELECT ") + kClientColumns + " FROM clients WHERE client_id = ?"));
    s->Bind(1, client_id);
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::NotFound("client not found");
    return LoadClient(*s);
  });
}

Result<std::vector<ClientRecord>> SqlMetadataStore::ListClients() {
  return Read<std::vector<ClientRecord>>(
      [&](SqlConnection& c) { return ListAll(c, "clients", kClientColumns, "client_id", LoadClient); });
}

Status SqlMetadataStore::SetClientSecret(const std::string& client_id, const std::string& secret_hash) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("UPDATE clients SET secret_hash = ? WHERE client_id = ?"));
    AGORA_RETURN_IF_ERROR(ChangeOne(s->Bind(1, secret_hash).Bind(2, client_id), "connected app " + client_id));
    return RevokeAccountTokens(c, client_id);
  });
}

Status SqlMetadataStore::DeleteClient(const std::string& client_id) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("DELETE FROM clients WHERE client_id = ?"));
    AGORA_RETURN_IF_ERROR(ChangeOne(s->Bind(1, client_id), "connected app " + client_id));
    return RevokeAccountTokens(c, client_id);
  });
}

Status SqlMetadataStore::CreateToken(const TokenRecord& t) {
  return Write([&](SqlConnection& c) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "INSERT INTO tokens (token_hash, organization_id, role, subject, created_millis, expires_millis, account_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"));
    return s->Bind(1, t.token_hash).Bind(2, t.organization_id).Bind(3, t.role).Bind(4, t.subject)
        .Bind(5, t.created_millis).Bind(6, t.expires_millis).Bind(7, t.account_id).Run();
  });
}

Result<TokenRecord> SqlMetadataStore::FindToken(const std::string& token_hash) {
  return Read<TokenRecord>([&](SqlConnection& c) -> Result<TokenRecord> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(std::string("SELECT ") + kTokenColumns + " FROM tokens WHERE token_hash = ?"));
    s->Bind(1, token_hash);
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::NotFound("token not found");
    return LoadToken(*s);
  });
}

Result<std::vector<TokenRecord>> SqlMetadataStore::ListTokens() {
  return Read<std::vector<TokenRecord>>(
      [&](SqlConnection& c) { return ListAll(c, "tokens", kTokenColumns, "token_hash", LoadToken); });
}

Status SqlMetadataStore::SetTokenExpiry(const std::string& token_hash, int64_t expires_millis) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("UPDATE tokens SET expires_millis = ? WHERE token_hash = ?"));
    return ChangeOne(s->Bind(1, expires_millis).Bind(2, token_hash), "token");
  });
}

Status SqlMetadataStore::DeleteToken(const std::string& token_hash) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("DELETE FROM tokens WHERE token_hash = ?"));
    return ChangeOne(s->Bind(1, token_hash), "token");
  });
}

}  // namespace agora::storage
