#include "maven/deploys.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "assets/coordinates.h"
#include "common/ids.h"
#include "maven/metadata_xml.h"

namespace agora::maven {
namespace {

constexpr size_t kBodyBuffer = 1 << 20;
constexpr uint64_t kMaxPomBytes = packaging::kMaxPomBytes;
constexpr int kMaxParentDepth = 5;  // parent POMs read for inherited properties

// POM properties that are asset properties (the rest configure the build, not the asset).
constexpr const char* kAssetProperties[] = {"apiVersion", "mainFile", "assetLink"};

bool IsImmutable(const assets::AssetVersion& version) { return version.status != assets::Lifecycle::kDevelopment; }

const assets::AssetFile* FindFile(const assets::AssetVersion& version, const std::string& classifier,
                                  const std::string& extension) {
  for (const auto& f : version.files)
    if (f.classifier == classifier && f.packaging == extension) return &f;
  return nullptr;
}

storage::BlobInfo BlobOf(const storage::StagedFile& f) { return {f.sha256, f.md5, f.sha1, f.size}; }
storage::BlobInfo BlobOf(const assets::AssetFile& f) { return {f.sha256, f.md5, f.sha1, f.size}; }

bool SameFile(const storage::StagedFile& f, const RepositoryPath& path) {
  return f.coordinates.version == path.version && f.build == path.build && f.classifier == path.classifier &&
         f.extension == path.extension;
}

Status ImmutableVersion(const assets::Coordinates& c, const std::string& why) {
  return Status::Conflict("IMMUTABLE_VERSION", c.ToString() + " is published and cannot change: " + why +
                                                   " (deploy a new version; only identical files may be sent again)");
}

// The first word of a checksum upload ("<hex>" or "<hex>  <file name>"), lowercase.
std::string ChecksumWord(std::string_view body) {
  const size_t begin = body.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  const size_t end = body.find_first_of(" \t\r\n", begin);
  std::string word(body.substr(begin, end == std::string_view::npos ? end : end - begin));
  std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::tolower(c); });
  return word;
}

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

std::string PropertyOf(const packaging::PomModel& pom, const std::string& key) {
  for (const auto& p : pom.properties)
    if (p.key == key) return p.value;
  return "";
}

std::optional<std::string> NonEmpty(const std::string& value) {
  if (value.empty()) return std::nullopt;
  return value;
}

}  // namespace

MavenDeploys::MavenDeploys(storage::MetadataStore& metadata, storage::BlobStore& blobs, publication::BlobReaper& reaper,
                           publication::Publisher& publisher, Checksums& checksums)
    : metadata_(metadata), blobs_(blobs), reaper_(reaper), publisher_(publisher), checksums_(checksums) {}

Result<std::unique_ptr<storage::MetadataStore::HeldLock>> MavenDeploys::LockFolder(const assets::Coordinates& c) {
  return metadata_.LockName("maven-deploy:" + c.ToString());
}

Result<MavenDeploys::Stored> MavenDeploys::PutFile(const Deployer& deployer, const RepositoryPath& path,
                                                   std::optional<uint64_t> length, const BodyReader& body) {
  const assets::Coordinates c{path.group_id, path.artifact_id, path.version};
  auto existing = metadata_.GetVersion(c);
  if (existing.ok() && IsImmutable(*existing)) return CompareWithPublished(*existing, path, length, body);
  if (!existing.ok() && existing.status().kind() != Status::Kind::kNotFound) return existing.status();
  AGORA_RETURN_IF_ERROR(Stage(deployer, path, body));
  return Stored::kStaged;
}

Result<MavenDeploys::Stored> MavenDeploys::CompareWithPublished(const assets::AssetVersion& version,
                                                                const RepositoryPath& path,
                                                                std::optional<uint64_t> length,
                                                                const BodyReader& body) {
  const assets::AssetFile* stored = FindFile(version, path.classifier, path.extension);
  const std::string name = path.FileName();
  if (!stored) return ImmutableVersion(version.coordinates, "it has no file " + name);
  if (length && *length != stored->size) return ImmutableVersion(version.coordinates, name + " differs from the stored file");
  Hasher hasher(DigestAlgorithm::kSha256);
  std::vector<char> buffer(kBodyBuffer);
  while (true) {
    AGORA_ASSIGN_OR_RETURN(size_t n, body(buffer.data(), buffer.size()));
    if (n == 0) break;
    hasher.Update(buffer.data(), n);
  }
  if (hasher.Finish() != stored->sha256) return ImmutableVersion(version.coordinates, name + " differs from the stored file");
  return Stored::kAlreadyPublished;
}

Status MavenDeploys::Stage(const Deployer& deployer, const RepositoryPath& path,
                                              const BodyReader& body) {
  publication::BlobLease lease(reaper_);
  AGORA_ASSIGN_OR_RETURN(auto writer, blobs_.NewWriter());
  std::vector<char> buffer(kBodyBuffer);
  while (true) {
    AGORA_ASSIGN_OR_RETURN(size_t n, body(buffer.data(), buffer.size()));
    if (n == 0) break;
    AGORA_RETURN_IF_ERROR(writer->Append(buffer.data(), n));
  }
  AGORA_ASSIGN_OR_RETURN(storage::BlobInfo blob, lease.Commit(*writer));
  storage::StagedFile row{deployer.organization_id,
                          {path.group_id, path.artifact_id, path.version},
                          path.build,
                          path.classifier,
                          path.extension,
                          blob.sha256,
                          blob.md5,
                          blob.sha1,
                          blob.size,
                          deployer.subject,
                          NowMillis()};
  std::string replaced;
  {
    AGORA_ASSIGN_OR_RETURN(auto lock, LockFolder(row.coordinates));
    AGORA_ASSIGN_OR_RETURN(replaced, metadata_.PutStagedFile(row));
  }
  lease.Release(/*sweep=*/false);  // the staged row holds the blob now
  // A failed sweep only leaves garbage behind, which the startup collection removes.
  if (!replaced.empty() && replaced != blob.sha256) (void)reaper_.Sweep({replaced});
  return Status::Ok();
}

Status MavenDeploys::PutChecksum(const RepositoryPath& path, std::string_view body) {
  const DigestAlgorithm algorithm = *path.checksum;
  const std::string theirs = ChecksumWord(body);
  const std::string algorithm_name = Upper(ChecksumExtension(algorithm));
  const std::string name = path.FileName();
  AGORA_ASSIGN_OR_RETURN(auto staged, metadata_.ListStagedFiles(path.group_id, path.artifact_id));
  for (const auto& f : staged) {
    if (!SameFile(f, path)) continue;
    AGORA_ASSIGN_OR_RETURN(std::string ours, checksums_.Of(BlobOf(f), algorithm));
    if (ours == theirs) return Status::Ok();
    (void)Discard({f});
    return Status::InvalidArgument("CHECKSUM_MISMATCH", "The " + algorithm_name + " of " + name + " is " + ours +
                                                            ", the client sent " + theirs.substr(0, 128) +
                                                            ": the upload was damaged and is dropped; deploy again");
  }
  auto version = metadata_.GetVersion({path.group_id, path.artifact_id, path.version});
  if (!version.ok() && version.status().kind() != Status::Kind::kNotFound) return version.status();
  const assets::AssetFile* stored = version.ok() ? FindFile(*version, path.classifier, path.extension) : nullptr;
  if (!stored) return Status::Conflict("NOTHING_TO_CHECK", name + " was not uploaded: send the file before its checksum");
  AGORA_ASSIGN_OR_RETURN(std::string ours, checksums_.Of(BlobOf(*stored), algorithm));
  if (ours == theirs) return Status::Ok();
  return Status::Conflict("CHECKSUM_MISMATCH", "The " + algorithm_name + " of the stored " + name + " is " + ours +
                                                   ", the client sent " + theirs.substr(0, 128));
}

Status MavenDeploys::PutMetadata(const Deployer& deployer, const RepositoryPath& path, std::string_view body) {
  if (path.checksum) return Status::Ok();  // agora writes the metadata and its checksums itself
  const std::optional<ClientMetadata> read = ReadClientMetadata(body);
  if (!read)
    return Status::InvalidArgument("INVALID_METADATA", "The uploaded maven-metadata.xml is not well-formed metadata XML");
  const ClientMetadata& hints = *read;
  if (path.kind == RepositoryPath::Kind::kVersionMetadata) {
    std::string build;
    if (!hints.snapshot_timestamp.empty() && hints.snapshot_build_number > 0)
      build = hints.snapshot_timestamp + "-" + std::to_string(hints.snapshot_build_number);
    return Complete(deployer, {path.group_id, path.artifact_id, path.version}, build);
  }
  AGORA_ASSIGN_OR_RETURN(auto staged, metadata_.ListStagedFiles(path.group_id, path.artifact_id));
  std::set<std::string> versions;
  for (const auto& f : staged)
    if (std::find(hints.versions.begin(), hints.versions.end(), f.coordinates.version) != hints.versions.end())
      versions.insert(f.coordinates.version);
  for (const auto& version : versions)
    AGORA_RETURN_IF_ERROR(Complete(deployer, {path.group_id, path.artifact_id, version}, ""));
  return Status::Ok();
}

Status MavenDeploys::Complete(const Deployer& deployer, const assets::Coordinates& c, const std::string& build_hint) {
  AGORA_ASSIGN_OR_RETURN(auto lock, LockFolder(c));
  AGORA_ASSIGN_OR_RETURN(auto staged, metadata_.ListStagedFiles(c.group_id, c.asset_id));
  // The build the client names, else the one staged last (a snapshot version may hold an
  // abandoned build too; other versions have only the build "").
  std::map<std::string, int64_t> builds;  // build -> when its newest file was staged
  for (const auto& f : staged)
    if (f.coordinates.version == c.version) builds[f.build] = std::max(builds[f.build], f.staged_millis);
  if (builds.empty()) return Status::Ok();  // nothing staged: a retry, or already published
  std::string build = build_hint;
  if (!builds.count(build)) {
    build = builds.begin()->first;
    for (const auto& [b, when] : builds)
      if (when > builds[build]) build = b;
  }
  std::vector<storage::StagedFile> files;
  for (const auto& f : staged)
    if (f.coordinates.version == c.version && f.build == build) files.push_back(f);
  return Publish(deployer, c, files);
}

Status MavenDeploys::Publish(const Deployer& deployer, const assets::Coordinates& c,
                             const std::vector<storage::StagedFile>& files) {
  const std::string build = files.front().build;
  // A snapshot build's files replace the version's: their blobs may become unreferenced.
  std::vector<std::string> candidates;
  if (auto previous = metadata_.GetVersion(c); previous.ok())
    for (const auto& f : previous->files) candidates.push_back(f.sha256);
  auto request = BuildRequest(deployer, c, files);
  auto published = request.ok() ? publisher_.Publish(*request) : Result<assets::AssetVersion>(request.status());
  if (!published.ok()) {
    (void)Discard(files);
    return published.status().Prefixed("Publishing " + c.ToString() + " failed: ");
  }
  if (IsSnapshotVersion(c.version)) {
    storage::SnapshotBuildRecord record{SnapshotTimestamp(NowMillis()), 1, NowMillis()};
    if (auto parsed = ParseSnapshotBuild(build)) {
      record.timestamp = parsed->timestamp;
      record.build_number = parsed->number;
    } else if (auto last = metadata_.GetSnapshotBuild(c); last.ok() && *last) {
      record.build_number = (*last)->build_number + 1;  // a snapshot deployed without timestamps
    }
    AGORA_RETURN_IF_ERROR(metadata_.PutSnapshotBuild(c, record));
  }
  AGORA_RETURN_IF_ERROR(metadata_.DeleteStagedFiles(c, build));
  for (const auto& f : files) candidates.push_back(f.sha256);
  return reaper_.Sweep(candidates);
}

Status MavenDeploys::Discard(const std::vector<storage::StagedFile>& files) {
  std::vector<std::string> blobs;
  for (const auto& f : files) {
    AGORA_RETURN_IF_ERROR(metadata_.DeleteStagedFiles(f.coordinates, f.build, std::pair{f.classifier, f.extension}));
    blobs.push_back(f.sha256);
  }
  return reaper_.Sweep(blobs);
}

Result<publication::PublicationRequest> MavenDeploys::BuildRequest(const Deployer& deployer,
                                                                    const assets::Coordinates& c,
                                                                    const std::vector<storage::StagedFile>& files) {
  packaging::PomModel pom;  // without an uploaded POM, the path's coordinates
  pom.group_id = c.group_id;
  pom.artifact_id = c.asset_id;
  pom.version = c.version;
  publication::PublicationRequest request;
  request.from_maven = true;
  request.organization_id = deployer.organization_id;
  request.coordinates = c;
  request.created_by = deployer.subject;
  for (const auto& f : files) {
    request.files.push_back({f.classifier, f.extension, ArtifactFileName(c.asset_id, c.version, f.build, f.classifier, f.extension),
                             BlobOf(f)});
    if (f.classifier.empty() && f.extension == "pom") {
      AGORA_ASSIGN_OR_RETURN(std::string text, ReadPomBlob(f.sha256));
      AGORA_ASSIGN_OR_RETURN(pom, packaging::ParsePom(text));
    }
  }
  // What the deploy path says is what the build resolved: "${revision}" was the path's version.
  std::vector<assets::Attribute> given = {
      {"project.groupId", c.group_id}, {"project.artifactId", c.asset_id}, {"project.version", c.version}};
  if (pom.version.size() > 3 && pom.version.rfind("${", 0) == 0 && pom.version.find("${", 2) == std::string::npos &&
      pom.version.back() == '}')
    given.push_back({pom.version.substr(2, pom.version.size() - 3), c.version});
  AGORA_ASSIGN_OR_RETURN(auto inherited, ParentProperties(pom.parent, 0));
  packaging::InterpolatePom(pom, given, inherited);
  if (pom.group_id != c.group_id || pom.artifact_id != c.asset_id || pom.version != c.version)
    return Status::InvalidArgument("POM_COORDINATES_MISMATCH", "The POM's coordinates " + pom.group_id + ":" +
                                                                   pom.artifact_id + ":" + pom.version +
                                                                   " are not the deploy path's " + c.ToString());

  // Name and description are the asset's, set by its first version.
  AGORA_ASSIGN_OR_RETURN(auto existing, metadata_.ListVersionSummaries(c.group_id, c.asset_id));
  auto first = existing.empty() ? Result<assets::AssetVersion>(Status::NotFound(""))
                                : metadata_.GetVersion({c.group_id, c.asset_id, existing.front().version});
  request.name = first.ok() ? first->name : (pom.name.empty() ? c.asset_id : pom.name);
  request.description = first.ok() ? first->description : pom.description;
  request.status = IsSnapshotVersion(c.version) ? "development" : "published";
  request.type = NonEmpty(PropertyOf(pom, "type"));
  request.keywords = NonEmpty(PropertyOf(pom, "keywords"));
  request.tags = NonEmpty(PropertyOf(pom, "tags"));
  request.contact_name = NonEmpty(PropertyOf(pom, "contactName"));
  request.contact_email = NonEmpty(PropertyOf(pom, "contactEmail"));
  for (const char* key : kAssetProperties)
    if (std::string value = PropertyOf(pom, key); !value.empty()) request.properties.push_back({key, value});
  for (const auto& item : pom.categories) request.categories.push_back({item.key, item.value});
  for (const auto& item : pom.fields) request.fields.push_back({item.key, item.value});

  // Dependencies on the organisation's own assets, as the Exchange API takes them.
  std::string dependencies;
  for (const auto& d : pom.dependencies) {
    const assets::Coordinates dependency{d.group_id, d.artifact_id, d.version};
    if (!assets::ValidateCoordinates(dependency).ok()) continue;
    auto found = metadata_.GetVersion(dependency);
    if (!found.ok() || found->organization_id != deployer.organization_id) continue;
    dependencies += (dependencies.empty() ? "" : ",") + dependency.ToString();
  }
  request.dependencies = NonEmpty(dependencies);
  return request;
}

// A parent POM's properties, if the parent is in agora, then its own parent's, up to a depth.
Result<std::vector<assets::Attribute>> MavenDeploys::ParentProperties(const packaging::PomDependency& parent, int depth) {
  std::vector<assets::Attribute> properties;
  if (parent.group_id.empty() || parent.artifact_id.empty() || depth >= kMaxParentDepth) return properties;
  auto version = metadata_.GetVersion({parent.group_id, parent.artifact_id, parent.version});
  if (!version.ok()) return properties;  // a parent from elsewhere: its properties are unknown here
  const assets::AssetFile* pom_file = FindFile(*version, "", "pom");
  if (!pom_file) return properties;
  AGORA_ASSIGN_OR_RETURN(std::string text, ReadPomBlob(pom_file->sha256));
  auto pom = packaging::ParsePom(text);
  if (!pom.ok()) return properties;
  properties = pom->properties;
  AGORA_ASSIGN_OR_RETURN(auto grandparent, ParentProperties(pom->parent, depth + 1));
  properties.insert(properties.end(), grandparent.begin(), grandparent.end());
  return properties;
}

Result<std::string> MavenDeploys::ReadPomBlob(const std::string& sha256) {
  auto text = storage::ReadBlob(blobs_, sha256, kMaxPomBytes);
  if (text.status().kind() == Status::Kind::kPayloadTooLarge)
    return Status::InvalidArgument("INVALID_POM", "The POM is larger than " + std::to_string(kMaxPomBytes) + " bytes");
  return text;
}

}  // namespace agora::maven
