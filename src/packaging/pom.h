// Maven POMs as Exchange uses them: the POM method of publication reads the asset's coordinates,
// name, description, properties (keywords, mainFile, apiVersion, type, ...) and dependencies
// from an uploaded pom.xml; without one, Exchange generates a POM from the form and stores it
// with the asset, where Maven clients fetch it. Uploaded POMs are hostile input: the reader
// rejects any DOCTYPE, so entity expansion and external entities (billion laughs, XXE) cannot
// happen, and bounds the size and nesting depth.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
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
  PomDependency parent;  // <parent>'s coordinates; empty without one
  std::vector<assets::Attribute> properties;  // <properties> children, in order
  // Exchange's mutable data in <properties>: <categories key="K">v1,v2</categories> and
  // <fields key="K">v</fields> (key and text), kept apart from the other properties.
  std::vector<assets::Attribute> categories;
  std::vector<assets::Attribute> fields;
  std::vector<PomDependency> dependencies;
};

constexpr size_t kMaxPomBytes = 1 << 20;
constexpr int kMaxPomDepth = 32;  // real POMs nest about 6 levels deep

// The model of a POM; text values are trimmed. 400 INVALID_POM (naming the line and column)
// for XML that is malformed, too large or too deep, has a DOCTYPE, has no <project> root, or
// lacks groupId, artifactId or version (groupId and version may come from <parent>).
Result<PomModel> ParsePom(std::string_view xml);

// Resolves "${...}" references in the model's text values as Maven builds an effective POM, for
// POMs deployed as written (Maven uploads pom.xml without interpolating it): `given` first (the
// caller's knowledge, such as the coordinates a deploy path names), then project.groupId,
// project.artifactId, project.version, project.packaging, project.name, project.description and
// project.parent.* (and their pom.* and bare Maven 2 forms), then <properties>, then `inherited`
// (a parent POM's properties). References resolve recursively; unknown ones, and cycles, are left
// as written.
void InterpolatePom(PomModel& pom, const std::vector<assets::Attribute>& given,
                    const std::vector<assets::Attribute>& inherited = {});

// The POM Exchange stores when none was uploaded: modelVersion 4.0.0, the coordinates, name,
// description, the packaging of the version's first uploaded file, <properties> (type,
// apiVersion, mainFile, keywords, tags, contactName, contactEmail, then the other properties;
// keys that are not XML names are left out) and <dependencies>, each with the classifier and
// type `typed` gives its coordinates (the dependency's main file, so that a Maven build resolves
// that file rather than a jar that does not exist). Values are XML-escaped and characters XML 1.0
// cannot carry are dropped, so ParsePom(GeneratePom(v)) gives back v's data.
std::string GeneratePom(const assets::AssetVersion& version, const std::vector<PomDependency>& typed = {});

}  // namespace agora::packaging
