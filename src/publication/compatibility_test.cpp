#include "publication/compatibility.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/ids.h"

namespace agora::publication {
namespace {

namespace fs = std::filesystem;

// Which rule is in force, over a real embedded store: root organisation, a business group and a
// team inside it.
class EffectiveRuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("agora-compatibility-" + NewUuid());
    fs::create_directories(dir_);
    auto metadata = storage::OpenSqliteMetadataStore((dir_ / "agora.db").string());
    ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
    metadata_ = std::move(metadata).value();
    ASSERT_TRUE(metadata_->CreateOrganization({"root", "root", "", NowMillis()}).ok());
    ASSERT_TRUE(metadata_->CreateOrganization({"group", "group", "root", NowMillis()}).ok());
    ASSERT_TRUE(metadata_->CreateOrganization({"team", "team", "group", NowMillis()}).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  RuleInForce InForce(const std::string& organization_id) {
    auto rule = EffectiveRule(*metadata_, organization_id, "g", "a");
    EXPECT_TRUE(rule.ok()) << rule.status().ToString();
    return rule.ok() ? *rule : RuleInForce{};
  }

  void Set(const std::string& scope, const std::string& rule) {
    ASSERT_TRUE(metadata_->SetCompatibilityRule(scope, rule).ok());
  }

  fs::path dir_;
  std::unique_ptr<storage::MetadataStore> metadata_;
};

TEST_F(EffectiveRuleTest, NoRuleAnywhereIsNone) {
  const RuleInForce rule = InForce("team");
  EXPECT_EQ(rule.rule, CompatibilityRule::kNone);
  EXPECT_EQ(rule.source, "default");
}

TEST_F(EffectiveRuleTest, TheNearestOrganisationWithARuleDecides) {
  Set(OrganizationRuleScope("root"), "BACKWARD_TRANSITIVE");
  EXPECT_EQ(InForce("team").rule, CompatibilityRule::kBackwardTransitive);
  EXPECT_EQ(InForce("team").source, "organization:root");
  Set(OrganizationRuleScope("group"), "NONE");
  EXPECT_EQ(InForce("team").rule, CompatibilityRule::kNone) << "a business group may relax its parent's rule";
  EXPECT_EQ(InForce("team").source, "organization:group");
  EXPECT_EQ(InForce("root").rule, CompatibilityRule::kBackwardTransitive) << "a parent never inherits a child's rule";
}

TEST_F(EffectiveRuleTest, TheAssetsOwnRuleComesFirst) {
  Set(OrganizationRuleScope("team"), "BACKWARD_TRANSITIVE");
  Set(AssetRuleScope("g", "a"), "BACKWARD");
  EXPECT_EQ(InForce("team").rule, CompatibilityRule::kBackward);
  EXPECT_EQ(InForce("team").source, "asset");
  Set(AssetRuleScope("g", "a"), "");
  EXPECT_EQ(InForce("team").source, "organization:team") << "removing the asset's rule inherits again";
}

TEST_F(EffectiveRuleTest, AnUnknownOrganisationHasTheDefault) {
  EXPECT_EQ(InForce("nobody").source, "default");
}

TEST_F(EffectiveRuleTest, AStoredValueThatIsNoRuleIsCorruptionNotASilentNone) {
  Set(OrganizationRuleScope("group"), "SIDEWAYS");
  auto rule = EffectiveRule(*metadata_, "team", "g", "a");
  ASSERT_FALSE(rule.ok());
  EXPECT_EQ(rule.status().kind(), Status::Kind::kCorruption);
}

// The new version's model is read only to be compared: under NONE, or with no earlier version
// of the major, a model that cannot be read is never touched (reading it was half the CPU of a
// publication under the default rule).
TEST_F(EffectiveRuleTest, TheNewModelIsReadOnlyWhenThereIsAVersionToCompareWith) {
  const std::string unreadable = "{not a model";
  auto none = CheckCompatibility(*metadata_, "team", {"g", "a", "1.1.0"}, unreadable, /*always_report=*/false);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->reports.empty());

  Set(AssetRuleScope("g", "a"), "BACKWARD");
  auto first = CheckCompatibility(*metadata_, "team", {"g", "a", "1.0.0"}, unreadable, /*always_report=*/false);
  ASSERT_TRUE(first.ok()) << "a new major compares nothing: " << first.status().ToString();

  assets::AssetVersion v;
  v.organization_id = "team";
  v.coordinates = {"g", "a", "1.0.0"};
  v.type = "rest-api";
  v.name = "a";
  v.api_model = specs::ApiModel{}.ToJson();
  v.created_millis = v.updated_millis = NowMillis();
  ASSERT_TRUE(metadata_->PutVersion(v).ok());
  EXPECT_FALSE(CheckCompatibility(*metadata_, "team", {"g", "a", "1.1.0"}, unreadable, false).ok())
      << "with a version to compare with, the model is read";
  auto compared = CheckCompatibility(*metadata_, "team", {"g", "a", "1.1.0"}, v.api_model, false);
  ASSERT_TRUE(compared.ok()) << compared.status().ToString();
  EXPECT_EQ(compared->reports.size(), 1u);
  EXPECT_FALSE(compared->Refused());
}

TEST(CompatibilityRuleTest, NamesParseExactlyAndRoundTrip) {
  for (auto rule : {CompatibilityRule::kNone, CompatibilityRule::kBackward, CompatibilityRule::kBackwardTransitive})
    EXPECT_EQ(ParseCompatibilityRule(CompatibilityRuleName(rule)), rule);
  EXPECT_FALSE(ParseCompatibilityRule("backward"));
  EXPECT_FALSE(ParseCompatibilityRule(""));
  EXPECT_FALSE(ParseCompatibilityRule("BACKWARD "));
}

}  // namespace
}  // namespace agora::publication
