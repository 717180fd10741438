#include "assets/semver.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace agora::assets {
namespace {

constexpr const char* kMax = "18446744073709551615";  // 2^64 - 1

std::string V(const std::string& major, const std::string& minor, const std::string& patch) {
  return major + "." + minor + "." + patch;
}

TEST(SemVerTest, ParsesNumbersAndPrereleaseIdentifiers) {
  const auto v = ParseSemVer("10.20.30-rc-1.x7.0");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->major, 10u);
  EXPECT_EQ(v->minor, 20u);
  EXPECT_EQ(v->patch, 30u);
  EXPECT_EQ(v->prerelease, (std::vector<std::string>{"rc-1", "x7", "0"}));
  for (const char* good : {"0.0.0", "1.0.0", "0.0.1-alpha.1", "1.0.0-0", "1.0.0-0a", "1.0.0--", "1.0.0-SNAPSHOT"})
    EXPECT_TRUE(ParseSemVer(good)) << good;
}

TEST(SemVerTest, RejectsEverythingElse) {
  const std::vector<std::string> bad = {
      "", "1", "1.0", "1.0.0.0", "1..0", ".1.0", "1.0.", "01.0.0", "1.00.0", "1.0.00", "1.0.0+build",
      "1.0.0-rc.1+build", "1.0.0+", "1.0.0-", "1.0.0-01", "1.0.0-a..b", "1.0.0-a.", "1.0.0-.a", "1.0.0-a_b",
      "1.0.0-\xc3\xa9", "v1.0.0", " 1.0.0", "1.0.0 ", "1.0.0\n", "-1.0.0", "1.-1.0", "1.0.-1", "+1.0.0",
      "../1.0.0", "1.0.0/..", "1.0.0-a/b", std::string("1.0.0\0", 6), "1.0.x", "\xd9\xa1.0.0"};
  for (const auto& text : bad) EXPECT_FALSE(ParseSemVer(text)) << text;
}

TEST(SemVerTest, GuardsNumericOverflow) {
  const auto max = ParseSemVer(V(kMax, kMax, kMax));
  ASSERT_TRUE(max);
  EXPECT_EQ(max->major, 18446744073709551615ull);
  EXPECT_EQ(max->patch, 18446744073709551615ull);
  for (const char* too_big : {"18446744073709551616", "18446744073709551620", "99999999999999999999",
                              "184467440737095516150"}) {
    EXPECT_FALSE(ParseSemVer(V(too_big, "0", "0"))) << too_big;
    EXPECT_FALSE(ParseSemVer(V("0", too_big, "0"))) << too_big;
    EXPECT_FALSE(ParseSemVer(V("0", "0", too_big))) << too_big;
  }
  // Pre-release numbers have no size limit in SemVer and are compared without converting them.
  const auto huge = ParseSemVer("1.0.0-99999999999999999999999");
  ASSERT_TRUE(huge);
  EXPECT_GT(CompareSemVer(*huge, *ParseSemVer(std::string("1.0.0-") + kMax)), 0);
}

TEST(SemVerTest, ToStringRoundTrips) {
  for (const char* text : {"0.0.0", "1.2.3", "1.0.0-alpha.1", "2.0.0-rc-1.0", "18446744073709551615.0.0"})
    EXPECT_EQ(ParseSemVer(text)->ToString(), text);
}

TEST(SemVerTest, ComparesByPrecedence) {
  // Strictly increasing, from the SemVer 2.0.0 specification plus numeric-versus-lexical cases.
  const std::vector<std::string> ordered = {
      "0.9.0", "1.0.0-2", "1.0.0-10", "1.0.0-alpha", "1.0.0-alpha.0", "1.0.0-alpha.1", "1.0.0-alpha.beta",
      "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.0.10", "1.1.0",
      "1.9.0", "1.10.0", "2.0.0", "10.0.0"};
  for (size_t i = 0; i < ordered.size(); ++i) {
    for (size_t j = 0; j < ordered.size(); ++j) {
      const int c = CompareSemVer(*ParseSemVer(ordered[i]), *ParseSemVer(ordered[j]));
      const int expected = i < j ? -1 : (i == j ? 0 : 1);
      EXPECT_EQ((c > 0) - (c < 0), expected) << ordered[i] << " vs " << ordered[j];
    }
  }
}

TEST(SemVerTest, NextVersionStartsAtOneWithoutVersions) {
  EXPECT_EQ(*NextVersion({}, "PATCH"), "1.0.0");
  EXPECT_EQ(*NextVersion({}, "MAJOR"), "1.0.0");
  EXPECT_EQ(*NextVersion({"junk", "1.0", "1.0.0+b"}, "MINOR"), "1.0.0");
}

TEST(SemVerTest, NextVersionBumpsTheHighestByPrecedence) {
  const std::vector<std::string> existing = {"1.1.9", "1.0.0", "1.1.10", "junk", "1.1.11-rc.1"};
  EXPECT_EQ(*NextVersion(existing, "PATCH"), "1.1.11");
  EXPECT_EQ(*NextVersion(existing, "MINOR"), "1.2.0");
  EXPECT_EQ(*NextVersion(existing, "MAJOR"), "2.0.0");
  EXPECT_EQ(*NextVersion({"1.9.0", "1.10.0"}, "PATCH"), "1.10.1") << "numeric, not string, order";
  EXPECT_EQ(*NextVersion({"1.0.0", "1.1.9"}, "minor"), "1.2.0") << "order is case-insensitive";
  EXPECT_EQ(*NextVersion({"1.0.0"}, "bogus"), "1.0.1") << "an unknown order means PATCH";
}

TEST(SemVerTest, NextVersionOfAPrereleaseIsItsReleaseWhenLowerNumbersAreZero) {
  EXPECT_EQ(*NextVersion({"1.2.0-rc.1"}, "PATCH"), "1.2.0");
  EXPECT_EQ(*NextVersion({"1.2.0-rc.1"}, "MINOR"), "1.2.0");
  EXPECT_EQ(*NextVersion({"1.2.0-rc.1"}, "MAJOR"), "2.0.0");
  EXPECT_EQ(*NextVersion({"1.2.3-rc.1"}, "PATCH"), "1.2.3");
  EXPECT_EQ(*NextVersion({"1.2.3-rc.1"}, "MINOR"), "1.3.0");
  EXPECT_EQ(*NextVersion({"2.0.0-beta"}, "MAJOR"), "2.0.0");
  EXPECT_EQ(*NextVersion({"1.0.0", "2.0.0-SNAPSHOT"}, "PATCH"), "2.0.0");
}

TEST(SemVerTest, NextVersionCarriesInsteadOfOverflowing) {
  EXPECT_EQ(*NextVersion({V("1", "2", kMax)}, "PATCH"), "1.3.0");
  EXPECT_EQ(*NextVersion({V("1", kMax, "5")}, "MINOR"), "2.0.0");
  EXPECT_EQ(*NextVersion({V("1", kMax, kMax)}, "PATCH"), "2.0.0");
  EXPECT_EQ(*NextVersion({V(kMax, "0", "0")}, "PATCH"), V(kMax, "0", "1"));
  EXPECT_EQ(NextVersion({V(kMax, "0", "0")}, "MAJOR").status().code(), "NO_NEXT_VERSION") << "no major above 2^64-1";
  EXPECT_EQ(NextVersion({V(kMax, kMax, kMax)}, "PATCH").status().http_status(), 409);
}

TEST(SemVerTest, NextVersionIsAlwaysAValidVersionAboveAllExisting) {
  const std::vector<std::vector<std::string>> histories = {
      {"0.0.1"}, {"1.0.0-alpha", "1.0.0-alpha.1"}, {"3.4.5", "3.4.5-rc.2"}, {"0.1.0-0"}, {V("7", kMax, "0")}};
  for (const auto& history : histories) {
    for (const char* order : {"PATCH", "MINOR", "MAJOR"}) {
      const auto next = ParseSemVer(*NextVersion(history, order));
      ASSERT_TRUE(next) << history.front() << " " << order;
      EXPECT_TRUE(next->prerelease.empty());
      for (const auto& existing : history) EXPECT_GT(CompareSemVer(*next, *ParseSemVer(existing)), 0) << existing;
    }
  }
}

TEST(SemVerTest, PreviousVersionIsTheHighestBelowByPrecedence) {
  const std::vector<std::string> versions{"1.0.0", "1.10.0", "1.2.0", "2.0.0-rc.1", "2.0.0", "not-semver"};
  EXPECT_EQ(*PreviousVersion(versions, "2.0.0"), "2.0.0-rc.1");
  EXPECT_EQ(*PreviousVersion(versions, "2.0.0-rc.1"), "1.10.0");
  EXPECT_EQ(*PreviousVersion(versions, "1.3.0"), "1.2.0");
  EXPECT_FALSE(PreviousVersion(versions, "1.0.0"));
  EXPECT_FALSE(PreviousVersion(versions, "latest"));
}

}  // namespace
}  // namespace agora::assets
