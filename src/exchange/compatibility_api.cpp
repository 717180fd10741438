#include "exchange/compatibility_api.h"

#include <algorithm>

#include "assets/semver.h"
#include "compat/report_format.h"
#include "exchange/handler_support.h"

namespace agora::exchange {
namespace json = boost::json;
using server::Request;
using server::Response;

namespace {

class Api {
 public:
  explicit Api(ExchangeServices& s) : s_(s) {}

  // The report between the path's version (the revision) and `base` (default: the highest
  // earlier version), in `format` (json by default).
  Response Report(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(s_, request));
    const assets::Coordinates revision = CoordinatesOf(request);
    if (auto readable = ReadableVersion(s_, principal, revision); !readable.ok()) return Response::Error(readable.status());
    const std::string format_name = request.Query("format").value_or("json");
    const auto format = compat::ParseReportFormat(format_name);
    if (!format)
      return Response::Error(Status::InvalidArgument(
          "INVALID_FORMAT", "format must be text, json, markdown, html, junit or sarif, not '" + format_name + "'"));
    assets::Coordinates base = revision;
    if (const auto named = request.Query("base")) {
      base.version = *named;
    } else {
      AGORA_ASSIGN_OR_RETURN_RESPONSE(base.version, PreviousVersion(revision));
    }
    if (auto readable = ReadableVersion(s_, principal, base); !readable.ok()) return Response::Error(readable.status());
    AGORA_ASSIGN_OR_RETURN_RESPONSE(specs::ApiModel base_model, StoredModel(base));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(specs::ApiModel revision_model, StoredModel(revision));
    const compat::Report report = compat::Compare(base_model, revision_model);
    const compat::ReportHeading heading{base.ToString(), revision.ToString()};
    return Response::Text(200, compat::RenderReport(report, *format, heading), std::string(compat::MediaTypeOf(*format)));
  }

 private:
  // The highest version of the asset below `revision` (SemVer precedence).
  Result<std::string> PreviousVersion(const assets::Coordinates& revision) {
    AGORA_ASSIGN_OR_RETURN(auto summaries, s_.metadata.ListVersionSummaries(revision.group_id, revision.asset_id));
    const auto current = assets::ParseSemVer(revision.version);
    std::optional<assets::SemVer> best;
    std::string best_text;
    for (const auto& summary : summaries) {
      const auto parsed = assets::ParseSemVer(summary.version);
      if (!parsed || !current || assets::CompareSemVer(*parsed, *current) >= 0) continue;
      if (!best || assets::CompareSemVer(*parsed, *best) > 0) {
        best = parsed;
        best_text = summary.version;
      }
    }
    if (!best) return Status::NotFound("Asset " + revision.ToString() + " has no earlier version to compare with");
    return best_text;
  }

  Result<specs::ApiModel> StoredModel(const assets::Coordinates& coordinates) {
    AGORA_ASSIGN_OR_RETURN(std::string json, s_.metadata.GetApiModel(coordinates));
    if (json.empty()) return Status::NotFound("Asset " + coordinates.ToString() + " has no API specification", "NO_API_MODEL");
    return specs::ApiModel::FromJson(json);
  }

  ExchangeServices& s_;
};

}  // namespace

void RegisterCompatibilityRoutes(server::Router& router, ExchangeServices& services) {
  auto api = std::make_shared<Api>(services);
  auto bind = [api](Response (Api::*method)(Request&)) { return BindHandler(api, method); };
  for (const std::string v : {"v1", "v2"}) {
    const std::string base = "/exchange/api/" + v;
    router.Add("GET", base + "/assets/{groupId}/{assetId}/{version}/compatibility", bind(&Api::Report));
  }
}

}  // namespace agora::exchange
