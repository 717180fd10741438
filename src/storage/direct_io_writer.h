// DirectIoWriter writes the rest of a large file with O_DIRECT, from aligned buffers of its own,
// on a thread of its own while the caller fills the next buffer. Written through the page cache,
// a 1 GiB upload spent a fifth of agora's CPU in the kernel copying the bytes there (profile in
// docs/performance.md, section 4), on the two cores that also compute its MD5 and SHAs; with
// O_DIRECT the device reads the buffers itself and the copy is gone. Nothing about durability
// changes: the file is synced (fdatasync) before it becomes a blob, as before.
//
// Internal to the POSIX Env (env_posix.cpp), which hands a file over once it passes a size.
//
// Thread safety: one caller thread at a time; the writer thread is the object's own.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"

namespace agora::storage {

class DirectIoWriter {
 public:
  // Offsets, lengths and buffer addresses of O_DIRECT writes are multiples of this: every logical
  // block size Linux block devices use divides it.
  static constexpr size_t kAlignment = 4096;
  static constexpr size_t kBufferBytes = 1 << 20;
  static constexpr size_t kBuffers = 4;
  // Process-wide: more large files written at once go through the page cache, so that many
  // concurrent uploads cannot multiply threads and buffers without bound.
  static constexpr int kMaxWriters = 4;

  // Takes over writing `fd` (open for reading and writing) at `offset`, its size so far; the
  // partial block before `offset` is read back and written again with what follows. Null, with
  // the descriptor as it was, when kMaxWriters are busy, the file system refuses O_DIRECT, or
  // no thread or buffer can be had: the caller then goes on writing through the page cache.
  static std::unique_ptr<DirectIoWriter> Start(int fd, const std::string& path, uint64_t offset);
  // Stops and joins the thread; what it had not written is dropped (an abandoned file).
  ~DirectIoWriter();
  DirectIoWriter(const DirectIoWriter&) = delete;
  DirectIoWriter& operator=(const DirectIoWriter&) = delete;

  // Copies `data` into the buffers; may wait for one to be written. Fails with the first write
  // error once it is known.
  Status Append(std::string_view data);
  // Writes all that was appended (a last partial block through the page cache, O_DIRECT turned
  // off again) and stops the thread. Afterwards the descriptor's position is the end of the file
  // and the writer must only be destroyed.
  Status Finish();

  // Writers running right now, process-wide (for tests).
  static int Active();

 private:
  struct FreeAligned {
    void operator()(char* p) const { std::free(p); }
  };
  struct Buffer {
    std::unique_ptr<char, FreeAligned> bytes;
    size_t size = 0;      // bytes filled
    uint64_t offset = 0;  // of the first byte in the file; aligned
  };

  DirectIoWriter(int fd, std::string path, int flags);
  void Work();
  Status WriteOut(const Buffer& buffer);  // on the writer thread
  Buffer* TakeFreeBuffer();               // null once a write failed
  void Queue(Buffer* buffer);
  void Stop();
  Status FirstError();

  const int fd_;
  const std::string path_;
  const int flags_;           // the descriptor's status flags before O_DIRECT
  uint64_t next_offset_ = 0;  // where the next buffer starts
  Buffer* current_ = nullptr;  // being filled by the caller; in no list
  std::vector<Buffer> buffers_;
  std::mutex mutex_;  // guards what follows
  std::condition_variable work_cv_;  // a buffer was queued, or stopping_
  std::condition_variable done_cv_;  // a buffer was written
  std::vector<Buffer*> free_;
  std::deque<Buffer*> queue_;  // in file order; the front stays queued while it is written
  Status error_;               // the first failed write
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace agora::storage
