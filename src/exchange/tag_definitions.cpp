#include "exchange/tag_definitions.h"

#include <algorithm>

#include "assets/asset_type.h"
#include "common/ids.h"

namespace agora::exchange {

const std::vector<std::string>& TagDataTypes() {
  static const std::vector<std::string> types = {"enum", "text", "number", "date", "text-list", "number-list"};
  return types;
}

namespace {

// DefineTag's checks, filling in the defaults and normalising the asset types.
Status CheckDefinition(storage::TagDefinition& d) {
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
  return Status::Ok();
}

Result<storage::TagDefinition> FindDefinition(ExchangeServices& services, const std::string& organization_id,
                                              const std::string& kind, const std::string& id) {
  AGORA_ASSIGN_OR_RETURN(auto definitions, services.metadata.ListTagDefinitions(organization_id, kind));
  for (auto& d : definitions)
    if (d.id == id || d.tag_key == id) return std::move(d);
  return Status::NotFound("No " + kind + " definition " + id.substr(0, 100));
}

// 409 DEFINITION_IN_USE when a version of the organisation carries one of `before`'s accepted
// values that `after` no longer accepts.
Status CheckValuesUnused(ExchangeServices& services, const storage::TagDefinition& before,
                         const storage::TagDefinition& after) {
  storage::AssetQuery query;
  query.organization_ids = {before.organization_id};
  query.latest_only = false;
  query.limit = 1;
  for (const auto& value : before.accepted_values)
    if (std::find(after.accepted_values.begin(), after.accepted_values.end(), value) == after.accepted_values.end())
      query.tag_values.push_back({before.kind, before.tag_key, value});
  if (query.tag_values.empty()) return Status::Ok();
  AGORA_ASSIGN_OR_RETURN(auto carriers, services.metadata.FindVersions(query));
  if (carriers.empty()) return Status::Ok();
  return Status::Conflict("DEFINITION_IN_USE", "Versions such as " + carriers.front().coordinates.ToString() +
                                                   " carry values of " + before.tag_key +
                                                   " that the change takes away; send X-Force-Update: true to make it");
}

}  // namespace

Result<storage::TagDefinition> DefineTag(ExchangeServices& services, const auth::Principal& principal,
                                         storage::TagDefinition d) {
  AGORA_RETURN_IF_ERROR(auth::Authorize(principal, d.organization_id, auth::Action::kAdminister));
  AGORA_RETURN_IF_ERROR(CheckDefinition(d));
  d.id = NewUuid();
  AGORA_RETURN_IF_ERROR(services.metadata.PutTagDefinition(d));
  return d;
}

Result<storage::TagDefinition> ChangeTagDefinition(ExchangeServices& services, const auth::Principal& principal,
                                                   const std::string& organization_id, const std::string& kind,
                                                   const std::string& id, const TagDefinitionChanges& changes,
                                                   bool force) {
  AGORA_RETURN_IF_ERROR(auth::Authorize(principal, organization_id, auth::Action::kAdminister));
  AGORA_ASSIGN_OR_RETURN(const storage::TagDefinition before, FindDefinition(services, organization_id, kind, id));
  if (changes.tag_key.value_or(before.tag_key) != before.tag_key ||
      changes.data_type.value_or(before.data_type) != before.data_type)
    return Status::InvalidArgument("BAD_REQUEST", "The tagKey and dataType of a definition cannot change: define "
                                                  "another " + kind + " instead");
  storage::TagDefinition after = before;
  after.display_name = changes.display_name.value_or(before.display_name);
  after.accepted_values = changes.accepted_values.value_or(before.accepted_values);
  after.asset_type_restrictions = changes.asset_type_restrictions.value_or(before.asset_type_restrictions);
  AGORA_RETURN_IF_ERROR(CheckDefinition(after));
  if (!force) AGORA_RETURN_IF_ERROR(CheckValuesUnused(services, before, after));
  AGORA_RETURN_IF_ERROR(services.metadata.UpdateTagDefinition(after));
  return after;
}

Status RemoveTagDefinition(ExchangeServices& services, const auth::Principal& principal,
                           const std::string& organization_id, const std::string& kind, const std::string& id) {
  AGORA_RETURN_IF_ERROR(auth::Authorize(principal, organization_id, auth::Action::kAdminister));
  // By id or tagKey, as PATCH names it.
  AGORA_ASSIGN_OR_RETURN(const storage::TagDefinition found, FindDefinition(services, organization_id, kind, id));
  return services.metadata.DeleteTagDefinition(organization_id, kind, found.id);
}

}  // namespace agora::exchange
