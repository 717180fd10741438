#include "publication/spec_reading.h"

#include <boost/json.hpp>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>
#include <new>
#include <optional>
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

std::string VerdictJson(const SpecVerdict& verdict) {
  return json::serialize(json::object{{"format", verdict.format},
                                      {"format_version", verdict.format_version},
                                      {"problems", json::value_from(verdict.problems)},
                                      {"model_json", verdict.model_json},
                                      {"search_terms", verdict.search_terms}});
}

std::optional<SpecVerdict> VerdictFrom(std::string_view text) {
  try {
    const json::object object = json::parse(text).as_object();
    SpecVerdict verdict;
    verdict.format = json::value_to<std::string>(object.at("format"));
    verdict.format_version = json::value_to<std::string>(object.at("format_version"));
    verdict.problems = json::value_to<std::vector<std::string>>(object.at("problems"));
    verdict.model_json = json::value_to<std::string>(object.at("model_json"));
    verdict.search_terms = json::value_to<std::string>(object.at("search_terms"));
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

void SetWorkerLimits(uint64_t memory_bytes, uint64_t cpu_seconds) {
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  if (memory_bytes && !kAddressSanitizer) {  // ASan reserves terabytes of address space
    const rlimit memory{memory_bytes, memory_bytes};
    setrlimit(RLIMIT_AS, &memory);
  }
  if (cpu_seconds) {
    const rlimit cpu{cpu_seconds, cpu_seconds + 2};  // SIGXCPU, then SIGKILL
    setrlimit(RLIMIT_CPU, &cpu);
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

// Reads `fd` to its end; false when `deadline` passes first.
bool ReadAll(int fd, std::string& out, std::chrono::steady_clock::time_point deadline) {
  char buffer[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd wait{fd, POLLIN, 0};
    const int ready = poll(&wait, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) return true;
    if (ready <= 0) continue;
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return true;
    out.append(buffer, static_cast<size_t>(got));
  }
}

std::string MiB(uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

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

SpecReaderPool::SpecReaderPool(std::string executable, SpecReaderLimits limits)
    : executable_(std::move(executable)), limits_(limits), slots_(static_cast<std::ptrdiff_t>(std::max<size_t>(limits.workers, 1))) {
  // A worker that dies before reading its request makes writing it fail with EPIPE, which must
  // not end the server (whose sockets never raise SIGPIPE: Asio sends with MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
}

Result<SpecVerdict> SpecReaderPool::Read(const SpecReading& reading) {
  slots_.acquire();
  struct Slot {
    std::counting_semaphore<>& slots;
    ~Slot() { slots.release(); }
  } slot{slots_};

  int request[2], answer[2];
  if (pipe2(request, O_CLOEXEC) != 0) return Status::Unavailable("cannot start a spec reader: " + std::string(std::strerror(errno)));
  if (pipe2(answer, O_CLOEXEC) != 0) {
    close(request[0]), close(request[1]);
    return Status::Unavailable("cannot start a spec reader: " + std::string(std::strerror(errno)));
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
    return Status::Unavailable("cannot start a spec reader (" + executable_ + "): " + std::strerror(spawned));
  }
  WriteAll(request[1], ReadingJson(reading));  // a worker that died early is told by its status
  close(request[1]);
  // The CPU limit ends a spinning worker; the deadline also ends one that sleeps or waits, and
  // leaves room for a busy machine, where a worker may get a tenth of a core.
  const std::chrono::seconds allowed = 10 * limits_.cpu_time + std::chrono::seconds(10);
  const auto deadline = std::chrono::steady_clock::now() + allowed;
  std::string output;
  const bool finished = ReadAll(answer[0], output, deadline);
  if (!finished) kill(pid, SIGKILL);
  close(answer[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }

  std::string why;
  if (!finished) {
    why = "its reading outlived its deadline of " + std::to_string(allowed.count()) + " s";
  } else if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL)) {
    why = "its reading took more than the reader's " + std::to_string(limits_.cpu_time.count()) + " s of CPU time";
  } else if (WIFSIGNALED(status)) {
    why = "the spec reader crashed (signal " + std::to_string(WTERMSIG(status)) + ", " + strsignal(WTERMSIG(status)) +
          "): a defect in agora, which this upload reveals";
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == kOutOfMemory) {
    why = "its reading needed more than the reader's " + MiB(limits_.memory_bytes) + " of memory";
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    if (auto verdict = VerdictFrom(output)) return std::move(*verdict);
    why = "the spec reader's answer could not be understood";
  } else {
    why = "the spec reader failed (exit code " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
  }
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
  SetWorkerLimits(memory_bytes, cpu_seconds);
  try {
    const std::string input(std::istreambuf_iterator<char>(std::cin), {});
    const SpecReading reading = ReadingFrom(json::parse(input));
    const specs::ArchiveSpecSource source(reading.archive, reading.dependencies, reading.max_file_bytes);
    auto main_content = source.Read(reading.main_file);
    const std::string main = main_content.ok() ? std::move(main_content).value() : "";
    InjectTestFault(main, memory_bytes);
    std::cout << VerdictJson(ReadSpecVerdict(reading, main));
    std::cout.flush();
    return std::cout ? 0 : 1;
  } catch (const std::bad_alloc&) {
    return kOutOfMemory;
  } catch (const std::exception& e) {
    std::cerr << "agora " << kSpecReaderWord << ": " << e.what() << std::endl;
    return kBadRequest;
  }
}

}  // namespace agora::publication
