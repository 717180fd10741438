// Validation of asset coordinates (groupId, assetId, version) and of dependency lists. Every
// coordinate that reaches a store or a file path has passed ValidateCoordinates, so none can
// contain "/", ".." or other path syntax.
//
// Thread safety: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "assets/asset.h"
#include "common/status.h"

namespace agora::assets {

// 400 INVALID_COORDINATES for a bad groupId or assetId, 400 INVALID_VERSION for a version that
// is not SemVer 2.0.0 without build metadata.
Status ValidateCoordinates(const Coordinates& coordinates);
// "G:A:V,G:A:V" (spaces tolerated) -> validated coordinates, duplicates dropped, order kept.
// 400 INVALID_DEPENDENCY naming the first bad item.
Result<std::vector<Coordinates>> ParseDependencyList(std::string_view list);

}  // namespace agora::assets
