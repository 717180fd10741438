#include "packaging/zip_archive.h"

#include <cstring>

#include "packaging/test_zips.h"

namespace agora::packaging {
namespace {

using testing::Files;
using testing::TestEntry;

class ZipArchiveTest : public testing::ZipTest {};

std::string CodeOf(const Result<std::vector<ZipEntry>>& result) { return result.status().code(); }

TEST_F(ZipArchiveTest, ListsEntriesInArchiveOrderWithSizes) {
  const auto zip = MakeZip("ok.zip", std::vector<TestEntry>{{"api.raml", "#%RAML 1.0\ntitle: x\n"},
                                                            {"types/", ""},
                                                            {"types/a.raml", std::string(5000, 'a')}});
  auto entries = InspectZip(zip, ZipLimits{});
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].name, "api.raml");
  EXPECT_EQ((*entries)[0].size, 20u);
  EXPECT_FALSE((*entries)[0].is_directory);
  EXPECT_EQ((*entries)[1].name, "types/");
  EXPECT_TRUE((*entries)[1].is_directory);
  EXPECT_EQ((*entries)[2].size, 5000u);
  EXPECT_LT((*entries)[2].compressed_size, 5000u);
}

TEST_F(ZipArchiveTest, RejectsNamesThatEscapeTheFolder) {
  for (const std::string name : {"../evil.txt", "a/../../evil", "a/..", "..", "/etc/passwd", "c:/windows/x",
                                 "C:evil", "a\\..\\b", ""}) {
    const auto zip = MakeZip("slip.zip", Files{{"ok.raml", "x"}, {name, "x"}});
    const auto result = InspectZip(zip, ZipLimits{});
    EXPECT_EQ(CodeOf(result), "INVALID_ZIP_ENTRY") << "'" << name << "'";
    EXPECT_EQ(result.status().http_status(), 400);
  }
}

TEST_F(ZipArchiveTest, SafeNameRules) {
  for (const std::string name : {"a/..b/c", "..a", "a/b../c", "a/./b", "dir/", "my:file"})
    EXPECT_TRUE(IsSafeEntryName(name)) << name;
  for (const std::string& name : {std::string("a\0b", 3), std::string("x/\0", 3), std::string("1:")})
    EXPECT_EQ(IsSafeEntryName(name), name == "1:") << name;
}

// Extracting a symlink entry makes a link to wherever it points (/etc/passwd); devices and FIFOs
// are no better. Only regular files and directories pass, or entries that carry no Unix mode.
TEST_F(ZipArchiveTest, RejectsSymlinksAndOtherSpecialEntries) {
  for (const zip_uint32_t mode : {0120777u, 0020644u, 0060644u, 0010644u, 0140755u}) {
    const auto zip = MakeZip("special.zip", std::vector<TestEntry>{{"api.raml", "#%RAML 1.0\ntitle: x\n"},
                                                                   {"link.json", "/etc/passwd", ZIP_CM_DEFAULT, 0, mode}});
    const auto result = InspectZip(zip, ZipLimits{});
    EXPECT_EQ(CodeOf(result), "INVALID_ZIP_ENTRY") << std::oct << mode;
    EXPECT_EQ(result.status().http_status(), 400);
    EXPECT_NE(result.status().message().find("'link.json'"), std::string::npos) << result.status().ToString();
  }
  const auto plain = MakeZip("plain.zip", std::vector<TestEntry>{{"api.raml", "x", ZIP_CM_DEFAULT, 0, 0100644},
                                                                 {"run.sh", "x", ZIP_CM_DEFAULT, 0, 0100755},
                                                                 {"types/", "", ZIP_CM_DEFAULT, 0, 0040755},
                                                                 {"types/a.raml", "x"}});
  EXPECT_TRUE(InspectZip(plain, ZipLimits{}).ok());
}

TEST_F(ZipArchiveTest, RejectsDuplicateNames) {
  // libzip refuses to write two entries with one name, so the second name is patched afterwards.
  const auto zip = MakeZip("dup.zip", Files{{"api1.raml", "first"}, {"api2.raml", "second"}});
  Patch(zip, "api2.raml", "api1.raml");
  EXPECT_EQ(CodeOf(InspectZip(zip, ZipLimits{})), "INVALID_ZIP_ENTRY");
}

TEST_F(ZipArchiveTest, RejectsAHighRatioBombEntry) {
  const auto bomb = MakeZip("bomb.zip", Files{{"zeros", std::string(8 << 20, '\0')}});
  EXPECT_EQ(CodeOf(InspectZip(bomb, ZipLimits{})), "ZIP_LIMITS_EXCEEDED");
  ZipLimits lenient;
  lenient.max_entry_ratio = 100000;
  EXPECT_TRUE(InspectZip(bomb, lenient).ok()) << "the ratio, not the size, is what rejected it";
  const auto small = MakeZip("small.zip", Files{{"zeros", std::string(kRatioCheckedFromBytes - 1, '\0')}});
  EXPECT_TRUE(InspectZip(small, ZipLimits{}).ok()) << "small files may compress very well";
}

TEST_F(ZipArchiveTest, RejectsTooManyEntriesAndTooLargeTotals) {
  ZipLimits limits;
  limits.max_entries = 2;
  const auto three = MakeZip("many.zip", Files{{"a", "1"}, {"b", "2"}, {"c", "3"}});
  EXPECT_EQ(CodeOf(InspectZip(three, limits)), "ZIP_LIMITS_EXCEEDED");
  limits.max_entries = 3;
  EXPECT_TRUE(InspectZip(three, limits).ok());

  limits.max_total_uncompressed = 20;
  EXPECT_TRUE(InspectZip(MakeZip("twenty.zip", Files{{"a", std::string(10, 'a')}, {"b", std::string(10, 'b')}}), limits).ok());
  EXPECT_EQ(CodeOf(InspectZip(MakeZip("big.zip", Files{{"a", std::string(10, 'a')}, {"b", std::string(11, 'b')}}), limits)),
            "ZIP_LIMITS_EXCEEDED");
}

TEST_F(ZipArchiveTest, RejectsCorruptAndForeignFiles) {
  EXPECT_EQ(CodeOf(InspectZip(WriteFile("garbage.zip", "PK\x03\x04 definitely not a zip"), ZipLimits{})), "INVALID_ZIP");
  EXPECT_EQ(CodeOf(InspectZip(WriteFile("empty.zip", ""), ZipLimits{})), "INVALID_ZIP");
  EXPECT_EQ(CodeOf(InspectZip(WriteFile("api.raml", "#%RAML 1.0\n"), ZipLimits{})), "INVALID_ZIP");
  const std::string whole = Slurp(MakeZip("whole.zip", Files{{"a.raml", std::string(3000, 'x')}}));
  EXPECT_EQ(CodeOf(InspectZip(WriteFile("truncated.zip", whole.substr(0, whole.size() - 30)), ZipLimits{})),
            "INVALID_ZIP");
  EXPECT_EQ(InspectZip(Path("absent.zip"), ZipLimits{}).status().kind(), Status::Kind::kIOError)
      << "our own file missing is a server fault, not the client's";
}

TEST_F(ZipArchiveTest, RejectsEncryptedEntries) {
  if (!zip_encryption_method_supported(ZIP_EM_AES_256, 1)) GTEST_SKIP() << "libzip built without AES";
  const std::string path = Path("secret.zip");
  const std::string content = "secret";
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  const zip_int64_t index = zip_file_add(archive, "s.raml", zip_source_buffer(archive, content.data(), content.size(), 0), 0);
  ASSERT_EQ(zip_file_set_encryption(archive, static_cast<zip_uint64_t>(index), ZIP_EM_AES_256, "password"), 0);
  ASSERT_EQ(zip_close(archive), 0);
  EXPECT_EQ(CodeOf(InspectZip(path, ZipLimits{})), "INVALID_ZIP_ENTRY");
}

TEST_F(ZipArchiveTest, ReadsEntriesWithinTheLimit) {
  const auto zip = MakeZip("ok.zip", Files{{"api.raml", "#%RAML 1.0"}, {"types/a.raml", "x"}});
  EXPECT_EQ(*ReadZipEntry(zip, "types/a.raml", 1), "x");
  EXPECT_EQ(*ReadZipEntry(zip, "api.raml", 10), "#%RAML 1.0");
  EXPECT_EQ(ReadZipEntry(zip, "api.raml", 9).status().code(), "ZIP_LIMITS_EXCEEDED");
  EXPECT_EQ(ReadZipEntry(zip, "missing.raml", 10).status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(ReadZipEntry(zip, "API.raml", 10).status().kind(), Status::Kind::kNotFound) << "names are case-sensitive";
  EXPECT_EQ(ReadZipEntry(WriteFile("not.zip", "plain"), "api.raml", 10).status().code(), "INVALID_ZIP");
}

TEST_F(ZipArchiveTest, ReadingNeverTrustsTheDeclaredSize) {
  // An entry that declares 16 bytes but inflates to 1 MiB: inspection, which trusts declarations,
  // lets it through; reading stops at the real bytes.
  const auto zip = MakeZip("liar.zip", Files{{"api.raml", std::string(1 << 20, 'z')}});
  const zip_stat_t st = Stat(zip, "api.raml");
  std::string real_size(4, '\0'), small_size(4, '\0');
  const uint32_t real = static_cast<uint32_t>(st.size), small = 16;
  std::memcpy(real_size.data(), &real, 4);  // zip headers are little-endian, like this machine
  std::memcpy(small_size.data(), &small, 4);
  Patch(zip, real_size, small_size);
  auto entries = InspectZip(zip, ZipLimits{});
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->at(0).size, 16u);
  EXPECT_EQ(ReadZipEntry(zip, "api.raml", 1000).status().code(), "ZIP_LIMITS_EXCEEDED");
  EXPECT_EQ(ReadZipEntry(zip, "api.raml", 4 << 20).status().code(), "INVALID_ZIP");
}

TEST_F(ZipArchiveTest, RecognisesZipsByTheirMagicBytes) {
  EXPECT_TRUE(IsZipFile(MakeZip("a.zip", Files{{"a", "b"}})));
  EXPECT_TRUE(IsZipFile(WriteFile("empty-archive.zip", std::string("PK\x05\x06", 4) + std::string(18, '\0'))));
  EXPECT_FALSE(IsZipFile(WriteFile("api.raml", "#%RAML 1.0\n")));
  EXPECT_FALSE(IsZipFile(WriteFile("short", "PK")));
  EXPECT_FALSE(IsZipFile(Path("nothing-here")));
}

}  // namespace
}  // namespace agora::packaging
