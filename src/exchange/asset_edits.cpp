#include "exchange/asset_edits.h"

#include <utility>

#include "assets/rules.h"
#include "common/ids.h"
#include "publication/tag_rules.h"

namespace agora::exchange {
namespace {

// Exchange's limits on an asset's details (assets::CheckAssetDetail), on the details the edit sets.
void CheckDetails(const storage::AssetDetailsUpdate& details, std::vector<EditProblem>& problems) {
  const std::pair<const char*, const std::optional<std::string>*> inputs[] = {
      {"name", &details.name}, {"description", &details.description},
      {"contactName", &details.contact_name}, {"contactEmail", &details.contact_email}};
  for (const auto& [input, value] : inputs)
    if (*value)
      if (Status st = assets::CheckAssetDetail(input, **value); !st.ok()) problems.push_back({input, st});
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
