// Checks an OpenAPI document against the official JSON Schema of its version
// (oas_official_schema.h) with valijson, and turns what valijson finds into problems at the
// offending node's file:line:column, worded by the rule broken ("the required property
// 'responses' is missing", "'foo' is not a field of this object in OpenAPI 3.0"). Where the
// schema offers alternatives (oneOf/anyOf: a Parameter or a Reference, the four kinds of
// security scheme), only the alternative the document most plausibly meant is explained, not
// every branch's complaint.
//
// valijson implements JSON Schema drafts 4 and 7; the 3.1 schema is written in 2020-12, so it is
// rewritten before use (see Prepare31 in the .cpp): a $ref's siblings move into an allOf beside
// it, $dynamicRef becomes the $ref it resolves to in an OpenAPI document, dependentSchemas
// becomes draft 7's dependencies, and unevaluatedProperties: false becomes a closed list of the
// property names and patterns the object's subschemas declare. Internal to the OAS reader.
//
// Thread safety: the compiled schemas are built once, on first use, and shared read-only.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "specs/oas_official_schema.h"
#include "specs/spec_reader.h"
#include "specs/yaml_document.h"

namespace agora::specs {

// The problems of `root`, the document of `file`, against the official schema of `version`.
std::vector<Problem> CheckOfficialSchema(const std::string& file, const YamlNode& root, OasSchemaVersion version);

// The examples and defaults of `root` (Schema Objects' example, examples and default; the
// example and examples of parameters, headers, media types and Swagger 2.0 responses) that do not
// match their schema, each with whether it is an example (true) or a default (false). 3.0's
// nullable becomes a null type; 3.1 schemas get the 2020-12 rewriting above; a schema that
// refers to another file is not used.
std::vector<std::pair<Problem, bool>> CheckExamples(const std::string& file, const YamlNode& root, OasSchemaVersion version);

}  // namespace agora::specs
