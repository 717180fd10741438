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
class SpoolingBlobWriter : public BlobWriter {
 public:
  static constexpr size_t kHeldBytes = 1 << 20;

  SpoolingBlobWriter(const ScratchDir& scratch, BlobInstaller install, BlobPresence stored, bool sync)
      : scratch_(scratch), install_(std::move(install)), stored_(std::move(stored)), sync_(sync) {}
  ~SpoolingBlobWriter() override {
    if (!done_) Abandon(Status::Ok());
  }

  Status Append(const char* data, size_t size) override {
    if (done_) return Finished();
    // The digests of a large upload are computed on the hasher's workers while this thread
    // writes the same bytes and goes back for more.
    hasher_->Update(data, size);
    size_ += size;
    if (!file_ && held_.size() + size <= kHeldBytes) {
      held_.append(data, size);
      return Status::Ok();
    }
    Status st = Spool(std::string_view(data, size));
    if (!st.ok()) Abandon(st);
    return st;
  }

  uint64_t size() const override { return size_; }

  Result<BlobInfo> Commit() override {
    if (done_) return Finished();
    const Digests digests = hasher_->Finish();
    hasher_.reset();
    const BlobInfo info{digests.sha256, digests.md5, digests.sha1, size_};
    if (!file_ && stored_ && stored_(info.sha256)) {  // the store holds these bytes already, durably
      done_ = true;
      failure_ = Status::IOError("blob writer already committed");
      return info;
    }
    Status st = Spool({});
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
  // Writes `data` to the scratch file, creating it (with what was held) first if need be.
  Status Spool(std::string_view data) {
    if (!file_) {
      path_ = scratch_.NewPath(".part");
      AGORA_ASSIGN_OR_RETURN(file_, scratch_.env()->NewWritableFile(path_));
      if (!held_.empty()) AGORA_RETURN_IF_ERROR(file_->Append(held_));
      std::string().swap(held_);
    }
    // Part of the data may be on disk: the writer cannot go on, or its blob would not match its hash.
    return data.empty() ? Status::Ok() : file_->Append(data);
  }

  // Closes and removes the scratch file, if there is one; later calls answer `why`.
  void Abandon(Status why) {
    if (file_) {
      (void)file_->Close();
      file_.reset();
    }
    if (!path_.empty()) (void)scratch_.env()->RemoveFile(path_);
    std::string().swap(held_);
    hasher_.reset();
    done_ = true;
    failure_ = std::move(why);
  }
  Status Finished() const { return failure_.ok() ? Status::IOError("blob writer already finished") : failure_; }

  ScratchDir scratch_;
  BlobInstaller install_;
  BlobPresence stored_;
  bool sync_;
  std::string path_;                    // the scratch file's, once created
  std::unique_ptr<WritableFile> file_;  // open from its creation until Commit or Abandon
  std::string held_;                    // the bytes, while no file holds them
  bool done_ = false;                   // committed or abandoned
  Status failure_;
  std::optional<PipelinedHasher> hasher_{std::in_place};  // reset when abandoned: its workers stop
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
    hasher.Update(buffer.data(), n);
    size += n;
  }
  const Digests digests = hasher.Finish();
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
