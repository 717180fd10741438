#include "cli/cli.h"

#include <iostream>
#include <string>
#include <vector>

#include "cli/admin.h"
#include "cli/serve.h"
#include "cli/spec.h"

namespace agora::cli {

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "help") {
    std::cout << "usage: agora serve [--data DIR] [--listen HOST:PORT]... [--public-url URL] [--max-upload-mb N]\n"
                 "       agora admin create-org --data DIR NAME\n"
                 "       agora admin create-token --data DIR --org ORG --role admin|contributor|viewer\n"
                 "       agora spec validate PATH [--main FILE] [--model]\n";
    return args.empty() ? 2 : 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "serve") return RunServe(args);
  if (command == "admin") return RunAdmin(args);
  if (command == "spec") return RunSpec(args);
  std::cerr << "agora: unknown command '" << command << "' (try agora --help)\n";
  return 2;
}

}  // namespace agora::cli
