// Fuzzes what the Maven facade reads from a client: the input's first line is a repository path
// (a deploy's or a read's, below the facade's base) and the rest the body of an upload of it, read
// both as a client's maven-metadata.xml and as a pom.xml (parsed, then interpolated as a deploy
// does). Beyond not crashing, it checks the facade's own invariants, trapping when one breaks:
//   - a parsed file path names its file again: ArtifactFileName of its parts is the path's last
//     segment (without the checksum suffix), and the path rebuilt from its parts parses the same;
//   - a version the path names as a snapshot build parses as a build;
//   - the metadata agora writes for the versions a client's upload names reads back with exactly
//     those versions, and the same versions write the same bytes.
#include <algorithm>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_target.h"
#include "maven/metadata_xml.h"
#include "maven/repository_path.h"
#include "packaging/pom.h"

namespace {

using agora::maven::RepositoryPath;

void Require(bool invariant) {
  if (!invariant) __builtin_trap();
}

std::string Rebuilt(const RepositoryPath& p) {
  std::string path = p.group_id;
  std::replace(path.begin(), path.end(), '.', '/');
  path += "/" + p.artifact_id + "/";
  if (!p.version.empty()) path += p.version + "/";
  path += p.FileName();
  if (p.checksum) path += std::string(".") + agora::maven::ChecksumExtension(*p.checksum);
  return path;
}

void CheckPath(std::string_view text) {
  auto parsed = agora::maven::ParseRepositoryPath(text);
  if (!parsed.ok()) return;
  const RepositoryPath& p = *parsed;
  if (p.kind == RepositoryPath::Kind::kFile) {
    Require(p.FileName() ==
            agora::maven::ArtifactFileName(p.artifact_id, p.version, p.build, p.classifier, p.extension));
    if (!p.build.empty()) Require(agora::maven::ParseSnapshotBuild(p.build).has_value());
  }
  auto again = agora::maven::ParseRepositoryPath(Rebuilt(p));
  Require(again.ok());
  Require(again->kind == p.kind && again->group_id == p.group_id && again->artifact_id == p.artifact_id &&
          again->version == p.version && again->classifier == p.classifier && again->extension == p.extension &&
          again->build == p.build && again->checksum == p.checksum);
}

void CheckMetadata(std::string_view body) {
  auto client = agora::maven::ReadClientMetadata(body);
  if (!client) return;
  const agora::maven::ArtifactMetadata written{"g", "a", client->versions, 0};
  const std::string xml = agora::maven::WriteArtifactMetadata(written);
  std::vector<std::string> reversed(client->versions.rbegin(), client->versions.rend());
  Require(agora::maven::WriteArtifactMetadata({"g", "a", reversed, 0}) == xml);
  auto back = agora::maven::ReadClientMetadata(xml);
  Require(back.has_value());
  const std::set<std::string> named(client->versions.begin(), client->versions.end());
  const std::set<std::string> read(back->versions.begin(), back->versions.end());
  Require(named == read);
}

void CheckPom(std::string_view body) {
  auto pom = agora::packaging::ParsePom(body);
  if (!pom.ok()) return;
  const auto inherited = pom->properties;  // as a parent's would be
  agora::packaging::InterpolatePom(*pom, {{"project.version", "1.0.0"}, {"revision", "1.0.0"}}, inherited);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  CheckPath(input.substr(0, newline));
  if (newline == std::string_view::npos) return 0;
  const std::string_view body = input.substr(newline + 1);
  CheckMetadata(body);
  CheckPom(body);
  return 0;
}
