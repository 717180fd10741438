#include "portal/manage_page.h"

#include "assets/rules.h"
#include "assets/semver.h"
#include "exchange/handler_support.h"
#include "portal/links.h"

namespace agora::portal {

StatusChange DescribeStatusChange(assets::Lifecycle from, assets::Lifecycle to) {
  if (from == assets::Lifecycle::kDevelopment)
    return {"Promote to stable", "Promoting",
            "Publishes this development version: it can no longer change, and others may depend on it."};
  if (to == assets::Lifecycle::kDeprecated)
    return {"Deprecate", "Deprecating",
            "Marks this version as one nobody should start using; it stays available to those who do."};
  return {"Undeprecate", "Undeprecating", "Makes this version stable again."};
}

ManageControls ControlsFor(const auth::Principal& principal, const assets::AssetVersion& version,
                           const std::string& csrf_token) {
  ManageControls controls;
  controls.csrf_token = csrf_token;
  const std::string& organization = version.organization_id;
  if (!auth::Authorize(principal, organization, auth::Action::kManage).ok()) return controls;
  controls.may_edit = true;
  controls.may_publish = auth::Authorize(principal, organization, auth::Action::kPublish).ok();
  for (const auto to : {assets::Lifecycle::kPublished, assets::Lifecycle::kDeprecated}) {
    if (assets::CheckTransition(version.status, to).ok() &&
        auth::Authorize(principal, organization, exchange::StatusChangeAction(version, to)).ok())
      controls.status_changes.push_back(to);
  }
  controls.may_delete = auth::Authorize(principal, organization, auth::Action::kDelete).ok();
  return controls;
}

std::string DoneNotice(const std::string& done, const assets::AssetVersion& version) {
  const std::string& number = version.coordinates.version;
  const bool published = version.status == assets::Lifecycle::kPublished;
  if (done == "published" && published) return "Version " + number + " is now stable.";
  if (done == "deprecated" && version.status == assets::Lifecycle::kDeprecated)
    return "Version " + number + " is now deprecated.";
  if (done == "undeprecated" && published) return "Version " + number + " is stable again.";
  if (done == "edited") return "The changes were saved.";
  if (done == "created") return "Version " + number + " was published.";
  return "";
}

std::string DeletedNotice(const std::string& deleted, const std::vector<assets::AssetVersion>& versions) {
  if (!assets::ParseSemVer(deleted)) return "";
  for (const auto& v : versions)
    if (v.coordinates.version == deleted) return "";
  return "Version " + deleted + " was deleted.";
}

std::string RefusalRule(const Status& refusal) {
  if (refusal.code() == "DEVELOPMENT_DEPENDENCIES")
    return "A version can leave development only when every asset it depends on is stable: promote those "
           "dependencies first.";
  if (refusal.code() == "ASSET_HAS_DEPENDENTS")
    return "A version that other assets depend on cannot be deleted: delete those versions first, or publish new "
           "versions of them without this dependency.";
  if (refusal.code() == "INVALID_TRANSITION")
    return "A development version can be promoted to stable, a stable one deprecated, and a deprecated one made "
           "stable again.";
  if (refusal.kind() == Status::Kind::kForbidden)
    return "Contributors and administrators of the asset's organization may promote development versions; only "
           "administrators may deprecate, undeprecate and delete.";
  if (refusal.kind() == Status::Kind::kNotFound) return "The version no longer exists: reload the page.";
  return "";
}

void RenderOutcome(Html& html, const ActionOutcome& outcome) {
  if (!outcome.notice.empty()) html.Element("p", {{"class", "notice"}, {"role", "status"}}, outcome.notice);
  if (outcome.refused.empty()) return;
  auto alert = html.Tag("div", {{"class", "alert"}, {"role", "alert"}});
  html.Element("p", {{"class", "alert-title"}}, outcome.refused + " was refused.");
  const bool client_error = outcome.refusal.http_status() < 500;
  html.Element("p", client_error ? outcome.refusal.message() : "The server could not do it. Try again later.");
  if (const std::string rule = RefusalRule(outcome.refusal); !rule.empty()) html.Element("p", rule);
}

void RenderManageControls(Html& html, const assets::AssetVersion& version, const ManageControls& controls) {
  if (controls.empty()) return;
  auto section = html.Tag("section", {{"class", "manage"}, {"aria-labelledby", "manage-heading"}});
  html.Element("h2", {{"id", "manage-heading"}}, "Manage this version");
  auto list = html.Tag("ul", {{"class", "manage-actions"}});
  for (const auto to : controls.status_changes) {
    const StatusChange change = DescribeStatusChange(version.status, to);
    auto item = html.Tag("li");
    auto form = html.Tag("form", {{"action", StatusUrl(version.coordinates)}, {"method", "post"}});
    CsrfInput(html, controls.csrf_token);
    html.Void("input", {{"type", "hidden"}, {"name", "status"}, {"value", assets::LifecycleName(to)}});
    html.Element("button", {{"type", "submit"}}, change.button);
    html.Element("span", {{"class", "muted"}}, std::string(" ") + change.explanation);
  }
  if (controls.may_edit) {
    auto item = html.Tag("li");
    html.Element("a", {{"class", "button secondary"}, {"href", EditUrl(version.coordinates)}}, "Edit details…");
    html.Element("span", {{"class", "muted"}}, " Name, description and contact of the asset; tags, categories and fields "
                                               "of this version.");
  }
  if (controls.may_edit) {
    auto item = html.Tag("li");
    html.Element("a", {{"class", "button secondary"}, {"href", DocumentationUrl(version.coordinates, "")}},
                 "Edit documentation…");
    html.Element("span", {{"class", "muted"}}, " Pages and images of this version's documentation, as a draft to publish.");
  }
  if (controls.may_publish) {
    auto item = html.Tag("li");
    html.Element("a", {{"class", "button secondary"}, {"href", PublishUrl(version.coordinates)}}, "Publish a new version…");
  }
  if (controls.may_delete) {
    auto item = html.Tag("li");
    html.Element("a", {{"class", "button secondary"}, {"href", DeleteUrl(version.coordinates)}},
                 "Delete version " + version.coordinates.version + "…");
  }
}

}  // namespace agora::portal
