// MavenDeploys turns the uploads of a Maven deploy into one Exchange publication.
//
// Staging. Each file PUT is streamed into the blob store and staged (a StagedFile row), in
// whatever order it comes and as often as the client retries it. Nothing staged is visible.
//
// Completion. A deploy ends with the client's upload of maven-metadata.xml, after every file:
// the version's for a snapshot build, the artifact's for a release (deploy:deploy-file PUTs its
// file before its POM and `mvn deploy` its POM first, so no file tells the last one). That
// upload completes the staged versions it names (the client's XML is read for those names only,
// never stored), and a version is complete when at least one of its files is staged: it is then
// published through the publication pipeline, with all its staged files at once, under the same
// rules as the Exchange API; if the pipeline refuses it, the staged files are dropped and the
// metadata upload fails with the reason. Files no metadata upload completes (an interrupted
// deploy) stay invisible and are reclaimed after an age (BlobReaper::ReclaimStaged).
//
// Lifecycle. A -SNAPSHOT version is published as a development version, replaced by each build;
// its build (timestamp and number, from the files' names) is recorded for its metadata. Any
// version that is not in development is immutable: the same bytes again are a harmless retry,
// other bytes are refused with 409. A checksum upload must match agora's digest of the file.
//
// The POM is the project's own pom.xml: its properties are interpolated (and inherited from a
// parent POM that is itself in agora) before its name, description, <properties> (type,
// keywords, tags, contactName, contactEmail, apiVersion, mainFile, assetLink) and Exchange's
// <categories key=...> and <fields key=...> are read. Name and description come from the first
// version's POM, as in Exchange. Dependencies on the deploying organisation's own versions become
// the asset's dependencies; others (third-party libraries) are Maven's business only.
//
// Thread safety: all methods may be called concurrently from any thread. Staging and completion
// of one version folder are serialised by the store's lock on its name (MetadataStore::LockName),
// which holds across every server over one database, so a version is published once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "maven/checksums.h"
#include "maven/repository_path.h"
#include "packaging/pom.h"
#include "publication/blob_reaper.h"
#include "publication/publisher.h"
#include "storage/blob_store.h"
#include "storage/metadata_store.h"

namespace agora::maven {

// Who deploys: the caller's subject, acting in the organisation the facade's URL names.
struct Deployer {
  std::string organization_id;
  std::string subject;
};

// Reads the next piece of an upload's body into the buffer; 0 at its end.
using BodyReader = std::function<Result<size_t>(char* buffer, size_t size)>;

class MavenDeploys {
 public:
  MavenDeploys(storage::MetadataStore& metadata, storage::BlobStore& blobs, publication::BlobReaper& reaper,
               publication::Publisher& publisher, Checksums& checksums);

  enum class Stored { kStaged, kAlreadyPublished };
  // A file of a version (`path` names a file, not a checksum). For a version that is published
  // and not in development, identical bytes are kAlreadyPublished and anything else is 409
  // IMMUTABLE_VERSION, refused before reading the body when the length or the name tells.
  Result<Stored> PutFile(const Deployer& deployer, const RepositoryPath& path, std::optional<uint64_t> length,
                         const BodyReader& body);
  // A checksum of a file: 400 CHECKSUM_MISMATCH (and the staged file dropped) unless it is
  // agora's digest of the staged or published file; 409 NOTHING_TO_CHECK for a file never sent.
  Status PutChecksum(const RepositoryPath& path, std::string_view body);
  // maven-metadata.xml or its checksum: completes (publishes) the staged versions it finishes.
  Status PutMetadata(const Deployer& deployer, const RepositoryPath& path, std::string_view body);

 private:
  Result<std::unique_ptr<storage::MetadataStore::HeldLock>> LockFolder(const assets::Coordinates& coordinates);
  Result<Stored> CompareWithPublished(const assets::AssetVersion& version, const RepositoryPath& path,
                                      std::optional<uint64_t> length, const BodyReader& body);
  Status Stage(const Deployer& deployer, const RepositoryPath& path, const BodyReader& body);
  Status Complete(const Deployer& deployer, const assets::Coordinates& coordinates, const std::string& build_hint);
  Status Publish(const Deployer& deployer, const assets::Coordinates& coordinates,
                 const std::vector<storage::StagedFile>& files);
  Result<publication::PublicationRequest> BuildRequest(const Deployer& deployer, const assets::Coordinates& coordinates,
                                                       const std::vector<storage::StagedFile>& files);
  Result<std::vector<assets::Attribute>> ParentProperties(const packaging::PomDependency& parent, int depth);
  Result<std::string> ReadPomBlob(const std::string& sha256);
  Status Discard(const std::vector<storage::StagedFile>& files);

  storage::MetadataStore& metadata_;
  storage::BlobStore& blobs_;
  publication::BlobReaper& reaper_;
  publication::Publisher& publisher_;
  Checksums& checksums_;
};

}  // namespace agora::maven
