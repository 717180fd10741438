// The edit form of an asset version: the asset's name, description and contact (which every
// version shares), and the version's tags, categories and custom fields, with the organisation's
// definitions as the choices. The form is read into an exchange::AssetEdit holding only what the
// person changed, and saved through exchange::EditAsset, as the Exchange API's PATCH and PUT
// endpoints are; its problems come back next to the inputs they concern, announced as an alert,
// with what was entered kept.
//
// Thread safety: reentrant.
#pragma once

#include <string>
#include <vector>

#include "assets/asset.h"
#include "exchange/asset_edits.h"
#include "portal/form.h"
#include "portal/html.h"
#include "storage/metadata_store.h"

namespace agora::portal {

// The organisation's categories and custom fields that apply to the version's type.
struct EditChoices {
  std::vector<storage::TagDefinition> categories;
  std::vector<storage::TagDefinition> fields;
};
EditChoices ChoicesFor(const assets::AssetVersion& version, std::vector<storage::TagDefinition> categories,
                       std::vector<storage::TagDefinition> fields);

// What the posted form changes on `version`: the inputs it left as they were are not part of it.
exchange::AssetEdit EditFromForm(const Form& form, const assets::AssetVersion& version, const EditChoices& choices);

struct EditPageState {
  const Form* entered = nullptr;                  // after a refusal: what the person sent
  std::vector<exchange::EditProblem> problems;   // ... and what is wrong with it
  std::string csrf_token;
};
void RenderEditPage(Html& html, const assets::AssetVersion& version, const EditChoices& choices,
                    const EditPageState& state);

}  // namespace agora::portal
