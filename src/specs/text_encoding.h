// The text of a spec file as UTF-8, whatever Unicode encoding its byte-order mark names: the
// readers (libyaml, the JSON parser, pugixml's lookups) and every problem's line and column work
// on UTF-8, while editors on Windows save RAML, OpenAPI and WSDL files as UTF-16 or UTF-32 with a
// BOM. A UTF-8 BOM is kept (the readers skip it); text without a BOM is taken as UTF-8.
//
// Thread safety: a pure function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace agora::specs {

// `content` transcoded to UTF-8 when it starts with a UTF-16 or UTF-32 BOM (the BOM dropped), or
// unchanged. InvalidArgument when the bytes after such a BOM are not valid in that encoding.
Result<std::string> DecodeToUtf8(std::string content);

// Whether `content` starts with a UTF-16 or UTF-32 byte-order mark.
bool StartsWithWideBom(std::string_view content);

// Appends the UTF-8 form of the code point `code` (at most U+10FFFF, not a surrogate).
void AppendUtf8(std::string& out, uint32_t code);

}  // namespace agora::specs
