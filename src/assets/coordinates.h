// Validation of asset coordinates (groupId, assetId, version) and of dependency lists. Every
// coordinate that reaches a store, a URL or a file path has passed ValidateCoordinates, so none
// can contain "/", "..", spaces, non-ASCII bytes or other path syntax.
//
// Thread safety: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "assets/asset.h"
#include "common/status.h"

namespace agora::assets {

constexpr size_t kMaxIdLength = 150;           // groupId, assetId
constexpr size_t kMaxCoordinatesLength = 215;  // groupId + assetId + version

// groupId and assetId: 1 to 150 of [A-Za-z0-9._-], not starting with '.' or '-' and without
// "..", else 400 INVALID_COORDINATES naming the part; version: SemVer 2.0.0 without build
// metadata, else 400 INVALID_VERSION; all three together at most 215 characters, else 400
// INVALID_COORDINATES.
Status ValidateCoordinates(const Coordinates& coordinates);
// "G:A:V,G:A:V" (spaces around items and parts tolerated, empty items skipped) -> validated
// coordinates, duplicates dropped, first occurrence order kept. 400 INVALID_DEPENDENCY naming
// the first bad item and why it is bad.
Result<std::vector<Coordinates>> ParseDependencyList(std::string_view list);

}  // namespace agora::assets
