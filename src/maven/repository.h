// MavenRepository answers a Maven client's reads from agora's records. Every asset version is
// there, however it was published (the Exchange API, anypoint-cli or Maven): its POM and each file
// at {artifactId}-{version}[-{classifier}].{packaging}, each with .md5, .sha1, .sha256 and
// .sha512 (Checksums). An artifact's maven-metadata.xml lists its versions; a -SNAPSHOT version's
// names its current build, whose timestamped file names resolve to the version's files, as does
// the plain -SNAPSHOT name (a version Maven never deployed gets build 1 at its creation time).
// Staged files of an unfinished deploy are never visible. Each maven-metadata.xml is written once
// per store generation (exchange::ResponseCache): builds read it far more often than deploys
// change it, and its checksums are read right after it.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <optional>
#include <string>

#include "auth/auth.h"
#include "exchange/response_cache.h"
#include "common/status.h"
#include "maven/checksums.h"
#include "maven/repository_path.h"
#include "storage/blob_store.h"
#include "storage/metadata_store.h"

namespace agora::maven {

// What to send for a read: a stored file, or generated text (metadata, a checksum).
struct RepositoryContent {
  std::optional<storage::BlobInfo> blob;
  std::string file_name;  // the blob's download name
  std::string text;
  std::string content_type;
  // The version a GET of the blob is a download of, for the usage figures: any file but the POM
  // of a version that has other files (a build reads the POM, then the file it depends on).
  std::optional<assets::Coordinates> download_of;
};

class MavenRepository {
 public:
  // `metadata_cache` keeps the maven-metadata.xml texts written, by path.
  MavenRepository(storage::MetadataStore& metadata, Checksums& checksums, exchange::ResponseCache& metadata_cache)
      : metadata_(metadata), checksums_(checksums), metadata_cache_(metadata_cache) {}

  // 404 NOT_FOUND for what is not there; 403 for content of organisations the principal cannot
  // read. `organization_id`: the organisation the URL names (the principal must read it too), or
  // empty for the organisation-less base.
  Result<RepositoryContent> Read(const auth::Principal& principal, const std::string& organization_id,
                                 const RepositoryPath& path);

 private:
  // A metadata file's text and the organisation whose it is, once readable by the principal.
  struct WrittenMetadata {
    std::string text;
    std::string organization_id;
  };
  Result<RepositoryContent> Metadata(const auth::Principal& principal, const RepositoryPath& path);
  Result<WrittenMetadata> ArtifactMetadataXml(const auth::Principal& principal, const RepositoryPath& path);
  Result<WrittenMetadata> SnapshotMetadataXml(const auth::Principal& principal, const RepositoryPath& path);
  Result<RepositoryContent> File(const auth::Principal& principal, const RepositoryPath& path);
  Result<assets::AssetVersion> ReadableVersion(const auth::Principal& principal, const RepositoryPath& path);
  // The build a snapshot version's files are served as.
  Result<storage::SnapshotBuildRecord> CurrentBuild(const assets::AssetVersion& version);
  Result<RepositoryContent> Generated(std::string text, const RepositoryPath& path);

  storage::MetadataStore& metadata_;
  Checksums& checksums_;
  exchange::ResponseCache& metadata_cache_;
};

}  // namespace agora::maven
