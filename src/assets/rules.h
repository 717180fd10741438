// Exchange's publication rules that depend only on values: apiVersion per major version, the
// lifecycle states allowed at creation and the transitions between them, and the constraints on
// a version's dependencies. Each returns a Status with the error code clients see; the caller
// gathers the values (existing versions, dependency statuses) from the store.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "assets/asset.h"
#include "common/status.h"

namespace agora::assets {

constexpr size_t kMaxDependencies = 100;
constexpr size_t kMaxApiVersionLength = 256;  // the apiVersion is the asset's versionGroup

// All versions of one major share an apiVersion and different majors have different ones (400
// INVALID_API_VERSION naming the conflicting version); an apiVersion is at most 256 characters
// (400 INVALID_API_VERSION); an http-api's new version must have a greater major than every
// existing one (400 INVALID_VERSION). `existing` holds (version, apiVersion) of the asset's other
// versions; unparseable ones are ignored.
Status CheckApiVersion(const std::string& type, const std::string& version, const std::string& api_version,
                       const std::vector<std::pair<std::string, std::string>>& existing);
// development or published; anything else (deprecated included) is 400 INVALID_STATUS.
Status CheckLifecycleAtCreation(const std::string& status);
// development -> published, published -> deprecated, deprecated -> published; anything else is
// 400 INVALID_TRANSITION.
Status CheckTransition(Lifecycle from, Lifecycle to);
// Exchange's limits on an asset's details, which every version shares: a name of 1 to 256
// characters, a description, contactName and contactEmail of at most 255. `input` names the
// detail ("name", "description", "contactName" or "contactEmail"); a value out of its bounds is
// 400 BAD_REQUEST "<input> must be a string of MIN to MAX characters". Publication and every edit
// check here, so no way of writing a detail is looser than another.
Status CheckAssetDetail(std::string_view input, std::string_view value);
// At most kMaxDependencies dependencies (after duplicates are dropped): 400 TOO_MANY_DEPENDENCIES.
Status CheckDependencyCount(size_t count);
// A published version cannot depend on development versions: 400 DEVELOPMENT_DEPENDENCIES naming
// them in the message and, one each, in errors(). `dependencies` holds (G:A:V, status).
Status CheckDependencyStatuses(Lifecycle status, const std::vector<std::pair<std::string, Lifecycle>>& dependencies);

}  // namespace agora::assets
