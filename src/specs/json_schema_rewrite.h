// JSON Schemas prepared for valijson, which checks OpenAPI documents against the official schema
// of their version, OpenAPI examples against their Schema Objects and RAML examples against the
// JSON schemas their types are.
//
// valijson implements JSON Schema drafts 3, 4 and 7; the OpenAPI 3.1 schema and 3.1 Schema
// Objects are written in 2020-12, so they are rewritten before use: a $ref's siblings move into
// an allOf beside it, $dynamicRef becomes the $ref it resolves to in an OpenAPI document,
// dependentSchemas becomes draft 7's dependencies, and unevaluatedProperties: false becomes a
// closed list of the property names and patterns the object's subschemas declare. Every schema
// also gets constraints of our own where valijson's say too little or cost too much:
// additionalProperties: false names every stranger, each pattern of patternProperties is checked
// on its own, oneOf/anyOf alternatives are marked (kBranchMark) so that the complaints of each can
// be told apart, date, time and date-time are checked without a regex compiled per value, and
// patterns with a regular expression engine that bounds its steps.
//
// Thread safety: pure functions; a SchemaParser is used by one thread.
#pragma once

#include <boost/json/value.hpp>
#include <valijson/schema_parser.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "specs/bounded_regex.h"

namespace agora::specs {

// The complaint that opens each oneOf/anyOf alternative when complaints are collected, followed
// by the alternative's index ("0" opens the list).
inline constexpr std::string_view kBranchMark = "\x01" "branch ";

// Rewrites the schema `document` (an official schema, an OpenAPI document whose Schema Objects
// are used by JSON pointer, a RAML type's JSON schema) as described above; `json_schema_2020`
// for 2020-12 (OpenAPI 3.1).
void PrepareForValijson(boost::json::value& document, bool json_schema_2020);

// A parser for `version` that knows the constraints PrepareForValijson writes.
valijson::SchemaParser PreparedSchemaParser(valijson::SchemaParser::Version version);

// valijson matches patternProperties (and, for additionalProperties, which names they cover) with
// std::regex, which recurses once per character (a property name of a few hundred kilobytes
// overflows the stack) and backtracks without bound (`^(a|aa)+$` held it for hours on 40
// characters). It cannot be given another engine, so an instance is shown to it only once its
// property names are known to match this document's patterns in bounded steps (BoundedRegex).
class PatternPropertiesGuard {
 public:
  explicit PatternPropertiesGuard(const boost::json::value& prepared_document);
  // Empty when valijson may check `instance`; otherwise why it cannot ("the property name ... ").
  std::string Unsafe(const boost::json::value& instance) const;

  // Characters of a property name matched by std::regex: it takes a few hundred bytes of stack per
  // character, and 8 MiB of stack overflowed between 20,000 and 60,000.
  static constexpr size_t kMaxCheckedName = 1024;

 private:
  std::string UnsafeName(const std::string& name) const;
  std::vector<std::pair<std::string, BoundedRegex>> patterns_;
  std::string unusable_;  // why a pattern cannot be matched at all (decided once), or empty
};

}  // namespace agora::specs
