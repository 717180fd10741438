// JSON parsed into the YamlNode tree the spec readers walk, with line and column on every node.
// A JSON file is YAML too, but libyaml refuses valid JSON that YAML's rules forbid: escaped
// surrogate pairs ("\ud83d\udc4d", which Twilio's description holds) and keys longer than
// 1,024 characters (YAML's limit on implicit keys). boost::json reads both but tells no
// positions, which every problem needs; hence this small parser (RFC 8259). Strings are quoted
// scalars and numbers, true, false and null plain ones, as libyaml would give them.
//
// Thread safety: a pure function.
#pragma once

#include <string_view>

#include "specs/yaml_document.h"

namespace agora::specs {

// Whether `text` looks like a JSON document (its first non-blank character opens an object or
// an array), so that ParseJson is the parser to try first.
bool LooksLikeJson(std::string_view text);

// The JSON document `text`, with the same limits (nesting, memory, CPU time) and the same
// duplicate key rule as ParseYaml. On a syntax error, `error` says where.
ParsedYaml ParseJson(std::string_view text, const YamlLimits& limits = {});

}  // namespace agora::specs
