#include "exchange/asset_edits.h"

#include <tuple>

#include "common/ids.h"
#include "publication/tag_rules.h"

namespace agora::exchange {
namespace {

// Exchange's limits on an asset's details.
void CheckDetails(const storage::AssetDetailsUpdate& details, std::vector<EditProblem>& problems) {
  const std::tuple<const char*, const std::optional<std::string>*, size_t, size_t> limits[] = {
      {"name", &details.name, 1, 256}, {"description", &details.description, 0, 255},
      {"contactName", &details.contact_name, 0, 255}, {"contactEmail", &details.contact_email, 0, 255}};
  for (const auto& [input, value, min, max] : limits) {
    if (!*value || ((*value)->size() >= min && (*value)->size() <= max)) continue;
    problems.push_back({input, Status::InvalidArgument("BAD_REQUEST", std::string(input) + " must be a string of " +
                                                                          std::to_string(min) + " to " +
                                                                          std::to_string(max) + " characters")});
  }
}

}  // namespace

std::vector<EditProblem> CheckAssetEdit(const assets::AssetVersion& version, const AssetEdit& edit,
                                        const std::vector<storage::TagDefinition>& definitions) {
  std::vector<EditProblem> problems;
  CheckDetails(edit.details, problems);
  if (edit.tags)
    for (const auto& tag : *edit.tags)
      if (tag.empty()) {
        problems.push_back({"tags", Status::InvalidArgument("BAD_REQUEST", "A tag cannot be empty")});
        break;
      }
  for (const auto& change : edit.tag_values)
    if (Status st = publication::CheckTagValue(definitions, change.kind, version.type, change.value); !st.ok())
      problems.push_back({change.kind + ":" + change.value.key, st});
  return problems;
}

Status EditAsset(ExchangeServices& services, const auth::Principal& principal, const assets::AssetVersion& version,
                 const AssetEdit& edit, std::vector<EditProblem>* problems) {
  AGORA_RETURN_IF_ERROR(auth::Authorize(principal, version.organization_id, auth::Action::kManage));
  std::vector<storage::TagDefinition> definitions;
  for (const std::string kind : {"category", "field"}) {
    bool used = false;
    for (const auto& change : edit.tag_values) used = used || change.kind == kind;
    if (!used) continue;
    AGORA_ASSIGN_OR_RETURN(auto of_kind, services.metadata.ListTagDefinitions(version.organization_id, kind));
    definitions.insert(definitions.end(), of_kind.begin(), of_kind.end());
  }
  std::vector<EditProblem> found = CheckAssetEdit(version, edit, definitions);
  if (!found.empty()) {
    Status first = found.front().status;
    if (problems) *problems = std::move(found);
    return first;
  }
  const auto& details = edit.details;
  if (details.name || details.description || details.contact_name || details.contact_email)
    AGORA_RETURN_IF_ERROR(services.metadata.UpdateAssetDetails(version.coordinates.group_id,
                                                               version.coordinates.asset_id, details, NowMillis()));
  if (edit.tags) AGORA_RETURN_IF_ERROR(services.metadata.SetVersionTags(version.coordinates, *edit.tags));
  for (const auto& change : edit.tag_values)
    AGORA_RETURN_IF_ERROR(services.metadata.SetVersionTagValue(version.coordinates, change.kind, change.value));
  return Status::Ok();
}

}  // namespace agora::exchange
