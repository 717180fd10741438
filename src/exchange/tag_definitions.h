// An organisation's categories and custom fields: the keys its assets may carry, each with a data
// type (an enum's accepted values) and the asset types it applies to. The Exchange API's
// POST/DELETE .../organizations/{org}/{categories|fields} and the portal's organisation page both
// define and remove them here.
//
// Thread safety: pure functions over thread-safe services.
#pragma once

#include <string>

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

// Removes a definition, for an administrator of the organisation.
Status RemoveTagDefinition(ExchangeServices& services, const auth::Principal& principal,
                           const std::string& organization_id, const std::string& kind, const std::string& id);

}  // namespace agora::exchange
