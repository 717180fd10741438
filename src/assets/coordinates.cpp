#include "assets/coordinates.h"

#include <algorithm>
#include <cctype>

#include "assets/semver.h"

namespace agora::assets {
namespace {

constexpr size_t kMaxIdLength = 150;
constexpr size_t kMaxCoordinatesLength = 215;

bool IdCharacter(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'; }

bool ValidId(const std::string& id) {
  return !id.empty() && id.size() <= kMaxIdLength && std::all_of(id.begin(), id.end(), IdCharacter) &&
         id.front() != '.' && id.front() != '-' && id.find("..") == std::string::npos;
}

std::string Trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1));
}

}  // namespace

Status ValidateCoordinates(const Coordinates& c) {
  for (const auto& [part, value] : {std::pair<const char*, const std::string&>{"groupId", c.group_id},
                                    std::pair<const char*, const std::string&>{"assetId", c.asset_id}}) {
    if (!ValidId(value)) {
      const std::string message = std::string("Invalid ") + part + " '" + value +
                                  "': use 1 to 150 letters, digits, '.', '_' or '-', not starting with '.' or '-'";
      return Status::InvalidArgument("INVALID_COORDINATES", message, {message});
    }
  }
  if (!ParseSemVer(c.version)) {
    const std::string message = "Invalid version '" + c.version +
                                "': versions follow Semantic Versioning 2.0.0 (MAJOR.MINOR.PATCH[-prerelease]) "
                                "without build metadata";
    return Status::InvalidArgument("INVALID_VERSION", message, {message});
  }
  if (c.group_id.size() + c.asset_id.size() + c.version.size() > kMaxCoordinatesLength) {
    const std::string message = "groupId, assetId and version together exceed 215 characters";
    return Status::InvalidArgument("INVALID_COORDINATES", message, {message});
  }
  return Status::Ok();
}

Result<std::vector<Coordinates>> ParseDependencyList(std::string_view list) {
  std::vector<Coordinates> dependencies;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = list.find(',', start);
    const std::string item = Trim(list.substr(start, comma == std::string_view::npos ? comma : comma - start));
    start = comma == std::string_view::npos ? list.size() + 1 : comma + 1;
    if (item.empty()) continue;
    const auto first = item.find(':');
    const auto second = first == std::string::npos ? first : item.find(':', first + 1);
    Coordinates c;
    if (second != std::string::npos && item.find(':', second + 1) == std::string::npos)
      c = {Trim(item.substr(0, first)), Trim(item.substr(first + 1, second - first - 1)), Trim(item.substr(second + 1))};
    if (c.group_id.empty() || !ValidateCoordinates(c).ok()) {
      const std::string message = "Invalid dependency '" + item + "': expected GROUP_ID:ASSET_ID:VERSION";
      return Status::InvalidArgument("INVALID_DEPENDENCY", message, {message});
    }
    if (std::find(dependencies.begin(), dependencies.end(), c) == dependencies.end()) dependencies.push_back(c);
  }
  return dependencies;
}

}  // namespace agora::assets
