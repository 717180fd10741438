#include "common/pipelined_hasher.h"

#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <new>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace agora {
namespace {

std::atomic<int> active_pipelines{0};

// Worker 1 feeds SHA-1 and SHA-256 the same chunk in pieces of this size, so that the second
// digest reads what the first just brought into the core's cache.
constexpr size_t kCachePiece = 64 * 1024;

// One OpenSSL digest context.
class Digest {
 public:
  explicit Digest(const EVP_MD* md) : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_, md, nullptr) != 1) {
      EVP_MD_CTX_free(ctx_);
      throw std::runtime_error("OpenSSL digest initialisation failed");
    }
  }
  ~Digest() { EVP_MD_CTX_free(ctx_); }
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  void Update(const void* data, size_t size) { EVP_DigestUpdate(ctx_, data, size); }
  std::string FinishHex() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, out, &len);
    return ToHex(out, len);
  }

 private:
  EVP_MD_CTX* ctx_;
};

// One of the kMaxPipelines process-wide places; false if all are taken.
bool TakePipelineSlot() {
  int active = active_pipelines.load();
  while (active < PipelinedHasher::kMaxPipelines)
    if (active_pipelines.compare_exchange_weak(active, active + 1)) return true;
  return false;
}

}  // namespace

struct PipelinedHasher::Contexts {
  Digest md5{EVP_md5()};
  Digest sha1{EVP_sha1()};
  Digest sha256{EVP_sha256()};

  void Update(const void* data, size_t size) {
    md5.Update(data, size);
    sha1.Update(data, size);
    sha256.Update(data, size);
  }
};

// The workers and the chunk pool of one hasher: worker 0 computes MD5, worker 1 SHA-1 and
// SHA-256, worker 2 (only with a sink) passes the chunk on. Every field below `mutex_` is guarded
// by it; a chunk's bytes belong to the producer until dispatched, then to the workers until all
// are done.
class PipelinedHasher::Pipeline {
 public:
  // Holds a process-wide slot (taken by the caller) until destroyed. Throws std::system_error,
  // with the slot given back, when a worker thread cannot be started, and std::bad_alloc.
  Pipeline(Contexts& contexts, const Options& options, const Sink& sink)
      : contexts_(contexts), options_(options), sink_(sink), worker_count_(sink ? 3 : 2) {
    try {
      for (int which = 0; which < worker_count_; ++which)
        workers_[which].thread = std::thread([this, which] { Work(which); });
    } catch (...) {
      Stop();
      throw;
    }
  }
  ~Pipeline() { Stop(); }
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  Status Append(const char* data, size_t size) {
    while (size > 0) {
      if (!current_) {
        current_ = TakeFreeChunk();
        if (!current_) return SinkFailure();
      }
      const size_t n = std::min(size, options_.chunk_bytes - current_->size);
      std::memcpy(current_->bytes.get() + current_->size, data, n);
      current_->size += n;
      data += n;
      size -= n;
      if (current_->size == options_.chunk_bytes) Dispatch(std::exchange(current_, nullptr));
    }
    return Status::Ok();
  }

  // Hands over the partial chunk and waits until every worker is done with everything; then the
  // sink's first failure, if any.
  Status Drain() {
    if (current_) Dispatch(std::exchange(current_, nullptr));
    std::unique_lock lock(mutex_);
    draining_ = true;
    done_cv_.wait(lock, [this] {
      return std::all_of(workers_, workers_ + worker_count_, [](const Worker& w) { return w.queue.empty(); });
    });
    return sink_failure_;
  }

 private:
  struct FreeAligned {
    void operator()(char* p) const { std::free(p); }
  };
  struct Chunk {
    std::unique_ptr<char, FreeAligned> bytes;
    size_t size = 0;
    int pending = 0;  // workers still busy with it
  };
  struct Worker {
    std::deque<Chunk*> queue;  // in stream order; the front stays queued while it is hashed
    std::thread thread;
  };

  // A free chunk of the pool, allocated while the pool is below its size; waits when all are
  // queued (the backpressure that bounds memory). Null once the sink failed.
  Chunk* TakeFreeChunk() {
    std::unique_lock lock(mutex_);
    if (!sink_failure_.ok()) return nullptr;
    if (free_.empty() && pool_.size() < options_.chunks) {
      const size_t bytes = (options_.chunk_bytes + kChunkAlignment - 1) / kChunkAlignment * kChunkAlignment;
      auto chunk = std::make_unique<Chunk>();
      chunk->bytes.reset(static_cast<char*>(std::aligned_alloc(kChunkAlignment, bytes)));
      if (!chunk->bytes) throw std::bad_alloc();
      pool_.push_back(std::move(chunk));
      return pool_.back().get();
    }
    done_cv_.wait(lock, [this] { return !free_.empty() || !sink_failure_.ok(); });
    if (!sink_failure_.ok()) return nullptr;
    Chunk* chunk = free_.back();
    free_.pop_back();
    return chunk;
  }

  void Dispatch(Chunk* chunk) {
    {
      std::lock_guard lock(mutex_);
      chunk->pending = worker_count_;
      for (int which = 0; which < worker_count_; ++which) workers_[which].queue.push_back(chunk);
    }
    work_cv_.notify_all();
  }

  // The sink's answer for a chunk. An exception (no memory, no randomness for a file name) is
  // its failure: on the request's thread it would have reached the server's handler, on this
  // one it would end the process.
  Status PassOn(const Chunk& chunk) {
    try {
      return sink_(std::string_view(chunk.bytes.get(), chunk.size));
    } catch (const std::exception& e) {
      return Status::IOError(std::string("writing the stream failed: ") + e.what());
    }
  }

  Status SinkFailure() {
    std::lock_guard lock(mutex_);
    return sink_failure_;
  }

  // Worker 0 computes MD5; worker 1 SHA-1 and SHA-256 (together about as fast as MD5 alone);
  // worker 2 passes the chunk to the sink, unless it failed before.
  void Process(int which, const Chunk& chunk) {
    if (which == 0) {
      contexts_.md5.Update(chunk.bytes.get(), chunk.size);
      return;
    }
    if (which == 2) {
      if (!SinkFailure().ok()) return;
      Status st = PassOn(chunk);
      if (st.ok()) return;
      std::lock_guard lock(mutex_);
      sink_failure_ = std::move(st);
      done_cv_.notify_all();  // a producer waiting for a chunk gives up
      return;
    }
    for (size_t at = 0; at < chunk.size; at += kCachePiece) {
      const size_t n = std::min(kCachePiece, chunk.size - at);
      contexts_.sha1.Update(chunk.bytes.get() + at, n);
      contexts_.sha256.Update(chunk.bytes.get() + at, n);
    }
  }

  void Work(int which) {
    Worker& worker = workers_[which];
    std::unique_lock lock(mutex_);
    while (true) {
      work_cv_.wait(lock, [&] { return stopping_ || !worker.queue.empty(); });
      if (stopping_) return;
      Chunk* chunk = worker.queue.front();
      lock.unlock();
      Process(which, *chunk);
      lock.lock();
      worker.queue.pop_front();
      if (--chunk->pending == 0) {
        chunk->size = 0;
        free_.push_back(chunk);
      }
      // The producer waits for a free chunk, or in Drain for empty queues; waking it for a queue
      // that emptied while it waits for a chunk would only put it back to sleep. It is woken
      // with the lock released, so that it does not wake only to wait for the lock.
      if (chunk->pending == 0 || (draining_ && worker.queue.empty())) {
        lock.unlock();
        done_cv_.notify_all();
        lock.lock();
      }
    }
  }

  // Stops the workers (what they had not started is discarded), joins them and gives the slot back.
  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    work_cv_.notify_all();
    for (Worker& worker : workers_)
      if (worker.thread.joinable()) worker.thread.join();
    active_pipelines.fetch_sub(1);
  }

  Contexts& contexts_;
  const Options options_;
  const Sink& sink_;  // the hasher's, which outlives the pipeline
  const int worker_count_;
  Chunk* current_ = nullptr;  // being filled by the producer; not in any list
  std::mutex mutex_;
  std::condition_variable work_cv_;  // a worker's queue grew, or stopping_
  std::condition_variable done_cv_;  // a chunk was freed, or a queue emptied while draining
  std::vector<std::unique_ptr<Chunk>> pool_;
  std::vector<Chunk*> free_;
  Worker workers_[3];
  Status sink_failure_;
  bool draining_ = false;  // the producer is in Drain
  bool stopping_ = false;
};

PipelinedHasher::PipelinedHasher() : PipelinedHasher(Options{}) {}

PipelinedHasher::PipelinedHasher(Options options, Sink sink)
    : options_(options), sink_(std::move(sink)), contexts_(std::make_unique<Contexts>()) {
  options_.chunk_bytes = std::max<size_t>(options_.chunk_bytes, 1);
  options_.chunks = std::max<size_t>(options_.chunks, 1);
}

PipelinedHasher::~PipelinedHasher() = default;  // ~Pipeline joins the workers before contexts_ goes

Status PipelinedHasher::Update(const void* data, size_t size) {
  const char* bytes = static_cast<const char*>(data);
  if (!pipeline_ && !stay_inline_) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(size, options_.inline_bytes - inlined_));
    AGORA_RETURN_IF_ERROR(UpdateInline(bytes, n));
    inlined_ += n;
    bytes += n;
    size -= n;
    if (size == 0) return Status::Ok();
    StartPipeline();
  }
  return pipeline_ ? pipeline_->Append(bytes, size) : UpdateInline(bytes, size);
}

Status PipelinedHasher::UpdateInline(const char* data, size_t size) {
  contexts_->Update(data, size);
  return sink_ && size > 0 ? sink_(std::string_view(data, size)) : Status::Ok();
}

void PipelinedHasher::StartPipeline() {
  if (!TakePipelineSlot()) {
    stay_inline_ = true;
    return;
  }
  try {
    pipeline_ = std::make_unique<Pipeline>(*contexts_, options_, sink_);
    pipelined_ = true;
  } catch (const std::system_error&) {
    stay_inline_ = true;  // no thread to be had: hashing inline is slower, never wrong
  }
}

Result<Digests> PipelinedHasher::Finish() {
  if (pipeline_) {
    Status drained = pipeline_->Drain();
    pipeline_.reset();
    AGORA_RETURN_IF_ERROR(drained);
  }
  return Digests{contexts_->md5.FinishHex(), contexts_->sha1.FinishHex(), contexts_->sha256.FinishHex()};
}

bool PipelinedHasher::pipelined() const { return pipelined_; }

int PipelinedHasher::ActivePipelines() { return active_pipelines.load(); }

}  // namespace agora
