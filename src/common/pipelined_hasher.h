// PipelinedHasher computes the same MD5, SHA-1 and SHA-256 as MultiHasher, but hashes a large
// stream on two worker threads (MD5 on one, SHA-1 and SHA-256 on the other) while the caller goes
// on receiving and writing it. Computed one after the other on the caller's thread, the three
// digests capped an upload near 280 MiB/s on the bench machine (docs/performance.md, section 4);
// MD5 alone, which cannot be split within one stream, allows about 520 MiB/s there.
//
// The first `inline_bytes` of a stream are hashed on the caller's thread, so the common small
// upload (a few KiB) pays no thread start nor hand-off. Past that, Update copies the data into a
// bounded pool of chunks and hands each full chunk to both workers; when every chunk is still
// being hashed, Update waits for one (backpressure: memory stays at `chunks` x `chunk_bytes`).
// Finish hands over the last partial chunk, waits for both workers and returns the digests,
// which are exactly MultiHasher's for the same bytes. At most kMaxPipelines hashers use worker
// threads at once, process-wide; the others hash inline throughout, as MultiHasher does, so many
// concurrent uploads cannot multiply threads and pool memory without bound. If a worker thread
// cannot be started, the hasher also stays inline.
//
// A hasher may also pass the bytes on to a sink (a blob's file) from the same chunks, so that a
// large upload is copied once in memory, not once for the hashes and again for the disk (the
// second copy and its hand-off to a writer thread were 5% of a 1 GiB upload's CPU). The sink
// gets every byte exactly once, in order: on the caller's thread while the hasher is inline, then
// one chunk at a time on a third worker. Chunks are aligned to kChunkAlignment in memory, and
// chunk k starts at inline_bytes + k * chunk_bytes in the stream (block-aligned with the default
// options), so the sink may hand them to the disk as they are (O_DIRECT; storage/env.h).
//
// Thread safety: a PipelinedHasher is used by one thread at a time (its workers are its own); its
// sink is called by one thread at a time, and never after Finish or destruction returns.
// Destroying it without Finish stops and joins its workers, discarding what they had not hashed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "common/hash.h"
#include "common/status.h"

namespace agora {

class PipelinedHasher {
 public:
  struct Options {
    size_t inline_bytes = 1 << 20;  // hashed on the caller's thread before the workers start
    size_t chunk_bytes = 1 << 20;   // the unit handed to the workers
    size_t chunks = 8;              // the pool's size; allocated as needed, freed by Finish
  };
  // Where the hashed bytes go next; its first failure stops the stream.
  using Sink = std::function<Status(std::string_view)>;
  // Process-wide bound on hashers using worker threads at once (2 or 3 threads and a pool each).
  static constexpr int kMaxPipelines = 4;
  // Of every chunk's memory: what O_DIRECT asks of a buffer on any Linux block device.
  static constexpr size_t kChunkAlignment = 4096;

  PipelinedHasher();
  explicit PipelinedHasher(Options options, Sink sink = nullptr);
  ~PipelinedHasher();
  PipelinedHasher(const PipelinedHasher&) = delete;
  PipelinedHasher& operator=(const PipelinedHasher&) = delete;

  // Copies what is not hashed at once; may wait for a free chunk. Fails with the sink's first
  // failure, once it is known; the hasher must then only be destroyed.
  Status Update(const void* data, size_t size);
  // Waits for the workers and the sink and finishes the digests (or gives the sink's failure);
  // the hasher must not be updated afterwards.
  Result<Digests> Finish();

  // Whether the workers were started (for tests).
  bool pipelined() const;
  // Hashers using worker threads right now, process-wide.
  static int ActivePipelines();

 private:
  class Pipeline;
  struct Contexts;

  void StartPipeline();

  // Hashes `size` bytes here and passes them to the sink.
  Status UpdateInline(const char* data, size_t size);

  Options options_;
  Sink sink_;
  std::unique_ptr<Contexts> contexts_;  // hashed inline, then handed to the pipeline
  std::unique_ptr<Pipeline> pipeline_;  // null while inline
  uint64_t inlined_ = 0;
  bool stay_inline_ = false;  // the pipeline could not start, or all kMaxPipelines were busy
  bool pipelined_ = false;
};

}  // namespace agora
