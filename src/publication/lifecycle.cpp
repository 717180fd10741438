#include "publication/lifecycle.h"

#include <algorithm>

#include "assets/rules.h"
#include "common/ids.h"

namespace agora::publication {

Status AssetLifecycle::ChangeStatus(const assets::AssetVersion& version, assets::Lifecycle to) {
  AGORA_RETURN_IF_ERROR(assets::CheckTransition(version.status, to));
  if (version.status == assets::Lifecycle::kDevelopment) {
    std::vector<std::pair<std::string, assets::Lifecycle>> statuses;
    for (const auto& dependency : version.dependencies) {
      auto found = metadata_.GetVersion(dependency);
      if (found.ok()) statuses.emplace_back(dependency.ToString(), found->status);
    }
    AGORA_RETURN_IF_ERROR(assets::CheckDependencyStatuses(to, statuses));
  }
  return metadata_.SetVersionStatus(version.coordinates, to, NowMillis());
}

Status AssetLifecycle::CheckNoDependents(const std::vector<assets::AssetVersion>& versions) {
  auto in_set = [&](const assets::Coordinates& c) {
    return std::any_of(versions.begin(), versions.end(), [&](const auto& v) { return v.coordinates == c; });
  };
  std::vector<std::string> dependents;
  for (const auto& version : versions) {
    AGORA_ASSIGN_OR_RETURN(auto found, metadata_.ListDependents(version.coordinates));
    for (const auto& dependent : found)
      if (!in_set(dependent)) dependents.push_back(dependent.ToString() + " depends on " + version.coordinates.ToString());
  }
  if (dependents.empty()) return Status::Ok();
  return Status::Conflict("ASSET_HAS_DEPENDENTS", "Other assets depend on what would be deleted: " + dependents.front(),
                          dependents);
}

// The documentation pages and resources go with the version (both its portals).
Status AssetLifecycle::CollectPortalBlobs(const assets::Coordinates& coordinates, std::vector<std::string>& blobs) {
  for (const bool draft : {false, true}) {
    AGORA_ASSIGN_OR_RETURN(auto portal, metadata_.GetPortal(coordinates, draft));
    if (!portal) continue;
    for (auto& sha256 : portal->Blobs()) blobs.push_back(std::move(sha256));
  }
  return Status::Ok();
}

Status AssetLifecycle::Delete(const std::vector<assets::AssetVersion>& versions, bool soft) {
  AGORA_RETURN_IF_ERROR(CheckNoDependents(versions));
  std::vector<std::string> blobs;
  for (const auto& version : versions) {
    const bool keep_reserved = soft && version.status != assets::Lifecycle::kDevelopment;
    AGORA_RETURN_IF_ERROR(CollectPortalBlobs(version.coordinates, blobs));
    AGORA_RETURN_IF_ERROR(metadata_.DeleteVersion(version.coordinates, keep_reserved, NowMillis()));
    for (const auto& file : version.files) blobs.push_back(file.sha256);
  }
  return reaper_.Sweep(blobs);
}

Status AssetLifecycle::ForgetSoftDeleted(const std::vector<assets::Coordinates>& versions) {
  for (const auto& coordinates : versions)
    AGORA_RETURN_IF_ERROR(metadata_.ForgetSoftDeleted(coordinates));
  return Status::Ok();
}

}  // namespace agora::publication
