#include "packaging/spec_package.h"

#include <set>

#include "packaging/test_zips.h"

namespace agora::packaging {
namespace {

using testing::Files;
using testing::TestEntry;
namespace fs = std::filesystem;

// Text that deflate level 1 compresses noticeably worse than libzip's default level, so an
// entry that kept its level-1 bytes cannot have been recompressed.
std::string Compressible() {
  std::string text;
  for (int i = 0; i < 60000; ++i) text += "line " + std::to_string(i * 7919 % 1000) + "\n";
  return text;
}

std::set<std::string> Names(const Files& files) {
  std::set<std::string> names;
  for (const auto& [name, content] : files) names.insert(name);
  return names;
}

class SpecPackageTest : public testing::ZipTest {
 protected:
  // An uploaded RAML archive: a level-1 main file, a stored entry, a folder, a stale
  // exchange.json and an exchange_modules folder.
  std::string UploadedArchive() {
    return MakeZip("upload.zip", std::vector<TestEntry>{
                                     {"api.raml", Compressible(), ZIP_CM_DEFLATE, 1},
                                     {"examples/", ""},
                                     {"examples/flight.json", "{\"id\": 1}", ZIP_CM_STORE},
                                     {"exchange.json", "{\"main\": \"stale.raml\"}"},
                                     {"exchange_modules/", ""},
                                     {"exchange_modules/org/type/1.0.0/type.raml", "#%RAML 1.0 DataType"},
                                     {"exchange_modules/org/own/1.0.0/own.raml", "#%RAML 1.0 Library"},
                                 });
  }

  // The upload's own exchange_modules/ entries no dependency replaces.
  static constexpr const char* kOwnModule = "exchange_modules/org/own/1.0.0/own.raml";

  // Every entry both archives hold has the same stored bytes, method, CRC and time.
  void ExpectCopiedRaw(const std::string& from, const std::string& to, const std::string& prefix,
                       const std::set<std::string>& names) {
    const Files source = RawEntries(from), copy = RawEntries(to);
    for (const std::string& name : names) {
      SCOPED_TRACE(name);
      ASSERT_EQ(copy.count(prefix + name), 1u);
      EXPECT_EQ(copy.at(prefix + name), source.at(name));
      const zip_stat_t a = Stat(from, name), b = Stat(to, prefix + name);
      EXPECT_EQ(a.comp_method, b.comp_method);
      EXPECT_EQ(a.crc, b.crc);
      EXPECT_EQ(b.mtime, testing::kEntryTime);
    }
  }
};

// A declared dependency's content replaces the upload's copy of it; what no dependency replaces
// stays, because publication validated the spec with it.
TEST_F(SpecPackageTest, RewriteReplacesExchangeJsonAndTheDependenciesCopies) {
  const std::string source = UploadedArchive();
  const std::vector<assets::Coordinates> dependencies = {{"org", "type", "1.0.0"}, {"org", "other", "2.0.0"}};
  ASSERT_TRUE(RewriteSpecArchive(source, Path("out.zip"), "{\"main\": \"api.raml\"}\n", dependencies).ok());
  const Files out = Unzip(Path("out.zip"));
  EXPECT_EQ(Names(out), (std::set<std::string>{"api.raml", "examples/", "examples/flight.json", "exchange.json",
                                               "exchange_modules/", kOwnModule}));
  EXPECT_EQ(out.at("exchange.json"), "{\"main\": \"api.raml\"}\n");
  const Files in = Unzip(source);
  for (const std::string name : {"api.raml", "examples/flight.json", kOwnModule}) EXPECT_EQ(out.at(name), in.at(name)) << name;
}

TEST_F(SpecPackageTest, RewriteKeepsModulesWithoutDeclaredDependencies) {
  ASSERT_TRUE(RewriteSpecArchive(UploadedArchive(), Path("kept.zip"), "{}", {}).ok());
  const Files out = Unzip(Path("kept.zip"));
  EXPECT_EQ(out.at("exchange_modules/org/type/1.0.0/type.raml"), "#%RAML 1.0 DataType");
  EXPECT_EQ(out.count(kOwnModule), 1u);
  EXPECT_EQ(out.count("exchange_modules/"), 1u);
  EXPECT_EQ(out.at("exchange.json"), "{}");
}

TEST_F(SpecPackageTest, RewriteCopiesUntouchedEntriesWithoutRecompressing) {
  const std::string source = UploadedArchive();
  ASSERT_TRUE(RewriteSpecArchive(source, Path("out.zip"), "{}", {}).ok());
  ExpectCopiedRaw(source, Path("out.zip"), "",
                  {"api.raml", "examples/", "examples/flight.json", "exchange_modules/org/type/1.0.0/type.raml"});
  // The check above means something: recompressing would have changed the main file's bytes.
  const std::string recompressed = MakeZip("default.zip", Files{{"api.raml", Compressible()}});
  EXPECT_NE(Stat(recompressed, "api.raml").comp_size, Stat(source, "api.raml").comp_size);
  EXPECT_EQ(Stat(Path("out.zip"), "examples/flight.json").comp_method, ZIP_CM_STORE) << "stored stays stored";
}

TEST_F(SpecPackageTest, FailedRewritesLeaveNoArchive) {
  const std::string dest = Path("never.zip");
  const Status not_zip = RewriteSpecArchive(WriteFile("api.raml", "#%RAML 1.0"), dest, "{}", {}).status();
  EXPECT_EQ(not_zip.code(), "INVALID_ZIP");
  EXPECT_EQ(RewriteSpecArchive(Path("absent.zip"), dest, "{}", {}).status().kind(), Status::Kind::kIOError);
  const Status unsafe = RewriteSpecArchive(MakeZip("slip.zip", Files{{"../evil.raml", "x"}}), dest, "{}", {}).status();
  EXPECT_EQ(unsafe.code(), "INVALID_PACKAGE_ENTRY");
  EXPECT_FALSE(fs::exists(dest));
  const Status unwritable = RewriteSpecArchive(UploadedArchive(), Path("no/such/dir/out.zip"), "{}", {}).status();
  EXPECT_EQ(unwritable.kind(), Status::Kind::kIOError);
  EXPECT_FALSE(fs::exists(Path("no")));
}

TEST_F(SpecPackageTest, FatPackageHoldsEachDependencyOnceUnderExchangeModules) {
  const std::string base = UploadedArchive();
  const std::string types = MakeZip("types.zip", std::vector<TestEntry>{
                                                     {"type.raml", "#%RAML 1.0 DataType", ZIP_CM_DEFLATE, 1},
                                                     {"exchange.json", "{\"main\": \"type.raml\"}"},
                                                     {"examples/", ""},
                                                     {"examples/e.json", "{}", ZIP_CM_STORE},
                                                     {"exchange_modules/n/e/1.0.0/nested.raml", "nested"},
                                                 });
  const std::string trait = WriteFile("trait-blob", "#%RAML 1.0 Trait\n");
  const std::vector<FatDependency> deps = {{{"org", "types", "1.0.1"}, {types, true, ""}},
                                           {{"org", "paging", "2.0.0"}, {trait, false, "paging.raml"}},
                                           {{"org", "type", "1.0.0"}, {trait, false, "type.raml"}}};
  ASSERT_TRUE(BuildFatPackage({base, true, ""}, "{\"fat\": 1}", deps, Path("fat.zip")).ok());
  const Files fat = Unzip(Path("fat.zip"));
  EXPECT_EQ(Names(fat), (std::set<std::string>{
                            "api.raml", "examples/", "examples/flight.json", "exchange.json",
                            "exchange_modules/org/types/1.0.1/type.raml",
                            "exchange_modules/org/types/1.0.1/exchange.json",
                            "exchange_modules/org/types/1.0.1/examples/",
                            "exchange_modules/org/types/1.0.1/examples/e.json",
                            "exchange_modules/org/paging/2.0.0/paging.raml",
                            "exchange_modules/org/type/1.0.0/type.raml",
                            "exchange_modules/", kOwnModule,
                        }))
      << "the base's copy of a dependency is replaced, its other modules kept, a dependency's modules not nested";
  EXPECT_EQ(fat.at("exchange_modules/org/type/1.0.0/type.raml"), "#%RAML 1.0 Trait\n") << "the dependency's content wins";
  EXPECT_EQ(fat.at("exchange.json"), "{\"fat\": 1}");
  EXPECT_EQ(fat.at("exchange_modules/org/paging/2.0.0/paging.raml"), "#%RAML 1.0 Trait\n");
  ExpectCopiedRaw(base, Path("fat.zip"), "", {"api.raml", "examples/flight.json", kOwnModule});
  ExpectCopiedRaw(types, Path("fat.zip"), "exchange_modules/org/types/1.0.1/",
                  {"type.raml", "exchange.json", "examples/e.json"});
}

TEST_F(SpecPackageTest, FatPackageOfASingleSpecFile) {
  const std::string spec = WriteFile("blob", "openapi: 3.0.0\n");
  const std::string dep = MakeZip("dep.zip", Files{{"schema.yaml", "type: object"}});
  ASSERT_TRUE(BuildFatPackage({spec, false, "pets.yaml"}, "{}", {{{"org", "schema", "1.0.0"}, {dep, true, ""}}},
                              Path("fat.zip"))
                  .ok());
  const Files fat = Unzip(Path("fat.zip"));
  EXPECT_EQ(fat, (Files{{"pets.yaml", "openapi: 3.0.0\n"},
                        {"exchange.json", "{}"},
                        {"exchange_modules/org/schema/1.0.0/schema.yaml", "type: object"}}));
}

// What agora compresses itself is deflated fast (level 1), not at libzip's default level 9.
TEST_F(SpecPackageTest, ASingleSpecFileIsDeflatedAtLevelOne) {
  const std::string spec = WriteFile("blob", Compressible());
  ASSERT_TRUE(BuildFatPackage({spec, false, "api.raml"}, "{}", {}, Path("fat.zip")).ok());
  const std::string fast = MakeZip("fast.zip", std::vector<TestEntry>{{"api.raml", Compressible(), ZIP_CM_DEFLATE, 1}});
  const std::string best = MakeZip("best.zip", std::vector<TestEntry>{{"api.raml", Compressible(), ZIP_CM_DEFLATE, 9}});
  ASSERT_NE(Stat(fast, "api.raml").comp_size, Stat(best, "api.raml").comp_size) << "the levels must be told apart";
  EXPECT_EQ(Stat(Path("fat.zip"), "api.raml").comp_method, ZIP_CM_DEFLATE);
  EXPECT_EQ(Stat(Path("fat.zip"), "api.raml").comp_size, Stat(fast, "api.raml").comp_size);
}

// What agora writes itself is a plain file no other user may change (libzip's default is 0666).
TEST_F(SpecPackageTest, GeneratedEntriesHaveMode0644) {
  ASSERT_TRUE(RewriteSpecArchive(UploadedArchive(), Path("out.zip"), "{}", {}).ok());
  EXPECT_EQ(UnixMode(Path("out.zip"), "exchange.json"), 0100644u);
  const std::string spec = WriteFile("blob", "#%RAML 1.0\ntitle: x\n");
  ASSERT_TRUE(BuildFatPackage({spec, false, "api.raml"}, "{}", {}, Path("fat.zip")).ok());
  EXPECT_EQ(UnixMode(Path("fat.zip"), "exchange.json"), 0100644u);
  EXPECT_EQ(UnixMode(Path("fat.zip"), "api.raml"), 0100644u);
}

// A dependency stored before uploads were inspected for links may hold one: its copy is a file.
TEST_F(SpecPackageTest, LinksOfStoredContentAreCopiedAsPlainFiles) {
  const std::string dep = MakeZip("dep.zip", std::vector<TestEntry>{
                                                 {"t.raml", "T", ZIP_CM_DEFAULT, 0, 0100600},
                                                 {"link.json", "/etc/passwd", ZIP_CM_DEFAULT, 0, 0120777}});
  ASSERT_TRUE(BuildFatPackage({dep, true, ""}, "{}", {{{"org", "d", "1.0.0"}, {dep, true, ""}}}, Path("fat.zip")).ok());
  EXPECT_EQ(UnixMode(Path("fat.zip"), "link.json"), 0100644u);
  EXPECT_EQ(UnixMode(Path("fat.zip"), "exchange_modules/org/d/1.0.0/link.json"), 0100644u);
  EXPECT_EQ(UnixMode(Path("fat.zip"), "t.raml"), 0100600u) << "a plain file keeps its mode";
}

TEST_F(SpecPackageTest, FatPackageRefusesUnusableInputsAndLeavesNothing) {
  const std::string base = MakeZip("base.zip", Files{{"api.raml", "#%RAML 1.0"}});
  const std::string dep = MakeZip("dep.zip", Files{{"t.raml", "T"}});
  const std::string dest = Path("fat.zip");
  auto build = [&](const PackageContent& content, const std::vector<FatDependency>& deps) {
    const Status status = BuildFatPackage(content, "{}", deps, dest).status();
    EXPECT_FALSE(fs::exists(dest)) << status.ToString();
    EXPECT_EQ(BuildFatPackage(content, "{}", deps, "").status().code(), status.code()) << "the same, built in memory";
    return status;
  };
  for (const assets::Coordinates& bad : {assets::Coordinates{"org/x", "a", "1.0.0"}, {"org", "..", "1.0.0"},
                                        {"org", "a", ""}, {"org", ".", "1.0.0"}}) {
    EXPECT_EQ(build({base, true, ""}, {{bad, {dep, true, ""}}}).code(), "INVALID_PACKAGE_ENTRY") << bad.ToString();
  }
  const FatDependency once{{"org", "t", "1.0.0"}, {dep, true, ""}};
  EXPECT_EQ(build({base, true, ""}, {once, once}).code(), "INVALID_PACKAGE_ENTRY");
  EXPECT_EQ(build({WriteFile("s", "x"), false, ""}, {}).code(), "INVALID_PACKAGE_ENTRY");
  EXPECT_EQ(build({WriteFile("s", "x"), false, "exchange.json"}, {}).code(), "INVALID_PACKAGE_ENTRY");
  EXPECT_EQ(build({base, true, ""}, {{{"org", "t", "1.0.0"}, {WriteFile("n", "not a zip"), true, ""}}}).code(),
            "INVALID_ZIP");
  EXPECT_EQ(build({base, true, ""}, {{{"org", "t", "1.0.0"}, {Path("absent"), false, "t.raml"}}}).kind(),
            Status::Kind::kIOError);
  EXPECT_TRUE(BuildFatPackage({base, true, ""}, "{}", {once}, dest).ok()) << "the same inputs, used well";
}

// Built in memory (an empty destination), an archive is the one written to a file: the same
// entries with the same stored bytes, and no file is written.
TEST_F(SpecPackageTest, ArchivesBuiltInMemoryHoldWhatTheirFilesHold) {
  const std::string base = UploadedArchive();
  const std::string dep = MakeZip("dep.zip", Files{{"schema.yaml", "type: object"}});
  const std::vector<FatDependency> deps = {{{"org", "schema", "1.0.0"}, {dep, true, ""}}};
  auto rewritten = RewriteSpecArchive(base, "", "{\"main\": \"api.raml\"}", {{"org", "type", "1.0.0"}});
  auto fat = BuildFatPackage({base, true, ""}, "{}", deps, "");
  ASSERT_TRUE(rewritten.ok()) << rewritten.status().ToString();
  ASSERT_TRUE(fat.ok()) << fat.status().ToString();
  ASSERT_TRUE(RewriteSpecArchive(base, Path("rewritten.zip"), "{\"main\": \"api.raml\"}", {{"org", "type", "1.0.0"}}).ok());
  ASSERT_TRUE(BuildFatPackage({base, true, ""}, "{}", deps, Path("fat.zip")).ok());
  const std::string rewritten_copy = WriteFile("rewritten-in-memory.zip", rewritten.value());
  const std::string fat_copy = WriteFile("fat-in-memory.zip", fat.value());
  EXPECT_EQ(RawEntries(rewritten_copy), RawEntries(Path("rewritten.zip")));
  EXPECT_EQ(RawEntries(fat_copy), RawEntries(Path("fat.zip")));
  EXPECT_EQ(Unzip(fat_copy).at("exchange_modules/org/schema/1.0.0/schema.yaml"), "type: object");
  EXPECT_EQ(Unzip(rewritten_copy).at("exchange.json"), "{\"main\": \"api.raml\"}");
  EXPECT_EQ(Names(Unzip(rewritten_copy)), (std::set<std::string>{"api.raml", "examples/", "examples/flight.json",
                                                                  "exchange.json", "exchange_modules/", kOwnModule}));
  EXPECT_EQ(RewriteSpecArchive(Path("absent.zip"), "", "{}", {}).status().kind(), Status::Kind::kIOError);
  EXPECT_EQ(RewriteSpecArchive(WriteFile("api.raml", "#%RAML 1.0"), "", "{}", {}).status().code(), "INVALID_ZIP");
}

}  // namespace
}  // namespace agora::packaging
