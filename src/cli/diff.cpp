// `agora diff`: the compatibility report between two versions of an API (see DiffCommands()).
#include <boost/json.hpp>

#include <array>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/command.h"
#include "cli/http_client.h"
#include "cli/spec_input.h"
#include "compat/report_format.h"
#include "specs/spec_reader.h"

namespace agora::cli {
namespace {

constexpr const char* kWords = "diff";

// Exit statuses (docs/compatibility.md).
constexpr int kCompatible = 0;      // nothing at or above --fail-on
constexpr int kFailOnReached = 1;   // a change at or above --fail-on
// 2, bad options or arguments, is UsageError's (cli/command.h).
constexpr int kUnreadable = 3;      // a version could not be read or fetched

struct Version {
  std::string name;  // for the report: the path, or group:asset:version
  specs::ApiModel model;
};

// A spec from the file system, read as publication reads it. Its problems are printed as
// warnings; it is compared unless nothing of an API could be read from it (a syntax error, a
// missing main file, not an API at all).
Result<Version> ReadFromFiles(const std::string& path, const std::string& main_file) {
  AGORA_ASSIGN_OR_RETURN(SpecReading reading, ReadSpecFromFiles(path, main_file));
  specs::SpecReport& report = reading.report;
  for (const auto& problem : report.problems) std::cerr << "agora diff: warning: " << problem.ToString() << "\n";
  const specs::ApiModel& model = report.model;
  if (model.format.empty() || (model.resources.empty() && model.webhooks.empty() && model.types.empty() &&
                               model.services.empty() && !report.valid()))
    return Status::InvalidArgument("INVALID_SPEC", path + " could not be read as an API spec");
  return Version{path, std::move(report.model)};
}

// "group:asset:version" or "group/asset/version".
std::optional<std::array<std::string, 3>> Coordinates(const std::string& text) {
  std::array<std::string, 3> parts;
  size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    const size_t end = i < 2 ? text.find_first_of(":/", start) : text.size();
    if (end == std::string::npos || end == start) return std::nullopt;
    parts[i] = text.substr(start, end - start);
    start = end + 1;
  }
  if (parts[2].find_first_of(":/") != std::string::npos) return std::nullopt;
  return parts;
}

// A published version's model, from the server that stores it.
Result<Version> Fetch(const std::string& server, const std::string& token, const std::string& coordinates) {
  const auto parts = Coordinates(coordinates);
  if (!parts) return Status::InvalidArgument("BAD_COORDINATES", "not group:asset:version: " + coordinates);
  std::string base = server;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string url = base + "/exchange/api/v2/assets/" + (*parts)[0] + "/" + (*parts)[1] + "/" + (*parts)[2] + "/api/model";
  AGORA_ASSIGN_OR_RETURN(HttpResponse response, HttpGet(url, token));
  if (response.status != 200) {
    std::string message = response.body;
    boost::system::error_code error;
    const boost::json::value body = boost::json::parse(response.body, error);
    if (!error && body.is_object() && body.as_object().contains("message") && body.at("message").is_string())
      message = std::string(body.at("message").as_string());
    return Status::Unavailable(coordinates + ": the server answered " + std::to_string(response.status) + ": " + message);
  }
  AGORA_ASSIGN_OR_RETURN(specs::ApiModel model, specs::ApiModel::FromJson(response.body));
  return Version{(*parts)[0] + ":" + (*parts)[1] + ":" + (*parts)[2], std::move(model)};
}

std::string Option(const po::variables_map& vm, const char* name) {
  return vm.count(name) ? vm[name].as<std::string>() : "";
}

int Diff(const po::variables_map& vm) {
  const std::string format_name = vm["format"].as<std::string>();
  const auto format = compat::ParseReportFormat(format_name);
  if (!format) return UsageError(kWords, "unknown --format " + format_name + " (text, json, markdown, html, junit, sarif)");
  std::optional<compat::Level> fail_on;
  if (vm.count("fail-on")) {
    fail_on = compat::ParseLevel(vm["fail-on"].as<std::string>());
    if (!fail_on || *fail_on == compat::Level::kInfo) return UsageError(kWords, "--fail-on is ERR or WARN");
  }
  const auto min_level = compat::ParseLevel(vm["min-level"].as<std::string>());
  if (!min_level) return UsageError(kWords, "--min-level is INFO, WARN or ERR");
  compat::Options options;
  options.stability_level = vm["stability-level"].as<std::string>();
  if (options.stability_level != "draft" && options.stability_level != "alpha" && options.stability_level != "beta" &&
      options.stability_level != "stable")
    return UsageError(kWords, "--stability-level is draft, alpha, beta or stable");
  options.beta_deprecation_days = vm["deprecation-days-beta"].as<uint32_t>();
  options.stable_deprecation_days = vm["deprecation-days-stable"].as<uint32_t>();
  options.flatten_params = vm["flatten-params"].as<bool>();

  const std::string server = Option(vm, "server");
  std::string token = Option(vm, "token");
  if (token.empty())
    if (const char* from_environment = std::getenv("AGORA_TOKEN")) token = from_environment;
  if (!server.empty() && (vm.count("main") || vm.count("old-main") || vm.count("new-main")))
    return UsageError(kWords, "--main names a file of a local spec; with --server, OLD and NEW are group:asset:version");
  auto read = [&](const std::string& argument, const char* main_option) -> Result<Version> {
    if (!server.empty()) return Fetch(server, token, argument);
    const std::string main_file = vm.count(main_option) ? Option(vm, main_option) : Option(vm, "main");
    return ReadFromFiles(argument, main_file);
  };
  auto base = read(vm["old"].as<std::string>(), "old-main");
  if (!base.ok()) return std::cerr << "agora diff: " << base.status().message() << "\n", kUnreadable;
  auto revision = read(vm["new"].as<std::string>(), "new-main");
  if (!revision.ok()) return std::cerr << "agora diff: " << revision.status().message() << "\n", kUnreadable;

  compat::Report report = compat::Compare(base->model, revision->model, options);
  std::erase_if(report.changes, [&](const compat::Change& change) { return change.level < *min_level; });
  const compat::ReportHeading heading{base->name, revision->name, fail_on.value_or(compat::Level::kErr)};
  const std::string rendered = compat::RenderReport(report, *format, heading);
  if (const std::string output = Option(vm, "output"); !output.empty()) {
    std::ofstream file(output, std::ios::binary | std::ios::trunc);
    if (!(file << rendered) || !file.flush()) return std::cerr << "agora diff: cannot write " << output << "\n", kUnreadable;
  } else {
    std::cout << rendered;
    if (!rendered.empty() && rendered.back() != '\n') std::cout << "\n";
  }
  return fail_on && report.Reaches(*fail_on) ? kFailOnReached : kCompatible;
}

}  // namespace

std::vector<Command> DiffCommands() {
  return {{"diff", "reports every change between two versions of an API and whether it breaks clients",
           "OLD and NEW are RAML, OAS or WSDL specs, each a file, a folder or a zip (read as `agora spec\n"
           "validate` reads them), or with --server two published versions as group:asset:version, whose\n"
           "API models are fetched from the server (the token comes from --token or AGORA_TOKEN).\n"
           "A spec's problems are printed as warnings and it is compared, unless nothing of an API could\n"
           "be read from it.\n"
           "Each change has an id (oasdiff's where the meaning is the same), a level (ERR breaks clients,\n"
           "WARN may, INFO does not), the operation or component and its place in both versions\n"
           "(docs/compatibility.md). Exit status: 0 no change at --fail-on's level or above (or no\n"
           "--fail-on), 1 such a change, 2 usage error, 3 a version could not be read or fetched.",
           [](po::options_description& o) {
             o.add_options()("old", po::value<std::string>()->value_name("OLD")->required(), "the base version")(
                 "new", po::value<std::string>()->value_name("NEW")->required(), "the revision")(
                 "format", po::value<std::string>()->value_name("FORMAT")->default_value("text"),
                 "text, json, markdown, html, junit or sarif")(
                 "fail-on", po::value<std::string>()->value_name("LEVEL"),
                 "exit 1 when a change is at LEVEL (ERR or WARN) or above")(
                 "min-level", po::value<std::string>()->value_name("LEVEL")->default_value("INFO"),
                 "leave out changes below LEVEL")(
                 "output", po::value<std::string>()->value_name("FILE"), "write the report to FILE")(
                 "main", po::value<std::string>()->value_name("FILE"), "the main file inside both folders or zips")(
                 "old-main", po::value<std::string>()->value_name("FILE"), "the main file of OLD")(
                 "new-main", po::value<std::string>()->value_name("FILE"), "the main file of NEW")(
                 "server", po::value<std::string>()->value_name("URL"),
                 "compare two versions published on this agora server")(
                 "token", po::value<std::string>()->value_name("TOKEN"), "bearer token for --server")(
                 "stability-level", po::value<std::string>()->value_name("LEVEL")->default_value("beta"),
                 "leave out operations less stable (x-stability-level) than LEVEL")(
                 "deprecation-days-beta", po::value<uint32_t>()->value_name("DAYS")->default_value(0),
                 "notice a beta operation's sunset must give")(
                 "deprecation-days-stable", po::value<uint32_t>()->value_name("DAYS")->default_value(0),
                 "notice a stable operation's sunset must give")(
                 "flatten-params", po::bool_switch(), "compare OAS path-item parameters as each operation's own");
           },
           {{"old"}, {"new"}},
           {"agora diff v1/api.yaml v2/api.yaml", "agora diff old.zip new.zip --format sarif --output compat.sarif --fail-on ERR",
            "agora diff --server https://exchange.example.com shop:orders-api:1.2.0 shop:orders-api:1.3.0 --format markdown"},
           Diff}};
}

}  // namespace agora::cli
