// A YAML (and JSON) document as a tree of nodes that remember where they were written: line and
// column for every problem a spec reader reports, and each node's tag (RAML's !include). Built
// from libyaml's event parser, which is several times faster than yaml-cpp's (a 1.6 MB OAS file
// loads in tens of milliseconds rather than over 200), keeps marks on every event, and is
// packaged in Debian. Aliases are expanded, within YamlLimits (memory, alias expansion, nesting,
// CPU time), so an alias bomb ("billion laughs") is an error rather than an exhausted memory.
//
// Thread safety: ParseYaml is a pure function; a Node is a value.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"

namespace agora::specs {

struct YamlPair;

struct YamlNode {
  enum class Kind { kScalar, kSequence, kMapping };

  // (The small members last, packed: a large spec holds millions of nodes.)
  std::string tag;     // "!include", "!!str", ...; empty when untagged
  std::string scalar;  // the text of a scalar
  std::vector<YamlNode> items;                          // a sequence's items
  std::vector<YamlPair> pairs;  // a mapping's entries, in order; keys as text
  Kind kind = Kind::kScalar;
  uint32_t line = 0;    // 1-based
  uint32_t column = 0;  // 1-based
  // A mapping value's key's position (0 otherwise), for problems about the key itself.
  uint32_t key_line = 0, key_column = 0;
  bool quoted = false; // a quoted scalar is always a string ("1.0" is not a number)

  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_mapping() const { return kind == Kind::kMapping; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  // A plain scalar that YAML reads as null ("", "~", "null").
  bool is_null() const;
  // The mapping's value for `key`, or nullptr (also for non-mappings).
  const YamlNode* Find(std::string_view key) const;

  // Declared here, defined once YamlPair is complete (a node holds pairs that hold nodes).
  YamlNode();
  YamlNode(const YamlNode&);
  YamlNode(YamlNode&&) noexcept;
  YamlNode& operator=(const YamlNode&);
  YamlNode& operator=(YamlNode&&) noexcept;
  ~YamlNode();
};

struct YamlPair {
  std::string key;
  YamlNode value;
};

inline YamlNode::YamlNode() = default;
inline YamlNode::YamlNode(const YamlNode&) = default;
inline YamlNode::YamlNode(YamlNode&&) noexcept = default;
inline YamlNode& YamlNode::operator=(const YamlNode&) = default;
inline YamlNode& YamlNode::operator=(YamlNode&&) noexcept = default;
inline YamlNode::~YamlNode() = default;

struct YamlError {
  enum class Kind { kSyntax, kAliases, kMemory, kTime };
  uint32_t line = 0;
  uint32_t column = 0;
  std::string message;
  Kind kind = Kind::kSyntax;  // otherwise a YamlLimits limit: aliases, memory or time ran out there
};

// The calling thread's CPU time: the clock of YamlLimits::cpu_deadline.
std::chrono::nanoseconds ThreadCpuTime();

// What one document may cost. Memory is the tree's (nodes, strings), counted as it grows, with
// every alias counted as the copy of its anchor it becomes; aliases may moreover expand to at
// most max(alias_floor, alias_ratio times the nodes written out), so an alias bomb ("billion
// laughs") is refused after a few thousand nodes, long before the memory budget.
struct YamlLimits {
  uint32_t max_depth = 512;  // collection levels, aliases expanded
  uint64_t max_bytes = 64ull << 20;
  uint64_t alias_floor = 10'000;
  uint64_t alias_ratio = 10;
  std::chrono::nanoseconds cpu_deadline{0};  // on ThreadCpuTime(); 0: none
};

struct ParsedYaml {
  YamlNode root;
  std::optional<YamlError> error;  // set when the text is not a valid document
  uint64_t bytes = 0;              // the tree's memory, as YamlLimits::max_bytes counts it
};

// Finds a mapping's value by key in constant time: a large mapping is indexed the first time it
// is searched, a small one scanned. Following many references into one large mapping
// (#/components/schemas/X) then costs time linear in their number. The nodes must outlive it.
//
// Thread safety: one per reading, used by one thread.
class YamlKeyIndex {
 public:
  const YamlNode* Find(const YamlNode& mapping, std::string_view key);

 private:
  static constexpr size_t kScanned = 16;  // mappings this small are scanned
  std::unordered_map<const YamlNode*, std::unordered_map<std::string_view, const YamlNode*>> indexes_;
};

// The root mapping's scalar values for `keys` (each with whether it was quoted), found by
// streaming the first document's events without building it: time linear in its size, constant
// memory, aliases never expanded (format detection reads whole uploads with it). nullopt when
// the text is not a valid document whose root is a mapping, nests deeper than limits.max_depth
// (libyaml's cost per token grows with the nesting) or outlasts limits.cpu_deadline.
struct YamlScalar {
  std::string text;
  bool quoted = false;
};
std::optional<std::map<std::string, YamlScalar, std::less<>>> TopLevelScalars(
    std::string_view text, std::initializer_list<std::string_view> keys, const YamlLimits& limits = {});

// The first document of `text`. An empty document is a null scalar. On a syntax error, a
// duplicate mapping key or an exceeded limit, `error` says where.
ParsedYaml ParseYaml(std::string_view text, const YamlLimits& limits = {});

}  // namespace agora::specs
