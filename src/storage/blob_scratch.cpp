#include "storage/blob_scratch.h"

#include <cctype>
#include <optional>

#include "common/hash.h"
#include "common/ids.h"
#include "common/pipelined_hasher.h"

namespace agora::storage {
namespace {

// Keeps a blob of up to kHeldBytes in memory and creates its scratch file only when it grows
// past that or turns out to be new at Commit. A publication that uploads bytes the store already
// holds (a CI pipeline publishing the same spec as a new version) then creates and deletes no
// file: on ext4, each deleted inode is skipped, one inode-table lookup each, by every later
// inode allocation in its block group for up to 300 s (`recently_deleted`), which made file
// creation a third of a publication's CPU under sustained publishing (docs/performance.md).
// The hasher's chunks reach the scratch file at block-aligned offsets only if these are: then the
// file writes them with O_DIRECT (storage/env.h).
static_assert(PipelinedHasher::Options{}.inline_bytes % PipelinedHasher::kChunkAlignment == 0 &&
              PipelinedHasher::Options{}.chunk_bytes % PipelinedHasher::kChunkAlignment == 0);

class SpoolingBlobWriter : public BlobWriter {
 public:
  static constexpr size_t kHeldBytes = 1 << 20;

  SpoolingBlobWriter(const ScratchDir& scratch, BlobInstaller install, BlobPresence stored, bool sync)
      : scratch_(scratch), install_(std::move(install)), stored_(std::move(stored)), sync_(sync) {
    // The digests of a large upload are computed on the hasher's workers, and its bytes written
    // from the hasher's chunks by a third, while this thread goes back for more.
    hasher_.emplace(PipelinedHasher::Options{}, [this](std::string_view data) { return Spool(data); });
  }
  ~SpoolingBlobWriter() override {
    if (!done_) Abandon(Status::Ok());
  }

  Status Append(const char* data, size_t size) override {
    if (done_) return Finished();
    size_ += size;
    Status st = hasher_->Update(data, size);
    if (!st.ok()) Abandon(st);
    return st;
  }

  uint64_t size() const override { return size_; }

  Result<BlobInfo> Commit() override {
    if (done_) return Finished();
    Result<Digests> digests = hasher_->Finish();
    hasher_.reset();  // nothing reaches Spool any more
    if (!digests.ok()) {
      Abandon(digests.status());
      return digests.status();
    }
    const BlobInfo info{digests->sha256, digests->md5, digests->sha1, size_};
    if (!file_ && stored_ && stored_(info.sha256)) {  // the store holds these bytes already, durably
      done_ = true;
      failure_ = Status::IOError("blob writer already committed");
      return info;
    }
    Status st = WriteToFile({});
    if (st.ok() && sync_) st = file_->Sync();
    if (st.ok()) st = file_->Close();
    if (!st.ok()) {
      Abandon(st);
      return st;
    }
    file_.reset();
    done_ = true;
    failure_ = Status::IOError("blob writer already committed");
    return install_(path_, info);
  }

 private:
  // The hasher's sink, called with the blob's bytes in order (on the hasher's worker once it is
  // pipelined): holds them while they fit kHeldBytes, then writes them to the scratch file.
  Status Spool(std::string_view data) {
    if (!file_ && held_.size() + data.size() <= kHeldBytes) {
      held_.append(data);
      return Status::Ok();
    }
    return WriteToFile(data);
  }

  // Writes `data` to the scratch file, creating it (with what was held) first if need be.
  Status WriteToFile(std::string_view data) {
    if (!file_) {
      path_ = scratch_.NewPath(".part");
      AGORA_ASSIGN_OR_RETURN(file_, scratch_.env()->NewWritableFile(path_));
      if (!held_.empty()) AGORA_RETURN_IF_ERROR(file_->Append(held_));
      std::string().swap(held_);
    }
    // Part of the data may be on disk: the writer cannot go on, or its blob would not match its hash.
    return data.empty() ? Status::Ok() : file_->Append(data);
  }

  // Stops the hasher (its worker may be writing), then closes and removes the scratch file, if
  // there is one; later calls answer `why`.
  void Abandon(Status why) {
    hasher_.reset();
    if (file_) {
      (void)file_->Close();
      file_.reset();
    }
    if (!path_.empty()) (void)scratch_.env()->RemoveFile(path_);
    std::string().swap(held_);
    done_ = true;
    failure_ = std::move(why);
  }
  Status Finished() const { return failure_.ok() ? Status::IOError("blob writer already finished") : failure_; }

  ScratchDir scratch_;
  BlobInstaller install_;
  BlobPresence stored_;
  bool sync_;
  // path_, file_ and held_ are Spool's: touched by the hasher's worker while it runs, by this
  // writer's thread before and after.
  std::string path_;                    // the scratch file's, once created
  std::unique_ptr<WritableFile> file_;  // open from its creation until Commit or Abandon
  std::string held_;                    // the bytes, while no file holds them
  bool done_ = false;                   // committed or abandoned
  Status failure_;
  std::optional<PipelinedHasher> hasher_;  // reset when finished or abandoned: its workers stop
  uint64_t size_ = 0;
};

}  // namespace

bool IsLowerHex(const std::string& text, size_t size) {
  if (text.size() != size) return false;
  for (char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  return true;
}

bool IsSha256(const std::string& text) { return IsLowerHex(text, 64); }

Status InvalidBlobId(const std::string& sha256) {
  return Status::InvalidArgument("INVALID_BLOB_ID", "not a SHA-256 blob id: " + sha256.substr(0, 80));
}

std::string ScratchDir::NewPath(const std::string& suffix) const {
  std::string name = NewUuid() + suffix;
  std::erase(name, '/');  // the path stays in the scratch directory whatever the suffix
  return dir_ + "/" + name;
}

bool ScratchDir::Contains(const std::string& path) const {
  const std::string prefix = dir_ + "/";
  if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return false;
  const std::string name = path.substr(prefix.size());
  return name.find('/') == std::string::npos && name != "." && name != "..";
}

Status ScratchDir::Clean() {
  AGORA_ASSIGN_OR_RETURN(auto names, env_->ListDir(dir_));
  for (const auto& name : names) AGORA_RETURN_IF_ERROR(env_->RemoveFile(dir_ + "/" + name));
  return Status::Ok();
}

Result<BlobInfo> ScratchDir::Hash(const std::string& path) const {
  AGORA_ASSIGN_OR_RETURN(auto file, env_->NewSequentialFile(path));
  PipelinedHasher hasher;
  uint64_t size = 0;
  std::string buffer(256 * 1024, '\0');
  while (true) {
    AGORA_ASSIGN_OR_RETURN(size_t n, file->Read(buffer.data(), buffer.size()));
    if (n == 0) break;
    AGORA_RETURN_IF_ERROR(hasher.Update(buffer.data(), n));
    size += n;
  }
  AGORA_ASSIGN_OR_RETURN(const Digests digests, hasher.Finish());
  return BlobInfo{digests.sha256, digests.md5, digests.sha1, size};
}

Result<std::unique_ptr<BlobWriter>> NewSpoolingBlobWriter(const ScratchDir& scratch, BlobInstaller install,
                                                          BlobPresence stored, bool sync) {
  return std::unique_ptr<BlobWriter>(new SpoolingBlobWriter(scratch, std::move(install), std::move(stored), sync));
}

Result<BlobInfo> AdoptScratchFile(const ScratchDir& scratch, const std::string& path, bool sync,
                                  const BlobInstaller& install) {
  // Only the store's own scratch files: adopting moves the file, which must never reach outside.
  if (!scratch.Contains(path))
    return Status::InvalidArgument("INVALID_SCRATCH_PATH", "not a scratch file of the blob store: " + path);
  Result<BlobInfo> info = scratch.Hash(path);
  // Files written by libraries (libzip) are made durable before they get their address.
  Status st = info.ok() && sync ? scratch.env()->SyncFile(path) : info.status();
  if (!st.ok()) {
    (void)scratch.env()->RemoveFile(path);
    return st;
  }
  return install(path, *info);
}

}  // namespace agora::storage
