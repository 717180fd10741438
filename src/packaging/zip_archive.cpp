#include "packaging/zip_archive.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>

#include "packaging/zip_handle.h"

namespace agora::packaging {
namespace {

Status Invalid(const std::string& code, const std::string& message) {
  return Status::InvalidArgument(code, message, {message});
}

bool HasParentSegment(const std::string& name) {
  size_t start = 0;
  while (true) {
    const size_t slash = name.find('/', start);
    if (name.compare(start, slash == std::string::npos ? std::string::npos : slash - start, "..") == 0) return true;
    if (slash == std::string::npos) return false;
    start = slash + 1;
  }
}

// Why an entry cannot be accepted, or an empty string.
std::string EntryProblem(zip_t* archive, zip_uint64_t index, const zip_stat_t& st, const std::string& name) {
  if (!IsSafeEntryName(name)) return "has an empty, absolute or parent-relative path";
  // A symlink entry would point a consumer's extraction at any file of its machine.
  zip_uint8_t opsys = 0;
  zip_uint32_t attributes = 0;
  if (zip_file_get_external_attributes(archive, index, 0, &opsys, &attributes) != 0)
    return "has unreadable attributes";
  if (!IsPlainFileMode(attributes)) return "is not a regular file or a directory (a symbolic link, say)";
  if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) return "is encrypted";
  if ((st.valid & ZIP_STAT_COMP_METHOD) && !zip_compression_method_supported(st.comp_method, 0))
    return "uses an unsupported compression method";
  return "";
}

Status CheckSizes(const ZipEntry& entry, uint64_t total, const ZipLimits& limits) {
  if (total > limits.max_total_uncompressed)
    return Invalid("ZIP_LIMITS_EXCEEDED",
                   "The zip archive expands to more than " + std::to_string(limits.max_total_uncompressed) + " bytes");
  if (entry.size >= kRatioCheckedFromBytes &&
      entry.size / std::max<uint64_t>(entry.compressed_size, 1) > limits.max_entry_ratio)
    return Invalid("ZIP_LIMITS_EXCEEDED", "The zip entry '" + entry.name + "' expands more than " +
                                              std::to_string(limits.max_entry_ratio) + " times");
  return Status::Ok();
}

struct FileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

}  // namespace

bool IsSafeEntryName(const std::string& name) {
  if (name.empty() || name[0] == '/' || name.find_first_of(std::string("\\\0", 2)) != std::string::npos) return false;
  if (name.size() >= 2 && std::isalpha(static_cast<unsigned char>(name[0])) && name[1] == ':') return false;
  return !HasParentSegment(name);
}

Result<std::vector<ZipEntry>> InspectZip(const std::string& path, const ZipLimits& limits) {
  AGORA_ASSIGN_OR_RETURN(ZipHandle archive, OpenZipForReading(path));
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  if (count < 0) return Invalid("INVALID_ZIP", "The zip archive's directory cannot be read");
  if (static_cast<uint64_t>(count) > limits.max_entries)
    return Invalid("ZIP_LIMITS_EXCEEDED", "The zip archive has " + std::to_string(count) + " entries, more than " +
                                              std::to_string(limits.max_entries));
  std::vector<ZipEntry> entries;
  entries.reserve(static_cast<size_t>(count));
  uint64_t total = 0;
  for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive.get(), i, 0, &st) != 0 || !st.name)
      return Invalid("INVALID_ZIP", "Entry " + std::to_string(i) + " of the zip archive cannot be read");
    ZipEntry entry{st.name, st.size, st.comp_size, false};
    if (const std::string problem = EntryProblem(archive.get(), i, st, entry.name); !problem.empty())
      return Invalid("INVALID_ZIP_ENTRY", "The zip entry '" + entry.name + "' " + problem);
    entry.is_directory = entry.name.back() == '/';
    total += entry.size;
    AGORA_RETURN_IF_ERROR(CheckSizes(entry, total, limits));
    entries.push_back(std::move(entry));
  }
  return entries;
}

struct ZipReader::Archive {
  ZipHandle handle;
};

ZipReader::ZipReader(std::unique_ptr<Archive> archive) : archive_(std::move(archive)) {}
ZipReader::~ZipReader() = default;

Result<std::unique_ptr<ZipReader>> ZipReader::Open(const std::string& path) {
  AGORA_ASSIGN_OR_RETURN(ZipHandle handle, OpenZipForReading(path));
  return std::unique_ptr<ZipReader>(new ZipReader(std::make_unique<Archive>(Archive{std::move(handle)})));
}

Result<std::string> ReadZipEntry(const std::string& path, const std::string& name, uint64_t max_bytes) {
  AGORA_ASSIGN_OR_RETURN(std::unique_ptr<ZipReader> reader, ZipReader::Open(path));
  return reader->Read(name, max_bytes);
}

Result<std::string> ZipReader::Read(const std::string& name, uint64_t max_bytes) {
  const ZipHandle& archive = archive_->handle;
  const zip_int64_t index = zip_name_locate(archive.get(), name.c_str(), 0);
  if (index < 0) return Status::NotFound("The zip archive has no entry '" + name + "'");
  zip_stat_t st;
  if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(index), 0, &st) != 0)
    return Invalid("INVALID_ZIP", "The zip entry '" + name + "' cannot be read");
  std::unique_ptr<zip_file_t, FileCloser> file(zip_fopen_index(archive.get(), static_cast<zip_uint64_t>(index), 0));
  if (!file) return Invalid("INVALID_ZIP", "The zip entry '" + name + "' cannot be read: " + zip_strerror(archive.get()));
  std::string content;
  char buffer[64 * 1024];
  while (true) {
    const zip_int64_t n = zip_fread(file.get(), buffer, sizeof buffer);
    if (n < 0) return Invalid("INVALID_ZIP", "The zip entry '" + name + "' is corrupt: " + zip_file_strerror(file.get()));
    if (n == 0) break;
    // libzip keeps inflating past the declared size, so the limits are checked on real bytes.
    if (content.size() + static_cast<uint64_t>(n) > max_bytes)
      return Invalid("ZIP_LIMITS_EXCEEDED",
                     "The zip entry '" + name + "' is larger than " + std::to_string(max_bytes) + " bytes");
    content.append(buffer, static_cast<size_t>(n));
    if ((st.valid & ZIP_STAT_SIZE) && content.size() > st.size)
      return Invalid("INVALID_ZIP", "The zip entry '" + name + "' is larger than its declared size");
  }
  return content;
}

bool IsZipFile(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return false;
  unsigned char magic[4] = {0, 0, 0, 0};
  const size_t n = std::fread(magic, 1, sizeof magic, f.get());
  return n == 4 && magic[0] == 'P' && magic[1] == 'K' &&
         ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
}

}  // namespace agora::packaging
