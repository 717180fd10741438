#include "assets/semver.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace agora::assets {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// A numeric identifier: digits, no leading zero, fits in 64 bits.
std::optional<uint64_t> ParseNumber(std::string_view s) {
  if (!AllDigits(s) || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  uint64_t value = 0;
  for (char c : s) {
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

bool ValidPrereleaseIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  return !(AllDigits(s) && s.size() > 1 && s[0] == '0');
}

std::vector<std::string_view> Split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = s.find(separator, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

int CompareIdentifiers(const std::string& a, const std::string& b) {
  const bool a_num = AllDigits(a), b_num = AllDigits(b);
  if (a_num && b_num) {
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
  }
  if (a_num != b_num) return a_num ? -1 : 1;  // numeric identifiers sort before alphanumeric ones
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

}  // namespace

std::string SemVer::ToString() const {
  std::string text = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  for (size_t i = 0; i < prerelease.size(); ++i) text += (i == 0 ? "-" : ".") + prerelease[i];
  return text;
}

std::optional<SemVer> ParseSemVer(std::string_view text) {
  if (text.find('+') != std::string_view::npos) return std::nullopt;
  const size_t dash = text.find('-');
  const std::string_view core = text.substr(0, dash);
  const auto numbers = Split(core, '.');
  if (numbers.size() != 3) return std::nullopt;
  SemVer v;
  auto major = ParseNumber(numbers[0]), minor = ParseNumber(numbers[1]), patch = ParseNumber(numbers[2]);
  if (!major || !minor || !patch) return std::nullopt;
  v.major = *major;
  v.minor = *minor;
  v.patch = *patch;
  if (dash != std::string_view::npos) {
    for (std::string_view id : Split(text.substr(dash + 1), '.')) {
      if (!ValidPrereleaseIdentifier(id)) return std::nullopt;
      v.prerelease.emplace_back(id);
    }
  }
  return v;
}

int CompareSemVer(const SemVer& a, const SemVer& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  if (a.prerelease.empty() || b.prerelease.empty()) {
    if (a.prerelease.empty() == b.prerelease.empty()) return 0;
    return a.prerelease.empty() ? 1 : -1;  // a pre-release precedes its release
  }
  for (size_t i = 0; i < std::min(a.prerelease.size(), b.prerelease.size()); ++i)
    if (int c = CompareIdentifiers(a.prerelease[i], b.prerelease[i]); c != 0) return c;
  if (a.prerelease.size() == b.prerelease.size()) return 0;
  return a.prerelease.size() < b.prerelease.size() ? -1 : 1;
}

std::string NextVersion(const std::vector<std::string>& existing, std::string_view order) {
  std::optional<SemVer> highest;
  for (const auto& text : existing) {
    auto v = ParseSemVer(text);
    if (v && (!highest || CompareSemVer(*v, *highest) > 0)) highest = v;
  }
  if (!highest) return "1.0.0";
  std::string upper(order);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  SemVer next{highest->major, highest->minor, highest->patch, {}};
  if (upper == "MAJOR") next = {highest->major + 1, 0, 0, {}};
  else if (upper == "MINOR") next = {highest->major, highest->minor + 1, 0, {}};
  else if (highest->prerelease.empty()) next.patch += 1;  // 1.2.0-rc.1 -> 1.2.0 is the next PATCH
  return next.ToString();
}

}  // namespace agora::assets
