// Mutation tests on real specs of the corpus: each test edits a copy of a spec the way an API's
// next version might, and checks the report names the change with its expected id and level.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "compat/compat.h"
#include "specs/spec_reader.h"

namespace agora::compat {
namespace {

namespace fs = std::filesystem;

std::string Corpus(const std::string& path) { return std::string(AGORA_CORPUS_DIR) + "/" + path; }

using Files = std::map<std::string, std::string>;

// Every file of a corpus folder (or one file), by its path inside it.
Files Load(const std::string& path) {
  Files files;
  const fs::path root(Corpus(path));
  if (!fs::exists(root)) ADD_FAILURE() << "corpus missing: " << root;
  auto read = [](const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  if (fs::is_regular_file(root)) {
    files[root.filename().string()] = read(root);
    return files;
  }
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file()) files[fs::relative(entry.path(), root).generic_string()] = read(entry.path());
  return files;
}

// Replaces the first `from` (after `after`, when given) in one file; the edit must apply.
void Edit(Files& files, const std::string& file, const std::string& from, const std::string& to,
          const std::string& after = "") {
  std::string& text = files.at(file);
  const size_t start = after.empty() ? 0 : text.find(after);
  ASSERT_NE(start, std::string::npos) << after;
  const size_t at = text.find(from, start);
  ASSERT_NE(at, std::string::npos) << "no '" << from << "' in " << file;
  text.replace(at, from.size(), to);
}

specs::ApiModel Model(const Files& files, const std::string& main) {
  const specs::SpecReport report = specs::ReadSpec(specs::InMemorySpecSource(files), main);
  for (const auto& problem : report.problems) ADD_FAILURE() << problem.ToString();
  return report.model;
}

std::vector<const Change*> Find(const Report& report, const std::string& id) {
  std::vector<const Change*> found;
  for (const Change& change : report.changes)
    if (change.id == id) found.push_back(&change);
  return found;
}

std::string Ids(const Report& report) {
  std::string ids;
  for (const Change& change : report.changes) ids += change.id + " (" + change.operation + change.component + ")\n";
  return ids;
}

// ---- WSDL ----

constexpr const char* kCustomers = "wsdl/cxf-CustomerService.wsdl";
constexpr const char* kCustomersMain = "cxf-CustomerService.wsdl";

Report CompareCustomers(const Files& revision) {
  return Compare(Model(Load(kCustomers), kCustomersMain), Model(revision, kCustomersMain));
}

TEST(WsdlMutationTest, AnUnchangedWsdlHasNoChanges) {
  EXPECT_TRUE(CompareCustomers(Load(kCustomers)).changes.empty());
}

TEST(WsdlMutationTest, AnOperationRemoved) {
  Files files = Load(kCustomers);
  std::string& text = files.at(kCustomersMain);
  const std::string operation = "        <wsdl:operation name=\"updateCustomer\">";
  const size_t begin = text.find(operation);
  const size_t end = text.find("</wsdl:operation>", begin) + std::string("</wsdl:operation>").size();
  ASSERT_NE(begin, std::string::npos);
  text.erase(begin, end - begin);
  const Report report = CompareCustomers(files);
  const auto removed = Find(report, "api-removed-without-deprecation");
  ASSERT_EQ(removed.size(), 1u) << Ids(report);
  EXPECT_EQ(removed[0]->level, Level::kErr);
  EXPECT_EQ(removed[0]->operation, "CustomerService.updateCustomer");
  EXPECT_EQ(removed[0]->base, (specs::SourceLocation{kCustomersMain, 80, 10}));
}

TEST(WsdlMutationTest, AnElementMadeMandatory) {
  Files files = Load(kCustomers);
  // getCustomersByName's name: minOccurs 0 -> 1 (the default)
  Edit(files, kCustomersMain, "<xs:element minOccurs=\"0\" name=\"name\" type=\"xs:string\"/>",
       "<xs:element name=\"name\" type=\"xs:string\"/>", "<xs:complexType name=\"getCustomersByName\">");
  const Report report = CompareCustomers(files);
  const auto required = Find(report, "request-property-became-required");
  ASSERT_EQ(required.size(), 1u) << Ids(report);
  EXPECT_EQ(required[0]->level, Level::kErr);
  EXPECT_EQ(required[0]->operation, "CustomerService.getCustomersByName");
  EXPECT_NE(required[0]->message.find("parameters/name"), std::string::npos) << required[0]->message;
  EXPECT_TRUE(report.Reaches(Level::kErr));
}

TEST(WsdlMutationTest, AnEnumerationValueRemoved) {
  Files files = Load(kCustomers);
  Edit(files, kCustomersMain, "<xs:enumeration value=\"BUSINESS\"/>", "");
  const Report report = CompareCustomers(files);
  // customerType is sent by updateCustomer (breaks) and received by getCustomersByName (safe).
  const auto sent = Find(report, "request-property-enum-value-removed");
  ASSERT_EQ(sent.size(), 1u) << Ids(report);
  EXPECT_EQ(sent[0]->level, Level::kErr);
  EXPECT_EQ(sent[0]->operation, "CustomerService.updateCustomer");
  const auto received = Find(report, "response-property-enum-value-removed");
  ASSERT_EQ(received.size(), 1u) << Ids(report);
  EXPECT_EQ(received[0]->level, Level::kInfo);
}

TEST(WsdlMutationTest, ATypeNarrowed) {
  Files files = Load(kCustomers);
  Edit(files, kCustomersMain, "name=\"numOrders\" type=\"xs:int\"", "name=\"numOrders\" type=\"xs:short\"");
  const Report report = CompareCustomers(files);
  const auto changed = Find(report, "request-property-type-changed");
  ASSERT_EQ(changed.size(), 1u) << Ids(report);
  EXPECT_EQ(changed[0]->level, Level::kErr);
  EXPECT_NE(changed[0]->message.find("integer/int32 to integer/int16"), std::string::npos) << changed[0]->message;
}

TEST(WsdlMutationTest, ASoapActionChanged) {
  Files files = Load(kCustomers);
  Edit(files, kCustomersMain, "soapAction=\"\"", "soapAction=\"urn:getCustomersByName\"", "<wsdl:operation name=\"getCustomersByName\">\n            <soap");
  const Report report = CompareCustomers(files);
  const auto changed = Find(report, "soap-action-changed");
  ASSERT_EQ(changed.size(), 1u) << Ids(report);
  EXPECT_EQ(changed[0]->level, Level::kErr);
  EXPECT_EQ(changed[0]->operation, "CustomerService.getCustomersByName");
  EXPECT_EQ(changed[0]->revision, (specs::SourceLocation{kCustomersMain, 83, 10}));
}

TEST(WsdlMutationTest, AServiceAddressChanged) {
  Files files = Load(kCustomers);
  Edit(files, kCustomersMain, "http://localhost:9090/CustomerServicePort", "https://customers.example.com/soap");
  const Report report = CompareCustomers(files);
  const auto moved = Find(report, "service-port-address-changed");
  ASSERT_EQ(moved.size(), 1u) << Ids(report);
  EXPECT_EQ(moved[0]->component, "services");
  EXPECT_EQ(moved[0]->level, Level::kWarn);
}

// A type of an XSD two imports away narrowed: the SOAP header parameters and body elements
// using it report it.
TEST(WsdlMutationTest, ATypeNarrowedAcrossImports) {
  const std::string folder = "wsdl/osgp-tariffswitching-adhoc";
  const std::string main = "TariffSwitchingAdHocManagement.wsdl";
  Files files = Load(folder);
  Edit(files, "schemas/common-ws-tariffswitching.xsd", "<xsd:maxLength value=\"40\" />", "<xsd:maxLength value=\"20\" />");
  const Report report = Compare(Model(Load(folder), main), Model(files, main));
  EXPECT_FALSE(Find(report, "request-parameter-max-length-decreased").empty()) << Ids(report);
  const auto property = Find(report, "request-property-max-length-decreased");
  ASSERT_FALSE(property.empty()) << Ids(report);
  EXPECT_EQ(property[0]->revision.file, "schemas/common-ws-tariffswitching.xsd");
}

// ---- RAML ----

constexpr const char* kNexmo = "raml/nexmo-sms-api.raml";
constexpr const char* kNexmoMain = "nexmo-sms-api.raml";

Report CompareNexmo(const Files& revision) {
  return Compare(Model(Load(kNexmo), kNexmoMain), Model(revision, kNexmoMain));
}

TEST(RamlMutationTest, AnUnchangedRamlHasNoChanges) { EXPECT_TRUE(CompareNexmo(Load(kNexmo)).changes.empty()); }

TEST(RamlMutationTest, AResourceRemoved) {
  Files files = Load(kNexmo);
  std::string& text = files.at(kNexmoMain);
  const size_t begin = text.find("\n/number/cancel:");
  ASSERT_NE(begin, std::string::npos);
  text.erase(begin + 1);  // the last resource, to the end of the file
  const Report report = CompareNexmo(files);
  const auto removed = Find(report, "api-path-removed-without-deprecation");
  ASSERT_EQ(removed.size(), 1u) << Ids(report);
  EXPECT_EQ(removed[0]->level, Level::kErr);
  EXPECT_EQ(removed[0]->path, "/number/cancel");
}

TEST(RamlMutationTest, AQueryParameterMadeRequired) {
  Files files = Load(kNexmo);
  Edit(files, kNexmoMain, "required: false", "required: true", "/account/numbers:\n  get:\n    displayName: List rented numbers\n"
       "    description: Retrieve all the inbound numbers associated with your Nexmo account.\n    queryParameters:\n"
       "      api_key:\n        required: true\n        displayName: API Key\n        description: Your Nexmo account API key\n"
       "        type: string\n      api_secret:\n        required: true\n        displayName: API Secret\n"
       "        description: The API Key's secret\n        type: string\n      pattern:");
  const Report report = CompareNexmo(files);
  const auto required = Find(report, "request-parameter-became-required");
  ASSERT_EQ(required.size(), 1u) << Ids(report);
  EXPECT_EQ(required[0]->level, Level::kErr);
  EXPECT_EQ(required[0]->operation, "GET /account/numbers");
  EXPECT_NE(required[0]->message.find("query parameter 'pattern'"), std::string::npos) << required[0]->message;
  EXPECT_EQ(required[0]->base.file, kNexmoMain);
}

TEST(RamlMutationTest, AnEnumValueRemoved) {
  Files files = Load(kNexmo);
  Edit(files, kNexmoMain, "        - vcard\n", "", "/sms/json:");
  const Report report = CompareNexmo(files);
  const auto removed = Find(report, "request-parameter-enum-value-removed");
  ASSERT_EQ(removed.size(), 1u) << Ids(report);
  EXPECT_EQ(removed[0]->level, Level::kErr);
  EXPECT_EQ(removed[0]->operation, "POST /sms/json");
}

TEST(RamlMutationTest, ATypeNarrowed) {
  Files files = Load(kNexmo);
  Edit(files, kNexmoMain, "type: number\n        format: double", "type: integer", "      ttl:");
  const Report report = CompareNexmo(files);
  const auto changed = Find(report, "request-parameter-type-changed");
  ASSERT_EQ(changed.size(), 1u) << Ids(report);
  EXPECT_EQ(changed[0]->level, Level::kErr);
  EXPECT_NE(changed[0]->message.find("'ttl'"), std::string::npos) << changed[0]->message;
}

// ---- the same edit in RAML and in OAS reads the same ----

constexpr const char* kRamlPets = R"(#%RAML 1.0
title: Pets
version: v1
mediaType: application/json
types:
  Pet:
    type: object
    properties:
      name: string
      kind:
        type: string
        enum: [cat, dog, bird]
      age:
        type: integer
        required: false
/pets:
  get:
    queryParameters:
      limit:
        type: integer
        required: false
        maximum: 100
    responses:
      200:
        body:
          type: Pet[]
  post:
    body:
      type: Pet
    responses:
      201:
        body:
          type: Pet
  delete:
    responses:
      204:
)";

constexpr const char* kOasPets = R"(openapi: 3.0.3
info: {title: Pets, version: v1}
paths:
  /pets:
    get:
      parameters:
        - {name: limit, in: query, required: false, schema: {type: integer, maximum: 100}}
      responses:
        '200':
          description: pets
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
    delete:
      responses:
        '204': {description: gone}
components:
  schemas:
    Pet:
      type: object
      required: [name, kind]
      properties:
        name: {type: string}
        kind: {type: string, enum: [cat, dog, bird]}
        age: {type: integer}
)";

struct SameEdit {
  std::string what;
  std::string raml_from, raml_to, oas_from, oas_to;
  std::vector<std::string> ids;  // what both report, sorted
};

std::vector<std::string> SortedIds(const Report& report) {
  std::vector<std::string> ids;
  for (const Change& change : report.changes) ids.push_back(change.id + " " + change.operation);
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(SameEditTest, RamlAndOasReportTheSameIds) {
  const std::vector<SameEdit> edits = {
      {"a query parameter made required", "        required: false\n        maximum: 100",
       "        required: true\n        maximum: 100", "required: false, schema: {type: integer, maximum: 100}",
       "required: true, schema: {type: integer, maximum: 100}", {"request-parameter-became-required GET /pets"}},
      {"a bound tightened", "maximum: 100", "maximum: 10", "maximum: 100}", "maximum: 10}",
       {"request-parameter-max-decreased GET /pets"}},
      {"an operation removed", "  delete:\n    responses:\n      204:\n", "", "    delete:\n      responses:\n        '204': {description: gone}\n",
       "", {"api-removed-without-deprecation DELETE /pets"}},
      {"an enum value removed", "enum: [cat, dog, bird]", "enum: [cat, dog]", "enum: [cat, dog, bird]", "enum: [cat, dog]",
       {"request-property-enum-value-removed POST /pets", "response-property-enum-value-removed GET /pets",
        "response-property-enum-value-removed POST /pets"}},
      {"a property made required", "        type: integer\n        required: false\n", "        type: integer\n",
       "required: [name, kind]", "required: [name, kind, age]",
       {"request-property-became-required POST /pets", "response-property-became-required GET /pets",
        "response-property-became-required POST /pets"}},
      {"a property's type widened", "      age:\n        type: integer", "      age:\n        type: number",
       "age: {type: integer}", "age: {type: number}",
       {"request-property-type-generalized POST /pets", "response-property-type-generalized GET /pets",
        "response-property-type-generalized POST /pets"}},
  };
  const specs::ApiModel raml_base = Model({{"api.raml", kRamlPets}}, "api.raml");
  const specs::ApiModel oas_base = Model({{"api.yaml", kOasPets}}, "api.yaml");
  ASSERT_TRUE(Compare(raml_base, raml_base).changes.empty());
  for (const SameEdit& edit : edits) {
    SCOPED_TRACE(edit.what);
    Files raml{{"api.raml", kRamlPets}}, oas{{"api.yaml", kOasPets}};
    Edit(raml, "api.raml", edit.raml_from, edit.raml_to);
    Edit(oas, "api.yaml", edit.oas_from, edit.oas_to);
    const Report raml_report = Compare(raml_base, Model(raml, "api.raml"));
    const Report oas_report = Compare(oas_base, Model(oas, "api.yaml"));
    EXPECT_EQ(SortedIds(raml_report), edit.ids) << Ids(raml_report);
    EXPECT_EQ(SortedIds(oas_report), edit.ids) << Ids(oas_report);
  }
}

}  // namespace
}  // namespace agora::compat
