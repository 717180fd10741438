// Test support for the packaging tests: a scratch folder per test, and zips built and read with
// libzip directly, so that the module's own reader is never used to judge its writers.
//
// Thread safety: test-only; one fixture per test thread.
#pragma once

#include <gtest/gtest.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/ids.h"

namespace agora::packaging::testing {

namespace fs = std::filesystem;
using Files = std::map<std::string, std::string>;

struct TestEntry {
  std::string name;
  std::string content;
  zip_int32_t method = ZIP_CM_DEFAULT;
  zip_uint32_t level = 0;  // 0: libzip's default for the method
  zip_uint32_t unix_mode = 0;  // with its type bits (0120777 is a symlink); 0: libzip's default
};

constexpr time_t kEntryTime = 1000000000;  // 2001-09-09

class ZipTest : public ::testing::Test {
 protected:
  ZipTest() : dir_(fs::temp_directory_path() / ("agora-packaging-" + NewUuid())) { fs::create_directories(dir_); }
  ~ZipTest() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::string MakeZip(const std::string& name, const std::vector<TestEntry>& entries) {
    const std::string path = Path(name);
    int error = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    EXPECT_NE(archive, nullptr);
    for (const TestEntry& e : entries) {
      zip_int64_t index = 0;
      if (!e.name.empty() && e.name.back() == '/' && e.content.empty()) {
        index = zip_dir_add(archive, e.name.substr(0, e.name.size() - 1).c_str(), ZIP_FL_ENC_UTF_8);
      } else {
        zip_source_t* source = zip_source_buffer(archive, e.content.data(), e.content.size(), 0);
        index = zip_file_add(archive, e.name.c_str(), source, ZIP_FL_ENC_UTF_8);
      }
      EXPECT_GE(index, 0) << e.name << ": " << zip_strerror(archive);
      if (e.unix_mode != 0)
        EXPECT_EQ(zip_file_set_external_attributes(archive, static_cast<zip_uint64_t>(index), 0, ZIP_OPSYS_UNIX,
                                                   e.unix_mode << 16),
                  0);
      EXPECT_EQ(zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), e.method, e.level), 0);
      // A fixed past time, so that a copy made now that kept it cannot have kept it by chance.
      EXPECT_EQ(zip_file_set_mtime(archive, static_cast<zip_uint64_t>(index), kEntryTime, 0), 0);
    }
    EXPECT_EQ(zip_close(archive), 0) << zip_strerror(archive);
    return path;
  }

  std::string MakeZip(const std::string& name, const Files& files) {
    std::vector<TestEntry> entries;
    for (const auto& [entry, content] : files) entries.push_back({entry, content});
    return MakeZip(name, entries);
  }

  std::string WriteFile(const std::string& name, const std::string& content) {
    std::ofstream(Path(name), std::ios::binary) << content;
    return Path(name);
  }

  static std::string Slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }

  // Replaces every occurrence of `from` by `to` (same length) in the file's bytes.
  static void Patch(const std::string& path, const std::string& from, const std::string& to) {
    ASSERT_EQ(from.size(), to.size());
    std::string bytes = Slurp(path);
    for (size_t at = bytes.find(from); at != std::string::npos; at = bytes.find(from, at + to.size()))
      bytes.replace(at, from.size(), to);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }

  // Entry name -> decompressed content, in the archive's order of names.
  static Files Unzip(const std::string& path) { return ReadEntries(path, 0); }
  // Entry name -> the bytes as stored in the archive (compressed).
  static Files RawEntries(const std::string& path) { return ReadEntries(path, ZIP_FL_COMPRESSED); }

  // The Unix mode (type and permission bits) of an entry's external attributes.
  static zip_uint32_t UnixMode(const std::string& path, const std::string& name) {
    int error = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &error);
    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    const zip_int64_t index = zip_name_locate(archive, name.c_str(), 0);
    EXPECT_GE(index, 0) << name;
    EXPECT_EQ(zip_file_get_external_attributes(archive, static_cast<zip_uint64_t>(index), 0, &opsys, &attributes), 0);
    zip_discard(archive);
    return attributes >> 16;
  }

  static zip_stat_t Stat(const std::string& path, const std::string& name) {
    int error = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &error);
    zip_stat_t st;
    zip_stat_init(&st);
    EXPECT_EQ(zip_stat(archive, name.c_str(), 0, &st), 0) << name;
    zip_discard(archive);
    return st;
  }

 private:
  static Files ReadEntries(const std::string& path, zip_flags_t flags) {
    Files files;
    int error = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &error);
    EXPECT_NE(archive, nullptr) << path;
    if (!archive) return files;
    for (zip_int64_t i = 0; i < zip_get_num_entries(archive, 0); ++i) {
      zip_stat_t st;
      zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &st);
      zip_file_t* file = zip_fopen_index(archive, static_cast<zip_uint64_t>(i), flags);
      std::string content(flags & ZIP_FL_COMPRESSED ? st.comp_size : st.size, '\0');
      EXPECT_EQ(zip_fread(file, content.data(), content.size()), static_cast<zip_int64_t>(content.size()));
      zip_fclose(file);
      files[st.name] = content;
    }
    zip_discard(archive);
    return files;
  }

  fs::path dir_;
};

}  // namespace agora::packaging::testing
