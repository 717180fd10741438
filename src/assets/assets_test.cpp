#include <gtest/gtest.h>

#include "assets/asset_type.h"
#include "assets/coordinates.h"
#include "assets/rules.h"
#include "assets/semver.h"

namespace agora::assets {
namespace {

TEST(SemVerTest, ParsesStrictSemVerWithoutBuildMetadata) {
  EXPECT_TRUE(ParseSemVer("1.0.0"));
  EXPECT_TRUE(ParseSemVer("0.0.1-alpha.1"));
  EXPECT_TRUE(ParseSemVer("10.20.30-rc-1.x7"));
  for (const char* bad : {"", "1", "1.0", "1.0.0.0", "01.0.0", "1.00.0", "1.0.0+build", "1.0.0-", "1.0.0-01",
                          "1.0.0-a..b", "v1.0.0", "1.0.0 ", "18446744073709551616.0.0", "1.-1.0", "../1.0.0"}) {
    EXPECT_FALSE(ParseSemVer(bad)) << bad;
  }
  EXPECT_EQ(ParseSemVer("18446744073709551615.0.0")->major, 18446744073709551615ull);
}

TEST(SemVerTest, ComparesByPrecedence) {
  const char* ordered[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                           "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"};
  for (size_t i = 0; i + 1 < std::size(ordered); ++i) {
    EXPECT_LT(CompareSemVer(*ParseSemVer(ordered[i]), *ParseSemVer(ordered[i + 1])), 0) << ordered[i];
    EXPECT_GT(CompareSemVer(*ParseSemVer(ordered[i + 1]), *ParseSemVer(ordered[i])), 0) << ordered[i];
  }
  EXPECT_EQ(CompareSemVer(*ParseSemVer("1.2.3"), *ParseSemVer("1.2.3")), 0);
}

TEST(SemVerTest, NextVersionBumpsTheHighest) {
  EXPECT_EQ(NextVersion({}, "PATCH"), "1.0.0");
  EXPECT_EQ(NextVersion({"1.0.0", "1.1.9", "1.1.10", "junk"}, "PATCH"), "1.1.11");
  EXPECT_EQ(NextVersion({"1.0.0", "1.1.9"}, "minor"), "1.2.0");
  EXPECT_EQ(NextVersion({"1.0.0", "2.3.4"}, "MAJOR"), "3.0.0");
  EXPECT_EQ(NextVersion({"1.2.0-rc.1"}, "PATCH"), "1.2.0");
}

TEST(CoordinatesTest, AcceptsExchangeCoordinates) {
  EXPECT_TRUE(ValidateCoordinates({"68ef9520-24e9-4cf2-b2f5-620025690913", "training-american-flights-api", "1.0.0"}).ok());
  EXPECT_TRUE(ValidateCoordinates({"com.mycompany", "my_asset.v2", "2.0.0-SNAPSHOT"}).ok());
}

TEST(CoordinatesTest, RejectsPathSyntaxAndBadVersions) {
  for (const Coordinates& c : std::vector<Coordinates>{{"..", "a", "1.0.0"},
                                                       {"g", "a/b", "1.0.0"},
                                                       {"g", "..a", "1.0.0"},
                                                       {"g", "-a", "1.0.0"},
                                                       {"", "a", "1.0.0"},
                                                       {"g", "a b", "1.0.0"},
                                                       {"g", "a%2f", "1.0.0"},
                                                       {std::string(151, 'g'), "a", "1.0.0"}}) {
    const Status st = ValidateCoordinates(c);
    EXPECT_EQ(st.code(), "INVALID_COORDINATES") << c.ToString();
  }
  EXPECT_EQ(ValidateCoordinates({"g", "a", "1.0"}).code(), "INVALID_VERSION");
  EXPECT_EQ(ValidateCoordinates({"g", "a", "1.0.0+build.1"}).code(), "INVALID_VERSION");
  EXPECT_EQ(ValidateCoordinates({std::string(111, 'g'), std::string(100, 'a'), "1.0.0"}).code(), "INVALID_COORDINATES");
}

TEST(CoordinatesTest, ParsesDependencyLists) {
  auto deps = ParseDependencyList(" g:a:1.0.0 , g:b:2.0.0,g:a:1.0.0,,");
  ASSERT_TRUE(deps.ok());
  ASSERT_EQ(deps->size(), 2u);
  EXPECT_EQ((*deps)[1], (Coordinates{"g", "b", "2.0.0"}));
  EXPECT_TRUE(ParseDependencyList("")->empty());
  for (const char* bad : {"g:a", "g:a:1.0.0:x", "g::1.0.0", "g:a:1.0", "g/x:a:1.0.0"})
    EXPECT_EQ(ParseDependencyList(bad).status().code(), "INVALID_DEPENDENCY") << bad;
}

TEST(AssetTypeTest, InfersTypesFromClassifiers) {
  const std::pair<const char*, const char*> cases[] = {
      {"raml", "rest-api"},          {"oas", "rest-api"},          {"wsdl", "soap-api"},
      {"raml-fragment", "raml-fragment"}, {"custom", "custom"},     {"mule-plugin", "extension"},
      {"mule-application", "app"},   {"mule-application-template", "template"},
      {"mule-application-example", "example"}, {"mule-policy", "policy"}};
  for (const auto& [classifier, type] : cases) EXPECT_EQ(InferTypeFromClassifier(classifier), type) << classifier;
  EXPECT_FALSE(InferTypeFromClassifier("docs"));
  EXPECT_FALSE(InferTypeFromClassifier("asyncapi"));
}

TEST(AssetTypeTest, KnowsRequirementsAndAliases) {
  EXPECT_EQ(NormalizeTypeName("connector"), "extension");
  EXPECT_EQ(NormalizeTypeName("rest-api"), "rest-api");
  EXPECT_FALSE(NormalizeTypeName("rest"));
  EXPECT_TRUE(AssetTypeInfoFor("rest-api").requires_api_version);
  EXPECT_TRUE(AssetTypeInfoFor("http-api").requires_api_version);
  EXPECT_FALSE(AssetTypeInfoFor("http-api").requires_file);
  EXPECT_TRUE(AssetTypeInfoFor("soap-api").allows_asset_link);
  EXPECT_FALSE(AssetTypeInfoFor("custom").requires_file);
  EXPECT_TRUE(AssetTypeInfoFor("app").requires_file);
}

TEST(AssetTypeTest, ValidatesFileIdentifiers) {
  EXPECT_TRUE(ValidateFileIdentifier("raml-fragment", "zip").ok());
  EXPECT_TRUE(ValidateFileIdentifier("pom", "xml").ok());
  for (const auto& [c, p] : std::vector<std::pair<std::string, std::string>>{{"", "zip"}, {"raml", ""}, {"..", "zip"},
                                                                             {"a/b", "zip"}, {"-x", "zip"}})
    EXPECT_EQ(ValidateFileIdentifier(c, p).code(), "INVALID_FILE_IDENTIFIER_ERROR") << c << "." << p;
}

TEST(RulesTest, ApiVersionIsSharedWithinAMajorAndUniqueAcrossMajors) {
  const std::vector<std::pair<std::string, std::string>> existing = {{"1.0.0", "v1"}, {"2.0.0", "v2"}};
  EXPECT_TRUE(CheckApiVersion("rest-api", "1.1.0", "v1", existing).ok());
  EXPECT_EQ(CheckApiVersion("rest-api", "1.1.0", "v1.1", existing).code(), "INVALID_API_VERSION");
  EXPECT_EQ(CheckApiVersion("rest-api", "3.0.0", "v2", existing).code(), "INVALID_API_VERSION");
  EXPECT_TRUE(CheckApiVersion("rest-api", "3.0.0", "v3", existing).ok());
}

TEST(RulesTest, HttpApiVersionsBumpTheMajor) {
  const std::vector<std::pair<std::string, std::string>> existing = {{"1.0.0", "v1"}};
  EXPECT_EQ(CheckApiVersion("http-api", "1.0.1", "v1", existing).code(), "INVALID_VERSION");
  EXPECT_TRUE(CheckApiVersion("http-api", "2.0.0", "v2", existing).ok());
}

TEST(RulesTest, LifecycleAtCreationAndDependencies) {
  EXPECT_TRUE(CheckLifecycleAtCreation("development").ok());
  EXPECT_TRUE(CheckLifecycleAtCreation("published").ok());
  EXPECT_EQ(CheckLifecycleAtCreation("deprecated").code(), "INVALID_STATUS");
  EXPECT_EQ(CheckLifecycleAtCreation("stable").code(), "INVALID_STATUS");
  const std::vector<std::pair<std::string, Lifecycle>> deps = {{"g:a:1.0.0", Lifecycle::kDevelopment},
                                                               {"g:b:1.0.0", Lifecycle::kPublished}};
  const Status st = CheckDependencyStatuses(Lifecycle::kPublished, deps);
  EXPECT_EQ(st.code(), "DEVELOPMENT_DEPENDENCIES");
  EXPECT_EQ(st.errors(), std::vector<std::string>{"g:a:1.0.0"});
  EXPECT_TRUE(CheckDependencyStatuses(Lifecycle::kDevelopment, deps).ok());
}

TEST(RulesTest, LifecycleTransitions) {
  using L = Lifecycle;
  EXPECT_TRUE(CheckTransition(L::kDevelopment, L::kPublished).ok());
  EXPECT_TRUE(CheckTransition(L::kPublished, L::kDeprecated).ok());
  EXPECT_TRUE(CheckTransition(L::kDeprecated, L::kPublished).ok());
  for (auto [from, to] : std::vector<std::pair<L, L>>{{L::kPublished, L::kDevelopment}, {L::kDevelopment, L::kDeprecated},
                                                      {L::kDeprecated, L::kDevelopment}, {L::kPublished, L::kPublished}})
    EXPECT_EQ(CheckTransition(from, to).code(), "INVALID_TRANSITION");
}

TEST(AssetVersionTest, DerivesMinorVersionAndVersionGroup) {
  AssetVersion v;
  v.coordinates.version = "2.0.1-rc.1";
  EXPECT_EQ(v.MinorVersion(), "2.0");
  EXPECT_EQ(v.VersionGroup(), "2.0.1-rc.1");
  v.properties.push_back({"apiVersion", "v2"});
  EXPECT_EQ(v.VersionGroup(), "v2");
}

}  // namespace
}  // namespace agora::assets
