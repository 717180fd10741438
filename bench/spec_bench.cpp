// Spec reading benchmark: reads, validates and models one spec (default: the shared corpus's
// 1.6 MB OpenAPI file with 560 $ref) N times on one thread and prints the median and the slowest
// time. Issue 4's target: under 200 ms on one core.
//
//   build/spec_bench [FILE] [RUNS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "specs/spec_reader.h"

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
  std::vector<double> millis;
  size_t problems = 0, resources = 0;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto report = agora::specs::ReadSpec(source, path.filename().string());
    millis.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    problems = report.problems.size();
    resources = report.model.resources.size();
  }
  std::sort(millis.begin(), millis.end());
  std::printf("read and validated %s (%ju bytes, %zu resources, %zu problems) %d times: median %.1f ms, slowest %.1f ms\n",
              path.filename().c_str(), static_cast<uintmax_t>(std::filesystem::file_size(path)), resources, problems, runs,
              millis[millis.size() / 2], millis.back());
  return 0;
}
