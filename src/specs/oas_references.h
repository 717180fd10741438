// The $refs of an OpenAPI description: a reference names a file of the archive (relative to the
// file it is written in) and a JSON pointer into it; either part may be absent. OasReferences
// looks references up in the DocumentSet of one reading, follows chains of references and
// reports dangling and circular ones. Internal to the OAS reader.
//
// Thread safety: one per reading, used by one thread.
#pragma once

#include <string>
#include <unordered_map>

#include "specs/spec_documents.h"

namespace agora::specs {

// A node together with the file it is written in (which its own relative references start from)
// and the JSON pointer that reaches it there (empty when it was not reached by a reference).
struct OasNode {
  std::string file;
  const YamlNode* node = nullptr;
  std::string pointer;

  explicit operator bool() const { return node != nullptr; }
};

class OasReferences {
 public:
  explicit OasReferences(DocumentSet& documents) : documents_(documents) {}

  // The target of the `$ref` scalar `ref` written in `file`; reports a dangling reference when
  // `report` is set (a file that cannot be read is always reported, once, by the DocumentSet).
  OasNode Lookup(const std::string& file, const YamlNode& ref, bool report);
  // The object a node stands for: the end of its chain of $refs, or the node itself. A chain
  // that loops (or is longer than ReadOptions::max_reference_depth) gives an empty OasNode and
  // is reported once, where it closes, by whichever call meets it first.
  OasNode Resolve(const OasNode& node);
  // A Resolve that reports no other problem (the checks have reported already).
  OasNode ResolveQuietly(const OasNode& node);

  DocumentSet& documents() { return documents_; }

 private:
  OasNode Follow(const OasNode& node);

  DocumentSet& documents_;
  std::unordered_map<const YamlNode*, OasNode> resolved_;  // where each $ref mapping's chain ends
  YamlKeyIndex keys_;
};

// RFC 6901 token decoding ("~1" is '/', "~0" is '~'), with the percent-decoding URI fragments use.
std::string UnescapePointerToken(const std::string& token);
// RFC 6901 token encoding: '~' as "~0", '/' as "~1".
std::string EscapePointerToken(const std::string& key);
// The node `pointer` ("/a/b/0"; "" for the root) reaches from `root`, or nullptr; mappings are
// searched through `keys` when given.
const YamlNode* FollowPointer(const YamlNode& root, const std::string& pointer, YamlKeyIndex* keys = nullptr);

}  // namespace agora::specs
