// A YAML (and JSON) document as a tree of nodes that remember where they were written: line and
// column for every problem a spec reader reports, and each node's tag (RAML's !include). Built
// from libyaml's event parser, which is several times faster than yaml-cpp's (a 1.6 MB OAS file
// loads in tens of milliseconds rather than over 200), keeps marks on every event, and is
// packaged in Debian. Aliases are expanded, with a cap on the total node count so an alias bomb
// ("billion laughs") is an error rather than an exhausted memory.
//
// Thread safety: ParseYaml is a pure function; a Node is a value.
#pragma once

#include <cstdint>
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

  Kind kind = Kind::kScalar;
  std::string tag;     // "!include", "!!str", ...; empty when untagged
  std::string scalar;  // the text of a scalar
  bool quoted = false; // a quoted scalar is always a string ("1.0" is not a number)
  std::vector<YamlNode> items;                          // a sequence's items
  std::vector<YamlPair> pairs;  // a mapping's entries, in order; keys as text
  uint32_t line = 0;    // 1-based
  uint32_t column = 0;  // 1-based
  // A mapping value's key's position (0 otherwise), for problems about the key itself.
  uint32_t key_line = 0, key_column = 0;

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
  uint32_t line = 0;
  uint32_t column = 0;
  std::string message;
};

struct YamlLimits {
  uint64_t max_nodes = 4'000'000;  // after alias expansion
  uint32_t max_depth = 512;
};

struct ParsedYaml {
  YamlNode root;
  std::optional<YamlError> error;  // set when the text is not a valid document
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

// The first document of `text`. An empty document is a null scalar. On a syntax error, a
// duplicate mapping key or an exceeded limit, `error` says where.
ParsedYaml ParseYaml(std::string_view text, const YamlLimits& limits = {});

}  // namespace agora::specs
