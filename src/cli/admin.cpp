#include "cli/admin.h"

#include <functional>
#include <iostream>

#include "auth/accounts.h"
#include "auth/api_tokens.h"
#include "auth/auth.h"
#include "cli/command.h"
#include "cli/data_dir.h"
#include "common/ids.h"

namespace agora::cli {
Result<std::string> CreateOrganization(storage::MetadataStore& metadata, const std::string& name,
                                       const std::string& parent_id) {
  if (!parent_id.empty()) {
    auto parent = metadata.GetOrganization(parent_id);
    if (!parent.ok() && parent.status().kind() == Status::Kind::kNotFound)
      return Status::InvalidArgument("INVALID_ORGANIZATION", "The parent organization " + parent_id + " does not exist");
    AGORA_RETURN_IF_ERROR(parent.status());
  }
  storage::Organization organization{NewUuid(), name, parent_id, NowMillis()};
  AGORA_RETURN_IF_ERROR(metadata.CreateOrganization(organization));
  return organization.id;
}

int AdminFailure(const Status& status) {
  std::cerr << "agora admin: " << status.message() << "\n";
  return 1;
}

std::string ReadSecretLine() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

namespace {

int Fail(const Status& status) { return AdminFailure(status); }


void AddDataOption(po::options_description& options) { AddStorageOptions(options); }

void AddOrgAndRole(po::options_description& options, const char* what) {
  options.add_options()("org", po::value<std::string>()->value_name("ORG")->required(), "organisation id")(
      "role", po::value<std::string>()->value_name("ROLE")->required(),
      (std::string(what) + " role: admin, contributor or viewer").c_str());
}

// Runs `action` on the opened data directory and prints what it returns as the last line.
int WithDataDir(const po::variables_map& vm,
                const std::function<Result<std::string>(storage::MetadataStore&, const po::variables_map&)>& action) {
  auto dir = DataDir::Open(StorageFromOptions(vm), /*serving=*/false);
  if (!dir.ok()) return Fail(dir.status());
  auto printed = action(*dir->metadata, vm);
  if (!printed.ok()) return Fail(printed.status());
  std::cout << *printed << std::endl;
  return 0;
}

Command CreateOrgCommand() {
  return {"admin create-org", "creates an organisation, or with --parent a business group; prints its id", "",
          [](po::options_description& o) {
            AddDataOption(o);
            o.add_options()("parent", po::value<std::string>()->value_name("ORG")->default_value(""),
                            "the organisation the new business group belongs to")(
                "name", po::value<std::string>()->value_name("NAME")->required(), "the organisation's name");
          },
          {{"name"}},
          {"agora admin create-org --data ./agora-data 'ACME Corp'",
           "agora admin create-org --data ./agora-data --parent 5b2c0d1e-... 'Payments team'"},
          [](const po::variables_map& vm) {
            return WithDataDir(vm, [](storage::MetadataStore& metadata, const po::variables_map& v) {
              return CreateOrganization(metadata, v["name"].as<std::string>(), v["parent"].as<std::string>());
            });
          }};
}

Command CreateTokenCommand() {
  return {"admin create-token", "issues a bearer token that never expires; prints it (only its SHA-256 is kept)", "",
          [](po::options_description& o) {
            AddDataOption(o);
            AddOrgAndRole(o, "the token's");
            o.add_options()("subject", po::value<std::string>()->value_name("NAME"),
                            "who the token identifies (default: ROLE-token)");
          },
          {},
          {"agora admin create-token --data ./agora-data --org 5b2c0d1e-... --role contributor --subject ci"},
          [](const po::variables_map& vm) {
            return WithDataDir(vm, [](storage::MetadataStore& metadata, const po::variables_map& v) {
              const std::string role = v["role"].as<std::string>();
              const std::string subject = v.count("subject") ? v["subject"].as<std::string>() : role + "-token";
              return auth::IssueApiToken(metadata, v["org"].as<std::string>(), role, subject, 0);
            });
          }};
}

Command CreateUserCommand() {
  return {"admin create-user", "creates a user who signs in with a password read from standard input; prints the id",
          "The password is the first line of standard input: it never appears on the command line.",
          [](po::options_description& o) {
            AddDataOption(o);
            AddOrgAndRole(o, "the user's");
            o.add_options()("username", po::value<std::string>()->value_name("NAME")->required(), "the user's name")(
                "password-stdin", po::bool_switch()->required(), "read the password from standard input (required)");
          },
          {},
          {"printf '%s\\n' \"$PASSWORD\" | agora admin create-user --data ./agora-data --org 5b2c0d1e-... "
           "--username jdoe --role admin --password-stdin"},
          [](const po::variables_map& vm) {
            if (!vm["password-stdin"].as<bool>()) return UsageError("admin create-user", "--password-stdin is required");
            return WithDataDir(vm, [](storage::MetadataStore& metadata, const po::variables_map& v) {
              auth::Accounts accounts(metadata, {});
              return accounts.CreateUser(v["org"].as<std::string>(), v["username"].as<std::string>(), ReadSecretLine(),
                                         v["role"].as<std::string>());
            });
          }};
}

Command CreateClientCommand() {
  return {"admin create-client", "creates a connected app; prints its client_id and client_secret (shown once)", "",
          [](po::options_description& o) {
            AddDataOption(o);
            AddOrgAndRole(o, "the app's");
            o.add_options()("name", po::value<std::string>()->value_name("NAME")->default_value("connected app"),
                            "the app's name");
          },
          {},
          {"agora admin create-client --data ./agora-data --org 5b2c0d1e-... --role contributor --name 'CI pipeline'"},
          [](const po::variables_map& vm) {
            return WithDataDir(vm, [](storage::MetadataStore& metadata, const po::variables_map& v) -> Result<std::string> {
              auth::Accounts accounts(metadata, {});
              AGORA_ASSIGN_OR_RETURN(auto credentials, accounts.CreateClient(v["org"].as<std::string>(),
                                                                             v["role"].as<std::string>(),
                                                                             v["name"].as<std::string>()));
              return "client_id: " + credentials.client_id + "\nclient_secret: " + credentials.client_secret;
            });
          }};
}

}  // namespace

std::vector<Command> AdminCommands() {
  return {CreateOrgCommand(), CreateTokenCommand(), CreateUserCommand(), CreateClientCommand()};
}

}  // namespace agora::cli
