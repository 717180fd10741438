// Safe reading of uploaded zip archives with libzip. Every archive a client sends passes
// InspectZip before anything else touches it: entry names that could escape a folder (zip slip)
// and archives whose entry count, total size or compression ratio betray a zip bomb are rejected
// with a 400. ReadZipEntry never trusts declared sizes: it stops after the bytes it allows.
//
// Thread safety: functions are reentrant; each call opens its own handle on the archive.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace agora::packaging {

struct ZipLimits {
  uint64_t max_entries = 10000;
  uint64_t max_total_uncompressed = 1ull << 30;
  uint64_t max_entry_ratio = 200;  // uncompressed / compressed, for entries over 1 MiB
};

struct ZipEntry {
  std::string name;
  uint64_t size = 0;
  uint64_t compressed_size = 0;
  bool is_directory = false;
};

// 400 INVALID_ZIP (unreadable), INVALID_ZIP_ENTRY (unsafe name), ZIP_LIMITS_EXCEEDED (bomb).
Result<std::vector<ZipEntry>> InspectZip(const std::string& path, const ZipLimits& limits);
// The decompressed bytes of one entry; NotFound if absent; 400 ZIP_LIMITS_EXCEEDED past max_bytes.
Result<std::string> ReadZipEntry(const std::string& path, const std::string& name, uint64_t max_bytes);
// Whether the file starts like a zip archive.
bool IsZipFile(const std::string& path);
// Whether `name` is a safe relative entry name (no "..", no absolute path, no backslash, no NUL).
bool IsSafeEntryName(const std::string& name);

}  // namespace agora::packaging
