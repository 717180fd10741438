// The API model: what agora understood of an API specification, in one shape for RAML, OAS and
// WSDL. The readers (raml_reader, oas_reader, wsdl_reader) fill it; publication stores it as JSON
// (ToJson) with the version; the .../api/model endpoint serves that JSON; the portal's API
// reference and the compatibility reports read it back (FromJson). Everything a consumer of a
// spec needs is here, so that no second reader of the spec files exists.
//
// Data types are Shapes: a normalised JSON-Schema-like tree that RAML types, OAS Schema Objects
// and XSD types all map onto. A named type is declared once in ApiModel::types and referenced by
// name (Shape::ref), which keeps recursive types finite; inline types are written out in place.
// Inheritance is kept as written (Shape::all_of names the parents) rather than flattened, so a
// reader of the model sees what the author wrote and can still resolve it.
//
// Locations are those of the spec files in the archive (Problem's file, line, column), so a
// report about the model (a breaking change, a link in the reference) can point at the source.
//
// Thread safety: plain values; concurrent const use is safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace agora::specs {

struct SourceLocation {
  std::string file;
  uint32_t line = 0;    // 1-based; 0 when unknown
  uint32_t column = 0;  // 1-based; 0 when unknown

  bool known() const { return !file.empty(); }
  friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
};

struct Shape;

// Values (enum values, defaults, examples, facets, settings) are held as JSON text written by
// boost::json::serialize, and appear in the model's JSON as JSON values, not strings.

// A named example of a shape, a parameter or a body. `value` is JSON text (a RAML example written
// in YAML is converted; an XML or otherwise non-JSON example is a JSON string).
struct Example {
  std::string name;  // empty for a single unnamed example
  std::string value;
  std::string description;
  SourceLocation location;

  friend bool operator==(const Example&, const Example&) = default;
};

struct Property {
  std::string name;  // for RAML pattern properties the pattern, with `pattern` set
  bool required = false;
  bool pattern = false;
  std::vector<Shape> shape;  // exactly one element (a vector so that Shape may be incomplete here)
  SourceLocation location;

  friend bool operator==(const Property&, const Property&) = default;
};

struct Shape {
  // JSON-Schema's primitive names plus RAML's: any, nil, boolean, integer, number, string,
  // object, array, file, union. Empty when the shape only references (ref) or composes (all_of).
  // RAML date types are "string" with format date, time, datetime-only, date-time.
  std::string type;
  std::string ref;  // the name of a type in ApiModel::types this shape is (or extends, with facets)
  std::string name;  // the declared name, for types in ApiModel::types and XSD elements
  std::string display_name;
  std::string description;
  std::string format;  // int32, int64, float, double, date-time, date, time, byte, binary, email, ...
  std::string pattern;
  std::vector<std::string> enum_values;  // JSON text of each value
  std::optional<uint64_t> min_length, max_length;
  std::optional<double> minimum, maximum, multiple_of;
  bool exclusive_minimum = false, exclusive_maximum = false;
  std::optional<uint64_t> min_items, max_items;
  bool unique_items = false;
  std::optional<uint64_t> min_properties, max_properties;
  std::vector<std::string> file_types;  // RAML file fileTypes
  bool nullable = false;                // OAS 3.0 nullable, 3.1 type [..., "null"], RAML `T | nil`
  bool read_only = false, write_only = false, deprecated = false;

  std::vector<Property> properties;
  // Whether properties other than those declared are allowed (RAML additionalProperties, OAS
  // additionalProperties: false), and the shape they must have when one is given.
  bool additional_properties = true;
  std::vector<Shape> additional_properties_shape;  // zero or one

  std::vector<Shape> items;   // arrays: zero or one element
  std::vector<Shape> all_of;  // RAML (multiple) inheritance, OAS allOf, XSD extension base
  std::vector<Shape> any_of;  // RAML unions, OAS anyOf
  std::vector<Shape> one_of;  // OAS oneOf, XSD choice
  std::vector<Shape> not_of;  // OAS not: zero or one

  std::string discriminator;                             // the property that tells variants apart
  std::map<std::string, std::string> discriminator_map;  // value -> type name (OAS mapping)
  std::string discriminator_value;                       // RAML discriminatorValue

  std::string default_value;  // JSON text; empty when none
  std::vector<Example> examples;
  // Facets no field above holds: RAML user-defined facets and their values, XSD restrictions such
  // as totalDigits, XML serialisation settings; name -> JSON text.
  std::map<std::string, std::string> facets;
  // The schema language when the shape is not native: "json-schema" or "xsd" for a RAML type or
  // body given as a schema, with `schema_text` holding it when it could not be mapped to fields.
  std::string schema_language;
  std::string schema_text;
  SourceLocation location;

  // JSON Schema keywords past OAS 3.0 (OAS 3.1 is JSON Schema 2020-12), which the compatibility
  // checks compare; empty or absent when the spec does not use them.
  std::vector<std::string> type_array = {};  // `type: [a, b]`: every type named but "null" (nullable), when more than one
  // Numeric exclusive bounds (OAS 3.1 `exclusiveMinimum: 5`, XSD minExclusive); the booleans
  // above are the OAS 3.0 / Swagger form that qualifies minimum and maximum.
  std::optional<double> exclusive_minimum_value = {}, exclusive_maximum_value = {};
  std::string const_value = {};  // JSON text
  std::vector<Shape> prefix_items = {};
  std::vector<Shape> contains = {};  // zero or one
  std::optional<uint64_t> min_contains = {}, max_contains = {};
  std::vector<Shape> property_names = {};  // zero or one
  std::vector<Property> dependent_schemas = {};  // name: the property whose presence applies the shape
  std::map<std::string, std::vector<std::string>> dependent_required = {};
  std::vector<Shape> if_shape = {}, then_shape = {}, else_shape = {};  // zero or one each
  bool unevaluated_items = true, unevaluated_properties = true;  // false for `unevaluatedItems: false`
  std::vector<Shape> unevaluated_items_shape = {}, unevaluated_properties_shape = {};  // zero or one each
  std::string content_media_type = {}, content_encoding = {};
  std::vector<Shape> content_schema = {};  // zero or one
  // Specification extensions (x-extensible-enum, x-sunset, x-stability-level, ...): name -> JSON text.
  std::map<std::string, std::string> extensions = {};

  friend bool operator==(const Shape&, const Shape&) = default;
};

// A parameter of a request or a header of a response.
struct Parameter {
  std::string name;
  std::string in;  // path, query, header, cookie, base (RAML baseUriParameters)
  std::string description;
  bool required = false;
  bool deprecated = false;
  std::vector<Shape> shape;  // zero or one
  std::vector<Example> examples;
  SourceLocation location;
  std::string style = {};        // OAS serialisation style (form, simple, deepObject, ...); empty: the default
  std::optional<bool> explode = {};  // absent: the style's default
  bool path_level = false;       // OAS: declared on the path item, shared by its operations
  std::map<std::string, std::string> extensions = {};  // x- extensions (x-sunset, ...): name -> JSON text

  friend bool operator==(const Parameter&, const Parameter&) = default;
};

// One media type of a request or response body. WSDL messages are bodies of media type
// text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2) whose shape lists the message parts.
struct Body {
  std::string media_type;  // empty when the spec gives none and no default applies
  std::vector<Shape> shape;  // zero or one
  std::vector<Example> examples;
  SourceLocation location;

  friend bool operator==(const Body&, const Body&) = default;
};

struct Response {
  std::string status;  // "200", "4XX", "default"; WSDL: "output", or "fault:<name>"
  std::string description;
  std::vector<Parameter> headers;
  std::vector<Body> bodies;
  SourceLocation location;

  friend bool operator==(const Response&, const Response&) = default;
};

// One security scheme an operation accepts, with the scopes it needs (OAuth 2.0 / OpenID).
struct SecurityUse {
  std::string scheme;  // a name in ApiModel::security_schemes; "null" for RAML's anonymous `null`
  std::vector<std::string> scopes;

  friend bool operator==(const SecurityUse&, const SecurityUse&) = default;
};
// Alternatives: the operation is allowed when every use of any one alternative is satisfied.
using SecurityRequirement = std::vector<SecurityUse>;

struct SecurityScheme {
  std::string name;
  std::string type;  // RAML: OAuth 2.0, Basic Authentication, ...; OAS: oauth2, http, apiKey, ...
  std::string description;
  // Everything else the scheme declares (flows, scopes, scheme, bearerFormat, in, name, RAML
  // settings, describedBy headers), name -> JSON text.
  std::map<std::string, std::string> settings;
  SourceLocation location;

  friend bool operator==(const SecurityScheme&, const SecurityScheme&) = default;
};

// What a client needs to know about an API without reading its spec. For WSDL, each port type
// is a resource (path = port type name) whose operations have method "post" (SOAP over HTTP)
// and the WSDL operation name as operation id.
struct Operation {
  std::string method;        // lower-case HTTP method: get, post, ...
  std::string operation_id;  // OAS operationId, RAML displayName, WSDL operation name; may be empty
  std::string summary;
  std::string description;
  bool deprecated = false;
  std::vector<std::string> tags;
  // Every parameter that applies, resource-level path parameters and traits included, in the
  // order the spec gives them.
  std::vector<Parameter> parameters;
  std::vector<Body> request_bodies;
  bool request_body_required = false;
  std::vector<Response> responses;
  // The security that applies, the API's default included; empty when none is declared.
  std::vector<SecurityRequirement> security;
  std::string soap_action;  // WSDL only
  SourceLocation location;
  std::map<std::string, std::string> extensions = {};  // x- extensions (x-sunset, x-stability-level, ...): name -> JSON text

  friend bool operator==(const Operation&, const Operation&) = default;
};

struct Resource {
  std::string path;  // "/flights/{id}" (RAML nested resources flattened to their full path)
  std::string display_name;
  std::string description;
  std::vector<Operation> operations;
  SourceLocation location;

  friend bool operator==(const Resource&, const Resource&) = default;
};

// WSDL: a service's port, where it is reached and through which binding and port type.
struct ServicePort {
  std::string name;
  std::string binding;
  std::string port_type;
  std::string address;
  std::string protocol;  // soap11, soap12, http
  SourceLocation location;

  friend bool operator==(const ServicePort&, const ServicePort&) = default;
};

struct Service {
  std::string name;
  std::vector<ServicePort> ports;
  SourceLocation location;

  friend bool operator==(const Service&, const Service&) = default;
};

// RAML documentation items (title and Markdown content).
struct DocumentationItem {
  std::string title;
  std::string content;

  friend bool operator==(const DocumentationItem&, const DocumentationItem&) = default;
};

struct ApiModel {
  std::string format;          // raml, oas, wsdl
  std::string format_version;  // 1.0, 0.8, 2.0, 3.0.3, 3.1.0, 1.1
  std::string fragment_kind;   // RAML fragment kind (DataType, Library, ...); empty for an API
  std::string title;
  std::string version;
  std::string description;
  std::vector<std::string> base_uris;  // RAML baseUri, OAS servers / host+basePath, WSDL soap:address
  std::vector<Parameter> base_uri_parameters;  // RAML baseUriParameters, OAS server variables
  std::vector<std::string> protocols;          // RAML protocols, Swagger schemes
  std::vector<std::string> media_types;        // the API's default media types
  std::vector<Resource> resources;
  std::vector<SecurityRequirement> security;  // the API's default security
  std::vector<SecurityScheme> security_schemes;
  // Named types / schemas / XSD global types and elements, by a name unique in the model: RAML
  // library types qualified as the API uses them (lib.Person), OAS schemas of other files by
  // their reference (common.yaml#/components/schemas/Error), XSD names as prefix:local.
  std::map<std::string, Shape> types;
  std::vector<Service> services;       // WSDL services and their ports
  std::vector<DocumentationItem> documentation;
  std::vector<std::string> files;  // every archive file the spec pulled in, main file first
  std::vector<Resource> webhooks = {};  // OAS 3.1 webhooks: each a resource whose path is the webhook's name

  // The names of the declared types and security schemes, as the model's summary lists them.
  std::vector<std::string> DataTypeNames() const;
  std::vector<std::string> SecuritySchemeNames() const;

  std::string ToJson() const;  // the .../api/model document (docs/api-model.md)
  static Result<ApiModel> FromJson(std::string_view json);
  // The words search indexes, each once: those of the title, resource paths, operation ids and
  // data type names.
  std::string SearchTerms() const;

  friend bool operator==(const ApiModel&, const ApiModel&) = default;
};

}  // namespace agora::specs
