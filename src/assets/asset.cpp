#include "assets/asset.h"

namespace agora::assets {

const char* LifecycleName(Lifecycle lifecycle) {
  switch (lifecycle) {
    case Lifecycle::kDevelopment: return "development";
    case Lifecycle::kPublished: return "published";
    case Lifecycle::kDeprecated: return "deprecated";
  }
  return "published";
}

std::optional<Lifecycle> ParseLifecycle(const std::string& name) {
  if (name == "development") return Lifecycle::kDevelopment;
  if (name == "published") return Lifecycle::kPublished;
  if (name == "deprecated") return Lifecycle::kDeprecated;
  return std::nullopt;
}

std::string AssetVersion::Property(const std::string& key) const {
  for (const auto& p : properties)
    if (p.key == key) return p.value;
  return "";
}

std::string AssetVersion::MinorVersion() const {
  const std::string& v = coordinates.version;
  const auto first = v.find('.');
  if (first == std::string::npos) return v;
  const auto second = v.find_first_of(".-+", first + 1);
  return v.substr(0, second);
}

std::string AssetVersion::VersionGroup() const {
  const std::string api_version = Property("apiVersion");
  return api_version.empty() ? coordinates.version : api_version;
}

}  // namespace agora::assets
