#include "portal/compare_page.h"

#include "portal/links.h"

namespace agora::portal {
namespace {

std::string Where(const specs::SourceLocation& location) {
  if (!location.known()) return "";
  return location.file + ":" + std::to_string(location.line) + ":" + std::to_string(location.column);
}

void BaseForm(Html& html, const AssetContext& context, const CompareContent& content) {
  auto form = html.Tag("form", {{"class", "compare-form"}, {"action", CompareUrl(context.version->coordinates, "")},
                                {"method", "get"}});
  html.Element("label", {{"for", "compare-base"}}, "Compare " + context.version->coordinates.version + " with");
  {
    auto select = html.Tag("select", {{"id", "compare-base"}, {"name", "base"}});
    for (const auto& version : content.candidates) {
      if (version == content.base) html.Element("option", {{"value", version}, {"selected", "selected"}}, version);
      else html.Element("option", {{"value", version}}, version);
    }
  }
  html.Element("button", {{"type", "submit"}}, "Compare");
}

void Summary(Html& html, const compat::Report& report) {
  if (report.changes.empty()) {
    html.Element("p", {{"class", "compare-verdict"}}, "No changes to the API.");
    return;
  }
  const size_t breaking = report.Count(compat::Level::kErr);
  html.Element("p", {{"class", breaking ? "alert compare-verdict" : "compare-verdict"}},
               breaking ? "This version breaks clients of the base version."
                        : "Clients of the base version keep working with this version.");
  auto counts = html.Tag("ul", {{"class", "chips compare-counts"}});
  for (const auto level : {compat::Level::kErr, compat::Level::kWarn, compat::Level::kInfo}) {
    auto item = html.Tag("li");
    html.Element("span", {{"class", "chip level-" + std::string(compat::LevelName(level))}},
                 std::to_string(report.Count(level)) + " " + std::string(compat::LevelName(level)));
  }
}

void Changes(Html& html, const compat::Report& report) {
  if (report.changes.empty()) return;
  auto scroll = html.Tag("div", {{"class", "table-scroll"}});
  auto table = html.Tag("table", {{"class", "compare-table"}});
  html.Element("caption", "Changes, most severe first");
  TableHead(html, {"Level", "Change", "Operation or component", "Description", "Base", "This version"});
  auto body = html.Tag("tbody");
  for (const auto& change : report.changes) {
    auto row = html.Tag("tr");
    const std::string level(compat::LevelName(change.level));
    {
      auto cell = html.Tag("td");
      html.Element("span", {{"class", "chip level-" + level}}, level);
    }
    {
      auto cell = html.Tag("td");
      html.Element("code", change.id);
    }
    html.Element("td", change.operation.empty() ? change.component : change.operation);
    html.Element("td", change.message);
    html.Element("td", {{"class", "location"}}, Where(change.base));
    html.Element("td", {{"class", "location"}}, Where(change.revision));
  }
}

void Downloads(Html& html, const AssetContext& context, const CompareContent& content) {
  html.Element("h2", "The report for tools");
  auto list = html.Tag("ul", {{"class", "compare-formats"}});
  for (const auto& [format, label] : std::initializer_list<std::pair<const char*, const char*>>{
           {"markdown", "Markdown"}, {"json", "JSON"}, {"html", "HTML"}, {"junit", "JUnit XML"}, {"sarif", "SARIF"}}) {
    auto item = html.Tag("li");
    html.Element("a", {{"href", CompareUrl(context.version->coordinates, content.base) + "&format=" + format}}, label);
  }
}

}  // namespace

void RenderComparePage(Html& html, const AssetContext& context, const CompareContent& content) {
  html.Element("h1", "Compare versions");
  if (content.candidates.empty() || !content.report) {
    html.Element("p", "There is no earlier version with an API specification to compare " +
                          context.version->coordinates.version + " with.");
    return;
  }
  BaseForm(html, context, content);
  html.Element("h2", content.base + " → " + context.version->coordinates.version);
  Summary(html, *content.report);
  Changes(html, *content.report);
  Downloads(html, context, content);
}

}  // namespace agora::portal
