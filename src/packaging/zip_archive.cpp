#include "packaging/zip_archive.h"

#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace agora::packaging {
namespace {

struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
using ZipHandle = std::unique_ptr<zip_t, ZipCloser>;

Status Invalid(const std::string& code, const std::string& message) {
  return Status::InvalidArgument(code, message, {message});
}

Result<ZipHandle> OpenForReading(const std::string& path) {
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (!archive) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, error);
    const std::string message = std::string("The file is not a valid zip archive: ") + zip_error_strerror(&ze);
    zip_error_fini(&ze);
    return Invalid("INVALID_ZIP", message);
  }
  return ZipHandle(archive);
}

constexpr uint64_t kRatioFloor = 1 << 20;

}  // namespace

bool IsSafeEntryName(const std::string& name) {
  if (name.empty() || name.size() > 4096 || name[0] == '/' || name.find('\\') != std::string::npos ||
      name.find('\0') != std::string::npos)
    return false;
  if (name.size() >= 2 && name[1] == ':') return false;  // a drive letter
  size_t start = 0;
  while (start <= name.size()) {
    const size_t slash = name.find('/', start);
    const std::string segment = name.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (segment == "..") return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

Result<std::vector<ZipEntry>> InspectZip(const std::string& path, const ZipLimits& limits) {
  AGORA_ASSIGN_OR_RETURN(ZipHandle archive, OpenForReading(path));
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  if (count < 0) return Invalid("INVALID_ZIP", "The zip archive's directory cannot be read");
  if (static_cast<uint64_t>(count) > limits.max_entries)
    return Invalid("ZIP_LIMITS_EXCEEDED", "The zip archive has " + std::to_string(count) + " entries, more than " +
                                              std::to_string(limits.max_entries));
  std::vector<ZipEntry> entries;
  uint64_t total = 0;
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0 || !st.name)
      return Invalid("INVALID_ZIP", "Entry " + std::to_string(i) + " of the zip archive cannot be read");
    ZipEntry entry{st.name, st.size, st.comp_size, false};
    if (!IsSafeEntryName(entry.name))
      return Invalid("INVALID_ZIP_ENTRY", "The zip entry '" + entry.name + "' has an absolute or parent-relative path");
    entry.is_directory = entry.name.back() == '/';
    total += entry.size;
    if (total > limits.max_total_uncompressed)
      return Invalid("ZIP_LIMITS_EXCEEDED", "The zip archive expands to more than " +
                                                std::to_string(limits.max_total_uncompressed) + " bytes");
    if (entry.size > kRatioFloor && entry.size / std::max<uint64_t>(entry.compressed_size, 1) > limits.max_entry_ratio)
      return Invalid("ZIP_LIMITS_EXCEEDED", "The zip entry '" + entry.name + "' has a suspicious compression ratio");
    entries.push_back(std::move(entry));
  }
  return entries;
}

Result<std::string> ReadZipEntry(const std::string& path, const std::string& name, uint64_t max_bytes) {
  AGORA_ASSIGN_OR_RETURN(ZipHandle archive, OpenForReading(path));
  zip_file_t* file = zip_fopen(archive.get(), name.c_str(), 0);
  if (!file) return Status::NotFound("The zip archive has no entry '" + name + "'");
  std::string content;
  char buffer[64 * 1024];
  Status status;
  while (true) {
    const zip_int64_t n = zip_fread(file, buffer, sizeof buffer);
    if (n < 0) {
      status = Invalid("INVALID_ZIP", "The zip entry '" + name + "' is corrupt");
      break;
    }
    if (n == 0) break;
    if (content.size() + static_cast<uint64_t>(n) > max_bytes) {
      status = Invalid("ZIP_LIMITS_EXCEEDED", "The zip entry '" + name + "' is larger than " + std::to_string(max_bytes) + " bytes");
      break;
    }
    content.append(buffer, static_cast<size_t>(n));
  }
  zip_fclose(file);
  if (!status.ok()) return status;
  return content;
}

bool IsZipFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  unsigned char magic[4] = {0, 0, 0, 0};
  const size_t n = std::fread(magic, 1, sizeof magic, f);
  std::fclose(f);
  return n == 4 && magic[0] == 'P' && magic[1] == 'K' &&
         ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
}

}  // namespace agora::packaging
