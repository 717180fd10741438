#include "portal/organization_page.h"

#include <gtest/gtest.h>

namespace agora::portal {
namespace {

bool Contains(const std::string& html, const std::string& part) { return html.find(part) != std::string::npos; }

TEST(OrganizationPageTest, TheFormDescribesADefinition) {
  const Form form = Form::Parse("kind=category&tagKey=+tier+&displayName=Support+tier&dataType=enum"
                                "&acceptedValues=gold%2C+silver&assetTypeRestrictions=rest-api%2Csoap-api")
                        .value();
  const storage::TagDefinition d = DefinitionFromForm(form, "acme");
  EXPECT_EQ(d.organization_id, "acme");
  EXPECT_EQ(d.kind, "category");
  EXPECT_EQ(d.tag_key, "tier");
  EXPECT_EQ(d.display_name, "Support tier");
  EXPECT_EQ(d.accepted_values, (std::vector<std::string>{"gold", "silver"}));
  EXPECT_EQ(d.asset_type_restrictions, (std::vector<std::string>{"rest-api", "soap-api"}));
  EXPECT_EQ(DefinitionFromForm(Form::Parse("kind=anything").value(), "acme").kind, "field");
}

TEST(OrganizationPageTest, ListsTheDefinitionsEachWithItsRemoveForm) {
  OrganizationPageState state;
  state.organization_id = "acme";
  state.organization_name = "Acme";
  state.csrf_token = "t";
  storage::TagDefinition domain;
  domain.id = "id-1";
  domain.organization_id = "acme";
  domain.kind = "category";
  domain.tag_key = "domain";
  domain.display_name = "Business domain";
  domain.data_type = "enum";
  domain.accepted_values = {"Sales", "Finance"};
  state.categories = {domain};
  Html html;
  RenderOrganizationPage(html, state);
  const std::string page = html.Take();
  EXPECT_TRUE(Contains(page, "<caption>Categories</caption>"));
  EXPECT_TRUE(Contains(page, "<td>Sales, Finance</td><td>every type</td>"));
  EXPECT_TRUE(Contains(page, "name=\"id\" value=\"id-1\""));
  EXPECT_TRUE(Contains(page, ">Remove domain</button>"));
  EXPECT_TRUE(Contains(page, "No custom fields yet."));
  EXPECT_FALSE(Contains(page, "role=\"alert\""));
  EXPECT_EQ(OrganizationNotice("defined"), "The definition was saved.");
  EXPECT_EQ(OrganizationNotice("nonsense"), "");
}

}  // namespace
}  // namespace agora::portal
