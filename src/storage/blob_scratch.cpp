#include "storage/blob_scratch.h"

#include <cctype>
#include <optional>

#include "common/hash.h"
#include "common/ids.h"
#include "common/pipelined_hasher.h"

namespace agora::storage {
namespace {

class SpoolingBlobWriter : public BlobWriter {
 public:
  SpoolingBlobWriter(Env* env, std::string scratch, std::unique_ptr<WritableFile> file, BlobInstaller install,
                     bool sync)
      : env_(env), scratch_(std::move(scratch)), file_(std::move(file)), install_(std::move(install)), sync_(sync) {}
  ~SpoolingBlobWriter() override {
    if (file_) Abandon(Status::Ok());
  }

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

  Result<BlobInfo> Commit() override {
    if (!file_) return Finished();
    Status st = sync_ ? file_->Sync() : Status::Ok();
    if (st.ok()) st = file_->Close();
    if (!st.ok()) {
      Abandon(st);
      return st;
    }
    file_.reset();
    const Digests digests = hasher_->Finish();
    hasher_.reset();
    failure_ = Status::IOError("blob writer already committed");
    return install_(scratch_, BlobInfo{digests.sha256, digests.md5, digests.sha1, size_});
  }

 private:
  // Closes and removes the scratch file; later calls answer `why`.
  void Abandon(Status why) {
    (void)file_->Close();
    file_.reset();
    hasher_.reset();
    (void)env_->RemoveFile(scratch_);
    failure_ = std::move(why);
  }
  Status Finished() const { return failure_.ok() ? Status::IOError("blob writer already finished") : failure_; }

  Env* env_;
  std::string scratch_;
  std::unique_ptr<WritableFile> file_;  // null once committed or abandoned
  BlobInstaller install_;
  bool sync_;
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

Result<std::unique_ptr<BlobWriter>> NewSpoolingBlobWriter(const ScratchDir& scratch, BlobInstaller install, bool sync) {
  std::string path = scratch.NewPath(".part");
  AGORA_ASSIGN_OR_RETURN(auto file, scratch.env()->NewWritableFile(path));
  return std::unique_ptr<BlobWriter>(
      new SpoolingBlobWriter(scratch.env(), std::move(path), std::move(file), std::move(install), sync));
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
