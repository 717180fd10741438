#include "exchange/tag_definitions.h"

#include <algorithm>

#include "assets/asset_type.h"
#include "common/ids.h"

namespace agora::exchange {

const std::vector<std::string>& TagDataTypes() {
  static const std::vector<std::string> types = {"enum", "text", "number", "date", "text-list", "number-list"};
  return types;
}

Result<storage::TagDefinition> DefineTag(ExchangeServices& services, const auth::Principal& principal,
                                         storage::TagDefinition d) {
  AGORA_RETURN_IF_ERROR(auth::Authorize(principal, d.organization_id, auth::Action::kAdminister));
  if (d.data_type.empty()) d.data_type = d.kind == "category" ? "enum" : "text";
  const auto& types = TagDataTypes();
  if (d.tag_key.empty() || d.tag_key.size() > 100 || std::find(types.begin(), types.end(), d.data_type) == types.end() ||
      (d.data_type == "enum" && d.accepted_values.empty()))
    return Status::InvalidArgument("BAD_REQUEST",
                                   "tagKey (1-100 characters) and a dataType of enum (with acceptedValues), text, "
                                   "number, date, text-list or number-list are required");
  // The key names form fields (fields.<key>) and URL segments (.../tags/fields/<key>).
  if (!assets::IsSafeToken(d.tag_key))
    return Status::InvalidArgument("BAD_REQUEST", "tagKey '" + d.tag_key.substr(0, 100) +
                                                      "' must be letters, digits, '-', '_' or '.' (no '..'), starting with a "
                                                      "letter or digit");
  // A form sends several values of one key comma-separated, so a value with a comma could never be set.
  for (const auto& value : d.accepted_values)
    if (value.empty() || value.find(',') != std::string::npos)
      return Status::InvalidArgument("BAD_REQUEST", "acceptedValues must be non-empty and hold no comma: '" + value.substr(0, 100) + "'");
  for (auto& type : d.asset_type_restrictions) {
    const auto known = assets::NormalizeTypeName(type);
    if (!known) return Status::InvalidArgument("BAD_REQUEST", "assetTypeRestrictions: unknown asset type '" + type.substr(0, 100) + "'");
    type = *known;
  }
  if (d.display_name.empty()) d.display_name = d.tag_key;
  d.id = NewUuid();
  AGORA_RETURN_IF_ERROR(services.metadata.PutTagDefinition(d));
  return d;
}

Status RemoveTagDefinition(ExchangeServices& services, const auth::Principal& principal,
                           const std::string& organization_id, const std::string& kind, const std::string& id) {
  AGORA_RETURN_IF_ERROR(auth::Authorize(principal, organization_id, auth::Action::kAdminister));
  return services.metadata.DeleteTagDefinition(organization_id, kind, id);
}

}  // namespace agora::exchange
