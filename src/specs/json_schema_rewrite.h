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

#include <string_view>

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

}  // namespace agora::specs
