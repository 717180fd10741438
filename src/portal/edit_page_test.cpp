#include "portal/edit_page.h"

#include <gtest/gtest.h>

namespace agora::portal {
namespace {

bool Contains(const std::string& html, const std::string& part) { return html.find(part) != std::string::npos; }

storage::TagDefinition Definition(const std::string& kind, const std::string& key, const std::string& type,
                                  std::vector<std::string> accepted = {}, std::vector<std::string> types = {}) {
  storage::TagDefinition d;
  d.kind = kind;
  d.tag_key = key;
  d.display_name = key + " label";
  d.data_type = type;
  d.accepted_values = std::move(accepted);
  d.asset_type_restrictions = std::move(types);
  return d;
}

assets::AssetVersion Version() {
  assets::AssetVersion v;
  v.coordinates = {"acme", "orders-api", "1.0.0"};
  v.organization_id = "acme";
  v.type = "rest-api";
  v.name = "Orders";
  v.description = "Takes orders";
  v.tags = {"orders", "sales"};
  v.categories = {{"domain", {"sales"}}};
  v.fields = {{"owner", {"team-a"}}};
  return v;
}

EditChoices Choices() {
  return ChoicesFor(Version(),
                    {Definition("category", "domain", "enum", {"sales", "finance"}),
                     Definition("category", "soap-only", "enum", {"x"}, {"soap-api"})},
                    {Definition("field", "owner", "text"), Definition("field", "sla", "number"),
                     Definition("field", "regions", "text-list")});
}

Form Posted(const std::string& body) { return Form::Parse(body).value(); }

TEST(EditPageTest, OnlyDefinitionsForTheVersionsTypeAreChoices) {
  const EditChoices choices = Choices();
  ASSERT_EQ(choices.categories.size(), 1u);
  EXPECT_EQ(choices.categories[0].tag_key, "domain");
  EXPECT_EQ(choices.fields.size(), 3u);
}

TEST(EditPageTest, TheEditHoldsOnlyWhatTheFormChanged) {
  const std::string shown = "&shown=category%3Adomain&shown=field%3Aowner&shown=field%3Asla&shown=field%3Aregions";
  auto unchanged = EditFromForm(
      Posted("name=Orders&description=Takes+orders&contactName=&contactEmail=&tags=sales%2C+orders"
             "&category%3Adomain=sales&field%3Aowner=team-a" + shown),
      Version(), Choices());
  EXPECT_TRUE(unchanged.empty()) << "the same values in another order change nothing";

  auto edit = EditFromForm(Posted("name=+Orders+API+&description=Takes+orders&tags=orders&category%3Adomain=sales"
                                  "&category%3Adomain=finance&field%3Aowner=&field%3Aregions=eu%2C+us" + shown),
                           Version(), Choices());
  EXPECT_EQ(edit.details.name, "Orders API") << "trimmed";
  EXPECT_FALSE(edit.details.description) << "unchanged";
  EXPECT_FALSE(edit.details.contact_name) << "not sent";
  EXPECT_EQ(edit.tags, std::vector<std::string>{"orders"});
  ASSERT_EQ(edit.tag_values.size(), 3u);
  EXPECT_EQ(edit.tag_values[0].kind, "category");
  EXPECT_EQ(edit.tag_values[0].value, (assets::TagValue{"domain", {"sales", "finance"}}));
  EXPECT_EQ(edit.tag_values[1].value, (assets::TagValue{"owner", {}})) << "emptied: removed";
  EXPECT_EQ(edit.tag_values[2].value, (assets::TagValue{"regions", {"eu", "us"}}));

  auto unticked = EditFromForm(Posted("shown=category%3Adomain"), Version(), Choices());
  ASSERT_EQ(unticked.tag_values.size(), 1u) << "every box unticked removes the category";
  EXPECT_TRUE(unticked.tag_values[0].value.values.empty());
  EXPECT_TRUE(EditFromForm(Posted("name=Orders"), Version(), Choices()).empty())
      << "a definition the form did not show is left alone";
}

TEST(EditPageTest, TheFormShowsTheCurrentValuesAndCarriesTheCsrfToken) {
  Html html;
  RenderEditPage(html, Version(), Choices(), {nullptr, {}, "tok\"en"});
  const std::string page = html.Take();
  EXPECT_TRUE(Contains(page, "<form action=\"/exchange/acme/orders-api/1.0.0/edit\" method=\"post\""));
  EXPECT_TRUE(Contains(page, "name=\"csrf\" value=\"tok&quot;en\""));
  EXPECT_TRUE(Contains(page, "id=\"edit-name\" name=\"name\" value=\"Orders\" required=\"required\""));
  EXPECT_TRUE(Contains(page, "name=\"tags\" value=\"orders, sales\""));
  EXPECT_TRUE(Contains(page, "name=\"category:domain\" value=\"sales\" checked=\"checked\""));
  EXPECT_TRUE(Contains(page, "name=\"category:domain\" value=\"finance\">"));
  EXPECT_TRUE(Contains(page, "<legend>domain label</legend>"));
  EXPECT_FALSE(Contains(page, "soap-only"));
  EXPECT_FALSE(Contains(page, "role=\"alert\""));
}

TEST(EditPageTest, ProblemsAreAnnouncedNextToTheirInputsAndWhatWasEnteredIsKept) {
  const Form entered = Posted("name=&field%3Asla=lots&shown=field%3Asla");
  Html html;
  RenderEditPage(html, Version(), Choices(),
                 {&entered,
                  {{"name", Status::InvalidArgument("BAD_REQUEST", "name must be a string of 1 to 256 characters")},
                   {"field:sla", Status::InvalidArgument("INVALID_ASSET_METADATA", "takes numbers, not 'lots'")}},
                  "t"});
  const std::string page = html.Take();
  EXPECT_TRUE(Contains(page, "role=\"alert\""));
  EXPECT_TRUE(Contains(page, "The changes were not saved."));
  EXPECT_TRUE(Contains(page, "<a href=\"#edit-name\">name must be a string of 1 to 256 characters</a>"));
  EXPECT_TRUE(Contains(page, "id=\"edit-name\" name=\"name\" value=\"\" required=\"required\" aria-invalid=\"true\" "
                             "aria-describedby=\"edit-name-problem\""));
  EXPECT_TRUE(Contains(page, "name=\"field:sla\" value=\"lots\" aria-invalid=\"true\" "
                             "aria-describedby=\"edit-field-1-hint edit-field-1-problem\""));
  EXPECT_TRUE(Contains(page, "<p class=\"field-problem\" id=\"edit-field-1-problem\">takes numbers, not &#39;lots&#39;</p>"));
}

}  // namespace
}  // namespace agora::portal
