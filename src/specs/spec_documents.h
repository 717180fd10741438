// The files one spec reading pulls in, read once each from the SpecSource and parsed as YAML or
// JSON on demand, with the ReadOptions limits (file count, total bytes) applied. Problems (a file
// missing, a syntax error, a limit) are added to the reader's report at the place that referred
// to the file. Internal to the spec readers.
//
// Thread safety: one DocumentSet per ReadSpec call, used by one thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "specs/spec_reader.h"
#include "specs/yaml_document.h"

namespace agora::specs {

class DocumentSet {
 public:
  DocumentSet(const SpecSource& source, const ReadOptions& options, SpecReport& report)
      : source_(source), options_(options), report_(report) {}

  // The text of `path`, or nullptr after reporting, at `from`, why it cannot be read.
  const std::string* Text(const std::string& path, const Problem& from);
  // The YAML/JSON document at `path`, or nullptr after reporting why not (syntax errors are
  // reported in the file itself, once).
  const YamlNode* Yaml(const std::string& path, const Problem& from);

  const ReadOptions& options() const { return options_; }

  void AddProblem(const std::string& file, const YamlNode& at, std::string message) {
    report_.problems.push_back({file, at.line, at.column, std::move(message)});
  }

 private:
  struct Entry {
    bool readable = false;
    std::string text;
    bool parsed = false;
    std::unique_ptr<ParsedYaml> yaml;
  };

  const SpecSource& source_;
  const ReadOptions& options_;
  SpecReport& report_;
  std::map<std::string, Entry> entries_;
  uint64_t total_bytes_ = 0;
};

}  // namespace agora::specs
