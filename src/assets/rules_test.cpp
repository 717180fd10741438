#include "assets/rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace agora::assets {
namespace {

using ::testing::HasSubstr;
using Versions = std::vector<std::pair<std::string, std::string>>;

TEST(ApiVersionRuleTest, AMajorVersionSharesOneApiVersion) {
  const Versions existing = {{"1.0.0", "v1"}, {"2.0.0", "v2"}};
  EXPECT_TRUE(CheckApiVersion("rest-api", "1.1.0", "v1", existing).ok());
  EXPECT_TRUE(CheckApiVersion("rest-api", "2.0.1-rc.1", "v2", existing).ok());
  const Status st = CheckApiVersion("rest-api", "1.1.0", "v1.1", existing);
  EXPECT_EQ(st.code(), "INVALID_API_VERSION");
  EXPECT_EQ(st.http_status(), 400);
  EXPECT_THAT(st.message(), HasSubstr("1.0.0"));
  EXPECT_THAT(st.message(), HasSubstr("'v1'"));
}

TEST(ApiVersionRuleTest, DifferentMajorsNeedDifferentApiVersions) {
  const Versions existing = {{"1.0.0", "v1"}, {"2.0.0", "v2"}};
  const Status st = CheckApiVersion("rest-api", "3.0.0", "v2", existing);
  EXPECT_EQ(st.code(), "INVALID_API_VERSION");
  EXPECT_THAT(st.message(), HasSubstr("2.0.0"));
  EXPECT_EQ(CheckApiVersion("rest-api", "0.1.0", "v1", existing).code(), "INVALID_API_VERSION");
  EXPECT_TRUE(CheckApiVersion("rest-api", "3.0.0", "v3", existing).ok());
  EXPECT_TRUE(CheckApiVersion("rest-api", "0.1.0", "v0", existing).ok()) << "an older major may be added";
}

TEST(ApiVersionRuleTest, FirstVersionsAndUnparseableHistoryPass) {
  EXPECT_TRUE(CheckApiVersion("rest-api", "1.0.0", "v1", {}).ok());
  EXPECT_TRUE(CheckApiVersion("http-api", "1.0.0", "v1", {}).ok());
  EXPECT_TRUE(CheckApiVersion("rest-api", "1.0.0", "v1", {{"junk", "v9"}, {"1.0", "v1"}}).ok());
}

TEST(ApiVersionRuleTest, RefusesBadVersionsAndOverlongApiVersions) {
  EXPECT_EQ(CheckApiVersion("rest-api", "1.0", "v1", {}).code(), "INVALID_VERSION");
  EXPECT_TRUE(CheckApiVersion("rest-api", "1.0.0", std::string(256, 'v'), {}).ok());
  EXPECT_EQ(CheckApiVersion("rest-api", "1.0.0", std::string(257, 'v'), {}).code(), "INVALID_API_VERSION");
}

TEST(ApiVersionRuleTest, HttpApiVersionsBumpTheMajorOverEveryVersion) {
  const Versions existing = {{"1.0.0", "v1"}, {"3.0.0", "v3"}};
  for (const char* version : {"1.0.1", "1.1.0", "2.0.0", "3.0.0", "3.0.1", "0.9.0", "3.1.0-rc.1"}) {
    const Status st = CheckApiVersion("http-api", version, "vX", existing);
    EXPECT_EQ(st.code(), "INVALID_VERSION") << version;
    EXPECT_THAT(st.message(), HasSubstr(version));
  }
  EXPECT_TRUE(CheckApiVersion("http-api", "4.0.0", "v4", existing).ok());
  EXPECT_EQ(CheckApiVersion("http-api", "4.0.0", "v3", existing).code(), "INVALID_API_VERSION");
  EXPECT_TRUE(CheckApiVersion("rest-api", "3.0.1", "v3", existing).ok()) << "only http-api must bump the major";
}

TEST(LifecycleRuleTest, AVersionIsCreatedInDevelopmentOrPublished) {
  EXPECT_TRUE(CheckLifecycleAtCreation("development").ok());
  EXPECT_TRUE(CheckLifecycleAtCreation("published").ok());
  for (const std::string status : {"deprecated", "", "Published", "published ", "stable", "draft"}) {
    const Status st = CheckLifecycleAtCreation(status);
    EXPECT_EQ(st.code(), "INVALID_STATUS") << status;
    EXPECT_EQ(st.http_status(), 400);
  }
  EXPECT_LT(CheckLifecycleAtCreation(std::string(100000, 'x')).message().size(), 300u);
}

TEST(LifecycleRuleTest, OnlyForwardTransitionsAndUndeprecation) {
  using L = Lifecycle;
  const L all[] = {L::kDevelopment, L::kPublished, L::kDeprecated};
  for (L from : all) {
    for (L to : all) {
      const bool allowed = (from == L::kDevelopment && to == L::kPublished) ||
                           (from == L::kPublished && to == L::kDeprecated) ||
                           (from == L::kDeprecated && to == L::kPublished);
      const Status st = CheckTransition(from, to);
      EXPECT_EQ(st.ok(), allowed) << LifecycleName(from) << " -> " << LifecycleName(to);
      if (!allowed) {
        EXPECT_EQ(st.code(), "INVALID_TRANSITION");
        EXPECT_THAT(st.message(), HasSubstr(LifecycleName(from)));
      }
    }
  }
}

TEST(AssetDetailRuleTest, ANameOf1To256AndTheOtherDetailsOfAtMost255) {
  EXPECT_TRUE(CheckAssetDetail("name", std::string(256, 'n')).ok());
  EXPECT_TRUE(CheckAssetDetail("description", "").ok());
  for (const char* input : {"description", "contactName", "contactEmail"}) {
    EXPECT_TRUE(CheckAssetDetail(input, std::string(255, 'x')).ok()) << input;
    const Status refused = CheckAssetDetail(input, std::string(256, 'x'));
    EXPECT_EQ(refused.code(), "BAD_REQUEST") << input;
    EXPECT_EQ(refused.message(), std::string(input) + " must be a string of 0 to 255 characters");
  }
  EXPECT_EQ(CheckAssetDetail("name", "").message(), "name must be a string of 1 to 256 characters");
  EXPECT_EQ(CheckAssetDetail("name", std::string(257, 'n')).http_status(), 400);
  EXPECT_EQ(CheckAssetDetail("description", std::string(100000, 'd')).code(), "BAD_REQUEST");
  // Characters, not bytes: 255 three-byte characters fit, 256 do not.
  std::string cjk;
  for (int i = 0; i < 255; ++i) cjk += "\xe5\x90\x8d";
  EXPECT_TRUE(CheckAssetDetail("description", cjk).ok());
  EXPECT_FALSE(CheckAssetDetail("description", cjk + "\xe5\x90\x8d").ok());
}

TEST(DependencyRuleTest, AtMostOneHundredDependencies) {
  EXPECT_TRUE(CheckDependencyCount(0).ok());
  EXPECT_TRUE(CheckDependencyCount(kMaxDependencies).ok());
  const Status st = CheckDependencyCount(kMaxDependencies + 1);
  EXPECT_EQ(st.code(), "TOO_MANY_DEPENDENCIES");
  EXPECT_EQ(st.http_status(), 400);
  EXPECT_THAT(st.message(), HasSubstr("101"));
}

TEST(DependencyRuleTest, PublishedVersionsCannotDependOnDevelopmentVersions) {
  const std::vector<std::pair<std::string, Lifecycle>> deps = {{"g:a:1.0.0", Lifecycle::kDevelopment},
                                                               {"g:b:1.0.0", Lifecycle::kPublished},
                                                               {"g:c:1.0.0", Lifecycle::kDeprecated},
                                                               {"g:d:1.0.0", Lifecycle::kDevelopment}};
  const Status st = CheckDependencyStatuses(Lifecycle::kPublished, deps);
  EXPECT_EQ(st.code(), "DEVELOPMENT_DEPENDENCIES");
  EXPECT_EQ(st.http_status(), 400);
  EXPECT_EQ(st.errors(), (std::vector<std::string>{"g:a:1.0.0", "g:d:1.0.0"}));
  EXPECT_THAT(st.message(), HasSubstr("g:a:1.0.0, g:d:1.0.0"));
  EXPECT_TRUE(CheckDependencyStatuses(Lifecycle::kDevelopment, deps).ok());
  EXPECT_TRUE(CheckDependencyStatuses(Lifecycle::kPublished, {deps[1], deps[2]}).ok());
  EXPECT_TRUE(CheckDependencyStatuses(Lifecycle::kPublished, {}).ok());
}

}  // namespace
}  // namespace agora::assets
