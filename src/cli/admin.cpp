#include "cli/admin.h"

#include <boost/program_options.hpp>

#include <iostream>

#include "auth/auth.h"
#include "cli/data_dir.h"
#include "common/ids.h"

namespace agora::cli {
namespace po = boost::program_options;

Result<std::string> CreateOrganization(storage::MetadataStore& metadata, const std::string& name) {
  storage::Organization organization{NewUuid(), name, "", NowMillis()};
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
  std::cerr << "usage: agora admin create-org --data DIR NAME\n"
               "       agora admin create-token --data DIR --org ORG --role admin|contributor|viewer [--subject S]\n";
  return 2;
}

}  // namespace

int RunAdmin(const std::vector<std::string>& args) {
  if (args.empty()) return Usage();
  const std::string command = args[0];
  po::options_description options("admin options");
  options.add_options()("data", po::value<std::string>()->default_value("./agora-data"), "data directory")(
      "org", po::value<std::string>(), "organisation id")("role", po::value<std::string>(), "token role")(
      "subject", po::value<std::string>(), "who the token identifies")("name", po::value<std::string>(), "name");
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
    created = CreateOrganization(*dir->metadata, vm["name"].as<std::string>());
  } else if (command == "create-token") {
    if (!vm.count("org") || !vm.count("role")) return Usage();
    const std::string role = vm["role"].as<std::string>();
    const std::string subject = vm.count("subject") ? vm["subject"].as<std::string>() : role + "-token";
    created = CreateToken(*dir->metadata, vm["org"].as<std::string>(), role, subject);
  } else {
    return Usage();
  }
  if (!created.ok()) return Fail(created.status());
  std::cout << *created << std::endl;
  return 0;
}

}  // namespace agora::cli
