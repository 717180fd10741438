// Safe reading of uploaded zip archives with libzip. Every archive a client sends passes
// InspectZip before anything else touches it: entry names that could escape a folder when the
// archive is extracted (zip slip), symbolic links and other entries whose Unix mode is neither a
// regular file nor a directory, duplicate or encrypted entries, and archives whose entry
// count, total size or compression ratio betray a zip bomb are rejected with a 400. The limits
// InspectZip checks are the sizes the archive declares; ReadZipEntry, which does decompress,
// never trusts them and stops after the bytes it allows.
//
// Thread safety: functions are reentrant; each call opens its own handle on the archive. A
// ZipReader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace agora::packaging {

struct ZipLimits {
  uint64_t max_entries = 10000;
  uint64_t max_total_uncompressed = 1ull << 30;
  // Largest uncompressed / compressed ratio of one entry. Only entries that expand past
  // kRatioCheckedFromBytes are checked: tiny text files legitimately compress very well.
  uint64_t max_entry_ratio = 200;
};

// Entries expanding to less than this are never a bomb on their own.
constexpr uint64_t kRatioCheckedFromBytes = 1 << 20;

struct ZipEntry {
  std::string name;
  uint64_t size = 0;             // declared uncompressed size
  uint64_t compressed_size = 0;
  bool is_directory = false;
};

// The archive's entries in central-directory order.
// 400 INVALID_ZIP: unreadable, corrupt or inconsistent archive;
// 400 INVALID_ZIP_ENTRY: unsafe or duplicate name, an entry that is no regular file or directory
//   (a symlink), encrypted entry, unsupported compression;
// 400 ZIP_LIMITS_EXCEEDED: too many entries, too large in total, or a suspicious ratio.
Result<std::vector<ZipEntry>> InspectZip(const std::string& path, const ZipLimits& limits);

// The decompressed bytes of the entry `name`. NotFound if absent; 400 ZIP_LIMITS_EXCEEDED once
// more than `max_bytes` come out; 400 INVALID_ZIP if the data is corrupt or longer than declared.
Result<std::string> ReadZipEntry(const std::string& path, const std::string& name, uint64_t max_bytes);

// An archive opened once to read many of its entries (the files of a spec): opening it reads
// and checks its whole central directory, so reading each entry through ReadZipEntry would cost
// time quadratic in the number of entries. Read is ReadZipEntry on the open archive.
//
// Thread safety: one thread at a time.
class ZipReader {
 public:
  static Result<std::unique_ptr<ZipReader>> Open(const std::string& path);
  ~ZipReader();

  Result<std::string> Read(const std::string& name, uint64_t max_bytes);

 private:
  struct Archive;
  explicit ZipReader(std::unique_ptr<Archive> archive);
  std::unique_ptr<Archive> archive_;
};

// Whether the file starts with a zip signature (a local file header or an empty archive's end
// of central directory).
bool IsZipFile(const std::string& path);

// Whether `name` is safe to extract under a folder: not empty, relative (no leading "/", no
// drive letter), no ".." segment, no backslash, no NUL.
bool IsSafeEntryName(const std::string& name);

}  // namespace agora::packaging
