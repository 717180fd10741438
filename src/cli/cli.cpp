#include "cli/cli.h"

#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "publication/spec_reading.h"

namespace agora::cli {
namespace {

// The number of leading arguments that spell `command`'s words, or 0.
size_t MatchWords(const Command& command, const std::vector<std::string>& args) {
  size_t count = 0, start = 0;
  while (start <= command.words.size()) {
    const size_t end = std::min(command.words.find(' ', start), command.words.size());
    if (count >= args.size() || args[count] != command.words.substr(start, end - start)) return 0;
    ++count;
    start = end + 1;
  }
  return count;
}

// `agora --help`, or `agora admin --help` for the commands under a group.
void PrintCommandList(const std::string& group, std::ostream& out) {
  out << "usage: agora " << (group.empty() ? "COMMAND" : group + " COMMAND") << " [options]\n\ncommands:\n";
  for (const auto& command : Commands()) {
    if (!group.empty() && command.words.rfind(group + " ", 0) != 0) continue;
    std::string words = "  " + command.words;
    words.resize(std::max<size_t>(words.size() + 2, 30), ' ');
    out << words << command.summary << "\n";
  }
  out << "\nRun 'agora " << (group.empty() ? "COMMAND" : group + " COMMAND")
      << " --help' for a command's options and an example.\n";
}

bool IsGroup(const std::string& word) {
  for (const auto& command : Commands())
    if (command.words.rfind(word + " ", 0) == 0) return true;
  return false;
}

}  // namespace

int Main(int argc, char** argv) {
  // A spec reader process the server started (publication/spec_reading.h); not a user's command.
  if (argc > 1 && argv[1] == publication::kSpecReaderWord) return publication::RunSpecReaderWorker(argc - 2, argv + 2);
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    PrintCommandList("", args.empty() ? std::cerr : std::cout);
    return args.empty() ? 2 : 0;
  }
  const Command* best = nullptr;
  size_t best_words = 0;
  for (const auto& command : Commands()) {
    if (const size_t words = MatchWords(command, args); words > best_words) best = &command, best_words = words;
  }
  if (best) return RunCommand(*best, std::vector<std::string>(args.begin() + best_words, args.end()));
  if (IsGroup(args[0])) {
    const bool help = args.size() == 1 || args[1] == "--help" || args[1] == "-h";
    if (!help) std::cerr << "agora " << args[0] << ": unknown command '" << args[1] << "'\n";
    PrintCommandList(args[0], help && args.size() > 1 ? std::cout : std::cerr);
    return help && args.size() > 1 ? 0 : 2;
  }
  std::cerr << "agora: unknown command '" << args[0] << "'\n";
  PrintCommandList("", std::cerr);
  return 2;
}

}  // namespace agora::cli
