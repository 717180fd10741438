#include <gtest/gtest.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "common/ids.h"
#include "packaging/exchange_json.h"
#include "packaging/pom.h"
#include "packaging/spec_package.h"
#include "packaging/zip_archive.h"

namespace agora::packaging {
namespace {

namespace fs = std::filesystem;
using Files = std::map<std::string, std::string>;

class PackagingTest : public ::testing::Test {
 protected:
  PackagingTest() : dir_(fs::temp_directory_path() / ("agora-packaging-" + NewUuid())) { fs::create_directories(dir_); }
  ~PackagingTest() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::string MakeZip(const std::string& name, const Files& files) {
    const std::string path = Path(name);
    int error = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    for (const auto& [entry, content] : files) {
      zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
      zip_file_add(archive, entry.c_str(), source, ZIP_FL_ENC_UTF_8);
    }
    EXPECT_EQ(zip_close(archive), 0);
    return path;
  }

  Files Read(const std::string& path) {
    Files files;
    auto entries = InspectZip(path, ZipLimits{});
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    for (const auto& e : *entries) files[e.name] = *ReadZipEntry(path, e.name, 1 << 24);
    return files;
  }

  // The compressed size libzip recorded for an entry.
  static uint64_t CompressedSize(const std::string& path, const std::string& name) {
    int error = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &error);
    zip_stat_t st;
    zip_stat(archive, name.c_str(), 0, &st);
    zip_discard(archive);
    return st.comp_size;
  }

  fs::path dir_;
};

TEST_F(PackagingTest, InspectsSafeArchives) {
  const auto zip = MakeZip("ok.zip", {{"api.raml", "#%RAML 1.0"}, {"types/a.raml", "x"}});
  auto entries = InspectZip(zip, ZipLimits{});
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->size(), 2u);
  EXPECT_TRUE(IsZipFile(zip));
  EXPECT_EQ(*ReadZipEntry(zip, "types/a.raml", 10), "x");
  EXPECT_EQ(ReadZipEntry(zip, "missing", 10).status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(ReadZipEntry(zip, "api.raml", 3).status().code(), "ZIP_LIMITS_EXCEEDED");
}

TEST_F(PackagingTest, RejectsZipSlipAndAbsoluteNames) {
  for (const std::string name : {"../evil.txt", "a/../../evil", "/etc/passwd", "c:/windows", "a\\b"}) {
    const auto zip = MakeZip("slip.zip", {{name, "x"}});
    EXPECT_EQ(InspectZip(zip, ZipLimits{}).status().code(), "INVALID_ZIP_ENTRY") << name;
  }
  EXPECT_TRUE(IsSafeEntryName("a/..b/c"));
}

TEST_F(PackagingTest, RejectsBombsAndCorruption) {
  const auto bomb = MakeZip("bomb.zip", {{"zeros", std::string(8 << 20, '\0')}});
  EXPECT_EQ(InspectZip(bomb, ZipLimits{}).status().code(), "ZIP_LIMITS_EXCEEDED");
  ZipLimits small;
  small.max_entries = 2;
  EXPECT_EQ(InspectZip(MakeZip("many.zip", {{"a", "1"}, {"b", "2"}, {"c", "3"}}), small).status().code(),
            "ZIP_LIMITS_EXCEEDED");
  small.max_entries = 100;
  small.max_total_uncompressed = 10;
  EXPECT_EQ(InspectZip(MakeZip("big.zip", {{"a", std::string(11, 'a')}}), small).status().code(), "ZIP_LIMITS_EXCEEDED");
  { std::ofstream(Path("corrupt.zip")) << "PK\x03\x04 definitely not a zip"; }
  EXPECT_EQ(InspectZip(Path("corrupt.zip"), ZipLimits{}).status().code(), "INVALID_ZIP");
  EXPECT_FALSE(IsZipFile(Path("nothing-here")));
}

TEST_F(PackagingTest, RewriteReplacesExchangeJsonStripsModulesAndKeepsEntriesRaw) {
  const std::string big(200000, 'r');
  const auto source = MakeZip("src.zip", {{"api.raml", big}, {"exchange.json", "old"}, {"exchange_modules/g/a/1.0.0/x.raml", "dep"}});
  ASSERT_TRUE(RewriteSpecArchive(source, Path("out.zip"), "{\"main\":\"api.raml\"}", true).ok());
  const Files out = Read(Path("out.zip"));
  EXPECT_EQ(out.at("exchange.json"), "{\"main\":\"api.raml\"}");
  EXPECT_EQ(out.at("api.raml"), big);
  EXPECT_EQ(out.count("exchange_modules/g/a/1.0.0/x.raml"), 0u);
  EXPECT_EQ(CompressedSize(Path("out.zip"), "api.raml"), CompressedSize(source, "api.raml"));
  ASSERT_TRUE(RewriteSpecArchive(source, Path("kept.zip"), "{}", false).ok());
  EXPECT_EQ(Read(Path("kept.zip")).count("exchange_modules/g/a/1.0.0/x.raml"), 1u);
  EXPECT_FALSE(RewriteSpecArchive(Path("absent.zip"), Path("never.zip"), "{}", false).ok());
  EXPECT_FALSE(fs::exists(Path("never.zip"))) << "a failed rewrite leaves no partial archive";
}

TEST_F(PackagingTest, FatPackageHoldsEveryDependencyUnderExchangeModules) {
  const auto base = MakeZip("base.zip", {{"api.raml", "#%RAML 1.0"}, {"exchange_modules/stale/x", "old"}});
  const auto dep_zip = MakeZip("dep.zip", {{"type.raml", "T"}, {"exchange.json", "{}"}, {"exchange_modules/n/e/1.0.0/z", "nested"}});
  { std::ofstream(Path("single.raml")) << "#%RAML 1.0 Trait"; }
  const std::vector<FatDependency> deps = {{{"org", "types", "1.0.1"}, {dep_zip, true, ""}},
                                           {{"org", "trait", "2.0.0"}, {Path("single.raml"), false, "paged.raml"}}};
  ASSERT_TRUE(BuildFatPackage({base, true, ""}, "{\"fat\":1}", deps, Path("fat.zip")).ok());
  const Files fat = Read(Path("fat.zip"));
  EXPECT_EQ(fat.at("api.raml"), "#%RAML 1.0");
  EXPECT_EQ(fat.at("exchange.json"), "{\"fat\":1}");
  EXPECT_EQ(fat.at("exchange_modules/org/types/1.0.1/type.raml"), "T");
  EXPECT_EQ(fat.count("exchange_modules/org/types/1.0.1/exchange.json"), 1u);
  EXPECT_EQ(fat.at("exchange_modules/org/trait/2.0.0/paged.raml"), "#%RAML 1.0 Trait");
  EXPECT_EQ(fat.count("exchange_modules/stale/x"), 0u);
  EXPECT_EQ(fat.count("exchange_modules/org/types/1.0.1/exchange_modules/n/e/1.0.0/z"), 0u);

  { std::ofstream(Path("api.yaml")) << "openapi: 3.0.0"; }
  ASSERT_TRUE(BuildFatPackage({Path("api.yaml"), false, "api.yaml"}, "{}", {}, Path("fat2.zip")).ok());
  const Files single = Read(Path("fat2.zip"));
  EXPECT_EQ(single.at("api.yaml"), "openapi: 3.0.0");
  EXPECT_EQ(single.size(), 2u);
}

TEST(ExchangeJsonTest, KeysInExchangeOrder) {
  ExchangeDescriptor d;
  d.main = "api.raml";
  d.name = "API";
  d.classifier = "raml";
  d.tags = {"t"};
  d.group_id = "g";
  d.asset_id = "a";
  d.version = "1.0.0";
  d.api_version = "v1";
  d.dependencies = {{"g", "d", "1.0.0"}};
  d.organization_id = "o";
  d.original_format = "raml";
  d.original_format_version = "1.0";
  EXPECT_EQ(ToExchangeJson(d),
            "{\"main\":\"api.raml\",\"name\":\"API\",\"classifier\":\"raml\",\"tags\":[\"t\"],\"groupId\":\"g\","
            "\"assetId\":\"a\",\"version\":\"1.0.0\",\"apiVersion\":\"v1\",\"dependencies\":[{\"groupId\":\"g\","
            "\"assetId\":\"d\",\"version\":\"1.0.0\"}],\"organizationId\":\"o\",\"originalFormat\":\"raml\","
            "\"originalFormatVersion\":\"1.0\"}");
}

TEST(PomTest, ReadsTheSeedPagePom) {
  const char* xml = R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org-id</groupId><artifactId>my-api</artifactId><version>1.0.0</version>
  <name>The asset name</name><description>The asset description</description>
  <properties><keywords>these, are, keywords</keywords><mainFile>api.raml</mainFile></properties>
  <dependencies><dependency><groupId>dg</groupId><artifactId>da</artifactId><version>1.0.1</version>
  <classifier>raml-fragment</classifier><type>zip</type></dependency></dependencies>
</project>)";
  auto pom = ParsePom(xml);
  ASSERT_TRUE(pom.ok()) << pom.status().ToString();
  EXPECT_EQ(pom->group_id, "org-id");
  EXPECT_EQ(pom->name, "The asset name");
  ASSERT_EQ(pom->properties.size(), 2u);
  EXPECT_EQ(pom->properties[0].key, "keywords");
  EXPECT_EQ(pom->properties[1].value, "api.raml");
  ASSERT_EQ(pom->dependencies.size(), 1u);
  EXPECT_EQ(pom->dependencies[0].classifier, "raml-fragment");
  auto inherited = ParsePom("<project><parent><groupId>pg</groupId><version>2.0.0</version></parent>"
                            "<artifactId>child</artifactId></project>");
  ASSERT_TRUE(inherited.ok());
  EXPECT_EQ(inherited->group_id, "pg");
  EXPECT_EQ(inherited->version, "2.0.0");
}

TEST(PomTest, RejectsMalformedAndHostilePoms) {
  for (const char* bad : {"", "<project>", "<notaproject/>", "<project><groupId>g</groupId></project>",
                          "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">]><project/>",
                          "<!DOCTYPE project SYSTEM \"file:///etc/passwd\"><project/>"}) {
    EXPECT_EQ(ParsePom(bad).status().code(), "INVALID_POM") << bad;
  }
  EXPECT_EQ(ParsePom(std::string(kMaxPomBytes + 1, ' ')).status().code(), "INVALID_POM");
}

TEST(PomTest, GeneratedPomRoundTrips) {
  assets::AssetVersion v;
  v.coordinates = {"g", "a&b", "1.0.0"};
  v.name = "<Name> & \"quotes\"";
  v.description = "d";
  v.type = "rest-api";
  v.keywords = {"k1", "k2"};
  v.properties = {{"apiVersion", "v1"}, {"mainFile", "api.raml"}, {"bad key", "skipped"}};
  v.dependencies = {{"g", "dep", "2.0.0"}};
  auto pom = ParsePom(GeneratePom(v));
  ASSERT_TRUE(pom.ok()) << pom.status().ToString();
  EXPECT_EQ(pom->artifact_id, "a&b");
  EXPECT_EQ(pom->name, v.name);
  EXPECT_EQ(pom->dependencies.at(0).artifact_id, "dep");
  std::map<std::string, std::string> props;
  for (const auto& p : pom->properties) props[p.key] = p.value;
  EXPECT_EQ(props["type"], "rest-api");
  EXPECT_EQ(props["apiVersion"], "v1");
  EXPECT_EQ(props["keywords"], "k1, k2");
  EXPECT_EQ(props.count("bad key"), 0u);
}

}  // namespace
}  // namespace agora::packaging
