// What the people who look after a version can do to it from the portal, and how the portal tells
// them how it went: the lifecycle buttons on the version's overview (promote a development
// version, deprecate, undeprecate) and the links to the edit and delete pages (edit_page.h,
// delete_page.h), and the messages after an action: a notice (role="status") when it was done, an alert
// (role="alert") explaining the Exchange API's rule when it was refused.
//
// Every control is a POST form carrying the session's CSRF token. Which controls a visitor sees
// is decided by the Exchange API's own checks (auth::Authorize, exchange::StatusChangeAction),
// and the handlers act through the API's own functions (exchange::ChangeVersionStatus,
// exchange::DeleteVersions): the portal has no second path to the data.
//
// Thread safety: reentrant.
#pragma once

#include <string>
#include <vector>

#include "assets/asset.h"
#include "auth/auth.h"
#include "common/status.h"
#include "portal/html.h"

namespace agora::portal {

// The management controls a principal may use on a version; none for viewers.
struct ManageControls {
  std::vector<assets::Lifecycle> status_changes;  // the statuses it may move the version to
  bool may_edit = false;  // the asset's details, the version's tags, categories and fields
  bool may_publish = false;  // a new version of the asset
  bool may_delete = false;
  std::string csrf_token;

  bool empty() const { return status_changes.empty() && !may_edit && !may_delete; }
};
ManageControls ControlsFor(const auth::Principal& principal, const assets::AssetVersion& version,
                           const std::string& csrf_token);

// A lifecycle change as the page words it: its button, what doing it is called, what it does.
struct StatusChange {
  const char* button;       // "Deprecate"
  const char* doing;        // "Deprecating"
  const char* explanation;  // for the people who use the version
};
StatusChange DescribeStatusChange(assets::Lifecycle from, assets::Lifecycle to);

// The outcome of a management action, shown at the top of the page it leads to.
struct ActionOutcome {
  std::string notice;    // done: what changed
  std::string refused;   // refused: what was tried ("Deprecating 1.0.0")
  Status refusal;        // ... and the API's answer
};
void RenderOutcome(Html& html, const ActionOutcome& outcome);
// The notice for the overview's `done` query value ("published", "deprecated", "undeprecated", "edited"),
// or empty; a link cannot make it claim what the version's status contradicts.
std::string DoneNotice(const std::string& done, const assets::AssetVersion& version);
// The notice for the asset page's `deleted` query value, or empty: only for a version number the
// asset no longer has.
std::string DeletedNotice(const std::string& deleted, const std::vector<assets::AssetVersion>& versions);
// The rule of the API behind a refusal, in a sentence a person can act on.
std::string RefusalRule(const Status& refusal);

// The "Manage this version" section of the overview (nothing when `controls` is empty).
void RenderManageControls(Html& html, const assets::AssetVersion& version, const ManageControls& controls);

}  // namespace agora::portal
