// One reading of an uploaded specification at publication, and the pool of worker processes
// the server runs it in.
//
// The spec readers (src/specs) are guarded against cycles, depth and resource bombs, and bound
// their memory and CPU time; SpecReaderPool is the defence behind those guards: each reading runs
// in a process of its own (this binary, started as `agora __spec-reader`), under rlimits of memory
// and CPU time and a wall-clock deadline (ten times the CPU time, and 10 s), at most `workers`
// at once. A reader that crashes, loops or runs out of memory costs that upload only: the upload
// gets 400 INVALID_SPEC saying how its reading ended, nothing of it is stored, and the server
// carries on. A fresh process per reading also means nothing one reading leaves behind (heap, a
// bug's corrupted state) reaches the next.
//
// The worker reads a SpecReading as JSON on its standard input and writes its SpecVerdict as JSON
// on its standard output. For tests only, when the server runs with AGORA_TEST_SPEC_READER_FAULTS=1
// in its environment, a main file containing "agora-test-fault: crash" (or loop, or memory) makes
// the worker crash with SIGSEGV (or spin, or allocate without end); nothing else reaches it.
//
// Thread safety: ReadSpecVerdict is a pure function; SpecReaderPool::Read may be called from any
// number of threads (it blocks the caller until the reading ends).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <semaphore>
#include <string>
#include <string_view>

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
  std::chrono::seconds cpu_time{30};                 // each worker's CPU time (RLIMIT_CPU)
};

class SpecReaderPool {
 public:
  // `executable`: this binary (see ThisExecutable()).
  SpecReaderPool(std::string executable, SpecReaderLimits limits);

  // The verdict of a worker's reading; InvalidArgument INVALID_SPEC, saying how, when the worker
  // crashed, ran out of memory or CPU time, or outlived its deadline; Unavailable when no worker
  // could be started.
  Result<SpecVerdict> Read(const SpecReading& reading);

  const SpecReaderLimits& limits() const { return limits_; }

 private:
  const std::string executable_;
  const SpecReaderLimits limits_;
  std::counting_semaphore<> slots_;
};

// The path of the running binary.
std::string ThisExecutable();

// The word that starts a worker (`agora __spec-reader`), and its main: reads one SpecReading on
// stdin, writes its verdict on stdout, under the limits given after the word
// (--memory-bytes N --cpu-seconds N). Returns the process's exit code.
inline constexpr std::string_view kSpecReaderWord = "__spec-reader";
int RunSpecReaderWorker(int argc, const char* const* argv);

}  // namespace agora::publication
