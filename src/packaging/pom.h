// Maven POMs as Exchange uses them: the POM method of publication reads the asset's coordinates,
// name, description, properties (keywords, mainFile, apiVersion, type, ...) and dependencies
// from an uploaded pom.xml; without one, Exchange generates a POM from the form and stores it
// with the asset. The reader rejects any DOCTYPE, so entity expansion and external entities
// (billion laughs, XXE) cannot happen.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "assets/asset.h"
#include "common/status.h"

namespace agora::packaging {

struct PomDependency {
  std::string group_id;
  std::string artifact_id;
  std::string version;
  std::string classifier;
  std::string type;
};

struct PomModel {
  std::string group_id;
  std::string artifact_id;
  std::string version;
  std::string name;
  std::string description;
  std::string packaging;
  std::vector<assets::Attribute> properties;  // <properties> children, in order
  std::vector<PomDependency> dependencies;
};

constexpr size_t kMaxPomBytes = 1 << 20;

// 400 INVALID_POM for malformed XML (with the offset), a DOCTYPE, a missing <project> or
// missing coordinates (groupId and version may come from <parent>).
Result<PomModel> ParsePom(std::string_view xml);
std::string GeneratePom(const assets::AssetVersion& version);

}  // namespace agora::packaging
