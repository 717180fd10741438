// The readers' contract on cycles and depth, format by format: every way one document or
// declaration reaches another either follows a cycle the format allows once, or reports the one
// it forbids at file:line:column, naming it; and no chain or tree, however long or deep, makes a
// reader recurse without bound. These tests must stay green whatever the readers become.
#include <gtest/gtest.h>

#include <string>

#include "specs/resolution_stack.h"
#include "specs/spec_reader.h"

namespace agora::specs {
namespace {

SpecReport Read(std::map<std::string, std::string> files, const std::string& main) {
  return ReadSpec(InMemorySpecSource(std::move(files)), main);
}

std::string Problems(const SpecReport& report) {
  std::string all;
  for (const auto& problem : report.problems) all += problem.ToString() + "\n";
  return all;
}

bool Reports(const SpecReport& report, const std::string& problem) {
  return Problems(report).find(problem) != std::string::npos;
}

TEST(ResolutionStackTest, RefusesCyclesAndDepthNamingThem) {
  ResolutionStack stack("library", 3);
  auto a = stack.Enter("a.raml");
  ASSERT_TRUE(a);
  {
    auto b = stack.Enter("b.raml");
    ASSERT_TRUE(b);
    auto again = stack.Enter("a.raml");
    EXPECT_FALSE(again);
    EXPECT_TRUE(again.is_cycle());
    EXPECT_EQ(again.refusal(), "library cycle: a.raml -> b.raml -> a.raml");
    auto c = stack.Enter("c.raml");
    ASSERT_TRUE(c);
    auto d = stack.Enter("d.raml");
    EXPECT_FALSE(d);
    EXPECT_FALSE(d.is_cycle());
    EXPECT_EQ(d.refusal(), "library chain deeper than 3 levels at d.raml");
  }
  EXPECT_EQ(stack.depth(), 1u) << "scopes leave the stack when they end";
  auto self = stack.Enter("a.raml");
  EXPECT_EQ(self.refusal(), "library cycle: a.raml -> a.raml");
}

// --- RAML -----------------------------------------------------------------------------------

const char* kApi = "#%RAML 1.0\ntitle: T\n";

TEST(RamlCycleTest, LibraryCycleIsReportedWhereItCloses) {
  auto report = Read({{"api.raml", std::string(kApi) + "uses:\n  b: b.raml\n"},
                      {"b.raml", "#%RAML 1.0 Library\nuses:\n  c: c.raml\n"},
                      {"c.raml", "#%RAML 1.0 Library\nuses:\n  b: b.raml\n"}},
                     "api.raml");
  EXPECT_EQ(Problems(report), "c.raml:3:6: library cycle: b.raml -> c.raml -> b.raml\n");
}

TEST(RamlCycleTest, LibraryUsingItselfOrTheApi) {
  auto self = Read({{"api.raml", std::string(kApi) + "uses:\n  b: b.raml\n"},
                    {"b.raml", "#%RAML 1.0 Library\nuses:\n  me: b.raml\n"}},
                   "api.raml");
  EXPECT_EQ(Problems(self), "b.raml:3:7: library cycle: b.raml -> b.raml\n");
  auto api = Read({{"api.raml", std::string(kApi) + "uses:\n  b: lib/b.raml\n"},
                   {"lib/b.raml", "#%RAML 1.0 Library\nuses:\n  api: ../api.raml\n"}},
                  "api.raml");
  EXPECT_EQ(Problems(api), "lib/b.raml:3:8: library cycle: api.raml -> lib/b.raml -> api.raml\n");
}

TEST(RamlCycleTest, SharedLibrariesAreReadOnceEach) {
  // 40 levels of libraries, each level's two libraries using both of the next: 2^40 paths.
  std::map<std::string, std::string> files{{"api.raml", std::string(kApi) + "uses:\n  l: l0a.raml\n  r: l0b.raml\n"}};
  for (int level = 0; level < 40; ++level) {
    for (const char* side : {"a", "b"}) {
      std::string library = "#%RAML 1.0 Library\ntraits:\n  t" + std::to_string(level) + ": {}\n";
      if (level < 39)
        library += "uses:\n  l: l" + std::to_string(level + 1) + "a.raml\n  r: l" + std::to_string(level + 1) + "b.raml\n";
      files["l" + std::to_string(level) + side + ".raml"] = library;
    }
  }
  files["api.raml"] += "/x:\n  get:\n    is: [l.t0, l.l.t1, r.r.l.t2]\n";
  auto report = Read(files, "api.raml");  // read once per path, this would never end
  EXPECT_TRUE(report.valid()) << Problems(report);
  EXPECT_EQ(report.model.files.size(), 81u);
}

TEST(RamlCycleTest, LibraryChainDeeperThanTheLimit) {
  std::map<std::string, std::string> files{{"api.raml", std::string(kApi) + "uses:\n  l: l0.raml\n"}};
  for (int i = 0; i < 100; ++i)
    files["l" + std::to_string(i) + ".raml"] = "#%RAML 1.0 Library\nuses:\n  l: l" + std::to_string(i + 1) + ".raml\n";
  files["l100.raml"] = "#%RAML 1.0 Library\n";
  auto report = Read(files, "api.raml");
  EXPECT_EQ(Problems(report), "l62.raml:3:6: library chain deeper than 64 levels at l63.raml\n");
}

TEST(RamlCycleTest, IncludeCycles) {
  auto self = Read({{"api.raml", std::string(kApi) + "types:\n  A: !include api.raml\n"}}, "api.raml");
  EXPECT_EQ(Problems(self), "api.raml:4:6: !include cycle: api.raml -> api.raml\n");
  auto resource = Read({{"api.raml", std::string(kApi) + "/a: !include r.raml\n"},
                        {"r.raml", "get: {}\n/b: !include r.raml\n"}},
                       "api.raml");
  EXPECT_EQ(Problems(resource), "r.raml:2:5: !include cycle: r.raml -> r.raml\n");
  ASSERT_EQ(resource.model.resources.size(), 2u);
  EXPECT_EQ(resource.model.resources[1].path, "/a/b");
}

TEST(RamlCycleTest, IncludeChainDeeperThanTheLimit) {
  std::map<std::string, std::string> files{{"api.raml", std::string(kApi) + "types: !include i0.raml\n"}};
  for (int i = 0; i < 100; ++i) files["i" + std::to_string(i) + ".raml"] = "x: !include i" + std::to_string(i + 1) + ".raml\n";
  files["i100.raml"] = "x: 1\n";
  auto report = Read(files, "api.raml");
  EXPECT_TRUE(Reports(report, "!include chain deeper than 64 levels")) << Problems(report);
}

TEST(RamlCycleTest, ResourcesNestedThroughIncludesAreBounded) {
  // Each file nests 100 resources and includes the next: 1,000 levels in all.
  std::map<std::string, std::string> files{{"api.raml", std::string(kApi) + "/r: !include n0.raml\n"}};
  for (int file = 0; file < 10; ++file) {
    std::string text;
    for (int level = 0; level < 100; ++level) text += std::string(level * 2, ' ') + "/n" + std::to_string(level) + ":\n";
    text += std::string(200, ' ') + (file < 9 ? "/next: !include n" + std::to_string(file + 1) + ".raml\n" : "get: {}\n");
    files["n" + std::to_string(file) + ".raml"] = text;
  }
  auto report = Read(files, "api.raml");
  EXPECT_TRUE(Reports(report, "resources nest deeper than 512 levels")) << Problems(report);
}

TEST(RamlCycleTest, TypeInheritanceCycles) {
  auto two = Read({{"api.raml", std::string(kApi) + "types:\n  A: B\n  B:\n    type: A\n"}}, "api.raml");
  EXPECT_EQ(Problems(two), "api.raml:6:11: type inheritance cycle: A -> B -> A\n");
  auto self = Read({{"api.raml", std::string(kApi) + "types:\n  A:\n    type: A\n"}}, "api.raml");
  EXPECT_EQ(Problems(self), "api.raml:5:11: type inheritance cycle: A -> A\n");
  auto multiple = Read({{"api.raml", std::string(kApi) + "types:\n  A: {type: [B, object]}\n  B: {type: object}\n  C: [A]\n"
                                                          "  D:\n    type: [C, D]\n"}},
                       "api.raml");
  EXPECT_EQ(Problems(multiple), "api.raml:8:15: type inheritance cycle: D -> D\n");
  auto union_type = Read({{"api.raml", std::string(kApi) + "types:\n  A: B | string\n  B: (nil | A)\n"}}, "api.raml");
  EXPECT_EQ(Problems(union_type), "api.raml:5:6: type inheritance cycle: A -> B -> A\n");
  auto inline_type = Read({{"api.raml", std::string(kApi) + "types:\n  A:\n    type:\n      type: A\n"}}, "api.raml");
  EXPECT_EQ(Problems(inline_type), "api.raml:6:13: type inheritance cycle: A -> A\n");
}

TEST(RamlCycleTest, TypeCyclesThroughFragmentsAndLibraries) {
  auto fragment = Read({{"api.raml", std::string(kApi) + "types:\n  A: !include a.raml\n  B: A\n"},
                        {"a.raml", "#%RAML 1.0 DataType\ntype: B\n"}},
                       "api.raml");
  EXPECT_EQ(Problems(fragment), "api.raml:5:6: type inheritance cycle: A -> B -> A\n");
  auto library = Read({{"api.raml", std::string(kApi) + "uses:\n  lib: lib.raml\ntypes:\n  A: lib.X\n"},
                       {"lib.raml", "#%RAML 1.0 Library\ntypes:\n  X: Y\n  Y: X\n"}},
                      "api.raml");
  EXPECT_EQ(Problems(library), "lib.raml:4:6: type inheritance cycle: lib.raml#X -> lib.raml#Y -> lib.raml#X\n");
}

TEST(RamlCycleTest, RecursiveTypesAreAllowed) {
  auto report = Read({{"api.raml", std::string(kApi) +
                                       "types:\n"
                                       "  Person:\n    properties:\n      friends: Person[]\n      parent?: Person\n"
                                       "  Tree:\n    type: object\n    properties:\n      children:\n        type: array\n"
                                       "        items: Tree\n"
                                       "  Forest: Tree[]\n  Either: (Person | Forest)[]\n  Nodes: Node[]\n  Node: Nodes | string\n"}},
                     "api.raml");
  EXPECT_TRUE(report.valid()) << Problems(report);
}

TEST(RamlCycleTest, TypeChainDeeperThanTheLimit) {
  std::string types = std::string(kApi) + "types:\n";
  for (int i = 0; i < 100; ++i) types += "  T" + std::to_string(i) + ": T" + std::to_string(i + 1) + "\n";
  types += "  T100: string\n";
  auto report = Read({{"api.raml", types}}, "api.raml");
  ASSERT_EQ(report.problems.size(), 1u) << Problems(report);
  EXPECT_NE(report.problems[0].message.find("type inheritance chain deeper than 64 levels"), std::string::npos)
      << Problems(report);
}

TEST(RamlCycleTest, ResourceTypeAndTraitCycles) {
  auto resource_types = Read({{"api.raml", std::string(kApi) + "resourceTypes:\n  collection:\n    type: member\n"
                                                                "  member:\n    type: {collection: {item: x}}\n"}},
                             "api.raml");
  EXPECT_EQ(Problems(resource_types), "api.raml:7:11: resource type cycle: collection -> member -> collection\n");
  auto traits = Read({{"api.raml", std::string(kApi) + "traits:\n  a:\n    is: [b]\n  b:\n    is: [c]\n  c:\n    is: [a]\n"}},
                     "api.raml");
  EXPECT_EQ(Problems(traits), "api.raml:9:10: trait cycle: a -> b -> c -> a\n");
  auto library = Read({{"api.raml", std::string(kApi) + "uses:\n  lib: lib.raml\n/x:\n  type: lib.rt\n"},
                       {"lib.raml", "#%RAML 1.0 Library\nresourceTypes:\n  rt:\n    type: rt\n"}},
                      "api.raml");
  EXPECT_EQ(Problems(library), "lib.raml:4:11: resource type cycle: lib.raml#rt -> lib.raml#rt\n");
}

TEST(RamlCycleTest, ExtendsCycles) {
  auto cycle = Read({{"overlay.raml", "#%RAML 1.0 Overlay\nextends: other.raml\n"},
                     {"other.raml", "#%RAML 1.0 Overlay\nextends: overlay.raml\n"}},
                    "overlay.raml");
  EXPECT_EQ(Problems(cycle), "other.raml:2:10: extends cycle: overlay.raml -> other.raml -> overlay.raml\n");
  auto self = Read({{"overlay.raml", "#%RAML 1.0 Extension\nextends: overlay.raml\n"}}, "overlay.raml");
  EXPECT_EQ(Problems(self), "overlay.raml:2:10: extends cycle: overlay.raml -> overlay.raml\n");
  auto chain = Read({{"overlay.raml", "#%RAML 1.0 Extension\nextends: extension.raml\n/a:\n  is: [paged]\n"},
                     {"extension.raml", "#%RAML 1.0 Extension\nextends: api.raml\n"},
                     {"api.raml", std::string(kApi) + "traits:\n  paged: {}\n/a: {}\n"}},
                    "overlay.raml");
  EXPECT_TRUE(chain.valid()) << "the masters' declarations are visible: " << Problems(chain);
}

TEST(RamlCycleTest, AliasesCannotDeepenNestingPastTheLimit) {
  std::string nested = "a: &a " + std::string(300, '[') + std::string(300, ']') + "\nb: " + std::string(300, '[') + "*a" +
                       std::string(300, ']') + "\n";
  auto report = Read({{"api.raml", std::string(kApi) + nested}}, "api.raml");
  EXPECT_TRUE(Reports(report, "nesting deeper than 512 levels")) << Problems(report);
}

// --- OAS ------------------------------------------------------------------------------------

const char* kOas = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n";

TEST(OasCycleTest, ReferenceCyclesWithinAndAcrossFiles) {
  auto self = Read({{"api.yaml", std::string(kOas) + "paths: {}\ncomponents:\n  schemas:\n"
                                                     "    A: {$ref: '#/components/schemas/A'}\n"}},
                   "api.yaml");
  EXPECT_EQ(Problems(self), "api.yaml:6:15: reference cycle: api.yaml#/components/schemas/A -> api.yaml#/components/schemas/A\n");
  auto across = Read({{"api.yaml", std::string(kOas) + "paths:\n  /a: {$ref: 'paths.yaml#/a'}\n"},
                      {"paths.yaml", "a: {$ref: 'more.yaml#/b'}\n"},
                      {"more.yaml", "b: {$ref: 'paths.yaml#/a'}\n"}},
                     "api.yaml");
  EXPECT_EQ(Problems(across), "more.yaml:1:11: reference cycle: paths.yaml#/a -> more.yaml#/b -> paths.yaml#/a\n");
}

TEST(OasCycleTest, RecursiveSchemasAndMutuallyReferringFilesAreFollowedOnce) {
  auto report = Read({{"api.yaml", std::string(kOas) +
                                       "paths:\n  /people: {$ref: 'paths.yaml#/people'}\ncomponents:\n  schemas:\n"
                                       "    Person:\n      type: object\n      properties:\n"
                                       "        pets: {type: array, items: {$ref: 'pets.yaml#/Pet'}}\n"
                                       "        parent: {$ref: '#/components/schemas/Person'}\n"},
                      {"paths.yaml", "people:\n  get:\n    responses:\n      '200':\n        description: ok\n        content:\n"
                                     "          application/json:\n            schema: {$ref: 'api.yaml#/components/schemas/Person'}\n"},
                      {"pets.yaml", "Pet:\n  type: object\n  properties:\n    owner: {$ref: 'api.yaml#/components/schemas/Person'}\n"
                                    "    litter: {type: array, items: {$ref: '#/Pet'}}\n"}},
                     "api.yaml");
  EXPECT_TRUE(report.valid()) << Problems(report);
  EXPECT_EQ(report.model.files, (std::vector<std::string>{"api.yaml", "paths.yaml", "pets.yaml"}));
  ASSERT_EQ(report.model.resources.size(), 1u);
  EXPECT_EQ(report.model.resources[0].operations.size(), 1u);
}

std::string Warnings(const SpecReport& report) {
  std::string all;
  for (const auto& warning : report.warnings) all += warning.ToString() + "\n";
  return all;
}

// A schema that applies itself in place (allOf, anyOf, oneOf, not, $ref) without ever descending
// into the value would make checking its example recurse forever: it is said, not followed.
TEST(OasCycleTest, InPlaceSchemaCyclesLeaveTheirExamplesUncheckedWithAWarning) {
  for (const std::string version : {"openapi: 3.0.3", "openapi: 3.1.0"}) {
    auto report = Read({{"api.yaml", version + "\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
                                               "    A:\n      allOf: [{$ref: '#/components/schemas/A'}]\n      example: {a: 1}\n"
                                               "    C:\n      anyOf: [{$ref: '#/components/schemas/D'}]\n      example: 1\n"
                                               "    D:\n      not: {$ref: '#/components/schemas/C'}\n      default: 2\n"
                                               "    Node:\n      type: object\n      properties:\n"
                                               "        next: {$ref: '#/components/schemas/Node'}\n"
                                               "      example: {next: {next: {next: 3}}}\n"}},
                       "api.yaml");
    EXPECT_TRUE(report.valid()) << version << "\n" << Problems(report);
    const std::string warnings = Warnings(report);
    EXPECT_NE(warnings.find("api.yaml:8:16: the example cannot be checked: its schema applies itself without end "
                            "(in-place cycle: #/components/schemas/A -> #/components/schemas/A)"),
              std::string::npos)
        << version << "\n" << warnings;
    EXPECT_NE(warnings.find("api.yaml:11:16: the example cannot be checked: its schema applies itself without end "
                            "(in-place cycle: #/components/schemas/C -> #/components/schemas/D -> #/components/schemas/C)"),
              std::string::npos)
        << version << "\n" << warnings;
    EXPECT_NE(warnings.find("api.yaml:14:16: the default cannot be checked: its schema applies itself"), std::string::npos)
        << version << "\n" << warnings;
    // A recursion that descends is checked as usual: the value is finite.
    EXPECT_NE(warnings.find("api.yaml:19:"), std::string::npos) << version << "\n" << warnings;
    EXPECT_EQ(warnings.find("api.yaml:19:16: the example cannot"), std::string::npos) << version << "\n" << warnings;
  }
  auto swagger = Read({{"api.yaml", "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\ndefinitions:\n"
                                    "  A:\n    allOf: [{$ref: '#/definitions/A'}]\n    example: {a: 1}\n"}},
                      "api.yaml");
  EXPECT_NE(Warnings(swagger).find("api.yaml:7:14: the example cannot be checked: its schema applies itself without end"),
            std::string::npos)
      << Warnings(swagger) << Problems(swagger);
}

TEST(OasCycleTest, LongSchemaChainsLeaveTheirExamplesUnchecked) {
  std::string schemas = std::string(kOas) + "paths: {}\ncomponents:\n  schemas:\n";
  for (int i = 0; i < 3000; ++i)
    schemas += "    S" + std::to_string(i) + ": {allOf: [{$ref: '#/components/schemas/S" + std::to_string(i + 1) +
               "'}], example: 1}\n";
  schemas += "    S3000: {type: string}\n";
  auto report = Read({{"api.yaml", schemas}}, "api.yaml");
  EXPECT_NE(Warnings(report).find("api.yaml:6:63: "), std::string::npos) << Warnings(report).substr(0, 500);
  EXPECT_NE(Warnings(report).find("the example cannot be checked: its schema nests more than 256 schemas deep"),
            std::string::npos)
      << Warnings(report).substr(0, 500);
  EXPECT_NE(Warnings(report).find("the example does not match its schema"), std::string::npos)
      << "the short chains' examples are still checked";
}

TEST(OasCycleTest, LongReferenceChainsAreBounded) {
  std::string schemas = std::string(kOas) + "paths: {}\ncomponents:\n  schemas:\n";
  for (int i = 0; i < 20000; ++i)
    schemas += "    S" + std::to_string(i) + ": {$ref: '#/components/schemas/S" + std::to_string(i + 1) + "'}\n";
  schemas += "    S20000: {type: string}\n";
  auto report = Read({{"api.yaml", schemas}}, "api.yaml");
  EXPECT_TRUE(Reports(report, "reference chain deeper than 64 levels")) << Problems(report).substr(0, 500);
}

TEST(OasCycleTest, DeepJsonNestingIsAProblemNotACrash) {
  auto report = Read({{"api.json", "{\"openapi\": \"3.0.3\", \"x\": " + std::string(200000, '[') + std::string(200000, ']') + "}"}},
                     "api.json");
  EXPECT_TRUE(Reports(report, "api.json:1:")) << Problems(report);
  EXPECT_TRUE(Reports(report, "nesting deeper than 512 levels")) << Problems(report);
}

// --- WSDL and XSD ---------------------------------------------------------------------------

std::string Wsdl(const std::string& types) {
  return "<definitions name=\"S\" xmlns=\"http://schemas.xmlsoap.org/wsdl/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\""
         " xmlns:tns=\"urn:s\" targetNamespace=\"urn:s\">\n<types>" + types + "</types>\n"
         "<message name=\"M\"><part name=\"p\" element=\"tns:E\"/></message>\n"
         "<portType name=\"P\"><operation name=\"op\"><input message=\"tns:M\"/></operation></portType>\n"
         "</definitions>\n";
}

std::string Xsd(const std::string& content) {
  return "<xsd:schema xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:s\">" + content + "</xsd:schema>\n";
}

TEST(WsdlCycleTest, ImportAndIncludeCyclesAreAllowedAndReadOnce) {
  auto report = Read({{"s.wsdl", Wsdl(Xsd("<xsd:import schemaLocation=\"a.xsd\"/>"))},
                      {"a.xsd", Xsd("<xsd:include schemaLocation=\"b.xsd\"/><xsd:include schemaLocation=\"a.xsd\"/>"
                                    "<xsd:element name=\"E\" type=\"xsd:string\"/>")},
                      {"b.xsd", Xsd("<xsd:import schemaLocation=\"a.xsd\"/>")}},
                     "s.wsdl");
  EXPECT_TRUE(report.valid()) << Problems(report);
  EXPECT_EQ(report.model.files, (std::vector<std::string>{"s.wsdl", "a.xsd", "b.xsd"}));
  EXPECT_EQ(report.model.DataTypeNames(), (std::vector<std::string>{"tns:E"}));  // XSD names are qualified
}

TEST(WsdlCycleTest, AWsdlImportingItselfIsReadOnce) {
  std::string wsdl = Wsdl(Xsd("<xsd:element name=\"E\" type=\"xsd:string\"/>"));
  wsdl.insert(wsdl.find("<types>"), "<import namespace=\"urn:s\" location=\"s.wsdl\"/>\n");
  auto report = Read({{"s.wsdl", wsdl}}, "s.wsdl");
  EXPECT_TRUE(report.valid()) << Problems(report);
  EXPECT_EQ(report.model.resources.size(), 1u);
}

TEST(WsdlCycleTest, ImportChainDeeperThanTheLimit) {
  std::map<std::string, std::string> files{{"s.wsdl", Wsdl(Xsd("<xsd:import schemaLocation=\"x0.xsd\"/>"))}};
  for (int i = 0; i < 100; ++i)
    files["x" + std::to_string(i) + ".xsd"] = Xsd("<xsd:import schemaLocation=\"x" + std::to_string(i + 1) + ".xsd\"/>");
  files["x100.xsd"] = Xsd("<xsd:element name=\"E\" type=\"xsd:string\"/>");
  auto report = Read(files, "s.wsdl");
  EXPECT_TRUE(Reports(report, "x62.xsd:1:")) << Problems(report);
  EXPECT_TRUE(Reports(report, "import chain deeper than 64 levels at x63.xsd")) << Problems(report);
}

TEST(WsdlCycleTest, GroupCyclesAreReportedAndGroupExpansionIsBounded) {
  auto cycle = Read({{"s.wsdl", Wsdl(Xsd("<xsd:group name=\"G\"><xsd:sequence><xsd:group ref=\"tns:G\"/>"
                                          "<xsd:group ref=\"tns:G\"/></xsd:sequence></xsd:group>\n"
                                          "<xsd:attributeGroup name=\"A\"><xsd:attributeGroup ref=\"tns:A\"/></xsd:attributeGroup>\n"
                                          "<xsd:complexType name=\"T\"><xsd:group ref=\"tns:G\"/>"
                                          "<xsd:attributeGroup ref=\"tns:A\"/></xsd:complexType>"
                                          "<xsd:element name=\"E\" type=\"tns:T\"/>"))}},
                    "s.wsdl");
  EXPECT_TRUE(Reports(cycle, "s.wsdl:2:124: group cycle: tns:G -> tns:G")) << Problems(cycle);
  EXPECT_TRUE(Reports(cycle, "attribute group cycle: tns:A -> tns:A")) << Problems(cycle);
  // 30 groups, each holding the next twice: 2^30 expansions if nothing stopped them.
  std::string groups;
  for (int i = 0; i < 30; ++i)
    groups += "<xsd:group name=\"G" + std::to_string(i) + "\"><xsd:sequence><xsd:group ref=\"tns:G" + std::to_string(i + 1) +
              "\"/><xsd:group ref=\"tns:G" + std::to_string(i + 1) + "\"/></xsd:sequence></xsd:group>";
  groups += "<xsd:group name=\"G30\"><xsd:sequence><xsd:element name=\"x\" type=\"xsd:string\"/></xsd:sequence></xsd:group>";
  auto expansion = Read({{"s.wsdl", Wsdl(Xsd(groups + "<xsd:complexType name=\"T\"><xsd:group ref=\"tns:G0\"/></xsd:complexType>"
                                                     "<xsd:element name=\"E\" type=\"tns:T\"/>"))}},
                        "s.wsdl");
  EXPECT_TRUE(Reports(expansion, "groups expand to more than 200000 particles and attributes")) << Problems(expansion);
}

TEST(WsdlCycleTest, DeepXmlNestingIsAProblemNotACrash) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<types>";
  for (int i = 0; i < 100000; ++i) deep += "</types>";
  auto report = Read({{"s.wsdl", Wsdl(deep)}}, "s.wsdl");
  EXPECT_TRUE(Reports(report, "XML elements nest deeper than 512 levels")) << Problems(report).substr(0, 500);
}

}  // namespace
}  // namespace agora::specs
