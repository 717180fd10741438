// The helpers shared by the SQL backends' domains (see metadata_store_sql.h).
#include <algorithm>
#include <cctype>
#include <cstdio>

#include "assets/semver.h"
#include "storage/metadata_store_sql.h"

namespace agora::storage {

Status SqlMetadataStore::Ping() {
  return ReadOn([](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(auto s, c.Prepare("SELECT 1"));
    return s->Run();
  });
}

std::string MajorVersionKey(uint64_t major) {
  char number[32];
  std::snprintf(number, sizeof number, "%020llu.", static_cast<unsigned long long>(major));
  return number;
}

std::string VersionKey(const std::string& version) {
  const auto v = assets::ParseSemVer(version);
  if (!v) return version;
  char numbers[64];
  std::snprintf(numbers, sizeof numbers, "%020llu.%020llu", static_cast<unsigned long long>(v->minor),
                static_cast<unsigned long long>(v->patch));
  std::string key = MajorVersionKey(v->major) + numbers;
  if (v->prerelease.empty()) return key + "~";  // '~' sorts after '-': a release after its pre-releases
  key += "-";
  for (const auto& id : v->prerelease) {
    const bool numeric = !id.empty() && id.find_first_not_of("0123456789") == std::string::npos;
    key += (numeric ? std::string(20 - std::min<size_t>(20, id.size()), '0') + id : id) + ".";
  }
  return key;
}

std::string Join(const std::vector<std::string>& items, const char* separator) {
  std::string joined;
  for (const auto& item : items) joined += (joined.empty() ? "" : separator) + item;
  return joined;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace agora::storage
