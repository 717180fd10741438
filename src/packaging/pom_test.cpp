#include "packaging/pom.h"

#include <gtest/gtest.h>

namespace agora::packaging {
namespace {

// The POM of the seed page's "Upload an Asset with Properties in a POM File", as printed there.
constexpr const char* kSeedPom = R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/maven-v4_0_0.xsd">
<modelVersion>4.0.0</modelVersion>
<groupId>YOUR_GROUP_ID</groupId>
<artifactId>YOUR_ASSET_ID</artifactId>
<version>YOUR_VERSION</version>
<name>The asset name</name>
<description>The asset description</description>
<properties>
<keywords>these, are, keywords, to, be, indexed</keywords>
<mainFile>api.raml</mainFile>
</properties>
<dependencies>
<dependency>
<groupId>DEPENDENCY_GROUP_ID</groupId>
<artifactId>DEPENDENCY_ASSET_ID</artifactId>
<version>DEPENDENCY_VERSION</version>
</dependency>
</dependencies>
</project>
)";

std::string CodeOf(std::string_view xml) { return ParsePom(xml).status().code(); }

TEST(PomTest, ReadsTheSeedPagePom) {
  auto pom = ParsePom(kSeedPom);
  ASSERT_TRUE(pom.ok()) << pom.status().ToString();
  EXPECT_EQ(pom->group_id, "YOUR_GROUP_ID");
  EXPECT_EQ(pom->artifact_id, "YOUR_ASSET_ID");
  EXPECT_EQ(pom->version, "YOUR_VERSION");
  EXPECT_EQ(pom->name, "The asset name");
  EXPECT_EQ(pom->description, "The asset description");
  EXPECT_EQ(pom->packaging, "");
  ASSERT_EQ(pom->properties.size(), 2u);
  EXPECT_EQ(pom->properties[0].key, "keywords");
  EXPECT_EQ(pom->properties[0].value, "these, are, keywords, to, be, indexed");
  EXPECT_EQ(pom->properties[1].key, "mainFile");
  EXPECT_EQ(pom->properties[1].value, "api.raml");
  ASSERT_EQ(pom->dependencies.size(), 1u);
  EXPECT_EQ(pom->dependencies[0].group_id, "DEPENDENCY_GROUP_ID");
  EXPECT_EQ(pom->dependencies[0].artifact_id, "DEPENDENCY_ASSET_ID");
  EXPECT_EQ(pom->dependencies[0].version, "DEPENDENCY_VERSION");
}

TEST(PomTest, ReadsTheSeedPagesConnectorPomWithoutProperties) {
  auto pom = ParsePom(R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>:groupId</groupId><artifactId>:assetId</artifactId><version>:version</version>
<name>connector name</name><description>connector description</description></project>)");
  ASSERT_TRUE(pom.ok()) << pom.status().ToString();
  EXPECT_EQ(pom->name, "connector name");
  EXPECT_TRUE(pom->properties.empty());
  EXPECT_TRUE(pom->dependencies.empty());
}

TEST(PomTest, KeepsPropertiesInOrderAndReadsDependencyDetails) {
  auto pom = ParsePom(R"(<project>
  <groupId> g </groupId><artifactId>a</artifactId><version>1.0.0</version><packaging>mule-application</packaging>
  <properties>
    <type>rest-api</type>
    <!-- a comment between properties -->
    <apiVersion>v<!-- split -->2</apiVersion>
    <tags><![CDATA[<a>, b]]></tags>
    <empty/>
    <mainFile>api.raml</mainFile>
  </properties>
  <dependencies>
    <dependency><groupId>dg</groupId><artifactId>da</artifactId><version>1.0.1</version>
      <classifier>raml-fragment</classifier><type>zip</type></dependency>
    <dependency><groupId>dg</groupId><artifactId>db</artifactId><version>2.0.0</version></dependency>
  </dependencies>
</project>)");
  ASSERT_TRUE(pom.ok()) << pom.status().ToString();
  EXPECT_EQ(pom->group_id, "g") << "values are trimmed";
  EXPECT_EQ(pom->packaging, "mule-application");
  std::vector<std::pair<std::string, std::string>> properties;
  for (const auto& p : pom->properties) properties.emplace_back(p.key, p.value);
  EXPECT_EQ(properties, (std::vector<std::pair<std::string, std::string>>{
                            {"type", "rest-api"}, {"apiVersion", "v2"}, {"tags", "<a>, b"}, {"empty", ""},
                            {"mainFile", "api.raml"}}));
  ASSERT_EQ(pom->dependencies.size(), 2u);
  EXPECT_EQ(pom->dependencies[0].classifier, "raml-fragment");
  EXPECT_EQ(pom->dependencies[0].type, "zip");
  EXPECT_EQ(pom->dependencies[1].artifact_id, "db");
  EXPECT_EQ(pom->dependencies[1].classifier, "");
}

TEST(PomTest, InheritsGroupIdAndVersionFromTheParent) {
  auto inherited = ParsePom("<project><parent><groupId>pg</groupId><artifactId>parent</artifactId>"
                            "<version>2.0.0</version></parent><artifactId>child</artifactId></project>");
  ASSERT_TRUE(inherited.ok()) << inherited.status().ToString();
  EXPECT_EQ(inherited->group_id, "pg");
  EXPECT_EQ(inherited->artifact_id, "child");
  EXPECT_EQ(inherited->version, "2.0.0");
  auto own = ParsePom("<project><parent><groupId>pg</groupId><version>2.0.0</version></parent>"
                      "<groupId>g</groupId><artifactId>a</artifactId><version>1.0.0</version></project>");
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->group_id, "g");
  EXPECT_EQ(own->version, "1.0.0");
  EXPECT_EQ(CodeOf("<project><parent><artifactId>p</artifactId></parent><artifactId>a</artifactId></project>"),
            "INVALID_POM") << "the parent's artifactId is not the asset's";
}

TEST(PomTest, RejectsMalformedPomsSayingWhere) {
  for (const char* bad : {"", "   ", "<project>", "<project><groupId>g</project>", "<notaproject/>",
                          "<project/><project/>", "just text"}) {
    const auto result = ParsePom(bad);
    EXPECT_EQ(result.status().code(), "INVALID_POM") << bad;
    EXPECT_EQ(result.status().http_status(), 400);
  }
  const auto result = ParsePom("<project>\n  <groupId>g</groupId>\n  <version>1</wrong>\n</project>");
  EXPECT_NE(result.status().message().find("line 3"), std::string::npos) << result.status().message();
}

TEST(PomTest, NamesTheMissingCoordinates) {
  const auto result = ParsePom("<project><groupId>g</groupId></project>");
  EXPECT_EQ(result.status().code(), "INVALID_POM");
  EXPECT_NE(result.status().message().find("artifactId, version"), std::string::npos) << result.status().message();
  EXPECT_EQ(CodeOf("<project><groupId>g</groupId><artifactId>a</artifactId><version>  </version></project>"),
            "INVALID_POM");
}

TEST(PomTest, RejectsEveryDoctype) {
  const char* billion_laughs = R"(<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<project><groupId>&lol3;</groupId><artifactId>a</artifactId><version>1</version></project>)";
  const char* xxe = R"(<?xml version="1.0"?><!DOCTYPE project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<project><groupId>&xxe;</groupId><artifactId>a</artifactId><version>1</version></project>)";
  const char* external = R"(<!DOCTYPE project SYSTEM "http://example.com/evil.dtd">
<project><groupId>g</groupId><artifactId>a</artifactId><version>1</version></project>)";
  for (const char* hostile : {billion_laughs, xxe, external}) {
    const auto result = ParsePom(hostile);
    EXPECT_EQ(result.status().code(), "INVALID_POM") << hostile;
    EXPECT_NE(result.status().message().find("DOCTYPE"), std::string::npos) << result.status().message();
  }
  // The word alone is harmless text.
  EXPECT_TRUE(ParsePom("<project><groupId>g</groupId><artifactId>a</artifactId><version>1</version>"
                       "<description><![CDATA[<!DOCTYPE x>]]></description></project>").ok());
}

TEST(PomTest, LimitsSizeAndDepth) {
  const std::string valid = "<project><groupId>g</groupId><artifactId>a</artifactId><version>1</version></project>";
  EXPECT_TRUE(ParsePom(valid + std::string(kMaxPomBytes - valid.size(), ' ')).ok());
  EXPECT_EQ(CodeOf(valid + std::string(kMaxPomBytes - valid.size() + 1, ' ')), "INVALID_POM");
  auto nested = [&](int depth) {
    std::string open, close;
    for (int i = 0; i < depth; ++i) open += "<x>", close += "</x>";
    return "<project><groupId>g</groupId><artifactId>a</artifactId><version>1</version>" + open + close + "</project>";
  };
  EXPECT_TRUE(ParsePom(nested(kMaxPomDepth - 2)).ok());
  EXPECT_EQ(CodeOf(nested(kMaxPomDepth)), "INVALID_POM");
  EXPECT_EQ(CodeOf(nested(100000)), "INVALID_POM");
}

assets::AssetVersion TrickyVersion() {
  assets::AssetVersion v;
  v.coordinates = {"org-id", "a&b", "1.0.0-rc.1"};
  v.name = "<Name> & \"quotes\" 'apostrophes' \xC3\xA9t\xC3\xA9";
  v.description = "line one\nline two\ttabbed";
  v.type = "rest-api";
  v.keywords = {"k1", "k2"};
  v.tags = {"t<1>"};
  v.contact_name = "Ada";
  v.contact_email = "ada@example.com";
  v.properties = {{"mainFile", "api.raml"}, {"custom.key", "x]]>y"}, {"apiVersion", "v1"},
                  {"bad key", "left out"}, {"1digit", "left out"}, {"type", "duplicate left out"}};
  v.dependencies = {{"org-id", "dep", "2.0.0"}, {"org-id", "other", "1.0.0"}};
  assets::AssetFile pom, spec;
  pom.packaging = "pom";
  pom.is_generated = true;
  spec.classifier = "raml";
  spec.packaging = "zip";
  v.files = {pom, spec};
  return v;
}

TEST(PomTest, GeneratedPomRoundTrips) {
  const assets::AssetVersion v = TrickyVersion();
  const std::string xml = GeneratePom(v);
  auto pom = ParsePom(xml);
  ASSERT_TRUE(pom.ok()) << pom.status().ToString() << "\n" << xml;
  EXPECT_EQ(pom->group_id, "org-id");
  EXPECT_EQ(pom->artifact_id, "a&b");
  EXPECT_EQ(pom->version, "1.0.0-rc.1");
  EXPECT_EQ(pom->name, v.name);
  EXPECT_EQ(pom->description, v.description);
  EXPECT_EQ(pom->packaging, "zip") << "the packaging of the first uploaded file";
  std::vector<std::pair<std::string, std::string>> properties;
  for (const auto& p : pom->properties) properties.emplace_back(p.key, p.value);
  EXPECT_EQ(properties, (std::vector<std::pair<std::string, std::string>>{
                            {"type", "rest-api"}, {"apiVersion", "v1"}, {"mainFile", "api.raml"},
                            {"keywords", "k1, k2"}, {"tags", "t<1>"}, {"contactName", "Ada"},
                            {"contactEmail", "ada@example.com"}, {"custom.key", "x]]>y"}}));
  ASSERT_EQ(pom->dependencies.size(), 2u);
  EXPECT_EQ(pom->dependencies[0].artifact_id, "dep");
  EXPECT_EQ(pom->dependencies[1].version, "1.0.0");
  EXPECT_NE(xml.find("<modelVersion>4.0.0</modelVersion>"), std::string::npos);
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<project", 0), 0u) << xml;
}

TEST(PomTest, GeneratedPomTypesTheDependenciesItIsTold) {
  const assets::AssetVersion v = TrickyVersion();
  const auto& d = v.dependencies[0];
  auto pom = ParsePom(GeneratePom(v, {{d.group_id, d.asset_id, d.version, "raml-fragment", "zip"},
                                      {d.group_id, d.asset_id, "9.9.9", "other", "jar"}}));
  ASSERT_TRUE(pom.ok());
  ASSERT_EQ(pom->dependencies.size(), 2u);
  EXPECT_EQ(pom->dependencies[0].classifier, "raml-fragment") << "so Maven resolves the fragment's zip";
  EXPECT_EQ(pom->dependencies[0].type, "zip");
  EXPECT_EQ(pom->dependencies[1].classifier, "");
  EXPECT_EQ(pom->dependencies[1].type, "");
}

TEST(PomTest, GeneratedPomDropsWhatXmlCannotCarry) {
  assets::AssetVersion v;
  v.coordinates = {"g", "a", "1.0.0"};
  v.name = std::string("bell\x07 nul\0 end", 14);
  v.description = "windows\r\nline\rends";
  auto pom = ParsePom(GeneratePom(v));
  ASSERT_TRUE(pom.ok()) << pom.status().ToString();
  EXPECT_EQ(pom->name, "bell nul end");
  EXPECT_EQ(pom->description, "windows\nline\nends");
  EXPECT_EQ(pom->packaging, "");
  EXPECT_TRUE(pom->properties.empty()) << "empty properties are not written";
  EXPECT_TRUE(pom->dependencies.empty());
}

TEST(PomTest, ExchangeCategoriesAndFieldsAreKeptApartFromProperties) {
  auto pom = ParsePom(R"(<project><groupId>g</groupId><artifactId>a</artifactId><version>1.0.0</version>
  <parent><groupId>pg</groupId><artifactId>pa</artifactId><version>2.0.0</version></parent>
  <properties>
    <tags>x, y</tags>
    <categories key="Department"> Finance, Sales </categories>
    <fields key=" sla ">gold</fields>
    <categories>no key: an ordinary property</categories>
  </properties></project>)");
  ASSERT_TRUE(pom.ok()) << pom.status().ToString();
  ASSERT_EQ(pom->categories.size(), 1u);
  EXPECT_EQ(pom->categories[0].key, "Department");
  EXPECT_EQ(pom->categories[0].value, "Finance, Sales");
  ASSERT_EQ(pom->fields.size(), 1u);
  EXPECT_EQ(pom->fields[0].key, "sla");
  EXPECT_EQ(pom->fields[0].value, "gold");
  ASSERT_EQ(pom->properties.size(), 2u);
  EXPECT_EQ(pom->properties[1].key, "categories");
  EXPECT_EQ(pom->parent.group_id, "pg");
  EXPECT_EQ(pom->parent.artifact_id, "pa");
  EXPECT_EQ(pom->parent.version, "2.0.0");
}

// A Mule project's pom.xml as `mvn deploy` uploads it: CI-friendly ${revision}, names built from
// other properties.
TEST(PomTest, InterpolatesPropertiesAsMavenWould) {
  auto pom = ParsePom(R"(<project><groupId>${org.id}</groupId><artifactId>orders-api</artifactId>
  <version>${revision}</version><packaging>mule-application</packaging>
  <name>${project.artifactId} (${app.kind})</name>
  <description>Version ${project.version} of ${pom.artifactId}, built by ${env.USER}; parent ${project.parent.version}</description>
  <parent><groupId>pg</groupId><artifactId>pa</artifactId><version>3.1.0</version></parent>
  <properties>
    <org.id>acme</org.id>
    <revision>1.0.0-SNAPSHOT</revision>
    <app.kind>${kind.base} app</app.kind>
    <kind.base>Mule</kind.base>
    <loop.a>${loop.b}</loop.a>
    <loop.b>${loop.a}</loop.b>
    <tags>${app.kind}, ${from.parent}</tags>
    <categories key="Line">${org.id}</categories>
  </properties>
  <dependencies><dependency><groupId>${project.groupId}</groupId><artifactId>lib</artifactId><version>${project.version}</version></dependency></dependencies>
  </project>)");
  ASSERT_TRUE(pom.ok()) << pom.status().ToString();
  InterpolatePom(*pom, {{"project.version", "1.2.0"}, {"revision", "1.2.0"}}, {{"from.parent", "inherited"}, {"org.id", "ignored"}});
  EXPECT_EQ(pom->group_id, "acme");
  EXPECT_EQ(pom->version, "1.2.0") << "what the caller knows beats the POM's default";
  EXPECT_EQ(pom->name, "orders-api (Mule app)");
  EXPECT_EQ(pom->description, "Version 1.2.0 of orders-api, built by ${env.USER}; parent 3.1.0");
  EXPECT_EQ(pom->properties[4].value, "${loop.b}") << "a cycle is left as written";
  EXPECT_EQ(pom->properties[6].value, "Mule app, inherited");
  EXPECT_EQ(pom->categories[0].value, "acme");
  EXPECT_EQ(pom->dependencies[0].group_id, "acme");
  EXPECT_EQ(pom->dependencies[0].version, "1.2.0");
}

TEST(PomTest, InterpolationLeavesUnclosedAndUnknownReferences) {
  auto pom = ParsePom(R"(<project><groupId>g</groupId><artifactId>a</artifactId><version>1</version>
  <name>${unclosed</name><description>${} and ${x}${</description></project>)");
  ASSERT_TRUE(pom.ok());
  InterpolatePom(*pom, {});
  EXPECT_EQ(pom->name, "${unclosed");
  EXPECT_EQ(pom->description, "${} and ${x}${");
}

}  // namespace
}  // namespace agora::packaging
