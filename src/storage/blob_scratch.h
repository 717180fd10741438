// What the BlobStore providers share, inside src/storage: blob ids, a scratch directory whose
// files become blobs (NewScratchPath / AdoptFile), and a writer that spools an upload into a
// scratch file while hashing it, then hands the file to its store to install (a rename for the
// file store, an upload for S3).
//
// Thread safety: a ScratchDir may be used from any thread; a writer belongs to one thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "storage/blob_store.h"
#include "storage/env.h"

namespace agora::storage {

Status InvalidBlobId(const std::string& sha256);
// Whether `text` is `size` lowercase hex digits.
bool IsLowerHex(const std::string& text, size_t size);

class ScratchDir {
 public:
  ScratchDir(Env* env, std::string dir) : env_(env), dir_(std::move(dir)) {}

  Env* env() const { return env_; }
  const std::string& dir() const { return dir_; }
  Status Create() { return env_->CreateDirs(dir_); }
  // A fresh path in the directory; `suffix` ends the name, its slashes dropped.
  std::string NewPath(const std::string& suffix) const;
  // A direct child of the directory, as NewPath makes them.
  bool Contains(const std::string& path) const;
  // Removes every file in the directory.
  Status Clean();
  // The digests and size of a file's content.
  Result<BlobInfo> Hash(const std::string& path) const;

 private:
  Env* env_;
  std::string dir_;
};

// Moves a complete scratch file (its digests in the BlobInfo) into the store; on failure it
// removes the scratch file.
using BlobInstaller = std::function<Result<BlobInfo>(const std::string& scratch, const BlobInfo& info)>;

// Whether the store holds a blob durably already (null: the store cannot tell cheaply).
using BlobPresence = std::function<bool(const std::string& sha256)>;

// A writer spooling into a new scratch file, created once the blob is past 1 MiB or at Commit:
// a blob that small whose content `stored` says the store holds is never written. With `sync`,
// Commit makes the file durable before installing it (the file store's rename makes it the blob
// itself).
Result<std::unique_ptr<BlobWriter>> NewSpoolingBlobWriter(const ScratchDir& scratch, BlobInstaller install,
                                                          BlobPresence stored, bool sync);

// AdoptFile for any provider: checks that the file is the store's own scratch file, hashes it,
// optionally syncs it, and installs it.
Result<BlobInfo> AdoptScratchFile(const ScratchDir& scratch, const std::string& path, bool sync,
                                  const BlobInstaller& install);

}  // namespace agora::storage
