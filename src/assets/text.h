// Character classes and message quoting shared by the assets module's validators. The classes
// are plain ASCII on purpose: <cctype> follows the process locale, under which a byte such as
// 0xE9 may count as a letter and slip into a groupId or a classifier.
//
// Internal to src/assets/. Thread safety: pure functions.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace agora::assets::text {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

inline bool AllDigits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit); }

// `value` for an error message: at most 64 characters, non-printable bytes shown as '?', so a
// hostile input can neither bloat the answer nor forge lines in a log.
inline std::string Quoted(std::string_view value) {
  constexpr size_t kMaxShown = 64;
  std::string shown;
  for (char c : value.substr(0, kMaxShown)) shown += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (value.size() > kMaxShown) shown += "...";
  return "'" + shown + "'";
}

}  // namespace agora::assets::text
