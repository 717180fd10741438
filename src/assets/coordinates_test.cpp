#include "assets/coordinates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace agora::assets {
namespace {

using ::testing::HasSubstr;

TEST(CoordinatesTest, AcceptsExchangeCoordinates) {
  for (const Coordinates& c : std::vector<Coordinates>{
           {"68ef9520-24e9-4cf2-b2f5-620025690913", "training-american-flights-api", "1.0.0"},
           {"com.mycompany", "my_asset.v2", "2.0.0-SNAPSHOT"},
           {"_g", "_a", "0.0.1"},
           {"G.1", "A-b_c.9", "10.20.30-rc.1"}}) {
    EXPECT_TRUE(ValidateCoordinates(c).ok()) << c.ToString();
  }
}

TEST(CoordinatesTest, RejectsBadGroupAndAssetIdsNamingThePart) {
  const std::vector<std::string> bad_ids = {
      "", ".", "..", ".a", "-a", "a..b", "a/b", "/a", "a\\b", "a b", " a", "a%2f", "a:b", "a+b", "a?b", "a*b",
      "\xc3\xa9t\xc3\xa9", std::string("a\0b", 3), "a\n", std::string(kMaxIdLength + 1, 'x')};
  for (const auto& id : bad_ids) {
    const Status group = ValidateCoordinates({id, "a", "1.0.0"});
    EXPECT_EQ(group.code(), "INVALID_COORDINATES") << id;
    EXPECT_EQ(group.http_status(), 400);
    EXPECT_THAT(group.message(), HasSubstr("groupId")) << id;
    const Status asset = ValidateCoordinates({"g", id, "1.0.0"});
    EXPECT_EQ(asset.code(), "INVALID_COORDINATES") << id;
    EXPECT_THAT(asset.message(), HasSubstr("assetId")) << id;
  }
  EXPECT_TRUE(ValidateCoordinates({std::string(kMaxIdLength, 'g'), "a", "1.0.0"}).ok());
  EXPECT_TRUE(ValidateCoordinates({"g", std::string(kMaxIdLength, 'a'), "1.0.0"}).ok());
}

TEST(CoordinatesTest, RejectsVersionsOutsideSemVerWithoutBuildMetadata) {
  for (const char* version : {"", "1.0", "1.0.0+build.1", "01.0.0", "1.0.0/..", "latest", "v1"}) {
    const Status st = ValidateCoordinates({"g", "a", version});
    EXPECT_EQ(st.code(), "INVALID_VERSION") << version;
    EXPECT_THAT(st.message(), HasSubstr("version"));
    EXPECT_EQ(st.errors().size(), 1u);
  }
}

TEST(CoordinatesTest, LimitsTheTotalLength) {
  const std::string group(150, 'g'), version = "1.0.0";
  EXPECT_TRUE(ValidateCoordinates({group, std::string(60, 'a'), version}).ok()) << "exactly 215";
  const Status st = ValidateCoordinates({group, std::string(61, 'a'), version});
  EXPECT_EQ(st.code(), "INVALID_COORDINATES");
  EXPECT_THAT(st.message(), HasSubstr("215"));
}

TEST(CoordinatesTest, NoPathSyntaxEverPasses) {
  // Every id of up to three characters over an alphabet of path syntax and letters.
  const std::string alphabet = "./\\a-";
  std::vector<std::string> ids = {""}, shorter = {""};
  for (int length = 1; length <= 3; ++length) {
    std::vector<std::string> longer;
    for (const auto& prefix : shorter)
      for (char c : alphabet) longer.push_back(prefix + c);
    ids.insert(ids.end(), longer.begin(), longer.end());
    shorter = std::move(longer);
  }
  size_t accepted = 0;
  for (const auto& id : ids) {
    for (const Coordinates& c : {Coordinates{id, "a", "1.0.0"}, Coordinates{"g", id, "1.0.0"}}) {
      if (!ValidateCoordinates(c).ok()) continue;
      ++accepted;
      EXPECT_EQ(id.find('/'), std::string::npos) << id;
      EXPECT_EQ(id.find('\\'), std::string::npos) << id;
      EXPECT_EQ(id.find(".."), std::string::npos) << id;
      EXPECT_NE(id.front(), '.') << id;
    }
  }
  EXPECT_GT(accepted, 0u) << "the alphabet also builds valid ids";
}

TEST(CoordinatesTest, MessagesQuoteHostileInputBriefly) {
  const Status st = ValidateCoordinates({std::string(10000, 'g') + "/", "a", "1.0.0"});
  EXPECT_LT(st.message().size(), 300u);
  EXPECT_THAT(st.message(), HasSubstr("..."));
  const Status forged = ValidateCoordinates({"g", "a\r\nX-Forged: 1", "1.0.0"});
  EXPECT_EQ(forged.message().find('\n'), std::string::npos);
  EXPECT_THAT(forged.message(), HasSubstr("a??X-Forged: 1"));
}

TEST(DependencyListTest, ParsesTrimsAndDropsDuplicatesKeepingOrder) {
  auto deps = ParseDependencyList(" g:b:2.0.0 , g : a : 1.0.0,g:b:2.0.0,,g:a:1.0.1, ");
  ASSERT_TRUE(deps.ok()) << deps.status().ToString();
  EXPECT_EQ(*deps, (std::vector<Coordinates>{{"g", "b", "2.0.0"}, {"g", "a", "1.0.0"}, {"g", "a", "1.0.1"}}));
  for (const char* empty : {"", " ", ",", " , ,\t"}) {
    auto none = ParseDependencyList(empty);
    ASSERT_TRUE(none.ok()) << empty;
    EXPECT_TRUE(none->empty()) << empty;
  }
}

TEST(DependencyListTest, NamesTheFirstBadItemAndWhy) {
  const std::pair<const char*, const char*> cases[] = {
      {"g:a", "GROUP_ID:ASSET_ID:VERSION"},   {"g:a:1.0.0:x", "GROUP_ID:ASSET_ID:VERSION"},
      {"g", "GROUP_ID:ASSET_ID:VERSION"},     {"g::1.0.0", "assetId"},
      {":a:1.0.0", "groupId"},                {"g:a:", "version"},
      {"g:a:1.0", "version"},                 {"g/x:a:1.0.0", "groupId"},
      {"g:a:1.0.0+b", "version"},             {"g:..:1.0.0", "assetId"}};
  for (const auto& [item, reason] : cases) {
    const std::string list = std::string("g:ok:1.0.0, ") + item + ", also bad";
    const Status st = ParseDependencyList(list).status();
    EXPECT_EQ(st.code(), "INVALID_DEPENDENCY") << item;
    EXPECT_EQ(st.http_status(), 400);
    EXPECT_THAT(st.message(), HasSubstr(std::string("'") + item + "'"));
    EXPECT_THAT(st.message(), HasSubstr(reason)) << item;
  }
}

TEST(DependencyListTest, LongListsStayLinear) {
  std::string list;
  for (int i = 0; i < 50000; ++i) list += "g:a" + std::to_string(i % 25000) + ":1.0.0,";
  auto deps = ParseDependencyList(list);
  ASSERT_TRUE(deps.ok());
  EXPECT_EQ(deps->size(), 25000u);
  EXPECT_EQ(deps->back().asset_id, "a24999");
}

}  // namespace
}  // namespace agora::assets
