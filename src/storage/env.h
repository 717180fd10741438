// Env is agora's window on the operating system's file system, after LevelDB's Env: the blob
// store and the publication pipeline write files only through it, so tests can swap in a wrapper
// that fails writes, fsyncs or reads at chosen points (disk full, I/O error) and check that every
// operation ends cleanly with no partial state.
//
// Thread safety: Env methods may be called from any thread. A WritableFile or SequentialFile is
// used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace agora::storage {

// Appends are buffered; Sync and Close write the buffer out. Destroying a file that was not
// closed drops what is still buffered (it is being abandoned, e.g. an upload that failed). The
// POSIX file starts the kernel's write-back of a large file as it grows, so that Sync does not
// wait for the whole file at once, and writes large block-aligned appends at block-aligned places
// with O_DIRECT (the chunks PipelinedHasher passes on), sparing the CPU the copy into the page
// cache.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Flushes to stable storage (fdatasync).
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
};

class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to `n` bytes into `scratch`; returns the count, 0 at the end of the file.
  virtual Result<size_t> Read(char* scratch, size_t n) = 0;
  // Skips `n` bytes (past the end: to the end). Files that cannot seek read and drop them.
  virtual Status Skip(uint64_t n);
};

class Env {
 public:
  virtual ~Env() = default;
  // The process-wide POSIX implementation; never deleted.
  static Env* Default();

  // Creates or truncates `path`.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  virtual Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  virtual Result<uint64_t> GetFileSize(const std::string& path) = 0;
  // Atomically replaces `to` with `from` (rename(2)).
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Creates the directory and its missing parents.
  virtual Status CreateDirs(const std::string& path) = 0;
  // Names (not paths) of the entries of a directory.
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  // Flushes an existing file, written by someone else (e.g. a library), to stable storage.
  virtual Status SyncFile(const std::string& path) = 0;
  // Makes a directory's entries (new names, renames) durable.
  virtual Status SyncDir(const std::string& path) = 0;
};

}  // namespace agora::storage
