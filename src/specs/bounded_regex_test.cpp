#include "specs/bounded_regex.h"

#include <gtest/gtest.h>

namespace agora::specs {
namespace {

using Match = BoundedRegex::Match;

TEST(BoundedRegexTest, SearchesInEcmaScriptSyntax) {
  const BoundedRegex code("^[A-Z]{3}-\\d+$");
  ASSERT_TRUE(code.valid());
  EXPECT_EQ(code.Search("ABC-12"), Match::kFound);
  EXPECT_EQ(code.Search("abc-12"), Match::kNotFound);
  EXPECT_EQ(BoundedRegex("b").Search("abc"), Match::kFound) << "a search, not a whole-string match";
}

TEST(BoundedRegexTest, AnInvalidPatternIsReportedWhereItIsDeclaredNotPerValue) {
  const BoundedRegex broken("([a-z");
  EXPECT_FALSE(broken.valid());
  EXPECT_EQ(broken.Search("anything"), Match::kFound);
}

TEST(BoundedRegexTest, GivesUpOnExponentialBacktrackingInsteadOfMatching) {
  // ~10^8 ways to split 40 a's before the b fails them all: a bound on steps, not a verdict.
  const BoundedRegex hostile("^(a|aa)+$");
  EXPECT_EQ(hostile.Search(std::string(40, 'a') + "b"), Match::kGaveUp);
  EXPECT_EQ(hostile.Search("aaaa"), Match::kFound);
  EXPECT_NE(BoundedRegex::GaveUpMessage("^(a|aa)+$").find("^(a|aa)+$"), std::string::npos);
}

TEST(BoundedRegexTest, TellsWhetherStdRegexMayCompileAPattern) {
  const size_t limit = BoundedRegex::kMaxStdRegexNesting;
  EXPECT_TRUE(BoundedRegex::StdRegexMayCompile(std::string(limit, '(') + "a" + std::string(limit, ')')));
  EXPECT_FALSE(BoundedRegex::StdRegexMayCompile(std::string(limit + 1, '(') + "a" + std::string(limit + 1, ')')));
  EXPECT_TRUE(BoundedRegex::StdRegexMayCompile("(a)(b)(c)" + std::string(1000, 'x'))) << "groups in a row, not nested";
  std::string escaped;
  for (int i = 0; i < 1000; ++i) escaped += "\\(";
  EXPECT_TRUE(BoundedRegex::StdRegexMayCompile(escaped)) << "escaped parentheses are characters";
  EXPECT_TRUE(BoundedRegex::StdRegexMayCompile("[" + std::string(1000, '(') + "]")) << "inside a class they are characters";
  EXPECT_FALSE(BoundedRegex::StdRegexMayCompile(std::string(2000, '\\') + std::string(1000, '(')))
      << "backslashes that escape each other escape no parenthesis";
}

}  // namespace
}  // namespace agora::specs
