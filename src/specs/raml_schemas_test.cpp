// RAML types defined by a JSON schema or an XSD: their examples checked against them, their
// references followed through the archive, and what cannot be checked said as a warning.
#include "specs/raml_schemas.h"

#include <gtest/gtest.h>

#include "specs/raml_reader.h"

namespace agora::specs {
namespace {

struct Outcome {
  std::string problems, warnings;
};

Outcome Read(std::map<std::string, std::string> files) {
  const SpecReport report = ReadRaml(InMemorySpecSource(std::move(files)), "api.raml");
  Outcome outcome;
  for (const auto& problem : report.problems) outcome.problems += problem.ToString() + "\n";
  for (const auto& warning : report.warnings) outcome.warnings += warning.ToString() + "\n";
  return outcome;
}

constexpr const char* kProduct = R"({
  "$schema": "http://json-schema.org/draft-04/schema#",
  "type": "object",
  "properties": {"id": {"type": "string"}, "price": {"type": "number", "minimum": 0}},
  "required": ["id"],
  "additionalProperties": false
})";

TEST(RamlSchemasTest, ExamplesOfJsonSchemaTypesAreChecked) {
  const Outcome outcome = Read({{"product.json", kProduct}, {"api.raml", R"(#%RAML 1.0
title: A
types:
  Product: !include product.json
  Good:
    type: Product
    example: {id: "4", price: 2.5}
  Missing:
    type: Product
    example: {price: 1}
  Stranger:
    type: Product
    example: '{"id": "4", "colour": "red"}'
  Holder:
    properties:
      product: Product
    example:
      product: {id: 7}
/products:
  post:
    body:
      application/json:
        type: Product
        examples:
          cheap: {id: a, price: -1}
          text: |
            {"id": "b"
)"}});
  EXPECT_EQ(outcome.problems,
            "api.raml:18:7: the example does not conform to its type: property 'product': 'id' must not be a number here\n"
            "api.raml:10:14: the example does not conform to its type: the required property 'id' is missing in the value\n"
            "api.raml:13:14: the example does not conform to its type: 'colour' is not a field of the value in its JSON schema\n"
            "api.raml:25:18: the example 'cheap' does not conform to its type: 'price' must be at least 0\n"
            "api.raml:26:17: the example 'text' does not conform to its type: it is not valid JSON (the document ends "
            "before the object that opens at line 1, column 1 is closed at line 2)\n");
  EXPECT_EQ(outcome.warnings, "");
}

// A $ref names a definition of the schema, or another file of the archive from the schema's own
// file; what it names must exist.
TEST(RamlSchemasTest, ReferencesAreFollowedThroughTheArchive) {
  const std::map<std::string, std::string> schemas = {
      {"schemas/company.json", R"({"id": "company.json", "allOf": [{"$ref": "partner.json"}, {"$ref": "#/definitions/kind"}],
                                   "definitions": {"kind": {"required": ["type"]}}})"},
      {"schemas/partner.json", R"({"type": "object", "properties": {"name": {"$ref": "common/names.json#/definitions/name"}},
                                   "required": ["name"]})"},
      {"schemas/common/names.json", R"({"definitions": {"name": {"type": "string", "maxLength": 5}}})"},
      {"schemas/broken.json", R"({"properties": {"a": {"$ref": "#/definitions/b"}, "c": {"$ref": "absent.json"}}})"},
      {"schemas/self.json", R"({"id": "self.json", "definitions": {"x": {"type": "integer"}}, "$ref": "self.json#/definitions/x"})"},
  };
  auto with = [&](std::string api) {
    auto files = schemas;
    files["api.raml"] = std::move(api);
    return Read(files);
  };
  const Outcome good = with(R"(#%RAML 1.0
title: A
types:
  Company:
    type: !include schemas/company.json
    example: {name: Acme, type: AG}
  Self:
    type: !include schemas/self.json
    example: 3
)");
  EXPECT_EQ(good.problems, "");
  EXPECT_EQ(good.warnings, "");
  const Outcome bad = with(R"(#%RAML 1.0
title: A
types:
  Company:
    type: !include schemas/company.json
    examples:
      long: {name: Acme Corporation, type: AG}
      kindless: {name: Acme}
  Broken: !include schemas/broken.json
)");
  EXPECT_EQ(bad.problems,
            "schemas/broken.json:1:1: the JSON schema's $ref '#/definitions/b' names nothing in schemas/broken.json\n"
            "schemas/broken.json:1:1: 'schemas/absent.json' is not in the archive\n"
            "api.raml:7:13: the example 'long' does not conform to its type: 'name': string should be no more than 5 "
            "characters in length\n"
            "api.raml:8:17: the example 'kindless' does not conform to its type: the required property 'type' is missing in the value\n");
}

// A resource type's bodies are typed where it is applied, but the schema files it includes are
// checked even when nothing applies it.
TEST(RamlSchemasTest, SchemasOfTemplatesAreCheckedUnapplied) {
  const Outcome outcome = Read({{"broken.json", R"({"properties": {"a": {"$ref": "#/definitions/b"}}})"},
                                {"api.raml", R"(#%RAML 1.0
title: A
resourceTypes:
  collection:
    get:
      responses:
        200:
          body:
            application/json:
              type: !include broken.json
traits:
  paged:
    body:
      schema: !include broken.json
)"}});
  EXPECT_EQ(outcome.problems,
            "broken.json:1:1: the JSON schema's $ref '#/definitions/b' names nothing in broken.json\n");
}

// What cannot be checked leaves the examples unchecked, with a warning; never a hang or a crash.
TEST(RamlSchemasTest, SchemasThatCannotCheckAreWarnedAbout) {
  const Outcome outcome = Read({
      {"a.json", R"({"$ref": "b.json"})"},
      {"b.json", R"({"allOf": [{"$ref": "a.json"}]})"},
      {"remote.json", R"({"$ref": "http://example.com/schemas/x.json"})"},
      {"api.raml", R"(#%RAML 1.0
title: A
types:
  Loop:
    type: !include a.json
    example: 1
  Remote:
    type: !include remote.json
    example: 2
)"}});
  EXPECT_EQ(outcome.problems, "");
  EXPECT_NE(outcome.warnings.find("a.json:1:1: examples of this JSON schema are not checked: its schema applies itself "
                                  "without end"),
            std::string::npos)
      << outcome.warnings;
  EXPECT_NE(outcome.warnings.find("remote.json:1:1: examples of this JSON schema are not checked"), std::string::npos)
      << outcome.warnings;
}

// Draft 3 (RAML 0.8's usual dialect) has `required: true` on the property; a schema that names no
// draft and is not draft 4 is read as draft 3.
TEST(RamlSchemasTest, Draft3SchemasOfRaml08) {
  const Outcome outcome = Read({{"api.raml", R"(#%RAML 0.8
title: A
schemas:
  - user: |
      {"$schema": "http://json-schema.org/draft-03/schema", "type": "object", "required": true,
       "properties": {"name": {"type": "string", "required": true},
                      "tags": {"type": "array", "items": [{"type": "string", "required": false}]}}}
  - unnamed: |
      {"type": "object", "properties": {"id": {"type": "integer", "required": true}}}
/users:
  post:
    body:
      application/json:
        schema: user
        example: '{"nickname": "x"}'
  put:
    body:
      application/json:
        schema: unnamed
        example: '{"id": "x"}'
)"}});
  EXPECT_EQ(outcome.problems,
            "api.raml:15:18: the example does not conform to its type: the required property 'name' is missing in the value\n"
            "api.raml:20:18: the example does not conform to its type: 'id' must not be a string here\n");
  EXPECT_EQ(outcome.warnings, "");
}

constexpr const char* kCountry = R"(<?xml version="1.0" encoding="utf-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="country">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="name" type="xs:string"/>
        <xs:element name="population" type="xs:decimal"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>
)";

TEST(RamlSchemasTest, XmlExamplesAreCheckedAgainstTheirXsd) {
  const Outcome outcome = Read({{"country.xsd", kCountry}, {"api.raml", R"(#%RAML 1.0
title: A
/countries:
  post:
    body:
      application/xml:
        type: !include country.xsd#country
        examples:
          good: <country><name>France</name><population>59.7</population></country>
          stranger: <country><nom>France</nom><population>59.7</population></country>
          count: <country><name>France</name><population>many</population></country>
          broken: <country><name>France</country>
)"}});
  EXPECT_EQ(outcome.problems,
            "api.raml:10:21: the example 'stranger' does not conform to its type: line 1: Element 'nom': This element is "
            "not expected. Expected is ( name ).\n"
            "api.raml:11:18: the example 'count' does not conform to its type: line 1: Element 'population': 'many' is "
            "not a valid value of the atomic type 'xs:decimal'.\n"
            "api.raml:12:19: the example 'broken' does not conform to its type: it is not well-formed XML: Premature end "
            "of data in tag country line 1 (line 1)\n");
  EXPECT_EQ(outcome.warnings, "");
}

// libxml2 reads nothing but the texts it is given: an XSD that includes another leaves its examples
// unchecked, and a DOCTYPE (entities) is refused; nor does it build automata for huge counts.
TEST(RamlSchemasTest, XsdsLoadNothing) {
  const Outcome outcome = Read({{"country.xsd", kCountry},
                                {"outer.xsd", R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:include schemaLocation="country.xsd"/>
</xs:schema>)"},
                                {"huge.xsd", R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="a"><xs:complexType><xs:sequence>
    <xs:element name="b" type="xs:string" minOccurs = '0' maxOccurs="100000000"/>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>)"},
                                {"api.raml", R"(#%RAML 1.0
title: A
types:
  Huge:
    type: !include huge.xsd
    example: <a><b>x</b></a>
  Outer:
    type: !include outer.xsd
    example: <country><nom>x</nom></country>
  Country:
    type: !include country.xsd
    example: |
      <!DOCTYPE country [<!ENTITY x "France">]>
      <country><name>&x;</name><population>1</population></country>
)"}});
  EXPECT_EQ(outcome.problems,
            "api.raml:12:14: the example does not conform to its type: it is not well-formed XML: a DOCTYPE is not accepted "
            "(no entity is ever expanded)\n");
  EXPECT_NE(outcome.warnings.find("outer.xsd:1:1: examples of this XSD are not checked"), std::string::npos)
      << outcome.warnings;
  EXPECT_NE(outcome.warnings.find("huge.xsd:1:1: examples of this XSD are not checked: it counts occurrences past 10000"),
            std::string::npos)
      << outcome.warnings;
}

}  // namespace
}  // namespace agora::specs
