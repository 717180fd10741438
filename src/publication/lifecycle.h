// AssetLifecycle changes versions after their publication: lifecycle transitions (development ->
// published -> deprecated -> published) and deletion. Deleting keeps the catalogue consistent: a
// version that others depend on cannot go (409 naming them), development versions are always
// deleted for good, a soft delete keeps the coordinates reserved, and the files no version uses
// any more are reclaimed. Authorisation (who may deprecate or delete) is the caller's.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <vector>

#include "assets/asset.h"
#include "common/status.h"
#include "publication/blob_reaper.h"
#include "storage/metadata_store.h"

namespace agora::publication {

class AssetLifecycle {
 public:
  AssetLifecycle(storage::MetadataStore& metadata, BlobReaper& reaper) : metadata_(metadata), reaper_(reaper) {}

  // 400 INVALID_TRANSITION; 400 DEVELOPMENT_DEPENDENCIES when promoting a version whose
  // dependencies are still in development.
  Status ChangeStatus(const assets::AssetVersion& version, assets::Lifecycle to);
  // Deletes the versions (of one asset, or one version); 409 ASSET_HAS_DEPENDENTS if a version
  // outside the set depends on one of them.
  Status Delete(const std::vector<assets::AssetVersion>& versions, bool soft);
  // Hard-deletes versions soft-deleted earlier: their coordinates may be published again.
  Status ForgetSoftDeleted(const std::vector<assets::Coordinates>& versions);

 private:
  Status CollectPortalBlobs(const assets::Coordinates& coordinates, std::vector<std::string>& blobs);
  Status CheckNoDependents(const std::vector<assets::AssetVersion>& versions);

  storage::MetadataStore& metadata_;
  BlobReaper& reaper_;
};

}  // namespace agora::publication
