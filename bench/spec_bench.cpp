// Spec reading benchmark: reads, validates and models one spec (default: the shared corpus's
// 1.6 MB OpenAPI file with 560 $ref) N times on one thread and prints the median and the slowest
// CPU time of the reading thread (wall time on the shared, busy build machine measures the other
// processes as much as this one) and the median wall time. Target: under 200 ms of CPU on one core.
// Each reading does what a publication's spec reader worker does (RunSpecReaderWorker): read the
// spec, then write its problems, its model's JSON and its search terms; the medians of the read
// and of the writing are printed apart.
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
  std::vector<double> cpu_millis, read_millis, write_millis, wall_millis;
  size_t problems = 0, resources = 0, model_bytes = 0;
  for (int i = 0; i < runs; ++i) {
    const double cpu_start = ThreadCpuMillis();
    const auto start = std::chrono::steady_clock::now();
    const auto report = agora::specs::ReadSpec(source, path.filename().string());
    const double read_end = ThreadCpuMillis();
    std::vector<std::string> problem_texts;
    for (const auto& problem : report.problems) problem_texts.push_back(problem.ToString());
    const std::string model_json = report.model.ToJson();
    const std::string search_terms = report.model.SearchTerms();
    const double cpu_end = ThreadCpuMillis();
    wall_millis.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    cpu_millis.push_back(cpu_end - cpu_start);
    read_millis.push_back(read_end - cpu_start);
    write_millis.push_back(cpu_end - read_end);
    problems = report.problems.size();
    resources = report.model.resources.size();
    model_bytes = model_json.size();
  }
  for (auto* samples : {&cpu_millis, &read_millis, &write_millis, &wall_millis}) std::sort(samples->begin(), samples->end());
  std::printf("read and validated %s (%ju bytes, %zu resources, %zu problems, model %zu bytes) %d times: CPU median %.1f ms "
              "(reading %.1f, model JSON and search terms %.1f), slowest %.1f ms; wall median %.1f ms\n",
              path.filename().c_str(), static_cast<uintmax_t>(std::filesystem::file_size(path)), resources, problems,
              model_bytes, runs, cpu_millis[runs / 2], read_millis[runs / 2], write_millis[runs / 2], cpu_millis.back(),
              wall_millis[runs / 2]);
  return 0;
}
