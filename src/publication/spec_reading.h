// One reading of an uploaded specification at publication, and the pool of worker processes
// the server runs it in.
//
// The spec readers (src/specs) are guarded against cycles, depth and resource bombs, and bound
// their memory and CPU time; SpecReaderPool is the defence behind those guards: readings run in
// worker processes (this binary, started as `agora __spec-reader`), under rlimits of memory and
// CPU time and a wall-clock deadline (ten times the CPU time, and 10 s), at most `workers` at
// once. A reader that crashes, loops or runs out of memory costs that upload only: the upload
// gets 400 INVALID_SPEC saying how its reading ended, nothing of it is stored, the worker is
// replaced, and the server carries on.
//
// The workers are started with the pool and each reads many specs, one after the other: starting
// a process (about 10 ms) costs as much as reading a typical spec. Each reading gets the CPU time
// of the limit afresh. A worker is replaced after kReadingsPerWorker readings, or once its
// resident memory grows past a quarter of its memory limit, so that neither a slow leak nor the
// heap one large reading left behind reaches many later ones.
//
// Protocol: over the worker's standard input and output, one frame per message: the length in
// decimal, a newline, then that many bytes. The pool writes a SpecReading as JSON; the worker
// answers its SpecVerdict as one line of JSON without the model, then the model's JSON as it is,
// or exits (its exit status says why: crash, CPU time, memory).
// End of input ends the worker. For tests only, when the server runs with
// AGORA_TEST_SPEC_READER_FAULTS=1 in its environment, a main file containing
// "agora-test-fault: crash" (or loop, or memory) makes the worker crash with SIGSEGV (or spin, or
// allocate without end); nothing else reaches it.
//
// Thread safety: ReadSpecVerdict is a pure function; SpecReaderPool::Read may be called from any
// number of threads (it blocks the caller until the reading ends).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "publication/spec_verdicts.h"
#include "specs/archive_spec_source.h"

namespace agora::publication {

// Everything a reading reads: the upload, its declared dependencies' uploads, the main file.
struct SpecReading {
  std::string main_file;
  specs::SpecArchive archive;
  std::map<std::string, specs::SpecArchive> dependencies;  // "groupId/assetId/version" -> upload
  uint64_t max_file_bytes = 0;
};

// Reads the spec in this process; `main_content` is the main file's text (its format is detected from it).
SpecVerdict ReadSpecVerdict(const SpecReading& reading, std::string_view main_content);

struct SpecReaderLimits {
  size_t workers = 2;                                // readings at once (others wait their turn)
  uint64_t memory_bytes = 2ull << 30;                // each worker's address space (RLIMIT_AS)
  std::chrono::seconds cpu_time{30};                 // each reading's CPU time (RLIMIT_CPU)
};

class SpecReaderPool {
 public:
  // Readings one worker does before it is replaced by a fresh process.
  static constexpr uint32_t kReadingsPerWorker = 1000;

  // `executable`: this binary (see ThisExecutable()). Starts the workers.
  SpecReaderPool(std::string executable, SpecReaderLimits limits);
  ~SpecReaderPool();  // ends the idle workers (no Read may be running)

  // The verdict of a worker's reading; InvalidArgument INVALID_SPEC, saying how, when the worker
  // crashed, ran out of memory or CPU time, or outlived its deadline; Unavailable when no worker
  // could be started.
  Result<SpecVerdict> Read(const SpecReading& reading);

  const SpecReaderLimits& limits() const { return limits_; }
  // Worker processes started so far: the pool's own at its start, then one per replacement.
  uint64_t workers_started() const { return started_.load(); }

 private:
  struct Worker;
  std::unique_ptr<Worker> Start();
  std::unique_ptr<Worker> TakeIdle();
  void Keep(std::unique_ptr<Worker> worker);  // makes it idle

  const std::string executable_;
  const SpecReaderLimits limits_;
  std::counting_semaphore<> slots_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Worker>> idle_;  // guarded by mutex_
  std::atomic<uint64_t> started_{0};
};

// The path of the running binary.
std::string ThisExecutable();

// The word that starts a worker (`agora __spec-reader`), and its main: reads SpecReadings on
// stdin and writes their verdicts on stdout (see the protocol above) until its input ends, under
// the limits given after the word (--memory-bytes N --cpu-seconds N). Returns the process's exit code.
inline constexpr std::string_view kSpecReaderWord = "__spec-reader";
int RunSpecReaderWorker(int argc, const char* const* argv);

}  // namespace agora::publication
