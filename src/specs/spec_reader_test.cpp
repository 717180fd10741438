#include "specs/spec_reader.h"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>

#include "specs/yaml_document.h"

namespace agora::specs {
namespace {

// The shared corpus (see its SOURCES.md); the tests fail, never skip, without it.
std::string Corpus(const std::string& path) { return std::string(AGORA_CORPUS_DIR) + "/" + path; }

// A test name from a corpus path: its letters and digits.
template <typename Param>
std::string NameOf(const ::testing::TestParamInfo<Param>& info) {
  std::string name;
  for (char c : info.param.path) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

struct Case {
  std::string path;       // a file, or a folder with `main`
  std::string main;       // empty: `path` is the spec file itself
  std::string version;    // formatVersion
  std::string fragment;   // RAML fragment kind
  std::string title;
  size_t resources;
  size_t operations;
};

SpecReport ReadCorpus(const std::string& path, const std::string& main) {
  if (main.empty()) {
    const std::filesystem::path file(Corpus(path));
    return ReadSpec(DirectorySpecSource(file.parent_path().string()), file.filename().string());
  }
  return ReadSpec(DirectorySpecSource(Corpus(path)), main);
}

class ValidCorpusTest : public ::testing::TestWithParam<Case> {};

TEST_P(ValidCorpusTest, ReadsAndExtractsTheModel) {
  const Case& c = GetParam();
  ASSERT_TRUE(std::filesystem::exists(Corpus(c.path))) << "corpus missing: " << Corpus(c.path);
  const SpecReport report = ReadCorpus(c.path, c.main);
  for (const auto& problem : report.problems) ADD_FAILURE() << problem.ToString();
  EXPECT_EQ(report.model.format_version, c.version);
  EXPECT_EQ(report.model.fragment_kind, c.fragment);
  EXPECT_EQ(report.model.title, c.title);
  EXPECT_EQ(report.model.resources.size(), c.resources);
  size_t operations = 0;
  for (const auto& resource : report.model.resources) operations += resource.operations.size();
  EXPECT_EQ(operations, c.operations);
  ASSERT_FALSE(report.model.files.empty());
  EXPECT_EQ(report.model.files.front(), c.main.empty() ? std::filesystem::path(c.path).filename().string() : c.main);
}

INSTANTIATE_TEST_SUITE_P(Corpus, ValidCorpusTest, ::testing::Values(
    Case{"oas/petstore-oas3.0.yaml", "", "3.0.0", "", "Swagger Petstore", 2, 3},
    Case{"oas/uspto-oas3.0.json", "", "3.0.1", "", "USPTO Data Set API", 3, 3},
    Case{"oas/link-example-oas3.0.yaml", "", "3.0.0", "", "Link Example", 6, 6},
    Case{"oas/callback-example-oas3.0.json", "", "3.0.0", "", "Callback Example", 1, 1},
    Case{"oas/webhook-example-oas3.1.json", "", "3.1.0", "", "Webhook Example", 0, 0},
    Case{"oas/petstore-expanded-swagger2.0.json", "", "2.0", "", "Swagger Petstore", 2, 4},
    Case{"oas/uber-swagger2.0.yaml", "", "2.0", "", "Uber API", 5, 5},
    Case{"oas/petstore-separate-swagger2.0", "spec/swagger.json", "2.0", "", "Swagger Petstore", 2, 4},
    Case{"oas/redocly-museum-oas3.1.yaml", "", "3.1.0", "", "Redocly Museum API", 5, 8},
    Case{"oas/anypoint-api-governance-multifile", "api.yaml", "3.0.3", "", "API Governance Experience API", 9, 11},
    Case{"raml/google-drive-api", "google-drive-api.raml", "1.0", "", "Google Drive", 32, 63},
    Case{"raml/alainn-cosmetics", "api.raml", "1.0", "", "Álainn Cosmetics Mobile Orders API", 10, 13},
    Case{"raml/instagram-1.0", "api.raml", "1.0", "", "Instagram", 28, 30},
    Case{"raml/fhir-healthcare-system-api", "healthcare-system-api.raml", "1.0", "", "Healthcare FHIR System API", 6, 12},
    Case{"raml/world-music-api", "input.raml", "1.0", "", "World Music API", 2, 3},
    Case{"raml/appian-api.raml", "", "1.0", "", "Appian API", 12, 9},
    Case{"raml/nexmo-sms-api.raml", "", "1.0", "", "Nexmo SMS API", 6, 6},
    Case{"raml/mule-agent-api-0.8.raml", "", "0.8", "", "Mule Agent API", 13, 19},
    Case{"raml/jira-v2-0.8", "api.raml", "0.8", "", "Jira", 135, 213},
    Case{"raml-fragments/oauth2-fragment.raml", "", "1.0", "SecurityScheme", "", 0, 0},
    Case{"raml-fragments/lib-fragment.raml", "", "1.0", "Library", "", 0, 0},
    Case{"raml-fragments/type-fragment.raml", "", "1.0", "DataType", "", 0, 0},
    Case{"raml-fragments/paged.trait.raml", "", "1.0", "Trait", "", 0, 0},
    Case{"raml-fragments/example-fragment.raml", "", "1.0", "NamedExample", "", 0, 0},
    Case{"wsdl/cxf-CustomerService.wsdl", "", "1.1", "", "CustomerServiceService", 1, 2},
    Case{"wsdl/cxf-hello_world_soap12.wsdl", "", "1.1", "", "HelloWorld", 1, 4},
    Case{"wsdl/cxf-hello_world_RPCLit.wsdl", "", "1.1", "", "HelloWorld", 1, 3},
    Case{"wsdl/osgp-tariffswitching-adhoc", "TariffSwitchingAdHocManagement.wsdl", "1.1", "", "TariffSwitchingAdHocManagementPortService", 1, 3},
    Case{"wsdl/osgp-secret-management", "wsdl/SecretManagement.wsdl", "1.1", "", "SecretManagementPortService", 1, 5}),
    NameOf<Case>);

struct BrokenCase {
  std::string path;
  std::string main;
  std::string where;    // "file:line:" the problem must be reported at
  std::string message;  // part of its message
  bool alone = true;    // the only problem of the file
};

class BrokenCorpusTest : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenCorpusTest, ReportsTheDefectWhereItIs) {
  const BrokenCase& c = GetParam();
  ASSERT_TRUE(std::filesystem::exists(Corpus(c.path))) << "corpus missing: " << Corpus(c.path);
  const SpecReport report = ReadCorpus(c.path, c.main);
  // The defect comes first; a real-world file may have other, genuine problems after it.
  ASSERT_FALSE(report.problems.empty()) << "valid";
  if (c.alone) EXPECT_EQ(report.problems.size(), 1u) << report.problems.back().ToString();
  const std::string problem = report.problems[0].ToString();
  EXPECT_EQ(problem.rfind(c.where, 0), 0u) << problem;
  EXPECT_NE(problem.find(c.message), std::string::npos) << problem;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BrokenCorpusTest, ::testing::Values(
    BrokenCase{"broken/oas3-dangling-ref.yaml", "", "oas3-dangling-ref.yaml:82:", "dangling reference '#/components/schemas/PetDetails'"},
    BrokenCase{"broken/oas3.1-tab-indentation.yaml", "", "oas3.1-tab-indentation.yaml:5:", "tab character"},
    BrokenCase{"broken/raml-bad-yaml-indentation.raml", "", "raml-bad-yaml-indentation.raml:11:", "block mapping that starts at line 9"},
    BrokenCase{"broken/raml-missing-title.raml", "", "raml-missing-title.raml:", "'title' is missing"},
    BrokenCase{"broken/raml-missing-version-header.raml", "", "raml-missing-version-header.raml:1:", "RAML header"},
    BrokenCase{"broken/raml-dangling-include", "input.raml", "input.raml:13:", "'secured/accessToken.raml' is not in the archive"},
    BrokenCase{"broken/swagger2-truncated.json", "", "swagger2-truncated.json:106:", "the document ends before the object that opens at line"},
    BrokenCase{"broken/swagger2-external-ref-missing-file", "spec/swagger.json", "spec/swagger.json:", "'common/Error.json' is not in the archive"},
    BrokenCase{"broken/wsdl-malformed-xml-unclosed-message.wsdl", "", "wsdl-malformed-xml-unclosed-message.wsdl:118:", "malformed XML"},
    BrokenCase{"broken/wsdl-missing-imported-xsd", "TariffSwitchingAdHocManagement.wsdl",
               "schemas/adhocmanagement-ws-tariffswitching.xsd:7:", "'schemas/common-ws-tariffswitching.xsd' is not in the archive"},
    // SOURCES.md: the library path's case differs from the file's; inside a zip that does not resolve.
    // Its libraries also misdeclare types ('usage' on a type, dates not in date-only form), as
    // webapi-parser reports too.
    BrokenCase{"raml/marketing-cloud-api", "api.raml", "resourceTypes/standardResourceTypes.raml:5:",
               "'libraries/standardDatatypes.raml' is not in the archive", false}),
    NameOf<BrokenCase>);

// The large Access Management spec uses JSON Schema's patternProperties and type: 'null', which
// OAS 3.0 schemas do not have (swagger-parser refuses them too); its model is extracted all the same.
TEST(CorpusTest, LargeOasIsReadWholeAndItsSchemaKeywordsChecked) {
  const SpecReport report = ReadCorpus("oas/anypoint-access-management-oas3.0-large.yaml", "");
  ASSERT_GE(report.problems.size(), 4u);
  bool schema_keyword = false;
  for (const auto& problem : report.problems) {
    const bool keyword = problem.message == "'patternProperties' is not a field of 'resourceTemplateParams' in OpenAPI 3.0 "
                                            "(extensions start with 'x-')";
    schema_keyword = schema_keyword || (keyword && problem.line == 33998);
    EXPECT_TRUE(problem.message.find("'patternProperties' is not a field of") == 0 ||
                problem.message == "'null' is not an allowed value of 'type'")
        << problem.ToString();
  }
  EXPECT_TRUE(schema_keyword);
  EXPECT_EQ(report.model.title, "Access Management API");
  EXPECT_EQ(report.model.resources.size(), 172u);
  EXPECT_EQ(report.model.types.size(), 108u);
}

SpecReport Read(std::map<std::string, std::string> files, const std::string& main) {
  return ReadSpec(InMemorySpecSource(std::move(files)), main);
}

std::string Problems(const SpecReport& report) {
  std::string all;
  for (const auto& problem : report.problems) all += problem.ToString() + "\n";
  return all;
}

TEST(ResolveReferenceTest, NormalisesAndStaysInsideTheArchive) {
  EXPECT_EQ(*ResolveReference("api.raml", "types/a.raml"), "types/a.raml");
  EXPECT_EQ(*ResolveReference("lib/x.raml", "../types/./a.raml"), "types/a.raml");
  EXPECT_EQ(*ResolveReference("lib/x.raml", "/root.raml"), "root.raml");
  EXPECT_FALSE(ResolveReference("api.raml", "../outside.raml").ok());
  EXPECT_FALSE(ResolveReference("a/b.yaml", "../../etc/passwd").ok());
  EXPECT_FALSE(ResolveReference("api.raml", "https://example.com/x.raml").ok());
  EXPECT_FALSE(ResolveReference("api.raml", "").ok());
  EXPECT_FALSE(ResolveReference("api.raml", "types/..").ok());
}

TEST(YamlDocumentTest, KeepsPositionsTagsAndRefusesBombs) {
  const ParsedYaml doc = ParseYaml("a:\n  b: !include x.raml\n  c: 'quoted'\n");
  ASSERT_FALSE(doc.error);
  const YamlNode* b = doc.root.Find("a")->Find("b");
  EXPECT_EQ(b->tag, "!include");
  EXPECT_EQ(b->line, 2u);
  EXPECT_EQ(b->column, 6u);
  EXPECT_TRUE(doc.root.Find("a")->Find("c")->quoted);

  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c)
    bomb += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" +
            char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + "]\n";
  const ParsedYaml exploded = ParseYaml(bomb);
  ASSERT_TRUE(exploded.error);
  EXPECT_NE(exploded.error->message.find("alias"), std::string::npos);

  const ParsedYaml deep = ParseYaml(std::string(100000, '[') + std::string(100000, ']'));
  ASSERT_TRUE(deep.error);
  EXPECT_NE(deep.error->message.find("nesting"), std::string::npos);

  EXPECT_TRUE(ParseYaml("a: 1\na: 2\n").error) << "duplicate keys";
  std::string large;
  for (int i = 0; i < 40; ++i) large += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  EXPECT_FALSE(ParseYaml(large).error) << "40 distinct keys";
  for (const char* again : {"k3", "k20", "k39"}) {
    const auto parsed = ParseYaml(large + again + ": x\n");
    ASSERT_TRUE(parsed.error) << again << " repeated after the mapping outgrew the linear scan";
    EXPECT_EQ(parsed.error->line, 41u);
  }
  EXPECT_TRUE(ParseYaml("\x01\x02\xff binary").error);
  EXPECT_TRUE(ParseYaml("").root.is_null());
}

TEST(OasReaderTest, ReportsCyclesEscapesAndStructure) {
  const char* head = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n";
  auto cycle = Read({{"api.yaml", std::string(head) +
                                      "paths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n"
                                      "    B: {$ref: '#/components/schemas/A'}\n"}},
                    "api.yaml");
  EXPECT_EQ(Problems(cycle),
            "api.yaml:6:15: reference cycle: api.yaml#/components/schemas/B -> api.yaml#/components/schemas/A -> "
            "api.yaml#/components/schemas/B\n");

  auto recursive = Read({{"api.yaml", std::string(head) +
                                          "paths: {}\ncomponents:\n  schemas:\n    Tree:\n      properties:\n"
                                          "        children: {type: array, items: {$ref: '#/components/schemas/Tree'}}\n"}},
                        "api.yaml");
  EXPECT_TRUE(recursive.valid()) << "a recursive schema is legal: " << Problems(recursive);

  auto escape = Read({{"api.yaml", std::string(head) + "paths:\n  /a: {$ref: '../../secret.yaml#/x'}\n"}}, "api.yaml");
  EXPECT_NE(Problems(escape).find("outside the archive"), std::string::npos) << Problems(escape);

  auto external = Read({{"spec/api.yaml", std::string(head) + "paths:\n  /a: {$ref: 'paths.yaml#/a'}\n"},
                        {"spec/paths.yaml", "a:\n  get: {operationId: listA, responses: {'200': {$ref: '../common.yaml'}}}\n"},
                        {"common.yaml", "description: ok\n"}},
                       "spec/api.yaml");
  EXPECT_TRUE(external.valid()) << Problems(external);
  EXPECT_EQ(external.model.files, (std::vector<std::string>{"spec/api.yaml", "spec/paths.yaml", "common.yaml"}));
  ASSERT_EQ(external.model.resources.size(), 1u);
  EXPECT_EQ(external.model.resources[0].operations[0].operation_id, "listA");

  auto structure = Read({{"api.yaml", "openapi: 3.0.0\ninfo: {version: '1'}\npaths:\n  pets: {get: {}}\n  /a: {post: {}}\n"}},
                        "api.yaml");
  const std::string problems = Problems(structure);
  EXPECT_NE(problems.find("api.yaml:2:7: the required property 'title' is missing in 'info'"), std::string::npos) << problems;
  EXPECT_NE(problems.find("api.yaml:4:9: the path 'pets' does not start with '/'"), std::string::npos) << problems;
  EXPECT_NE(problems.find("api.yaml:5:14: the required property 'responses' is missing in 'post'"), std::string::npos)
      << problems;

  auto keywords = Read({{"api.yaml", std::string(head) + "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n"
                                                          "      properties:\n        b: {type: string, const: x, x-ok: 1}\n"}},
                       "api.yaml");
  EXPECT_EQ(Problems(keywords), "api.yaml:9:34: 'const' is not a field of 'b' in OpenAPI 3.0 (extensions start with 'x-')\n");
  auto json_schema_31 = Read({{"api.yaml", "openapi: 3.1.0\ninfo: {title: T, version: '1'}\ncomponents:\n  schemas:\n"
                                           "    A: {type: object, const: x}\n"}},
                             "api.yaml");
  EXPECT_TRUE(json_schema_31.valid()) << "3.1 schemas are JSON Schema: " << Problems(json_schema_31);
}

TEST(RamlReaderTest, ReportsIncludeCyclesAndUndeclaredNames) {
  auto cycle = Read({{"api.raml", "#%RAML 1.0\ntitle: T\ntypes: !include a.raml\n"},
                     {"a.raml", "#%RAML 1.0 Library\ntypes: !include b.raml\n"},
                     {"b.raml", "#%RAML 1.0 Library\ntypes: !include a.raml\n"}},
                    "api.raml");
  EXPECT_EQ(Problems(cycle).rfind("b.raml:2:8: !include cycle: a.raml -> b.raml -> a.raml\n", 0), 0u) << Problems(cycle);

  auto names = Read({{"api.raml", "#%RAML 1.0\ntitle: T\nuses:\n  lib: lib.raml\ntraits:\n  paged: {}\n"
                                  "/a:\n  type: lib.collection\n  get:\n    is: [paged, missing]\n  /b:\n    type: nothing\n"},
                     {"lib.raml", "#%RAML 1.0 Library\nresourceTypes:\n  collection: {}\n"}},
                    "api.raml");
  const std::string problems = Problems(names);
  EXPECT_NE(problems.find("api.raml:10:"), std::string::npos) << problems;
  EXPECT_NE(problems.find("the trait 'missing' is not declared"), std::string::npos) << problems;
  EXPECT_NE(problems.find("the resource type 'nothing' is not declared"), std::string::npos) << problems;
  EXPECT_EQ(names.model.resources.size(), 2u);
  EXPECT_EQ(names.model.resources[1].path, "/a/b");

  auto unknown = Read({{"f.raml", "#%RAML 1.0 Gadget\nx: 1\n"}}, "f.raml");
  EXPECT_NE(Problems(unknown).find("unknown RAML fragment kind 'Gadget'"), std::string::npos);
}

TEST(WsdlReaderTest, RefusesDoctypesAndChecksConsistency) {
  auto doctype = Read({{"s.wsdl", "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                                  "<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\">&x;</definitions>"}},
                      "s.wsdl");
  EXPECT_NE(Problems(doctype).find("DOCTYPE is not accepted"), std::string::npos) << Problems(doctype);

  auto inconsistent = Read({{"s.wsdl", "<definitions name=\"S\" xmlns=\"http://schemas.xmlsoap.org/wsdl/\" xmlns:tns=\"urn:s\">\n"
                                       "<portType name=\"P\"><operation name=\"op\"><input message=\"tns:Missing\"/></operation></portType>\n"
                                       "<binding name=\"B\" type=\"tns:Other\"/>\n"
                                       "<service name=\"Svc\"><port name=\"p\" binding=\"tns:B\"/></service>\n"
                                       "</definitions>"}},
                           "s.wsdl");
  const std::string problems = Problems(inconsistent);
  EXPECT_NE(problems.find("s.wsdl:2:"), std::string::npos) << problems;
  EXPECT_NE(problems.find("message 'tns:Missing'"), std::string::npos) << problems;
  EXPECT_NE(problems.find("port type 'tns:Other'"), std::string::npos) << problems;
  EXPECT_EQ(inconsistent.model.title, "S");
}

TEST(ReadSpecTest, ModelJsonAndUnknownContent) {
  auto report = Read({{"api.yaml", "openapi: 3.0.3\ninfo: {title: Flights, version: '2'}\nservers: [{url: 'https://x'}]\n"
                                   "paths:\n  /flights: {get: {operationId: listFlights, responses: {'200': {description: ok}}}}\n"}},
                     "api.yaml");
  ASSERT_TRUE(report.valid()) << Problems(report);
  EXPECT_EQ(report.model.ToJson(),
            R"({"format":"oas","formatVersion":"3.0.3","title":"Flights","version":"2","description":"","baseUris":["https://x"],)"
            R"("resources":[{"path":"/flights","operations":[{"method":"get","operationId":"listFlights","summary":"",)"
            R"("responses":[{"status":"200","description":"ok","location":"api.yaml:5:65"}],"location":"api.yaml:5:19"}],)"
            R"("location":"api.yaml:5:13"}],)"
            R"("securitySchemes":[],"dataTypes":[],"files":["api.yaml"]})");
  EXPECT_EQ(report.model.SearchTerms(), "Flights listFlights");
  EXPECT_FALSE(Read({{"x.txt", "hello"}}, "x.txt").valid());
  EXPECT_FALSE(Read({}, "absent.raml").valid());
}

}  // namespace
}  // namespace agora::specs

namespace agora::specs {
namespace {

// `!include schema.xsd#City` names the file schema.xsd and the City element in it.
TEST(ReadSpecTest, IncludeWithAFragmentNamesItsFile) {
  const SpecReport report = ReadSpec(
      InMemorySpecSource(std::map<std::string, std::string>{
          {"api.raml", "#%RAML 1.0\ntitle: Cities\ntypes:\n  City: !include schema.xsd#City\n"},
          {"schema.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:element name=\"City\" "
                         "type=\"xs:string\"/></xs:schema>"}}),
      "api.raml");
  for (const auto& problem : report.problems) ADD_FAILURE() << problem.ToString();
  const SpecReport missing = ReadSpec(
      InMemorySpecSource(std::map<std::string, std::string>{
          {"api.raml", "#%RAML 1.0\ntitle: Cities\ntypes:\n  City: !include other.xsd#City\n"}}),
      "api.raml");
  ASSERT_EQ(missing.problems.size(), 1u);
  EXPECT_EQ(missing.problems[0].ToString(), "api.raml:4:9: 'other.xsd' is not in the archive");
}

// An example is data: a property called `schema` (or `$ref`) in it is neither a Schema Object
// nor a reference; a property named `example` is still a schema.
TEST(ReadSpecTest, ExampleValuesAreData) {
  const char* spec = R"(openapi: 3.0.3
info: {title: Data, version: '1'}
paths:
  /x:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  example: {type: string, patternProperties: {}}
                example: {schema: {whatever: 1}, $ref: nowhere}
              examples:
                one: {value: {schema: {bogus: true}, $ref: '#/nowhere'}}
                two: {$ref: '#/components/examples/Two'}
components:
  examples:
    Two: {value: {schema: {type: [not, a, schema]}}}
  schemas:
    S: {type: object, default: {schema: {x: 1}}, x-meta: {schema: {y: 2}, $ref: none}}
)";
  const SpecReport report = ReadSpec(InMemorySpecSource(std::map<std::string, std::string>{{"api.yaml", spec}}), "api.yaml");
  ASSERT_EQ(report.problems.size(), 1u) << Problems(report);
  EXPECT_EQ(report.problems[0].ToString(),
            "api.yaml:14:62: 'patternProperties' is not a field of 'example' in OpenAPI 3.0 (extensions start with 'x-')");
}

}  // namespace
}  // namespace agora::specs
