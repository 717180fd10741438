// BlobReaper decides when a blob may be deleted. Blobs are committed before the metadata that
// references them (a version's files, a job's request), so between the two a blob is referenced
// by nothing but the request in flight. The reaper pins such blobs in memory, and serialises
// commits against sweeps, so that a sweep never deletes a blob that a concurrent request has
// just committed or deduplicated onto. A failed publication sweeps the blobs it committed; the
// server collects everything unreferenced at startup.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/blob_store.h"
#include "storage/metadata_store.h"

namespace agora::publication {

class BlobReaper {
 public:
  BlobReaper(storage::BlobStore& blobs, storage::MetadataStore& metadata) : blobs_(blobs), metadata_(metadata) {}

  // Commits the writer's blob and pins it.
  Result<storage::BlobInfo> CommitPinned(storage::BlobWriter& writer);
  // Adopts a scratch file as a blob and pins it.
  Result<storage::BlobInfo> AdoptPinned(const std::string& scratch_path);
  void Unpin(const std::vector<std::string>& sha256s);
  // Deletes those of `sha256s` that are neither pinned nor referenced by the metadata store.
  Status Sweep(const std::vector<std::string>& sha256s);
  // Removes scratch files and every unreferenced, unpinned blob. Run at startup.
  Status CollectGarbage();
  // Drops the files staged by Maven deploys that saw no upload since `before_millis` (deploys
  // that were interrupted: a finished one leaves nothing staged) and deletes their blobs unless
  // something else uses them. Run periodically.
  Status ReclaimStaged(int64_t before_millis);

 private:
  Status SweepLocked(const std::vector<std::string>& candidates);
  void Pin(const std::string& sha256);

  storage::BlobStore& blobs_;
  storage::MetadataStore& metadata_;
  std::shared_mutex sweep_mutex_;  // shared: commits; exclusive: sweeps
  std::mutex pins_mutex_;
  std::map<std::string, int> pins_;
};

// Pins held by one request; unpins (and optionally sweeps) when released or destroyed.
class BlobLease {
 public:
  explicit BlobLease(BlobReaper& reaper) : reaper_(reaper) {}
  ~BlobLease() { Release(/*sweep=*/true); }
  BlobLease(const BlobLease&) = delete;
  BlobLease& operator=(const BlobLease&) = delete;

  Result<storage::BlobInfo> Commit(storage::BlobWriter& writer);
  Result<storage::BlobInfo> Adopt(const std::string& scratch_path);
  // Unpins everything; with `sweep`, deletes what nothing else references (the request failed).
  void Release(bool sweep);

 private:
  BlobReaper& reaper_;
  std::vector<std::string> pinned_;
};

}  // namespace agora::publication
