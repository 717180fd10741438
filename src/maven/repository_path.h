// The Maven 2 repository layout the facade serves: what a path below a facade base names
// ("com/acme/orders/1.0.0/orders-1.0.0-mule-plugin.jar.sha1"), and the file names Maven expects
// for a version's files, timestamped snapshot builds included.
//
//   {groupId with . as /}/{artifactId}/maven-metadata.xml              artifact metadata
//   {groupId}/{artifactId}/{version}-SNAPSHOT/maven-metadata.xml       snapshot version metadata
//   {groupId}/{artifactId}/{version}/{artifactId}-{version}[-{classifier}].{extension}
//   {groupId}/{artifactId}/{base}-SNAPSHOT/{artifactId}-{base}-{yyyyMMdd.HHmmss}-{build}[-{classifier}].{extension}
//
// each optionally followed by .md5, .sha1, .sha256 or .sha512 (its checksum).
//
// Thread safety: pure functions on values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/hash.h"
#include "common/status.h"

namespace agora::maven {

inline constexpr std::string_view kSnapshotSuffix = "-SNAPSHOT";
inline constexpr std::string_view kMetadataFile = "maven-metadata.xml";

struct RepositoryPath {
  enum class Kind { kArtifactMetadata, kVersionMetadata, kFile };
  Kind kind = Kind::kFile;
  std::string group_id;     // "com.acme" for com/acme
  std::string artifact_id;
  std::string version;      // the version folder ("1.1.0-SNAPSHOT"); empty for artifact metadata
  std::string classifier;   // files: empty for the main artifact and the POM
  std::string extension;    // files: jar, pom, zip, jar.asc, ...
  std::string build;        // timestamped snapshot files: "20240101.120000-3"; empty otherwise
  std::optional<DigestAlgorithm> checksum;  // the path names this checksum of the file or metadata

  // The file or metadata the path names, without the checksum suffix.
  std::string FileName() const;
};

// Parses a path relative to a facade base (no leading slash). 400 INVALID_MAVEN_PATH for a path
// that is not in the layout above: empty, "." or ".." segments, too few segments, or a file name
// that does not start with "{artifactId}-{version}".
Result<RepositoryPath> ParseRepositoryPath(std::string_view path);

bool IsSnapshotVersion(std::string_view version);
// "1.1.0" for "1.1.0-SNAPSHOT"; the version itself otherwise.
std::string BaseVersion(std::string_view version);
// "{artifactId}-{version label}[-{classifier}].{extension}"; the label is the version, or for a
// snapshot build "{base}-{build}".
std::string ArtifactFileName(std::string_view artifact_id, std::string_view version, std::string_view build,
                             std::string_view classifier, std::string_view extension);
// The build of a timestamped snapshot, "{yyyyMMdd.HHmmss}-{buildNumber}": its parts, or nullopt.
struct SnapshotBuild {
  std::string timestamp;  // yyyyMMdd.HHmmss, UTC
  uint32_t number = 0;    // from 1
  std::string ToString() const { return timestamp + "-" + std::to_string(number); }
};
std::optional<SnapshotBuild> ParseSnapshotBuild(std::string_view build);
// The file name's extension of a checksum algorithm ("sha1") and back.
const char* ChecksumExtension(DigestAlgorithm algorithm);

}  // namespace agora::maven
