// Exchange's publication rules that depend only on values: apiVersion per major version, the
// lifecycle states allowed at creation, and lifecycle constraints between an asset and its
// dependencies. Each returns a Status with the error code clients see.
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

// All versions of one major share an apiVersion and different majors have different ones (400
// INVALID_API_VERSION); an http-api's new version must bump the major (400 INVALID_VERSION).
// `existing` holds (version, apiVersion) of the asset's other versions.
Status CheckApiVersion(const std::string& type, const std::string& version, const std::string& api_version,
                       const std::vector<std::pair<std::string, std::string>>& existing);
// development or published; anything else (deprecated included) is 400 INVALID_STATUS.
Status CheckLifecycleAtCreation(const std::string& status);
// development -> published, published -> deprecated, deprecated -> published; anything else is
// 400 INVALID_TRANSITION.
Status CheckTransition(Lifecycle from, Lifecycle to);
// A published version cannot depend on development versions: 400 DEVELOPMENT_DEPENDENCIES.
Status CheckDependencyStatuses(Lifecycle status, const std::vector<std::pair<std::string, Lifecycle>>& dependencies);

}  // namespace agora::assets
