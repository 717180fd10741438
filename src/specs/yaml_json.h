// YAML (and JSON) nodes as JSON values, for what a spec holds as data rather than structure:
// examples, defaults, enum values, extension settings, and the document the OpenAPI schema
// validator checks. Plain scalars are typed by the YAML 1.2 core schema (null, booleans, integers,
// floats, as JSON's own literals are); quoted or !!str-tagged scalars are strings. A complex
// mapping key keeps its "<complex key>" placeholder.
//
// Thread safety: pure functions.
#pragma once

#include <boost/json/value.hpp>

#include <string>

#include "specs/yaml_document.h"

namespace agora::specs {

boost::json::value YamlToJson(const YamlNode& node);
// YamlToJson, serialised: the JSON text ApiModel keeps for values.
std::string YamlToJsonText(const YamlNode& node);
// The JSON value of a scalar alone (YamlToJson of a scalar node).
boost::json::value ScalarToJson(const YamlNode& scalar);

}  // namespace agora::specs
