#include "cli/admin.h"

#include <boost/program_options.hpp>

#include <iostream>

#include "auth/accounts.h"
#include "auth/auth.h"
#include "cli/data_dir.h"
#include "common/ids.h"

namespace agora::cli {
namespace po = boost::program_options;

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

Result<std::string> CreateToken(storage::MetadataStore& metadata, const std::string& organization_id,
                                const std::string& role_name, const std::string& subject) {
  const auto role = auth::ParseRole(role_name);
  if (!role) return Status::InvalidArgument("INVALID_ROLE", "role must be admin, contributor or viewer");
  AGORA_RETURN_IF_ERROR(metadata.GetOrganization(organization_id).status());
  auth::Authenticator authenticator(metadata);
  return authenticator.IssueToken(organization_id, *role, subject, 0);
}

namespace {

int Fail(const Status& status) {
  std::cerr << "agora admin: " << status.message() << "\n";
  return 1;
}

int Usage() {
  std::cerr << "usage: agora admin create-org --data DIR [--parent ORG] NAME\n"
               "       agora admin create-token --data DIR --org ORG --role admin|contributor|viewer [--subject S]\n"
               "       agora admin create-user --data DIR --org ORG --username U --password-stdin --role ROLE\n"
               "       agora admin create-client --data DIR --org ORG --role ROLE [--name NAME]\n";
  return 2;
}

// The first line of standard input, without its line ending, so that passwords stay out of argv.
std::string ReadPasswordLine() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Result<std::string> CreateUser(storage::MetadataStore& metadata, const po::variables_map& vm) {
  if (!vm.count("password-stdin")) return Status::InvalidArgument("USAGE", "create-user reads the password from --password-stdin");
  auth::Accounts accounts(metadata, {});
  return accounts.CreateUser(vm["org"].as<std::string>(), vm["username"].as<std::string>(), ReadPasswordLine(),
                             vm["role"].as<std::string>());
}

Result<std::string> CreateClient(storage::MetadataStore& metadata, const po::variables_map& vm) {
  auth::Accounts accounts(metadata, {});
  const std::string name = vm.count("name") ? vm["name"].as<std::string>() : "connected app";
  AGORA_ASSIGN_OR_RETURN(auto credentials, accounts.CreateClient(vm["org"].as<std::string>(), vm["role"].as<std::string>(), name));
  return "client_id: " + credentials.client_id + "\nclient_secret: " + credentials.client_secret;
}

}  // namespace

int RunAdmin(const std::vector<std::string>& args) {
  if (args.empty()) return Usage();
  const std::string command = args[0];
  po::options_description options("admin options");
  options.add_options()("data", po::value<std::string>()->default_value("./agora-data"), "data directory")(
      "org", po::value<std::string>(), "organisation id")("role", po::value<std::string>(), "token role")(
      "subject", po::value<std::string>(), "who the token identifies")("name", po::value<std::string>(), "name")(
      "parent", po::value<std::string>()->default_value(""), "parent organisation id")(
      "username", po::value<std::string>(), "user name")("password-stdin", "read the password from standard input");
  po::positional_options_description positional;
  positional.add("name", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(std::vector<std::string>(args.begin() + 1, args.end()))
                  .options(options).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "agora admin: " << e.what() << "\n";
    return Usage();
  }
  auto dir = DataDir::Open(vm["data"].as<std::string>());
  if (!dir.ok()) return Fail(dir.status());
  Result<std::string> created = Status::InvalidArgument("USAGE", "unknown admin command " + command);
  if (command == "create-org") {
    if (!vm.count("name")) return Usage();
    created = CreateOrganization(*dir->metadata, vm["name"].as<std::string>(), vm["parent"].as<std::string>());
  } else if (command == "create-token") {
    if (!vm.count("org") || !vm.count("role")) return Usage();
    const std::string role = vm["role"].as<std::string>();
    const std::string subject = vm.count("subject") ? vm["subject"].as<std::string>() : role + "-token";
    created = CreateToken(*dir->metadata, vm["org"].as<std::string>(), role, subject);
  } else if (command == "create-user") {
    if (!vm.count("org") || !vm.count("role") || !vm.count("username")) return Usage();
    created = CreateUser(*dir->metadata, vm);
  } else if (command == "create-client") {
    if (!vm.count("org") || !vm.count("role")) return Usage();
    created = CreateClient(*dir->metadata, vm);
  } else {
    return Usage();
  }
  if (!created.ok()) return Fail(created.status());
  std::cout << *created << std::endl;
  return 0;
}

}  // namespace agora::cli
