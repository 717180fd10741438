// A compatibility report written out for people and tools: text for a terminal, JSON (the API's
// and the publication refusal's format, docs/compatibility.md), Markdown for a pull request,
// a standalone HTML page, JUnit XML and SARIF 2.1.0 for CI systems.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "compat/compat.h"

namespace agora::compat {

enum class ReportFormat { kText, kJson, kMarkdown, kHtml, kJunit, kSarif };

// "text", "json", "markdown" (or "md"), "html", "junit", "sarif"; nullopt otherwise.
std::optional<ReportFormat> ParseReportFormat(std::string_view name);
// The media type of a format's output.
std::string_view MediaTypeOf(ReportFormat format);

struct ReportHeading {
  std::string base;      // what the base version is: a file, or group:asset:version
  std::string revision;  // the same for the revision
  // JUnit: changes at this level or above are failures; SARIF and text are not affected.
  Level fail_on = Level::kErr;
};

std::string RenderReport(const Report& report, ReportFormat format, const ReportHeading& heading);

}  // namespace agora::compat
