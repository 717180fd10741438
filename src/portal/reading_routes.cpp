// The reading pages: home and search (with the results region for search as you type), an asset
// version's overview, documentation pages and their images, file downloads, the API reference
// (summary, operations, types), the dependency graph and the compatibility report between versions.
#include <algorithm>

#include "assets/semver.h"
#include "compat/report_format.h"
#include "exchange/handler_support.h"
#include "portal/compare_page.h"
#include "portal/dependency_graph.h"
#include "portal/handler_support.h"
#include "portal/reference_page.h"
#include "portal/search_page.h"

namespace agora::portal {
namespace {

using server::Request;
using server::Response;

class ReadingPages {
 public:
  explicit ReadingPages(std::shared_ptr<PortalCore> core) : core_(std::move(core)) {}

  Response Home(Request& request) {
    return core_->WithSession(request, [&](const Session& session) -> Response {
      const SearchState state = SearchState::FromRequest(request);
      AGORA_ASSIGN_OR_RETURN_PAGE(auto directory, core_->catalogue.DirectoryFor(session.principal), session);
      AGORA_ASSIGN_OR_RETURN_PAGE(SearchView view, core_->catalogue.Search(session.principal, state, *directory), session);
      Html html;
      PageOptions options{state.q.empty() ? "Catalogue" : "Results for " + state.q, &session, state.q};
      for (const auto& param : state.Params())
        if (param.first != "q") options.search_fields.push_back(param);
      options.description = "Find, read and reuse the APIs and assets of your organization.";
      BeginPage(html, options);
      html.Element("p", {{"id", "search-status"}, {"class", "visually-hidden"}, {"role", "status"}}, "");
      if (const std::string gone = DeletedAsset(request.Query("deleted").value_or(""), session); !gone.empty())
        RenderOutcome(html, {"The asset " + gone + " was deleted.", "", {}});
      {
        auto region = html.Tag("div", {{"id", "search-results"}});
        RenderSearchResults(html, state, view, *directory);
      }
      EndPage(html);
      return HtmlResponse(200, html.Take());
    });
  }

  // The results region alone, for portal.js's search as you type.
  Response Results(Request& request) {
    auto session = core_->sessions.FromRequest(request);
    if (!session.ok()) return Response::Error(session.status());
    const SearchState state = SearchState::FromRequest(request);
    AGORA_ASSIGN_OR_RETURN_PAGE(auto directory, core_->catalogue.DirectoryFor(session->principal), *session);
    AGORA_ASSIGN_OR_RETURN_PAGE(SearchView view, core_->catalogue.Search(session->principal, state, *directory), *session);
    Html html;
    RenderSearchResults(html, state, view, *directory);
    return HtmlResponse(200, html.Take());
  }

  Response AssetWithoutSlash(Request& request) {
    Response response = Redirect(AssetUrl(request.Param("groupId"), request.Param("assetId")));
    response.status = 301;  // the asset's address has a trailing slash, as Exchange's does
    return response;
  }

  Response LatestVersion(Request& request) { return OverviewPage(*core_, request, ""); }
  Response MinorVersion(Request& request) { return OverviewPage(*core_, request, "minor:" + request.Param("minor")); }
  Response Version(Request& request) { return OverviewPage(*core_, request, request.Param("version")); }

  Response DocumentationPage(Request& request) {
    return core_->WithAsset(request, request.Param("version"), [&](const Session& session, AssetContext& context) {
      const std::string path = request.Param("page");
      if (std::none_of(context.pages.begin(), context.pages.end(), [&](const auto& p) { return p.path == path; }))
        return ErrorPage(Status::NotFound("This asset has no page " + path), &session);
      AGORA_ASSIGN_OR_RETURN_PAGE(std::string markdown, core_->s.portal.PageContent(*context.version, false, path), session);
      Html html;
      BeginPage(html, {PageTitle(path) + " · " + context.version->name, &session});
      BeginAssetPage(html, context, AssetSection::kPage, path);
      html.Element("h1", path == "terms" ? "Terms and conditions" : PageTitle(path));
      {
        auto doc = html.Tag("div", {{"class", "doc"}});
        html.Raw(RenderMarkdown(markdown, core_->MarkdownFor(context)));
      }
      EndAssetPage(html);
      EndPage(html);
      return HtmlResponse(200, html.Take());
    });
  }

  // An image of the published documentation, for the pages' <img> elements.
  Response DocumentationResource(Request& request) {
    return core_->WithAsset(request, request.Param("version"), [&](const Session& session, AssetContext& context) {
      return core_->DocumentationImage(request, session, *context.version, false);
    });
  }

  Response DownloadFile(Request& request) {
    return core_->WithAsset(request, request.Param("version"), [&](const Session& session, AssetContext& context) {
      const std::string classifier = request.Param("classifier") == "pom" ? "" : request.Param("classifier");
      for (const auto& file : context.version->files) {
        if (file.classifier != classifier || file.packaging != request.Param("packaging")) continue;
        Response response =
            exchange::ServeVersionFile(core_->s, request, *context.version, file, "application/octet-stream");
        Harden(response);
        return response;
      }
      return ErrorPage(Status::NotFound("This version has no such file"), &session);
    });
  }

  Response Reference(Request& request) {
    return core_->WithModel(request, [&](const Session& session, AssetContext& context, const specs::ApiModel& model) {
      Html html;
      BeginPage(html, {"API reference · " + context.version->name, &session});
      BeginAssetPage(html, context, AssetSection::kReference);
      RenderReferenceSummary(html, *context.version, model);
      EndAssetPage(html);
      EndPage(html);
      return HtmlResponse(200, html.Take());
    });
  }

  Response Operation(Request& request) {
    return core_->WithModel(request, [&](const Session& session, AssetContext& context, const specs::ApiModel& model) {
      const auto found = FindOperation(model, request.Param("operation"));
      if (!found) return ErrorPage(Status::NotFound("The API has no operation " + request.Param("operation")), &session);
      Html html;
      BeginPage(html, {OperationTitle(model, *found) + " · " + context.version->name, &session});
      BeginAssetPage(html, context, AssetSection::kReference);
      RenderOperation(html, *context.version, model, *found);
      EndAssetPage(html);
      EndPage(html);
      return HtmlResponse(200, html.Take());
    });
  }

  Response DataType(Request& request) {
    return core_->WithModel(request, [&](const Session& session, AssetContext& context, const specs::ApiModel& model) {
      const auto type = model.types.find(request.Param("type"));
      if (type == model.types.end())
        return ErrorPage(Status::NotFound("The API has no type " + request.Param("type")), &session);
      Html html;
      BeginPage(html, {type->first + " · " + context.version->name, &session});
      BeginAssetPage(html, context, AssetSection::kReference);
      RenderDataType(html, *context.version, model, type->first, type->second);
      EndAssetPage(html);
      EndPage(html);
      return HtmlResponse(200, html.Take());
    });
  }

  // The compatibility report between this version and `base` (default: the previous version),
  // as a page, or with `format` as the report file itself.
  Response Compare(Request& request) {
    return core_->WithModel(request, [&](const Session& session, AssetContext& context, const specs::ApiModel& model) {
      CompareContent content;
      std::vector<std::string> with_model;
      for (auto it = context.view->versions.rbegin(); it != context.view->versions.rend(); ++it)
        if (&*it != context.version && !it->original_format.empty()) with_model.push_back(it->coordinates.version);
      content.candidates = with_model;
      content.base = request.Query("base").value_or(
          assets::PreviousVersion(with_model, context.version->coordinates.version)
              .value_or(with_model.empty() ? "" : with_model.front()));
      std::optional<compat::Report> report;
      if (!content.base.empty()) {
        const auto base = std::find_if(context.view->versions.begin(), context.view->versions.end(),
                                       [&](const auto& v) { return v.coordinates.version == content.base; });
        if (base == context.view->versions.end() || &*base == context.version)
          return ErrorPage(Status::NotFound("This asset has no other version " + content.base), &session);
        AGORA_ASSIGN_OR_RETURN_PAGE(auto base_model, core_->catalogue.Model(*base), session);
        if (!base_model)
          return ErrorPage(Status::NotFound("Version " + content.base + " has no API specification"), &session);
        report = compat::Compare(*base_model, model);
        content.report = &*report;
      }
      if (const auto format_name = request.Query("format")) return ReportFile(*format_name, context, content, session);
      Html html;
      BeginPage(html, {"Compare versions · " + context.version->name, &session});
      BeginAssetPage(html, context, AssetSection::kCompare);
      RenderComparePage(html, context, content);
      EndAssetPage(html);
      EndPage(html);
      return HtmlResponse(200, html.Take());
    });
  }

  Response Dependencies(Request& request) {
    return core_->WithAsset(request, request.Param("version"), [&](const Session& session, AssetContext& context) {
      AGORA_ASSIGN_OR_RETURN_PAGE(DependencyGraph graph, core_->catalogue.Dependencies(session.principal, *context.version),
                                  session);
      Html html;
      BeginPage(html, {"Dependencies · " + context.version->name, &session});
      BeginAssetPage(html, context, AssetSection::kDependencies);
      RenderDependencyPage(html, graph);
      EndAssetPage(html);
      EndPage(html);
      return HtmlResponse(200, html.Take());
    });
  }

 private:
  // The home page's `deleted` query value ("group/asset") when that asset is indeed gone.
  std::string DeletedAsset(const std::string& deleted, const Session& session) {
    const size_t slash = deleted.find('/');
    if (slash == std::string::npos) return "";
    auto found = core_->catalogue.Asset(session.principal, deleted.substr(0, slash), deleted.substr(slash + 1), "");
    return !found.ok() && found.status().kind() == Status::Kind::kNotFound ? deleted : "";
  }

  // A compare page's report as a file in one of compat's formats.
  Response ReportFile(const std::string& format_name, const AssetContext& context, const CompareContent& content,
                      const Session& session) {
    const auto format = compat::ParseReportFormat(format_name);
    if (!format)
      return ErrorPage(Status::InvalidArgument("INVALID_FORMAT", "format must be text, json, markdown, html, junit or "
                                                                 "sarif, not '" + format_name + "'"),
                       &session);
    if (!content.report)
      return ErrorPage(Status::NotFound("There is no earlier version with an API specification to compare with"),
                       &session);
    assets::Coordinates base = context.version->coordinates;
    base.version = content.base;
    const compat::ReportHeading heading{base.ToString(), context.version->coordinates.ToString()};
    Response response =
        Response::Text(200, compat::RenderReport(*content.report, *format, heading), std::string(compat::MediaTypeOf(*format)));
    Harden(response);
    return response;
  }

  std::shared_ptr<PortalCore> core_;
};

}  // namespace

Response OverviewPage(PortalCore& core, Request& request, const std::string& version, const ActionOutcome& outcome) {
  return core.WithAsset(request, version, [&](const Session& session, AssetContext& context) {
    OverviewContent content;
    content.base_url = exchange::BaseUrl(core.s, request);
    content.controls = ControlsFor(session.principal, *context.version, session.csrf_token);
    content.outcome = outcome;
    if (outcome.refused.empty()) {
      content.outcome.notice = DoneNotice(request.Query("done").value_or(""), *context.version);
      if (const auto deleted = request.Query("deleted"))
        content.outcome.notice = DeletedNotice(*deleted, context.view->versions);
    }
    if (!context.pages.empty()) {
      const std::string home = context.pages.front().path;
      AGORA_ASSIGN_OR_RETURN_PAGE(std::string markdown, core.s.portal.PageContent(*context.version, false, home), session);
      content.home = RenderMarkdown(markdown, core.MarkdownFor(context));
    }
    AGORA_ASSIGN_OR_RETURN_PAGE(DependencyGraph graph, core.catalogue.Dependencies(session.principal, *context.version),
                                session);
    content.graph = &graph;
    Html html;
    PageOptions options{context.version->name, &session};
    options.description = context.version->description;
    BeginPage(html, options);
    BeginAssetPage(html, context, AssetSection::kOverview);
    RenderOverview(html, context, content);
    EndAssetPage(html);
    EndPage(html);
    return HtmlResponse(outcome.refused.empty() ? 200 : outcome.refusal.http_status(), html.Take());
  });
}

void RegisterReadingRoutes(server::Router& router, std::shared_ptr<PortalCore> core) {
  auto bind = RouteBinder(std::make_shared<ReadingPages>(std::move(core)));
  router.Add("GET", "/exchange/", bind(&ReadingPages::Home));
  router.Add("GET", "/exchange/-/results", bind(&ReadingPages::Results));
  const std::string asset = "/exchange/{groupId}/{assetId}";
  const std::string version = asset + "/{version}";
  // /exchange/api/... is the Exchange API's: a path there that no endpoint has (a trailing slash,
  // a typo) is answered in the API's JSON, not with the portal's login page.
  const server::Admission api_paths = [](server::Request& r) -> std::optional<server::Response> {
    if (r.Param("groupId") != "api") return std::nullopt;
    return server::Response::Error(Status::NotFound("No endpoint GET " + r.path()));
  };
  const std::pair<std::string, Response (ReadingPages::*)(Request&)> pages[] = {
      {asset, &ReadingPages::AssetWithoutSlash},
      {asset + "/", &ReadingPages::LatestVersion},
      {asset + "/minor/{minor}/", &ReadingPages::MinorVersion},
      {version + "/", &ReadingPages::Version},
      {version + "/pages/{page*}", &ReadingPages::DocumentationPage},
      {version + "/resources/{name*}", &ReadingPages::DocumentationResource},
      {version + "/files/{classifier}/{packaging}", &ReadingPages::DownloadFile},
      {version + "/api/", &ReadingPages::Reference},
      {version + "/api/operations/{operation*}", &ReadingPages::Operation},
      {version + "/api/types/{type*}", &ReadingPages::DataType},
      {version + "/dependencies", &ReadingPages::Dependencies},
      {version + "/compare", &ReadingPages::Compare}};
  for (const auto& [pattern, page] : pages) router.Add("GET", pattern, bind(page), api_paths);
}

}  // namespace agora::portal
