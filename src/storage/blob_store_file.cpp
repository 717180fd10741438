// FileBlobStore: the embedded BlobStore backend (see blob_store.h for the layout).
#include <algorithm>
#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "storage/blob_scratch.h"
#include "storage/blob_store.h"

namespace agora::storage {
namespace {

// At most `length` bytes of a file, from where it stands.
class LimitedFile : public SequentialFile {
 public:
  LimitedFile(std::unique_ptr<SequentialFile> file, uint64_t length) : file_(std::move(file)), left_(length) {}
  Result<size_t> Read(char* scratch, size_t n) override {
    if (left_ == 0) return size_t{0};
    AGORA_ASSIGN_OR_RETURN(size_t got, file_->Read(scratch, static_cast<size_t>(std::min<uint64_t>(n, left_))));
    left_ -= got;
    return got;
  }

 private:
  std::unique_ptr<SequentialFile> file_;
  uint64_t left_;
};

class FileBlobStore : public BlobStore {
 public:
  FileBlobStore(Env* env, std::string dir) : env_(env), dir_(std::move(dir)), scratch_(env, dir_ + "/tmp") {}

  Status Init() {
    AGORA_RETURN_IF_ERROR(scratch_.Create());
    AGORA_RETURN_IF_ERROR(env_->CreateDirs(dir_ + "/sha256"));
    return env_->SyncDir(dir_);
  }

  std::string BlobPath(const std::string& sha256) const {
    return dir_ + "/sha256/" + sha256.substr(0, 2) + "/" + sha256.substr(2);
  }

  Result<std::unique_ptr<BlobWriter>> NewWriter() override {
    // A blob is at its address only once synced (Install), so being there means being durable.
    return NewSpoolingBlobWriter(scratch_, Installer(), [this](const std::string& sha256) { return Exists(sha256); },
                                 /*sync=*/true);
  }

  std::string NewScratchPath(const std::string& suffix) override { return scratch_.NewPath(suffix); }

  Result<BlobInfo> AdoptFile(const std::string& scratch_path) override {
    return AdoptScratchFile(scratch_, scratch_path, /*sync=*/true, Installer());
  }

  // A blob counts as there only once it is durably there (see unsynced_).
  bool Exists(const std::string& sha256) override {
    if (!IsSha256(sha256)) return false;
    const std::string path = BlobPath(sha256);
    return env_->FileExists(path) && SyncIfUnsynced(path).ok() && SyncIfUnsynced(Parent(path)).ok();
  }

  Result<uint64_t> Size(const std::string& sha256) override {
    if (!IsSha256(sha256)) return InvalidBlobId(sha256);
    return env_->GetFileSize(BlobPath(sha256));
  }

  Result<LocalBlob> Fetch(const std::string& sha256) override {
    if (!IsSha256(sha256)) return InvalidBlobId(sha256);
    if (!env_->FileExists(BlobPath(sha256))) return Status::NotFound("blob " + sha256 + " not found");
    return LocalBlob(BlobPath(sha256));
  }

  std::optional<std::string> FilePath(const std::string& sha256) override {
    if (!IsSha256(sha256)) return std::nullopt;
    return BlobPath(sha256);
  }

  Result<std::unique_ptr<SequentialFile>> OpenRange(const std::string& sha256, uint64_t offset,
                                                    uint64_t length) override {
    if (!IsSha256(sha256)) return InvalidBlobId(sha256);
    AGORA_ASSIGN_OR_RETURN(auto file, env_->NewSequentialFile(BlobPath(sha256)));
    if (offset > 0) AGORA_RETURN_IF_ERROR(file->Skip(offset));
    return std::unique_ptr<SequentialFile>(new LimitedFile(std::move(file), length));
  }

  Status Remove(const std::string& sha256) override {
    if (!IsSha256(sha256)) return InvalidBlobId(sha256);
    return env_->RemoveFile(BlobPath(sha256));
  }

  Result<std::vector<std::string>> List() override {
    std::vector<std::string> all;
    AGORA_ASSIGN_OR_RETURN(auto prefixes, env_->ListDir(dir_ + "/sha256"));
    for (const auto& prefix : prefixes) {
      if (!IsLowerHex(prefix, 2)) continue;  // a stray file must not stop garbage collection
      AGORA_ASSIGN_OR_RETURN(auto names, env_->ListDir(dir_ + "/sha256/" + prefix));
      for (const auto& name : names)
        if (IsSha256(prefix + name)) all.push_back(prefix + name);
    }
    return all;
  }

  Status CleanScratch() override { return scratch_.Clean(); }

 private:
  BlobInstaller Installer() {
    return [this](const std::string& scratch, const BlobInfo& info) { return Install(scratch, info); };
  }

  static std::string Parent(const std::string& path) { return path.substr(0, path.rfind('/')); }

  // Moves a synced scratch file to its content address; identical content is stored once. The
  // address (and its fan-out directory) is durable when this returns, for this caller and for one
  // that finds the blob there while another thread is still syncing it.
  Result<BlobInfo> Install(const std::string& scratch, const BlobInfo& info) {
    const std::string target = BlobPath(info.sha256);
    const std::string fan_out = Parent(target);
    Status st;
    if (env_->FileExists(target)) {
      (void)env_->RemoveFile(scratch);
      AGORA_RETURN_IF_ERROR(SyncIfUnsynced(target));
      AGORA_RETURN_IF_ERROR(SyncIfUnsynced(fan_out));
      return info;
    }
    st = env_->FileExists(fan_out) ? SyncIfUnsynced(fan_out)
                                   : PutDurably(fan_out, [&] { return env_->CreateDirs(fan_out); });
    if (st.ok()) st = PutDurably(target, [&] { return env_->RenameFile(scratch, target); });
    if (!st.ok()) {
      (void)env_->RemoveFile(scratch);
      return st;
    }
    return info;
  }

  // Runs `put`, which creates `path`, then syncs the directory holding it; meanwhile `path` is in
  // unsynced_.
  Status PutDurably(const std::string& path, const std::function<Status()>& put) {
    {
      std::lock_guard lock(unsynced_mutex_);
      unsynced_.insert(path);
    }
    Status st = put();
    if (st.ok()) st = env_->SyncDir(Parent(path));
    std::lock_guard lock(unsynced_mutex_);
    unsynced_.erase(path);
    return st;
  }

  // Syncs the directory holding `path` when another thread put it there and has not synced it yet.
  Status SyncIfUnsynced(const std::string& path) {
    {
      std::lock_guard lock(unsynced_mutex_);
      if (unsynced_.count(path) == 0) return Status::Ok();
    }
    return env_->SyncDir(Parent(path));
  }

  Env* env_;
  std::string dir_;
  ScratchDir scratch_;
  // Blobs and fan-out directories this process put in place whose directory entry is not synced
  // yet. A publication that finds its file already stored answers 201 next, so it must not rely on
  // an entry a power cut could still take back: it syncs the entry itself. (Servers sharing one
  // blob directory each know only their own; their window is that of one directory fsync.)
  std::mutex unsynced_mutex_;
  std::set<std::string> unsynced_;
};

}  // namespace

Result<std::unique_ptr<BlobStore>> OpenFileBlobStore(Env* env, const std::string& dir) {
  auto store = std::make_unique<FileBlobStore>(env, dir);
  AGORA_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<BlobStore>(std::move(store));
}

}  // namespace agora::storage
