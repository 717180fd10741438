// Checks an OpenAPI document against the official JSON Schema of its version
// (oas_official_schema.h) with valijson, the schema prepared as json_schema_rewrite.h says, and
// turns what valijson finds into problems at the offending node's file:line:column, worded by the
// rule broken (schema_complaints.h). Where the schema offers alternatives (oneOf/anyOf: a
// Parameter or a Reference, the four kinds of security scheme), only the alternative the document
// most plausibly meant is explained, not every branch's complaint. Internal to the OAS reader.
//
// Thread safety: the compiled schemas are built once, on first use, and shared read-only.
#pragma once

#include <string>
#include <vector>

#include "specs/oas_official_schema.h"
#include "specs/spec_reader.h"
#include "specs/yaml_document.h"

namespace agora::specs {

// The problems of `root`, the document of `file`, against the official schema of `version`.
std::vector<Problem> CheckOfficialSchema(const std::string& file, const YamlNode& root, OasSchemaVersion version);

}  // namespace agora::specs
