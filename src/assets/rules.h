// Exchange's publication rules that depend only on values: apiVersion per major version, the
// lifecycle states allowed at creation and the transitions between them, and the constraints on
// a version's dependencies. Each returns a Status with the error code clients see; the caller
// gathers the values (existing versions, dependency statuses) from the store.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
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
// At most kMaxDependencies dependencies (after duplicates are dropped): 400 TOO_MANY_DEPENDENCIES.
Status CheckDependencyCount(size_t count);
// A published version cannot depend on development versions: 400 DEVELOPMENT_DEPENDENCIES naming
// them in the message and, one each, in errors(). `dependencies` holds (G:A:V, status).
Status CheckDependencyStatuses(Lifecycle status, const std::vector<std::pair<std::string, Lifecycle>>& dependencies);

}  // namespace agora::assets
