// The portal's static files (src/portal/static: the style sheet, the script, the icon), embedded
// in the binary at build time (cmake/embed_static.cmake) under content-hashed names, so the
// server needs no files beside it and browsers cache them for a year without revalidating.
//
// Thread safety: immutable data; use from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agora::portal {

struct StaticFile {
  std::string_view name;          // "portal.css"
  std::string_view hashed_name;   // "portal.3f0a1b2c4d5e.css"
  std::string_view content_type;
  std::string_view content;
  std::string_view etag;          // the quoted SHA-256
};

const std::vector<StaticFile>& StaticFiles();
// The file served under `hashed_name`, or nullptr.
const StaticFile* FindStaticFile(std::string_view hashed_name);
// "/exchange/-/static/portal.3f0a1b2c4d5e.css" for "portal.css" (which must exist).
std::string StaticUrl(std::string_view name);

}  // namespace agora::portal
