// `agora admin` for the life of identities after they are created: listing organisations, tokens,
// users and connected apps (as text or, with --output json, for scripts), revoking and expiring
// tokens, disabling, deleting and re-keying accounts. A token is named by its id, the first
// characters of its SHA-256 (or by the secret itself, read from standard input): a secret is
// never shown again. Every change that ends an account's access revokes its tokens at once.
#include <boost/json.hpp>

#include <algorithm>
#include <functional>
#include <iostream>

#include "auth/accounts.h"
#include "auth/api_tokens.h"
#include "auth/auth.h"
#include "cli/admin.h"
#include "cli/command.h"
#include "cli/data_dir.h"
#include "common/hash.h"
#include "common/ids.h"

namespace agora::cli {
namespace {

namespace json = boost::json;

int Fail(const Status& status) { return AdminFailure(status); }

std::string TimeOrNever(int64_t millis) { return millis == 0 ? "never" : FormatIsoMillis(millis); }

// Prints rows as a JSON array, or as aligned text columns in `columns` order.
void PrintRows(const json::array& rows, const std::vector<std::string>& columns, bool as_json) {
  if (as_json) {
    std::cout << json::serialize(rows) << std::endl;
    return;
  }
  auto text = [](const json::value& value) {
    return value.is_string() ? std::string(value.get_string()) : json::serialize(value);
  };
  std::vector<size_t> widths;
  for (const auto& column : columns) widths.push_back(column.size());
  for (const auto& row : rows)
    for (size_t i = 0; i < columns.size(); ++i) widths[i] = std::max(widths[i], text(row.at_pointer("/" + columns[i])).size());
  auto print_line = [&](const std::function<std::string(size_t)>& cell) {
    std::string line;
    for (size_t i = 0; i < columns.size(); ++i) {
      std::string value = cell(i);
      if (i + 1 < columns.size()) value.resize(widths[i] + 2, ' ');
      line += value;
    }
    std::cout << line << "\n";
  };
  print_line([&](size_t i) { return columns[i]; });
  for (const auto& row : rows) print_line([&](size_t i) { return text(row.at_pointer("/" + columns[i])); });
  std::cout << std::flush;
}

void AddDataAndOutput(po::options_description& o) {
  AddStorageOptions(o);  // the embedded data directory, or PostgreSQL with --metadata
  o.add_options()("output", po::value<std::string>()->value_name("FORMAT")->default_value("text"), "text or json");
}

void AddOrgFilter(po::options_description& o) {
  AddDataAndOutput(o);
  o.add_options()("org", po::value<std::string>()->value_name("ORG"),
                  "only this organisation and its business groups");
}

// Runs `action` over the opened data directory; --output must be text or json.
int WithStore(const po::variables_map& vm, const std::function<Status(storage::MetadataStore&, bool json)>& action) {
  const std::string output = vm.count("output") ? vm["output"].as<std::string>() : "text";
  if (output != "text" && output != "json") return UsageError("admin", "--output is text or json, not " + output);
  auto dir = DataDir::Open(StorageFromOptions(vm), /*serving=*/false);
  if (!dir.ok()) return Fail(dir.status());
  const Status status = action(*dir->metadata, output == "json");
  return status.ok() ? 0 : Fail(status);
}

// The organisations --org selects: the one named and its business groups; every one without it.
Result<std::vector<std::string>> SelectedOrganizations(storage::MetadataStore& metadata, const po::variables_map& vm) {
  std::vector<storage::Organization> organizations;
  if (vm.count("org")) {
    auto tree = metadata.ListOrganizationTree(vm["org"].as<std::string>());
    if (!tree.ok() && tree.status().kind() == Status::Kind::kNotFound)
      return Status::NotFound("No organisation " + vm["org"].as<std::string>());
    AGORA_ASSIGN_OR_RETURN(organizations, std::move(tree));
  } else {
    AGORA_ASSIGN_OR_RETURN(organizations, metadata.ListOrganizations());
  }
  std::vector<std::string> ids;
  for (const auto& organization : organizations) ids.push_back(organization.id);
  return ids;
}

bool Contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

Status ListOrgs(storage::MetadataStore& metadata, bool as_json) {
  AGORA_ASSIGN_OR_RETURN(auto organizations, metadata.ListOrganizations());
  json::array rows;
  for (const auto& o : organizations)
    rows.push_back(json::object{{"id", o.id}, {"name", o.name}, {"parentId", o.parent_id},
                                {"kind", o.parent_id.empty() ? "organization" : "business group"},
                                {"createdAt", FormatIsoMillis(o.created_millis)}});
  PrintRows(rows, {"id", "kind", "name", "parentId", "createdAt"}, as_json);
  return Status::Ok();
}

Status ListTokens(storage::MetadataStore& metadata, const po::variables_map& vm, bool as_json) {
  AGORA_ASSIGN_OR_RETURN(auto selected, SelectedOrganizations(metadata, vm));
  AGORA_ASSIGN_OR_RETURN(auto tokens, auth::TokensOf(metadata, selected));
  const int64_t now = NowMillis();
  json::array rows;
  for (const auto& t : tokens) {
    rows.push_back(json::object{{"id", auth::TokenId(t)}, {"organizationId", t.organization_id},
                                {"role", t.role}, {"subject", t.subject}, {"accountId", t.account_id},
                                {"createdAt", FormatIsoMillis(t.created_millis)}, {"expiresAt", TimeOrNever(t.expires_millis)},
                                {"expired", t.expires_millis != 0 && t.expires_millis <= now}});
  }
  PrintRows(rows, {"id", "role", "subject", "organizationId", "createdAt", "expiresAt"}, as_json);
  return Status::Ok();
}

// The hash of the token --id names (a unique prefix of at least 8 characters), or of the secret
// on standard input with --token-stdin.
Result<std::string> ChosenToken(storage::MetadataStore& metadata, const po::variables_map& vm) {
  if (vm["token-stdin"].as<bool>() == static_cast<bool>(vm.count("id")))
    return Status::InvalidArgument("USAGE", "name the token with exactly one of --id or --token-stdin");
  if (vm["token-stdin"].as<bool>()) {
    const std::string hash = Sha256Hex(ReadSecretLine());
    AGORA_RETURN_IF_ERROR(metadata.FindToken(hash).status());
    return hash;
  }
  AGORA_ASSIGN_OR_RETURN(auto tokens, metadata.ListTokens());
  AGORA_ASSIGN_OR_RETURN(auto token, auth::FindTokenById(tokens, vm["id"].as<std::string>()));
  return token.token_hash;
}

Status ListUsers(storage::MetadataStore& metadata, const po::variables_map& vm, bool as_json) {
  AGORA_ASSIGN_OR_RETURN(auto selected, SelectedOrganizations(metadata, vm));
  AGORA_ASSIGN_OR_RETURN(auto users, metadata.ListUsers());
  json::array rows;
  for (const auto& u : users)
    if (Contains(selected, u.organization_id))
      rows.push_back(json::object{{"id", u.id}, {"username", u.username}, {"organizationId", u.organization_id},
                                  {"role", u.role}, {"disabled", u.disabled}, {"createdAt", FormatIsoMillis(u.created_millis)}});
  PrintRows(rows, {"username", "role", "disabled", "organizationId", "id", "createdAt"}, as_json);
  return Status::Ok();
}

Status ListClients(storage::MetadataStore& metadata, const po::variables_map& vm, bool as_json) {
  AGORA_ASSIGN_OR_RETURN(auto selected, SelectedOrganizations(metadata, vm));
  AGORA_ASSIGN_OR_RETURN(auto clients, metadata.ListClients());
  json::array rows;
  for (const auto& c : clients)
    if (Contains(selected, c.organization_id))
      rows.push_back(json::object{{"clientId", c.client_id}, {"name", c.name}, {"organizationId", c.organization_id},
                                  {"role", c.role}, {"createdAt", FormatIsoMillis(c.created_millis)}});
  PrintRows(rows, {"clientId", "name", "role", "organizationId", "createdAt"}, as_json);
  return Status::Ok();
}

// A command whose action reads options and prints its own answer.
Command StoreCommand(std::string words, std::string summary, std::function<void(po::options_description&)> options,
                     std::string example, std::function<Status(storage::MetadataStore&, const po::variables_map&, bool)> action) {
  return {std::move(words), std::move(summary), "", std::move(options), {}, {std::move(example)},
          [action](const po::variables_map& vm) {
            return WithStore(vm, [&](storage::MetadataStore& metadata, bool as_json) { return action(metadata, vm, as_json); });
          }};
}

// A command that changes one thing and confirms it in one line.
Command ChangeCommand(std::string words, std::string summary, std::function<void(po::options_description&)> options,
                      std::string example, std::function<Result<std::string>(storage::MetadataStore&, const po::variables_map&)> change) {
  return StoreCommand(std::move(words), std::move(summary),
                      [options](po::options_description& o) {
                        AddStorageOptions(o);
                        options(o);
                      },
                      std::move(example),
                      [change](storage::MetadataStore& metadata, const po::variables_map& vm, bool) -> Status {
                        AGORA_ASSIGN_OR_RETURN(std::string done, change(metadata, vm));
                        std::cout << done << std::endl;
                        return Status::Ok();
                      });
}

void AddTokenChoice(po::options_description& o) {
  o.add_options()("id", po::value<std::string>()->value_name("ID"), "the token's id, as list-tokens shows it")(
      "token-stdin", po::bool_switch(), "read the token itself from standard input instead");
}

void AddUsername(po::options_description& o) {
  o.add_options()("username", po::value<std::string>()->value_name("NAME")->required(), "the user");
}

void AddClientId(po::options_description& o) {
  o.add_options()("client-id", po::value<std::string>()->value_name("ID")->required(), "the connected app");
}

auth::Accounts AccountsOf(storage::MetadataStore& metadata) { return auth::Accounts(metadata, {}); }

std::vector<Command> TokenCommands() {
  return {
      StoreCommand("admin list-tokens", "lists tokens (id, role, subject, expiry), never their secrets", AddOrgFilter,
                   "agora admin list-tokens --data ./agora-data --org 5b2c0d1e-... --output json", ListTokens),
      ChangeCommand("admin revoke-token", "revokes a token: it stops working at once", AddTokenChoice,
                    "agora admin revoke-token --data ./agora-data --id 3f0a9c1d2e4b",
                    [](storage::MetadataStore& metadata, const po::variables_map& vm) -> Result<std::string> {
                      AGORA_ASSIGN_OR_RETURN(std::string hash, ChosenToken(metadata, vm));
                      AGORA_RETURN_IF_ERROR(metadata.DeleteToken(hash));
                      return "revoked token " + hash.substr(0, auth::kTokenIdLength);
                    }),
      ChangeCommand("admin expire-token", "makes a token expire now, or in --in SECONDS",
                    [](po::options_description& o) {
                      AddTokenChoice(o);
                      o.add_options()("in", po::value<int64_t>()->value_name("SECONDS")->default_value(0),
                                      "seconds from now (0: at once)");
                    },
                    "agora admin expire-token --data ./agora-data --id 3f0a9c1d2e4b --in 86400",
                    [](storage::MetadataStore& metadata, const po::variables_map& vm) -> Result<std::string> {
                      const int64_t in = vm["in"].as<int64_t>();
                      if (in < 0 || in > int64_t{10} * 365 * 86400)
                        return Status::InvalidArgument("USAGE", "--in takes 0 seconds to 10 years");
                      AGORA_ASSIGN_OR_RETURN(std::string hash, ChosenToken(metadata, vm));
                      const int64_t at = NowMillis() + in * 1000;
                      AGORA_RETURN_IF_ERROR(metadata.SetTokenExpiry(hash, at));
                      return "token " + hash.substr(0, auth::kTokenIdLength) + " expires at " + FormatIsoMillis(at);
                    })};
}

std::vector<Command> UserCommands() {
  auto user_change = [](std::string words, std::string summary, std::string example,
                        std::function<Status(auth::Accounts&, const std::string&)> change, std::string done) {
    return ChangeCommand(std::move(words), std::move(summary), AddUsername, std::move(example),
                         [change, done](storage::MetadataStore& metadata, const po::variables_map& vm) -> Result<std::string> {
                           auth::Accounts accounts = AccountsOf(metadata);
                           const std::string username = vm["username"].as<std::string>();
                           AGORA_RETURN_IF_ERROR(change(accounts, username));
                           return done + " " + username;
                         });
  };
  return {
      StoreCommand("admin list-users", "lists users with their role and whether they are disabled", AddOrgFilter,
                   "agora admin list-users --data ./agora-data --output json", ListUsers),
      user_change("admin disable-user", "stops a user from signing in and revokes their tokens",
                  "agora admin disable-user --data ./agora-data --username jdoe",
                  [](auth::Accounts& a, const std::string& u) { return a.SetUserDisabled(u, true); }, "disabled"),
      user_change("admin enable-user", "lets a disabled user sign in again",
                  "agora admin enable-user --data ./agora-data --username jdoe",
                  [](auth::Accounts& a, const std::string& u) { return a.SetUserDisabled(u, false); }, "enabled"),
      user_change("admin delete-user", "deletes a user and revokes their tokens",
                  "agora admin delete-user --data ./agora-data --username jdoe",
                  [](auth::Accounts& a, const std::string& u) { return a.DeleteUser(u); }, "deleted"),
      ChangeCommand("admin reset-password", "sets a user's password from standard input and revokes their tokens",
                    [](po::options_description& o) {
                      AddUsername(o);
                      o.add_options()("password-stdin", po::bool_switch()->required(),
                                      "read the new password from standard input (required)");
                    },
                    "printf '%s\\n' \"$NEW_PASSWORD\" | agora admin reset-password --data ./agora-data --username jdoe "
                    "--password-stdin",
                    [](storage::MetadataStore& metadata, const po::variables_map& vm) -> Result<std::string> {
                      if (!vm["password-stdin"].as<bool>())
                        return Status::InvalidArgument("USAGE", "the password is read with --password-stdin");
                      auth::Accounts accounts = AccountsOf(metadata);
                      const std::string username = vm["username"].as<std::string>();
                      AGORA_RETURN_IF_ERROR(accounts.ResetPassword(username, ReadSecretLine()));
                      return "reset the password of " + username;
                    })};
}

std::vector<Command> ClientCommands() {
  return {
      StoreCommand("admin list-clients", "lists connected apps (never their secrets)", AddOrgFilter,
                   "agora admin list-clients --data ./agora-data", ListClients),
      ChangeCommand("admin delete-client", "deletes a connected app and revokes its tokens", AddClientId,
                    "agora admin delete-client --data ./agora-data --client-id 9e1f...",
                    [](storage::MetadataStore& metadata, const po::variables_map& vm) -> Result<std::string> {
                      const std::string id = vm["client-id"].as<std::string>();
                      Status deleted = metadata.DeleteClient(id);
                      if (deleted.kind() == Status::Kind::kNotFound) return Status::NotFound("No connected app " + id);
                      AGORA_RETURN_IF_ERROR(deleted);
                      return "deleted connected app " + id;
                    }),
      ChangeCommand("admin rotate-client-secret",
                    "gives a connected app a new secret (shown once) and revokes its tokens", AddClientId,
                    "agora admin rotate-client-secret --data ./agora-data --client-id 9e1f...",
                    [](storage::MetadataStore& metadata, const po::variables_map& vm) -> Result<std::string> {
                      auth::Accounts accounts = AccountsOf(metadata);
                      AGORA_ASSIGN_OR_RETURN(auto credentials, accounts.RotateClientSecret(vm["client-id"].as<std::string>()));
                      return "client_id: " + credentials.client_id + "\nclient_secret: " + credentials.client_secret;
                    })};
}

}  // namespace

std::vector<Command> AdminIdentityCommands() {
  std::vector<Command> commands = {StoreCommand(
      "admin list-orgs", "lists organisations and business groups", AddDataAndOutput,
      "agora admin list-orgs --data ./agora-data --output json",
      [](storage::MetadataStore& metadata, const po::variables_map&, bool as_json) { return ListOrgs(metadata, as_json); })};
  for (auto group : {TokenCommands(), UserCommands(), ClientCommands()})
    commands.insert(commands.end(), std::make_move_iterator(group.begin()), std::make_move_iterator(group.end()));
  return commands;
}

}  // namespace agora::cli
