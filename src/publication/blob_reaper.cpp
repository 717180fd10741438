#include "publication/blob_reaper.h"

namespace agora::publication {

void BlobReaper::Pin(const std::string& sha256) {
  std::lock_guard lock(pins_mutex_);
  ++pins_[sha256];
}

Result<storage::BlobInfo> BlobReaper::CommitPinned(storage::BlobWriter& writer) {
  std::shared_lock lock(sweep_mutex_);
  AGORA_ASSIGN_OR_RETURN(storage::BlobInfo info, writer.Commit());
  Pin(info.sha256);
  return info;
}

Result<storage::BlobInfo> BlobReaper::AdoptPinned(const std::string& scratch_path) {
  std::shared_lock lock(sweep_mutex_);
  AGORA_ASSIGN_OR_RETURN(storage::BlobInfo info, blobs_.AdoptFile(scratch_path));
  Pin(info.sha256);
  return info;
}

void BlobReaper::Unpin(const std::vector<std::string>& sha256s) {
  std::lock_guard lock(pins_mutex_);
  for (const auto& sha : sha256s) {
    auto it = pins_.find(sha);
    if (it != pins_.end() && --it->second == 0) pins_.erase(it);
  }
}

Status BlobReaper::Sweep(const std::vector<std::string>& sha256s) {
  if (sha256s.empty()) return Status::Ok();
  std::unique_lock lock(sweep_mutex_);
  return SweepLocked(sha256s);
}

Status BlobReaper::SweepLocked(const std::vector<std::string>& candidates) {
  std::lock_guard pins_lock(pins_mutex_);
  for (const auto& sha : candidates) {
    if (pins_.count(sha) || !blobs_.Exists(sha)) continue;
    AGORA_ASSIGN_OR_RETURN(bool referenced, metadata_.IsBlobReferenced(sha));
    if (!referenced) AGORA_RETURN_IF_ERROR(blobs_.Remove(sha));
  }
  return Status::Ok();
}

Status BlobReaper::CollectGarbage() {
  std::unique_lock lock(sweep_mutex_);
  AGORA_RETURN_IF_ERROR(blobs_.CleanScratch());
  AGORA_ASSIGN_OR_RETURN(std::vector<std::string> all, blobs_.List());
  return SweepLocked(all);
}

Status BlobReaper::ReclaimStaged(int64_t before_millis) {
  AGORA_ASSIGN_OR_RETURN(auto stale, metadata_.ListStagedFilesBefore(before_millis));
  std::vector<std::string> blobs;
  for (const auto& f : stale) {
    AGORA_RETURN_IF_ERROR(metadata_.DeleteStagedFiles(f.coordinates, f.build, std::pair{f.classifier, f.extension}));
    blobs.push_back(f.sha256);
  }
  return Sweep(blobs);
}

Result<storage::BlobInfo> BlobLease::Commit(storage::BlobWriter& writer) {
  AGORA_ASSIGN_OR_RETURN(storage::BlobInfo info, reaper_.CommitPinned(writer));
  pinned_.push_back(info.sha256);
  return info;
}

Result<storage::BlobInfo> BlobLease::Adopt(const std::string& scratch_path) {
  AGORA_ASSIGN_OR_RETURN(storage::BlobInfo info, reaper_.AdoptPinned(scratch_path));
  pinned_.push_back(info.sha256);
  return info;
}

void BlobLease::Release(bool sweep) {
  if (pinned_.empty()) return;
  reaper_.Unpin(pinned_);
  // A failed sweep only leaves garbage behind, which the startup collection removes.
  if (sweep) (void)reaper_.Sweep(pinned_);
  pinned_.clear();
}

}  // namespace agora::publication
