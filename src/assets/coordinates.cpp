#include "assets/coordinates.h"

#include <algorithm>
#include <unordered_set>

#include "assets/semver.h"
#include "assets/text.h"

namespace agora::assets {
namespace {

bool IdCharacter(char c) { return text::IsAlnum(c) || c == '.' || c == '_' || c == '-'; }

// Besides the character set, a leading '.' or '-' and ".." are refused so that an id is never
// a relative path component or a command-line option.
bool ValidId(const std::string& id) {
  return !id.empty() && id.size() <= kMaxIdLength && std::all_of(id.begin(), id.end(), IdCharacter) &&
         id.front() != '.' && id.front() != '-' && id.find("..") == std::string::npos;
}

Status Invalid(const std::string& code, const std::string& message) {
  return Status::InvalidArgument(code, message, {message});
}

std::string_view Trim(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

// "G:A:V" split at its two colons (parts trimmed); nullopt unless there are exactly two.
std::optional<Coordinates> SplitCoordinates(std::string_view item) {
  const size_t first = item.find(':');
  if (first == std::string_view::npos) return std::nullopt;
  const size_t second = item.find(':', first + 1);
  if (second == std::string_view::npos || item.find(':', second + 1) != std::string_view::npos) return std::nullopt;
  return Coordinates{std::string(Trim(item.substr(0, first))), std::string(Trim(item.substr(first + 1, second - first - 1))),
                     std::string(Trim(item.substr(second + 1)))};
}

Status InvalidDependency(std::string_view item, const std::string& reason) {
  return Invalid("INVALID_DEPENDENCY", "Invalid dependency " + text::Quoted(item) + ": " + reason);
}

}  // namespace

Status ValidateCoordinates(const Coordinates& c) {
  for (const auto& [part, value] : {std::pair<const char*, const std::string&>{"groupId", c.group_id},
                                    std::pair<const char*, const std::string&>{"assetId", c.asset_id}}) {
    if (!ValidId(value)) {
      return Invalid("INVALID_COORDINATES", std::string("Invalid ") + part + " " + text::Quoted(value) +
                                                ": use 1 to 150 letters, digits, '.', '_' or '-', not starting "
                                                "with '.' or '-' and without '..'");
    }
  }
  if (!ParseSemVer(c.version)) {
    return Invalid("INVALID_VERSION", "Invalid version " + text::Quoted(c.version) +
                                          ": versions follow Semantic Versioning 2.0.0 "
                                          "(MAJOR.MINOR.PATCH[-prerelease]) without build metadata");
  }
  if (c.group_id.size() + c.asset_id.size() + c.version.size() > kMaxCoordinatesLength) {
    return Invalid("INVALID_COORDINATES", "groupId, assetId and version together exceed 215 characters");
  }
  return Status::Ok();
}

Result<std::vector<Coordinates>> ParseDependencyList(std::string_view list) {
  std::vector<Coordinates> dependencies;
  std::unordered_set<std::string> seen;  // a hash set keeps a long list linear
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string_view item = Trim(list.substr(start, comma - start));
    start = comma + 1;
    if (item.empty()) continue;
    const auto coordinates = SplitCoordinates(item);
    if (!coordinates) return InvalidDependency(item, "expected GROUP_ID:ASSET_ID:VERSION");
    if (Status st = ValidateCoordinates(*coordinates); !st.ok()) return InvalidDependency(item, st.message());
    if (seen.insert(coordinates->ToString()).second) dependencies.push_back(*coordinates);
  }
  return dependencies;
}

}  // namespace agora::assets
