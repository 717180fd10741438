#include <algorithm>
#include <tuple>

#include "compat/checks.h"
#include "compat/compat.h"

namespace agora::compat {

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kErr: return "ERR";
    case Level::kWarn: return "WARN";
    case Level::kInfo: return "INFO";
  }
  return "INFO";
}

std::optional<Level> ParseLevel(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "ERR" || upper == "ERROR") return Level::kErr;
  if (upper == "WARN" || upper == "WARNING") return Level::kWarn;
  if (upper == "INFO") return Level::kInfo;
  return std::nullopt;
}

size_t Report::Count(Level level) const {
  return std::count_if(changes.begin(), changes.end(), [level](const Change& c) { return c.level == level; });
}

bool Report::Reaches(Level level) const {
  return std::any_of(changes.begin(), changes.end(), [level](const Change& c) { return c.level >= level; });
}

Report Compare(const specs::ApiModel& base, const specs::ApiModel& revision, const Options& options) {
  internal::ModelIndex base_index(base), revision_index(revision);
  internal::SchemaComparer comparer(base_index, revision_index, options);
  const internal::ApiDiff diff = internal::DiffApis(comparer, options);
  Report report;
  internal::CheckContext context(diff, comparer, options, report.changes);
  internal::CheckEndpoints(context);
  internal::CheckSecurity(context);
  internal::CheckComponents(context);
  internal::CheckServices(context);
  internal::CheckParameters(context);
  internal::CheckRequestBodies(context);
  internal::CheckResponses(context);
  std::stable_sort(report.changes.begin(), report.changes.end(), [](const Change& a, const Change& b) {
    if (a.level != b.level) return a.level > b.level;
    return std::tie(a.path, a.method, a.component, a.id, a.message) < std::tie(b.path, b.method, b.component, b.id, b.message);
  });
  return report;
}

}  // namespace agora::compat
