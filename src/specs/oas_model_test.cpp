#include "specs/oas_model.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "specs/spec_reader.h"

namespace agora::specs {
namespace {

std::string Problems(const SpecReport& report) {
  std::string text;
  for (const auto& problem : report.problems) text += problem.ToString() + "\n";
  return text;
}

const Operation& FindOperation(const ApiModel& model, const std::string& path, const std::string& method) {
  for (const auto& resource : model.resources)
    for (const auto& operation : resource.operations)
      if (resource.path == path && operation.method == method) return operation;
  throw std::runtime_error("no operation " + method + " " + path);
}

const Parameter* FindParameter(const std::vector<Parameter>& parameters, const std::string& name) {
  for (const auto& parameter : parameters)
    if (parameter.name == name) return &parameter;
  return nullptr;
}

std::string At(const SourceLocation& location) {
  return location.file + ":" + std::to_string(location.line) + ":" + std::to_string(location.column);
}

// One OAS 3.0 description that uses every part the model carries; line numbers matter below.
const char* kOas30 = R"(openapi: 3.0.3
info: {title: Pets, version: '1'}
servers:
  - url: 'https://{region}.pets.example/v1'
    variables:
      region: {default: eu, enum: [eu, us], description: where}
security:
  - key: []
paths:
  /pets/{id}:
    parameters:
      - $ref: '#/components/parameters/Id'
      - {name: trace, in: header, schema: {type: string}}
    get:
      operationId: getPet
      tags: [pets]
      deprecated: true
      parameters:
        - {name: trace, in: header, required: true, schema: {type: integer}}
        - name: fields
          in: query
          schema: {type: array, items: {type: string}, maxItems: 5}
          examples:
            few: {summary: two fields, value: [name, tag]}
      responses:
        '200':
          description: the pet
          headers:
            X-Rate: {schema: {type: integer, minimum: 0}, description: calls left}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
              example: {id: 1, name: Rex}
        default: {$ref: '#/components/responses/Error'}
    put:
      security: []
      requestBody:
        required: true
        content:
          application/json: {schema: {$ref: 'common.yaml#/Pet'}}
          text/plain: {schema: {type: string}}
      responses: {'204': {description: stored}}
    post:
      security: [{oauth: [write]}]
      responses: {'201': {description: created}}
components:
  parameters:
    Id: {name: id, in: path, required: true, schema: {type: string, pattern: '^[0-9]+$'}}
  responses:
    Error:
      description: failure
      content: {application/problem+json: {schema: {$ref: '#/components/schemas/Error'}}}
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    oauth:
      type: oauth2
      flows: {implicit: {authorizationUrl: 'https://a.example', scopes: {write: writes}}}
  schemas:
    Pet:
      type: object
      required: [id]
      discriminator: {propertyName: kind, mapping: {dog: '#/components/schemas/Dog'}}
      properties:
        id: {type: integer, format: int64, readOnly: true, exclusiveMinimum: true, minimum: 0}
        name: {type: string, nullable: true, minLength: 1, maxLength: 20, default: anon}
        parent: {$ref: '#/components/schemas/Pet'}
        tags: {type: array, items: {type: string}, uniqueItems: true}
        extra: {type: object, additionalProperties: {type: string}}
      additionalProperties: false
    Dog:
      allOf: [{$ref: '#/components/schemas/Pet'}, {type: object, properties: {bark: {type: boolean, writeOnly: true}}}]
    Error:
      oneOf: [{type: string}, {type: object, deprecated: true, not: {required: [code]}, xml: {name: err}}]
      anyOf: [{type: string, enum: [a, b]}]
)";

SpecReport ReadOas30() {
  return ReadSpec(InMemorySpecSource({{"api.yaml", kOas30},
                                      {"common.yaml", "Pet: {type: object, properties: {self: {$ref: '#/Pet'}}}\n"}}),
                  "api.yaml");
}

TEST(OasModelTest, ServersAndSecuritySchemes) {
  const SpecReport report = ReadOas30();
  ASSERT_TRUE(report.valid()) << Problems(report);
  const ApiModel& model = report.model;
  EXPECT_EQ(model.base_uris, std::vector<std::string>{"https://{region}.pets.example/v1"});
  ASSERT_EQ(model.base_uri_parameters.size(), 1u);
  EXPECT_EQ(model.base_uri_parameters[0].name, "region");
  EXPECT_EQ(model.base_uri_parameters[0].in, "base");
  EXPECT_EQ(model.base_uri_parameters[0].description, "where");
  EXPECT_EQ(model.base_uri_parameters[0].shape.at(0).enum_values, (std::vector<std::string>{R"("eu")", R"("us")"}));
  EXPECT_EQ(model.base_uri_parameters[0].shape.at(0).default_value, R"("eu")");
  ASSERT_EQ(model.security_schemes.size(), 2u);
  EXPECT_EQ(model.security_schemes[0].name, "key");
  EXPECT_EQ(model.security_schemes[0].type, "apiKey");
  EXPECT_EQ(model.security_schemes[0].settings.at("in"), R"("header")");
  EXPECT_EQ(model.security_schemes[0].settings.at("name"), R"("X-Key")");
  EXPECT_EQ(model.security_schemes[1].settings.at("flows"),
            R"({"implicit":{"authorizationUrl":"https://a.example","scopes":{"write":"writes"}}})");
  EXPECT_EQ(At(model.security_schemes[1].location), "api.yaml:56:7");
}

TEST(OasModelTest, ParametersMergeAndResolve) {
  const SpecReport report = ReadOas30();
  ASSERT_TRUE(report.valid()) << Problems(report);
  const Operation& get = FindOperation(report.model, "/pets/{id}", "get");
  EXPECT_EQ(get.operation_id, "getPet");
  EXPECT_TRUE(get.deprecated);
  EXPECT_EQ(get.tags, std::vector<std::string>{"pets"});
  EXPECT_EQ(At(get.location), "api.yaml:15:7");
  ASSERT_EQ(get.parameters.size(), 3u);  // id (path level, by $ref), trace (overridden), fields
  EXPECT_EQ(get.parameters[0].name, "id");
  EXPECT_EQ(get.parameters[0].in, "path");
  EXPECT_TRUE(get.parameters[0].required);
  EXPECT_EQ(get.parameters[0].shape.at(0).pattern, "^[0-9]+$");
  EXPECT_EQ(get.parameters[1].name, "trace");
  EXPECT_TRUE(get.parameters[1].required) << "the operation's parameter replaces the path item's";
  EXPECT_EQ(get.parameters[1].shape.at(0).type, "integer");
  const Parameter* fields = FindParameter(get.parameters, "fields");
  ASSERT_NE(fields, nullptr);
  EXPECT_EQ(fields->shape.at(0).type, "array");
  EXPECT_EQ(fields->shape.at(0).max_items, 5u);
  EXPECT_EQ(fields->shape.at(0).items.at(0).type, "string");
  ASSERT_EQ(fields->examples.size(), 1u);
  EXPECT_EQ(fields->examples[0].name, "few");
  EXPECT_EQ(fields->examples[0].value, R"(["name","tag"])");
  EXPECT_EQ(fields->examples[0].description, "two fields");
  EXPECT_EQ(At(fields->location), "api.yaml:20:11");
}

TEST(OasModelTest, BodiesResponsesAndEffectiveSecurity) {
  const SpecReport report = ReadOas30();
  ASSERT_TRUE(report.valid()) << Problems(report);
  const Operation& get = FindOperation(report.model, "/pets/{id}", "get");
  ASSERT_EQ(get.responses.size(), 2u);
  const Response& ok = get.responses[0];
  EXPECT_EQ(ok.status, "200");
  EXPECT_EQ(ok.description, "the pet");
  ASSERT_EQ(ok.headers.size(), 1u);
  EXPECT_EQ(ok.headers[0].name, "X-Rate");
  EXPECT_EQ(ok.headers[0].in, "header");
  EXPECT_EQ(ok.headers[0].description, "calls left");
  EXPECT_EQ(ok.headers[0].shape.at(0).minimum, 0.0);
  ASSERT_EQ(ok.bodies.size(), 1u);
  EXPECT_EQ(ok.bodies[0].media_type, "application/json");
  EXPECT_EQ(ok.bodies[0].shape.at(0).ref, "Pet");
  EXPECT_EQ(ok.bodies[0].examples.at(0).value, R"({"id":1,"name":"Rex"})");
  const Response& error = get.responses[1];
  EXPECT_EQ(error.status, "default");
  EXPECT_EQ(error.description, "failure");
  EXPECT_EQ(error.bodies.at(0).media_type, "application/problem+json");
  EXPECT_EQ(error.bodies.at(0).shape.at(0).ref, "Error");
  // The document's default applies to get; put opts out; post names its own.
  ASSERT_EQ(get.security.size(), 1u);
  EXPECT_EQ(get.security[0], (SecurityRequirement{{"key", {}}}));
  const Operation& put = FindOperation(report.model, "/pets/{id}", "put");
  EXPECT_TRUE(put.security.empty());
  EXPECT_TRUE(put.request_body_required);
  ASSERT_EQ(put.request_bodies.size(), 2u);
  EXPECT_EQ(put.request_bodies[0].shape.at(0).ref, "common.yaml#/Pet");
  EXPECT_EQ(put.request_bodies[1].media_type, "text/plain");
  const Operation& post = FindOperation(report.model, "/pets/{id}", "post");
  EXPECT_EQ(post.security, (std::vector<SecurityRequirement>{{{"oauth", {"write"}}}}));
}

TEST(OasModelTest, SchemasBecomeNamedShapes) {
  const SpecReport report = ReadOas30();
  ASSERT_TRUE(report.valid()) << Problems(report);
  const auto& types = report.model.types;
  ASSERT_EQ(report.model.DataTypeNames(), (std::vector<std::string>{"Dog", "Error", "Pet", "common.yaml#/Pet"}));
  const Shape& pet = types.at("Pet");
  EXPECT_EQ(pet.name, "Pet");
  EXPECT_EQ(pet.type, "object");
  EXPECT_FALSE(pet.additional_properties);
  EXPECT_EQ(pet.discriminator, "kind");
  EXPECT_EQ(pet.discriminator_map.at("dog"), "Dog");
  ASSERT_EQ(pet.properties.size(), 5u);
  const Property& id = pet.properties[0];
  EXPECT_TRUE(id.required);
  EXPECT_EQ(id.shape.at(0).format, "int64");
  EXPECT_TRUE(id.shape.at(0).read_only);
  EXPECT_TRUE(id.shape.at(0).exclusive_minimum);
  EXPECT_EQ(id.shape.at(0).minimum, 0.0);
  const Shape& name = pet.properties[1].shape.at(0);
  EXPECT_FALSE(pet.properties[1].required);
  EXPECT_TRUE(name.nullable);
  EXPECT_EQ(name.min_length, 1u);
  EXPECT_EQ(name.max_length, 20u);
  EXPECT_EQ(name.default_value, R"("anon")");
  EXPECT_EQ(pet.properties[2].shape.at(0).ref, "Pet") << "a recursive schema stays a reference";
  EXPECT_TRUE(pet.properties[3].shape.at(0).unique_items);
  EXPECT_EQ(pet.properties[4].shape.at(0).additional_properties_shape.at(0).type, "string");
  EXPECT_EQ(At(pet.location), "api.yaml:60:7");

  const Shape& dog = types.at("Dog");
  ASSERT_EQ(dog.all_of.size(), 2u);
  EXPECT_EQ(dog.all_of[0].ref, "Pet");
  EXPECT_TRUE(dog.all_of[1].properties.at(0).shape.at(0).write_only);
  const Shape& error = types.at("Error");
  ASSERT_EQ(error.one_of.size(), 2u);
  EXPECT_TRUE(error.one_of[1].deprecated);
  EXPECT_EQ(error.one_of[1].not_of.size(), 1u);
  EXPECT_EQ(error.one_of[1].facets.at("xml"), R"({"name":"err"})");
  EXPECT_EQ(error.any_of.at(0).enum_values, (std::vector<std::string>{R"("a")", R"("b")"}));
  // A schema of another file is named by its reference; its own references stay in its file.
  EXPECT_EQ(types.at("common.yaml#/Pet").properties.at(0).shape.at(0).ref, "common.yaml#/Pet");

  // The model survives its JSON form.
  auto back = ApiModel::FromJson(report.model.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, report.model);
}

TEST(OasModelTest, Swagger2BodiesFormsAndHosts) {
  const char* spec = R"({
  "swagger": "2.0",
  "info": {"title": "Files", "version": "1"},
  "host": "files.example", "basePath": "/v2", "schemes": ["https", "http"],
  "consumes": ["application/json"], "produces": ["application/json", "application/xml"],
  "securityDefinitions": {"basic": {"type": "basic"}},
  "security": [{"basic": []}],
  "paths": {
    "/files": {
      "post": {
        "consumes": ["multipart/form-data"],
        "parameters": [
          {"name": "upload", "in": "formData", "type": "file", "required": true},
          {"name": "note", "in": "formData", "type": "string", "maxLength": 10},
          {"name": "dry", "in": "query", "type": "boolean", "default": false}
        ],
        "responses": {"201": {"description": "stored", "headers": {"Location": {"type": "string", "format": "uri"}},
                              "schema": {"$ref": "#/definitions/File"},
                              "examples": {"application/json": {"name": "a.txt"}}}}
      },
      "put": {
        "parameters": [{"name": "file", "in": "body", "required": true, "schema": {"$ref": "#/definitions/File"}}],
        "responses": {"200": {"description": "ok"}}
      }
    }
  },
  "definitions": {"File": {"type": "object", "x-nullable": true, "properties": {"name": {"type": "string"}}}}
})";
  const SpecReport report = ReadSpec(InMemorySpecSource(std::map<std::string, std::string>{{"api.json", spec}}), "api.json");
  ASSERT_TRUE(report.valid()) << Problems(report);
  const ApiModel& model = report.model;
  EXPECT_EQ(model.base_uris, (std::vector<std::string>{"https://files.example/v2", "http://files.example/v2"}));
  EXPECT_EQ(model.protocols, (std::vector<std::string>{"https", "http"}));
  EXPECT_EQ(model.media_types, (std::vector<std::string>{"application/json", "application/xml"}));
  EXPECT_EQ(model.security_schemes.at(0).type, "basic");
  const Operation& post = FindOperation(model, "/files", "post");
  ASSERT_EQ(post.parameters.size(), 1u) << "formData parameters become the body";
  EXPECT_EQ(post.parameters[0].name, "dry");
  EXPECT_EQ(post.parameters[0].shape.at(0).type, "boolean");
  EXPECT_EQ(post.parameters[0].shape.at(0).default_value, "false");
  ASSERT_EQ(post.request_bodies.size(), 1u);
  EXPECT_EQ(post.request_bodies[0].media_type, "multipart/form-data");
  const Shape& form = post.request_bodies[0].shape.at(0);
  ASSERT_EQ(form.properties.size(), 2u);
  EXPECT_EQ(form.properties[0].shape.at(0).type, "file");
  EXPECT_TRUE(form.properties[0].required);
  EXPECT_EQ(form.properties[1].shape.at(0).max_length, 10u);
  EXPECT_TRUE(post.request_body_required);
  EXPECT_EQ(post.security, (std::vector<SecurityRequirement>{{{"basic", {}}}}));
  const Response& created = post.responses.at(0);
  EXPECT_EQ(created.headers.at(0).shape.at(0).format, "uri");
  ASSERT_EQ(created.bodies.size(), 2u) << "one body per produced media type";
  EXPECT_EQ(created.bodies[0].shape.at(0).ref, "File");
  EXPECT_EQ(created.bodies[0].examples.at(0).value, R"({"name":"a.txt"})");
  EXPECT_EQ(created.bodies[1].media_type, "application/xml");
  const Operation& put = FindOperation(model, "/files", "put");
  EXPECT_TRUE(put.parameters.empty());
  ASSERT_EQ(put.request_bodies.size(), 1u);
  EXPECT_EQ(put.request_bodies[0].media_type, "application/json");
  EXPECT_EQ(put.request_bodies[0].shape.at(0).ref, "File");
  EXPECT_TRUE(model.types.at("File").nullable);
}

TEST(OasModelTest, Oas31TypeListsConstAndBounds) {
  const char* spec = R"(openapi: 3.1.0
info: {title: T, version: '1'}
components:
  schemas:
    Age:
      type: [integer, 'null']
      exclusiveMinimum: 0
      examples: [1, 2]
    Mixed: {type: [string, number], const: 3}
    Tree:
      $ref: '#/components/schemas/Node'
      description: a tree
    Node:
      type: object
      patternProperties: {'^x-': {type: string}}
      properties: {children: {type: array, items: {$ref: '#/components/schemas/Node'}}}
)";
  const SpecReport report = ReadSpec(InMemorySpecSource(std::map<std::string, std::string>{{"api.yaml", spec}}), "api.yaml");
  ASSERT_TRUE(report.valid()) << Problems(report);
  const auto& types = report.model.types;
  const Shape& age = types.at("Age");
  EXPECT_EQ(age.type, "integer");
  EXPECT_TRUE(age.nullable);
  EXPECT_FALSE(age.minimum);
  EXPECT_EQ(age.exclusive_minimum_value, 0.0);
  EXPECT_EQ(age.examples.size(), 2u);
  const Shape& mixed = types.at("Mixed");
  EXPECT_EQ(mixed.type, "string");
  EXPECT_EQ(mixed.type_array, (std::vector<std::string>{"string", "number"}));
  EXPECT_EQ(mixed.const_value, "3");
  const Shape& tree = types.at("Tree");
  EXPECT_EQ(tree.ref, "Node");
  EXPECT_EQ(tree.description, "a tree") << "3.1 keeps a $ref's siblings";
  const Shape& node = types.at("Node");
  EXPECT_TRUE(node.properties.at(0).pattern);
  EXPECT_EQ(node.properties.at(1).shape.at(0).items.at(0).ref, "Node");
}

// What the compatibility checks compare beyond OAS 3.0: JSON Schema 2020-12 keywords,
// extensions, path-item parameters, serialisation and webhooks.
TEST(OasModelTest, Oas31KeywordsExtensionsPathParametersAndWebhooks) {
  const char* spec = R"(openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /items/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - {name: trace, in: header, schema: {type: string}}
    get:
      x-stability-level: beta
      x-sunset: '2030-01-01'
      parameters:
        - {name: trace, in: header, deprecated: true, x-sunset: '2031-01-01', schema: {type: string}}
        - {name: filter, in: query, style: form, explode: false, schema: {type: object}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: array
                prefixItems: [{type: string}, {type: integer}]
                contains: {type: integer}
                minContains: 1
                maxContains: 3
                unevaluatedItems: false
                x-extensible-enum: [a, b]
                if: {required: [kind]}
                then: {properties: {size: {type: integer}}}
                else: {propertyNames: {pattern: '^[a-z]+$'}}
                dependentRequired: {card: [cvc]}
                dependentSchemas: {card: {required: [billing]}}
                contentMediaType: application/json
                contentEncoding: base64
                contentSchema: {type: object}
                exclusiveMaximum: 10
webhooks:
  newItem:
    post:
      responses: {'200': {description: ok}}
)";
  const SpecReport report = ReadSpec(InMemorySpecSource(std::map<std::string, std::string>{{"api.yaml", spec}}), "api.yaml");
  ASSERT_TRUE(report.valid()) << Problems(report);
  const Operation& get = FindOperation(report.model, "/items/{id}", "get");
  EXPECT_EQ(get.extensions.at("x-stability-level"), R"("beta")");
  EXPECT_EQ(get.extensions.at("x-sunset"), R"("2030-01-01")");
  const Parameter* id = FindParameter(get.parameters, "id");
  ASSERT_TRUE(id);
  EXPECT_TRUE(id->path_level);
  const Parameter* trace = FindParameter(get.parameters, "trace");
  ASSERT_TRUE(trace);
  EXPECT_FALSE(trace->path_level) << "the operation's own parameter replaces the path item's";
  EXPECT_EQ(trace->extensions.at("x-sunset"), R"("2031-01-01")");
  const Parameter* filter = FindParameter(get.parameters, "filter");
  ASSERT_TRUE(filter);
  EXPECT_EQ(filter->style, "form");
  EXPECT_EQ(filter->explode, false);
  const Shape& shape = get.responses.at(0).bodies.at(0).shape.at(0);
  EXPECT_EQ(shape.prefix_items.size(), 2u);
  EXPECT_EQ(shape.contains.at(0).type, "integer");
  EXPECT_EQ(shape.min_contains, 1u);
  EXPECT_EQ(shape.max_contains, 3u);
  EXPECT_FALSE(shape.unevaluated_items);
  EXPECT_EQ(shape.extensions.at("x-extensible-enum"), R"(["a","b"])");
  EXPECT_EQ(shape.if_shape.size(), 1u);
  EXPECT_EQ(shape.then_shape.at(0).properties.at(0).name, "size");
  EXPECT_EQ(shape.else_shape.at(0).property_names.at(0).pattern, "^[a-z]+$");
  EXPECT_EQ(shape.dependent_required.at("card"), std::vector<std::string>{"cvc"});
  EXPECT_EQ(shape.dependent_schemas.at(0).name, "card");
  EXPECT_EQ(shape.content_media_type, "application/json");
  EXPECT_EQ(shape.content_encoding, "base64");
  EXPECT_EQ(shape.content_schema.at(0).type, "object");
  EXPECT_EQ(shape.exclusive_maximum_value, 10.0);
  EXPECT_TRUE(shape.facets.empty());
  ASSERT_EQ(report.model.webhooks.size(), 1u);
  EXPECT_EQ(report.model.webhooks[0].path, "newItem");
  EXPECT_EQ(report.model.webhooks[0].operations.at(0).method, "post");
}

// The corpus: every operation of the large spec is modelled, every reference named once.
TEST(OasModelTest, CorpusSpecsModelEveryOperation) {
  const std::filesystem::path file = std::string(AGORA_CORPUS_DIR) + "/oas/anypoint-access-management-oas3.0-large.yaml";
  ASSERT_TRUE(std::filesystem::exists(file)) << file;
  const SpecReport report = ReadSpec(DirectorySpecSource(file.parent_path().string()), file.filename().string());
  size_t operations = 0, with_responses = 0;
  for (const auto& resource : report.model.resources) {
    for (const auto& operation : resource.operations) {
      ++operations;
      with_responses += !operation.responses.empty();
      EXPECT_TRUE(operation.location.known());
    }
  }
  EXPECT_GT(operations, 200u);
  EXPECT_EQ(with_responses, operations);
  EXPECT_GT(report.model.types.size(), 50u);
  for (const auto& [name, shape] : report.model.types) EXPECT_EQ(shape.name, name);

  const std::filesystem::path multi = std::string(AGORA_CORPUS_DIR) + "/oas/anypoint-api-governance-multifile";
  const SpecReport split = ReadSpec(DirectorySpecSource(multi.string()), "api.yaml");
  ASSERT_TRUE(split.valid()) << Problems(split);
  ASSERT_TRUE(split.model.types.count("schemas/Profile.yaml")) << "schemas of other files are named by their path";
  EXPECT_EQ(split.model.types.at("Profile").ref, "schemas/Profile.yaml");
  EXPECT_EQ(split.model.types.at("schemas/Profile.yaml").location.file, "schemas/Profile.yaml");
}

}  // namespace
}  // namespace agora::specs
