// Fuzzes the zip reader: the input is written to a file (libzip reads archives from disk, as the
// publisher does with uploaded blobs), inspected under the publisher's limits, and every entry
// that passes is read back.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "fuzz_target.h"
#include "packaging/zip_archive.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/agora-zip-fuzz-" + std::to_string(getpid()) + ".zip";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  agora::packaging::ZipLimits limits;
  limits.max_entries = 64;
  limits.max_total_uncompressed = 8 << 20;
  auto entries = agora::packaging::InspectZip(path, limits);
  if (entries.ok()) {
    for (const auto& entry : *entries)
      if (!entry.is_directory) (void)agora::packaging::ReadZipEntry(path, entry.name, 1 << 20);
  }
  std::remove(path.c_str());
  return 0;
}
