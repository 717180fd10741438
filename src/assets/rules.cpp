#include "assets/rules.h"

#include <algorithm>

#include "assets/semver.h"
#include "assets/text.h"

namespace agora::assets {
namespace {

Status Invalid(const std::string& code, const std::string& message) {
  return Status::InvalidArgument(code, message, {message});
}

}  // namespace

Status CheckApiVersion(const std::string& type, const std::string& version, const std::string& api_version,
                       const std::vector<std::pair<std::string, std::string>>& existing) {
  const auto parsed = ParseSemVer(version);
  if (!parsed) return Invalid("INVALID_VERSION", "Invalid version " + text::Quoted(version));
  if (api_version.size() > kMaxApiVersionLength)
    return Invalid("INVALID_API_VERSION", "apiVersion must have at most 256 characters");
  for (const auto& [other_version, other_api_version] : existing) {
    const auto other = ParseSemVer(other_version);
    if (!other) continue;
    if (type == "http-api" && other->major >= parsed->major) {
      return Invalid("INVALID_VERSION", "Each new version of an HTTP API must increase the major version: " +
                                            version + " does not exceed " + other_version);
    }
    if (other->major == parsed->major && other_api_version != api_version) {
      return Invalid("INVALID_API_VERSION", "Version " + other_version + " of the same major version has apiVersion " +
                                                text::Quoted(other_api_version) + ", not " + text::Quoted(api_version));
    }
    if (other->major != parsed->major && other_api_version == api_version) {
      return Invalid("INVALID_API_VERSION", "apiVersion " + text::Quoted(api_version) + " is already used by version " +
                                                other_version + " of another major version");
    }
  }
  return Status::Ok();
}

Status CheckLifecycleAtCreation(const std::string& status) {
  if (status == "development" || status == "published") return Status::Ok();
  return Invalid("INVALID_STATUS",
                 "Invalid status " + text::Quoted(status) + ": an asset is created as development or published");
}

Status CheckTransition(Lifecycle from, Lifecycle to) {
  const bool allowed = (from == Lifecycle::kDevelopment && to == Lifecycle::kPublished) ||
                       (from == Lifecycle::kPublished && to == Lifecycle::kDeprecated) ||
                       (from == Lifecycle::kDeprecated && to == Lifecycle::kPublished);
  if (allowed) return Status::Ok();
  return Invalid("INVALID_TRANSITION", std::string("A version cannot go from ") + LifecycleName(from) + " to " +
                                           LifecycleName(to));
}

Status CheckAssetDetail(std::string_view input, std::string_view value) {
  const size_t min = input == "name" ? 1 : 0, max = input == "name" ? 256 : 255;
  // Characters, not bytes: a UTF-8 character is one byte that is not a continuation byte.
  const auto characters = static_cast<size_t>(
      std::count_if(value.begin(), value.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  if (characters >= min && characters <= max) return Status::Ok();
  return Status::InvalidArgument("BAD_REQUEST", std::string(input) + " must be a string of " + std::to_string(min) +
                                                    " to " + std::to_string(max) + " characters");
}

Status CheckDependencyCount(size_t count) {
  if (count <= kMaxDependencies) return Status::Ok();
  return Invalid("TOO_MANY_DEPENDENCIES", "An asset may declare at most " + std::to_string(kMaxDependencies) +
                                              " dependencies, got " + std::to_string(count));
}

Status CheckDependencyStatuses(Lifecycle status, const std::vector<std::pair<std::string, Lifecycle>>& dependencies) {
  if (status == Lifecycle::kDevelopment) return Status::Ok();
  std::vector<std::string> in_development;
  for (const auto& [name, dependency_status] : dependencies)
    if (dependency_status == Lifecycle::kDevelopment) in_development.push_back(name);
  if (in_development.empty()) return Status::Ok();
  std::string names;
  for (const auto& n : in_development) names += (names.empty() ? "" : ", ") + n;
  return Status::InvalidArgument("DEVELOPMENT_DEPENDENCIES",
                                 "A published asset cannot depend on development versions: " + names, in_development);
}

}  // namespace agora::assets
