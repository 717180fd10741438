// Checks an OpenAPI document's examples and defaults against their schemas with valijson: Schema
// Objects' example, examples and default; the example and examples of parameters, headers, media
// types and Swagger 2.0 responses. 3.0's nullable becomes a null type; 3.1 schemas get the
// 2020-12 rewriting (json_schema_rewrite.h); a schema that refers to another file is not used,
// nor one that applies itself without end or nests too deep (oas_schema_graph.h), which is said
// as a warning. Internal to the OAS reader.
//
// Thread safety: pure function.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "specs/oas_official_schema.h"
#include "specs/spec_reader.h"
#include "specs/yaml_document.h"

namespace agora::specs {

// The examples and defaults of `root`, the document of `file`, that do not match their schema,
// each with whether it is an example (true: the specification says SHOULD match, a warning) or a
// default (false: MUST, a problem).
std::vector<std::pair<Problem, bool>> CheckExamples(const std::string& file, const YamlNode& root, OasSchemaVersion version);

}  // namespace agora::specs
