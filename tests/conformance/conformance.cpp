// The conformance harness (issue 14): reads every labelled case of the shared conformance suites
// (CORPUS/conformance/expected.tsv: the RAML TCK and the openapi3-examples suite) with agora's
// spec reader, exactly as `agora spec validate` does, and compares each verdict with its label.
// Per suite it prints the rate of invalid cases rejected and of valid cases accepted, every
// disagreement with agora's first problem (and the label's note, when it has one), and the
// slowest cases.
//
// How a suite is gated (the mechanism the suites' owners share): tests/conformance/thresholds.tsv
// has one row per suite: `suite`, `gate` (yes|no), the minimum percentage of invalid cases
// rejected and of valid cases accepted. A suite whose gate is `yes` fails the run (exit 1) when
// either rate is below its minimum; a suite whose gate is `no` is measured and printed and never
// fails the run. A suite's owner switches its gate to `yes` in the change that makes it pass; the
// issue's targets are 95 and 99 for every suite. A suite with no row fails the run.
//
// Disputed labels: expected.tsv's `note` column marks labels that its curators found disputed,
// wrong, or undecidable offline (an empty file labelled valid, a fuzzed `openapi: 3.0.7` labelled
// valid, a root that !includes an https:// URL). A case with a note whose label agora agrees with
// counts as usual; one agora disagrees with is listed as "disputed", with agora's reason beside
// the note, and is left out of the gated rate (it neither passes nor fails the gate). The raw rate,
// every label taken as it is, is printed too.
//
// Time: no case may take over one second of CPU time on the reading thread (measured as CPU
// time, so that a busy machine does not fail it); a slower case fails the run whatever its gate.
//
//   build/conformance CORPUS_DIR THRESHOLDS_TSV [--markdown]
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "specs/spec_reader.h"

namespace {

namespace fs = std::filesystem;
using agora::specs::DirectorySpecSource;
using agora::specs::ReadSpec;
using agora::specs::SpecReport;

struct Case {
  std::string suite, path, main, note;
  bool expected_valid = false;
  bool valid = false;
  std::string reason;  // agora's first problem
  double cpu_ms = 0;
};

struct Threshold {
  bool gate = false;
  double min_invalid_rejected = 0, min_valid_accepted = 0;
};

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  std::string field;
  while (std::getline(stream, field, '\t')) fields.push_back(field);
  if (!line.empty() && line.back() == '\t') fields.emplace_back();
  return fields;
}

std::vector<std::vector<std::string>> ReadTsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line))
    if (!line.empty()) rows.push_back(SplitTabs(line));
  return rows;
}

double ThreadCpuMs() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

void Judge(const std::string& conformance_dir, Case& c) {
  const fs::path path = fs::path(conformance_dir) / c.path;
  const double start = ThreadCpuMs();
  const SpecReport report = c.main.empty()
                                ? ReadSpec(DirectorySpecSource(path.parent_path().string()), path.filename().string())
                                : ReadSpec(DirectorySpecSource(path.string()), c.main);
  c.cpu_ms = ThreadCpuMs() - start;
  c.valid = report.valid();
  if (!report.problems.empty()) c.reason = report.problems.front().ToString();
}

struct Rates {
  int invalid = 0, invalid_rejected = 0, valid = 0, valid_accepted = 0;  // every label as it is
  int gated_invalid = 0, gated_invalid_rejected = 0, gated_valid = 0, gated_valid_accepted = 0;

  void Add(const Case& c) {
    const bool agrees = c.valid == c.expected_valid;
    (c.expected_valid ? valid : invalid) += 1;
    (c.expected_valid ? valid_accepted : invalid_rejected) += agrees;
    if (!agrees && !c.note.empty()) return;  // a disputed label agora disagrees with
    (c.expected_valid ? gated_valid : gated_invalid) += 1;
    (c.expected_valid ? gated_valid_accepted : gated_invalid_rejected) += agrees;
  }
};

double Percent(int part, int whole) { return whole == 0 ? 100.0 : 100.0 * part / whole; }

std::string Figure(int part, int whole) {
  char text[64];
  std::snprintf(text, sizeof text, "%d of %d (%.1f%%)", part, whole, Percent(part, whole));
  return text;
}

std::string Escape(std::string text) {
  std::replace(text.begin(), text.end(), '|', '/');
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: conformance CORPUS_DIR THRESHOLDS_TSV [--markdown]\n";
    return 2;
  }
  const std::string conformance_dir = std::string(argv[1]) + "/conformance";
  const bool markdown = argc > 3 && std::string(argv[3]) == "--markdown";
  std::map<std::string, Threshold> thresholds;
  std::vector<Case> cases;
  try {
    for (const auto& row : ReadTsv(argv[2])) {
      if (row.size() < 4) throw std::runtime_error("a thresholds row needs 4 fields");
      thresholds[row[0]] = {row[1] == "yes", std::stod(row[2]), std::stod(row[3])};
    }
    for (const auto& row : ReadTsv(conformance_dir + "/expected.tsv")) {
      if (row.size() < 4) throw std::runtime_error("an expected.tsv row needs at least 4 fields");
      cases.push_back({row[0], row[1], row[2], row.size() > 5 ? row[5] : "", row[3] == "valid"});
    }
  } catch (const std::exception& e) {
    std::cerr << "conformance: " << e.what() << "\n";
    return 2;
  }

  std::map<std::string, Rates> rates;
  for (auto& c : cases) {
    Judge(conformance_dir, c);
    rates[c.suite].Add(c);
  }

  bool failed = false;
  std::ostream& out = std::cout;
  out << (markdown ? "| suite | invalid rejected | valid accepted | gated invalid rejected | gated valid accepted | gate |\n"
                     "| --- | --- | --- | --- | --- | --- |\n"
                   : "");
  for (const auto& [suite, r] : rates) {
    const auto found = thresholds.find(suite);
    const Threshold threshold = found == thresholds.end() ? Threshold{true, 101, 101} : found->second;
    const double invalid_rate = Percent(r.gated_invalid_rejected, r.gated_invalid);
    const double valid_rate = Percent(r.gated_valid_accepted, r.gated_valid);
    const bool below = invalid_rate < threshold.min_invalid_rejected || valid_rate < threshold.min_valid_accepted;
    const std::string gate = found == thresholds.end() ? "no row in thresholds.tsv"
                             : threshold.gate          ? "gated (" + std::to_string(int(threshold.min_invalid_rejected)) +
                                                    "% / " + std::to_string(int(threshold.min_valid_accepted)) + "%)"
                                                       : "measured only";
    if (markdown) {
      out << "| " << suite << " | " << Figure(r.invalid_rejected, r.invalid) << " | " << Figure(r.valid_accepted, r.valid)
          << " | " << Figure(r.gated_invalid_rejected, r.gated_invalid) << " | "
          << Figure(r.gated_valid_accepted, r.gated_valid) << " | " << gate << " |\n";
    } else {
      out << suite << ": invalid rejected " << Figure(r.invalid_rejected, r.invalid) << ", valid accepted "
          << Figure(r.valid_accepted, r.valid) << "; without disputed labels: invalid rejected "
          << Figure(r.gated_invalid_rejected, r.gated_invalid) << ", valid accepted "
          << Figure(r.gated_valid_accepted, r.gated_valid) << "; " << gate << (below && threshold.gate ? ": BELOW" : "")
          << "\n";
    }
    failed = failed || (threshold.gate && below);
  }

  for (const auto& [suite, r] : rates) {
    out << (markdown ? "\n#### " : "\n") << suite << ": disagreements\n" << (markdown ? "\n" : "");
    for (const auto& c : cases) {
      if (c.suite != suite || c.valid == c.expected_valid) continue;
      const std::string what = std::string(c.expected_valid ? "valid" : "invalid") + " case " +
                               (c.expected_valid ? "rejected" : "accepted") + (c.note.empty() ? "" : " (disputed label)");
      const std::string name = c.path + (c.main.empty() ? "" : " --main " + c.main);
      if (markdown)
        out << "- `" << name << "`: " << what << (c.reason.empty() ? "" : "; agora: " + Escape(c.reason))
            << (c.note.empty() ? "" : "; note: " + Escape(c.note)) << "\n";
      else
        out << "  " << name << ": " << what << (c.reason.empty() ? "" : "\n      agora: " + c.reason)
            << (c.note.empty() ? "" : "\n      note: " + c.note) << "\n";
    }
  }

  std::vector<const Case*> slowest;
  for (const auto& c : cases) slowest.push_back(&c);
  std::sort(slowest.begin(), slowest.end(), [](const Case* a, const Case* b) { return a->cpu_ms > b->cpu_ms; });
  out << (markdown ? "\n" : "\n") << "slowest cases (CPU time):\n" << (markdown ? "\n" : "");
  for (size_t i = 0; i < std::min<size_t>(5, slowest.size()); ++i) {
    char line[512];
    std::snprintf(line, sizeof line, "%s%.1f ms %s%s\n", markdown ? "- " : "  ", slowest[i]->cpu_ms,
                  slowest[i]->path.c_str(), slowest[i]->main.empty() ? "" : (" --main " + slowest[i]->main).c_str());
    out << line;
  }
  for (const auto& c : cases) {
    if (c.cpu_ms > 1000) {
      out << "too slow (over one second of CPU): " << c.path << "\n";
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
