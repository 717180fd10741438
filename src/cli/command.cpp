#include "cli/command.h"

#include <algorithm>
#include <iostream>

namespace agora::cli {
namespace {

bool IsHelp(const std::string& arg) { return arg == "--help" || arg == "-h"; }

po::options_description Options(const Command& command) {
  po::options_description options("options");
  if (command.add_options) command.add_options(options);
  options.add_options()("help,h", "print this help");
  return options;
}

std::string PositionalName(const std::string& option) {
  std::string upper;
  for (char c : option) upper += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

bool IsPositional(const Command& command, const std::string& option) {
  return std::find_if(command.positionals.begin(), command.positionals.end(),
                      [&](const Positional& p) { return p.name == option; }) != command.positionals.end();
}

// "admin create-token [options] NAME": the words, the required options, then the positionals.
std::string Synopsis(const Command& command, const po::options_description& options) {
  std::string synopsis = "agora " + command.words;
  for (const auto& option : options.options()) {
    const auto* semantic = option->semantic().get();
    if (!semantic->is_required()) continue;
    if (IsPositional(command, option->long_name())) continue;
    synopsis += " --" + option->long_name() + (semantic->max_tokens() > 0 ? " " + semantic->name() : "");
  }
  synopsis += " [options]";
  for (const auto& positional : command.positionals)
    synopsis += " " + PositionalName(positional.name) + (positional.max_count < 0 ? "..." : "");
  return synopsis;
}

}  // namespace

void PrintHelp(const Command& command, std::ostream& out) {
  const po::options_description options = Options(command);
  out << "agora " << command.words << ": " << command.summary << "\n\nusage: " << Synopsis(command, options) << "\n";
  if (!command.details.empty()) out << "\n" << command.details << "\n";
  out << "\n" << options;
  if (!command.examples.empty()) {
    out << "\nexample" << (command.examples.size() > 1 ? "s" : "") << ":\n";
    for (const auto& example : command.examples) out << "  " << example << "\n";
  }
}

int UsageError(const std::string& words, const std::string& message) {
  std::cerr << "agora " << words << ": " << message << "\nRun 'agora " << words << " --help' for its options.\n";
  return 2;
}

int RunCommand(const Command& command, const std::vector<std::string>& args) {
  for (const auto& arg : args) {
    if (arg == "--") break;
    if (IsHelp(arg)) return PrintHelp(command, std::cout), 0;
    // A password in argv is visible to every user of the machine (ps, shell history).
    if (arg == "--password" || arg.rfind("--password=", 0) == 0)
      return UsageError(command.words, "passwords are never taken from the command line; use --password-stdin");
  }
  const po::options_description options = Options(command);
  po::positional_options_description positionals;
  for (const auto& positional : command.positionals) positionals.add(positional.name.c_str(), positional.max_count);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positionals).run(), vm);
    po::notify(vm);
  } catch (const po::too_many_positional_options_error&) {
    return UsageError(command.words, "too many arguments");
  } catch (const po::required_option& e) {
    const std::string option = e.get_option_name().substr(e.get_option_name().find_first_not_of('-'));
    if (IsPositional(command, option)) return UsageError(command.words, PositionalName(option) + " is missing");
    return UsageError(command.words, e.what());
  } catch (const po::error& e) {
    return UsageError(command.words, e.what());
  }
  return command.run(vm);
}

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = [] {
    std::vector<Command> all;
    for (auto group : {ServeCommands(), AdminCommands(), AdminIdentityCommands(), BackupCommands(), MigrateCommands(),
                       SpecCommands(), DiffCommands()})
      all.insert(all.end(), std::make_move_iterator(group.begin()), std::make_move_iterator(group.end()));
    return all;
  }();
  return commands;
}

}  // namespace agora::cli
