// Compatibility report benchmark: two versions of the shared corpus's 1.6 MB OpenAPI file (560
// $ref), the revision made from the base by the edits a real minor version brings (a path
// removed, one added, parameters made required, a bound tightened, an enum value dropped, a type
// changed, an operation renamed, descriptions reworded), compared N times on one thread:
//  - the comparison of the two already-read models (issue 19's target: under 100 ms);
//  - reading both files and comparing (target: under 500 ms).
// Prints the median and the slowest of each, in CPU time of the benchmark's one thread (what a
// busy machine's wall clock cannot show) and in wall time, and the changes found by level.
//
//   build/compat_bench [FILE] [RUNS]
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "compat/compat.h"
#include "specs/spec_reader.h"

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "compat_bench: %s\n", message.c_str());
  std::exit(1);
}

void Replace(std::string& text, const std::string& from, const std::string& to, size_t count = 1, size_t start = 0) {
  for (size_t done = 0; done < count; ++done) {
    const size_t at = text.find(from, start);
    if (at == std::string::npos) Fail("the edit '" + from + "' found nothing to change");
    text.replace(at, from.size(), to);
    start = at + to.size();
  }
}

// The lines from the path item `key` ("  /authorize/context:") to the next path item.
void RemovePath(std::string& text, const std::string& key) {
  const size_t begin = text.find("\n" + key + "\n");
  if (begin == std::string::npos) Fail("no path " + key);
  size_t end = begin + 1;
  while (true) {
    end = text.find('\n', end);
    if (end == std::string::npos || text.compare(end + 1, 3, "  /") == 0 || text[end + 1] != ' ') break;
    ++end;
  }
  text.erase(begin, end - begin);
}

std::string Revision(std::string text) {
  RemovePath(text, "  /authorize/context:");
  Replace(text, "\npaths:\n",
          "\npaths:\n  /bench/added:\n    get:\n      operationId: benchAdded\n      responses:\n        '200':\n"
          "          description: a path the revision adds\n");
  Replace(text, "required: false", "required: true", 5);
  Replace(text, "maximum: 20", "maximum: 10");
  Replace(text, "          - client_name\n", "");
  Replace(text, "operationId: listAuthorize\n", "operationId: listAuthorizations\n");
  Replace(text, "Maximum records to retrieve per request.", "At most this many records are returned.");
  Replace(text, "type: integer", "type: string", 1, text.size() / 2);
  return text;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double Slowest(const std::vector<double>& values) { return *std::max_element(values.begin(), values.end()); }

double Millis(Clock::time_point start) { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); }

// The CPU time this thread has used: on a machine other processes keep busy, the time the
// comparison takes on one core, whatever the wall clock says.
double CpuMillis() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string file = argc > 1 ? argv[1]
                                    : std::string(AGORA_CORPUS_DIR) + "/oas/anypoint-access-management-oas3.0-large.yaml";
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 20;
  std::ifstream in(file, std::ios::binary);
  if (!in) Fail(file + " cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string base_text = buffer.str();
  const std::string revision_text = Revision(base_text);
  // The pair as files of a scratch folder, read from the disk as `agora diff` reads them.
  const std::filesystem::path folder = std::filesystem::temp_directory_path() / ("compat_bench." + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "base.yaml", std::ios::binary) << base_text;
  std::ofstream(folder / "revision.yaml", std::ios::binary) << revision_text;
  const agora::specs::DirectorySpecSource source(folder.string());

  const auto base = agora::specs::ReadSpec(source, "base.yaml");
  const auto revision = agora::specs::ReadSpec(source, "revision.yaml");
  // The corpus file breaks a few OAS 3.0 rules (patternProperties); its model is whole.
  if (base.model.resources.empty() || revision.model.resources.size() != base.model.resources.size())
    Fail("the pair did not read: " + std::to_string(base.model.resources.size()) + " and " +
         std::to_string(revision.model.resources.size()) + " resources");

  std::vector<double> compare_millis, file_millis, compare_cpu, file_cpu;
  agora::compat::Report report;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    const double cpu = CpuMillis();
    report = agora::compat::Compare(base.model, revision.model);
    compare_cpu.push_back(CpuMillis() - cpu);
    compare_millis.push_back(Millis(start));
  }
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    const double cpu = CpuMillis();
    const auto a = agora::specs::ReadSpec(source, "base.yaml");
    const auto b = agora::specs::ReadSpec(source, "revision.yaml");
    const auto from_files = agora::compat::Compare(a.model, b.model);
    file_cpu.push_back(CpuMillis() - cpu);
    file_millis.push_back(Millis(start));
    if (from_files.changes.size() != report.changes.size()) Fail("the same pair gave two reports");
  }
  std::filesystem::remove_all(folder);
  using agora::compat::Level;
  std::printf("%s (%zu bytes) against its revision: %zu changes (%zu ERR, %zu WARN, %zu INFO), %d runs each\n",
              std::filesystem::path(file).filename().c_str(), base_text.size(), report.changes.size(),
              report.Count(Level::kErr), report.Count(Level::kWarn), report.Count(Level::kInfo), runs);
  std::printf("compare read models:         CPU median %.1f ms, slowest %.1f ms; wall median %.1f ms (target < 100 ms)\n",
              Median(compare_cpu), Slowest(compare_cpu), Median(compare_millis));
  std::printf("read both files and compare: CPU median %.1f ms, slowest %.1f ms; wall median %.1f ms (target < 500 ms)\n",
              Median(file_cpu), Slowest(file_cpu), Median(file_millis));
  return 0;
}
