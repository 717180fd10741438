// Editing what describes an asset: its name, description and contact (all versions), and a
// version's tags, categories and custom fields. The Exchange API's PATCH .../assets/{g}/{a},
// PUT .../tags and PUT/DELETE .../tags/{categories|fields}/{key} and the portal's edit form all
// make their change through EditAsset, so the rules and the authorisation are the same whichever
// way a person edits.
//
// Thread safety: pure functions over thread-safe services.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "assets/asset.h"
#include "auth/auth.h"
#include "common/status.h"
#include "exchange/exchange_api.h"
#include "storage/metadata_store.h"

namespace agora::exchange {

// One change to an asset, made as a whole or not at all.
struct AssetEdit {
  storage::AssetDetailsUpdate details;           // every version of the asset; unset members stay
  std::optional<std::vector<std::string>> tags;  // the version's tags, replaced when set
  struct TagValueChange {
    std::string kind;        // "category" or "field"
    assets::TagValue value;  // no values: the key is removed from the version
  };
  std::vector<TagValueChange> tag_values;

  bool empty() const {
    return !details.name && !details.description && !details.contact_name && !details.contact_email && !tags &&
           tag_values.empty();
  }
};

// Why an edit was refused, per input: "name", "description", "contactName", "contactEmail",
// "tags", or "category:KEY" / "field:KEY".
struct EditProblem {
  std::string input;
  Status status;
};

// What is wrong with `edit` of `version` under the organisation's category and field definitions
// (empty: nothing); every problem, not only the first.
std::vector<EditProblem> CheckAssetEdit(const assets::AssetVersion& version, const AssetEdit& edit,
                                        const std::vector<storage::TagDefinition>& definitions);

// Authorises the principal to manage the version's organisation (403), checks the edit (400
// BAD_REQUEST for details and tags, 400 INVALID_ASSET_METADATA for categories and fields: the
// first problem; all of them in `problems` when given), then makes it. Nothing changes when
// anything is refused.
Status EditAsset(ExchangeServices& services, const auth::Principal& principal, const assets::AssetVersion& version,
                 const AssetEdit& edit, std::vector<EditProblem>* problems = nullptr);

}  // namespace agora::exchange
