// BlobReaper decides when a blob may be deleted. Blobs are committed before the metadata that
// references them (a version's files, a job's request), so between the two a blob is referenced
// by nothing but the request in flight. Such a request pins its blobs in the metadata store,
// which every server over the store sees, and commits hold the store's blob lock shared while
// sweeps hold it exclusively: a sweep (one at a time, on any server) therefore never deletes a
// blob that a concurrent request has just committed or deduplicated onto. A failed publication
// sweeps the blobs it committed; the server collects everything unreferenced at startup.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/blob_store.h"
#include "storage/metadata_store.h"

namespace agora::publication {

class BlobReaper {
 public:
  BlobReaper(storage::BlobStore& blobs, storage::MetadataStore& metadata) : blobs_(blobs), metadata_(metadata) {}

  // Commits the writer's blob and pins it for `owner`.
  Result<storage::BlobInfo> CommitPinned(storage::BlobWriter& writer, const std::string& owner);
  // Adopts a scratch file as a blob and pins it for `owner`.
  Result<storage::BlobInfo> AdoptPinned(const std::string& scratch_path, const std::string& owner);
  Status Unpin(const std::vector<std::string>& sha256s, const std::string& owner);
  // Deletes those of `sha256s` that are neither pinned nor referenced by the metadata store.
  Status Sweep(const std::vector<std::string>& sha256s);
  // Removes every unreferenced, unpinned blob, and with `clean_scratch` the scratch files a crash
  // left (not when other servers write to the same store). Run at startup.
  Status CollectGarbage(bool clean_scratch = true);

  // How long a pin outlives a server that died without unpinning.
  static constexpr int64_t kPinMillis = 3'600'000;

 private:
  Status SweepLocked(const std::vector<std::string>& candidates);
  Result<storage::BlobInfo> Pinned(Result<storage::BlobInfo> committed, const std::string& owner);

  storage::BlobStore& blobs_;
  storage::MetadataStore& metadata_;
};

// Pins held by one request; unpins (and optionally sweeps) when released or destroyed.
class BlobLease {
 public:
  explicit BlobLease(BlobReaper& reaper);
  ~BlobLease() { Release(/*sweep=*/true); }
  BlobLease(const BlobLease&) = delete;
  BlobLease& operator=(const BlobLease&) = delete;

  Result<storage::BlobInfo> Commit(storage::BlobWriter& writer);
  Result<storage::BlobInfo> Adopt(const std::string& scratch_path);
  // Unpins everything; with `sweep`, deletes what nothing else references (the request failed).
  void Release(bool sweep);

 private:
  BlobReaper& reaper_;
  const std::string owner_;  // this request, as the pins' owner
  std::vector<std::string> pinned_;
};

}  // namespace agora::publication
