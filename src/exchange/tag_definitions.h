// An organisation's categories and custom fields: the keys its assets may carry, each with a data
// type (an enum's accepted values) and the asset types it applies to. The Exchange API's
// POST/PATCH/DELETE .../organizations/{org}/{categories|fields} and the portal's organisation page both
// define and remove them here.
//
// Thread safety: pure functions over thread-safe services.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/auth.h"
#include "common/status.h"
#include "exchange/exchange_api.h"
#include "storage/metadata_store.h"

namespace agora::exchange {

// The data types a definition may have.
const std::vector<std::string>& TagDataTypes();

// Defines `definition` (its organization_id, kind "category" or "field", tag_key, and optionally
// display_name, data_type, accepted_values, asset_type_restrictions) for an administrator of the
// organisation (403 otherwise): 400 BAD_REQUEST for a key of 0 or more than 100 characters, an
// unknown data type, or an enum without values; 409 when the key is taken. Returns it as stored,
// with its id and defaults (display name: the key; data type: enum for a category, else text).
Result<storage::TagDefinition> DefineTag(ExchangeServices& services, const auth::Principal& principal,
                                         storage::TagDefinition definition);

// What a PATCH of a definition sets; unset members stay as they are.
struct TagDefinitionChanges {
  std::optional<std::string> tag_key, display_name, data_type;
  std::optional<std::vector<std::string>> accepted_values, asset_type_restrictions;
};

// Changes the organisation's definition `id` (its id, or its tagKey, as Exchange's paths name
// it) for an administrator (403 otherwise), to pass DefineTag's checks again: 404 NOT_FOUND for
// no such definition; 400 BAD_REQUEST for a tagKey or dataType other than the definition's (the
// versions' values are kept under them). Taking away accepted values that versions of the
// organisation carry is 409 DEFINITION_IN_USE unless `force` (X-Force-Update: true); the
// versions then keep their values. Returns the definition as stored.
Result<storage::TagDefinition> ChangeTagDefinition(ExchangeServices& services, const auth::Principal& principal,
                                                   const std::string& organization_id, const std::string& kind,
                                                   const std::string& id, const TagDefinitionChanges& changes,
                                                   bool force);

// Removes a definition, for an administrator of the organisation.
Status RemoveTagDefinition(ExchangeServices& services, const auth::Principal& principal,
                           const std::string& organization_id, const std::string& kind, const std::string& id);

}  // namespace agora::exchange
