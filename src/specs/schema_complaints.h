// What valijson reports about a value, told as problems: its flat list of complaints rebuilt
// into a tree (which alternative of a oneOf/anyOf said what), the alternative the author most
// plausibly meant chosen (a Parameter rather than a Reference, the security scheme whose `type` was
// written), summaries dropped, and each remaining complaint worded by the rule broken ("the
// required property 'responses' is missing in 'get'", "'foo' is not a field of 'info' in OpenAPI
// 3.0") and placed at the node it is about. Used for OpenAPI documents against the official
// schema, OpenAPI examples and RAML examples against their JSON schemas.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "specs/yaml_document.h"

namespace valijson {
class ValidationResults;
}

namespace agora::specs {

struct SchemaComplaint {
  const YamlNode* place = nullptr;  // the node to report it at: the value, or the field named
  std::string message;
};

// The complaints worth reporting among `results`, valijson's collected complaints about `value`
// checked against a schema prepared by PrepareForValijson (json_schema_rewrite.h).
// `dialect_name` names the rules in messages ("OpenAPI 3.0": an OpenAPI or Swagger name also
// says that extensions are allowed); `value_name` is what a complaint about the whole value
// calls it.
std::vector<SchemaComplaint> ExplainComplaints(const valijson::ValidationResults& results, const YamlNode& value,
                                               const std::string& dialect_name,
                                               const std::string& value_name = "the document");

}  // namespace agora::specs
