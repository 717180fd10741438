// The delete page of a version (.../{version}/delete), for those who may delete in the asset's
// organisation: what depends on the version, then the choice between the API's soft delete (the
// version number stays reserved) and hard delete (the number can be published again); below it,
// the deletion of the whole asset, which lists the other assets depending on any of its versions
// and asks for the asset's id to be typed before it goes. Both act through exchange::DeleteVersions,
// as DELETE .../{version} and DELETE .../{assetId} do; the page only reads what they decide.
//
// Thread safety: reentrant.
#pragma once

#include <vector>

#include "assets/asset.h"
#include "common/status.h"
#include "portal/form.h"
#include "portal/html.h"
#include "portal/manage_page.h"

namespace agora::portal {

struct DeleteContent {
  std::vector<assets::Coordinates> dependents;        // of the version
  std::vector<assets::Coordinates> asset_dependents;  // of any version of the asset, from other assets
  std::vector<assets::AssetVersion> versions;         // the asset's
};
void RenderDeletePage(Html& html, const assets::AssetVersion& version, const DeleteContent& content,
                      const ManageControls& controls);

// What a posted delete form asks for: `what` is "version" (the default) or "asset", `type` "soft"
// (the default) or "hard", and deleting the asset needs `confirm` to be its id (400 otherwise).
struct DeleteChoice {
  bool whole_asset = false;
  bool soft = true;
};
Result<DeleteChoice> ReadDeleteForm(const Form& form, const assets::AssetVersion& version);

}  // namespace agora::portal
