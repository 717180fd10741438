// The rules of the OpenAPI specification that its JSON Schema cannot state, checked on a document
// whose references were followed: operationIds are unique; every {name} of a path template is
// declared as a path parameter of each of its operations and every path parameter appears in the
// template; a parameter list names each (name, in) once; security requirements name declared
// schemes and, for OAuth 2.0, declared scopes (other schemes take no scopes before 3.1);
// discriminator mappings name existing schemas; a 3.1 server variable's default is one of its
// enum values; patterns are valid ECMA-262 regular expressions. Problems are reported where the
// offending node is written. Internal to the OAS reader.
//
// Thread safety: one call per reading.
#pragma once

#include <string>

#include "specs/oas_official_schema.h"
#include "specs/oas_references.h"

namespace agora::specs {

void CheckOasRules(OasReferences& references, const std::string& main_file, const YamlNode& root, OasSchemaVersion version);

}  // namespace agora::specs
