// Semantic versions as Exchange uses them: SemVer 2.0.0 without build metadata ("1.0.0",
// "2.1.0-beta.1"), compared by SemVer precedence, and bumped to find the next available version.
//
// Thread safety: pure functions on values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agora::assets {

struct SemVer {
  uint64_t major = 0;
  uint64_t minor = 0;
  uint64_t patch = 0;
  std::vector<std::string> prerelease;  // dot-separated identifiers after '-'

  std::string ToString() const;
};

// Strict parse; nullopt for anything that is not SemVer 2.0.0 or that carries "+build" metadata.
std::optional<SemVer> ParseSemVer(std::string_view text);
// <0, 0, >0 by SemVer precedence.
int CompareSemVer(const SemVer& a, const SemVer& b);
// The highest of `existing` (unparseable ones ignored) bumped at `order` (MAJOR, MINOR or PATCH,
// case-insensitive; anything else means PATCH); "1.0.0" when there is none.
std::string NextVersion(const std::vector<std::string>& existing, std::string_view order);

}  // namespace agora::assets
