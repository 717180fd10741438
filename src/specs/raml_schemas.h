// Internal to the RAML reader: the types a JSON schema or an XSD defines (a body's
// `type: !include user.json`, `schema:`, RAML 0.8's `schemas:`), and the examples checked against
// them, as the RAML specification asks of every example of a type.
//
// A JSON schema is checked with valijson (json_schema_rewrite.h), in the draft its `$schema`
// names (3, 4 or 7; 4 when it names none). Its `$ref`s may name a definition inside it ("#/...")
// or another file of the archive ("partner.json", "common.json#/definitions/Id"), resolved from
// the schema's own file as RAML resolves includes; the files are gathered into one document, so
// every reference is followed once and a cycle of references is found, not followed forever. A
// reference to a file the archive lacks, or to a definition that does not exist, is a problem of
// the schema. An XSD is checked with libxml2, which never loads anything (no DTD, no
// xs:include or xs:import: such a schema's examples are not checked).
//
// An example that does not conform is a problem, worded by the rule broken. A schema that cannot
// check anything (a reference to a URL, a keyword valijson does not know, a schema that applies
// itself without end) leaves its examples unchecked, and a warning says so.
//
// Thread safety: one ExternalSchemas per reading, used by one thread; libxml2 is initialised
// once per process.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "specs/raml_node.h"

namespace agora::specs::raml {

class ExternalSchemas {
 public:
  explicit ExternalSchemas(RamlLoader& loader);
  ~ExternalSchemas();
  ExternalSchemas(const ExternalSchemas&) = delete;
  ExternalSchemas& operator=(const ExternalSchemas&) = delete;

  // Checks the schema whose text is `schema` (a JSON schema or an XSD), once per place it is
  // written however often it is used.
  void Check(const RamlNode& schema);
  // Why `value` does not conform to the schema `schema`; empty when it does, or when it cannot be
  // checked.
  std::string Mismatch(const RamlNode& schema, const RamlNode& value);

 private:
  struct JsonSchema;
  struct XmlSchema;
  struct Compiled;
  Compiled& CompiledFor(const RamlNode& schema);
  void CompileJson(const RamlNode& schema, Compiled& compiled);
  void CompileXml(const RamlNode& schema, Compiled& compiled);
  std::string JsonMismatch(const JsonSchema& schema, const RamlNode& value);
  std::string XmlMismatch(const XmlSchema& schema, const RamlNode& value);

  RamlLoader& loader_;
  // By where the schema is written: a resource type applied twice copies its schema, not its place.
  std::map<std::tuple<uint32_t, uint32_t, uint32_t>, std::unique_ptr<Compiled>> compiled_;
};

}  // namespace agora::specs::raml
