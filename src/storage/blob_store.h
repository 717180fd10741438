// BlobStore keeps file contents, addressed by their SHA-256: an upload is streamed into a
// BlobWriter (which hashes as it writes, so memory stays bounded), and becomes a blob only when
// committed, after an fsync and an atomic rename. Identical contents are stored once. A blob is
// never modified; unreferenced blobs are removed by the metadata store's garbage collection.
//
// The embedded backend (FileBlobStore) lays blobs out as DIR/sha256/ab/cdef... with scratch files
// in DIR/tmp. The S3 backend (blob_store_s3.h) keeps blobs as objects PREFIX/blobs/sha256/<hex>,
// and scratch files and a cache of recently used blobs in a local directory. Readers that need a
// file by path (libzip, the spec readers) Fetch a LocalBlob; downloads stream with OpenRange, or
// with sendfile from FilePath where the store keeps blobs as local files.
//
// Thread safety: all methods may be called from any thread; a BlobWriter belongs to one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/env.h"

namespace agora::storage {

struct BlobInfo {
  std::string sha256;
  std::string md5;
  std::string sha1;
  uint64_t size = 0;
};

// A blob's bytes in a local file. The file stays while this object (or a copy of it) lives: the
// S3 store's cache does not evict a blob that is held.
class LocalBlob {
 public:
  explicit LocalBlob(std::string path, std::shared_ptr<const void> hold = nullptr)
      : path_(std::move(path)), hold_(std::move(hold)) {}
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::shared_ptr<const void> hold_;
};

class BlobWriter {
 public:
  // Destroying a writer that was not committed removes its scratch file.
  virtual ~BlobWriter() = default;
  // A failed Append abandons the writer (its scratch file is removed); later calls return that error.
  virtual Status Append(const char* data, size_t size) = 0;
  // Bytes appended so far.
  virtual uint64_t size() const = 0;
  // Syncs the data and moves it into the store. The writer is finished afterwards.
  virtual Result<BlobInfo> Commit() = 0;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  virtual Result<std::unique_ptr<BlobWriter>> NewWriter() = 0;
  // A fresh path in the store's scratch directory, on the same file system as the blobs, for a
  // file that a later AdoptFile moves into the store (e.g. a zip rewritten by libzip). `suffix`
  // ends the file name (".zip"); slashes in it are dropped.
  virtual std::string NewScratchPath(const std::string& suffix) = 0;
  // Hashes, syncs and moves a scratch file into the store. The file is consumed either way: on
  // failure it is removed. Only paths from NewScratchPath are accepted (InvalidArgument otherwise,
  // and the file is left alone).
  virtual Result<BlobInfo> AdoptFile(const std::string& scratch_path) = 0;

  // False also when the store cannot be asked (the S3 server is unreachable).
  virtual bool Exists(const std::string& sha256) = 0;
  virtual Result<uint64_t> Size(const std::string& sha256) = 0;
  // The blob in a local file, for libraries that read files by path (libzip, the spec readers).
  // The S3 store downloads it into its cache first, checking its SHA-256.
  virtual Result<LocalBlob> Fetch(const std::string& sha256) = 0;
  // The blob's own file, when this store keeps blobs as files on this machine, for sendfile.
  // Empty for remote stores, whose blobs are streamed with OpenRange.
  virtual std::optional<std::string> FilePath(const std::string& sha256) = 0;
  // Reads [offset, offset + length) of the blob (to its end if it is shorter). A read of the
  // whole blob from a remote store checks its SHA-256: a mismatch fails the last Read with
  // Corruption, before the last bytes are returned.
  virtual Result<std::unique_ptr<SequentialFile>> OpenRange(const std::string& sha256, uint64_t offset,
                                                            uint64_t length) = 0;
  Result<std::unique_ptr<SequentialFile>> Open(const std::string& sha256) { return OpenRange(sha256, 0, UINT64_MAX); }
  virtual Status Remove(const std::string& sha256) = 0;
  // The SHA-256 of every blob; files in the store that are not blobs are ignored.
  virtual Result<std::vector<std::string>> List() = 0;
  // Removes scratch files left by a crash. Called at startup, before serving.
  virtual Status CleanScratch() = 0;
};

// The embedded backend rooted at `dir` (created if missing).
Result<std::unique_ptr<BlobStore>> OpenFileBlobStore(Env* env, const std::string& dir);

// Whether `text` is a blob id: 64 lowercase hex digits.
bool IsSha256(const std::string& text);

}  // namespace agora::storage
