// Categories and custom fields are keys an organisation defines before its assets use them. These
// rules check a value against its definition: the key must be defined for the organisation (400
// otherwise, as Exchange fails the publication), an enum accepts only its listed values, numbers
// must be numbers, and a definition restricted to some asset types applies only to those.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "assets/asset.h"
#include "common/status.h"
#include "storage/metadata_store.h"

namespace agora::publication {

// "a, b" -> {"a", "b"} (trimmed, empty items dropped).
std::vector<std::string> SplitValues(const std::string& text);

// Checks `value` (kind "category" or "field") against the organisation's definitions.
Status CheckTagValue(const std::vector<storage::TagDefinition>& definitions, const std::string& kind,
                     const std::string& asset_type, const assets::TagValue& value);

}  // namespace agora::publication
