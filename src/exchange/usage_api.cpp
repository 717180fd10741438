#include "exchange/usage_api.h"

#include <boost/json.hpp>

#include "common/ids.h"
#include "exchange/handler_support.h"
#include "publication/downloads.h"

namespace agora::exchange {
namespace {

namespace json = boost::json;
using server::Request;
using server::Response;

struct Period {
  std::string type;
  int64_t days = 7;
};

Result<Period> PeriodOf(const Request& request) {
  const std::string type = request.Query("periodType").value_or("WEEK");
  for (const auto& [name, days] : {std::pair{"DAY", 1}, std::pair{"WEEK", 7}, std::pair{"MONTH", 30}, std::pair{"QUARTER", 90}})
    if (type == name) return Period{type, days};
  return Status::InvalidArgument("BAD_REQUEST", "periodType must be DAY, WEEK, MONTH or QUARTER");
}

bool WantsCsv(const Request& request) {
  if (auto format = request.Query("format")) return *format == "csv";
  return request.Header("accept").value_or("").find("text/csv") != std::string::npos;
}

// One figure both ways: in the period (score) and since the version was published (allTime).
struct Figure {
  const char* key;
  const char* display_name;
  const char* metric_id;  // stable per key, as Exchange's clients expect an id
  int64_t score = 0, all_time = 0;
};

std::vector<Figure> Figures(const storage::VersionUsage& usage) {
  return {{"assetDownload", "Downloads", "6f3c1b9e-2d47-4a8e-9c51-7e0d2b4a8f13", usage.downloads_since, usage.downloads},
          {"assetDependent", "Dependents", "b2e8d4a1-5c93-4f6b-8a07-3d1e9f6c2b54", usage.dependents_since,
           usage.dependents}};
}

json::array FiguresJson(const storage::VersionUsage& usage) {
  json::array metrics;
  for (const auto& f : Figures(usage))
    metrics.push_back({{"metricId", f.metric_id}, {"displayName", f.display_name}, {"key", f.key},
                       {"score", f.score}, {"allTime", f.all_time}});
  return metrics;
}

std::string FiguresCsvHeader() {
  std::string header;
  for (const auto& f : Figures({})) header += std::string(",\"") + f.key + "Score\",\"" + f.key + "AllTime\"";
  return header;
}

std::string FiguresCsv(const storage::VersionUsage& usage) {
  std::string row;
  for (const auto& f : Figures(usage)) row += "," + std::to_string(f.score) + "," + std::to_string(f.all_time);
  return row;
}

std::string CsvText(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

class UsageApi {
 public:
  explicit UsageApi(ExchangeServices& s) : s_(s) {}

  Response AssetMetrics(Request& request) { return Answer(request, /*per_version=*/false); }
  Response VersionMetrics(Request& request) { return Answer(request, /*per_version=*/true); }

 private:
  Response Answer(Request& request, bool per_version) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(s_, request));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(Period period, PeriodOf(request));
    const std::string group = request.Param("groupId"), asset = request.Param("assetId");
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auto versions, ReadableVersions(s_, principal, group, asset));
    const int64_t today = publication::DayOf(NowMillis());
    const int64_t since_day = today - period.days + 1;
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auto usage, s_.metadata.GetUsage(group, asset, since_day));
    const std::string from = FormatIsoMillis(since_day * 86'400'000), to = FormatIsoMillis((today + 1) * 86'400'000);
    if (!per_version) {
      storage::VersionUsage total;
      for (const auto& u : usage) {
        total.downloads += u.downloads, total.downloads_since += u.downloads_since;
        total.dependents += u.dependents, total.dependents_since += u.dependents_since;
      }
      if (WantsCsv(request))
        return Response::Text(200, FiguresCsvHeader().substr(1) + "\n" + FiguresCsv(total).substr(1) + "\n", "text/csv");
      return JsonResponse(200, json::object{{"periodType", period.type}, {"dateFrom", from}, {"dateTo", to},
                                            {"asset", json::object{{"metrics", FiguresJson(total)}}}});
    }
    std::map<std::string, storage::VersionUsage> by_version;
    for (auto& u : usage) by_version[u.version] = u;
    if (WantsCsv(request)) {
      std::string csv = "\"version\",\"status\",\"createdDate\"" + FiguresCsvHeader() + "\n";
      for (const auto& v : versions)
        csv += CsvText(v.coordinates.version) + "," + CsvText(assets::LifecycleName(v.status)) + "," +
               CsvText(FormatIsoMillis(v.created_millis)) + FiguresCsv(by_version[v.coordinates.version]) + "\n";
      return Response::Text(200, csv, "text/csv");
    }
    json::array rows;
    for (const auto& v : versions) {
      const std::string& version = v.coordinates.version;
      rows.push_back({{"groupId", group}, {"assetId", asset}, {"version", version},
                      {"minorVersion", version.substr(0, version.find('.', version.find('.') + 1))},
                      {"name", v.name}, {"type", v.type}, {"status", assets::LifecycleName(v.status)},
                      {"createdDate", FormatIsoMillis(v.created_millis)}, {"metrics", FiguresJson(by_version[version])}});
    }
    return JsonResponse(200, json::object{{"periodType", period.type}, {"dateFrom", from}, {"dateTo", to},
                                          {"versions", std::move(rows)}});
  }

  ExchangeServices& s_;
};

}  // namespace

void RegisterUsageRoutes(server::Router& router, ExchangeServices& services) {
  auto api = std::make_shared<UsageApi>(services);
  for (const std::string v : {"v1", "v2"}) {
    const std::string base = "/exchange/api/" + v + "/assets/{groupId}/{assetId}/metrics";
    router.Add("GET", base, BindHandler(api, &UsageApi::AssetMetrics));
    router.Add("GET", base + "/versions", BindHandler(api, &UsageApi::VersionMetrics));
  }
}

}  // namespace agora::exchange
