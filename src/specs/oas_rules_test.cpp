#include "specs/oas_rules.h"

#include <gtest/gtest.h>

#include "specs/spec_reader.h"

namespace agora::specs {
namespace {

std::string Problems(const std::string& spec, const std::map<std::string, std::string>& more = {}) {
  std::map<std::string, std::string> files = more;
  files["api.yaml"] = spec;
  std::string text;
  for (const auto& problem : ReadSpec(InMemorySpecSource(files), "api.yaml").problems) text += problem.ToString() + "\n";
  return text;
}

TEST(OasRulesTest, OperationIdsAreUnique) {
  EXPECT_EQ(Problems(R"(openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a: {get: {operationId: same, responses: {'200': {description: ok}}}}
  /b: {put: {operationId: same, responses: {'200': {description: ok}}}}
)"),
            "api.yaml:5:27: the operationId 'same' is already used by the get '/a' (api.yaml:4:27)\n");
}

TEST(OasRulesTest, PathParametersAreDeclaredAndUsedBothWays) {
  EXPECT_EQ(Problems(R"(openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a/{id}/{sub}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      parameters: [{name: other, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok}}
)"),
            "api.yaml:7:7: the path '/a/{id}/{sub}' has '{sub}', but the get operation declares no path parameter 'sub'\n"
            "api.yaml:7:20: the path parameter 'other' of the get operation is not in the path '/a/{id}/{sub}'\n");
  // Swagger 2.0 alike, and a parameter given by $ref counts.
  EXPECT_EQ(Problems(R"({"swagger": "2.0", "info": {"title": "T", "version": "1"},
  "parameters": {"id": {"name": "id", "in": "path", "required": true, "type": "string"}},
  "paths": {"/a/{id}": {"get": {"parameters": [{"$ref": "#/parameters/id"}], "responses": {"200": {"description": "ok"}}}}}})"),
            "");
}

TEST(OasRulesTest, ParametersAreUniqueByNameAndLocation) {
  EXPECT_EQ(Problems(R"(openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      parameters:
        - {name: q, in: query, schema: {type: string}}
        - {name: q, in: header, schema: {type: string}}
        - {name: Q, in: header, schema: {type: string}}
        - {name: q, in: query, schema: {type: integer}}
      responses: {'200': {description: ok}}
)"),
            "api.yaml:9:11: the header parameter 'Q' is declared twice in this list (first at api.yaml:8:11)\n"
            "api.yaml:10:11: the query parameter 'q' is declared twice in this list (first at api.yaml:7:11)\n");
}

TEST(OasRulesTest, SecurityNamesDeclaredSchemesAndScopes) {
  EXPECT_EQ(Problems(R"(openapi: 3.0.3
info: {title: T, version: '1'}
security: [{missing: []}, {key: [admin]}]
paths:
  /a: {get: {security: [{oauth: [read, delete]}], responses: {'200': {description: ok}}}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: 'https://t', scopes: {read: reads}}}}
)"),
            "api.yaml:3:22: the security requirement names 'missing', which is not a declared security scheme\n"
            "api.yaml:3:34: the apiKey scheme 'key' takes no scopes ('admin' is given)\n"
            "api.yaml:5:40: the scope 'delete' is not declared by the OAuth 2.0 scheme 'oauth'\n");
}

TEST(OasRulesTest, DiscriminatorMappingsPatternsAndServerDefaults) {
  EXPECT_EQ(Problems(R"(openapi: 3.1.0
info: {title: T, version: '1'}
servers: [{url: 'https://{env}.x', variables: {env: {enum: [prod, test], default: dev}}}]
components:
  schemas:
    Pet:
      type: object
      discriminator: {propertyName: kind, mapping: {dog: Dog, cat: '#/components/schemas/Cat', fish: Fish}}
      properties:
        code: {type: string, pattern: '['}
        pattern: {type: string, example: {pattern: '('}}
      patternProperties: {'^x-(': {type: string}}
    Fish: {type: object}
)"),
            "api.yaml:3:83: the default 'dev' of the server variable 'env' is not one of its enum values\n"
            "api.yaml:8:58: the discriminator maps 'dog' to 'Dog', which is not a schema of components/schemas\n"
            "api.yaml:8:68: the discriminator maps 'cat' to '#/components/schemas/Cat', which does not exist\n"
            "api.yaml:10:39: '[' is not a valid regular expression (ECMA-262)\n"
            "api.yaml:12:35: '^x-(' is not a valid regular expression (ECMA-262)\n");
}

TEST(OasRulesTest, VersionsThatWereNeverPublished) {
  const std::string rest = "info: {title: T, version: '1'}\npaths: {}\n";
  EXPECT_EQ(Problems("openapi: 3.0.9\n" + rest),
            "api.yaml:1:10: '3.0.9' is not a published OpenAPI version (2.0, 3.0.0 to 3.0.4, 3.1.0 and 3.1.1 are)\n");
  EXPECT_EQ(Problems("openapi: 3.0.4\n" + rest), "");
  EXPECT_EQ(Problems("openapi: 4.0.0\n" + rest),
            "api.yaml:1:10: 'openapi' '4.0.0' is not a version agora reads (2.0, 3.0.x and 3.1.x are)\n");
  EXPECT_EQ(Problems("swagger: 2.0\n" + rest), "") << "an unquoted 2.0 is the version 2.0";
  EXPECT_EQ(Problems(""), "api.yaml:1:1: the document is empty\n");
}

// The official schema's complaints, at the offending node, naming the rule; of a oneOf's
// alternatives only the one the author meant is explained.
TEST(OasSchemaCheckTest, ComplaintsNameTheRuleAndTheMeantAlternative) {
  EXPECT_EQ(Problems(R"(openapi: 3.0.3
info: {title: T, version: 1.0, summary: no}
paths:
  /a:
    get:
      responses: {'200': {description: ok}}
      parameters: [{name: p, in: query, schema: {type: strin}}, {name: q, in: path, schema: {type: string}}]
components:
  securitySchemes:
    basic: {type: http}
    key: {type: apiKey, in: body, name: k}
  schemas:
    A: {type: object, properties: {b: {type: string, minLength: -1, nullable: yes}}, requird: [b]}
)"),
            "api.yaml:2:41: 'summary' is not a field of 'info' in OpenAPI 3.0 (extensions start with 'x-')\n"
            "api.yaml:7:56: 'strin' is not an allowed value of 'type'\n"
            "api.yaml:7:65: the required property 'required' is missing in item 2 of 'parameters'\n"
            "api.yaml:10:12: the required property 'scheme' is missing in 'basic'\n"
            "api.yaml:11:29: 'body' is not an allowed value of 'in'\n"
            "api.yaml:13:65: 'minLength' must be at least 0\n"
            "api.yaml:13:79: 'nullable' must not be a string here\n"
            "api.yaml:13:95: 'requird' is not a field of 'A' in OpenAPI 3.0 (extensions start with 'x-')\n"
            "api.yaml:7:65: the path parameter 'q' of the get operation is not in the path '/a'\n");
}

TEST(OasSchemaCheckTest, Swagger2And31) {
  EXPECT_EQ(Problems(R"({"swagger": "2.0", "info": {"title": "T", "version": "1"}, "host": "a/b",
  "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "schema": {"type": "object", "nullable": true}}}}}}})"),
            "api.yaml:1:68: 'a/b' is not a valid 'host' (it does not have the form Swagger 2.0 requires)\n"
            "api.yaml:2:112: 'nullable' is not a field of 'schema' in Swagger 2.0 (extensions start with 'x-')\n");
  EXPECT_EQ(Problems(R"(openapi: 3.1.0
info: {title: T, version: '1', license: {name: MIT, identifier: MIT}}
webhooks:
  ping: {post: {responses: {'200': {description: ok}}, unknown: 1}}
components:
  schemas:
    A: {type: [string, 'null'], const: x, $ref: '#/components/schemas/B', description: kept}
    B: {type: string}
)"),
            "api.yaml:4:65: 'unknown' is not a field of 'post' in OpenAPI 3.1 (extensions start with 'x-')\n");
}

}  // namespace
}  // namespace agora::specs

namespace agora::specs {
namespace {

// A default MUST match its schema (a problem); an example SHOULD (a warning). 3.0's nullable
// admits null; references to components resolve.
TEST(OasExamplesTest, DefaultsMustAndExamplesShouldMatch) {
  const SpecReport report = ReadSpec(InMemorySpecSource(std::map<std::string, std::string>{{"api.yaml", R"(openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      parameters:
        - {name: n, in: query, schema: {type: integer, default: ten}, example: 3}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
              examples:
                good: {value: {id: 1, tag: null}}
                bad: {value: {id: one}}
                shared: {$ref: '#/components/examples/Shared'}
components:
  examples:
    Shared: {value: {tag: x}}
  schemas:
    Pet:
      type: object
      required: [id]
      properties:
        id: {type: integer, example: 7}
        tag: {type: string, nullable: true, format: date-time, example: 'not a time'}
)"}}), "api.yaml");
  std::string problems, warnings;
  for (const auto& p : report.problems) problems += p.ToString() + "\n";
  for (const auto& w : report.warnings) warnings += w.ToString() + "\n";
  EXPECT_EQ(problems, "api.yaml:7:65: the default does not match its schema: the value must not be a string here\n");
  EXPECT_EQ(warnings,
            "api.yaml:16:35: the example does not match its schema: 'id' must not be a string here\n"
            "api.yaml:20:27: the example does not match its schema: 'x' is not a valid date-time\n"
            "api.yaml:27:73: the example does not match its schema: 'not a time' is not a valid date-time\n");
}


// date, time and date-time are RFC 3339's: real calendar days (leap years too), an hour below 24,
// a zone; like JSON Schema, a format says nothing about values that are not strings.
TEST(OasExamplesTest, DateAndTimeFormatsAreRfc3339) {
  const SpecReport report = ReadSpec(InMemorySpecSource(std::map<std::string, std::string>{{"api.yaml", R"(openapi: 3.0.3
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    Leap: {type: string, format: date, example: '2024-02-29'}
    NotLeap: {type: string, format: date, example: '2023-02-29'}
    April: {type: string, format: date, example: '2023-04-31'}
    Short: {type: string, format: date, example: '23-04-01'}
    Noon: {type: string, format: time, example: '12:00:00.5+05:30'}
    Late: {format: time, example: '24:00:00Z'}
    Stamp: {type: string, format: date-time, example: '2023-12-31t23:59:60z'}
    Spaced: {type: string, format: date-time, example: '2023-12-31 23:59:59Z'}
    Zoneless: {type: string, format: date-time, example: '2023-12-31T23:59:59'}
    Number: {format: date, example: 20230101}
)"}}), "api.yaml");
  std::string warnings;
  for (const auto& w : report.warnings) warnings += w.ToString() + "\n";
  EXPECT_EQ(warnings,
            "api.yaml:7:52: the example does not match its schema: '2023-02-29' is not a valid date\n"
            "api.yaml:8:50: the example does not match its schema: '2023-04-31' is not a valid date\n"
            "api.yaml:9:50: the example does not match its schema: '23-04-01' is not a valid date\n"
            "api.yaml:11:35: the example does not match its schema: '24:00:00Z' is not a valid time\n"
            "api.yaml:13:56: the example does not match its schema: '2023-12-31 23:59:59Z' is not a valid date-time\n"
            "api.yaml:14:58: the example does not match its schema: '2023-12-31T23:59:59' is not a valid date-time\n");
}

// Extensions ("^x-", a pattern whose schema admits anything) are allowed beside the fields a
// version defines, and only those.
TEST(OasRulesTest, ExtensionsAreTheOnlyFieldsBesideTheDefinedOnes) {
  EXPECT_EQ(Problems(R"(openapi: 3.0.3
info: {title: T, version: '1', x-logo: {url: a.png}}
paths:
  /a: {x-internal: true, get: {x-rate: 5, responses: {'200': {description: ok, x-note: [1]}}}}
components:
  schemas:
    A: {type: string, x-kind: id, y-kind: id}
)"),
            "api.yaml:7:43: 'y-kind' is not a field of 'A' in OpenAPI 3.0 (extensions start with 'x-')\n");
}

}  // namespace
}  // namespace agora::specs
