// The commands of the agora command line, each defined once: its words ("admin create-token"),
// what it does, its options and positional arguments (Boost.Program_options), examples, and the
// function that runs it. Parsing and `--help` both come from that one definition, so the help
// cannot drift from what a command accepts. An unknown option or a missing required one is a
// usage error (exit status 2) that names the problem and points at the command's --help.
//
// Thread safety: commands are defined and run once, from main().
#pragma once

#include <boost/program_options.hpp>

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace agora::cli {

namespace po = boost::program_options;

struct Positional {
  std::string name;  // the option it fills, e.g. "name" for `admin create-org NAME`
  int max_count = 1;  // -1: every remaining argument
};

struct Command {
  std::string words;    // "serve", "admin create-token"
  std::string summary;  // one line: what it does
  std::string details;  // a paragraph or two for --help; may be empty
  std::function<void(po::options_description&)> add_options;
  std::vector<Positional> positionals;
  std::vector<std::string> examples;
  std::function<int(const po::variables_map&)> run;
};

// Every command, in the order `agora --help` lists them.
const std::vector<Command>& Commands();

// The commands each module defines (serve.cpp, admin.cpp, spec.cpp, ...).
std::vector<Command> ServeCommands();
std::vector<Command> AdminCommands();
std::vector<Command> AdminIdentityCommands();
std::vector<Command> SpecCommands();
std::vector<Command> DiffCommands();
std::vector<Command> BackupCommands();
std::vector<Command> MigrateCommands();

// Parses `args` (after the command's words) for `command` and runs it; prints help for --help.
int RunCommand(const Command& command, const std::vector<std::string>& args);

// The full help of one command, as `agora WORDS --help` prints it.
void PrintHelp(const Command& command, std::ostream& out);

// A usage error: "agora WORDS: MESSAGE" and where to find help, on stderr; returns 2.
int UsageError(const std::string& words, const std::string& message);

}  // namespace agora::cli
