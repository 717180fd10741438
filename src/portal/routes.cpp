// The portal's handlers: each turns the request's session into a principal (or sends the visitor
// to the sign-in page), reads what the page shows through the Catalogue, and renders it.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "assets/semver.h"
#include "compat/report_format.h"
#include "exchange/handler_support.h"
#include "exchange/publication_form.h"
#include "exchange/tag_definitions.h"
#include "portal/asset_page.h"
#include "portal/catalogue.h"
#include "portal/compare_page.h"
#include "portal/delete_page.h"
#include "portal/dependency_graph.h"
#include "portal/edit_page.h"
#include "portal/form.h"
#include "portal/links.h"
#include "portal/manage_page.h"
#include "portal/markdown.h"
#include "portal/page.h"
#include "portal/organization_page.h"
#include "portal/portal.h"
#include "portal/publish_page.h"
#include "portal/publish_upload.h"
#include "portal/reference_page.h"
#include "portal/search_page.h"
#include "portal/session.h"
#include "portal/static_files.h"

// Like AGORA_ASSIGN_OR_RETURN, answering an error page for the session.
#define AGORA_ASSIGN_OR_RETURN_PAGE(lhs, expr, session) \
  AGORA_ASSIGN_OR_RETURN_PAGE_IMPL(AGORA_CONCAT(agora_page_, __LINE__), lhs, expr, session)
#define AGORA_ASSIGN_OR_RETURN_PAGE_IMPL(tmp, lhs, expr, session) \
  auto tmp = (expr);                                              \
  if (!tmp.ok()) return ErrorPage(tmp.status(), &(session));      \
  lhs = std::move(tmp).value()

namespace agora::portal {
namespace {

using server::Request;
using server::Response;

constexpr size_t kMaxFormBytes = 64 * 1024;

double ThreadCpuMillis() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

// Where to go after signing in: a portal page of this server, never another site.
std::string SafeNext(const std::string& next) {
  if (next.rfind("/exchange/", 0) != 0 || next.find('\\') != std::string::npos) return "/exchange/";
  for (char c : next)
    if (static_cast<unsigned char>(c) < 0x20) return "/exchange/";
  return next;
}

class Portal {
 public:
  Portal(exchange::ExchangeServices& services, PortalOptions options)
      : s_(services),
        sessions_(services.authenticator, services.accounts, std::move(options.session_key),
                  services.public_url.rfind("https://", 0) == 0),
        catalogue_(services) {}

  Response Static(Request& request) {
    const StaticFile* file = FindStaticFile(request.Param("file"));
    if (!file) return ErrorPage(Status::NotFound("No such file"), nullptr);
    Response response;
    if (const auto etag = request.Header("if-none-match"); etag && *etag == file->etag) {
      response.status = 304;
    } else {
      response.body = std::string(file->content);
      response.SetHeader("Content-Type", std::string(file->content_type));
    }
    response.SetHeader("ETag", std::string(file->etag));
    // The name changes with the content, so a copy never needs checking again.
    response.SetHeader("Cache-Control", "public, max-age=31536000, immutable");
    AddSecurityHeaders(response);
    return response;
  }

  Response SignInPage(Request& request) {
    if (sessions_.FromRequest(request).ok()) return Redirect(SafeNext(request.Query("next").value_or("")));
    return SignInForm(200, "", request.Query("next").value_or(""), "");
  }

  Response SignIn(Request& request) {
    if (!Sessions::SameOrigin(request))
      return ErrorPage(Status::Forbidden("Sign in from agora's own sign-in page"), nullptr);
    auto fields = Form::FromRequest(request, kMaxFormBytes);
    if (!fields.ok()) return ErrorPage(fields.status(), nullptr);
    const std::string username = (*fields)["username"], next = (*fields)["next"];
    auto cookie = sessions_.SignIn(request, username, (*fields)["password"]);
    if (!cookie.ok()) {
      if (cookie.status().kind() == Status::Kind::kUnauthorized || cookie.status().kind() == Status::Kind::kInvalidArgument)
        return SignInForm(200, username, next, "The username or password is not right.");
      return ErrorPage(cookie.status(), nullptr);
    }
    Response response = Redirect(SafeNext(next));
    response.SetHeader("Set-Cookie", *cookie);
    return response;
  }

  Response SignOut(Request& request) {
    auto session = sessions_.FromRequest(request);
    if (!session.ok()) {
      Response response = Redirect("/exchange/-/login");
      response.SetHeader("Set-Cookie", sessions_.ClearCookie(request));
      return response;
    }
    auto fields = CheckedForm(request, *session);
    if (!fields.ok()) return ErrorPage(fields.status(), &*session);
    auto cookie = sessions_.SignOut(request, *session);
    if (!cookie.ok()) return ErrorPage(cookie.status(), &*session);
    Response response = Redirect("/exchange/-/login");
    response.SetHeader("Set-Cookie", *cookie);
    return response;
  }

  Response Home(Request& request) {
    return WithSession(request, [&](const Session& session) -> Response {
      const SearchState state = SearchState::FromRequest(request);
      AGORA_ASSIGN_OR_RETURN_PAGE(auto directory, catalogue_.DirectoryFor(session.principal), session);
      AGORA_ASSIGN_OR_RETURN_PAGE(SearchView view, catalogue_.Search(session.principal, state, *directory), session);
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
    auto session = sessions_.FromRequest(request);
    if (!session.ok()) return Response::Error(session.status());
    const SearchState state = SearchState::FromRequest(request);
    AGORA_ASSIGN_OR_RETURN_PAGE(auto directory, catalogue_.DirectoryFor(session->principal), *session);
    AGORA_ASSIGN_OR_RETURN_PAGE(SearchView view, catalogue_.Search(session->principal, state, *directory), *session);
    Html html;
    RenderSearchResults(html, state, view, *directory);
    return HtmlResponse(200, html.Take());
  }

  Response AssetWithoutSlash(Request& request) {
    Response response = Redirect(AssetUrl(request.Param("groupId"), request.Param("assetId")));
    response.status = 301;  // the asset's address has a trailing slash, as Exchange's does
    return response;
  }

  Response LatestVersion(Request& request) { return Overview(request, ""); }
  Response MinorVersion(Request& request) { return Overview(request, "minor:" + request.Param("minor")); }
  Response Version(Request& request) { return Overview(request, request.Param("version")); }

  Response DocumentationPage(Request& request) {
    return WithAsset(request, request.Param("version"), [&](const Session& session, AssetContext& context) {
      const std::string path = request.Param("page");
      if (std::none_of(context.pages.begin(), context.pages.end(), [&](const auto& p) { return p.path == path; }))
        return ErrorPage(Status::NotFound("This asset has no page " + path), &session);
      AGORA_ASSIGN_OR_RETURN_PAGE(std::string markdown, s_.portal.PageContent(*context.version, false, path), session);
      Html html;
      BeginPage(html, {PageTitle(path) + " · " + context.version->name, &session});
      BeginAssetPage(html, context, AssetSection::kPage, path);
      html.Element("h1", path == "terms" ? "Terms and conditions" : PageTitle(path));
      {
        auto doc = html.Tag("div", {{"class", "doc"}});
        html.Raw(RenderMarkdown(markdown, MarkdownFor(context)));
      }
      EndAssetPage(html);
      EndPage(html);
      return HtmlResponse(200, html.Take());
    });
  }

  // An image of the published documentation, for the pages' <img> elements.
  Response DocumentationResource(Request& request) {
    return WithAsset(request, request.Param("version"), [&](const Session& session, AssetContext& context) {
      AGORA_ASSIGN_OR_RETURN_PAGE(
          storage::PortalResource resource,
          s_.portal.Resource(*context.version, false, "resources/" + request.Param("name")), session);
      AGORA_ASSIGN_OR_RETURN_PAGE(uint64_t size, s_.blobs.Size(resource.sha256), session);
      Response response =
          exchange::ServeBlob(s_.blobs, request, resource.sha256, size, resource.media_type, request.Param("name"));
      response.SetHeader("Content-Disposition", "inline");
      Harden(response);
      return response;
    });
  }

  Response DownloadFile(Request& request) {
    return WithAsset(request, request.Param("version"), [&](const Session& session, AssetContext& context) {
      const std::string classifier = request.Param("classifier") == "pom" ? "" : request.Param("classifier");
      for (const auto& file : context.version->files) {
        if (file.classifier != classifier || file.packaging != request.Param("packaging")) continue;
        Response response =
            exchange::ServeVersionFile(s_, request, *context.version, file, "application/octet-stream");
        Harden(response);
        return response;
      }
      return ErrorPage(Status::NotFound("This version has no such file"), &session);
    });
  }

  Response Reference(Request& request) {
    return WithModel(request, [&](const Session& session, AssetContext& context, const specs::ApiModel& model) {
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
    return WithModel(request, [&](const Session& session, AssetContext& context, const specs::ApiModel& model) {
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
    return WithModel(request, [&](const Session& session, AssetContext& context, const specs::ApiModel& model) {
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
    return WithModel(request, [&](const Session& session, AssetContext& context, const specs::ApiModel& model) {
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
        AGORA_ASSIGN_OR_RETURN_PAGE(auto base_model, catalogue_.Model(*base), session);
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

  // POST .../{version}/status: promote, deprecate or undeprecate, as PUT .../status does.
  Response ChangeStatus(Request& request) {
    return WithForm(request, [&](const Session& session, const Form& fields) -> Response {
      const auto to = assets::ParseLifecycle(fields["status"]);
      if (!to || *to == assets::Lifecycle::kDevelopment)
        return ErrorPage(Status::InvalidArgument("INVALID_STATUS", "status must be published or deprecated"), &session);
      const std::string version = request.Param("version");
      AGORA_ASSIGN_OR_RETURN_PAGE(
          AssetView view, catalogue_.Asset(session.principal, request.Param("groupId"), request.Param("assetId"), version),
          session);
      const assets::Lifecycle from = view.shown->status;
      const Status changed = exchange::ChangeVersionStatus(s_, session.principal, *view.shown, *to);
      if (!changed.ok()) {
        const StatusChange change = DescribeStatusChange(from, *to);
        return Overview(request, version, {"", std::string(change.doing) + " version " + version, changed});
      }
      const char* done = from == assets::Lifecycle::kDevelopment ? "published"
                         : *to == assets::Lifecycle::kDeprecated ? "deprecated"
                                                                 : "undeprecated";
      return Redirect(VersionUrl(view.shown->coordinates) + "?done=" + done);
    });
  }

  // GET .../{version}/delete: what depends on the version, then the button (for those who may delete).
  Response DeletePage(Request& request) { return DeleteConfirmation(request, {}); }

  // POST .../{version}/delete: the version, or with what=asset the whole asset, soft or hard, as
  // DELETE .../{version} and DELETE .../{assetId} do (x-delete-type).
  Response DeleteVersion(Request& request) {
    return WithForm(request, [&](const Session& session, const Form& fields) -> Response {
      const std::string group = request.Param("groupId"), asset = request.Param("assetId");
      const std::string version = request.Param("version");
      AGORA_ASSIGN_OR_RETURN_PAGE(AssetView view, catalogue_.Asset(session.principal, group, asset, version), session);
      auto choice = ReadDeleteForm(fields, *view.shown);
      const std::string doing = choice.ok() && choice->whole_asset ? "Deleting the asset " + asset
                                                                   : "Deleting version " + version;
      if (!choice.ok()) return DeleteConfirmation(request, {"", doing, choice.status()});
      std::vector<assets::AssetVersion> versions{*view.shown};
      if (choice->whole_asset) {
        AGORA_ASSIGN_OR_RETURN_PAGE(versions, exchange::ReadableVersions(s_, session.principal, group, asset), session);
      }
      const Status deleted = exchange::DeleteVersions(s_, session.principal, versions, choice->soft);
      if (!deleted.ok()) return DeleteConfirmation(request, {"", doing, deleted});
      if (!catalogue_.Asset(session.principal, group, asset, "").ok())
        return Redirect("/exchange/?deleted=" + UrlEncode(group + "/" + asset));
      return Redirect(AssetUrl(group, asset) + "?deleted=" + UrlEncode(version));
    });
  }

  // GET /exchange/-/publish: the publish form; with ?group=&asset=, for a new version of that asset.
  Response PublishPage(Request& request) {
    return WithSession(request, [&](const Session& session) -> Response {
      PublishValues values;
      values.organization_id = session.principal.organization_id;
      values.group_id = request.Query("group").value_or(values.organization_id);
      values.asset_id = request.Query("asset").value_or("");
      values.kind = "raml";
      if (!values.asset_id.empty()) {
        AGORA_ASSIGN_OR_RETURN_PAGE(AssetView view, catalogue_.Asset(session.principal, values.group_id, values.asset_id, ""),
                                    session);
        const assets::AssetVersion& latest = *view.shown;
        values.organization_id = latest.organization_id;
        values.kind = KindOf(latest.type, latest.files.empty() ? "" : latest.files.front().classifier);
        values.name = latest.name;
        values.description = latest.description;
        values.api_version = latest.Property("apiVersion");
      }
      return PublishFormPage(session, values, Status::Ok());
    });
  }

  // POST /exchange/-/publish (multipart): read by the API's PublicationForm and queued as the API's
  // asynchronous publications are; the browser then follows the publication's steps.
  Response Publish(Request& request) {
    auto session = sessions_.FromRequest(request);
    if (!session.ok()) {
      if (session.status().kind() != Status::Kind::kUnauthorized) return ErrorPage(session.status(), nullptr);
      return Redirect("/exchange/-/login?next=" + UrlEncode("/exchange/-/publish"));
    }
    if (!Sessions::SameOrigin(request))
      return ErrorPage(Status::Forbidden("This form did not come from agora's own page. Nothing was changed."), &*session);
    publication::PublicationRequest publication;
    publication.created_by = session->principal.subject;
    publication::BlobLease lease(s_.reaper);
    exchange::PublicationForm form(s_.blobs, lease, publication);
    PublishUpload upload([&](const std::string& token) { return sessions_.CheckCsrf(*session, token); }, form);
    Status read = server::ParseMultipart(request, upload, server::MultipartLimits{});
    if (!upload.csrf_checked())  // whatever else is wrong with it, a form without the token is not agora's
      return ErrorPage(Status::Forbidden("This form has expired or did not come from agora's own page: reload the "
                                         "page and try again. Nothing was changed."),
                       &*session);
    if (read.ok()) read = form.Finish();
    publication.organization_id =
        upload.organization_id().empty() ? session->principal.organization_id : upload.organization_id();
    publication.coordinates = upload.coordinates();
    if (read.ok()) read = exchange::MayPublish(s_, session->principal, publication.organization_id, publication.coordinates);
    Result<std::string> run_id = read;
    if (read.ok()) run_id = exchange::QueuePublication(s_, publication, lease);
    if (!run_id.ok()) {
      PublishValues values = ValuesOf(publication);
      if (!upload.kind().empty()) values.kind = upload.kind();
      return PublishFormPage(*session, values, run_id.status());
    }
    return Redirect("/exchange/-/publish/" + *run_id);
  }

  // GET /exchange/-/publish/{runId}: the publication's steps while it runs; then its version, or
  // the form again with what was sent and why it was refused.
  Response PublicationStatus(Request& request) {
    return WithSession(request, [&](const Session& session) -> Response {
      const std::string run_id = request.Param("runId");
      auto job = s_.queue.Get(run_id);
      if (!job.ok() || job->kind != "publication" ||
          !auth::Authorize(session.principal, job->organization_id, auth::Action::kRead).ok())
        return ErrorPage(Status::NotFound("There is no publication " + run_id), &session);
      if (job->status == "completed") return Redirect(VersionUrl(job->coordinates) + "?done=created");
      if (job->status == "error") {
        AGORA_ASSIGN_OR_RETURN_PAGE(auto sent, publication::PublicationRequest::FromJson(job->request_json), session);
        const auto errors = PublicationErrors(*job);
        return PublishFormPage(session, ValuesOf(sent),
                               Status::InvalidArgument("PUBLICATION_FAILED",
                                                       errors.empty() ? "The publication failed." : errors.front(), errors));
      }
      Html html;
      PageOptions options{"Publishing " + job->coordinates.ToString(), &session};
      options.refresh_seconds = 1;
      BeginPage(html, options);
      RenderPublicationProgress(html, *job);
      EndPage(html);
      return HtmlResponse(200, html.Take());
    });
  }

  // GET /exchange/-/organization: the categories and custom fields of the administrator's
  // organisation (?org= one of its business groups).
  Response OrganizationPage(Request& request) {
    return WithSession(request, [&](const Session& session) -> Response {
      OrganizationPageState state;
      state.organization_id = request.Query("org").value_or(session.principal.organization_id);
      state.notice = OrganizationNotice(request.Query("done").value_or(""));
      return OrganizationAnswer(session, std::move(state));
    });
  }

  // POST /exchange/-/organization/definitions: defines a category or custom field (DefineTag).
  Response DefineTagDefinition(Request& request) {
    return WithForm(request, "/exchange/-/organization", [&](const Session& session, const Form& fields) -> Response {
      const std::string organization = fields["organizationId"];
      storage::TagDefinition definition = DefinitionFromForm(fields, organization);
      const std::string doing = std::string("Defining the ") + (definition.kind == "category" ? "category " : "custom field ") +
                                definition.tag_key;
      auto defined = exchange::DefineTag(s_, session.principal, std::move(definition));
      if (defined.ok()) return Redirect(OrganizationUrl(organization) + "&done=defined");
      OrganizationPageState state;
      state.organization_id = organization;
      state.refused = doing;
      state.refusal = defined.status();
      state.entered = &fields;
      return OrganizationAnswer(session, std::move(state));
    });
  }

  // POST /exchange/-/organization/definitions/delete: removes one (RemoveTagDefinition).
  Response RemoveDefinition(Request& request) {
    return WithForm(request, "/exchange/-/organization", [&](const Session& session, const Form& fields) -> Response {
      const std::string organization = fields["organizationId"];
      const Status removed = exchange::RemoveTagDefinition(s_, session.principal, organization, fields["kind"], fields["id"]);
      if (removed.ok()) return Redirect(OrganizationUrl(organization) + "&done=removed");
      OrganizationPageState state;
      state.organization_id = organization;
      state.refused = "Removing the definition";
      state.refusal = removed;
      return OrganizationAnswer(session, std::move(state));
    });
  }

  // GET .../{version}/edit: the asset's details and the version's tags, categories and fields.
  Response EditPage(Request& request) { return EditForm(request, nullptr, {}); }

  // POST .../{version}/edit: saves what the form changed through exchange::EditAsset, as the API's
  // PATCH and PUT .../tags do; the form comes back with its problems when anything is refused.
  Response SaveEdit(Request& request) {
    return WithForm(request, [&](const Session& session, const Form& fields) -> Response {
      const std::string version = request.Param("version");
      AGORA_ASSIGN_OR_RETURN_PAGE(
          AssetView view, catalogue_.Asset(session.principal, request.Param("groupId"), request.Param("assetId"), version),
          session);
      AGORA_ASSIGN_OR_RETURN_PAGE(EditChoices choices, ChoicesOf(*view.shown), session);
      const exchange::AssetEdit edit = EditFromForm(fields, *view.shown, choices);
      std::vector<exchange::EditProblem> problems;
      const Status saved = edit.empty() ? Status::Ok() : exchange::EditAsset(s_, session.principal, *view.shown, edit, &problems);
      if (!problems.empty()) return EditForm(request, &fields, std::move(problems));
      if (!saved.ok()) return Overview(request, version, {"", "Editing version " + version, saved});
      return Redirect(VersionUrl(view.shown->coordinates) + "?done=edited");
    });
  }

  Response Dependencies(Request& request) {
    return WithAsset(request, request.Param("version"), [&](const Session& session, AssetContext& context) {
      AGORA_ASSIGN_OR_RETURN_PAGE(DependencyGraph graph, catalogue_.Dependencies(session.principal, *context.version),
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
  Response SignInForm(int status, const std::string& username, const std::string& next, const std::string& error) {
    Html html;
    BeginPage(html, {"Sign in", nullptr});
    auto box = html.Tag("div", {{"class", "signin"}});
    html.Element("h1", "Sign in to agora");
    if (!error.empty()) html.Element("p", {{"class", "alert"}, {"role", "alert"}}, error);
    auto form = html.Tag("form", {{"action", "/exchange/-/login"}, {"method", "post"}});
    html.Void("input", {{"type", "hidden"}, {"name", "next"}, {"value", SafeNext(next)}});
    html.Element("label", {{"for", "username"}}, "Username");
    html.Void("input", {{"type", "text"}, {"id", "username"}, {"name", "username"}, {"value", username},
                        {"autocomplete", "username"}, {"required", "required"}, {"autofocus", "autofocus"}});
    html.Element("label", {{"for", "password"}}, "Password");
    html.Void("input", {{"type", "password"}, {"id", "password"}, {"name", "password"},
                        {"autocomplete", "current-password"}, {"required", "required"}});
    html.Element("button", {{"type", "submit"}}, "Sign in");
    html.Close("form").Close("div");
    EndPage(html);
    // The scopes above were closed by hand: the page must end inside <main>.
    std::string body = html.Take();
    return HtmlResponse(status, std::move(body));
  }

  // Runs `page` for a signed-in visitor; others go to the sign-in page and come back after.
  template <typename Page>
  Response WithSession(Request& request, Page page) {
    auto session = sessions_.FromRequest(request);
    if (!session.ok()) {
      if (session.status().kind() != Status::Kind::kUnauthorized) return ErrorPage(session.status(), nullptr);
      Response response = Redirect("/exchange/-/login?next=" + UrlEncode(request.target()));
      if (request.Header("cookie")) response.SetHeader("Set-Cookie", sessions_.ClearCookie(request));
      return response;
    }
    return page(*session);
  }

  // Runs `page` with the asset version the path names, if the session may read it.
  template <typename Page>
  Response WithAsset(Request& request, const std::string& version, Page page) {
    return WithSession(request, [&](const Session& session) -> Response {
      AGORA_ASSIGN_OR_RETURN_PAGE(auto directory, catalogue_.DirectoryFor(session.principal), session);
      AGORA_ASSIGN_OR_RETURN_PAGE(
          AssetView view, catalogue_.Asset(session.principal, request.Param("groupId"), request.Param("assetId"), version),
          session);
      AssetContext context{&view, view.shown, directory.get(), {}, !view.shown->original_format.empty()};
      AGORA_ASSIGN_OR_RETURN_PAGE(auto portal, s_.metadata.GetPortal(view.shown->coordinates, false), session);
      if (portal) context.pages = portal->pages;
      return page(session, context);
    });
  }

  template <typename Page>
  Response WithModel(Request& request, Page page) {
    return WithAsset(request, request.Param("version"), [&](const Session& session, AssetContext& context) -> Response {
      AGORA_ASSIGN_OR_RETURN_PAGE(auto model, catalogue_.Model(*context.version), session);
      if (!model) return ErrorPage(Status::NotFound("This asset has no API specification"), &session);
      return page(session, context, *model);
    });
  }

  // A state-changing form's fields, when it came from the portal's own page with the session's
  // CSRF token; otherwise 403 and nothing changes.
  Result<Form> CheckedForm(Request& request, const Session& session) {
    AGORA_ASSIGN_OR_RETURN(Form fields, Form::FromRequest(request, kMaxFormBytes));
    if (!Sessions::SameOrigin(request) || !sessions_.CheckCsrf(session, fields["csrf"]))
      return Status::Forbidden("This form has expired or did not come from agora's own page: reload the page and "
                               "try again. Nothing was changed.");
    return fields;
  }

  // Runs `action` for a signed-in visitor's checked form (CheckedForm); without a session, the
  // visitor signs in and comes back to the version's page, not to the form's address.
  template <typename Action>
  Response WithForm(Request& request, Action action) {
    return WithForm(request, VersionUrl(exchange::CoordinatesOf(request)), action);
  }
  // The same, coming back to `page` after signing in.
  template <typename Action>
  Response WithForm(Request& request, const std::string& page, Action action) {
    auto session = sessions_.FromRequest(request);
    if (!session.ok()) {
      if (session.status().kind() != Status::Kind::kUnauthorized) return ErrorPage(session.status(), nullptr);
      return Redirect("/exchange/-/login?next=" + UrlEncode(page));
    }
    auto fields = CheckedForm(request, *session);
    if (!fields.ok()) return ErrorPage(fields.status(), &*session);
    return action(*session, *fields);
  }

  Response DeleteConfirmation(Request& request, const ActionOutcome& outcome) {
    return WithAsset(request, request.Param("version"), [&](const Session& session, AssetContext& context) {
      const ManageControls controls = ControlsFor(session.principal, *context.version, session.csrf_token);
      if (!controls.may_delete)
        return ErrorPage(auth::Authorize(session.principal, context.version->organization_id, auth::Action::kDelete),
                         &session);
      DeleteContent content;
      content.versions = context.view->versions;
      for (const auto& v : content.versions) {
        AGORA_ASSIGN_OR_RETURN_PAGE(auto dependents, s_.metadata.ListDependents(v.coordinates), session);
        if (v.coordinates == context.version->coordinates) content.dependents = dependents;
        for (auto& d : dependents)
          if ((d.group_id != v.coordinates.group_id || d.asset_id != v.coordinates.asset_id) &&
              std::find(content.asset_dependents.begin(), content.asset_dependents.end(), d) ==
                  content.asset_dependents.end())
            content.asset_dependents.push_back(std::move(d));
      }
      Html html;
      BeginPage(html, {"Delete version " + context.version->coordinates.version + " · " + context.version->name, &session});
      BeginAssetPage(html, context, AssetSection::kDelete);
      RenderOutcome(html, outcome);
      RenderDeletePage(html, *context.version, content, controls);
      EndAssetPage(html);
      EndPage(html);
      return HtmlResponse(outcome.refused.empty() ? 200 : outcome.refusal.http_status(), html.Take());
    });
  }

  // The home page's `deleted` query value ("group/asset") when that asset is indeed gone.
  std::string DeletedAsset(const std::string& deleted, const Session& session) {
    const size_t slash = deleted.find('/');
    if (slash == std::string::npos) return "";
    auto found = catalogue_.Asset(session.principal, deleted.substr(0, slash), deleted.substr(slash + 1), "");
    return !found.ok() && found.status().kind() == Status::Kind::kNotFound ? deleted : "";
  }

  // The organisation page for an administrator of `state.organization_id` (403 for others).
  Response OrganizationAnswer(const Session& session, OrganizationPageState state) {
    if (Status st = auth::Authorize(session.principal, state.organization_id, auth::Action::kAdminister); !st.ok())
      return ErrorPage(st, &session);
    AGORA_ASSIGN_OR_RETURN_PAGE(auto directory, catalogue_.DirectoryFor(session.principal), session);
    state.organization_name = directory->OrganizationName(state.organization_id);
    AGORA_ASSIGN_OR_RETURN_PAGE(state.categories, s_.metadata.ListTagDefinitions(state.organization_id, "category"), session);
    AGORA_ASSIGN_OR_RETURN_PAGE(state.fields, s_.metadata.ListTagDefinitions(state.organization_id, "field"), session);
    state.csrf_token = session.csrf_token;
    const int status = state.refused.empty() ? 200 : state.refusal.http_status();
    Html html;
    BeginPage(html, {"Organization", &session});
    RenderOrganizationPage(html, state);
    EndPage(html);
    return HtmlResponse(status, html.Take());
  }

  // The publish form, for a principal who may publish somewhere; after a refusal, with its status.
  Response PublishFormPage(const Session& session, const PublishValues& values, const Status& refusal) {
    AGORA_ASSIGN_OR_RETURN_PAGE(auto directory, catalogue_.DirectoryFor(session.principal), session);
    PublishFormState state{values, {}, {}, {}, refusal, session.csrf_token};
    for (const auto& id : directory->organization_ids)
      if (auth::Authorize(session.principal, id, auth::Action::kPublish).ok())
        state.organizations.emplace_back(id, directory->OrganizationName(id));
    if (state.organizations.empty())
      return ErrorPage(auth::Authorize(session.principal, session.principal.organization_id, auth::Action::kPublish),
                       &session);
    // The categories and fields of the organisation the form publishes in (its first by default).
    const bool chosen = std::any_of(state.organizations.begin(), state.organizations.end(),
                                    [&](const auto& o) { return o.first == values.organization_id; });
    const std::string organization = chosen ? values.organization_id : state.organizations.front().first;
    for (const char* kind : {"category", "field"}) {
      AGORA_ASSIGN_OR_RETURN_PAGE(auto definitions, s_.metadata.ListTagDefinitions(organization, kind), session);
      state.definitions.insert(state.definitions.end(), definitions.begin(), definitions.end());
    }
    if (!values.asset_id.empty() && !values.group_id.empty()) {
      auto existing = s_.metadata.ListReservedVersions(values.group_id, values.asset_id);
      const std::pair<const char*, const char*> orders[] = {{"PATCH", "patch"}, {"MINOR", "minor"}, {"MAJOR", "major"}};
      for (const auto& [order, label] : orders)
        if (existing.ok() && !existing->empty())
          if (auto next = assets::NextVersion(*existing, order); next.ok()) state.next_versions.emplace_back(label, *next);
    }
    Html html;
    BeginPage(html, {"Publish", &session});
    RenderPublishForm(html, state);
    EndPage(html);
    return HtmlResponse(refusal.ok() ? 200 : refusal.http_status(), html.Take());
  }

  Result<EditChoices> ChoicesOf(const assets::AssetVersion& version) {
    AGORA_ASSIGN_OR_RETURN(auto categories, s_.metadata.ListTagDefinitions(version.organization_id, "category"));
    AGORA_ASSIGN_OR_RETURN(auto fields, s_.metadata.ListTagDefinitions(version.organization_id, "field"));
    return ChoicesFor(version, std::move(categories), std::move(fields));
  }

  // The edit page, for those who may manage the version; after a refusal, with what was entered.
  Response EditForm(Request& request, const Form* entered, std::vector<exchange::EditProblem> problems) {
    return WithAsset(request, request.Param("version"), [&](const Session& session, AssetContext& context) {
      if (Status st = auth::Authorize(session.principal, context.version->organization_id, auth::Action::kManage); !st.ok())
        return ErrorPage(st, &session);
      AGORA_ASSIGN_OR_RETURN_PAGE(EditChoices choices, ChoicesOf(*context.version), session);
      const bool refused = !problems.empty();
      Html html;
      BeginPage(html, {"Edit · " + context.version->name, &session});
      BeginAssetPage(html, context, AssetSection::kEdit);
      RenderEditPage(html, *context.version, choices, {entered, std::move(problems), session.csrf_token});
      EndAssetPage(html);
      EndPage(html);
      return HtmlResponse(refused ? 400 : 200, html.Take());
    });
  }

  // The version's overview; after a refused action, with the refusal (and its status code).
  Response Overview(Request& request, const std::string& version, const ActionOutcome& outcome = {}) {
    return WithAsset(request, version, [&](const Session& session, AssetContext& context) {
      OverviewContent content;
      content.base_url = exchange::BaseUrl(s_, request);
      content.controls = ControlsFor(session.principal, *context.version, session.csrf_token);
      content.outcome = outcome;
      if (outcome.refused.empty()) {
        content.outcome.notice = DoneNotice(request.Query("done").value_or(""), *context.version);
        if (const auto deleted = request.Query("deleted"))
          content.outcome.notice = DeletedNotice(*deleted, context.view->versions);
      }
      if (!context.pages.empty()) {
        const std::string home = context.pages.front().path;
        AGORA_ASSIGN_OR_RETURN_PAGE(std::string markdown, s_.portal.PageContent(*context.version, false, home), session);
        content.home = RenderMarkdown(markdown, MarkdownFor(context));
      }
      AGORA_ASSIGN_OR_RETURN_PAGE(DependencyGraph graph, catalogue_.Dependencies(session.principal, *context.version),
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

  MarkdownOptions MarkdownFor(const AssetContext& context) {
    MarkdownOptions options;
    options.resource_base = VersionUrl(context.version->coordinates);
    auto view = s_.portal.Get(*context.version, false);
    if (view.ok())
      for (const auto& resource : view->portal.resources) options.resources.insert(resource.path);
    return options;
  }

  // Served files are data, never a document of this origin: an SVG opened on its own runs nothing.
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

  static void Harden(Response& response) {
    response.SetHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    response.SetHeader("X-Content-Type-Options", "nosniff");
    response.SetHeader("Cache-Control", "private, max-age=300");
  }

  exchange::ExchangeServices& s_;
  Sessions sessions_;
  Catalogue catalogue_;
};

}  // namespace

void RegisterPortalRoutes(server::Router& router, exchange::ExchangeServices& services, PortalOptions options) {
  auto portal = std::make_shared<Portal>(services, std::move(options));
  // Every answer says how long the server took (Server-Timing: `app` the time, `cpu` its thread's
  // processor time, which a busy machine does not inflate), read by browsers' tools and bench/portal.sh.
  auto bind = [portal](Response (Portal::*handler)(Request&)) -> server::Handler {
    return [portal, handler](Request& request) {
      const auto start = std::chrono::steady_clock::now();
      const double cpu_start = ThreadCpuMillis();
      Response response = ((*portal).*handler)(request);
      const double millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      char timing[80];
      std::snprintf(timing, sizeof timing, "app;dur=%.2f, cpu;dur=%.2f", millis, ThreadCpuMillis() - cpu_start);
      response.SetHeader("Server-Timing", timing);
      return response;
    };
  };
  router.Add("GET", "/exchange/", bind(&Portal::Home));
  router.Add("GET", "/exchange/-/results", bind(&Portal::Results));
  router.Add("GET", "/exchange/-/static/{file}", bind(&Portal::Static));
  router.Add("GET", "/exchange/-/login", bind(&Portal::SignInPage));
  router.Add("POST", "/exchange/-/login", bind(&Portal::SignIn));
  router.Add("POST", "/exchange/-/logout", bind(&Portal::SignOut));
  router.Add("GET", "/exchange/-/publish", bind(&Portal::PublishPage));
  router.Add("POST", "/exchange/-/publish", bind(&Portal::Publish));
  router.Add("GET", "/exchange/-/publish/{runId}", bind(&Portal::PublicationStatus));
  router.Add("GET", "/exchange/-/organization", bind(&Portal::OrganizationPage));
  router.Add("POST", "/exchange/-/organization/definitions", bind(&Portal::DefineTagDefinition));
  router.Add("POST", "/exchange/-/organization/definitions/delete", bind(&Portal::RemoveDefinition));
  const std::string asset = "/exchange/{groupId}/{assetId}";
  const std::string version = asset + "/{version}";
  router.Add("GET", asset, bind(&Portal::AssetWithoutSlash));
  router.Add("GET", asset + "/", bind(&Portal::LatestVersion));
  router.Add("GET", asset + "/minor/{minor}/", bind(&Portal::MinorVersion));
  router.Add("GET", version + "/", bind(&Portal::Version));
  router.Add("GET", version + "/pages/{page*}", bind(&Portal::DocumentationPage));
  router.Add("GET", version + "/resources/{name*}", bind(&Portal::DocumentationResource));
  router.Add("GET", version + "/files/{classifier}/{packaging}", bind(&Portal::DownloadFile));
  router.Add("GET", version + "/api/", bind(&Portal::Reference));
  router.Add("GET", version + "/api/operations/{operation*}", bind(&Portal::Operation));
  router.Add("GET", version + "/api/types/{type*}", bind(&Portal::DataType));
  router.Add("GET", version + "/dependencies", bind(&Portal::Dependencies));
  router.Add("GET", version + "/compare", bind(&Portal::Compare));
  router.Add("POST", version + "/status", bind(&Portal::ChangeStatus));
  router.Add("GET", version + "/delete", bind(&Portal::DeletePage));
  router.Add("POST", version + "/delete", bind(&Portal::DeleteVersion));
  router.Add("GET", version + "/edit", bind(&Portal::EditPage));
  router.Add("POST", version + "/edit", bind(&Portal::SaveEdit));
}

}  // namespace agora::portal
