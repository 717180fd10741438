#include "maven/metadata_xml.h"

#include <gtest/gtest.h>

namespace agora::maven {
namespace {

constexpr int64_t kMillis = 1704164645123;  // 2024-01-02T03:04:05.123Z

TEST(MetadataXmlTest, ArtifactMetadataListsVersionsInVersionOrder) {
  const std::string xml = WriteArtifactMetadata(
      {"com.acme", "orders", {"1.10.0", "1.2.0", "2.0.0-SNAPSHOT", "1.2.0", "1.9.0-rc.1"}, kMillis});
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<metadata modelVersion=\"1.1.0\">\n"
            "  <groupId>com.acme</groupId>\n"
            "  <artifactId>orders</artifactId>\n"
            "  <versioning>\n"
            "    <latest>2.0.0-SNAPSHOT</latest>\n"
            "    <release>1.10.0</release>\n"
            "    <versions>\n"
            "      <version>1.2.0</version>\n"
            "      <version>1.9.0-rc.1</version>\n"
            "      <version>1.10.0</version>\n"
            "      <version>2.0.0-SNAPSHOT</version>\n"
            "    </versions>\n"
            "    <lastUpdated>20240102030405</lastUpdated>\n"
            "  </versioning>\n"
            "</metadata>\n");
  EXPECT_EQ(xml, WriteArtifactMetadata({"com.acme", "orders", {"2.0.0-SNAPSHOT", "1.9.0-rc.1", "1.2.0", "1.10.0"}, kMillis}))
      << "the same records give the same bytes, so checksums fetched later match";
  const std::string only_snapshots = WriteArtifactMetadata({"g", "a", {"1.0.0-SNAPSHOT"}, kMillis});
  EXPECT_EQ(only_snapshots.find("<release>"), std::string::npos);
  EXPECT_NE(only_snapshots.find("<latest>1.0.0-SNAPSHOT</latest>"), std::string::npos);
}

TEST(MetadataXmlTest, SnapshotMetadataNamesTheCurrentBuildOfEachFile) {
  const std::string xml = WriteSnapshotMetadata(
      {"g", "a", "1.1.0-SNAPSHOT", "20240102.030405", 7, kMillis, {{"", "jar"}, {"mule-plugin", "jar"}, {"", "pom"}}});
  EXPECT_NE(xml.find("<version>1.1.0-SNAPSHOT</version>"), std::string::npos);
  EXPECT_NE(xml.find("<snapshot>\n      <timestamp>20240102.030405</timestamp>\n      <buildNumber>7</buildNumber>"),
            std::string::npos);
  EXPECT_NE(xml.find("<snapshotVersion>\n        <classifier>mule-plugin</classifier>\n        <extension>jar</extension>\n"
                     "        <value>1.1.0-20240102.030405-7</value>\n        <updated>20240102030405</updated>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<extension>pom</extension>"), std::string::npos);
  EXPECT_EQ(SnapshotTimestamp(kMillis), "20240102.030405");
  EXPECT_EQ(LastUpdatedStamp(kMillis), "20240102030405");
}

TEST(MetadataXmlTest, ReadsTheHintsOfWhatMavenUploads) {
  const ClientMetadata release = *ReadClientMetadata(R"(<?xml version="1.0" encoding="UTF-8"?>
<metadata><groupId>g</groupId><artifactId>a</artifactId><versioning><latest>1.1.0</latest><release>1.1.0</release>
<versions><version>1.0.0</version><version>1.1.0</version></versions><lastUpdated>20240102030405</lastUpdated></versioning></metadata>)");
  EXPECT_EQ(release.versions, (std::vector<std::string>{"1.0.0", "1.1.0", "1.1.0", "1.1.0"}));
  EXPECT_TRUE(release.snapshot_timestamp.empty());

  const ClientMetadata snapshot = *ReadClientMetadata(R"(<metadata modelVersion="1.1.0"><version>1.1.0-SNAPSHOT</version>
<versioning><snapshot><timestamp>20240102.030405</timestamp><buildNumber>4</buildNumber></snapshot></versioning></metadata>)");
  EXPECT_EQ(snapshot.snapshot_timestamp, "20240102.030405");
  EXPECT_EQ(snapshot.snapshot_build_number, 4u);

  for (const char* malformed : {"", "not xml", "<metadata><versioning>", "<project/>"})
    EXPECT_FALSE(ReadClientMetadata(malformed)) << malformed;
  // An entity is never expanded: a hostile upload can read no file.
  auto hostile = ReadClientMetadata("<!DOCTYPE m [<!ENTITY x SYSTEM \"/etc/passwd\">]><metadata><versioning>"
                                    "<release>&x;</release></versioning></metadata>");
  ASSERT_TRUE(hostile);
  EXPECT_EQ(hostile->versions, std::vector<std::string>{"&x;"});
}

}  // namespace
}  // namespace agora::maven
