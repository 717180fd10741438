// maven-metadata.xml as the facade writes it from agora's own records (an artifact's versions,
// a snapshot version's current build and its files), and the hints the facade takes from the
// client's own upload of it, which is never stored nor trusted: it only tells which staged
// version a deploy has finished.
//
// The same records always give the same bytes (no "now" in them), so a checksum fetched after
// the XML matches it unless a deploy came in between.
//
// Thread safety: pure functions on values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agora::maven {

// {groupId}/{artifactId}/maven-metadata.xml.
struct ArtifactMetadata {
  std::string group_id;
  std::string artifact_id;
  std::vector<std::string> versions;  // any order: written in version order
  int64_t last_updated_millis = 0;
};
// <latest> is the highest version, <release> the highest that is not a -SNAPSHOT.
std::string WriteArtifactMetadata(const ArtifactMetadata& metadata);

// {groupId}/{artifactId}/{base}-SNAPSHOT/maven-metadata.xml.
struct SnapshotMetadata {
  struct File {
    std::string classifier;  // empty for the main artifact and the POM
    std::string extension;
  };
  std::string group_id;
  std::string artifact_id;
  std::string version;    // "1.1.0-SNAPSHOT"
  std::string timestamp;  // the current build's, yyyyMMdd.HHmmss
  uint32_t build_number = 0;
  int64_t last_updated_millis = 0;
  std::vector<File> files;
};
std::string WriteSnapshotMetadata(const SnapshotMetadata& metadata);

// What a client's maven-metadata.xml says; empty fields for anything it lacks. nullopt when it is
// not well-formed XML with a <metadata> root.
struct ClientMetadata {
  std::vector<std::string> versions;  // <versions>, <latest> and <release>
  std::string snapshot_timestamp;
  uint32_t snapshot_build_number = 0;
};
std::optional<ClientMetadata> ReadClientMetadata(std::string_view xml);

// UTC "yyyyMMddHHmmss" (<lastUpdated>) and "yyyyMMdd.HHmmss" (snapshot timestamps).
std::string LastUpdatedStamp(int64_t millis);
std::string SnapshotTimestamp(int64_t millis);

}  // namespace agora::maven
