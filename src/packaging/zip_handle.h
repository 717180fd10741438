// Internal to the packaging module: an owning handle on a libzip archive, the translation of
// libzip's error codes into agora's Status, and which entry modes are safe to extract, shared by
// the reader (zip_archive.cpp) and the writers (spec_package.cpp).
//
// Thread safety: a handle belongs to one thread at a time; the functions are reentrant.
#pragma once

#include <zip.h>

#include <memory>
#include <string>

#include "common/status.h"

namespace agora::packaging {

struct ZipDiscarder {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
// Discards (never writes) the archive when it goes out of scope; writers call zip_close first.
using ZipHandle = std::unique_ptr<zip_t, ZipDiscarder>;

// libzip's text for an error code from zip_open.
std::string ZipOpenErrorText(int error);

// Opens `path` read-only, checking that the central directory and the local headers agree
// (a mismatch would let a streaming extractor see other names than we inspected) and that no
// name is repeated. 400 INVALID_ZIP or INVALID_ZIP_ENTRY (duplicate names); IOError when the
// file cannot be opened at all.
Result<ZipHandle> OpenZipForReading(const std::string& path);

// Whether the Unix mode in an entry's external attributes (their upper 16 bits) is a regular file,
// a directory, or absent. Judged whatever "made by" system the entry names: Info-ZIP's unzip
// honours Unix modes written by other systems too, so a symlink (or device, or FIFO) would be
// created on extraction whichever system is claimed.
bool IsPlainFileMode(zip_uint32_t external_attributes);

}  // namespace agora::packaging
