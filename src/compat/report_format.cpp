#include "compat/report_format.h"

#include <boost/json.hpp>

#include <map>
#include <sstream>

namespace agora::compat {
namespace {

namespace json = boost::json;

std::string LocationText(const specs::SourceLocation& location) {
  if (!location.known()) return "";
  return location.file + ":" + std::to_string(location.line) + ":" + std::to_string(location.column);
}

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// What a change concerns: its operation, or its component.
std::string Subject(const Change& change) { return change.operation.empty() ? change.component : change.operation; }

std::string Summary(const Report& report) {
  const size_t total = report.changes.size();
  if (total == 0) return "no changes";
  return std::to_string(total) + " change" + (total == 1 ? "" : "s") + ": " + std::to_string(report.Count(Level::kErr)) +
         " ERR, " + std::to_string(report.Count(Level::kWarn)) + " WARN, " + std::to_string(report.Count(Level::kInfo)) +
         " INFO";
}

std::string Verdict(const Report& report) {
  if (report.Reaches(Level::kErr)) return "breaking";
  if (report.Reaches(Level::kWarn)) return "possibly breaking";
  return "compatible";
}

std::string Escape(std::string_view text, bool attribute = false) {
  std::string escaped;
  for (char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += attribute ? "&quot;" : "\""; break;
      case '\'': escaped += attribute ? "&apos;" : "'"; break;
      default:
        // XML 1.0 has no place for most control characters.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') escaped += ' ';
        else escaped += c;
    }
  }
  return escaped;
}

std::string MarkdownCell(std::string_view text) {
  std::string cell;
  for (char c : text) {
    if (c == '|') cell += "\\|";
    else if (c == '\n' || c == '\r') cell += ' ';
    else cell += c;
  }
  return cell;
}

std::string Text(const Report& report, const ReportHeading& heading) {
  std::ostringstream out;
  out << heading.base << " -> " << heading.revision << ": " << Verdict(report) << ", " << Summary(report) << "\n";
  for (const Change& change : report.changes) {
    out << "\n" << LevelName(change.level) << (change.level == Level::kErr ? "  " : " ") << change.id << "  "
        << Subject(change) << "\n      " << change.message << "\n";
    const std::string base = LocationText(change.base), revision = LocationText(change.revision);
    if (!base.empty() || !revision.empty()) {
      out << "     ";
      if (!base.empty()) out << " base " << base;
      if (!revision.empty()) out << (base.empty() ? "" : ",") << " revision " << revision;
      out << "\n";
    }
  }
  return out.str();
}

json::object ChangeJson(const Change& change) {
  json::object object{{"id", change.id}, {"level", LevelName(change.level)}, {"message", change.message}};
  if (!change.operation.empty()) {
    object["operation"] = change.operation;
    object["method"] = Upper(change.method);
    object["path"] = change.path;
  }
  if (!change.component.empty()) object["component"] = change.component;
  if (change.base.known()) object["base"] = LocationText(change.base);
  if (change.revision.known()) object["revision"] = LocationText(change.revision);
  return object;
}

std::string Json(const Report& report, const ReportHeading& heading) {
  json::array changes;
  for (const Change& change : report.changes) changes.push_back(ChangeJson(change));
  json::object object{{"base", heading.base},
                      {"revision", heading.revision},
                      {"breaking", report.Reaches(Level::kErr)},
                      {"summary", json::object{{"ERR", report.Count(Level::kErr)},
                                               {"WARN", report.Count(Level::kWarn)},
                                               {"INFO", report.Count(Level::kInfo)}}},
                      {"changes", std::move(changes)}};
  return json::serialize(object);
}

std::string Markdown(const Report& report, const ReportHeading& heading) {
  std::ostringstream out;
  out << "## Compatibility of " << MarkdownCell(heading.revision) << " with " << MarkdownCell(heading.base) << "\n\n**"
      << Verdict(report) << "**: " << Summary(report) << "\n";
  if (report.changes.empty()) return out.str();
  out << "\n| level | id | operation or component | change | base | revision |\n| --- | --- | --- | --- | --- | --- |\n";
  for (const Change& change : report.changes)
    out << "| " << LevelName(change.level) << " | `" << change.id << "` | " << MarkdownCell(Subject(change)) << " | "
        << MarkdownCell(change.message) << " | " << MarkdownCell(LocationText(change.base)) << " | "
        << MarkdownCell(LocationText(change.revision)) << " |\n";
  return out.str();
}

std::string Html(const Report& report, const ReportHeading& heading) {
  std::ostringstream out;
  const std::string title = "Compatibility of " + heading.revision + " with " + heading.base;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << Escape(title)
      << "</title>\n<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}"
         "td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}"
         ".ERR{color:#b00020;font-weight:bold}.WARN{color:#a05a00;font-weight:bold}.INFO{color:#555}"
         "code{font-size:.9em}</style></head>\n<body>\n<h1>"
      << Escape(title) << "</h1>\n<p><strong>" << Verdict(report) << "</strong>: " << Summary(report) << "</p>\n";
  if (!report.changes.empty()) {
    out << "<table>\n<tr><th>level</th><th>id</th><th>operation or component</th><th>change</th><th>base</th>"
           "<th>revision</th></tr>\n";
    for (const Change& change : report.changes) {
      const std::string_view level = LevelName(change.level);
      out << "<tr><td class=\"" << level << "\">" << level << "</td><td><code>" << Escape(change.id) << "</code></td><td>"
          << Escape(Subject(change)) << "</td><td>" << Escape(change.message) << "</td><td>"
          << Escape(LocationText(change.base)) << "</td><td>" << Escape(LocationText(change.revision)) << "</td></tr>\n";
    }
    out << "</table>\n";
  }
  out << "</body></html>\n";
  return out.str();
}

std::string Junit(const Report& report, const ReportHeading& heading) {
  size_t failures = 0;
  for (const Change& change : report.changes) failures += change.level >= heading.fail_on;
  const size_t tests = std::max<size_t>(report.changes.size(), 1);
  const std::string suite = heading.base + " -> " + heading.revision;
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"agora diff\" tests=\"" << tests
      << "\" failures=\"" << failures << "\">\n  <testsuite name=\"" << Escape(suite, true) << "\" tests=\"" << tests
      << "\" failures=\"" << failures << "\">\n";
  if (report.changes.empty()) out << "    <testcase classname=\"compatibility\" name=\"no changes\"/>\n";
  for (const Change& change : report.changes) {
    out << "    <testcase classname=\"" << Escape(Subject(change), true) << "\" name=\""
        << Escape(change.id + ": " + change.message, true) << "\"";
    if (change.level < heading.fail_on) {
      out << "/>\n";
      continue;
    }
    std::string where;
    if (change.base.known()) where += "base " + LocationText(change.base);
    if (change.revision.known()) where += (where.empty() ? "" : ", ") + std::string("revision ") + LocationText(change.revision);
    out << ">\n      <failure type=\"" << LevelName(change.level) << "\" message=\"" << Escape(change.message, true)
        << "\">" << Escape(where) << "</failure>\n    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

json::object SarifLocation(const specs::SourceLocation& location) {
  json::object region{{"startLine", std::max<uint32_t>(location.line, 1)}};
  if (location.column > 0) region["startColumn"] = location.column;
  return {{"physicalLocation", json::object{{"artifactLocation", json::object{{"uri", location.file}}},
                                            {"region", std::move(region)}}}};
}

std::string Sarif(const Report& report, const ReportHeading& heading) {
  auto level = [](Level l) { return l == Level::kErr ? "error" : l == Level::kWarn ? "warning" : "note"; };
  std::map<std::string, Level> used;
  for (const Change& change : report.changes) used.emplace(change.id, change.level);
  json::array rules;
  for (const auto& [id, rule_level] : used) {
    std::string words = id;
    for (char& c : words)
      if (c == '-') c = ' ';
    rules.push_back(json::object{{"id", id},
                                 {"shortDescription", json::object{{"text", words}}},
                                 {"defaultConfiguration", json::object{{"level", level(rule_level)}}}});
  }
  json::array results;
  for (const Change& change : report.changes) {
    json::object result{{"ruleId", change.id},
                        {"level", level(change.level)},
                        {"message", json::object{{"text", change.message + (change.operation.empty() ? "" : " (" + change.operation + ")")}}}};
    const specs::SourceLocation& at = change.revision.known() ? change.revision : change.base;
    if (at.known()) result["locations"] = json::array{SarifLocation(at)};
    if (change.revision.known() && change.base.known()) {
      json::object related = SarifLocation(change.base);
      related["id"] = 1;
      related["message"] = json::object{{"text", "in the base version"}};
      result["relatedLocations"] = json::array{std::move(related)};
    }
    results.push_back(std::move(result));
  }
  json::object run{{"tool", json::object{{"driver", json::object{{"name", "agora"},
                                                                  {"fullName", "agora diff"},
                                                                  {"rules", std::move(rules)}}}}},
                   {"automationDetails", json::object{{"description", json::object{{"text", heading.base + " -> " + heading.revision}}}}},
                   {"results", std::move(results)}};
  json::object sarif{{"version", "2.1.0"},
                     {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                     {"runs", json::array{std::move(run)}}};
  return json::serialize(sarif);
}

}  // namespace

std::optional<ReportFormat> ParseReportFormat(std::string_view name) {
  if (name == "text") return ReportFormat::kText;
  if (name == "json") return ReportFormat::kJson;
  if (name == "markdown" || name == "md") return ReportFormat::kMarkdown;
  if (name == "html") return ReportFormat::kHtml;
  if (name == "junit") return ReportFormat::kJunit;
  if (name == "sarif") return ReportFormat::kSarif;
  return std::nullopt;
}

std::string_view MediaTypeOf(ReportFormat format) {
  switch (format) {
    case ReportFormat::kText: return "text/plain; charset=utf-8";
    case ReportFormat::kJson: return "application/json";
    case ReportFormat::kMarkdown: return "text/markdown; charset=utf-8";
    case ReportFormat::kHtml: return "text/html; charset=utf-8";
    case ReportFormat::kJunit: return "application/xml";
    case ReportFormat::kSarif: return "application/sarif+json";
  }
  return "text/plain";
}

std::string RenderReport(const Report& report, ReportFormat format, const ReportHeading& heading) {
  switch (format) {
    case ReportFormat::kText: return Text(report, heading);
    case ReportFormat::kJson: return Json(report, heading);
    case ReportFormat::kMarkdown: return Markdown(report, heading);
    case ReportFormat::kHtml: return Html(report, heading);
    case ReportFormat::kJunit: return Junit(report, heading);
    case ReportFormat::kSarif: return Sarif(report, heading);
  }
  return "";
}

}  // namespace agora::compat
