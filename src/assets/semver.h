// Semantic versions as Exchange uses them: SemVer 2.0.0 without build metadata ("1.0.0",
// "2.1.0-beta.1"; "1.0.0+build" is refused), ordered by SemVer precedence, and bumped to find the
// next available version of an asset. Numbers are unsigned 64-bit; larger ones do not parse.
//
// Thread safety: pure functions on values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace agora::assets {

struct SemVer {
  uint64_t major = 0;
  uint64_t minor = 0;
  uint64_t patch = 0;
  std::vector<std::string> prerelease;  // dot-separated identifiers after '-'

  std::string ToString() const;
};

// Strict parse; nullopt for anything that is not SemVer 2.0.0 (leading zeros, empty or
// non-ASCII identifiers, surrounding spaces, numbers past 2^64-1) or that carries "+build".
std::optional<SemVer> ParseSemVer(std::string_view text);
// <0, 0, >0 by SemVer precedence: numbers, then a pre-release before its release, then the
// identifiers one by one (numeric ones numerically and before alphanumeric ones).
int CompareSemVer(const SemVer& a, const SemVer& b);
// The highest of `existing` (unparseable ones ignored) bumped at `order` (MAJOR, MINOR or PATCH,
// case-insensitive; anything else means PATCH); "1.0.0" when there is none. A pre-release is
// followed by its own release when the lower numbers are zero (1.2.0-rc.1 -> 1.2.0 for MINOR and
// PATCH, 2.0.0 for MAJOR), as npm's semver does. A number at 2^64-1 carries into the next order
// up (1.2.18446744073709551615 -> 1.3.0 for PATCH); 409 NO_NEXT_VERSION when the major itself
// cannot grow.
Result<std::string> NextVersion(const std::vector<std::string>& existing, std::string_view order);
// The highest of `versions` below `version` by precedence (unparseable ones ignored): the version a
// compatibility report compares with by default. nullopt when there is none or `version` is not SemVer.
std::optional<std::string> PreviousVersion(const std::vector<std::string>& versions, std::string_view version);

}  // namespace agora::assets
