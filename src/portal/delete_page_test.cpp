#include "portal/delete_page.h"

#include <gtest/gtest.h>

namespace agora::portal {
namespace {

bool Contains(const std::string& html, const std::string& part) { return html.find(part) != std::string::npos; }

assets::AssetVersion Version(assets::Lifecycle status, const std::string& number = "1.0.0") {
  assets::AssetVersion version;
  version.coordinates = {"acme", "orders-api", number};
  version.organization_id = "acme";
  version.name = "Orders";
  version.status = status;
  return version;
}

ManageControls Admin() {
  ManageControls controls;
  controls.may_delete = true;
  controls.csrf_token = "t";
  return controls;
}

TEST(DeletePageTest, OffersSoftOrHardAndTheWholeAssetBehindItsId) {
  const auto stable = Version(assets::Lifecycle::kPublished);
  Html html;
  RenderDeletePage(html, stable, {{}, {}, {stable, Version(assets::Lifecycle::kPublished, "2.0.0")}}, Admin());
  const std::string page = html.Take();
  EXPECT_TRUE(Contains(page, "id=\"version-type-soft\" name=\"type\" value=\"soft\" checked=\"checked\""));
  EXPECT_TRUE(Contains(page, "id=\"version-type-hard\" name=\"type\" value=\"hard\">"));
  EXPECT_TRUE(Contains(page, "Orders has 2 versions: 1.0.0, 2.0.0."));
  EXPECT_TRUE(Contains(page, "name=\"what\" value=\"asset\""));
  EXPECT_TRUE(Contains(page, "<label for=\"confirm-asset\">To confirm, type the asset&#39;s id, orders-api</label>"));

  Html development;
  const auto draft = Version(assets::Lifecycle::kDevelopment);
  RenderDeletePage(development, draft, {{}, {{"acme", "reports", "1.0.0"}}, {draft}}, Admin());
  EXPECT_FALSE(Contains(development.str(), "version-type-soft")) << "a development version always goes for good";
  EXPECT_TRUE(Contains(development.str(), "The asset cannot be deleted: 1 version depends on it."));
  EXPECT_TRUE(Contains(development.str(), "href=\"/exchange/acme/reports/1.0.0/\""));
  EXPECT_FALSE(Contains(development.str(), "name=\"confirm\"")) << "no form while others depend on it";
}

TEST(DeletePageTest, TheFormSaysWhatToDelete) {
  const auto version = Version(assets::Lifecycle::kPublished);
  auto read = [&](const std::string& body) { return ReadDeleteForm(Form::Parse(body).value(), version); };
  EXPECT_TRUE(read("").value().soft);
  EXPECT_FALSE(read("").value().whole_asset);
  EXPECT_FALSE(read("type=hard").value().soft);
  EXPECT_EQ(read("type=purge").status().code(), "INVALID_DELETE_TYPE");
  EXPECT_EQ(read("what=everything").status().code(), "BAD_REQUEST");
  EXPECT_EQ(read("what=asset&confirm=Orders").status().code(), "CONFIRMATION_MISMATCH");
  EXPECT_TRUE(read("what=asset&confirm=orders-api").value().whole_asset);
}

}  // namespace
}  // namespace agora::portal
