#include "assets/asset_type.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace agora::assets {
namespace {

using ::testing::HasSubstr;

struct ExpectedType {
  const char* name;
  bool requires_api_version, requires_file, allows_asset_link, is_spec_type;
};

// The whole table, so a changed flag shows up here.
const ExpectedType kExpected[] = {
    {"rest-api", true, true, false, true},       {"soap-api", true, true, true, false},
    {"http-api", true, false, true, false},      {"raml-fragment", false, true, false, true},
    {"custom", false, false, false, false},      {"extension", false, true, false, false},
    {"app", false, true, false, false},          {"template", false, true, false, false},
    {"example", false, true, false, false},      {"policy", false, true, false, false},
    {"api-group", false, false, false, false},   {"evented-api", true, true, false, false},
    {"graphql-api", false, true, false, false},  {"grpc-api", true, true, false, false},
    {"external-library", false, true, false, false}, {"ruleset", false, true, false, false},
    {"mcp", false, false, false, false},         {"agent", false, false, false, false},
    {"llm", false, false, false, false},
};

TEST(AssetTypeTest, EveryTypeHasItsRequirements) {
  for (const auto& e : kExpected) {
    EXPECT_EQ(NormalizeTypeName(e.name), e.name);
    const AssetTypeInfo& info = AssetTypeInfoFor(e.name);
    EXPECT_STREQ(info.name, e.name);
    EXPECT_EQ(info.requires_api_version, e.requires_api_version) << e.name;
    EXPECT_EQ(info.requires_file, e.requires_file) << e.name;
    EXPECT_EQ(info.allows_asset_link, e.allows_asset_link) << e.name;
    EXPECT_EQ(info.is_spec_type, e.is_spec_type) << e.name;
  }
}

TEST(AssetTypeTest, ConnectorIsStoredAsExtensionAndUnknownNamesAreRefused) {
  EXPECT_EQ(NormalizeTypeName("connector"), "extension");
  for (const char* unknown : {"", "rest", "REST-API", "Rest-Api", " rest-api", "rest-api ", "unknown", "fat-raml"})
    EXPECT_FALSE(NormalizeTypeName(unknown)) << unknown;
  const AssetTypeInfo& info = AssetTypeInfoFor("no-such-type");
  EXPECT_FALSE(info.requires_api_version || info.requires_file || info.allows_asset_link || info.is_spec_type);
}

TEST(AssetTypeTest, InfersTypesFromClassifiers) {
  const std::pair<const char*, const char*> cases[] = {
      {"raml", "rest-api"},
      {"oas", "rest-api"},
      {"wsdl", "soap-api"},
      {"raml-fragment", "raml-fragment"},
      {"custom", "custom"},
      {"mule-plugin", "extension"},
      {"mule-application", "app"},
      {"mule-application-template", "template"},
      {"mule-application-example", "example"},
      {"mule-policy", "policy"},
      {"evented-api", "evented-api"},
      {"graphql", "graphql-api"},
      {"protobuf", "grpc-api"},
      {"proto", "grpc-api"},
      {"external-library", "external-library"},
      {"ruleset", "ruleset"},
      {"mcp-metadata", "mcp"},
      {"agent-metadata", "agent"}};
  for (const auto& [classifier, type] : cases) {
    EXPECT_EQ(InferTypeFromClassifier(classifier), type) << classifier;
    EXPECT_EQ(NormalizeTypeName(type), type) << "inferred types are canonical";
  }
  for (const char* none : {"docs", "asyncapi", "fat-raml", "pom", "icon", "", "RAML", "studio-plugin"})
    EXPECT_FALSE(InferTypeFromClassifier(none)) << none;
}

TEST(AssetTypeTest, SpecClassifiersHaveFatPackages) {
  EXPECT_EQ(FatClassifier("raml"), "fat-raml");
  EXPECT_EQ(FatClassifier("oas"), "fat-oas");
  EXPECT_EQ(FatClassifier("raml-fragment"), "fat-raml-fragment");
  for (const char* other : {"wsdl", "evented-api", "custom", "fat-raml", "", "RAML"})
    EXPECT_FALSE(FatClassifier(other)) << other;
}

TEST(AssetTypeTest, AcceptsSafeFileIdentifiers) {
  const std::pair<std::string, std::string> good[] = {
      {"raml", "zip"}, {"oas", "yaml"}, {"mule-application", "jar"}, {"pom", "xml"}, {"docs", "tar.gz"},
      {"Icon_2", "PNG"}, {std::string(100, 'c'), std::string(100, 'p')}};
  for (const auto& [classifier, packaging] : good)
    EXPECT_TRUE(ValidateFileIdentifier(classifier, packaging).ok()) << classifier << "." << packaging;
}

TEST(AssetTypeTest, RefusesUnsafeFileIdentifiers) {
  const std::vector<std::string> bad = {"", "..", "a..b", "a/b", "/a", "a\\b", "-x", ".x", "_x", "a b",
                                        "\xc3\xa9", "a\nb", std::string("a\0b", 3), std::string(101, 'c')};
  for (const auto& token : bad) {
    for (const auto& [classifier, packaging] : {std::pair{token, std::string("zip")}, std::pair{std::string("raml"), token}}) {
      const Status st = ValidateFileIdentifier(classifier, packaging);
      EXPECT_EQ(st.code(), "INVALID_FILE_IDENTIFIER_ERROR") << classifier << "." << packaging;
      EXPECT_EQ(st.http_status(), 400);
      EXPECT_EQ(st.message().find('\n'), std::string::npos);
      EXPECT_LT(st.message().size(), 300u);
    }
  }
  EXPECT_THAT(ValidateFileIdentifier("a/b", "zip").message(), HasSubstr("files.a/b.zip"));
}

}  // namespace
}  // namespace agora::assets
