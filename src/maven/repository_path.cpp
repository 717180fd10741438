#include "maven/repository_path.h"

#include <algorithm>
#include <charconv>
#include <vector>

namespace agora::maven {
namespace {

constexpr size_t kMaxPathBytes = 2048;

Status InvalidPath(const std::string& why) {
  return Status::InvalidArgument("INVALID_MAVEN_PATH", "Not a Maven repository path: " + why);
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

constexpr DigestAlgorithm kChecksums[] = {DigestAlgorithm::kMd5, DigestAlgorithm::kSha1, DigestAlgorithm::kSha256,
                                          DigestAlgorithm::kSha512};

// Removes a ".sha1"-style suffix from `name`, returning its algorithm.
std::optional<DigestAlgorithm> StripChecksum(std::string_view& name) {
  for (DigestAlgorithm algorithm : kChecksums) {
    const std::string suffix = std::string(".") + ChecksumExtension(algorithm);
    if (name.size() > suffix.size() && EndsWith(name, suffix)) {
      name.remove_suffix(suffix.size());
      return algorithm;
    }
  }
  return std::nullopt;
}

std::string JoinGroup(const std::vector<std::string_view>& segments, size_t count) {
  std::string group;
  for (size_t i = 0; i < count; ++i) group += (i ? "." : "") + std::string(segments[i]);
  return group;
}

// Classifier and extension from what follows "{artifactId}-{version label}" in a file name.
Status ParseSuffix(std::string_view rest, RepositoryPath& path) {
  if (!rest.empty() && rest.front() == '-') {
    const size_t dot = rest.find('.');
    if (dot == std::string_view::npos || dot == 1) return InvalidPath("the file name has no classifier or extension");
    path.classifier = std::string(rest.substr(1, dot - 1));
    rest = rest.substr(dot);
  }
  if (rest.size() < 2 || rest.front() != '.') return InvalidPath("the file name has no extension after its version");
  path.extension = std::string(rest.substr(1));
  return Status::Ok();
}

Status ParseFileName(std::string_view name, RepositoryPath& path) {
  const std::string prefix = path.artifact_id + "-";
  if (name.substr(0, prefix.size()) != prefix)
    return InvalidPath("the file name does not start with '" + prefix + "'");
  std::string_view rest = name.substr(prefix.size());
  if (rest.substr(0, path.version.size()) == path.version) return ParseSuffix(rest.substr(path.version.size()), path);
  if (IsSnapshotVersion(path.version)) {
    const std::string base = BaseVersion(path.version) + "-";
    if (rest.substr(0, base.size()) == base) {
      rest.remove_prefix(base.size());
      // "{yyyyMMdd.HHmmss}-{n}", then the classifier or the extension.
      size_t end = std::min<size_t>(16, rest.size());
      while (end < rest.size() && rest[end] >= '0' && rest[end] <= '9') ++end;
      const std::string_view build = rest.substr(0, end);
      if (ParseSnapshotBuild(build)) {
        path.build = std::string(build);
        return ParseSuffix(rest.substr(end), path);
      }
    }
  }
  return InvalidPath("the file name does not carry the version " + path.version);
}

}  // namespace

const char* ChecksumExtension(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kMd5: return "md5";
    case DigestAlgorithm::kSha1: return "sha1";
    case DigestAlgorithm::kSha256: return "sha256";
    case DigestAlgorithm::kSha512: return "sha512";
  }
  return "sha1";
}

bool IsSnapshotVersion(std::string_view version) {
  return version.size() > kSnapshotSuffix.size() && EndsWith(version, kSnapshotSuffix);
}

std::string BaseVersion(std::string_view version) {
  if (IsSnapshotVersion(version)) version.remove_suffix(kSnapshotSuffix.size());
  return std::string(version);
}

std::optional<SnapshotBuild> ParseSnapshotBuild(std::string_view build) {
  // yyyyMMdd.HHmmss-N
  if (build.size() < 17 || build[8] != '.' || build[15] != '-') return std::nullopt;
  const std::string_view date = build.substr(0, 8), time = build.substr(9, 6), number = build.substr(16);
  if (!AllDigits(date) || !AllDigits(time) || !AllDigits(number) || number.size() > 9 || number[0] == '0')
    return std::nullopt;
  SnapshotBuild parsed{std::string(build.substr(0, 15)), 0};
  std::from_chars(number.data(), number.data() + number.size(), parsed.number);
  return parsed;
}

std::string ArtifactFileName(std::string_view artifact_id, std::string_view version, std::string_view build,
                             std::string_view classifier, std::string_view extension) {
  std::string name = std::string(artifact_id) + "-";
  name += build.empty() ? std::string(version) : BaseVersion(version) + "-" + std::string(build);
  if (!classifier.empty()) name += "-" + std::string(classifier);
  return name + "." + std::string(extension);
}

std::string RepositoryPath::FileName() const {
  if (kind != Kind::kFile) return std::string(kMetadataFile);
  return ArtifactFileName(artifact_id, version, build, classifier, extension);
}

Result<RepositoryPath> ParseRepositoryPath(std::string_view text) {
  if (text.empty() || text.size() > kMaxPathBytes) return InvalidPath("empty or too long");
  std::vector<std::string_view> segments;
  for (size_t start = 0;;) {
    const size_t slash = text.find('/', start);
    const std::string_view segment = text.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (segment.empty() || segment == "." || segment == "..")
      return InvalidPath("empty, '.' and '..' segments are not allowed");
    segments.push_back(segment);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  const size_t n = segments.size();
  if (n < 3) return InvalidPath("expected at least {groupId}/{artifactId}/{file}");
  // The groupId's folders: one starting or ending with '.', or holding "..", would give a groupId
  // with an empty part, whose own folders are not these.
  for (size_t i = 0; i + 2 < n; ++i)
    if (segments[i].front() == '.' || segments[i].back() == '.' || segments[i].find("..") != std::string_view::npos)
      return InvalidPath("a folder may not start or end with '.' or hold '..'");
  RepositoryPath path;
  std::string_view name = segments[n - 1];
  path.checksum = StripChecksum(name);
  if (name == kMetadataFile) {
    // Version-level metadata exists only for snapshots; any other folder above it is the artifact.
    if (IsSnapshotVersion(segments[n - 2])) {  // never an artifactId: the artifact's folders are missing
      if (n < 4) return InvalidPath("expected {groupId}/{artifactId}/{version}-SNAPSHOT/maven-metadata.xml");
      path.kind = RepositoryPath::Kind::kVersionMetadata;
      path.version = std::string(segments[n - 2]);
      path.artifact_id = std::string(segments[n - 3]);
      path.group_id = JoinGroup(segments, n - 3);
    } else {
      path.kind = RepositoryPath::Kind::kArtifactMetadata;
      path.artifact_id = std::string(segments[n - 2]);
      path.group_id = JoinGroup(segments, n - 2);
    }
    return path;
  }
  if (n < 4) return InvalidPath("expected {groupId}/{artifactId}/{version}/{file}");
  path.kind = RepositoryPath::Kind::kFile;
  path.version = std::string(segments[n - 2]);
  path.artifact_id = std::string(segments[n - 3]);
  path.group_id = JoinGroup(segments, n - 3);
  AGORA_RETURN_IF_ERROR(ParseFileName(name, path));
  return path;
}

}  // namespace agora::maven
