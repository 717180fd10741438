#include "portal/static_files.h"

namespace agora::portal {

const StaticFile* FindStaticFile(std::string_view hashed_name) {
  for (const auto& file : StaticFiles())
    if (file.hashed_name == hashed_name) return &file;
  return nullptr;
}

std::string StaticUrl(std::string_view name) {
  for (const auto& file : StaticFiles())
    if (file.name == name) return "/exchange/-/static/" + std::string(file.hashed_name);
  return "/exchange/-/static/" + std::string(name);  // unknown: a 404, never a crash
}

}  // namespace agora::portal
