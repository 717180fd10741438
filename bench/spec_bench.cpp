// Spec reading benchmark: reads, validates and models one spec (default: the shared corpus's
// 1.6 MB OpenAPI file with 560 $ref) N times on one thread and prints the median and the slowest
// CPU time of the reading thread (wall time on the shared, busy build machine measures the other
// processes as much as this one) and the median wall time. Target: under 200 ms of CPU on one core.
//
//   build/spec_bench [FILE] [RUNS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <ctime>
#include <vector>

#include "specs/spec_reader.h"

namespace {

double ThreadCpuMillis() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string file = argc > 1 ? argv[1]
                                    : std::string(AGORA_CORPUS_DIR) + "/oas/anypoint-access-management-oas3.0-large.yaml";
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 20;
  const std::filesystem::path path(file);
  if (!std::filesystem::exists(path)) {
    std::fprintf(stderr, "spec_bench: %s does not exist\n", file.c_str());
    return 1;
  }
  const agora::specs::DirectorySpecSource source(path.parent_path().string());
  std::vector<double> cpu_millis, wall_millis;
  size_t problems = 0, resources = 0;
  for (int i = 0; i < runs; ++i) {
    const double cpu_start = ThreadCpuMillis();
    const auto start = std::chrono::steady_clock::now();
    const auto report = agora::specs::ReadSpec(source, path.filename().string());
    wall_millis.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    cpu_millis.push_back(ThreadCpuMillis() - cpu_start);
    problems = report.problems.size();
    resources = report.model.resources.size();
  }
  std::sort(cpu_millis.begin(), cpu_millis.end());
  std::sort(wall_millis.begin(), wall_millis.end());
  std::printf("read and validated %s (%ju bytes, %zu resources, %zu problems) %d times: CPU median %.1f ms, "
              "slowest %.1f ms; wall median %.1f ms\n",
              path.filename().c_str(), static_cast<uintmax_t>(std::filesystem::file_size(path)), resources, problems, runs,
              cpu_millis[cpu_millis.size() / 2], cpu_millis.back(), wall_millis[wall_millis.size() / 2]);
  return 0;
}
