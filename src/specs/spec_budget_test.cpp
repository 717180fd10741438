// The readers' cost bounds: a reading's memory and CPU time stay within ReadOptions whatever the
// archive (alias bombs, floods of nodes or elements, huge uploads), each limit reported as a
// problem where it was crossed; and format detection costs no memory.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "specs/spec_format.h"
#include "specs/spec_reader.h"
#include "specs/yaml_document.h"

namespace agora::specs {
namespace {

std::string Problems(const SpecReport& report) {
  std::string all;
  for (const auto& problem : report.problems) all += problem.ToString() + "\n";
  return all;
}

std::string BillionLaughs() {
  std::string bomb = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= 9; ++i) {
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) bomb += std::string(j ? ", " : "") + "*a" + std::to_string(i - 1);
    bomb += "]\n";
  }
  return bomb;
}

TEST(YamlBudgetTest, AnAliasBombIsRefusedAfterAFewThousandNodes) {
  const ParsedYaml parsed = ParseYaml(BillionLaughs());
  ASSERT_TRUE(parsed.error);
  EXPECT_EQ(parsed.error->kind, YamlError::Kind::kAliases);
  EXPECT_EQ(parsed.error->message, "aliases expand to more than 10 times the document's own nodes (an alias bomb?)");
  EXPECT_EQ(parsed.error->line, 4u) << "refused at the fourth level, of nine";
  EXPECT_LT(parsed.bytes, 4u << 20);
}

TEST(YamlBudgetTest, ModestAliasesAreExpanded) {
  std::string doc = "base: &base {type: object, properties: {a: {type: string}, b: {type: integer}}}\n";
  for (int i = 0; i < 500; ++i) doc += "s" + std::to_string(i) + ": *base\n";
  const ParsedYaml parsed = ParseYaml(doc);
  ASSERT_FALSE(parsed.error) << parsed.error->message;
  EXPECT_EQ(parsed.root.pairs.size(), 501u);
  EXPECT_EQ(parsed.root.pairs.back().value.Find("properties")->pairs.size(), 2u);
}

TEST(YamlBudgetTest, MemoryIsCountedAsTheTreeGrows) {
  std::string flood = "x: [";
  for (int i = 0; i < 200000; ++i) flood += "0,";
  flood += "0]\n";
  YamlLimits limits;
  limits.max_bytes = 4 << 20;
  const ParsedYaml refused = ParseYaml(flood, limits);
  ASSERT_TRUE(refused.error);
  EXPECT_EQ(refused.error->kind, YamlError::Kind::kMemory);
  limits.max_bytes = 64 << 20;
  const ParsedYaml read = ParseYaml(flood, limits);
  ASSERT_FALSE(read.error);
  // 200,001 nodes in one exactly sized array, and the root's pair.
  EXPECT_GE(read.bytes, 200001 * sizeof(YamlNode));
  EXPECT_LE(read.bytes, 200001 * sizeof(YamlNode) + 1024);
}

TEST(YamlBudgetTest, TopLevelScalarsStreamWithoutBuilding) {
  const auto found = TopLevelScalars("info: {x: [1, 2]}\n? [complex]\n: key\nopenapi: 3.0.3\nswagger: '2.0'\n" + BillionLaughs(),
                                     {"openapi", "swagger"});
  ASSERT_TRUE(found);
  EXPECT_EQ(found->at("openapi").text, "3.0.3");
  EXPECT_FALSE(found->at("openapi").quoted);
  EXPECT_TRUE(found->at("swagger").quoted);
  EXPECT_FALSE(TopLevelScalars("openapi: [unclosed", {"openapi"}));
  EXPECT_FALSE(TopLevelScalars("- a sequence\n", {"openapi"}));
  EXPECT_TRUE(TopLevelScalars("info:\n  openapi: 3.0.3\n", {"openapi"})->empty());
  // Stops at the nesting limit (libyaml's cost per token grows with the nesting: this would take minutes).
  EXPECT_FALSE(TopLevelScalars("openapi: 3.0.3\nx: " + std::string(200000, '[') + std::string(200000, ']'), {"openapi"}));
}

TEST(SpecFormatBudgetTest, DetectionReadsOnlyWhatDecides) {
  std::string elements = "<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\">";
  for (int i = 0; i < 200000; ++i) elements += "<a/>";
  EXPECT_EQ(DetectSpecFormat("s.wsdl", elements).format, "wsdl") << "the root start tag decides";
  EXPECT_EQ(DetectSpecFormat("s.wsdl", "<!DOCTYPE d [<!ENTITY x \"a>b\">]><!-- c --><definitions "
                                       "a='>' xmlns=\"http://schemas.xmlsoap.org/wsdl/\"/>").format,
            "wsdl");
  EXPECT_EQ(DetectSpecFormat("api.yaml", "openapi: 3.0.3\n" + BillionLaughs()).format, "oas");
}

SpecReport Read(const std::string& file, const std::string& content, const ReadOptions& options) {
  return ReadSpec(InMemorySpecSource(std::map<std::string, std::string>{{file, content}}), file, options);
}

ReadOptions SmallBudget() {
  ReadOptions options;
  options.memory_bytes = 2 << 20;
  options.memory_per_file_byte = 4;
  return options;
}

TEST(ReadBudgetTest, ANodeFloodSpendsTheReadingsMemory) {
  std::string flood = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\nx-flood: [";
  for (int i = 0; i < 100000; ++i) flood += "0,";
  flood += "0]\n";
  const SpecReport report = Read("api.yaml", flood, SmallBudget());
  EXPECT_EQ(Problems(report).substr(0, 10), "api.yaml:4") << Problems(report);
  EXPECT_NE(Problems(report).find("reading the spec needs more than its 2 MiB of memory"), std::string::npos)
      << Problems(report);
  EXPECT_TRUE(Read("api.yaml", flood, ReadOptions()).valid()) << "within the default budget";
}

TEST(ReadBudgetTest, TheBudgetGrowsWithTheFilesRead) {
  std::string large = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n";
  for (int i = 0; i < 20000; ++i) large += "    S" + std::to_string(i) + ": {type: string, description: schema}\n";
  ReadOptions options = SmallBudget();
  options.memory_per_file_byte = 32;  // 32 times ~900 KB: more than the floor, enough for its tree
  EXPECT_TRUE(Read("api.yaml", large, options).valid()) << Problems(Read("api.yaml", large, options));
  options.max_memory_bytes = 2 << 20;  // the ceiling wins
  EXPECT_FALSE(Read("api.yaml", large, options).valid());
}

TEST(ReadBudgetTest, TheDefaultShareReadsALargePlainRamlApi) {
  // Nothing multiplies here: its YAML tree and its expanded RAML tree are all it needs, and the
  // default share per byte must pay for both (a share of 16 refused valid 3 MB APIs).
  std::string api = "#%RAML 1.0\ntitle: T\ntypes:\n";
  for (int i = 0; i < 1000; ++i)
    api += "  T" + std::to_string(i) + ":\n    properties:\n      a: string\n      c: {type: string, description: field}\n";
  for (int i = 0; i < 1000; ++i)
    api += "/r" + std::to_string(i) + ":\n  get:\n    queryParameters:\n      q: string\n      p: {type: integer, description: x}\n"
           "    responses:\n      200:\n        body:\n          application/json: T" + std::to_string(i) + "\n";
  ReadOptions options;
  options.memory_bytes = 1 << 20;  // below what it needs, so that the share per byte decides
  const SpecReport report = Read("api.raml", api, options);
  EXPECT_TRUE(report.valid()) << Problems(report);
  options.memory_per_file_byte = 8;
  EXPECT_FALSE(Read("api.raml", api, options).valid()) << "the share is what paid for it";
}

TEST(ReadBudgetTest, AnXmlFloodIsRefusedBeforeItIsParsed) {
  std::string flood = "<definitions name=\"S\" xmlns=\"http://schemas.xmlsoap.org/wsdl/\">";
  for (int i = 0; i < 100000; ++i) flood += "<a x='1'/>";
  flood += "</definitions>";
  const SpecReport report = Read("s.wsdl", flood, SmallBudget());
  EXPECT_EQ(Problems(report),
            "s.wsdl:1:1: reading the spec needs more than its 4 MiB of memory (a reading may use 2 MiB, or 4 bytes per "
            "byte of the files it reads, up to 1024 MiB)\n");
}

TEST(ReadBudgetTest, CpuTimeIsBounded) {
  std::string large = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\nx-items:\n";
  for (int i = 0; i < 100000; ++i) large += "  - item\n";
  ReadOptions options;
  options.max_cpu_time = std::chrono::nanoseconds(1);
  const SpecReport report = Read("api.yaml", large, options);
  EXPECT_NE(Problems(report).find("reading the spec takes more than its 0 ms of CPU time"), std::string::npos)
      << Problems(report);
}

TEST(ReadBudgetTest, OnceSpentNoFurtherFileIsRead) {
  std::map<std::string, std::string> files{{"api.raml", "#%RAML 1.0\ntitle: T\ntypes:\n"}};
  for (int i = 0; i < 50; ++i) {
    files["api.raml"] += "  T" + std::to_string(i) + ": !include t" + std::to_string(i) + ".raml\n";
    files["t" + std::to_string(i) + ".raml"] = "type: string\nexample: " + std::string(100000, 'x') + "\n";
  }
  ReadOptions options = SmallBudget();
  options.memory_per_file_byte = 0;
  const SpecReport report = ReadSpec(InMemorySpecSource(files), "api.raml", options);
  ASSERT_EQ(report.problems.size(), 1u) << Problems(report);
  EXPECT_NE(report.problems[0].message.find("needs more than its 2 MiB"), std::string::npos);
  EXPECT_LT(report.model.files.size(), 25u);
}

// --- The RAML model: what types, resource types and traits multiply into -----------------------

const char* kRaml = "#%RAML 1.0\ntitle: T\n";

std::string WideType(const std::string& name, int properties) {
  std::string type = "  " + name + ":\n    properties:\n";
  for (int i = 0; i < properties; ++i) type += "      p" + std::to_string(i) + ": string\n";
  return type;
}

bool RefusedForMemory(const SpecReport& report) {
  return report.problems.size() == 1 && report.problems[0].message.starts_with("reading the spec needs more than its 2 MiB");
}

TEST(RamlModelBudgetTest, AWideTypeExtendedManyTimesSpendsTheBudget) {
  // Each subtype copies the 500 properties it inherits: 250,000 properties from 20 KB.
  std::string api = std::string(kRaml) + "types:\n" + WideType("Base", 500);
  for (int i = 0; i < 500; ++i) api += "  S" + std::to_string(i) + ": {type: Base, properties: {q: string}}\n";
  const SpecReport report = Read("api.raml", api, SmallBudget());
  EXPECT_TRUE(RefusedForMemory(report)) << Problems(report);
  std::string few = std::string(kRaml) + "types:\n" + WideType("Base", 500);
  for (int i = 0; i < 5; ++i) few += "  S" + std::to_string(i) + ": {type: Base, properties: {q: string}}\n";
  EXPECT_TRUE(Read("api.raml", few, SmallBudget()).valid()) << "a few subtypes are linear";
}

TEST(RamlModelBudgetTest, AWideTypeAsManyPropertiesTypesSpendsTheBudget) {
  std::string api = std::string(kRaml) + "types:\n" + WideType("Big", 500) + "  User:\n    properties:\n";
  for (int i = 0; i < 500; ++i) api += "      a" + std::to_string(i) + ": Big\n";
  EXPECT_TRUE(RefusedForMemory(Read("api.raml", api, SmallBudget()))) << Problems(Read("api.raml", api, SmallBudget()));
}

TEST(RamlModelBudgetTest, ALongParameterPutInManyPlacesSpendsTheBudget) {
  // 2,000 places times a 5,000-character value: 10 MB of descriptions from 15 KB.
  std::string api = std::string(kRaml) + "traits:\n  t:\n    description: ";
  for (int i = 0; i < 2000; ++i) api += "<<p>>";
  api += "\n/r:\n  get:\n    is: [t: {p: " + std::string(5000, 'x') + "}]\n";
  EXPECT_TRUE(RefusedForMemory(Read("api.raml", api, SmallBudget()))) << Problems(Read("api.raml", api, SmallBudget()));
}

TEST(RamlModelBudgetTest, AMappingParameterPutInManyPlacesSpendsTheBudget) {
  std::string api = std::string(kRaml) + "traits:\n  t:\n    queryParameters:\n";
  for (int i = 0; i < 300; ++i) api += "      q" + std::to_string(i) + ": <<p>>\n";
  api += "/r:\n  get:\n    is:\n      - t:\n          p:\n            type: string\n            enum:\n";
  for (int i = 0; i < 300; ++i) api += "              - value" + std::to_string(i) + "\n";
  EXPECT_TRUE(RefusedForMemory(Read("api.raml", api, SmallBudget()))) << Problems(Read("api.raml", api, SmallBudget()));
}

TEST(RamlModelBudgetTest, ATextFileIncludedManyTimesSpendsTheBudget) {
  std::map<std::string, std::string> files{{"doc.md", std::string(100000, 'x')}, {"api.raml", kRaml}};
  for (int i = 0; i < 200; ++i) files["api.raml"] += "/r" + std::to_string(i) + ":\n  description: !include doc.md\n";
  const SpecReport report = ReadSpec(InMemorySpecSource(files), "api.raml", SmallBudget());
  EXPECT_TRUE(RefusedForMemory(report)) << Problems(report);
}

TEST(RamlModelBudgetTest, AUnionOfUnionsChecksEachTypeOnce) {
  // Checked path by path, this example would take 2^40 checks.
  std::string api = std::string(kRaml) + "types:\n  T0: integer\n";
  for (int i = 1; i < 40; ++i) api += "  T" + std::to_string(i) + ": T" + std::to_string(i - 1) + " | T" + std::to_string(i - 1) + "\n";
  api += "  X:\n    type: T39\n    example: abc\n";
  const SpecReport report = Read("api.raml", api, ReadOptions());
  ASSERT_EQ(report.problems.size(), 1u) << Problems(report);
  EXPECT_NE(report.problems[0].message.find("the example does not conform to its type: it matches none of the union's types"),
            std::string::npos) << Problems(report);
  api.replace(api.find("example: abc"), 12, "example: 7");
  EXPECT_TRUE(Read("api.raml", api, ReadOptions()).valid());
}

TEST(RamlModelBudgetTest, ABacktrackingPatternEndsItsCheck) {
  // `^(a|aa)+$` against 40 a's and a b: ~10^8 ways to split them, each tried by a backtracking engine.
  std::string api = std::string(kRaml) + "types:\n  S:\n    type: string\n    pattern: ^(a|aa)+$\n    examples:\n";
  for (int i = 0; i < 3; ++i) api += "      e" + std::to_string(i) + ": " + std::string(40, 'a') + "b\n";
  api += "      plain: b\n";
  const SpecReport report = Read("api.raml", api, ReadOptions());
  ASSERT_EQ(report.problems.size(), 4u) << Problems(report);
  for (int i = 0; i < 3; ++i)  // given up on, the value is reported rather than taken as matching
    EXPECT_NE(report.problems[i].message.find("cannot be checked against the pattern ^(a|aa)+$"), std::string::npos)
        << Problems(report);
  EXPECT_EQ(report.problems[3].ToString(), "api.raml:11:14: the example 'plain' does not conform to its type: 'b' does "
                                           "not match the pattern ^(a|aa)+$");
}

TEST(SchemaPatternBudgetTest, ABacktrackingPatternEndsItsCheckInJsonSchemasAndOpenApi) {
  // The same pattern in a JSON schema (valijson's own pattern check backtracked for minutes).
  const std::string hostile = std::string(40, 'a') + "b";
  std::string raml = std::string(kRaml) + "types:\n  S:\n    type: |\n      {\"type\": \"string\", \"pattern\": \"^(a|aa)+$\"}\n"
                     "    examples:\n      hostile: " + hostile + "\n      plain: b\n";
  const SpecReport schema = Read("api.raml", raml, ReadOptions());
  ASSERT_EQ(schema.problems.size(), 2u) << Problems(schema);
  EXPECT_NE(schema.problems[0].message.find("cannot be checked against the pattern ^(a|aa)+$"), std::string::npos)
      << "the hostile example, which could not be checked" << Problems(schema);
  EXPECT_EQ(schema.problems[1].line, 9u) << "the plain example, which does not match" << Problems(schema);
  EXPECT_NE(schema.problems[1].message.find("'b' is not a valid value"), std::string::npos) << Problems(schema);
  std::string oas = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
                    "    S: {type: string, pattern: '^(a|aa)+$', example: " + hostile + "}\n"
                    "    P: {type: string, pattern: '^(a|aa)+$', example: b}\n";
  const SpecReport openapi = Read("api.yaml", oas, ReadOptions());
  ASSERT_TRUE(openapi.problems.empty()) << Problems(openapi);
  ASSERT_EQ(openapi.warnings.size(), 2u) << "examples SHOULD match: warnings, not problems";
  EXPECT_EQ(openapi.warnings[0].line, 6u) << "the hostile example, which could not be checked";
  EXPECT_NE(openapi.warnings[0].message.find("cannot be checked against the pattern ^(a|aa)+$"), std::string::npos)
      << openapi.warnings[0].message;
  EXPECT_EQ(openapi.warnings[1].line, 7u) << "the plain example, which does not match";
}

// valijson matches patternProperties with std::regex: a property name of 300,000 characters
// overflowed the stack (a crash), and a backtracking pattern ran for hours. Such names are now
// reported instead of matched.
TEST(SchemaPatternBudgetTest, PatternPropertiesSeeOnlyNamesTheyCanMatchInBoundedSteps) {
  const std::string huge(300'000, 'a'), hostile = std::string(40, 'a') + "b";
  std::string raml = std::string(kRaml) + "types:\n  M:\n    type: |\n"
                     "      {\"type\": \"object\", \"patternProperties\": {\"^(a|b)*$\": {\"type\": \"string\"}}}\n"
                     "    examples:\n      huge: '{\"" + huge + "\": \"v\"}'\n      fine: '{\"ab\": 1}'\n";
  const SpecReport schema = Read("api.raml", raml, ReadOptions());
  ASSERT_EQ(schema.problems.size(), 2u) << Problems(schema);
  EXPECT_NE(schema.problems[0].message.find("the property name of 300000 characters is too long to match against "
                                            "patternProperties"), std::string::npos) << Problems(schema);
  EXPECT_EQ(schema.problems[1].line, 9u) << "the ordinary example is still checked: 1 is not a string" << Problems(schema);

  std::string oas = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
                    "    M:\n      type: object\n      patternProperties: {'^(a|aa)+$': {type: string}}\n"
                    "      example: {" + hostile + ": v}\n";
  const SpecReport openapi = Read("api.yaml", oas, ReadOptions());
  ASSERT_TRUE(openapi.problems.empty()) << Problems(openapi);
  ASSERT_EQ(openapi.warnings.size(), 1u) << Problems(openapi);
  EXPECT_NE(openapi.warnings[0].message.find("the example cannot be checked: the property name '" + hostile +
                                             "' cannot be checked against the pattern ^(a|aa)+$"),
            std::string::npos) << openapi.warnings[0].message;
}

// std::regex's compiler recurses once per nested group: 30,000 of them overflowed the stack in the
// ECMA-262 validity check of an OAS pattern, and in valijson's patternProperties.
TEST(SchemaPatternBudgetTest, DeeplyNestedPatternsAreNotGivenToStdRegex) {
  const std::string nested = std::string(30'000, '(') + "a" + std::string(30'000, ')');
  const std::string pattern = "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"T\", \"version\": \"1\"}, \"paths\": {},\n"
                              "\"components\": {\"schemas\": {\"S\": {\"type\": \"string\", \"pattern\": \"" + nested +
                              "\", \"example\": \"a\"}}}}\n";
  const SpecReport report = Read("api.json", pattern, ReadOptions());
  ASSERT_EQ(report.problems.size(), 1u) << Problems(report);
  EXPECT_NE(report.problems[0].message.find("is not a valid regular expression"), std::string::npos);
  const std::string properties = "{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"T\", \"version\": \"1\"}, \"paths\": {},\n"
                                 "\"components\": {\"schemas\": {\"S\": {\"type\": \"object\", \"patternProperties\": {\"" +
                                 nested + "\": {\"type\": \"string\"}}, \"example\": {\"a\": \"b\"}}}}}\n";
  const SpecReport guarded = Read("api.json", properties, ReadOptions());
  ASSERT_EQ(guarded.warnings.size(), 1u) << Problems(guarded);
  EXPECT_NE(guarded.warnings[0].message.find("of patternProperties is not a regular expression agora can match"),
            std::string::npos) << guarded.warnings[0].message;
}

// valijson matches a $ref's document part and schema ids against a URN pattern with std::regex:
// a 300,000-character URN overflowed the stack while the examples' schemas were being read.
TEST(SchemaPatternBudgetTest, AnOverlongReferenceLeavesItsSchemaUnusedInsteadOfCrashing) {
  const std::string urn = "urn:ab:" + std::string(300'000, 'a');
  const std::string oas = "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"T\", \"version\": \"1\"}, \"paths\": {},\n"
                          "\"components\": {\"schemas\": {\"S\": {\"$ref\": \"" + urn + "#/x\"},\n"
                          "\"T\": {\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"#/components/schemas/S\"}}, "
                          "\"example\": {\"a\": 1}}}}}\n";
  const SpecReport report = Read("api.json", oas, ReadOptions());
  ASSERT_EQ(report.problems.size(), 1u) << Problems(report);
  EXPECT_EQ(report.problems[0].line, 2u) << "the reference itself is reported, by the reader's own check";
  std::string raml = std::string(kRaml) + "types:\n  S:\n    type: |\n      {\"type\": \"object\", \"properties\": "
                     "{\"a\": {\"$ref\": \"" + urn + "#/x\"}}}\n    example: {a: 1}\n";
  const SpecReport schema = Read("api.raml", raml, ReadOptions());  // ends, whatever it reports
  EXPECT_FALSE(schema.problems.empty() && schema.warnings.empty()) << "a reference it cannot follow is said";
}

TEST(SchemaPatternBudgetTest, TheOpenApiSchemaIsNotMatchedAgainstAnOverlongKey) {
  const std::string name(100'000, 's');
  // (JSON: YAML itself allows plain keys of at most 1,024 characters.)
  const std::string oas = "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"T\", \"version\": \"1\"}, \"paths\": {},\n"
                          "\"components\": {\"schemas\": {\"" + name + "\": {\"type\": \"string\"}}}}\n";
  const SpecReport report = Read("api.json", oas, ReadOptions());
  ASSERT_EQ(report.problems.size(), 1u) << Problems(report);
  EXPECT_EQ(report.problems[0].ToString(), "api.json:2:100032: a key of 100000 characters: agora checks keys of at most 4096 "
                                           "characters against the OpenAPI schema");
}

}  // namespace
}  // namespace agora::specs
