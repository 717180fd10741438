#include "cli/command.h"

#include <gtest/gtest.h>

#include <iostream>
#include <sstream>

#include "cli/cli.h"

namespace agora::cli {
namespace {

// Runs `agora ARGS...` in-process and captures what it prints.
struct Output {
  int status = 0;
  std::string out, err;
};

Output Agora(std::vector<std::string> args) {
  args.insert(args.begin(), "agora");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  std::ostringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  const int status = Main(static_cast<int>(argv.size()), argv.data());
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  return {status, out.str(), err.str()};
}

std::vector<std::string> Words(const Command& command) {
  std::vector<std::string> words;
  std::istringstream in(command.words);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

TEST(CommandTest, TopLevelHelpListsEveryCommand) {
  const Output run = Agora({"--help"});
  EXPECT_EQ(run.status, 0);
  for (const auto& command : Commands()) {
    EXPECT_NE(run.out.find("  " + command.words + " "), std::string::npos) << command.words;
    EXPECT_NE(run.out.find(command.summary), std::string::npos) << command.words;
  }
  EXPECT_EQ(Agora({}).status, 2) << "no command is a usage error";
}

TEST(CommandTest, EveryCommandsHelpShowsEveryOptionAndAnExample) {
  for (const auto& command : Commands()) {
    std::vector<std::string> args = Words(command);
    args.push_back("--help");
    const Output run = Agora(args);
    EXPECT_EQ(run.status, 0) << command.words;
    EXPECT_EQ(run.out.rfind("agora " + command.words + ": " + command.summary, 0), 0u) << run.out;
    EXPECT_NE(run.out.find("usage: agora " + command.words), std::string::npos) << run.out;
    po::options_description options;
    command.add_options(options);
    for (const auto& option : options.options())
      EXPECT_NE(run.out.find("--" + option->long_name()), std::string::npos) << command.words << " --" << option->long_name();
    ASSERT_FALSE(command.examples.empty()) << command.words;
    for (const auto& example : command.examples)
      EXPECT_NE(example.find("agora " + command.words), std::string::npos) << example;
  }
}

TEST(CommandTest, HelpWinsOverMissingRequiredOptions) {
  EXPECT_EQ(Agora({"admin", "create-token", "-h"}).status, 0);
}

TEST(CommandTest, UnknownOptionsAndCommandsPointAtHelp) {
  for (const auto& command : Commands()) {
    std::vector<std::string> args = Words(command);
    args.push_back("--no-such-option");
    const Output run = Agora(args);
    EXPECT_EQ(run.status, 2) << command.words;
    EXPECT_NE(run.err.find("unrecognised option '--no-such-option'"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("agora " + command.words + " --help"), std::string::npos) << run.err;
  }
  const Output unknown = Agora({"frobnicate"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("unknown command 'frobnicate'"), std::string::npos);
  const Output sub = Agora({"admin", "frobnicate"});
  EXPECT_EQ(sub.status, 2);
  EXPECT_NE(sub.err.find("agora admin: unknown command 'frobnicate'"), std::string::npos) << sub.err;
  EXPECT_NE(sub.err.find("admin create-token"), std::string::npos) << "lists the group's commands";
}

TEST(CommandTest, MissingArgumentsAreNamed) {
  Output run = Agora({"admin", "create-token", "--org", "x"});
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(run.err.find("'--role' is required"), std::string::npos) << run.err;
  run = Agora({"spec", "validate"});
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(run.err.find("PATH is missing"), std::string::npos) << run.err;
  run = Agora({"spec", "validate", "a.raml", "b.raml"});
  EXPECT_NE(run.err.find("too many arguments"), std::string::npos) << run.err;
}

TEST(CommandTest, PasswordsOnTheCommandLineAreRefused) {
  for (const char* password : {"--password", "--password=s3cret"}) {
    const Output run = Agora({"admin", "create-user", "--org", "o", "--role", "admin", "--username", "u", password, "s3cret"});
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("never taken from the command line"), std::string::npos) << run.err;
  }
}

}  // namespace
}  // namespace agora::cli
