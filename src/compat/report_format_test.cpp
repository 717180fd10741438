#include "compat/report_format.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <pugixml.hpp>

namespace agora::compat {
namespace {

namespace json = boost::json;

Report Sample() {
  Report report;
  Change removed;
  removed.id = "api-removed-without-deprecation";
  removed.level = Level::kErr;
  removed.operation = "DELETE /pets/{id}";
  removed.method = "delete";
  removed.path = "/pets/{id}";
  removed.message = "Api removed without deprecation: a | pipe <script>alert(1)</script> & \"quotes\"";
  removed.base = {"api.yaml", 12, 5};
  Change required;
  required.id = "request-parameter-became-required";
  required.level = Level::kErr;
  required.operation = "GET /pets";
  required.method = "get";
  required.path = "/pets";
  required.message = "Request parameter became required: query parameter 'limit'";
  required.base = {"api.yaml", 7, 9};
  required.revision = {"api.yaml", 7, 9};
  Change warned;
  warned.id = "request-parameter-removed";
  warned.level = Level::kWarn;
  warned.operation = "GET /pets";
  warned.method = "get";
  warned.path = "/pets";
  warned.message = "Request parameter removed: query parameter 'sort'";
  warned.base = {"api.yaml", 8, 9};
  Change added;
  added.id = "api-security-component-added";
  added.level = Level::kInfo;
  added.component = "securitySchemes";
  added.message = "Api security component added: 'oauth'";
  added.revision = {"api.yaml", 40, 5};
  report.changes = {removed, required, warned, added};
  return report;
}

const ReportHeading kHeading{"shop:pets:1.0.0", "shop:pets:1.1.0", Level::kWarn};

TEST(ReportFormatTest, FormatNamesParse) {
  EXPECT_EQ(ParseReportFormat("md"), ReportFormat::kMarkdown);
  EXPECT_EQ(ParseReportFormat("sarif"), ReportFormat::kSarif);
  EXPECT_FALSE(ParseReportFormat("pdf"));
  EXPECT_EQ(MediaTypeOf(ReportFormat::kJson), "application/json");
}

TEST(ReportFormatTest, TextListsEveryChangeWithItsLocations) {
  const std::string text = RenderReport(Sample(), ReportFormat::kText, kHeading);
  EXPECT_NE(text.find("shop:pets:1.0.0 -> shop:pets:1.1.0: breaking, 4 changes: 2 ERR, 1 WARN, 1 INFO"), std::string::npos) << text;
  EXPECT_NE(text.find("ERR  request-parameter-became-required  GET /pets"), std::string::npos) << text;
  EXPECT_NE(text.find("base api.yaml:7:9, revision api.yaml:7:9"), std::string::npos) << text;
  EXPECT_NE(text.find("INFO api-security-component-added  securitySchemes"), std::string::npos) << text;
  EXPECT_NE(RenderReport(Report{}, ReportFormat::kText, kHeading).find("compatible, no changes"), std::string::npos);
}

TEST(ReportFormatTest, JsonCarriesTheVerdictCountsAndEveryField) {
  const json::value value = json::parse(RenderReport(Sample(), ReportFormat::kJson, kHeading));
  EXPECT_EQ(value.at("base"), "shop:pets:1.0.0");
  EXPECT_EQ(value.at("breaking"), true);
  EXPECT_EQ(value.at("summary").at("ERR"), 2);
  EXPECT_EQ(value.at("summary").at("WARN"), 1);
  const json::array& changes = value.at("changes").as_array();
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[1].at("id"), "request-parameter-became-required");
  EXPECT_EQ(changes[1].at("method"), "GET");
  EXPECT_EQ(changes[1].at("path"), "/pets");
  EXPECT_EQ(changes[1].at("base"), "api.yaml:7:9");
  EXPECT_EQ(changes[0].as_object().count("revision"), 0u) << "a removed operation has no revision location";
  EXPECT_EQ(changes[3].at("component"), "securitySchemes");
}

TEST(ReportFormatTest, MarkdownEscapesCellsAndHtmlEscapesMarkup) {
  const std::string markdown = RenderReport(Sample(), ReportFormat::kMarkdown, kHeading);
  EXPECT_NE(markdown.find("a \\| pipe"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("| ERR | `api-removed-without-deprecation` | DELETE /pets/{id} |"), std::string::npos) << markdown;
  const std::string html = RenderReport(Sample(), ReportFormat::kHtml, kHeading);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("http"), std::string::npos) << "a standalone page loads nothing";
}

TEST(ReportFormatTest, JunitFailsTheChangesAtTheThreshold) {
  pugi::xml_document xml;
  ASSERT_TRUE(xml.load_string(RenderReport(Sample(), ReportFormat::kJunit, kHeading).c_str()));
  const pugi::xml_node suite = xml.child("testsuites").child("testsuite");
  EXPECT_STREQ(suite.attribute("tests").value(), "4");
  EXPECT_STREQ(suite.attribute("failures").value(), "3") << "ERR and WARN fail at --fail-on WARN";
  size_t failures = 0;
  for (pugi::xml_node testcase : suite.children("testcase")) failures += !testcase.child("failure").empty();
  EXPECT_EQ(failures, 3u);
  EXPECT_NE(std::string(suite.first_child().attribute("name").value()).find("<script>"), std::string::npos)
      << "attributes round-trip through XML escaping";
  pugi::xml_document empty;
  ASSERT_TRUE(empty.load_string(RenderReport(Report{}, ReportFormat::kJunit, kHeading).c_str()));
  EXPECT_STREQ(empty.child("testsuites").attribute("failures").value(), "0");
}

TEST(ReportFormatTest, SarifHasRulesResultsAndLocations) {
  const json::value sarif = json::parse(RenderReport(Sample(), ReportFormat::kSarif, kHeading));
  EXPECT_EQ(sarif.at("version"), "2.1.0");
  const json::value& run = sarif.at("runs").at(0);
  EXPECT_EQ(run.at("tool").at("driver").at("name"), "agora");
  EXPECT_EQ(run.at("tool").at("driver").at("rules").as_array().size(), 4u);
  const json::array& results = run.at("results").as_array();
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[1].at("level"), "error");
  EXPECT_EQ(results[2].at("level"), "warning");
  EXPECT_EQ(results[3].at("level"), "note");
  const json::value& region = results[1].at("locations").at(0).at("physicalLocation").at("region");
  EXPECT_EQ(region.at("startLine"), 7);
  EXPECT_EQ(region.at("startColumn"), 9);
  EXPECT_EQ(results[1].at("relatedLocations").at(0).at("message").at("text"), "in the base version");
  EXPECT_EQ(results[0].at("locations").at(0).at("physicalLocation").at("artifactLocation").at("uri"), "api.yaml")
      << "a removal points at the base";
}

}  // namespace
}  // namespace agora::compat
