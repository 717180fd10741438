// BlobStore keeps file contents, addressed by their SHA-256: an upload is streamed into a
// BlobWriter (which hashes as it writes, so memory stays bounded), and becomes a blob only when
// committed, after an fsync and an atomic rename. Identical contents are stored once. A blob is
// never modified; unreferenced blobs are removed by the metadata store's garbage collection.
//
// The embedded backend (FileBlobStore) lays blobs out as DIR/sha256/ab/cdef... with scratch files
// in DIR/tmp; other backends (S3) implement the same interface.
//
// Thread safety: all methods may be called from any thread; a BlobWriter belongs to one thread.
#pragma once

#include <cstdint>
#include <memory>
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

  virtual bool Exists(const std::string& sha256) = 0;
  virtual Result<uint64_t> Size(const std::string& sha256) = 0;
  // A local file path holding the blob's bytes, valid while the blob exists (for sendfile and
  // for libraries that read files by path, such as libzip).
  virtual Result<std::string> LocalPath(const std::string& sha256) = 0;
  virtual Result<std::unique_ptr<SequentialFile>> Open(const std::string& sha256) = 0;
  virtual Status Remove(const std::string& sha256) = 0;
  // The SHA-256 of every blob; files in the store that are not blobs are ignored.
  virtual Result<std::vector<std::string>> List() = 0;
  // Removes scratch files left by a crash. Called at startup, before serving.
  virtual Status CleanScratch() = 0;
};

// A blob's whole content, for the small files that are read rather than streamed (POMs, pages,
// specs); PayloadTooLarge when it holds more than `limit` bytes.
Result<std::string> ReadBlob(BlobStore& blobs, const std::string& sha256, uint64_t limit);

// The embedded backend rooted at `dir` (created if missing).
Result<std::unique_ptr<BlobStore>> OpenFileBlobStore(Env* env, const std::string& dir);

}  // namespace agora::storage
