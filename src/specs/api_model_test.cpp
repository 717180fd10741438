#include "specs/api_model.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace agora::specs {
namespace {

Shape StringShape() {
  Shape shape;
  shape.type = "string";
  shape.pattern = "^[A-Z]{3}$";
  shape.min_length = 3;
  shape.max_length = 3;
  shape.enum_values = {R"("LHR")", R"("JFK")"};
  return shape;
}

// A model that sets every field at least once, recursive type included.
ApiModel RichModel() {
  ApiModel model;
  model.format = "raml";
  model.format_version = "1.0";
  model.title = "Flights";
  model.version = "v1";
  model.description = "Flights & airports";
  model.base_uris = {"https://api.example.com/{version}"};
  model.base_uri_parameters = {{"version", "base", "", true, false, {StringShape()}, {}, {"api.raml", 3, 3}}};
  model.protocols = {"HTTPS"};
  model.media_types = {"application/json"};

  Shape flight;
  flight.type = "object";
  flight.name = "Flight";
  flight.description = "A scheduled flight";
  flight.additional_properties = false;
  Shape code = StringShape();
  Shape next;
  next.ref = "Flight";  // recursive: a flight refers to its connection
  next.nullable = true;
  flight.properties = {{"code", true, false, {code}, {"types/flight.raml", 5, 5}},
                       {"connection", false, false, {next}, {}},
                       {"^x-", false, true, {Shape{}}, {}}};
  flight.examples = {{"lhr", R"({"code":"LHR"})", "from London", {"types/flight.raml", 9, 7}}};
  flight.default_value = R"({"code":"JFK"})";
  flight.facets = {{"owner", R"("ops")"}};
  flight.discriminator = "kind";
  flight.discriminator_value = "flight";
  flight.location = {"types/flight.raml", 1, 1};
  model.types["Flight"] = flight;

  Shape number;
  number.type = "number";
  number.minimum = 0.5;
  number.maximum = 10;
  number.exclusive_minimum = true;
  number.multiple_of = 0.5;
  Shape list;
  list.type = "array";
  list.items = {number};
  list.min_items = 1;
  list.unique_items = true;
  Shape union_shape;
  union_shape.type = "union";
  union_shape.any_of = {StringShape(), list};
  union_shape.one_of = {number};
  union_shape.all_of = {next};
  union_shape.not_of = {StringShape()};
  union_shape.discriminator_map = {{"a", "Flight"}};
  union_shape.schema_language = "json-schema";
  union_shape.schema_text = R"({"type": "object"})";
  union_shape.additional_properties_shape = {number};
  union_shape.file_types = {"image/png"};
  union_shape.read_only = union_shape.write_only = union_shape.deprecated = true;
  union_shape.min_properties = 1;
  union_shape.max_properties = 9;
  union_shape.max_items = 4;
  union_shape.exclusive_maximum = true;
  union_shape.format = "int32";
  union_shape.display_name = "Either";
  model.types["lib.Either"] = union_shape;

  // The JSON Schema 2020-12 keywords OAS 3.1 adds, and extensions.
  Shape schema2020;
  schema2020.type = "string";
  schema2020.type_array = {"string", "integer"};
  schema2020.exclusive_minimum_value = 1;
  schema2020.exclusive_maximum_value = 9.5;
  schema2020.const_value = R"("fixed")";
  schema2020.prefix_items = {StringShape(), number};
  schema2020.contains = {number};
  schema2020.min_contains = 1;
  schema2020.max_contains = 3;
  schema2020.property_names = {StringShape()};
  schema2020.dependent_schemas = {{"card", false, false, {StringShape()}, {}}};
  schema2020.dependent_required = {{"card", {"billing", "cvc"}}};
  schema2020.if_shape = {StringShape()};
  schema2020.then_shape = {number};
  schema2020.else_shape = {next};
  schema2020.unevaluated_items = schema2020.unevaluated_properties = false;
  schema2020.unevaluated_items_shape = {number};
  schema2020.unevaluated_properties_shape = {StringShape()};
  schema2020.content_media_type = "application/json";
  schema2020.content_encoding = "base64";
  schema2020.content_schema = {next};
  schema2020.extensions = {{"x-extensible-enum", R"(["a","b"])"}};
  model.types["lib.Either"].one_of.push_back(schema2020);


  Operation get;
  get.method = "get";
  get.operation_id = "getFlight";
  get.summary = "One flight";
  get.description = "Reads a flight";
  get.deprecated = true;
  get.tags = {"flights"};
  get.parameters = {{"id", "path", "the flight", true, false, {StringShape()}, {{"", R"("LHR")", "", {}}}, {"api.raml", 20, 5}},
                    {"X-Trace", "header", "", false, true, {}, {}, {}}};
  Shape ref;
  ref.ref = "Flight";
  get.request_bodies = {{"application/json", {ref}, {{"one", R"({"code":"LHR"})", "", {}}}, {"api.raml", 22, 7}}};
  get.request_body_required = true;
  get.responses = {{"200", "the flight", {{"ETag", "header", "", true, false, {}, {}, {}}},
                    {{"application/json", {ref}, {}, {}}}, {"api.raml", 30, 9}},
                   {"fault:NotFound", "", {}, {}, {}}};
  get.security = {{{"oauth", {"read", "write"}}}, {}};
  get.soap_action = "urn:get";
  get.location = {"api.raml", 19, 3};
  get.extensions = {{"x-sunset", R"("2030-01-01")"}, {"x-stability-level", R"("beta")"}};
  get.parameters[1].style = "simple";
  get.parameters[1].explode = false;
  get.parameters[1].path_level = true;
  get.parameters[1].extensions = {{"x-sunset", R"("2031-01-01")"}};
  model.resources = {{"/flights/{id}", "Flight", "One flight", {get}, {"api.raml", 18, 1}}};
  model.security = {{{"oauth", {}}}, {{"null", {}}}};
  model.security_schemes = {{"oauth", "OAuth 2.0", "tokens",
                             {{"accessTokenUri", R"("https://auth/token")"}, {"scopes", R"(["read","write"])"}},
                             {"api.raml", 40, 3}}};
  model.services = {{"FlightService", {{"FlightPort", "tns:FlightBinding", "tns:Flights", "http://x/ws", "soap11", {"f.wsdl", 80, 5}}},
                     {"f.wsdl", 79, 3}}};
  model.documentation = {{"Home", "# Welcome"}};
  model.files = {"api.raml", "types/flight.raml"};
  model.webhooks = {{"newFlight", "", "", {get}, {}}};
  return model;
}

TEST(ApiModelTest, JsonRoundTripKeepsEveryField) {
  const ApiModel model = RichModel();
  const std::string json = model.ToJson();
  auto read = ApiModel::FromJson(json);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(*read, model);
  EXPECT_EQ(read->ToJson(), json);
}

TEST(ApiModelTest, ValuesAreJsonValuesAndDefaultsAreLeftOut) {
  const std::string json = RichModel().ToJson();
  EXPECT_NE(json.find(R"("enum":["LHR","JFK"])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("default":{"code":"JFK"})"), std::string::npos);
  EXPECT_NE(json.find(R"("location":"types/flight.raml:1:1")"), std::string::npos);
  EXPECT_NE(json.find(R"("dataTypes":["Flight","lib.Either"])"), std::string::npos);

  ApiModel empty;
  empty.format = "oas";
  EXPECT_EQ(empty.ToJson(), R"({"format":"oas","formatVersion":"","title":"","version":"","description":"",)"
                            R"("baseUris":[],"resources":[],"securitySchemes":[],"dataTypes":[],"files":[]})");
}

// ToJson writes its text directly; published models must stay byte for byte what the model's
// boost::json tree serialised to (stored models are compared and deduplicated by their text).
TEST(ApiModelTest, TheJsonIsWhatBoostJsonWritesForTheModel) {
  std::string every_byte;
  for (int c = 1; c < 256; ++c) every_byte += static_cast<char>(c);
  every_byte += '\0';
  ApiModel model = RichModel();
  model.title = every_byte;
  model.files.push_back(every_byte);
  model.resources[0].location.file = every_byte;
  model.types[every_byte] = StringShape();
  model.types[every_byte].facets = {{every_byte, "not json " + every_byte}};
  model.types[every_byte].minimum = 1e300;
  model.types[every_byte].maximum = -0.1;
  model.types[every_byte].max_length = UINT64_MAX;
  const std::string json = model.ToJson();
  boost::json::parse_options bytes;
  bytes.allow_invalid_utf8 = true;  // as the model's strings are: whatever bytes the spec held
  EXPECT_EQ(boost::json::serialize(boost::json::parse(json, {}, bytes)), json);
  EXPECT_NE(json.find(R"(\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e)"), std::string::npos);
  EXPECT_NE(json.find(R"(\u001f !\"#)"), std::string::npos);
  EXPECT_NE(json.find(R"(Z[\\]^)"), std::string::npos);
}

// A documentation page included from a Latin-1 file: the model written by a spec reader worker
// must read back for compatibility checks and the portal.
TEST(ApiModelTest, StringsThatAreNotUtf8ReadBack) {
  ApiModel model = RichModel();
  model.title = "Caf\xE9 API";
  model.documentation.push_back({"Notes", "r\xE9sum\xE9 \xFF\xFE"});
  auto read = ApiModel::FromJson(model.ToJson());
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->title, "Caf\xE9 API");
  EXPECT_EQ(read->ToJson(), model.ToJson());
}

TEST(ApiModelTest, NonJsonValueTextIsKeptAsAString) {
  ApiModel model;
  Shape shape;
  shape.examples = {{"xml", "<flight/>", "", {}}};
  model.types["Flight"] = shape;
  auto read = ApiModel::FromJson(model.ToJson());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->types.at("Flight").examples[0].value, R"("<flight/>")");
}

TEST(ApiModelTest, FileNamesWithColonsKeepTheirLocation) {
  ApiModel model;
  model.resources = {{"/a", "", "", {}, {"dir:x/api.raml", 12, 4}}};
  auto read = ApiModel::FromJson(model.ToJson());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->resources[0].location, (SourceLocation{"dir:x/api.raml", 12, 4}));
}

TEST(ApiModelTest, MalformedModelsAreRefusedWithTheField) {
  for (const char* bad : {"", "[]", "{", R"({"title":1})", R"({"resources":{}})", R"({"resources":[1]})",
                          R"({"resources":[{"path":"/a","location":"api.raml"}]})",
                          R"({"types":{"A":{"minLength":-1}}})", R"({"security":[{"scheme":"a"}]})"}) {
    auto read = ApiModel::FromJson(bad);
    ASSERT_FALSE(read.ok()) << bad;
    EXPECT_EQ(read.status().code(), "INVALID_MODEL") << bad;
  }
  auto title = ApiModel::FromJson(R"({"title":1})");
  EXPECT_NE(title.status().message().find("'title'"), std::string::npos) << title.status().message();
}

TEST(ApiModelTest, DeeplyNestedShapesAreBounded) {
  std::string json = R"({"types":{"Deep":)";
  for (int i = 0; i < 1000; ++i) json += R"({"items":)";
  json += "{}";
  for (int i = 0; i < 1000; ++i) json += "}";
  json += "}}";
  auto read = ApiModel::FromJson(json);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("nested"), std::string::npos) << read.status().message();
}

TEST(ApiModelTest, SearchTermsNameTitlePathsOperationsAndTypes) {
  EXPECT_EQ(RichModel().SearchTerms(), "Flights id getFlight Flight lib Either");
}

// Repeated words (a nested resource's path repeats its parent's) are indexed once; words end where
// the index's tokenizer ends them, and letters beyond ASCII stay in their word.
TEST(ApiModelTest, SearchTermsHoldEachWordOnce) {
  ApiModel model;
  model.title = "Orders API";
  for (const std::string path : {"/orders", "/orders/{orderId}", "/orders/{orderId}/lines", "/Cafés_menu"}) {
    Resource resource;
    resource.path = path;
    model.resources.push_back(resource);
  }
  model.resources.back().operations.push_back({});
  model.resources.back().operations.back().operation_id = "ORDERS";
  EXPECT_EQ(model.SearchTerms(), "Orders API orderId lines Cafés menu");
}

}  // namespace
}  // namespace agora::specs
