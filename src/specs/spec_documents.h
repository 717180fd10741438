// The files one spec reading pulls in, read once each from the SpecSource and parsed as YAML,
// JSON or XML on demand, within the ReadOptions limits: file count, total size, nesting, and the
// reading's budget of memory and CPU time, which every parsed tree is charged to. Problems (a
// file missing, a syntax error, a limit) are added to the reader's report at the place that
// referred to the file. Once the budget is spent, the problem is reported once and every further
// file is refused, so the reader finishes quickly with what it has. Internal to the spec readers.
//
// Thread safety: one DocumentSet per ReadSpec call, used by one thread.
#pragma once

#include <pugixml.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "specs/spec_reader.h"
#include "specs/yaml_document.h"

namespace agora::specs {

class DocumentSet {
 public:
  DocumentSet(const SpecSource& source, const ReadOptions& options, SpecReport& report);

  // The text of `path`, or nullptr after reporting, at `from`, why it cannot be read.
  const std::string* Text(const std::string& path, const Problem& from);
  // The YAML/JSON document at `path`, or nullptr after reporting why not (syntax errors are
  // reported in the file itself, once).
  const YamlNode* Yaml(const std::string& path, const Problem& from);
  // The XML document at `path`, or nullptr after reporting why not: malformed, a DOCTYPE (no
  // entity is ever expanded), nested deeper than max_nesting, or over the budget.
  const pugi::xml_document* Xml(const std::string& path, const Problem& from);

  // Line and column (1-based) of a byte offset in a file read (1:1 for one never read).
  std::pair<uint32_t, uint32_t> Position(const std::string& path, size_t offset);

  const ReadOptions& options() const { return options_; }

  // Charges `bytes` a reader allocates from the documents (trees it builds from them: expanded
  // includes, applied templates) to the reading's memory budget; false once the budget is spent,
  // which is reported (at `at`) once.
  bool Charge(uint64_t bytes, const Problem& at);
  // True once the budget is spent (reported at `at`): the readers' loops over what they built
  // (type checks, template applications) ask as they go, so that they stop within the budget's
  // CPU time too. Reads the clock once every few hundred calls.
  bool Spent(const Problem& at);

  void AddProblem(const std::string& file, const YamlNode& at, std::string message) {
    report_.problems.push_back({file, at.line, at.column, std::move(message)});
  }

 private:
  struct Entry {
    bool readable = false;
    std::string text;
    bool parsed = false;
    std::unique_ptr<ParsedYaml> yaml;
    std::unique_ptr<pugi::xml_document> xml;
    std::vector<size_t> line_starts;  // built on the first Position() in the file
  };

  // The reading's memory budget: ReadOptions' floor, or its share per byte of the files read
  // when that is more, never over its ceiling.
  uint64_t MemoryLimit() const;
  void ReportOutOfMemory(const Problem& at);
  bool OutOfTime(const Problem& at);
  void ReportExhausted(const Problem& at, std::string message);
  bool CheckXmlNesting(const std::string& path, const pugi::xml_document& xml);

  const SpecSource& source_;
  const ReadOptions& options_;
  SpecReport& report_;
  std::map<std::string, Entry> entries_;
  uint64_t total_bytes_ = 0;  // of the files read
  uint64_t charged_bytes_ = 0;
  std::chrono::nanoseconds cpu_deadline_;
  bool exhausted_ = false;  // the budget is spent (and was reported)
  uint32_t calls_ = 0;       // of Spent and Charge, which read the clock every kClockPeriod calls
};

}  // namespace agora::specs
