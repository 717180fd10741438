// The spec reader: reads an API specification (RAML 1.0/0.8 and its fragments, OAS 2.0/3.0/3.1,
// WSDL 1.1) from the files of an uploaded archive, starting at its main file and following every
// reference it pulls in, validates it and extracts the ApiModel the exchange stores, serves at
// .../api/model and feeds into search.
//
// A SpecSource is the read-only set of files a spec may reference: the archive's entries, with
// the declared dependencies' content under exchange_modules/{groupId}/{assetId}/{version}/.
// Paths are archive-relative, '/'-separated, without a leading '/'. References are resolved
// with ResolveReference, which refuses any path that leaves the archive.
//
// Problems are collected, not thrown: ReadSpec always returns a report, and an empty problem
// list means the spec is valid. Each problem names its file, 1-based line and column (0 when
// unknown), as "file:line:column: message".
//
// Thread safety: ReadSpec and the readers are pure functions of their arguments; a SpecSource
// must allow concurrent const calls (InMemorySpecSource does).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "specs/api_model.h"

namespace agora::specs {

class SpecSource {
 public:
  virtual ~SpecSource() = default;
  // The content of the file at `path`; NotFound when the archive has no such file.
  virtual Result<std::string> Read(const std::string& path) const = 0;
};

// Files held in memory: single-file uploads and tests.
class InMemorySpecSource : public SpecSource {
 public:
  InMemorySpecSource() = default;
  explicit InMemorySpecSource(std::map<std::string, std::string> files) : files_(std::move(files)) {}
  void Add(std::string path, std::string content) { files_[std::move(path)] = std::move(content); }
  Result<std::string> Read(const std::string& path) const override;

 private:
  std::map<std::string, std::string> files_;
};

// The files under a folder of the local file system (the `agora spec` command, tests). Paths
// are relative to the folder; nothing outside it is ever read.
class DirectorySpecSource : public SpecSource {
 public:
  explicit DirectorySpecSource(std::string directory) : directory_(std::move(directory)) {}
  Result<std::string> Read(const std::string& path) const override;

 private:
  std::string directory_;
};

// The archive path that `reference` (relative to the file `from`, or root-absolute when it
// starts with '/') names, with "." and ".." segments removed. InvalidArgument when it climbs
// out of the archive or is not a relative file reference (a URL, an empty path).
Result<std::string> ResolveReference(const std::string& from, const std::string& reference);
// How the message of a reference that climbs out of the archive ends (`agora spec` then widens
// the folder it reads a single file from).
inline constexpr char kOutsideArchive[] = "points outside the archive";
// The file part of a reference: "schema.xsd#City" and "common.yaml#/Error" name schema.xsd and
// common.yaml, the part after '#' being a place inside the file; "#/x" names no file ("").
std::string FileOfReference(const std::string& reference);

struct Problem {
  std::string file;
  uint32_t line = 0;    // 1-based; 0 when unknown
  uint32_t column = 0;  // 1-based; 0 when unknown
  std::string message;

  std::string ToString() const;  // "file:line:column: message"
};

struct SpecReport {
  ApiModel model;
  std::vector<Problem> problems;
  // What the specification advises against but allows (an OpenAPI example that does not match its
  // schema: examples SHOULD match); shown by `agora spec validate`, never a reason to refuse.
  std::vector<Problem> warnings;

  bool valid() const { return problems.empty(); }
};

// The limits of one reading. Every chain of links from one document or declaration to another
// (includes, libraries, extends, imports, inheritance, $ref chains) is at most
// max_reference_depth long and never loops (see resolution_stack.h); every tree (YAML, JSON,
// XML, nested resources) is at most max_nesting deep, aliases included.
//
// The cost of a reading is bounded too: its memory (the files' text and every tree parsed from
// them, YAML aliases counted as the copies they become) may grow to memory_bytes, or to
// memory_per_file_byte for each byte of the files it reads when that is more (a large spec needs
// a large tree), never past max_memory_bytes; and it may use max_cpu_time of its thread's CPU
// time. Crossing either is a problem that says so, and the reading stops there.
struct ReadOptions {
  uint32_t max_files = 5000;                  // files one spec may pull in
  uint64_t max_total_bytes = 256ull << 20;    // their total size
  uint32_t max_reference_depth = 64;          // chains of references
  uint32_t max_nesting = 512;                 // nesting of one document's tree
  uint64_t memory_bytes = 64ull << 20;
  uint64_t memory_per_file_byte = 40;  // a RAML file's YAML tree and its expanded tree: ~30 bytes per byte
  uint64_t max_memory_bytes = 1ull << 30;
  std::chrono::nanoseconds max_cpu_time = std::chrono::seconds(10);
};

// Detects the format from the main file's content and dispatches to the format's reader.
SpecReport ReadSpec(const SpecSource& source, const std::string& main_file, const ReadOptions& options = {});

}  // namespace agora::specs
