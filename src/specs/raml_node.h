// Internal to the RAML reader. A RAML document as a tree in which every `!include` has been
// replaced by what it names, as the RAML specification defines inclusion: a YAML or RAML file
// becomes its tree, any other file (JSON, XSD, Markdown, examples) a string scalar holding its
// text. Every node remembers its file, line and column, so a problem found after inclusion or
// after a trait was merged still points at the place the author wrote.
//
// RamlLoader builds these trees through a DocumentSet, each file parsed once; an include cycle,
// includes nested deeper than ReadOptions::max_reference_depth, or an expansion past the reading's
// memory budget (an "include bomb", which DocumentSet reports) is a problem, not a hang.
//
// Thread safety: one RamlLoader per reading, used by one thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "specs/resolution_stack.h"
#include "specs/spec_documents.h"
#include "specs/yaml_document.h"

namespace agora::specs::raml {

struct RamlPair;
struct Scope;

struct RamlNode {
  enum class Kind { kScalar, kSequence, kMapping };

  Kind kind = Kind::kScalar;
  std::string tag;      // the YAML tag, except !include, which is resolved
  std::string scalar;   // a scalar's text
  bool quoted = false;  // a quoted scalar, or the text of an included non-YAML file: always a string
  std::vector<RamlNode> items;
  std::vector<RamlPair> pairs;
  uint32_t file = 0;  // index into RamlLoader::files()
  uint32_t line = 0, column = 0;
  // Set on the root of an included file: its archive path, the RAML fragment kind of its header
  // ("DataType", "Library"; "" when the header names none or the file has no RAML header), whether it
  // was a RAML file at all, and for a non-YAML file the part after '#' in the reference.
  std::string included_file;
  std::string fragment_kind;
  bool raml_header = false;
  bool text = false;  // the content of a non-YAML file (JSON, XSD, Markdown...)
  std::string include_fragment;
  // Set on the nodes a resource type or trait contributed: the scope their names resolve in.
  const Scope* scope = nullptr;

  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_mapping() const { return kind == Kind::kMapping; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_null() const;  // a plain null scalar ("", "~", "null")
  const RamlNode* Find(std::string_view key) const;
  const RamlPair* FindPair(std::string_view key) const;

  RamlNode();
  RamlNode(const RamlNode&);
  RamlNode(RamlNode&&) noexcept;
  RamlNode& operator=(const RamlNode&);
  RamlNode& operator=(RamlNode&&) noexcept;
  ~RamlNode();
};

struct RamlPair {
  std::string key;
  RamlNode value;
  uint32_t key_line = 0, key_column = 0;
};

inline RamlNode::RamlNode() = default;
inline RamlNode::RamlNode(const RamlNode&) = default;
inline RamlNode::RamlNode(RamlNode&&) noexcept = default;
inline RamlNode& RamlNode::operator=(const RamlNode&) = default;
inline RamlNode& RamlNode::operator=(RamlNode&&) noexcept = default;
inline RamlNode::~RamlNode() = default;

// The JSON type a scalar has under YAML 1.2's core schema (RAML is YAML 1.2): a quoted scalar is
// always a string; a plain one may be null, a boolean, an integer or a number.
enum class ScalarType { kNull, kBoolean, kInteger, kNumber, kString };
ScalarType TypeOfScalar(const RamlNode& node);
std::optional<double> NumberOf(const RamlNode& node);
// The node as JSON text (the model's example and default values).
std::string ToJsonText(const RamlNode& node);
// A RamlNode from a YAML/JSON text (a JSON example given as a string); nullopt when it does not parse.
std::optional<RamlNode> ParseValueText(std::string_view text, uint32_t file, uint32_t line, uint32_t column);

// What a copy of `tree` holds in memory: its nodes and the strings they own.
uint64_t CopyBytes(const RamlNode& tree);

// "#%RAML 1.0 DataType" -> {"1.0", "DataType"}; empty version when it is not a RAML header.
std::pair<std::string, std::string> ParseRamlHeader(std::string_view text);

class RamlLoader {
 public:
  RamlLoader(DocumentSet& documents, SpecReport& report, const std::string& main_file, const ReadOptions& options);

  // The tree of `path` with its includes expanded; nullptr after reporting (at `from`) why not.
  // Each file is expanded once; later calls return the same tree.
  const RamlNode* Load(const std::string& path, const Problem& from);
  // The RAML header of a file already read ({"1.0", "Library"}); empty when it has none.
  std::pair<std::string, std::string> HeaderOf(const std::string& path);
  const std::vector<std::string>& files() const { return files_; }
  uint32_t FileIndex(const std::string& path);
  // RAML resolves "/x" from the root document's folder, anything else from the including file's.
  Result<std::string> Resolve(const std::string& from_file, std::string reference) const;
  void Report(const RamlNode& at, std::string message);
  void ReportKey(const RamlNode& parent, const RamlPair& pair, std::string message);
  void Report(uint32_t file, uint32_t line, uint32_t column, std::string message);
  // What the specification allows but cannot be checked or is advised against (SpecReport::warnings).
  void Warn(const RamlNode& at, std::string message);
  // The reading's files (for the few that are not RAML trees: the files a JSON schema refers to).
  DocumentSet& documents() { return documents_; }
  // Charge a copy of `tree` (an include expanded; a resource type or trait applied, whose nodes
  // become the model's parameters and shapes) to the reading's memory budget; false once it is
  // spent (reported once), and the copy must not be made.
  bool ChargeCopy(const RamlNode& tree);
  bool ChargeApplication(const RamlNode& tree);
  // Charge `bytes` the reader builds from the tree at `at` (types, substituted text); false once
  // the budget is spent, and what they were for must not be built.
  bool Charge(uint64_t bytes, const RamlNode& at);
  // True once the reading's budget of memory or CPU time is spent (see DocumentSet::Spent): the
  // work the reader does on what it has built (checking values against types) asks as it goes.
  bool Spent(const RamlNode& at);

 private:
  // `yaml` expanded into `node` (a default node); false after reporting why it cannot be.
  bool Expand(const std::string& path, const YamlNode& yaml, uint32_t file, RamlNode& node);
  std::optional<RamlNode> Include(const std::string& path, const YamlNode& node, uint32_t file);

  DocumentSet& documents_;
  SpecReport& report_;
  const std::string main_file_;
  const std::string root_dir_;
  const ReadOptions& options_;
  std::vector<std::string> files_;
  std::map<std::string, uint32_t> file_index_;
  std::map<std::string, std::unique_ptr<RamlNode>> loaded_;
  ResolutionStack includes_;
  uint32_t nesting_ = 0;  // of the expanded tree, across files
  bool nesting_reported_ = false;
};

}  // namespace agora::specs::raml
