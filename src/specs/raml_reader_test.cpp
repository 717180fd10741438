// The RAML reader: the ApiModel it extracts (resources, methods, parameters, bodies, responses,
// applied traits and resource types, security, types as shapes, locations) and the problems it
// reports, on small inline documents and on the corpus's RAML files.
#include "specs/raml_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace agora::specs {
namespace {

SpecReport Read(std::map<std::string, std::string> files, const std::string& main = "api.raml") {
  InMemorySpecSource source(std::move(files));
  return ReadRaml(source, main);
}

std::string Problems(const SpecReport& report) {
  std::string out;
  for (const auto& problem : report.problems) out += problem.ToString() + "\n";
  return out;
}

const Resource* FindResource(const ApiModel& model, const std::string& path) {
  for (const auto& resource : model.resources)
    if (resource.path == path) return &resource;
  return nullptr;
}

const Operation* FindOperation(const ApiModel& model, const std::string& path, const std::string& method) {
  const Resource* resource = FindResource(model, path);
  if (!resource) return nullptr;
  for (const auto& operation : resource->operations)
    if (operation.method == method) return &operation;
  return nullptr;
}

const Parameter* FindParameter(const Operation& operation, const std::string& name, const std::string& in) {
  for (const auto& parameter : operation.parameters)
    if (parameter.name == name && parameter.in == in) return &parameter;
  return nullptr;
}

constexpr const char* kApi = R"(#%RAML 1.0
title: Flights
version: v2
baseUri: https://{region}.example.com/{version}
baseUriParameters:
  region:
    enum: [eu, us]
protocols: [HTTPS]
mediaType: application/json
documentation:
  - title: Intro
    content: Read me
securitySchemes:
  oauth:
    type: OAuth 2.0
    settings:
      accessTokenUri: https://example.com/token
      authorizationUri: https://example.com/auth
      authorizationGrants: [authorization_code]
      scopes: [read, write]
securedBy: [oauth: {scopes: [read]}]
uses:
  geo: geo.raml
types:
  Flight:
    type: object
    properties:
      code:
        type: string
        pattern: ^[A-Z]{2}[0-9]+$
      from: geo.Airport
      departs: datetime
      day?: date-only
    example:
      code: BA117
      from: {iata: LHR}
      departs: 2026-01-01T10:00:00Z
  Charter:
    type: Flight
    properties:
      operator: string
  Either: Flight | Charter
traits:
  paged:
    queryParameters:
      <<prefix>>Size:
        type: integer
        minimum: 1
    description: Pages of <<resourcePathName | !singularize>> items
resourceTypes:
  collection:
    get:
      is: [paged: {prefix: page}]
      responses:
        200:
          body:
            type: <<item>>[]
    post?:
      body:
        type: <<item>>
/flights:
  type: {collection: {item: Flight}}
  post:
    securedBy: [null, oauth: {scopes: [write]}]
  /{id}:
    uriParameters:
      id:
        type: integer
    get:
      headers:
        X-Trace?: string
      responses:
        200:
          headers:
            ETag: string
          body:
            application/json: Flight
            application/xml:
        404:
          description: no such flight
)";

constexpr const char* kGeo = R"(#%RAML 1.0 Library
types:
  Airport:
    properties:
      iata:
        type: string
        minLength: 3
        maxLength: 3
)";

TEST(RamlReaderTest, ModelsTheApiAsItIsServed) {
  const SpecReport report = Read({{"api.raml", kApi}, {"geo.raml", kGeo}});
  ASSERT_TRUE(report.valid()) << Problems(report);
  const ApiModel& model = report.model;
  EXPECT_EQ(model.title, "Flights");
  EXPECT_EQ(model.version, "v2");
  EXPECT_EQ(model.base_uris, std::vector<std::string>{"https://{region}.example.com/{version}"});
  ASSERT_EQ(model.base_uri_parameters.size(), 1u);
  EXPECT_EQ(model.base_uri_parameters[0].name, "region");
  EXPECT_EQ(model.base_uri_parameters[0].shape[0].enum_values, (std::vector<std::string>{R"("eu")", R"("us")"}));
  EXPECT_EQ(model.protocols, std::vector<std::string>{"HTTPS"});
  EXPECT_EQ(model.media_types, std::vector<std::string>{"application/json"});
  ASSERT_EQ(model.documentation.size(), 1u);
  EXPECT_EQ(model.documentation[0].content, "Read me");
  ASSERT_EQ(model.security_schemes.size(), 1u);
  EXPECT_EQ(model.security_schemes[0].type, "OAuth 2.0");
  EXPECT_EQ(model.security_schemes[0].settings.at("scopes"), R"(["read","write"])");
  EXPECT_EQ(model.resources.size(), 2u);
}

TEST(RamlReaderTest, AppliesResourceTypesAndTraitsWithParametersAndFunctions) {
  const SpecReport report = Read({{"api.raml", kApi}, {"geo.raml", kGeo}});
  ASSERT_TRUE(report.valid()) << Problems(report);
  const Operation* list = FindOperation(report.model, "/flights", "get");
  ASSERT_NE(list, nullptr) << "the resource type's get applies";
  const Parameter* size = FindParameter(*list, "pageSize", "query");
  ASSERT_NE(size, nullptr) << "the trait's <<prefix>>Size parameter";
  EXPECT_EQ(size->shape[0].type, "integer");
  EXPECT_EQ(size->shape[0].minimum, 1);
  EXPECT_EQ(list->description, "Pages of flight items");  // <<resourcePathName | !singularize>>
  ASSERT_EQ(list->responses.size(), 1u);
  ASSERT_EQ(list->responses[0].bodies.size(), 1u);
  EXPECT_EQ(list->responses[0].bodies[0].media_type, "application/json");
  EXPECT_EQ(list->responses[0].bodies[0].shape[0].type, "array");
  EXPECT_EQ(list->responses[0].bodies[0].shape[0].items[0].ref, "Flight");
  const Operation* create = FindOperation(report.model, "/flights", "post");
  ASSERT_NE(create, nullptr);
  ASSERT_EQ(create->request_bodies.size(), 1u) << "the optional post? applies where the resource has post";
  EXPECT_EQ(create->request_bodies[0].shape[0].ref, "Flight");
  const Resource* item = FindResource(report.model, "/flights/{id}");
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->operations.size(), 1u) << "no post? on a resource without post";
}

TEST(RamlReaderTest, ModelsParametersResponsesAndEffectiveSecurity) {
  const SpecReport report = Read({{"api.raml", kApi}, {"geo.raml", kGeo}});
  ASSERT_TRUE(report.valid()) << Problems(report);
  const Operation* get = FindOperation(report.model, "/flights/{id}", "get");
  ASSERT_NE(get, nullptr);
  const Parameter* id = FindParameter(*get, "id", "path");
  ASSERT_NE(id, nullptr);
  EXPECT_TRUE(id->required);
  EXPECT_EQ(id->shape[0].type, "integer");
  EXPECT_EQ(id->location.file, "api.raml");
  EXPECT_GT(id->location.line, 0u);
  const Parameter* trace = FindParameter(*get, "X-Trace", "header");
  ASSERT_NE(trace, nullptr);
  EXPECT_FALSE(trace->required);
  ASSERT_EQ(get->responses.size(), 2u);
  EXPECT_EQ(get->responses[0].status, "200");
  EXPECT_EQ(get->responses[0].headers[0].name, "ETag");
  ASSERT_EQ(get->responses[0].bodies.size(), 2u);
  EXPECT_EQ(get->responses[0].bodies[0].shape[0].ref, "Flight");
  EXPECT_EQ(get->responses[0].bodies[1].media_type, "application/xml");
  EXPECT_EQ(get->responses[0].bodies[1].shape[0].type, "any");
  EXPECT_EQ(get->responses[1].description, "no such flight");
  // The API's default security, with its scopes, applies where nothing else is said.
  ASSERT_EQ(get->security.size(), 1u);
  EXPECT_EQ(get->security[0][0].scheme, "oauth");
  EXPECT_EQ(get->security[0][0].scopes, std::vector<std::string>{"read"});
  const Operation* post = FindOperation(report.model, "/flights", "post");
  ASSERT_EQ(post->security.size(), 2u);
  EXPECT_EQ(post->security[0][0].scheme, "null");
  EXPECT_EQ(post->security[1][0].scopes, std::vector<std::string>{"write"});
}

TEST(RamlReaderTest, ModelsTypesAsShapes) {
  const SpecReport report = Read({{"api.raml", kApi}, {"geo.raml", kGeo}});
  ASSERT_TRUE(report.valid()) << Problems(report);
  const auto& types = report.model.types;
  ASSERT_TRUE(types.count("Flight"));
  ASSERT_TRUE(types.count("geo.Airport")) << "library types are qualified as the API uses them";
  const Shape& flight = types.at("Flight");
  EXPECT_EQ(flight.type, "object");
  ASSERT_EQ(flight.properties.size(), 4u);
  EXPECT_EQ(flight.properties[0].shape[0].pattern, "^[A-Z]{2}[0-9]+$");
  EXPECT_EQ(flight.properties[1].shape[0].ref, "geo.Airport");
  EXPECT_EQ(flight.properties[2].shape[0].format, "date-time");
  EXPECT_EQ(flight.properties[3].name, "day");
  EXPECT_FALSE(flight.properties[3].required);
  EXPECT_EQ(flight.properties[3].shape[0].format, "date");
  ASSERT_EQ(flight.examples.size(), 1u);
  EXPECT_NE(flight.examples[0].value.find("\"BA117\""), std::string::npos);
  EXPECT_EQ(flight.location.file, "api.raml");
  const Shape& charter = types.at("Charter");
  ASSERT_EQ(charter.all_of.size(), 1u) << "inheritance kept as all_of";
  EXPECT_EQ(charter.all_of[0].ref, "Flight");
  ASSERT_EQ(charter.properties.size(), 1u) << "only its own properties";
  const Shape& either = types.at("Either");
  EXPECT_EQ(either.type, "union");
  ASSERT_EQ(either.any_of.size(), 2u);
  EXPECT_EQ(either.any_of[1].ref, "Charter");
  EXPECT_EQ(types.at("geo.Airport").properties[0].shape[0].min_length, 3u);
}

TEST(RamlReaderTest, ReportsProblemsWhereTheyAreWritten) {
  const SpecReport report = Read({{"api.raml", R"(#%RAML 1.0
title: T
types:
  Age:
    type: integer
    minimum: 0
    example: -1
  Name:
    type: string
    color: blue
/a:
  get:
    is: [missing]
    responses:
      700:
)"}});
  const std::string problems = Problems(report);
  EXPECT_NE(problems.find("api.raml:7:14: the example does not conform to its type: less than the minimum"), std::string::npos)
      << problems;
  EXPECT_NE(problems.find("api.raml:10:5: 'color' is not a facet of a string type"), std::string::npos) << problems;
  EXPECT_NE(problems.find("api.raml:13:10: the trait 'missing' is not declared"), std::string::npos) << problems;
  EXPECT_NE(problems.find("api.raml:15:7: '700' is not an HTTP status code"), std::string::npos) << problems;
}

TEST(RamlReaderTest, ResolvesRecursiveAndMutuallyReferringTypes) {
  const SpecReport report = Read({{"api.raml", R"(#%RAML 1.0
title: T
types:
  Entity:
    properties:
      createdBy?: User
      children?: Entity[]
  User:
    type: Entity
    properties:
      name: string
    example:
      name: ann
      children: [{createdBy: {name: bob}}]
  Loop:
    type: Loop2
  Loop2:
    type: Loop
)"}});
  const std::string problems = Problems(report);
  EXPECT_NE(problems.find("type inheritance cycle: Loop -> Loop2 -> Loop"), std::string::npos) << problems;
  EXPECT_EQ(report.problems.size(), 1u) << problems;
  EXPECT_EQ(report.model.types.at("User").all_of[0].ref, "Entity");
}

TEST(RamlReaderTest, ReadsRaml08NamedParametersSchemasAndFormParameters) {
  const SpecReport report = Read({{"api.raml", R"(#%RAML 0.8
title: Old
schemas:
  - user: '{"type": "object"}'
traits:
  - paged:
      queryParameters:
        page: {type: integer}
resourceTypes:
  - base:
      get?:
        responses:
          404?:
            description: gone
/users:
  type: base
  get:
    is: [paged]
  post:
    body:
      application/json:
        schema: user
      application/x-www-form-urlencoded:
        formParameters:
          name: {type: string, required: true}
)"}});
  ASSERT_TRUE(report.valid()) << Problems(report);
  const Operation* get = FindOperation(report.model, "/users", "get");
  ASSERT_NE(get, nullptr);
  EXPECT_NE(FindParameter(*get, "page", "query"), nullptr);
  const Operation* post = FindOperation(report.model, "/users", "post");
  ASSERT_EQ(post->request_bodies.size(), 2u);
  EXPECT_EQ(post->request_bodies[0].shape[0].ref, "user");
  EXPECT_EQ(report.model.types.at("user").schema_language, "json-schema");
  EXPECT_EQ(post->request_bodies[1].shape[0].properties[0].name, "name");
  EXPECT_TRUE(post->request_bodies[1].shape[0].properties[0].required);
}

struct CorpusCase {
  const char* path;
  const char* main;
};

class RamlCorpusTest : public testing::TestWithParam<CorpusCase> {};

// Every valid corpus RAML file reads without problems into a model whose operations all carry
// locations, so the portal can link each back to its source.
TEST_P(RamlCorpusTest, ReadsWithoutProblemsAndLocatesEveryOperation) {
  const std::string root = std::string(AGORA_CORPUS_DIR) + "/" + GetParam().path;
  const bool folder = std::string(GetParam().main).size() > 0;
  DirectorySpecSource source(folder ? root : root.substr(0, root.rfind('/')));
  const std::string main = folder ? GetParam().main : root.substr(root.rfind('/') + 1);
  const SpecReport report = ReadRaml(source, main);
  EXPECT_TRUE(report.valid()) << Problems(report);
  for (const auto& resource : report.model.resources)
    for (const auto& operation : resource.operations) EXPECT_TRUE(operation.location.known()) << resource.path;
}

INSTANTIATE_TEST_SUITE_P(Corpus, RamlCorpusTest,
                         testing::Values(CorpusCase{"raml/google-drive-api", "google-drive-api.raml"},
                                         CorpusCase{"raml/alainn-cosmetics", "api.raml"},
                                         CorpusCase{"raml/instagram-1.0", "api.raml"},
                                         CorpusCase{"raml/fhir-healthcare-system-api", "healthcare-system-api.raml"},
                                         CorpusCase{"raml/world-music-api", "input.raml"},
                                         CorpusCase{"raml/appian-api.raml", ""},
                                         CorpusCase{"raml/nexmo-sms-api.raml", ""},
                                         CorpusCase{"raml/mule-agent-api-0.8.raml", ""},
                                         CorpusCase{"raml/jira-v2-0.8", "api.raml"},
                                         CorpusCase{"raml-fragments/oauth2-fragment.raml", ""},
                                         CorpusCase{"raml-fragments/lib-fragment.raml", ""},
                                         CorpusCase{"raml-fragments/type-fragment.raml", ""},
                                         CorpusCase{"raml-fragments/paged.trait.raml", ""},
                                         CorpusCase{"raml-fragments/example-fragment.raml", ""}));

// Google Drive's API: nested resources, library types, OAuth 2.0 scopes applied through securedBy.
TEST(RamlReaderTest, ModelsGoogleDrive) {
  DirectorySpecSource source(std::string(AGORA_CORPUS_DIR) + "/raml/google-drive-api");
  const SpecReport report = ReadRaml(source, "google-drive-api.raml");
  ASSERT_TRUE(report.valid()) << Problems(report);
  const ApiModel& model = report.model;
  const Operation* list = FindOperation(model, "/files", "get");
  ASSERT_NE(list, nullptr);
  EXPECT_FALSE(list->parameters.empty());
  EXPECT_FALSE(list->responses.empty());
  EXPECT_FALSE(list->security.empty());
  EXPECT_FALSE(model.security_schemes.empty());
  EXPECT_TRUE(std::any_of(model.types.begin(), model.types.end(),
                          [](const auto& entry) { return entry.first.find('.') != std::string::npos; }))
      << "library types are qualified";
}

}  // namespace
}  // namespace agora::specs

namespace agora::specs {
namespace {

struct RuleCase {
  const char* name;
  const char* body;      // after "#%RAML 1.0\ntitle: T\n"
  const char* problem;   // "line:column: message" or, where the place is obvious, part of the message
};

class RamlRuleTest : public testing::TestWithParam<RuleCase> {};

// Each rule of the RAML 1.0 specification agora checks, broken once, reported where it is broken.
TEST_P(RamlRuleTest, ReportsTheRuleWhereItIsBroken) {
  const SpecReport report = Read({{"api.raml", std::string("#%RAML 1.0\ntitle: T\n") + GetParam().body},
                                  {"schema.json", "{\"type\": \"object\", properties: {}}"}});
  const std::string problems = Problems(report);
  const std::string expected = GetParam().problem;
  const bool placed = std::isdigit(static_cast<unsigned char>(expected[0]));
  EXPECT_NE(problems.find(placed ? "api.raml:" + expected : expected), std::string::npos) << problems;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, RamlRuleTest,
    testing::Values(
        RuleCase{"UnknownRootKey", "color: blue\n", "3:1: 'color' is not a property of a RAML API"},
        RuleCase{"BuiltInTypeName", "types:\n  string: {type: number}\n", "4:11: 'string' is a built-in type"},
        RuleCase{"FacetOfAnotherKind", "types:\n  A: {type: number, pattern: x}\n", "4:21: 'pattern' is not a facet of a number type"},
        RuleCase{"NegativeLength", "types:\n  A: {type: string, minLength: -1}\n", "4:32: 'minLength' must be a non-negative integer"},
        RuleCase{"MinAboveMax", "types:\n  A: {type: number, minimum: 3, maximum: 1}\n", "4:6: 'maximum' must not be less than 'minimum'"},
        RuleCase{"NumberFormat", "types:\n  A: {type: integer, format: int128}\n", "'int128' is not a valid format"},
        RuleCase{"WeakerThanParent", "types:\n  A: {type: string, maxLength: 5}\n  B: {type: A, maxLength: 9}\n",
                 "5:6: 'maxLength' is weaker than the parent type's"},
        RuleCase{"MixedInheritance", "types:\n  A: {type: object}\n  B: {type: [A, string]}\n", "5:13: a type can inherit"},
        RuleCase{"UnknownType", "types:\n  A: Missing[]\n", "4:6: the type 'Missing' is not declared"},
        RuleCase{"BadExpression", "types:\n  A: (string | number\n", "4:6: '(string | number' is not a valid type expression"},
        RuleCase{"RequiredFacet", "types:\n  A: {type: string, facets: {owner: string}}\n  B: {type: A}\n",
                 "5:6: the facet 'owner' declared by a parent type requires a value"},
        RuleCase{"FacetRedefinesBuiltIn", "types:\n  A: {type: string, facets: {pattern: string}}\n",
                 "the facet 'pattern' is a built-in facet of a string type"},
        RuleCase{"UserFacetValue", "types:\n  A: {type: string, facets: {level: integer}}\n  B: {type: A, level: high}\n",
                 "5:23: the value of facet 'level' does not conform to its type: expected an integer"},
        RuleCase{"ExampleProperty", "types:\n  A:\n    properties: {n: integer}\n    example: {n: x}\n",
                 "6:14: the example does not conform to its type: property 'n': expected an integer"},
        RuleCase{"ExampleRequired", "types:\n  A:\n    properties: {n: integer}\n    example: {}\n",
                 "the required property 'n' is missing"},
        RuleCase{"ExampleDate", "types:\n  A: {type: date-only, example: 2020/01/01}\n", "expected a date-only value"},
        RuleCase{"ExampleMultipleOf", "types:\n  A: {type: number, multipleOf: 3, example: 7}\n", "not a multiple"},
        RuleCase{"ExampleIntegerRange", "types:\n  A: {type: integer, format: int8, example: 300}\n", "out of the range of int8"},
        RuleCase{"ExampleUnion", "types:\n  A: {type: number | boolean, example: text}\n", "matches none of the union's types"},
        RuleCase{"DefaultEnum", "types:\n  A: {enum: [a, b], default: c}\n", "the default value does not conform"},
        RuleCase{"ExampleAndExamples", "types:\n  A: {example: a, examples: {b: c}}\n", "'example' and 'examples' are mutually exclusive"},
        RuleCase{"PatternPropertiesClosed", "types:\n  A: {additionalProperties: false, properties: {/^x/: string}}\n",
                 "pattern properties cannot be declared where 'additionalProperties' is false"},
        RuleCase{"InlineDiscriminator", "/a:\n  get:\n    body:\n      application/json: {discriminator: k, properties: {k: string}}\n",
                 "'discriminator' can only be used in a type declared by name"},
        RuleCase{"SchemaNotJson", "schemas:\n  S: '{\"type\": '\n", "the JSON schema is not valid JSON"},
        RuleCase{"SchemaInArray", "types:\n  S: !include schema.json\n  L: S[]\n",
                 "a type defined by a JSON or XML schema cannot be an array's items"},
        RuleCase{"XmlSetting", "types:\n  A: {xml: {wrapped: 7}}\n", "'wrapped' must be true or false"},
        RuleCase{"InheritanceCycle", "types:\n  A: B\n  B: A\n", "5:6: type inheritance cycle: A -> B -> A"},
        RuleCase{"AnnotationUndeclared", "/a:\n  (missing): 1\n", "4:3: the annotation type 'missing' is not declared"},
        RuleCase{"AnnotationTarget", "annotationTypes:\n  onlyMethods: {allowedTargets: Method}\n(onlyMethods): x\n",
                 "5:1: the annotation 'onlyMethods' is not allowed on a API"},
        RuleCase{"AnnotationValue", "annotationTypes:\n  level: integer\n/a:\n  (level): high\n",
                 "6:12: the value of annotation 'level' does not conform to its type: expected an integer"},
        RuleCase{"AnnotationOnScalar", "annotationTypes:\n  level: integer\ndescription:\n  value: d\n  (level): high\n",
                 "the value of annotation 'level' does not conform"},
        RuleCase{"SchemeType", "securitySchemes:\n  s: {type: Magic}\n", "4:13: 'Magic' is not a security scheme type"},
        RuleCase{"OAuth2Settings", "securitySchemes:\n  s: {type: OAuth 2.0, settings: {authorizationGrants: [magic]}}\n",
                 "an OAuth 2.0 scheme's settings need 'accessTokenUri'"},
        RuleCase{"UndeclaredScheme", "securedBy: [nobody]\n", "3:13: the security scheme 'nobody' is not declared"},
        RuleCase{"UndeclaredScope",
                 "securitySchemes:\n  s:\n    type: OAuth 2.0\n    settings: {accessTokenUri: t, authorizationGrants: [password], "
                 "scopes: [read]}\nsecuredBy: [s: {scopes: [write]}]\n",
                 "the scope 'write' is not declared by the security scheme 's'"},
        RuleCase{"MissingParameter", "resourceTypes:\n  c: {description: <<thing>>}\n/a:\n  type: c\n",
                 "4:20: the parameter <<thing>> of resource type 'c' has no value"},
        RuleCase{"UnknownFunction", "traits:\n  t: {description: <<methodName | !shout>>}\n/a:\n  get: {is: [t]}\n",
                 "unknown template function '!shout'"},
        RuleCase{"TemplateKey", "traits:\n  t: {color: blue}\n", "4:7: 'color' is not a property of a trait"},
        RuleCase{"StatusCode", "/a:\n  get:\n    responses:\n      99: {}\n", "6:7: '99' is not an HTTP status code"},
        RuleCase{"MediaType", "mediaType: nonsense/json\n", "3:12: 'nonsense/json' is not a valid media type"},
        RuleCase{"Protocol", "protocols: [FTP]\n", "3:13: 'FTP' is not a protocol"},
        RuleCase{"UriParameterNotInPath", "/a/{id}:\n  uriParameters:\n    key: string\n",
                 "5:5: the URI parameter 'key' is not in the resource's path"},
        RuleCase{"UriParameterSlash", "/a/{id}:\n  uriParameters:\n    id: {default: a/b}\n", "must not contain '/'"},
        RuleCase{"DuplicateResource", "/a/b: {}\n/a:\n  /b: {}\n", "5:3: the resource /a/b is declared twice"},
        RuleCase{"QueryStringAndParameters", "/a:\n  get:\n    queryParameters: {q: string}\n    queryString: {properties: {p: string}}\n",
                 "'queryString' and 'queryParameters' are mutually exclusive"},
        RuleCase{"UnknownTag", "description: !secret x\n", "3:14: unknown tag '!secret'"}),
    [](const testing::TestParamInfo<RuleCase>& info) { return std::string(info.param.name); });

TEST(RamlReaderTest, OverlaysMayOnlyChangeDocumentation) {
  const char* master = "#%RAML 1.0\ntitle: T\n/a:\n  get:\n    description: old\n";
  const SpecReport documented = Read({{"api.raml", master},
                                      {"o.raml", "#%RAML 1.0 Overlay\nextends: api.raml\ntitle: New\n/a:\n  get:\n    description: new\n"}},
                                     "o.raml");
  EXPECT_TRUE(documented.valid()) << Problems(documented);
  EXPECT_EQ(documented.model.resources[0].operations[0].description, "new");
  const SpecReport behaviour = Read({{"api.raml", master},
                                     {"o.raml", "#%RAML 1.0 Overlay\nextends: api.raml\n/a:\n  post: {}\n"}},
                                    "o.raml");
  EXPECT_NE(Problems(behaviour).find("o.raml:4:3: an overlay cannot add 'post'"), std::string::npos) << Problems(behaviour);
  const SpecReport extension = Read({{"api.raml", master},
                                     {"e.raml", "#%RAML 1.0 Extension\nextends: api.raml\n/a:\n  post: {}\n"}},
                                    "e.raml");
  EXPECT_TRUE(extension.valid()) << Problems(extension);
  EXPECT_EQ(extension.model.resources[0].operations.size(), 2u);
}

TEST(RamlReaderTest, LibraryTypesNothingUsesAreModelledButTheirExamplesNotHeldAgainstTheApi) {
  const SpecReport report = Read({{"api.raml", "#%RAML 1.0\ntitle: T\nuses:\n  lib: lib.raml\n"},
                                  {"lib.raml", "#%RAML 1.0 Library\ntypes:\n  Unused: {type: integer, example: x}\n"}});
  EXPECT_TRUE(report.valid()) << Problems(report);
  EXPECT_TRUE(report.model.types.count("lib.Unused"));
  const SpecReport library = Read({{"lib.raml", "#%RAML 1.0 Library\ntypes:\n  Unused: {type: integer, example: x}\n"}},
                                  "lib.raml");
  EXPECT_FALSE(library.valid()) << "published on its own, a library is held to its examples";
}

}  // namespace
}  // namespace agora::specs

namespace agora::specs {
namespace {

TEST(RamlReaderTest, ChecksATemplateFragmentReadOnItsOwn) {
  const SpecReport report = Read({{"rt.raml", "#%RAML 1.0 ResourceType\nusage: lists\nget:\n  description: all\nhi: 1\n"}},
                                 "rt.raml");
  EXPECT_EQ(Problems(report), "rt.raml:5:1: 'hi' is not a property of a resource type\n");
}

}  // namespace
}  // namespace agora::specs
