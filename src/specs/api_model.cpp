#include "specs/api_model.h"

#include <boost/json.hpp>

#include <charconv>

namespace agora::specs {
namespace {

namespace json = boost::json;

// ---- writing: fields at their default value are left out, so small specs stay small ----

json::value JsonValue(const std::string& text) {
  boost::system::error_code error;
  json::value value = json::parse(text, error);
  if (error) return json::string(text);  // a reader's non-JSON text is kept as a string
  return value;
}

std::string LocationText(const SourceLocation& location) {
  return location.file + ":" + std::to_string(location.line) + ":" + std::to_string(location.column);
}

void PutString(json::object& object, const char* key, const std::string& value) {
  if (!value.empty()) object[key] = value;
}
void PutFlag(json::object& object, const char* key, bool value) {
  if (value) object[key] = true;
}
template <typename Number>
void PutNumber(json::object& object, const char* key, const std::optional<Number>& value) {
  if (value) object[key] = *value;
}
void PutLocation(json::object& object, const SourceLocation& location) {
  if (location.known()) object["location"] = LocationText(location);
}
void PutStrings(json::object& object, const char* key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  json::array array;
  for (const auto& value : values) array.emplace_back(value);
  object[key] = std::move(array);
}
void PutJsonValues(json::object& object, const char* key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  json::array array;
  for (const auto& value : values) array.push_back(JsonValue(value));
  object[key] = std::move(array);
}
void PutJsonMap(json::object& object, const char* key, const std::map<std::string, std::string>& values,
                bool as_json) {
  if (values.empty()) return;
  json::object map;
  for (const auto& [name, value] : values) map[name] = as_json ? JsonValue(value) : json::value(value);
  object[key] = std::move(map);
}
template <typename T, typename Write>
void PutList(json::object& object, const char* key, const std::vector<T>& values, Write write) {
  if (values.empty()) return;
  json::array array;
  for (const auto& value : values) array.push_back(write(value));
  object[key] = std::move(array);
}

json::value ToValue(const Shape& shape);

// A zero-or-one vector is written as the single value it holds.
void PutOptionalShape(json::object& object, const char* key, const std::vector<Shape>& shape) {
  if (!shape.empty()) object[key] = ToValue(shape.front());
}

void PutStringLists(json::object& object, const char* key, const std::map<std::string, std::vector<std::string>>& lists) {
  if (lists.empty()) return;
  json::object map;
  for (const auto& [name, values] : lists) {
    json::array array;
    for (const auto& value : values) array.emplace_back(value);
    map[name] = std::move(array);
  }
  object[key] = std::move(map);
}

json::value ToValue(const Property& property);

void PutJsonSchemaKeywords(json::object& object, const Shape& shape) {
  auto shape_value = [](const Shape& s) { return ToValue(s); };
  PutStrings(object, "typeArray", shape.type_array);
  PutNumber(object, "exclusiveMinimumValue", shape.exclusive_minimum_value);
  PutNumber(object, "exclusiveMaximumValue", shape.exclusive_maximum_value);
  if (!shape.const_value.empty()) object["const"] = JsonValue(shape.const_value);
  PutList(object, "prefixItems", shape.prefix_items, shape_value);
  PutOptionalShape(object, "contains", shape.contains);
  PutNumber(object, "minContains", shape.min_contains);
  PutNumber(object, "maxContains", shape.max_contains);
  PutOptionalShape(object, "propertyNames", shape.property_names);
  PutList(object, "dependentSchemas", shape.dependent_schemas, [](const Property& p) { return ToValue(p); });
  PutStringLists(object, "dependentRequired", shape.dependent_required);
  PutOptionalShape(object, "if", shape.if_shape);
  PutOptionalShape(object, "then", shape.then_shape);
  PutOptionalShape(object, "else", shape.else_shape);
  if (!shape.unevaluated_items) object["unevaluatedItems"] = false;
  if (!shape.unevaluated_properties) object["unevaluatedProperties"] = false;
  PutOptionalShape(object, "unevaluatedItemsShape", shape.unevaluated_items_shape);
  PutOptionalShape(object, "unevaluatedPropertiesShape", shape.unevaluated_properties_shape);
  PutString(object, "contentMediaType", shape.content_media_type);
  PutString(object, "contentEncoding", shape.content_encoding);
  PutOptionalShape(object, "contentSchema", shape.content_schema);
  PutJsonMap(object, "extensions", shape.extensions, true);
}

json::value ToValue(const Example& example) {
  json::object object;
  PutString(object, "name", example.name);
  object["value"] = JsonValue(example.value);
  PutString(object, "description", example.description);
  PutLocation(object, example.location);
  return object;
}

json::value ToValue(const Property& property) {
  json::object object{{"name", property.name}};
  PutFlag(object, "required", property.required);
  PutFlag(object, "pattern", property.pattern);
  PutOptionalShape(object, "shape", property.shape);
  PutLocation(object, property.location);
  return object;
}

json::value ToValue(const Shape& shape) {
  json::object object;
  PutString(object, "type", shape.type);
  PutString(object, "ref", shape.ref);
  PutString(object, "name", shape.name);
  PutString(object, "displayName", shape.display_name);
  PutString(object, "description", shape.description);
  PutString(object, "format", shape.format);
  PutString(object, "pattern", shape.pattern);
  PutJsonValues(object, "enum", shape.enum_values);
  PutNumber(object, "minLength", shape.min_length);
  PutNumber(object, "maxLength", shape.max_length);
  PutNumber(object, "minimum", shape.minimum);
  PutNumber(object, "maximum", shape.maximum);
  PutNumber(object, "multipleOf", shape.multiple_of);
  PutFlag(object, "exclusiveMinimum", shape.exclusive_minimum);
  PutFlag(object, "exclusiveMaximum", shape.exclusive_maximum);
  PutNumber(object, "minItems", shape.min_items);
  PutNumber(object, "maxItems", shape.max_items);
  PutFlag(object, "uniqueItems", shape.unique_items);
  PutNumber(object, "minProperties", shape.min_properties);
  PutNumber(object, "maxProperties", shape.max_properties);
  PutStrings(object, "fileTypes", shape.file_types);
  PutFlag(object, "nullable", shape.nullable);
  PutFlag(object, "readOnly", shape.read_only);
  PutFlag(object, "writeOnly", shape.write_only);
  PutFlag(object, "deprecated", shape.deprecated);
  PutList(object, "properties", shape.properties, [](const Property& p) { return ToValue(p); });
  if (!shape.additional_properties) object["additionalProperties"] = false;
  PutOptionalShape(object, "additionalPropertiesShape", shape.additional_properties_shape);
  PutOptionalShape(object, "items", shape.items);
  auto shape_value = [](const Shape& s) { return ToValue(s); };
  PutList(object, "allOf", shape.all_of, shape_value);
  PutList(object, "anyOf", shape.any_of, shape_value);
  PutList(object, "oneOf", shape.one_of, shape_value);
  PutOptionalShape(object, "not", shape.not_of);
  PutString(object, "discriminator", shape.discriminator);
  PutJsonMap(object, "discriminatorMapping", shape.discriminator_map, false);
  PutString(object, "discriminatorValue", shape.discriminator_value);
  if (!shape.default_value.empty()) object["default"] = JsonValue(shape.default_value);
  PutList(object, "examples", shape.examples, [](const Example& e) { return ToValue(e); });
  PutJsonMap(object, "facets", shape.facets, true);
  PutString(object, "schemaLanguage", shape.schema_language);
  PutString(object, "schemaText", shape.schema_text);
  PutLocation(object, shape.location);
  PutJsonSchemaKeywords(object, shape);
  return object;
}

json::value ToValue(const Parameter& parameter) {
  json::object object{{"name", parameter.name}, {"in", parameter.in}};
  PutString(object, "description", parameter.description);
  PutFlag(object, "required", parameter.required);
  PutFlag(object, "deprecated", parameter.deprecated);
  PutOptionalShape(object, "shape", parameter.shape);
  PutList(object, "examples", parameter.examples, [](const Example& e) { return ToValue(e); });
  PutLocation(object, parameter.location);
  PutString(object, "style", parameter.style);
  if (parameter.explode) object["explode"] = *parameter.explode;
  PutFlag(object, "pathLevel", parameter.path_level);
  PutJsonMap(object, "extensions", parameter.extensions, true);
  return object;
}

json::value ToValue(const Body& body) {
  json::object object;
  PutString(object, "mediaType", body.media_type);
  PutOptionalShape(object, "shape", body.shape);
  PutList(object, "examples", body.examples, [](const Example& e) { return ToValue(e); });
  PutLocation(object, body.location);
  return object;
}

json::value ToValue(const Response& response) {
  json::object object{{"status", response.status}};
  PutString(object, "description", response.description);
  PutList(object, "headers", response.headers, [](const Parameter& p) { return ToValue(p); });
  PutList(object, "bodies", response.bodies, [](const Body& b) { return ToValue(b); });
  PutLocation(object, response.location);
  return object;
}

json::value ToValue(const SecurityRequirement& requirement) {
  json::array array;
  for (const auto& use : requirement) {
    json::object object{{"scheme", use.scheme}};
    PutStrings(object, "scopes", use.scopes);
    array.push_back(std::move(object));
  }
  return array;
}

void PutSecurity(json::object& object, const std::vector<SecurityRequirement>& security) {
  PutList(object, "security", security, [](const SecurityRequirement& r) { return ToValue(r); });
}

json::value ToValue(const Operation& operation) {
  json::object object{{"method", operation.method}, {"operationId", operation.operation_id}, {"summary", operation.summary}};
  PutString(object, "description", operation.description);
  PutFlag(object, "deprecated", operation.deprecated);
  PutStrings(object, "tags", operation.tags);
  PutList(object, "parameters", operation.parameters, [](const Parameter& p) { return ToValue(p); });
  PutList(object, "requestBodies", operation.request_bodies, [](const Body& b) { return ToValue(b); });
  PutFlag(object, "requestBodyRequired", operation.request_body_required);
  PutList(object, "responses", operation.responses, [](const Response& r) { return ToValue(r); });
  PutSecurity(object, operation.security);
  PutString(object, "soapAction", operation.soap_action);
  PutLocation(object, operation.location);
  PutJsonMap(object, "extensions", operation.extensions, true);
  return object;
}

json::value ToValue(const Resource& resource) {
  json::object object{{"path", resource.path}};
  PutString(object, "displayName", resource.display_name);
  PutString(object, "description", resource.description);
  json::array operations;
  for (const auto& operation : resource.operations) operations.push_back(ToValue(operation));
  object["operations"] = std::move(operations);
  PutLocation(object, resource.location);
  return object;
}

json::value ToValue(const SecurityScheme& scheme) {
  json::object object{{"name", scheme.name}};
  PutString(object, "type", scheme.type);
  PutString(object, "description", scheme.description);
  PutJsonMap(object, "settings", scheme.settings, true);
  PutLocation(object, scheme.location);
  return object;
}

json::value ToValue(const ServicePort& port) {
  json::object object{{"name", port.name}};
  PutString(object, "binding", port.binding);
  PutString(object, "portType", port.port_type);
  PutString(object, "address", port.address);
  PutString(object, "protocol", port.protocol);
  PutLocation(object, port.location);
  return object;
}

json::value ToValue(const Service& service) {
  json::object object{{"name", service.name}};
  PutList(object, "ports", service.ports, [](const ServicePort& p) { return ToValue(p); });
  PutLocation(object, service.location);
  return object;
}

json::array StringArray(const std::vector<std::string>& values) {
  json::array array;
  for (const auto& value : values) array.emplace_back(value);
  return array;
}

// ---- reading: the inverse of the writer, tolerant of absent fields ----

class ModelReader {
 public:
  Status error() const { return error_; }

  std::string String(const json::object& object, const char* key) {
    const json::value* value = object.if_contains(key);
    if (!value) return "";
    if (!value->is_string()) return Fail(key, "a string");
    return std::string(value->get_string());
  }
  bool Flag(const json::object& object, const char* key) {
    const json::value* value = object.if_contains(key);
    if (!value) return false;
    if (!value->is_bool()) return Fail(key, "a boolean"), false;
    return value->get_bool();
  }
  template <typename Number>
  std::optional<Number> OptionalNumber(const json::object& object, const char* key) {
    const json::value* value = object.if_contains(key);
    if (!value) return std::nullopt;
    if (!value->is_number()) return Fail(key, "a number"), std::nullopt;
    boost::system::error_code error;
    const Number number = value->to_number<Number>(error);
    if (error) return Fail(key, "a number in range"), std::nullopt;
    return number;
  }
  std::vector<std::string> Strings(const json::object& object, const char* key) {
    std::vector<std::string> strings;
    for (const json::value& value : Array(object, key)) {
      if (!value.is_string()) return Fail(key, "an array of strings"), strings;
      strings.emplace_back(value.get_string());
    }
    return strings;
  }
  std::vector<std::string> JsonTexts(const json::object& object, const char* key) {
    std::vector<std::string> texts;
    for (const json::value& value : Array(object, key)) texts.push_back(json::serialize(value));
    return texts;
  }
  std::map<std::string, std::string> Map(const json::object& object, const char* key, bool as_json) {
    std::map<std::string, std::string> map;
    const json::object& entries = Object(object, key);
    for (const auto& [name, value] : entries) {
      if (as_json) {
        map[std::string(name)] = json::serialize(value);
      } else if (value.is_string()) {
        map[std::string(name)] = std::string(value.get_string());
      } else {
        Fail(key, "an object of strings");
      }
    }
    return map;
  }
  std::string JsonText(const json::object& object, const char* key) {
    const json::value* value = object.if_contains(key);
    return value ? json::serialize(*value) : "";
  }
  SourceLocation Location(const json::object& object) {
    const std::string text = String(object, "location");
    if (text.empty()) return {};
    const auto second = text.rfind(':');
    const auto first = second == std::string::npos || second == 0 ? std::string::npos : text.rfind(':', second - 1);
    SourceLocation location;
    if (first == std::string::npos || !Number(text.substr(first + 1, second - first - 1), location.line) ||
        !Number(text.substr(second + 1), location.column))
      return Fail("location", "file:line:column"), SourceLocation{};
    location.file = text.substr(0, first);
    return location;
  }
  const json::array& Array(const json::object& object, const char* key) {
    static const json::array empty;
    const json::value* value = object.if_contains(key);
    if (!value) return empty;
    if (!value->is_array()) return Fail(key, "an array"), empty;
    return value->get_array();
  }
  const json::object& Object(const json::object& object, const char* key) {
    static const json::object empty;
    const json::value* value = object.if_contains(key);
    if (!value) return empty;
    return AsObject(*value, key);
  }
  const json::object& AsObject(const json::value& value, const char* what) {
    static const json::object empty;
    if (!value.is_object()) return Fail(what, "an object"), empty;
    return value.get_object();
  }
  template <typename T, typename Read>
  std::vector<T> List(const json::object& object, const char* key, Read read) {
    std::vector<T> list;
    for (const json::value& value : Array(object, key)) list.push_back(read(AsObject(value, key)));
    return list;
  }
  std::vector<Shape> OptionalShape(const json::object& object, const char* key) {
    const json::value* value = object.if_contains(key);
    if (!value) return {};
    return {ReadShape(AsObject(*value, key))};
  }

  Example ReadExample(const json::object& object) {
    return {String(object, "name"), JsonText(object, "value"), String(object, "description"), Location(object)};
  }
  std::vector<Example> Examples(const json::object& object) {
    return List<Example>(object, "examples", [this](const json::object& o) { return ReadExample(o); });
  }

  Property ReadProperty(const json::object& object) {
    return {String(object, "name"), Flag(object, "required"), Flag(object, "pattern"), OptionalShape(object, "shape"),
            Location(object)};
  }

  Shape ReadShape(const json::object& object) {
    if (++depth_ > kMaxDepth) return Fail("shape", "nested at most 256 deep"), Shape{};
    Shape shape;
    shape.type = String(object, "type");
    shape.ref = String(object, "ref");
    shape.name = String(object, "name");
    shape.display_name = String(object, "displayName");
    shape.description = String(object, "description");
    shape.format = String(object, "format");
    shape.pattern = String(object, "pattern");
    shape.enum_values = JsonTexts(object, "enum");
    shape.min_length = OptionalNumber<uint64_t>(object, "minLength");
    shape.max_length = OptionalNumber<uint64_t>(object, "maxLength");
    shape.minimum = OptionalNumber<double>(object, "minimum");
    shape.maximum = OptionalNumber<double>(object, "maximum");
    shape.multiple_of = OptionalNumber<double>(object, "multipleOf");
    shape.exclusive_minimum = Flag(object, "exclusiveMinimum");
    shape.exclusive_maximum = Flag(object, "exclusiveMaximum");
    shape.min_items = OptionalNumber<uint64_t>(object, "minItems");
    shape.max_items = OptionalNumber<uint64_t>(object, "maxItems");
    shape.unique_items = Flag(object, "uniqueItems");
    shape.min_properties = OptionalNumber<uint64_t>(object, "minProperties");
    shape.max_properties = OptionalNumber<uint64_t>(object, "maxProperties");
    shape.file_types = Strings(object, "fileTypes");
    shape.nullable = Flag(object, "nullable");
    shape.read_only = Flag(object, "readOnly");
    shape.write_only = Flag(object, "writeOnly");
    shape.deprecated = Flag(object, "deprecated");
    shape.properties = List<Property>(object, "properties", [this](const json::object& o) { return ReadProperty(o); });
    if (const json::value* additional = object.if_contains("additionalProperties"))
      shape.additional_properties = !additional->is_bool() || additional->get_bool();
    shape.additional_properties_shape = OptionalShape(object, "additionalPropertiesShape");
    shape.items = OptionalShape(object, "items");
    auto read_shape = [this](const json::object& o) { return ReadShape(o); };
    shape.all_of = List<Shape>(object, "allOf", read_shape);
    shape.any_of = List<Shape>(object, "anyOf", read_shape);
    shape.one_of = List<Shape>(object, "oneOf", read_shape);
    shape.not_of = OptionalShape(object, "not");
    shape.discriminator = String(object, "discriminator");
    shape.discriminator_map = Map(object, "discriminatorMapping", false);
    shape.discriminator_value = String(object, "discriminatorValue");
    shape.default_value = JsonText(object, "default");
    shape.examples = Examples(object);
    shape.facets = Map(object, "facets", true);
    shape.schema_language = String(object, "schemaLanguage");
    shape.schema_text = String(object, "schemaText");
    shape.location = Location(object);
    ReadJsonSchemaKeywords(object, shape);
    --depth_;
    return shape;
  }

  void ReadJsonSchemaKeywords(const json::object& object, Shape& shape) {
    auto read_shape = [this](const json::object& o) { return ReadShape(o); };
    shape.type_array = Strings(object, "typeArray");
    shape.exclusive_minimum_value = OptionalNumber<double>(object, "exclusiveMinimumValue");
    shape.exclusive_maximum_value = OptionalNumber<double>(object, "exclusiveMaximumValue");
    shape.const_value = JsonText(object, "const");
    shape.prefix_items = List<Shape>(object, "prefixItems", read_shape);
    shape.contains = OptionalShape(object, "contains");
    shape.min_contains = OptionalNumber<uint64_t>(object, "minContains");
    shape.max_contains = OptionalNumber<uint64_t>(object, "maxContains");
    shape.property_names = OptionalShape(object, "propertyNames");
    shape.dependent_schemas =
        List<Property>(object, "dependentSchemas", [this](const json::object& o) { return ReadProperty(o); });
    for (const auto& [name, value] : Object(object, "dependentRequired")) {
      auto& names = shape.dependent_required[std::string(name)];
      if (!value.is_array()) return void(Fail("dependentRequired", "an object of string arrays"));
      for (const json::value& item : value.get_array())
        if (item.is_string()) names.emplace_back(item.get_string());
        else return void(Fail("dependentRequired", "an object of string arrays"));
    }
    shape.if_shape = OptionalShape(object, "if");
    shape.then_shape = OptionalShape(object, "then");
    shape.else_shape = OptionalShape(object, "else");
    shape.unevaluated_items = !(object.contains("unevaluatedItems") && !Flag(object, "unevaluatedItems"));
    shape.unevaluated_properties = !(object.contains("unevaluatedProperties") && !Flag(object, "unevaluatedProperties"));
    shape.unevaluated_items_shape = OptionalShape(object, "unevaluatedItemsShape");
    shape.unevaluated_properties_shape = OptionalShape(object, "unevaluatedPropertiesShape");
    shape.content_media_type = String(object, "contentMediaType");
    shape.content_encoding = String(object, "contentEncoding");
    shape.content_schema = OptionalShape(object, "contentSchema");
    shape.extensions = Map(object, "extensions", true);
  }

  Parameter ReadParameter(const json::object& object) {
    Parameter parameter{String(object, "name"),   String(object, "in"),         String(object, "description"),
                        Flag(object, "required"), Flag(object, "deprecated"),   OptionalShape(object, "shape"),
                        Examples(object),         Location(object)};
    parameter.style = String(object, "style");
    if (object.contains("explode")) parameter.explode = Flag(object, "explode");
    parameter.path_level = Flag(object, "pathLevel");
    parameter.extensions = Map(object, "extensions", true);
    return parameter;
  }
  std::vector<Parameter> Parameters(const json::object& object, const char* key) {
    return List<Parameter>(object, key, [this](const json::object& o) { return ReadParameter(o); });
  }

  Body ReadBody(const json::object& object) {
    return {String(object, "mediaType"), OptionalShape(object, "shape"), Examples(object), Location(object)};
  }
  std::vector<Body> Bodies(const json::object& object, const char* key) {
    return List<Body>(object, key, [this](const json::object& o) { return ReadBody(o); });
  }

  Response ReadResponse(const json::object& object) {
    return {String(object, "status"), String(object, "description"), Parameters(object, "headers"),
            Bodies(object, "bodies"), Location(object)};
  }

  std::vector<SecurityRequirement> Security(const json::object& object) {
    std::vector<SecurityRequirement> security;
    for (const json::value& alternative : Array(object, "security")) {
      if (!alternative.is_array()) return Fail("security", "an array of arrays"), security;
      SecurityRequirement requirement;
      for (const json::value& use : alternative.get_array()) {
        const json::object& use_object = AsObject(use, "security");
        requirement.push_back({String(use_object, "scheme"), Strings(use_object, "scopes")});
      }
      security.push_back(std::move(requirement));
    }
    return security;
  }

  Operation ReadOperation(const json::object& object) {
    Operation operation;
    operation.method = String(object, "method");
    operation.operation_id = String(object, "operationId");
    operation.summary = String(object, "summary");
    operation.description = String(object, "description");
    operation.deprecated = Flag(object, "deprecated");
    operation.tags = Strings(object, "tags");
    operation.parameters = Parameters(object, "parameters");
    operation.request_bodies = Bodies(object, "requestBodies");
    operation.request_body_required = Flag(object, "requestBodyRequired");
    operation.responses = List<Response>(object, "responses", [this](const json::object& o) { return ReadResponse(o); });
    operation.security = Security(object);
    operation.soap_action = String(object, "soapAction");
    operation.location = Location(object);
    operation.extensions = Map(object, "extensions", true);
    return operation;
  }

  Resource ReadResource(const json::object& object) {
    return {String(object, "path"), String(object, "displayName"), String(object, "description"),
            List<Operation>(object, "operations", [this](const json::object& o) { return ReadOperation(o); }),
            Location(object)};
  }

  SecurityScheme ReadSecurityScheme(const json::object& object) {
    return {String(object, "name"), String(object, "type"), String(object, "description"),
            Map(object, "settings", true), Location(object)};
  }

  Service ReadService(const json::object& object) {
    auto read_port = [this](const json::object& o) {
      return ServicePort{String(o, "name"),    String(o, "binding"),  String(o, "portType"),
                         String(o, "address"), String(o, "protocol"), Location(o)};
    };
    return {String(object, "name"), List<ServicePort>(object, "ports", read_port), Location(object)};
  }

  ApiModel ReadModel(const json::object& object) {
    ApiModel model;
    model.format = String(object, "format");
    model.format_version = String(object, "formatVersion");
    model.fragment_kind = String(object, "fragmentKind");
    model.title = String(object, "title");
    model.version = String(object, "version");
    model.description = String(object, "description");
    model.base_uris = Strings(object, "baseUris");
    model.base_uri_parameters = Parameters(object, "baseUriParameters");
    model.protocols = Strings(object, "protocols");
    model.media_types = Strings(object, "mediaTypes");
    model.resources = List<Resource>(object, "resources", [this](const json::object& o) { return ReadResource(o); });
    model.security = Security(object);
    model.security_schemes =
        List<SecurityScheme>(object, "securitySchemes", [this](const json::object& o) { return ReadSecurityScheme(o); });
    for (const auto& [name, value] : Object(object, "types"))
      model.types[std::string(name)] = ReadShape(AsObject(value, "types"));
    model.services = List<Service>(object, "services", [this](const json::object& o) { return ReadService(o); });
    model.documentation = List<DocumentationItem>(object, "documentation", [this](const json::object& o) {
      return DocumentationItem{String(o, "title"), String(o, "content")};
    });
    model.files = Strings(object, "files");
    model.webhooks = List<Resource>(object, "webhooks", [this](const json::object& o) { return ReadResource(o); });
    return model;
  }

 private:
  static constexpr int kMaxDepth = 256;

  static bool Number(const std::string& text, uint32_t& number) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    return error == std::errc() && end == text.data() + text.size();
  }
  std::string Fail(const char* key, const char* expected) {
    if (error_.ok())
      error_ = Status::InvalidArgument("INVALID_MODEL", std::string("API model: '") + key + "' is not " + expected);
    return "";
  }

  Status error_;
  int depth_ = 0;
};

}  // namespace

std::vector<std::string> ApiModel::DataTypeNames() const {
  std::vector<std::string> names;
  for (const auto& [name, shape] : types) names.push_back(name);
  return names;
}

std::vector<std::string> ApiModel::SecuritySchemeNames() const {
  std::vector<std::string> names;
  for (const auto& scheme : security_schemes) names.push_back(scheme.name);
  return names;
}

std::string ApiModel::ToJson() const {
  json::array resources_json;
  for (const auto& resource : resources) resources_json.push_back(ToValue(resource));
  json::object model{{"format", format},
                     {"formatVersion", format_version},
                     {"title", title},
                     {"version", version},
                     {"description", description},
                     {"baseUris", StringArray(base_uris)},
                     {"resources", std::move(resources_json)},
                     {"securitySchemes", json::array()},
                     {"dataTypes", StringArray(DataTypeNames())},
                     {"files", StringArray(files)}};
  if (!fragment_kind.empty()) model["fragmentKind"] = fragment_kind;
  PutList(model, "baseUriParameters", base_uri_parameters, [](const Parameter& p) { return ToValue(p); });
  PutStrings(model, "protocols", protocols);
  PutStrings(model, "mediaTypes", media_types);
  PutSecurity(model, security);
  PutList(model, "securitySchemes", security_schemes, [](const SecurityScheme& s) { return ToValue(s); });
  if (!types.empty()) {
    json::object types_json;
    for (const auto& [name, shape] : types) types_json[name] = ToValue(shape);
    model["types"] = std::move(types_json);
  }
  PutList(model, "services", services, [](const Service& s) { return ToValue(s); });
  PutList(model, "documentation", documentation, [](const DocumentationItem& item) {
    return json::value{{"title", item.title}, {"content", item.content}};
  });
  PutList(model, "webhooks", webhooks, [](const Resource& r) { return ToValue(r); });
  return json::serialize(model);
}

Result<ApiModel> ApiModel::FromJson(std::string_view text) {
  boost::system::error_code error;
  json::parse_options options;
  options.max_depth = 2048;  // shapes nest; ModelReader bounds them itself
  const json::value value = json::parse(text, error, {}, options);
  if (error) return Status::InvalidArgument("INVALID_MODEL", "API model: " + error.message());
  ModelReader reader;
  ApiModel model = reader.ReadModel(reader.AsObject(value, "the model"));
  if (!reader.error().ok()) return reader.error();
  return model;
}

std::string ApiModel::SearchTerms() const {
  std::string terms = title;
  for (const auto& resource : resources) {
    terms += " " + resource.path;
    for (const auto& op : resource.operations)
      if (!op.operation_id.empty()) terms += " " + op.operation_id;
  }
  for (const auto& [name, shape] : types) terms += " " + name;
  return terms;
}

}  // namespace agora::specs
