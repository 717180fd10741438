// The managing actions on a version: its lifecycle (promote, deprecate, undeprecate), deleting it or
// its asset (soft or hard, after showing what depends on it) and editing the asset's details and the
// version's tags, categories and fields, all through the Exchange API's own functions.
#include <algorithm>

#include "exchange/handler_support.h"
#include "portal/delete_page.h"
#include "portal/edit_page.h"
#include "portal/handler_support.h"

namespace agora::portal {
namespace {

using server::Request;
using server::Response;

class ManageActions {
 public:
  explicit ManageActions(std::shared_ptr<PortalCore> core) : core_(std::move(core)) {}

  // POST .../{version}/status: promote, deprecate or undeprecate, as PUT .../status does.
  Response ChangeStatus(Request& request) {
    return core_->WithForm(request, [&](const Session& session, const Form& fields) -> Response {
      const auto to = assets::ParseLifecycle(fields["status"]);
      if (!to || *to == assets::Lifecycle::kDevelopment)
        return ErrorPage(Status::InvalidArgument("INVALID_STATUS", "status must be published or deprecated"), &session);
      const std::string version = request.Param("version");
      AGORA_ASSIGN_OR_RETURN_PAGE(
          AssetView view, core_->catalogue.Asset(session.principal, request.Param("groupId"), request.Param("assetId"), version),
          session);
      const assets::Lifecycle from = view.shown->status;
      const Status changed = exchange::ChangeVersionStatus(core_->s, session.principal, *view.shown, *to);
      if (!changed.ok()) {
        const StatusChange change = DescribeStatusChange(from, *to);
        return OverviewPage(*core_, request, version, {"", std::string(change.doing) + " version " + version, changed});
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
    return core_->WithForm(request, [&](const Session& session, const Form& fields) -> Response {
      const std::string group = request.Param("groupId"), asset = request.Param("assetId");
      const std::string version = request.Param("version");
      AGORA_ASSIGN_OR_RETURN_PAGE(AssetView view, core_->catalogue.Asset(session.principal, group, asset, version), session);
      auto choice = ReadDeleteForm(fields, *view.shown);
      const std::string doing = choice.ok() && choice->whole_asset ? "Deleting the asset " + asset
                                                                   : "Deleting version " + version;
      if (!choice.ok()) return DeleteConfirmation(request, {"", doing, choice.status()});
      std::vector<assets::AssetVersion> versions{*view.shown};
      if (choice->whole_asset) {
        AGORA_ASSIGN_OR_RETURN_PAGE(versions, exchange::ReadableVersions(core_->s, session.principal, group, asset), session);
      }
      const Status deleted = exchange::DeleteVersions(core_->s, session.principal, versions, choice->soft);
      if (!deleted.ok()) return DeleteConfirmation(request, {"", doing, deleted});
      if (!core_->catalogue.Asset(session.principal, group, asset, "").ok())
        return Redirect("/exchange/?deleted=" + UrlEncode(group + "/" + asset));
      return Redirect(AssetUrl(group, asset) + "?deleted=" + UrlEncode(version));
    });
  }

  // GET .../{version}/edit: the asset's details and the version's tags, categories and fields.
  Response EditPage(Request& request) { return EditForm(request, nullptr, {}); }

  // POST .../{version}/edit: saves what the form changed through exchange::EditAsset, as the API's
  // PATCH and PUT .../tags do; the form comes back with its problems when anything is refused.
  Response SaveEdit(Request& request) {
    return core_->WithForm(request, [&](const Session& session, const Form& fields) -> Response {
      const std::string version = request.Param("version");
      AGORA_ASSIGN_OR_RETURN_PAGE(
          AssetView view, core_->catalogue.Asset(session.principal, request.Param("groupId"), request.Param("assetId"), version),
          session);
      AGORA_ASSIGN_OR_RETURN_PAGE(EditChoices choices, ChoicesOf(*view.shown), session);
      const exchange::AssetEdit edit = EditFromForm(fields, *view.shown, choices);
      std::vector<exchange::EditProblem> problems;
      const Status saved = edit.empty() ? Status::Ok() : exchange::EditAsset(core_->s, session.principal, *view.shown, edit, &problems);
      if (!problems.empty()) return EditForm(request, &fields, std::move(problems));
      if (!saved.ok()) return OverviewPage(*core_, request, version, {"", "Editing version " + version, saved});
      return Redirect(VersionUrl(view.shown->coordinates) + "?done=edited");
    });
  }


 private:
  Response DeleteConfirmation(Request& request, const ActionOutcome& outcome) {
    return core_->WithAsset(request, request.Param("version"), [&](const Session& session, AssetContext& context) {
      const ManageControls controls = ControlsFor(session.principal, *context.version, session.csrf_token);
      if (!controls.may_delete)
        return ErrorPage(auth::Authorize(session.principal, context.version->organization_id, auth::Action::kDelete),
                         &session);
      DeleteContent content;
      content.versions = context.view->versions;
      for (const auto& v : content.versions) {
        AGORA_ASSIGN_OR_RETURN_PAGE(auto dependents, core_->s.metadata.ListDependents(v.coordinates), session);
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

  Result<EditChoices> ChoicesOf(const assets::AssetVersion& version) {
    AGORA_ASSIGN_OR_RETURN(auto categories, core_->s.metadata.ListTagDefinitions(version.organization_id, "category"));
    AGORA_ASSIGN_OR_RETURN(auto fields, core_->s.metadata.ListTagDefinitions(version.organization_id, "field"));
    return ChoicesFor(version, std::move(categories), std::move(fields));
  }

  // The edit page, for those who may manage the version; after a refusal, with what was entered.
  Response EditForm(Request& request, const Form* entered, std::vector<exchange::EditProblem> problems) {
    return core_->WithAsset(request, request.Param("version"), [&](const Session& session, AssetContext& context) {
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


  std::shared_ptr<PortalCore> core_;
};

}  // namespace

void RegisterManageRoutes(server::Router& router, std::shared_ptr<PortalCore> core) {
  auto bind = RouteBinder(std::make_shared<ManageActions>(std::move(core)));
  const std::string version = "/exchange/{groupId}/{assetId}/{version}";
  router.Add("POST", version + "/status", bind(&ManageActions::ChangeStatus));
  router.Add("GET", version + "/delete", bind(&ManageActions::DeletePage));
  router.Add("POST", version + "/delete", bind(&ManageActions::DeleteVersion));
  router.Add("GET", version + "/edit", bind(&ManageActions::EditPage));
  router.Add("POST", version + "/edit", bind(&ManageActions::SaveEdit));
}

}  // namespace agora::portal
