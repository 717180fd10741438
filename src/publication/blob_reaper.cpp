#include "publication/blob_reaper.h"

#include "common/ids.h"

namespace agora::publication {

Result<storage::BlobInfo> BlobReaper::Pinned(Result<storage::BlobInfo> committed, const std::string& owner) {
  if (!committed.ok()) return committed;
  AGORA_RETURN_IF_ERROR(metadata_.PinBlobs({committed->sha256}, owner, NowMillis() + kPinMillis));
  return committed;
}

Result<storage::BlobInfo> BlobReaper::CommitPinned(storage::BlobWriter& writer, const std::string& owner) {
  AGORA_ASSIGN_OR_RETURN(auto lock, metadata_.LockBlobs(/*exclusive=*/false));
  return Pinned(writer.Commit(), owner);
}

Result<storage::BlobInfo> BlobReaper::AdoptPinned(const std::string& scratch_path, const std::string& owner) {
  AGORA_ASSIGN_OR_RETURN(auto lock, metadata_.LockBlobs(/*exclusive=*/false));
  return Pinned(blobs_.AdoptFile(scratch_path), owner);
}

Status BlobReaper::Unpin(const std::vector<std::string>& sha256s, const std::string& owner) {
  return metadata_.UnpinBlobs(sha256s, owner);
}

Status BlobReaper::Sweep(const std::vector<std::string>& sha256s) {
  if (sha256s.empty()) return Status::Ok();
  AGORA_ASSIGN_OR_RETURN(auto lock, metadata_.LockBlobs(/*exclusive=*/true));
  return SweepLocked(sha256s);
}

Status BlobReaper::SweepLocked(const std::vector<std::string>& candidates) {
  for (const auto& sha : candidates) {
    if (!blobs_.Exists(sha)) continue;
    AGORA_ASSIGN_OR_RETURN(bool referenced, metadata_.IsBlobReferenced(sha));
    if (!referenced) AGORA_RETURN_IF_ERROR(blobs_.Remove(sha));
  }
  return Status::Ok();
}

Status BlobReaper::CollectGarbage(bool clean_scratch) {
  AGORA_ASSIGN_OR_RETURN(auto lock, metadata_.LockBlobs(/*exclusive=*/true));
  if (clean_scratch) AGORA_RETURN_IF_ERROR(blobs_.CleanScratch());
  AGORA_ASSIGN_OR_RETURN(std::vector<std::string> all, blobs_.List());
  return SweepLocked(all);
}

BlobLease::BlobLease(BlobReaper& reaper) : reaper_(reaper), owner_(NewUuid()) {}

Result<storage::BlobInfo> BlobLease::Commit(storage::BlobWriter& writer) {
  AGORA_ASSIGN_OR_RETURN(storage::BlobInfo info, reaper_.CommitPinned(writer, owner_));
  pinned_.push_back(info.sha256);
  return info;
}

Result<storage::BlobInfo> BlobLease::Adopt(const std::string& scratch_path) {
  AGORA_ASSIGN_OR_RETURN(storage::BlobInfo info, reaper_.AdoptPinned(scratch_path, owner_));
  pinned_.push_back(info.sha256);
  return info;
}

void BlobLease::Release(bool sweep) {
  if (pinned_.empty()) return;
  // A pin that fails to go expires by itself; a failed sweep only leaves garbage behind, which
  // the startup collection removes.
  (void)reaper_.Unpin(pinned_, owner_);
  if (sweep) (void)reaper_.Sweep(pinned_);
  pinned_.clear();
}

}  // namespace agora::publication
