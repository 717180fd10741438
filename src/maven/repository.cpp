#include "maven/repository.h"

#include <algorithm>
#include <memory>
#include <tuple>

#include "common/ids.h"

#include "maven/metadata_xml.h"

namespace agora::maven {
namespace {

Status NotHere(const RepositoryPath& path) {
  return Status::NotFound(path.group_id + ":" + path.artifact_id + (path.version.empty() ? "" : ":" + path.version) +
                          " has no " + path.FileName());
}

// An artifact the principal may not read is answered as one that is not there, as the Exchange API
// answers: another organisation learns nothing of which private artifacts exist.
Status Visible(const auth::Principal& principal, const std::string& organization_id, const RepositoryPath& path) {
  if (!auth::Authorize(principal, organization_id, auth::Action::kRead).ok()) return NotHere(path);
  return Status::Ok();
}

std::string ContentType(const std::string& extension) {
  if (extension == "pom" || extension == "xml" || extension == "wsdl") return "application/xml";
  if (extension == "jar" || extension == "zip") return "application/java-archive";
  if (extension == "json") return "application/json";
  if (extension == "raml" || extension == "yaml" || extension == "yml") return "application/yaml";
  return "application/octet-stream";
}

}  // namespace

Result<RepositoryContent> MavenRepository::Read(const auth::Principal& principal, const std::string& organization_id,
                                                const RepositoryPath& path) {
  if (!organization_id.empty()) AGORA_RETURN_IF_ERROR(auth::Authorize(principal, organization_id, auth::Action::kRead));
  switch (path.kind) {
    case RepositoryPath::Kind::kArtifactMetadata:
    case RepositoryPath::Kind::kVersionMetadata: return Metadata(principal, path);
    case RepositoryPath::Kind::kFile: return File(principal, path);
  }
  return NotHere(path);
}

Result<RepositoryContent> MavenRepository::Metadata(const auth::Principal& principal, const RepositoryPath& path) {
  const bool artifact = path.kind == RepositoryPath::Kind::kArtifactMetadata;
  const std::string key = path.group_id + "/" + path.artifact_id + (artifact ? "" : "/" + path.version);
  (void)metadata_.CatchUp();  // another server's deploy shows at once; if the database is down, the reads say so
  const uint64_t generation = metadata_.Generation();  // noted before reading: see MetadataStore
  if (auto cached = metadata_cache_.Get(key, generation, NowMillis())) {
    AGORA_RETURN_IF_ERROR(Visible(principal, cached->organization_id, path));
    return Generated(*cached->body, path);
  }
  AGORA_ASSIGN_OR_RETURN(WrittenMetadata written,
                         artifact ? ArtifactMetadataXml(principal, path) : SnapshotMetadataXml(principal, path));
  auto text = std::make_shared<const std::string>(std::move(written.text));
  metadata_cache_.Put(key, {text, written.organization_id, generation, NowMillis()});
  return Generated(*text, path);
}

Result<MavenRepository::WrittenMetadata> MavenRepository::ArtifactMetadataXml(const auth::Principal& principal,
                                                                              const RepositoryPath& path) {
  // Every version under a group belongs to the group's owner.
  auto owner = metadata_.GroupOwner(path.group_id);
  if (!owner.ok()) return owner.status().kind() == Status::Kind::kNotFound ? NotHere(path) : owner.status();
  AGORA_RETURN_IF_ERROR(Visible(principal, *owner, path));
  AGORA_ASSIGN_OR_RETURN(auto summaries, metadata_.ListVersionSummaries(path.group_id, path.artifact_id));
  if (summaries.empty()) return NotHere(path);
  ArtifactMetadata metadata{path.group_id, path.artifact_id, {}, 0};
  for (const auto& s : summaries) {
    metadata.versions.push_back(s.version);
    metadata.last_updated_millis = std::max(metadata.last_updated_millis, s.updated_millis);
  }
  return WrittenMetadata{WriteArtifactMetadata(metadata), *owner};
}

Result<MavenRepository::WrittenMetadata> MavenRepository::SnapshotMetadataXml(const auth::Principal& principal,
                                                                              const RepositoryPath& path) {
  AGORA_ASSIGN_OR_RETURN(assets::AssetVersion version, ReadableVersion(principal, path));
  AGORA_ASSIGN_OR_RETURN(storage::SnapshotBuildRecord build, CurrentBuild(version));
  SnapshotMetadata metadata{path.group_id, path.artifact_id, path.version, build.timestamp, build.build_number,
                            build.updated_millis, {}};
  for (const auto& f : version.files) metadata.files.push_back({f.classifier, f.packaging});
  std::sort(metadata.files.begin(), metadata.files.end(), [](const auto& a, const auto& b) {
    return std::tie(a.classifier, a.extension) < std::tie(b.classifier, b.extension);
  });
  return WrittenMetadata{WriteSnapshotMetadata(metadata), version.organization_id};
}

Result<RepositoryContent> MavenRepository::File(const auth::Principal& principal, const RepositoryPath& path) {
  AGORA_ASSIGN_OR_RETURN(assets::AssetVersion version, ReadableVersion(principal, path));
  if (!path.build.empty()) {
    AGORA_ASSIGN_OR_RETURN(storage::SnapshotBuildRecord build, CurrentBuild(version));
    if (path.build != build.timestamp + "-" + std::to_string(build.build_number)) return NotHere(path);
  }
  for (const auto& f : version.files) {
    if (f.classifier != path.classifier || f.packaging != path.extension) continue;
    const storage::BlobInfo blob{f.sha256, f.md5, f.sha1, f.size};
    if (path.checksum) {
      AGORA_ASSIGN_OR_RETURN(std::string digest, checksums_.Of(blob, *path.checksum));
      return RepositoryContent{std::nullopt, "", std::move(digest), "text/plain", std::nullopt};
    }
    const bool counted = !(f.classifier.empty() && f.packaging == "pom") || version.files.size() == 1;
    return RepositoryContent{blob, path.FileName(), "", ContentType(path.extension),
                             counted ? std::optional(version.coordinates) : std::nullopt};
  }
  return NotHere(path);
}

Result<assets::AssetVersion> MavenRepository::ReadableVersion(const auth::Principal& principal,
                                                              const RepositoryPath& path) {
  auto version = metadata_.GetVersion({path.group_id, path.artifact_id, path.version});
  if (!version.ok()) return version.status().kind() == Status::Kind::kNotFound ? NotHere(path) : version.status();
  AGORA_RETURN_IF_ERROR(Visible(principal, version->organization_id, path));
  return version;
}

Result<storage::SnapshotBuildRecord> MavenRepository::CurrentBuild(const assets::AssetVersion& version) {
  AGORA_ASSIGN_OR_RETURN(auto recorded, metadata_.GetSnapshotBuild(version.coordinates));
  if (recorded && recorded->updated_millis >= version.created_millis) return *recorded;
  // Never deployed through Maven, or republished since by the Exchange API: build 1 at creation.
  return storage::SnapshotBuildRecord{SnapshotTimestamp(version.created_millis),
                                      recorded ? recorded->build_number + 1 : 1, version.created_millis};
}

Result<RepositoryContent> MavenRepository::Generated(std::string text, const RepositoryPath& path) {
  if (!path.checksum) return RepositoryContent{std::nullopt, "", std::move(text), "application/xml", std::nullopt};
  return RepositoryContent{std::nullopt, "", DigestHex(*path.checksum, text), "text/plain", std::nullopt};
}

}  // namespace agora::maven
