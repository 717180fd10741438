// FileBlobStore: the embedded BlobStore backend (see blob_store.h for the layout).
#include <cctype>
#include <string>

#include <optional>

#include "common/hash.h"
#include "common/ids.h"
#include "common/pipelined_hasher.h"
#include "storage/blob_store.h"

namespace agora::storage {
namespace {

bool IsLowerHex(const std::string& s, size_t size) {
  if (s.size() != size) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  return true;
}

bool IsSha256(const std::string& s) { return IsLowerHex(s, 64); }

Status InvalidSha(const std::string& sha256) {
  return Status::InvalidArgument("INVALID_BLOB_ID", "not a SHA-256 blob id: " + sha256.substr(0, 80));
}

class FileBlobStore;

class FileBlobWriter : public BlobWriter {
 public:
  FileBlobWriter(FileBlobStore& store, std::string scratch, std::unique_ptr<WritableFile> file)
      : store_(store), scratch_(std::move(scratch)), file_(std::move(file)) {}
  ~FileBlobWriter() override;

  Status Append(const char* data, size_t size) override {
    if (!file_) return Finished();
    // The digests of a large upload are computed on the hasher's workers while this thread
    // writes the same bytes and goes back for more.
    hasher_->Update(data, size);
    size_ += size;
    Status st = file_->Append(std::string_view(data, size));
    // Part of the data may be on disk: the writer cannot go on, or its blob would not match its hash.
    if (!st.ok()) Abandon(st);
    return st;
  }
  uint64_t size() const override { return size_; }
  Result<BlobInfo> Commit() override;

 private:
  // Closes and removes the scratch file; later calls answer `why`.
  void Abandon(Status why);
  Status Finished() const { return failure_.ok() ? Status::IOError("blob writer already finished") : failure_; }

  FileBlobStore& store_;
  std::string scratch_;
  std::unique_ptr<WritableFile> file_;  // null once committed or abandoned
  Status failure_;
  std::optional<PipelinedHasher> hasher_{std::in_place};  // reset when abandoned: its workers stop
  uint64_t size_ = 0;
};

class FileBlobStore : public BlobStore {
 public:
  FileBlobStore(Env* env, std::string dir) : env_(env), dir_(std::move(dir)) {}

  Status Init() {
    AGORA_RETURN_IF_ERROR(env_->CreateDirs(ScratchDir()));
    return env_->CreateDirs(dir_ + "/sha256");
  }

  Env* env() { return env_; }
  std::string ScratchDir() const { return dir_ + "/tmp"; }
  std::string BlobPath(const std::string& sha256) const {
    return dir_ + "/sha256/" + sha256.substr(0, 2) + "/" + sha256.substr(2);
  }

  Result<std::unique_ptr<BlobWriter>> NewWriter() override {
    std::string scratch = NewScratchPath(".part");
    AGORA_ASSIGN_OR_RETURN(auto file, env_->NewWritableFile(scratch));
    return std::unique_ptr<BlobWriter>(new FileBlobWriter(*this, std::move(scratch), std::move(file)));
  }

  std::string NewScratchPath(const std::string& suffix) override {
    std::string name = NewUuid() + suffix;
    std::erase(name, '/');  // the path stays in the scratch directory whatever the suffix
    return ScratchDir() + "/" + name;
  }

  Result<BlobInfo> AdoptFile(const std::string& scratch_path) override {
    // Only the store's own scratch files: adopting moves the file, which must never reach outside.
    if (!IsScratchPath(scratch_path))
      return Status::InvalidArgument("INVALID_SCRATCH_PATH", "not a scratch file of the blob store: " + scratch_path);
    Result<BlobInfo> info = HashFile(scratch_path);
    // Files written by libraries (libzip) are made durable before they get their address.
    Status st = info.ok() ? env_->SyncFile(scratch_path) : info.status();
    if (!st.ok()) {
      (void)env_->RemoveFile(scratch_path);
      return st;
    }
    return Install(scratch_path, *info);
  }

  // Moves a synced scratch file to its content address; identical content is stored once.
  Result<BlobInfo> Install(const std::string& scratch, const BlobInfo& info) {
    const std::string target = BlobPath(info.sha256);
    if (env_->FileExists(target)) {
      (void)env_->RemoveFile(scratch);
      return info;
    }
    const std::string parent = target.substr(0, target.rfind('/'));
    Status st = env_->CreateDirs(parent);
    if (st.ok()) st = env_->RenameFile(scratch, target);
    if (st.ok()) st = env_->SyncDir(parent);
    if (!st.ok()) {
      (void)env_->RemoveFile(scratch);
      return st;
    }
    return info;
  }

  bool Exists(const std::string& sha256) override { return IsSha256(sha256) && env_->FileExists(BlobPath(sha256)); }

  Result<uint64_t> Size(const std::string& sha256) override {
    if (!IsSha256(sha256)) return InvalidSha(sha256);
    return env_->GetFileSize(BlobPath(sha256));
  }

  Result<std::string> LocalPath(const std::string& sha256) override {
    if (!IsSha256(sha256)) return InvalidSha(sha256);
    return BlobPath(sha256);
  }

  Result<std::unique_ptr<SequentialFile>> Open(const std::string& sha256) override {
    if (!IsSha256(sha256)) return InvalidSha(sha256);
    return env_->NewSequentialFile(BlobPath(sha256));
  }

  Status Remove(const std::string& sha256) override {
    if (!IsSha256(sha256)) return InvalidSha(sha256);
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

  Status CleanScratch() override {
    AGORA_ASSIGN_OR_RETURN(auto names, env_->ListDir(ScratchDir()));
    for (const auto& name : names) AGORA_RETURN_IF_ERROR(env_->RemoveFile(ScratchDir() + "/" + name));
    return Status::Ok();
  }

 private:
  // A direct child of the scratch directory, as NewScratchPath makes them.
  bool IsScratchPath(const std::string& path) const {
    const std::string prefix = ScratchDir() + "/";
    if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return false;
    const std::string name = path.substr(prefix.size());
    return name.find('/') == std::string::npos && name != "." && name != "..";
  }

  Result<BlobInfo> HashFile(const std::string& path) {
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

  Env* env_;
  std::string dir_;
};

FileBlobWriter::~FileBlobWriter() {
  if (file_) Abandon(Status::Ok());
}

void FileBlobWriter::Abandon(Status why) {
  (void)file_->Close();
  file_.reset();
  hasher_.reset();
  (void)store_.env()->RemoveFile(scratch_);
  failure_ = std::move(why);
}

Result<BlobInfo> FileBlobWriter::Commit() {
  if (!file_) return Finished();
  Status st = file_->Sync();
  if (st.ok()) st = file_->Close();
  if (!st.ok()) {
    Abandon(st);
    return st;
  }
  file_.reset();
  const Digests digests = hasher_->Finish();
  hasher_.reset();
  return store_.Install(scratch_, BlobInfo{digests.sha256, digests.md5, digests.sha1, size_});
}

}  // namespace

Result<std::unique_ptr<BlobStore>> OpenFileBlobStore(Env* env, const std::string& dir) {
  auto store = std::make_unique<FileBlobStore>(env, dir);
  AGORA_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<BlobStore>(std::move(store));
}

}  // namespace agora::storage
