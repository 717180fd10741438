// `agora spec validate`: reads a spec the way publication does (see SpecCommands()).
#include <iostream>

#include "cli/command.h"
#include "cli/spec_input.h"
#include "specs/spec_reader.h"

namespace agora::cli {
namespace {

int Usage(const std::string& message) { return UsageError("spec validate", message); }

int Validate(const po::variables_map& vm) {
  const std::string path = vm["path"].as<std::string>();
  std::string main_file = vm.count("main") ? vm["main"].as<std::string>() : "";
  const bool print_model = vm["model"].as<bool>();
  auto reading = ReadSpecFromFiles(path, main_file);
  if (!reading.ok()) return Usage(reading.status().message());
  main_file = reading->main_file;
  const specs::SpecReport& report = reading->report;
  for (const auto& problem : report.problems) std::cout << problem.ToString() << "\n";
  for (const auto& warning : report.warnings)
    std::cout << warning.file << ":" << warning.line << ":" << warning.column << ": warning: " << warning.message << "\n";
  if (print_model) std::cout << report.model.ToJson() << "\n";
  const std::string& version = report.model.format_version;
  std::cout << main_file << ": " << (report.valid() ? "valid " : "invalid ") << report.model.format
            << (version.empty() ? "" : " " + version)
            << (report.valid() ? "" : ", " + std::to_string(report.problems.size()) + " problem(s)")
            << (report.warnings.empty() ? "" : ", " + std::to_string(report.warnings.size()) + " warning(s)") << "\n";
  return report.valid() ? 0 : 1;
}

}  // namespace

std::vector<Command> SpecCommands() {
  return {{"spec validate", "reads a RAML, OAS or WSDL spec as publication does and prints every problem",
           "PATH is a spec file, a folder or a zip; for a folder or zip without --main, its one root-level\n"
           ".raml, .yaml, .yml, .json or .wsdl file is the main file. A folder or zip is read as publication\n"
           "reads an archive: no reference may leave it. A single file's references may leave its folder\n"
           "(\"../common/types.raml\"); files are then named from the closest folder holding them all.\n"
           "Problems are printed as\n"
           "file:line:column: message, then a verdict. Exit status: 0 valid, 1 invalid, 2 usage error.",
           [](po::options_description& o) {
             o.add_options()("path", po::value<std::string>()->value_name("PATH")->required(), "the spec")(
                 "main", po::value<std::string>()->value_name("FILE"), "the main file inside a folder or zip")(
                 "model", po::bool_switch(), "also print the API model as JSON (docs/api-model.md)");
           },
           {{"path"}},
           {"agora spec validate american-flights-api.zip", "agora spec validate specs/ --main api.raml --model"},
           Validate}};
}

}  // namespace agora::cli
