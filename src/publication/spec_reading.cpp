#include "publication/spec_reading.h"

#include <boost/json.hpp>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <new>
#include <optional>
#include <system_error>
#include <vector>

#include "specs/spec_format.h"
#include "specs/spec_reader.h"

extern char** environ;

namespace agora::publication {
namespace {

namespace json = boost::json;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

// The worker's exit codes besides 0 (its verdict is on stdout).
constexpr int kOutOfMemory = 3;
constexpr int kBadRequest = 4;

json::object ArchiveJson(const specs::SpecArchive& archive) {
  return {{"path", archive.path}, {"is_zip", archive.is_zip}, {"single_file_name", archive.single_file_name}};
}

specs::SpecArchive ArchiveFrom(const json::value& value) {
  const json::object& object = value.as_object();
  return {json::value_to<std::string>(object.at("path")), object.at("is_zip").as_bool(),
          json::value_to<std::string>(object.at("single_file_name"))};
}

std::string ReadingJson(const SpecReading& reading) {
  json::object dependencies;
  for (const auto& [key, archive] : reading.dependencies) dependencies[key] = ArchiveJson(archive);
  return json::serialize(json::object{{"main_file", reading.main_file},
                                      {"archive", ArchiveJson(reading.archive)},
                                      {"dependencies", std::move(dependencies)},
                                      {"max_file_bytes", reading.max_file_bytes}});
}

SpecReading ReadingFrom(const json::value& value) {
  const json::object& object = value.as_object();
  SpecReading reading;
  reading.main_file = json::value_to<std::string>(object.at("main_file"));
  reading.archive = ArchiveFrom(object.at("archive"));
  for (const auto& [key, archive] : object.at("dependencies").as_object())
    reading.dependencies[std::string(key)] = ArchiveFrom(archive);
  reading.max_file_bytes = json::value_to<uint64_t>(object.at("max_file_bytes"));
  return reading;
}

// The verdict less its model as one line of JSON (which never holds a raw newline), then the
// model's JSON as it is: the model is most of the answer (355 KB for a 165 KiB RAML), and
// escaping it into a JSON string and parsing it back out cost the worker 0.5 ms and the server
// 0.9 ms of CPU per reading.
std::string VerdictText(const SpecVerdict& verdict) {
  std::string text = json::serialize(json::object{{"format", verdict.format},
                                                  {"format_version", verdict.format_version},
                                                  {"problems", json::value_from(verdict.problems)},
                                                  {"search_terms", verdict.search_terms}});
  text += '\n';
  text += verdict.model_json;
  return text;
}

std::optional<SpecVerdict> VerdictFrom(std::string_view text) {
  const size_t line_end = text.find('\n');
  if (line_end == std::string_view::npos) return std::nullopt;
  try {
    const json::object object = json::parse(text.substr(0, line_end)).as_object();
    SpecVerdict verdict;
    verdict.format = json::value_to<std::string>(object.at("format"));
    verdict.format_version = json::value_to<std::string>(object.at("format_version"));
    verdict.problems = json::value_to<std::vector<std::string>>(object.at("problems"));
    verdict.search_terms = json::value_to<std::string>(object.at("search_terms"));
    verdict.model_json = text.substr(line_end + 1);
    return verdict;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The test-only faults (see the header): never reached unless the environment asks for them.
void InjectTestFault(std::string_view main_content, uint64_t memory_bytes) {
  const char* enabled = std::getenv("AGORA_TEST_SPEC_READER_FAULTS");
  if (!enabled || std::string_view(enabled) != "1") return;
  if (main_content.find("agora-test-fault: crash") != std::string_view::npos) {
    std::signal(SIGSEGV, SIG_DFL);
    std::raise(SIGSEGV);
  }
  if (main_content.find("agora-test-fault: loop") != std::string_view::npos)
    for (volatile uint64_t spin = 0;; spin = spin + 1) {
    }
  if (main_content.find("agora-test-fault: memory") != std::string_view::npos) {
    // The rlimit stops this first; under ASan, which cannot run with one, the cap does.
    std::vector<std::unique_ptr<char[]>> hog;
    for (uint64_t held = 0; held < 2 * memory_bytes; held += 1 << 20) {
      hog.emplace_back(new char[1 << 20]);
      std::memset(hog.back().get(), 1, 1 << 20);
    }
    throw std::bad_alloc();
  }
}

void SetWorkerLimits(uint64_t memory_bytes) {
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  if (memory_bytes && !kAddressSanitizer) {  // ASan reserves terabytes of address space
    const rlimit memory{memory_bytes, memory_bytes};
    setrlimit(RLIMIT_AS, &memory);
  }
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t written = write(fd, data.data(), data.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    data.remove_prefix(static_cast<size_t>(written));
  }
  return true;
}

// A frame of the protocol (see the header): the length in decimal, a newline, the bytes.
bool WriteFrame(int fd, std::string_view body) {
  return WriteAll(fd, std::to_string(body.size()) + "\n") && WriteAll(fd, body);
}

constexpr auto kNoDeadline = std::chrono::steady_clock::time_point::max();
constexpr size_t kMaxFrameBytes = size_t{1} << 30;

enum class Got { kFrame, kEnd, kTimeout, kBroken };

// Reads one frame from `fd` into `body`. kEnd: the input ended (the other side ended or closed
// it) before the frame did; kBroken: what came is not a frame. Each side writes one frame and then waits for the other's,
// so nothing can follow the frame.
Got ReadFrame(int fd, std::string& body, std::chrono::steady_clock::time_point deadline) {
  std::string data;
  size_t header = std::string::npos, expected = 0;
  char buffer[65536];
  for (;;) {
    if (deadline != kNoDeadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return Got::kTimeout;
      pollfd wait{fd, POLLIN, 0};
      const int ready = poll(&wait, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
      if (ready < 0 && errno != EINTR) return Got::kBroken;
      if (ready <= 0) continue;
    }
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return Got::kEnd;
    data.append(buffer, static_cast<size_t>(got));
    if (header == std::string::npos) {
      header = data.find('\n');
      if (header == std::string::npos) {
        if (data.size() > 20) return Got::kBroken;
        continue;
      }
      const auto parsed = std::from_chars(data.data(), data.data() + header, expected);
      if (parsed.ec != std::errc() || parsed.ptr != data.data() + header || expected > kMaxFrameBytes) return Got::kBroken;
      data.reserve(header + 1 + expected);
    }
    if (data.size() > header + 1 + expected) return Got::kBroken;
    if (data.size() == header + 1 + expected) {
      body.assign(data, header + 1);
      return Got::kFrame;
    }
  }
}

// Gives the next reading the worker's CPU time limit afresh: RLIMIT_CPU counts the process's
// whole life, so its soft limit (SIGXCPU) is set to what was used so far plus the limit.
void LimitNextReadingCpu(uint64_t cpu_seconds) {
  if (!cpu_seconds) return;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const uint64_t used_us = uint64_t(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000 +
                           uint64_t(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  rlimit cpu{};
  getrlimit(RLIMIT_CPU, &cpu);
  cpu.rlim_cur = (used_us + 999999) / 1000000 + cpu_seconds;
  if (cpu.rlim_max != RLIM_INFINITY) cpu.rlim_cur = std::min(cpu.rlim_cur, cpu.rlim_max);
  setrlimit(RLIMIT_CPU, &cpu);
}

// The resident memory of process `pid`, from /proc (0 when it cannot be read).
uint64_t ResidentBytes(pid_t pid) {
  const int fd = open(("/proc/" + std::to_string(pid) + "/statm").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char text[128];
  const ssize_t got = read(fd, text, sizeof text - 1);
  close(fd);
  if (got <= 0) return 0;
  text[got] = 0;
  unsigned long long size = 0, resident = 0;
  if (std::sscanf(text, "%llu %llu", &size, &resident) != 2) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

std::string MiB(uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// How a worker's reading ended, from its exit status.
std::string WhyStopped(int status, const SpecReaderLimits& limits) {
  if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL))
    return "its reading took more than the reader's " + std::to_string(limits.cpu_time.count()) + " s of CPU time";
  if (WIFSIGNALED(status))
    return "the spec reader crashed (signal " + std::to_string(WTERMSIG(status)) + ", " + strsignal(WTERMSIG(status)) +
           "): a defect in agora, which this upload reveals";
  if (WIFEXITED(status) && WEXITSTATUS(status) == kOutOfMemory)
    return "its reading needed more than the reader's " + MiB(limits.memory_bytes) + " of memory";
  return "the spec reader failed (exit code " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
}

}  // namespace

SpecVerdict ReadSpecVerdict(const SpecReading& reading, std::string_view main_content) {
  SpecVerdict verdict;
  const specs::SpecFormat format = specs::DetectSpecFormat(reading.main_file, main_content);
  verdict.format = format.format;
  const specs::ArchiveSpecSource source(reading.archive, reading.dependencies, reading.max_file_bytes);
  const specs::SpecReport report = specs::ReadSpec(source, reading.main_file);
  for (const auto& problem : report.problems) verdict.problems.push_back(problem.ToString());
  verdict.format_version = report.model.format_version.empty() ? format.version : report.model.format_version;
  verdict.model_json = report.model.ToJson();
  verdict.search_terms = report.model.SearchTerms();
  return verdict;
}

std::string ThisExecutable() {
  std::error_code error;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? "" : path.string();
}

// A worker process and the pipes to it.
struct SpecReaderPool::Worker {
  pid_t pid = 0;
  int to = -1;    // its standard input
  int from = -1;  // its standard output
  uint32_t readings = 0;

  Worker(pid_t pid, int to, int from) : pid(pid), to(to), from(from) {}
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  ~Worker() { Wait(); }

  // Closes its input, which ends it unless it has ended or been killed, and waits for it: its exit status.
  int Wait() {
    if (to >= 0) close(to), to = -1;
    if (from >= 0) close(from), from = -1;
    int status = 0;
    if (pid > 0)
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
    pid = 0;
    return status;
  }
};

SpecReaderPool::SpecReaderPool(std::string executable, SpecReaderLimits limits)
    : executable_(std::move(executable)), limits_(limits), slots_(static_cast<std::ptrdiff_t>(std::max<size_t>(limits.workers, 1))) {
  // A worker that died makes writing to it fail with EPIPE, which must not end the server (whose
  // sockets never raise SIGPIPE: Asio sends with MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
  for (size_t i = 0; i < std::max<size_t>(limits.workers, 1); ++i)
    if (auto worker = Start()) idle_.push_back(std::move(worker));
}

SpecReaderPool::~SpecReaderPool() = default;

std::unique_ptr<SpecReaderPool::Worker> SpecReaderPool::Start() {
  int request[2], answer[2];
  if (pipe2(request, O_CLOEXEC) != 0) return nullptr;
  if (pipe2(answer, O_CLOEXEC) != 0) {
    close(request[0]), close(request[1]);
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, request[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, answer[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);  // none of the server's files
  const std::string memory = std::to_string(limits_.memory_bytes), cpu = std::to_string(limits_.cpu_time.count());
  const std::string word(kSpecReaderWord);
  const char* argv[] = {executable_.c_str(), word.c_str(), "--memory-bytes", memory.c_str(), "--cpu-seconds", cpu.c_str(), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, executable_.c_str(), &actions, nullptr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(request[0]);
  close(answer[1]);
  if (spawned != 0) {
    close(request[1]), close(answer[0]);
    std::cerr << "agora: cannot start a spec reader (" << executable_ << "): " << std::strerror(spawned) << std::endl;
    return nullptr;
  }
  started_.fetch_add(1);
  return std::make_unique<Worker>(pid, request[1], answer[0]);
}

std::unique_ptr<SpecReaderPool::Worker> SpecReaderPool::TakeIdle() {
  const std::lock_guard lock(mutex_);
  if (idle_.empty()) return nullptr;
  auto worker = std::move(idle_.back());
  idle_.pop_back();
  return worker;
}

void SpecReaderPool::Keep(std::unique_ptr<Worker> worker) {
  if (!worker) return;
  const std::lock_guard lock(mutex_);
  idle_.push_back(std::move(worker));
}

Result<SpecVerdict> SpecReaderPool::Read(const SpecReading& reading) {
  slots_.acquire();
  struct Slot {
    std::counting_semaphore<>& slots;
    ~Slot() { slots.release(); }
  } slot{slots_};

  const std::string request = ReadingJson(reading);
  std::unique_ptr<Worker> worker = TakeIdle();
  if (worker && !WriteFrame(worker->to, request)) {
    worker.reset();  // it ended while idle (killed from outside): not this reading's doing
  }
  if (!worker) {
    worker = Start();
    if (!worker) return Status::Unavailable("cannot start a spec reader (" + executable_ + ")");
    WriteFrame(worker->to, request);  // a worker that died at once is told by its status
  }
  // The CPU limit ends a spinning worker; the deadline also ends one that sleeps or waits, and
  // leaves room for a busy machine, where a worker may get a tenth of a core.
  const std::chrono::seconds allowed = 10 * limits_.cpu_time + std::chrono::seconds(10);
  std::string answer;
  const Got got = ReadFrame(worker->from, answer, std::chrono::steady_clock::now() + allowed);
  if (got == Got::kFrame) {
    if (auto verdict = VerdictFrom(answer)) {
      // A spent worker is replaced now, so that the next reading finds a process ready; the
      // old one ends as its input closes.
      // (Under ASan, which has no memory limit and a large shadow, only the count applies.)
      if (++worker->readings >= kReadingsPerWorker ||
          (!kAddressSanitizer && ResidentBytes(worker->pid) > limits_.memory_bytes / 4))
        worker = Start();
      Keep(std::move(worker));
      return std::move(*verdict);
    }
  }
  if (got != Got::kEnd) kill(worker->pid, SIGKILL);  // out of time, or out of step with the protocol
  const int status = worker->Wait();
  std::string why = got == Got::kTimeout ? "its reading outlived its deadline of " + std::to_string(allowed.count()) + " s"
                    : got == Got::kEnd   ? WhyStopped(status, limits_)
                                         : "the spec reader's answer could not be understood";
  worker.reset();
  Keep(Start());  // its replacement
  std::cerr << "agora: reading " << reading.main_file << " stopped: " << why << std::endl;
  return Status::InvalidArgument("INVALID_SPEC", "The specification " + reading.main_file + " could not be read: " + why,
                                 {specs::Problem{reading.main_file, 0, 0, why}.ToString()});
}

int RunSpecReaderWorker(int argc, const char* const* argv) {
  uint64_t memory_bytes = 0, cpu_seconds = 0;
  for (int i = 0; i + 1 < argc; i += 2) {
    const std::string_view option = argv[i];
    if (option == "--memory-bytes") memory_bytes = std::strtoull(argv[i + 1], nullptr, 10);
    if (option == "--cpu-seconds") cpu_seconds = std::strtoull(argv[i + 1], nullptr, 10);
  }
  SetWorkerLimits(memory_bytes);
  // The answers get a descriptor of their own: anything printed on standard output goes to the
  // server's standard error instead of into the protocol.
  const int answers = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (answers < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) return 1;
  std::string request;
  for (;;) {
    const Got got = ReadFrame(STDIN_FILENO, request, kNoDeadline);
    if (got == Got::kEnd) return 0;
    if (got != Got::kFrame) return kBadRequest;
    LimitNextReadingCpu(cpu_seconds);
    try {
      const SpecReading reading = ReadingFrom(json::parse(request));
      const specs::ArchiveSpecSource source(reading.archive, reading.dependencies, reading.max_file_bytes);
      auto main_content = source.Read(reading.main_file);
      const std::string main = main_content.ok() ? std::move(main_content).value() : "";
      InjectTestFault(main, memory_bytes);
      if (!WriteFrame(answers, VerdictText(ReadSpecVerdict(reading, main)))) return 1;
    } catch (const std::bad_alloc&) {
      return kOutOfMemory;
    } catch (const std::exception& e) {
      std::cerr << "agora " << kSpecReaderWord << ": " << e.what() << std::endl;
      return kBadRequest;
    }
  }
}

}  // namespace agora::publication
