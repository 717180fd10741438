// The graph of an OpenAPI document's Schema Objects, walked without recursion before valijson
// (which follows subschemas and references by recursion) is given one of them to check an example
// against. Two shapes of schema would take valijson down:
//  - a cycle of in-place applicators ($ref, allOf, anyOf, oneOf, not, if/then/else, dependent
//    schemas) that never descends into the value, such as `A: {allOf: [{$ref: A}]}`: validating
//    anything against it recurses forever (JSON Schema says such schemas SHOULD NOT exist and
//    leaves their behaviour undefined);
//  - a chain of subschemas (nested or through references) longer than kMaxSchemaChain, which
//    valijson would parse by recursing that deep.
// Either makes the example uncheckable, which the caller says as a warning instead of crashing.
// Recursive schemas that descend (`Node: {properties: {next: {$ref: Node}}}`) are fine: the value
// is finite, and so is each check. Internal to the OAS reader's example check.
//
// Thread safety: one SchemaGraph per document, used by one thread.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace agora::specs {

// The value the local reference `ref` ("#/components/schemas/A", RFC 6901 with percent-encoding)
// names in `root`, or nullptr.
const boost::json::value* JsonSchemaAt(const boost::json::value& root, const std::string& ref);

class SchemaGraph {
 public:
  static constexpr uint32_t kMaxSchemaChain = 256;

  // `document` (a whole OpenAPI document, its references local "#/..." pointers) must outlive this.
  explicit SchemaGraph(const boost::json::value& document) : document_(document) {}

  // Why the schema at the JSON pointer `pointer` cannot be used to check a value ("" when it can):
  // "its schema applies itself without end (in-place cycle: #/a -> #/b -> #/a)" or "its schema nests more
  // than 256 schemas deep".
  std::string Unusable(const std::string& pointer);

 private:
  struct Edge {
    std::string pointer;
    const boost::json::value* schema;
    bool in_place;  // applies to the same value (allOf, $ref...) rather than to a part of it
    bool by_reference = false;  // a $ref's target: the names a cycle is told by
  };
  struct Mark {
    enum class Color { kWhite, kGrey, kBlack } color = Color::kWhite;
    std::string cycle;    // an in-place cycle this schema reaches ("" when none)
    uint32_t height = 0;  // the longest chain of subschemas below it
  };

  std::vector<Edge> EdgesOf(const std::string& pointer, const boost::json::value& schema, bool in_place_only) const;
  // A depth-first walk from `pointer` along its edges (the in-place ones only, or all), without
  // recursion, leaving each schema's mark in `marks`: its height, and the in-place cycle it
  // reaches (found here when in_place_only, else taken from the in-place walk of each schema).
  const Mark& Search(const std::string& pointer, const boost::json::value& schema, bool in_place_only);

  const boost::json::value& document_;
  std::unordered_map<std::string, Mark> in_place_;  // marks of the walks along in-place edges
  std::unordered_map<std::string, Mark> all_;       // marks of the walks along every edge
};

}  // namespace agora::specs
