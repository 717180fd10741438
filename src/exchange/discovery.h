// Reading the catalogue: how listing and search requests (GET /assets, /assets/search) become an
// AssetQuery, and how an asset's versions are summarised (the latest version, otherVersions,
// versionGroups). Kept apart from the handlers so the query rules are testable without HTTP.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include <boost/json/array.hpp>

#include "assets/asset.h"
#include "common/status.h"
#include "server/http.h"
#include "storage/metadata_store.h"

namespace agora::exchange {

constexpr size_t kMaxPageSize = 250;

// Query parameters -> query; only `readable_organization` is ever searched. 400 for a bad limit,
// offset or type.
Result<storage::AssetQuery> AssetQueryFromRequest(const server::Request& request,
                                                  const std::string& readable_organization);
// The highest version by SemVer precedence (versions must not be empty).
const assets::AssetVersion& LatestVersion(const std::vector<assets::AssetVersion>& versions);
// Summaries of every version but `excluded` (if any), newest first.
boost::json::array VersionsJson(const std::vector<assets::AssetVersion>& versions, const assets::AssetVersion* excluded);
// [{organizationId, groupId, assetId, versionGroup, major, isPublic}], highest major first.
boost::json::array VersionGroupsJson(const std::vector<assets::AssetVersion>& versions);

}  // namespace agora::exchange
