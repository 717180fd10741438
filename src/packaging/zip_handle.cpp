#include "packaging/zip_handle.h"

namespace agora::packaging {

std::string ZipOpenErrorText(int error) {
  zip_error_t ze;
  zip_error_init_with_code(&ze, error);
  std::string text = zip_error_strerror(&ze);
  zip_error_fini(&ze);
  return text;
}

Result<ZipHandle> OpenZipForReading(const std::string& path) {
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (archive) return ZipHandle(archive);
  if (error == ZIP_ER_EXISTS) {
    const std::string message = "The zip archive holds two entries with the same name";
    return Status::InvalidArgument("INVALID_ZIP_ENTRY", message, {message});
  }
  // The file is ours (a blob or a scratch file): failing to open it is a server fault.
  if (error == ZIP_ER_NOENT || error == ZIP_ER_OPEN || error == ZIP_ER_MEMORY)
    return Status::IOError("cannot open " + path + ": " + ZipOpenErrorText(error));
  const std::string message = "The file is not a valid zip archive: " + ZipOpenErrorText(error);
  return Status::InvalidArgument("INVALID_ZIP", message, {message});
}

bool IsPlainFileMode(zip_uint32_t external_attributes) {
  constexpr zip_uint32_t kTypeMask = 0170000, kRegular = 0100000, kDirectory = 0040000;
  const zip_uint32_t type = (external_attributes >> 16) & kTypeMask;
  return type == 0 || type == kRegular || type == kDirectory;
}

}  // namespace agora::packaging
