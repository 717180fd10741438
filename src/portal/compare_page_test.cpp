#include "portal/compare_page.h"

#include <gtest/gtest.h>

namespace agora::portal {
namespace {

bool Contains(const std::string& html, const std::string& part) { return html.find(part) != std::string::npos; }

struct Fixture {
  Fixture() {
    for (const char* v : {"1.0.0", "1.1.0"}) {
      assets::AssetVersion version;
      version.coordinates = {"acme", "orders-api", v};
      version.name = "Orders API";
      view.versions.push_back(version);
    }
    view.shown = &view.versions.back();
    context.view = &view;
    context.version = view.shown;
    context.has_specification = true;
  }
  AssetView view;
  AssetContext context;
};

compat::Change Breaking() {
  compat::Change change;
  change.id = "request-parameter-became-required";
  change.level = compat::Level::kErr;
  change.operation = "GET /orders";
  change.message = "the query parameter <limit> became required";
  change.base = {"api.raml", 12, 7};
  change.revision = {"api.raml", 12, 7};
  return change;
}

std::string Render(const Fixture& fixture, const CompareContent& content) {
  Html html;
  RenderComparePage(html, fixture.context, content);
  return html.Take();
}

TEST(ComparePageTest, ShowsTheVerdictTheCountsAndEveryChangeEscaped) {
  Fixture fixture;
  compat::Report report;
  report.changes.push_back(Breaking());
  compat::Change added;
  added.id = "endpoint-added";
  added.level = compat::Level::kInfo;
  added.operation = "POST /orders";
  added.message = "the endpoint was added";
  added.revision = {"api.raml", 30, 3};
  report.changes.push_back(added);
  const std::string html = Render(fixture, {{"1.0.0"}, "1.0.0", &report});
  EXPECT_TRUE(Contains(html, "This version breaks clients of the base version."));
  EXPECT_TRUE(Contains(html, "1 ERR")) << html;
  EXPECT_TRUE(Contains(html, "0 WARN"));
  EXPECT_TRUE(Contains(html, "1 INFO"));
  EXPECT_TRUE(Contains(html, "<code>request-parameter-became-required</code>"));
  EXPECT_TRUE(Contains(html, "the query parameter &lt;limit&gt; became required"));
  EXPECT_FALSE(Contains(html, "<limit>"));
  EXPECT_TRUE(Contains(html, "api.raml:12:7"));
  EXPECT_TRUE(Contains(html, "<th scope=\"col\">Level</th>"));
  EXPECT_TRUE(Contains(html, "<option value=\"1.0.0\" selected=\"selected\">1.0.0</option>"));
  EXPECT_TRUE(Contains(html, "/exchange/acme/orders-api/1.1.0/compare?base=1.0.0&amp;format=markdown"));
}

TEST(ComparePageTest, SaysWhenNothingChangedOrNothingBreaks) {
  Fixture fixture;
  compat::Report none;
  EXPECT_TRUE(Contains(Render(fixture, {{"1.0.0"}, "1.0.0", &none}), "No changes to the API."));
  compat::Report safe;
  compat::Change added;
  added.id = "endpoint-added";
  added.level = compat::Level::kInfo;
  added.operation = "POST /orders";
  safe.changes.push_back(added);
  const std::string html = Render(fixture, {{"1.0.0"}, "1.0.0", &safe});
  EXPECT_TRUE(Contains(html, "Clients of the base version keep working with this version."));
  EXPECT_FALSE(Contains(html, "class=\"alert"));
}

TEST(ComparePageTest, WithoutAnEarlierVersionSaysSo) {
  Fixture fixture;
  const std::string html = Render(fixture, {});
  EXPECT_TRUE(Contains(html, "There is no earlier version with an API specification to compare 1.1.0 with."));
  EXPECT_FALSE(Contains(html, "<form"));
}

}  // namespace
}  // namespace agora::portal
