// Publication from the portal: the publish form (a new asset or a new version of one), its
// multipart POST queued as the API's asynchronous publications are, the publication's steps, and
// the choices of the form's dependency picker.
#include "assets/semver.h"
#include "exchange/handler_support.h"
#include "exchange/publication_form.h"
#include "portal/handler_support.h"
#include "portal/publish_page.h"
#include "portal/publish_upload.h"

namespace agora::portal {
namespace {

using server::Request;
using server::Response;

class PublishPages {
 public:
  explicit PublishPages(std::shared_ptr<PortalCore> core) : core_(std::move(core)) {}

  // GET /exchange/-/publish: the publish form; with ?group=&asset=, for a new version of that asset.
  Response PublishPage(Request& request) {
    return core_->WithSession(request, [&](const Session& session) -> Response {
      PublishValues values;
      values.organization_id = session.principal.organization_id;
      values.group_id = request.Query("group").value_or(values.organization_id);
      values.asset_id = request.Query("asset").value_or("");
      values.kind = "raml";
      if (!values.asset_id.empty()) {
        AGORA_ASSIGN_OR_RETURN_PAGE(AssetView view, core_->catalogue.Asset(session.principal, values.group_id, values.asset_id, ""),
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
    auto session = core_->sessions.FromRequest(request);
    if (!session.ok()) {
      if (session.status().kind() != Status::Kind::kUnauthorized) return ErrorPage(session.status(), nullptr);
      return Redirect("/exchange/-/login?next=" + UrlEncode("/exchange/-/publish"));
    }
    if (!Sessions::SameOrigin(request))
      return ErrorPage(ForeignForm(), &*session);
    publication::PublicationRequest publication;
    publication.created_by = session->principal.subject;
    publication::BlobLease lease(core_->s.reaper);
    exchange::PublicationForm form(core_->s.blobs, lease, publication);
    PublishUpload upload([&](const std::string& token) { return core_->sessions.CheckCsrf(*session, token); }, form);
    Status read = server::ParseMultipart(request, upload, server::MultipartLimits{});
    if (!upload.csrf_checked())  // whatever else is wrong with it, a form without the token is not agora's
      return ErrorPage(ForeignForm(), &*session);
    if (read.ok()) read = form.Finish();
    publication.organization_id =
        upload.organization_id().empty() ? session->principal.organization_id : upload.organization_id();
    publication.coordinates = upload.coordinates();
    if (read.ok()) read = exchange::MayPublish(core_->s, session->principal, publication.organization_id, publication.coordinates);
    Result<std::string> run_id = read;
    if (read.ok()) run_id = exchange::QueuePublication(core_->s, publication, lease);
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
    return core_->WithSession(request, [&](const Session& session) -> Response {
      const std::string run_id = request.Param("runId");
      auto job = core_->s.queue.Get(run_id);
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

  // GET /exchange/-/dependency-choices?q=: the latest versions of the assets the visitor may read
  // that match q, for the publish form's dependency picker (a fragment portal.js swaps in).
  Response DependencyChoices(Request& request) {
    return core_->WithSession(request, [&](const Session& session) -> Response {
      SearchState search;
      search.q = request.Query("q").value_or("").substr(0, kMaxQueryBytes);
      std::vector<assets::AssetVersion> choices;
      if (search.q.find_first_not_of(" \t") != std::string::npos) {
        AGORA_ASSIGN_OR_RETURN_PAGE(auto directory, core_->catalogue.DirectoryFor(session.principal), session);
        AGORA_ASSIGN_OR_RETURN_PAGE(auto found, core_->catalogue.Search(session.principal, search, *directory), session);
        for (size_t i = 0; i < found.versions.size() && i < kMaxAssets; ++i) {
          auto view = core_->catalogue.Asset(session.principal, found.versions[i].coordinates.group_id,
                                             found.versions[i].coordinates.asset_id, "");
          if (!view.ok()) continue;  // gone since the search
          const auto& versions = view->versions;  // oldest first
          for (size_t n = 0; n < versions.size() && n < kVersionsPerAsset; ++n)
            choices.push_back(versions[versions.size() - 1 - n]);
        }
      }
      Html html;
      RenderDependencyChoices(html, search.q, choices);
      return HtmlResponse(200, html.Take());
    });
  }

 private:
  static constexpr size_t kMaxQueryBytes = 200;
  static constexpr size_t kMaxAssets = 8;
  static constexpr size_t kVersionsPerAsset = 3;

  // The publish form, for a principal who may publish somewhere; after a refusal, with its status.
  Response PublishFormPage(const Session& session, const PublishValues& values, const Status& refusal) {
    AGORA_ASSIGN_OR_RETURN_PAGE(auto directory, core_->catalogue.DirectoryFor(session.principal), session);
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
      AGORA_ASSIGN_OR_RETURN_PAGE(auto definitions, core_->s.metadata.ListTagDefinitions(organization, kind), session);
      state.definitions.insert(state.definitions.end(), definitions.begin(), definitions.end());
    }
    if (!values.asset_id.empty() && !values.group_id.empty()) {
      auto existing = core_->s.metadata.ListReservedVersions(values.group_id, values.asset_id);
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


  std::shared_ptr<PortalCore> core_;
};

}  // namespace

void RegisterPublishRoutes(server::Router& router, std::shared_ptr<PortalCore> core) {
  auto bind = RouteBinder(std::make_shared<PublishPages>(std::move(core)));
  router.Add("GET", "/exchange/-/publish", bind(&PublishPages::PublishPage));
  router.Add("POST", "/exchange/-/publish", bind(&PublishPages::Publish));
  router.Add("GET", "/exchange/-/publish/{runId}", bind(&PublishPages::PublicationStatus));
  router.Add("GET", "/exchange/-/dependency-choices", bind(&PublishPages::DependencyChoices));
}

}  // namespace agora::portal
