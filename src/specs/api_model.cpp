#include "specs/api_model.h"

#include <boost/json.hpp>

#include <cctype>
#include <charconv>
#include <unordered_set>

#include "common/search_words.h"

namespace agora::specs {
namespace {

namespace json = boost::json;

// ---- writing: fields at their default value are left out, so small specs stay small ----

// Writes the model's JSON as it walks the model, rather than building a boost::json tree and
// serialising it: a large RAML's model (hundreds of KB) cost as much CPU as reading the spec, most
// of it allocating and freeing the tree. The text is byte for byte what boost::json::serialize
// wrote for that tree (members in the same order, strings escaped as its serializer escapes them,
// doubles and JSON values still written by it).
class ModelWriter {
 public:
  std::string Take() { return std::move(out_); }

  // ---- structure: every member or item is preceded by Key or Item ----
  void Open() { Open('{'); }
  void Close() { Close('}'); }
  void OpenArray() { Open('['); }
  void CloseArray() { Close(']'); }
  // The model's own member names, which need no escaping.
  void Key(const char* key) {
    Item();
    out_ += '"';
    out_ += key;
    out_ += "\":";
  }
  // A name from the spec (a type's, a facet's).
  void Key(const std::string& name) {
    Item();
    String(name);
    out_ += ':';
  }
  void Item() {
    if (!first_) out_ += ',';
    first_ = false;
  }

  // ---- values ----
  // As boost::json's serializer escapes: the two-character escapes, other control characters as
  // \u00xx, everything else (UTF-8 included) as it is.
  void String(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out_ += '"';
    size_t plain = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(text.data() + plain, i - plain);
      plain = i + 1;
      out_ += '\\';
      switch (c) {
        case '"': out_ += '"'; break;
        case '\\': out_ += '\\'; break;
        case '\b': out_ += 'b'; break;
        case '\t': out_ += 't'; break;
        case '\n': out_ += 'n'; break;
        case '\f': out_ += 'f'; break;
        case '\r': out_ += 'r'; break;
        default:
          out_ += "u00";
          out_ += kHex[c >> 4];
          out_ += kHex[c & 15];
      }
    }
    out_.append(text.data() + plain, text.size() - plain);
    out_ += '"';
  }
  void Bool(bool value) { out_ += value ? "true" : "false"; }
  void Number(uint64_t value) {
    char digits[24];
    out_.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
  }
  void Number(double value) { out_ += json::serialize(json::value(value)); }
  // A value held as JSON text, as the model holds values; a reader's non-JSON text as a string.
  void Json(const std::string& text) {
    boost::system::error_code error;
    const json::value value = json::parse(text, error);
    if (error) String(text);
    else out_ += json::serialize(value);
  }
  // "file:line:column", as one string.
  void Location(const SourceLocation& location) {
    String(location.file);
    out_.pop_back();  // the closing quote: the line and column go inside
    out_ += ':';
    Number(uint64_t{location.line});
    out_ += ':';
    Number(uint64_t{location.column});
    out_ += '"';
  }

  // ---- members left out at their default value ----
  void PutString(const char* key, const std::string& value) {
    if (!value.empty()) Key(key), String(value);
  }
  void PutFlag(const char* key, bool value) {
    if (value) Key(key), Bool(true);
  }
  template <typename N>
  void PutNumber(const char* key, const std::optional<N>& value) {
    if (value) Key(key), Number(*value);
  }
  void PutLocation(const SourceLocation& location) {
    if (location.known()) Key("location"), Location(location);
  }
  void PutStrings(const char* key, const std::vector<std::string>& values) {
    if (!values.empty()) Key(key), Strings(values);
  }
  void Strings(const std::vector<std::string>& values) {
    OpenArray();
    for (const auto& value : values) Item(), String(value);
    CloseArray();
  }
  void PutJsonValues(const char* key, const std::vector<std::string>& values) {
    if (values.empty()) return;
    Key(key);
    OpenArray();
    for (const auto& value : values) Item(), Json(value);
    CloseArray();
  }
  void PutJsonMap(const char* key, const std::map<std::string, std::string>& values, bool as_json) {
    if (values.empty()) return;
    Key(key);
    Open();
    for (const auto& [name, value] : values) {
      Key(name);
      if (as_json) Json(value);
      else String(value);
    }
    Close();
  }
  void PutStringLists(const char* key, const std::map<std::string, std::vector<std::string>>& lists) {
    if (lists.empty()) return;
    Key(key);
    Open();
    for (const auto& [name, values] : lists) Key(name), Strings(values);
    Close();
  }
  template <typename T>
  void PutList(const char* key, const std::vector<T>& values) {
    if (!values.empty()) Key(key), List(values);
  }
  template <typename T>
  void List(const std::vector<T>& values) {
    OpenArray();
    for (const auto& value : values) Item(), Write(value);
    CloseArray();
  }
  // A zero-or-one vector is written as the single value it holds.
  void PutOptionalShape(const char* key, const std::vector<Shape>& shape) {
    if (!shape.empty()) Key(key), Write(shape.front());
  }

  // ---- the model's parts ----
  void Write(const Shape& shape);
  void Write(const Property& property);
  void Write(const Example& example);
  void Write(const Parameter& parameter);
  void Write(const Body& body);
  void Write(const Response& response);
  void Write(const SecurityRequirement& requirement);
  void Write(const Operation& operation);
  void Write(const Resource& resource);
  void Write(const SecurityScheme& scheme);
  void Write(const ServicePort& port);
  void Write(const Service& service);
  void Write(const DocumentationItem& item);
  void Write(const ApiModel& model);

 private:
  void Open(char bracket) {
    out_ += bracket;
    first_ = true;
  }
  void Close(char bracket) {
    out_ += bracket;
    first_ = false;  // the closed value is a member of the enclosing one
  }
  void WriteJsonSchemaKeywords(const Shape& shape);

  std::string out_;
  bool first_ = true;  // nothing written yet in the innermost open object or array
};

void ModelWriter::WriteJsonSchemaKeywords(const Shape& shape) {
  PutStrings("typeArray", shape.type_array);
  PutNumber("exclusiveMinimumValue", shape.exclusive_minimum_value);
  PutNumber("exclusiveMaximumValue", shape.exclusive_maximum_value);
  if (!shape.const_value.empty()) Key("const"), Json(shape.const_value);
  PutList("prefixItems", shape.prefix_items);
  PutOptionalShape("contains", shape.contains);
  PutNumber("minContains", shape.min_contains);
  PutNumber("maxContains", shape.max_contains);
  PutOptionalShape("propertyNames", shape.property_names);
  PutList("dependentSchemas", shape.dependent_schemas);
  PutStringLists("dependentRequired", shape.dependent_required);
  PutOptionalShape("if", shape.if_shape);
  PutOptionalShape("then", shape.then_shape);
  PutOptionalShape("else", shape.else_shape);
  if (!shape.unevaluated_items) Key("unevaluatedItems"), Bool(false);
  if (!shape.unevaluated_properties) Key("unevaluatedProperties"), Bool(false);
  PutOptionalShape("unevaluatedItemsShape", shape.unevaluated_items_shape);
  PutOptionalShape("unevaluatedPropertiesShape", shape.unevaluated_properties_shape);
  PutString("contentMediaType", shape.content_media_type);
  PutString("contentEncoding", shape.content_encoding);
  PutOptionalShape("contentSchema", shape.content_schema);
  PutJsonMap("extensions", shape.extensions, true);
}

void ModelWriter::Write(const Example& example) {
  Open();
  PutString("name", example.name);
  Key("value"), Json(example.value);
  PutString("description", example.description);
  PutLocation(example.location);
  Close();
}

void ModelWriter::Write(const Property& property) {
  Open();
  Key("name"), String(property.name);
  PutFlag("required", property.required);
  PutFlag("pattern", property.pattern);
  PutOptionalShape("shape", property.shape);
  PutLocation(property.location);
  Close();
}

void ModelWriter::Write(const Shape& shape) {
  Open();
  PutString("type", shape.type);
  PutString("ref", shape.ref);
  PutString("name", shape.name);
  PutString("displayName", shape.display_name);
  PutString("description", shape.description);
  PutString("format", shape.format);
  PutString("pattern", shape.pattern);
  PutJsonValues("enum", shape.enum_values);
  PutNumber("minLength", shape.min_length);
  PutNumber("maxLength", shape.max_length);
  PutNumber("minimum", shape.minimum);
  PutNumber("maximum", shape.maximum);
  PutNumber("multipleOf", shape.multiple_of);
  PutFlag("exclusiveMinimum", shape.exclusive_minimum);
  PutFlag("exclusiveMaximum", shape.exclusive_maximum);
  PutNumber("minItems", shape.min_items);
  PutNumber("maxItems", shape.max_items);
  PutFlag("uniqueItems", shape.unique_items);
  PutNumber("minProperties", shape.min_properties);
  PutNumber("maxProperties", shape.max_properties);
  PutStrings("fileTypes", shape.file_types);
  PutFlag("nullable", shape.nullable);
  PutFlag("readOnly", shape.read_only);
  PutFlag("writeOnly", shape.write_only);
  PutFlag("deprecated", shape.deprecated);
  PutList("properties", shape.properties);
  if (!shape.additional_properties) Key("additionalProperties"), Bool(false);
  PutOptionalShape("additionalPropertiesShape", shape.additional_properties_shape);
  PutOptionalShape("items", shape.items);
  PutList("allOf", shape.all_of);
  PutList("anyOf", shape.any_of);
  PutList("oneOf", shape.one_of);
  PutOptionalShape("not", shape.not_of);
  PutString("discriminator", shape.discriminator);
  PutJsonMap("discriminatorMapping", shape.discriminator_map, false);
  PutString("discriminatorValue", shape.discriminator_value);
  if (!shape.default_value.empty()) Key("default"), Json(shape.default_value);
  PutList("examples", shape.examples);
  PutJsonMap("facets", shape.facets, true);
  PutString("schemaLanguage", shape.schema_language);
  PutString("schemaText", shape.schema_text);
  PutLocation(shape.location);
  WriteJsonSchemaKeywords(shape);
  Close();
}

void ModelWriter::Write(const Parameter& parameter) {
  Open();
  Key("name"), String(parameter.name);
  Key("in"), String(parameter.in);
  PutString("description", parameter.description);
  PutFlag("required", parameter.required);
  PutFlag("deprecated", parameter.deprecated);
  PutOptionalShape("shape", parameter.shape);
  PutList("examples", parameter.examples);
  PutLocation(parameter.location);
  PutString("style", parameter.style);
  if (parameter.explode) Key("explode"), Bool(*parameter.explode);
  PutFlag("pathLevel", parameter.path_level);
  PutJsonMap("extensions", parameter.extensions, true);
  Close();
}

void ModelWriter::Write(const Body& body) {
  Open();
  PutString("mediaType", body.media_type);
  PutOptionalShape("shape", body.shape);
  PutList("examples", body.examples);
  PutLocation(body.location);
  Close();
}

void ModelWriter::Write(const Response& response) {
  Open();
  Key("status"), String(response.status);
  PutString("description", response.description);
  PutList("headers", response.headers);
  PutList("bodies", response.bodies);
  PutLocation(response.location);
  Close();
}

void ModelWriter::Write(const SecurityRequirement& requirement) {
  OpenArray();
  for (const auto& use : requirement) {
    Item();
    Open();
    Key("scheme"), String(use.scheme);
    PutStrings("scopes", use.scopes);
    Close();
  }
  CloseArray();
}

void ModelWriter::Write(const Operation& operation) {
  Open();
  Key("method"), String(operation.method);
  Key("operationId"), String(operation.operation_id);
  Key("summary"), String(operation.summary);
  PutString("description", operation.description);
  PutFlag("deprecated", operation.deprecated);
  PutStrings("tags", operation.tags);
  PutList("parameters", operation.parameters);
  PutList("requestBodies", operation.request_bodies);
  PutFlag("requestBodyRequired", operation.request_body_required);
  PutList("responses", operation.responses);
  PutList("security", operation.security);
  PutString("soapAction", operation.soap_action);
  PutLocation(operation.location);
  PutJsonMap("extensions", operation.extensions, true);
  Close();
}

void ModelWriter::Write(const Resource& resource) {
  Open();
  Key("path"), String(resource.path);
  PutString("displayName", resource.display_name);
  PutString("description", resource.description);
  Key("operations"), List(resource.operations);
  PutLocation(resource.location);
  Close();
}

void ModelWriter::Write(const SecurityScheme& scheme) {
  Open();
  Key("name"), String(scheme.name);
  PutString("type", scheme.type);
  PutString("description", scheme.description);
  PutJsonMap("settings", scheme.settings, true);
  PutLocation(scheme.location);
  Close();
}

void ModelWriter::Write(const ServicePort& port) {
  Open();
  Key("name"), String(port.name);
  PutString("binding", port.binding);
  PutString("portType", port.port_type);
  PutString("address", port.address);
  PutString("protocol", port.protocol);
  PutLocation(port.location);
  Close();
}

void ModelWriter::Write(const Service& service) {
  Open();
  Key("name"), String(service.name);
  PutList("ports", service.ports);
  PutLocation(service.location);
  Close();
}

void ModelWriter::Write(const DocumentationItem& item) {
  Open();
  Key("title"), String(item.title);
  Key("content"), String(item.content);
  Close();
}

void ModelWriter::Write(const ApiModel& model) {
  Open();
  Key("format"), String(model.format);
  Key("formatVersion"), String(model.format_version);
  Key("title"), String(model.title);
  Key("version"), String(model.version);
  Key("description"), String(model.description);
  Key("baseUris"), Strings(model.base_uris);
  Key("resources"), List(model.resources);
  Key("securitySchemes"), List(model.security_schemes);  // [] when there are none
  Key("dataTypes"), Strings(model.DataTypeNames());
  Key("files"), Strings(model.files);
  PutString("fragmentKind", model.fragment_kind);
  PutList("baseUriParameters", model.base_uri_parameters);
  PutStrings("protocols", model.protocols);
  PutStrings("mediaTypes", model.media_types);
  PutList("security", model.security);
  if (!model.types.empty()) {
    Key("types");
    Open();
    for (const auto& [name, shape] : model.types) Key(name), Write(shape);
    Close();
  }
  PutList("services", model.services);
  PutList("documentation", model.documentation);
  PutList("webhooks", model.webhooks);
  Close();
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
  ModelWriter writer;
  writer.Write(*this);
  return writer.Take();
}

Result<ApiModel> ApiModel::FromJson(std::string_view text) {
  boost::system::error_code error;
  json::parse_options options;
  options.max_depth = 2048;  // shapes nest; ModelReader bounds them itself
  // A model's strings are whatever bytes the spec held: an included Markdown or XML file need
  // not be UTF-8, and ToJson writes such bytes as they are.
  options.allow_invalid_utf8 = true;
  const json::value value = json::parse(text, error, {}, options);
  if (error) return Status::InvalidArgument("INVALID_MODEL", "API model: " + error.message());
  ModelReader reader;
  ApiModel model = reader.ReadModel(reader.AsObject(value, "the model"));
  if (!reader.error().ok()) return reader.error();
  return model;
}

namespace {

// Appends the search words of `text` that `seen` does not hold yet; repeats are compared without
// ASCII case, as the index folds it.
void AddDistinctWords(const std::string& text, std::unordered_set<std::string>& seen, std::string& words) {
  for (const std::string& word : SearchWords(text)) {
    std::string key = word;
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!seen.insert(std::move(key)).second) continue;
    if (!words.empty()) words += ' ';
    words += word;
  }
}

}  // namespace

// Each word once: the index finds a version by whether it holds a word, and a resource tree
// repeats its parents' words in every path below them; indexing every repeat was most of a
// publication's search index writes (docs/performance.md, section 1).
std::string ApiModel::SearchTerms() const {
  std::unordered_set<std::string> seen;
  std::string terms;
  AddDistinctWords(title, seen, terms);
  for (const auto& resource : resources) {
    AddDistinctWords(resource.path, seen, terms);
    for (const auto& op : resource.operations) AddDistinctWords(op.operation_id, seen, terms);
  }
  for (const auto& [name, shape] : types) AddDistinctWords(name, seen, terms);
  return terms;
}

}  // namespace agora::specs
