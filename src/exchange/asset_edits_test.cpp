#include "exchange/asset_edits.h"

#include <gtest/gtest.h>

namespace agora::exchange {
namespace {

TEST(AssetEditsTest, EveryProblemIsNamedByItsInput) {
  assets::AssetVersion version;
  version.type = "rest-api";
  storage::TagDefinition domain;
  domain.kind = "category";
  domain.tag_key = "domain";
  domain.data_type = "enum";
  domain.accepted_values = {"sales"};
  AssetEdit edit;
  edit.details.name = "";
  edit.details.description = std::string(256, 'd');
  edit.details.contact_email = "team@example.com";
  edit.tags = std::vector<std::string>{"ok", ""};
  edit.tag_values = {{"category", {"domain", {"finance"}}}, {"field", {"undefined", {"x"}}},
                     {"category", {"domain", {"sales"}}}};
  const auto problems = CheckAssetEdit(version, edit, {domain});
  std::vector<std::string> inputs;
  for (const auto& p : problems) inputs.push_back(p.input);
  EXPECT_EQ(inputs, (std::vector<std::string>{"name", "description", "tags", "category:domain", "field:undefined"}));
  EXPECT_EQ(problems[0].status.code(), "BAD_REQUEST");
  EXPECT_EQ(problems[0].status.message(), "name must be a string of 1 to 256 characters");
  EXPECT_EQ(problems[3].status.code(), "INVALID_ASSET_METADATA");

  AssetEdit fine;
  fine.details.name = std::string(256, 'n');
  fine.tag_values = {{"category", {"domain", {}}}};
  EXPECT_TRUE(CheckAssetEdit(version, fine, {domain}).empty());
}

}  // namespace
}  // namespace agora::exchange
