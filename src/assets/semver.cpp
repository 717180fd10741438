#include "assets/semver.h"

#include <algorithm>
#include <limits>

#include "assets/text.h"

namespace agora::assets {
namespace {

constexpr uint64_t kMaxNumber = std::numeric_limits<uint64_t>::max();

// A numeric identifier: digits, no leading zero, at most kMaxNumber.
std::optional<uint64_t> ParseNumber(std::string_view s) {
  if (!text::AllDigits(s) || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  uint64_t value = 0;
  for (char c : s) {
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (kMaxNumber - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

bool ValidPrereleaseIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!text::IsAlnum(c) && c != '-') return false;
  return !(text::AllDigits(s) && s.size() > 1 && s[0] == '0');
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

int Sign(int c) { return (c > 0) - (c < 0); }

int CompareIdentifiers(const std::string& a, const std::string& b) {
  const bool a_num = text::AllDigits(a), b_num = text::AllDigits(b);
  if (a_num != b_num) return a_num ? -1 : 1;  // numeric identifiers sort before alphanumeric ones
  // Without leading zeros, the longer number is the larger one.
  if (a_num && a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return Sign(a.compare(b));
}

enum class Order { kMajor, kMinor, kPatch };

Order ParseOrder(std::string_view order) {
  std::string upper(order);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  });
  if (upper == "MAJOR") return Order::kMajor;
  if (upper == "MINOR") return Order::kMinor;
  return Order::kPatch;
}

// The lowest release above `v` at `order`; nullopt past the largest major.
std::optional<SemVer> Bump(const SemVer& v, Order order) {
  const bool prerelease = !v.prerelease.empty();
  switch (order) {
    case Order::kPatch:
      if (prerelease) return SemVer{v.major, v.minor, v.patch, {}};
      if (v.patch == kMaxNumber) return Bump(v, Order::kMinor);
      return SemVer{v.major, v.minor, v.patch + 1, {}};
    case Order::kMinor:
      if (prerelease && v.patch == 0) return SemVer{v.major, v.minor, 0, {}};
      if (v.minor == kMaxNumber) return Bump(v, Order::kMajor);
      return SemVer{v.major, v.minor + 1, 0, {}};
    case Order::kMajor:
      if (prerelease && v.minor == 0 && v.patch == 0) return SemVer{v.major, 0, 0, {}};
      if (v.major == kMaxNumber) return std::nullopt;
      return SemVer{v.major + 1, 0, 0, {}};
  }
  return std::nullopt;
}

}  // namespace

std::string SemVer::ToString() const {
  std::string text = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  for (size_t i = 0; i < prerelease.size(); ++i) text += (i == 0 ? "-" : ".") + prerelease[i];
  return text;
}

std::optional<SemVer> ParseSemVer(std::string_view text) {
  if (text.find('+') != std::string_view::npos) return std::nullopt;
  const size_t dash = text.find('-');  // the core has no '-', so the first one starts the pre-release
  const auto numbers = Split(text.substr(0, dash), '.');
  if (numbers.size() != 3) return std::nullopt;
  const auto major = ParseNumber(numbers[0]), minor = ParseNumber(numbers[1]), patch = ParseNumber(numbers[2]);
  if (!major || !minor || !patch) return std::nullopt;
  SemVer v{*major, *minor, *patch, {}};
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
  const size_t common = std::min(a.prerelease.size(), b.prerelease.size());
  for (size_t i = 0; i < common; ++i)
    if (int c = CompareIdentifiers(a.prerelease[i], b.prerelease[i]); c != 0) return c;
  if (a.prerelease.size() == b.prerelease.size()) return 0;
  return a.prerelease.size() < b.prerelease.size() ? -1 : 1;  // more identifiers: higher precedence
}

Result<std::string> NextVersion(const std::vector<std::string>& existing, std::string_view order) {
  std::optional<SemVer> highest;
  for (const auto& text : existing) {
    auto v = ParseSemVer(text);
    if (v && (!highest || CompareSemVer(*v, *highest) > 0)) highest = std::move(v);
  }
  if (!highest) return std::string("1.0.0");
  const auto next = Bump(*highest, ParseOrder(order));
  if (!next)
    return Status::Conflict("NO_NEXT_VERSION", "Version " + highest->ToString() + " is the highest there can be");
  return next->ToString();
}

std::optional<std::string> PreviousVersion(const std::vector<std::string>& versions, std::string_view version) {
  const auto current = ParseSemVer(version);
  if (!current) return std::nullopt;
  std::optional<SemVer> best;
  std::optional<std::string> best_text;
  for (const auto& text : versions) {
    const auto parsed = ParseSemVer(text);
    if (!parsed || CompareSemVer(*parsed, *current) >= 0) continue;
    if (!best || CompareSemVer(*parsed, *best) > 0) {
      best = parsed;
      best_text = text;
    }
  }
  return best_text;
}

}  // namespace agora::assets
