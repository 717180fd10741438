#include "specs/oas_model.h"

#include <charconv>
#include <deque>
#include <optional>
#include <set>

#include "specs/yaml_json.h"

namespace agora::specs {
namespace {

constexpr const char* kMethods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

bool IsMethod(const std::string& key) {
  for (const char* method : kMethods)
    if (key == method) return true;
  return false;
}

std::string Text(const YamlNode* node) { return node && node->is_scalar() ? node->scalar : ""; }

bool Flag(const YamlNode* node) {
  return node && node->is_scalar() && (node->scalar == "true" || node->scalar == "True" || node->scalar == "TRUE");
}

std::optional<uint64_t> Count(const YamlNode& node) {
  uint64_t value = 0;
  const std::string& text = node.scalar;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!node.is_scalar() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> Number(const YamlNode& node) {
  if (!node.is_scalar() || node.scalar.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(node.scalar.c_str(), &end);
  if (end != node.scalar.c_str() + node.scalar.size()) return std::nullopt;
  return value;
}

std::vector<std::string> Strings(const YamlNode* node) {
  std::vector<std::string> values;
  if (node && node->is_sequence())
    for (const auto& item : node->items)
      if (item.is_scalar()) values.push_back(item.scalar);
  return values;
}

class ModelBuilder {
 public:
  ModelBuilder(OasReferences& references, const std::string& main_file, ApiModel& model)
      : references_(references), main_file_(main_file), model_(model) {}

  void Build(const YamlNode& root) {
    swagger2_ = root.Find("swagger") && !root.Find("openapi");
    oas31_ = Text(root.Find("openapi")).rfind("3.1", 0) == 0;
    const OasNode document{main_file_, &root, ""};
    if (swagger2_) {
      ReadHostAndSchemes(root);
      for (const char* key : {"consumes", "produces"})
        for (auto& media_type : Strings(root.Find(key)))
          if (std::find(model_.media_types.begin(), model_.media_types.end(), media_type) == model_.media_types.end())
            model_.media_types.push_back(media_type);
      default_consumes_ = Strings(root.Find("consumes"));
      default_produces_ = Strings(root.Find("produces"));
      ReadSecuritySchemes(Child(document, "securityDefinitions"));
      DeclareSection(Child(document, "definitions"), "/definitions/");
    } else {
      ReadServers(root.Find("servers"));
      const OasNode components = Child(document, "components");
      ReadSecuritySchemes(Child(components, "securitySchemes"));
      DeclareSection(Child(components, "schemas"), "/components/schemas/");
    }
    model_.security = ReadSecurity(root.Find("security"));
    if (const YamlNode* paths = root.Find("paths"); paths && paths->is_mapping())
      for (const auto& [path, item] : paths->pairs)
        if (!path.empty() && path.front() == '/') model_.resources.push_back(ReadPathItem(path, {main_file_, &item, ""}));
    if (const YamlNode* webhooks = root.Find("webhooks"); webhooks && webhooks->is_mapping())
      for (const auto& [name, item] : webhooks->pairs) model_.webhooks.push_back(ReadPathItem(name, {main_file_, &item, ""}));
    DeclarePendingTypes();
  }

 private:
  static OasNode Child(const OasNode& parent, const char* key) {
    if (!parent.node) return {};
    const YamlNode* child = parent.node->Find(key);
    return child ? OasNode{parent.file, child, ""} : OasNode{};
  }
  static SourceLocation At(const std::string& file, const YamlNode& node) { return {file, node.line, node.column}; }
  static SourceLocation At(const OasNode& node) { return At(node.file, *node.node); }

  OasNode Resolve(const OasNode& node) { return node ? references_.ResolveQuietly(node) : node; }

  // ---- servers ----

  void ReadHostAndSchemes(const YamlNode& root) {
    model_.protocols = Strings(root.Find("schemes"));
    const std::string host = Text(root.Find("host"));
    const std::string base_path = Text(root.Find("basePath"));
    if (host.empty()) {
      if (!base_path.empty()) model_.base_uris.push_back(base_path);
      return;
    }
    const std::vector<std::string> schemes = model_.protocols.empty() ? std::vector<std::string>{"https"} : model_.protocols;
    for (const auto& scheme : schemes) model_.base_uris.push_back(scheme + "://" + host + base_path);
  }

  void ReadServers(const YamlNode* servers) {
    if (!servers || !servers->is_sequence()) return;
    for (const auto& server : servers->items) {
      const std::string url = Text(server.Find("url"));
      if (url.empty()) continue;
      model_.base_uris.push_back(url);
      const YamlNode* variables = server.Find("variables");
      if (!variables || !variables->is_mapping()) continue;
      for (const auto& [name, variable] : variables->pairs) {
        bool known = false;
        for (const auto& parameter : model_.base_uri_parameters) known = known || parameter.name == name;
        if (known) continue;
        Parameter parameter;
        parameter.name = name;
        parameter.in = "base";
        parameter.required = true;
        parameter.description = Text(variable.Find("description"));
        Shape shape;
        shape.type = "string";
        if (const YamlNode* values = variable.Find("enum"); values && values->is_sequence())
          for (const auto& value : values->items) shape.enum_values.push_back(YamlToJsonText(value));
        if (const YamlNode* value = variable.Find("default")) shape.default_value = YamlToJsonText(*value);
        parameter.shape.push_back(std::move(shape));
        parameter.location = At(main_file_, variable);
        model_.base_uri_parameters.push_back(std::move(parameter));
      }
    }
  }

  // ---- security ----

  void ReadSecuritySchemes(const OasNode& section) {
    if (!section || !section.node->is_mapping()) return;
    for (const auto& [name, value] : section.node->pairs) {
      const OasNode scheme_node = Resolve({section.file, &value, ""});
      SecurityScheme scheme;
      scheme.name = name;
      scheme.location = At(section.file, value);
      if (scheme_node && scheme_node.node->is_mapping()) {
        for (const auto& [key, setting] : scheme_node.node->pairs) {
          if (key == "type") scheme.type = Text(&setting);
          else if (key == "description") scheme.description = Text(&setting);
          else scheme.settings[key] = YamlToJsonText(setting);
        }
      }
      model_.security_schemes.push_back(std::move(scheme));
    }
  }

  static std::vector<SecurityRequirement> ReadSecurity(const YamlNode* security) {
    std::vector<SecurityRequirement> alternatives;
    if (!security || !security->is_sequence()) return alternatives;
    for (const auto& requirement : security->items) {
      SecurityRequirement uses;
      for (const auto& [scheme, scopes] : requirement.pairs) uses.push_back({scheme, Strings(&scopes)});
      alternatives.push_back(std::move(uses));
    }
    return alternatives;
  }

  // ---- paths and operations ----

  Resource ReadPathItem(const std::string& path, const OasNode& written) {
    Resource resource;
    resource.path = path;
    resource.location = At(written);
    const OasNode item = Resolve(written);
    if (item && item.node->is_mapping()) {
      resource.display_name = Text(item.node->Find("summary"));
      resource.description = Text(item.node->Find("description"));
      std::vector<Parameter> shared = ReadParameters(Child(item, "parameters"));
      for (auto& parameter : shared) parameter.path_level = true;
      for (const auto& [key, operation] : item.node->pairs)
        if (IsMethod(key)) resource.operations.push_back(ReadOperation(key, {item.file, &operation, ""}, shared));
    }
    return resource;
  }

  Operation ReadOperation(const std::string& method, const OasNode& node, const std::vector<Parameter>& shared) {
    Operation operation;
    operation.method = method;
    operation.location = At(node);
    const YamlNode& op = *node.node;
    if (!op.is_mapping()) return operation;
    operation.operation_id = Text(op.Find("operationId"));
    operation.summary = Text(op.Find("summary"));
    operation.description = Text(op.Find("description"));
    operation.deprecated = Flag(op.Find("deprecated"));
    operation.tags = Strings(op.Find("tags"));
    operation.parameters = shared;
    for (auto& parameter : ReadParameters(Child(node, "parameters"))) {
      auto same = std::find_if(operation.parameters.begin(), operation.parameters.end(), [&](const Parameter& p) {
        return p.name == parameter.name && p.in == parameter.in;
      });
      if (same != operation.parameters.end()) *same = std::move(parameter);
      else operation.parameters.push_back(std::move(parameter));
    }
    if (swagger2_) {
      const YamlNode* consumes = op.Find("consumes");
      const YamlNode* produces = op.Find("produces");
      consumes_ = consumes ? Strings(consumes) : default_consumes_;
      produces_ = produces ? Strings(produces) : default_produces_;
      MoveBodyParameters(operation);
    } else if (const OasNode body = Resolve(Child(node, "requestBody")); body && body.node->is_mapping()) {
      operation.request_body_required = Flag(body.node->Find("required"));
      operation.request_bodies = ReadContent(Child(body, "content"));
    }
    if (const OasNode responses = Child(node, "responses"); responses && responses.node->is_mapping())
      for (const auto& [status, response] : responses.node->pairs)
        if (status.rfind("x-", 0) != 0) operation.responses.push_back(ReadResponse(status, {responses.file, &response, ""}));
    operation.security = op.Find("security") ? ReadSecurity(op.Find("security")) : model_.security;
    operation.extensions = Extensions(op);
    return operation;
  }

  std::vector<Parameter> ReadParameters(const OasNode& list) {
    std::vector<Parameter> parameters;
    if (!list || !list.node->is_sequence()) return parameters;
    for (const auto& item : list.node->items) {
      const OasNode parameter = Resolve({list.file, &item, ""});
      if (parameter && parameter.node->is_mapping()) parameters.push_back(ReadParameter(parameter, At(list.file, item)));
    }
    return parameters;
  }

  Parameter ReadParameter(const OasNode& node, SourceLocation location) {
    const YamlNode& p = *node.node;
    Parameter parameter;
    parameter.name = Text(p.Find("name"));
    parameter.in = Text(p.Find("in"));
    parameter.description = Text(p.Find("description"));
    parameter.required = Flag(p.Find("required"));
    parameter.deprecated = Flag(p.Find("deprecated"));
    parameter.location = std::move(location);
    parameter.style = Text(p.Find("style"));
    if (const YamlNode* explode = p.Find("explode"); explode && explode->is_scalar()) parameter.explode = Flag(explode);
    parameter.extensions = Extensions(p);
    if (const OasNode schema = Child(node, "schema")) {
      parameter.shape.push_back(SchemaShape(schema));
    } else if (const OasNode content = Child(node, "content"); content && content.node->is_mapping()) {
      // A parameter given by content has exactly one media type.
      std::vector<Body> bodies = ReadContent(content);
      if (!bodies.empty()) {
        parameter.shape = std::move(bodies.front().shape);
        parameter.examples = std::move(bodies.front().examples);
      }
    } else if (swagger2_ && parameter.in != "body") {
      parameter.shape.push_back(SchemaShape(node, /*parameter=*/true));
    }
    ReadExamples(node, parameter.examples);
    if (swagger2_ && parameter.in != "body" && p.Find("x-example"))
      parameter.examples.push_back({"", YamlToJsonText(*p.Find("x-example")), "", At(node.file, *p.Find("x-example"))});
    return parameter;
  }

  // Swagger 2.0: the body parameter is the request body, in each media type the operation
  // consumes; formData parameters are the properties of a form body.
  void MoveBodyParameters(Operation& operation) {
    Shape form;
    form.type = "object";
    std::vector<Parameter> kept;
    bool has_file = false;
    for (auto& parameter : operation.parameters) {
      if (parameter.in == "body") {
        operation.request_body_required = parameter.required;
        for (const auto& media_type : consumes_.empty() ? std::vector<std::string>{""} : consumes_)
          operation.request_bodies.push_back({media_type, parameter.shape, parameter.examples, parameter.location});
      } else if (parameter.in == "formData") {
        if (!parameter.shape.empty()) {
          has_file = has_file || parameter.shape.front().type == "file";
          parameter.shape.front().description = parameter.description;
        }
        operation.request_body_required = operation.request_body_required || parameter.required;
        form.properties.push_back({parameter.name, parameter.required, false,
                                   parameter.shape.empty() ? std::vector<Shape>{Shape{}} : parameter.shape,
                                   parameter.location});
        if (!form.location.known()) form.location = parameter.location;
      } else {
        kept.push_back(std::move(parameter));
      }
    }
    operation.parameters = std::move(kept);
    if (form.properties.empty()) return;
    std::vector<std::string> media_types;
    for (const auto& media_type : consumes_)
      if (media_type == "multipart/form-data" || media_type == "application/x-www-form-urlencoded")
        media_types.push_back(media_type);
    if (media_types.empty()) media_types.push_back(has_file ? "multipart/form-data" : "application/x-www-form-urlencoded");
    for (const auto& media_type : media_types) operation.request_bodies.push_back({media_type, {form}, {}, form.location});
  }

  Response ReadResponse(const std::string& status, const OasNode& written) {
    Response response;
    response.status = status;
    response.location = At(written);
    const OasNode node = Resolve(written);
    if (!node || !node.node->is_mapping()) return response;
    response.description = Text(node.node->Find("description"));
    if (const OasNode headers = Child(node, "headers"); headers && headers.node->is_mapping()) {
      for (const auto& [name, header] : headers.node->pairs) {
        const OasNode resolved = Resolve({headers.file, &header, ""});
        if (!resolved || !resolved.node->is_mapping()) continue;
        Parameter parameter = ReadParameter(resolved, At(headers.file, header));
        parameter.name = name;
        parameter.in = "header";
        response.headers.push_back(std::move(parameter));
      }
    }
    if (!swagger2_) {
      response.bodies = ReadContent(Child(node, "content"));
      return response;
    }
    // Swagger 2.0: one schema for every media type the operation produces; examples by media type.
    const OasNode schema = Child(node, "schema");
    const YamlNode* examples = node.node->Find("examples");
    std::vector<std::string> media_types = produces_;
    if (examples && examples->is_mapping())
      for (const auto& [media_type, value] : examples->pairs)
        if (std::find(media_types.begin(), media_types.end(), media_type) == media_types.end()) media_types.push_back(media_type);
    if (!schema && media_types.empty()) return response;
    if (media_types.empty()) media_types.push_back("");
    for (const auto& media_type : media_types) {
      Body body;
      body.media_type = media_type;
      body.location = schema ? At(schema) : response.location;
      if (schema) body.shape.push_back(SchemaShape(schema));
      if (const YamlNode* example = examples ? examples->Find(media_type) : nullptr)
        body.examples.push_back({"", YamlToJsonText(*example), "", At(node.file, *example)});
      response.bodies.push_back(std::move(body));
    }
    return response;
  }

  // OAS 3: a map of media types to Media Type Objects.
  std::vector<Body> ReadContent(const OasNode& content) {
    std::vector<Body> bodies;
    if (!content || !content.node->is_mapping()) return bodies;
    for (const auto& [media_type, value] : content.node->pairs) {
      Body body;
      body.media_type = media_type;
      body.location = At(content.file, value);
      const OasNode media{content.file, &value, ""};
      if (const OasNode schema = Child(media, "schema")) body.shape.push_back(SchemaShape(schema));
      ReadExamples(media, body.examples);
      bodies.push_back(std::move(body));
    }
    return bodies;
  }

  // `example` (one value) and `examples` (named Example Objects, references resolved).
  void ReadExamples(const OasNode& owner, std::vector<Example>& examples) {
    if (!owner.node->is_mapping()) return;
    if (const YamlNode* example = owner.node->Find("example"))
      examples.push_back({"", YamlToJsonText(*example), "", At(owner.file, *example)});
    const OasNode named = Child(owner, "examples");
    if (!named || !named.node->is_mapping() || swagger2_) return;
    for (const auto& [name, written] : named.node->pairs) {
      const OasNode example = Resolve({named.file, &written, ""});
      if (!example || !example.node->is_mapping()) continue;
      Example entry;
      entry.name = name;
      entry.location = At(named.file, written);
      entry.description = Text(example.node->Find("description"));
      if (entry.description.empty()) entry.description = Text(example.node->Find("summary"));
      if (const YamlNode* value = example.node->Find("value")) entry.value = YamlToJsonText(*value);
      else if (const YamlNode* external = example.node->Find("externalValue")) entry.value = YamlToJsonText(*external);
      else entry.value = "null";
      examples.push_back(std::move(entry));
    }
  }

  // ---- schemas ----

  void DeclareSection(const OasNode& section, const std::string& prefix) {
    if (!section || !section.node->is_mapping()) return;
    for (const auto& [name, schema] : section.node->pairs)
      if (section.file == main_file_) Declare(name, {section.file, &schema, prefix + name});
  }

  // Named types are built after the operations, from a queue, so that a long chain of schemas
  // referring to each other never nests calls.
  void Declare(const std::string& name, const OasNode& target) {
    if (model_.types.try_emplace(name).second) pending_.push_back({name, target});
  }

  void DeclarePendingTypes() {
    while (!pending_.empty()) {
      auto [name, target] = std::move(pending_.front());
      pending_.pop_front();
      Shape shape = SchemaShape(target);
      shape.name = name;
      model_.types[name] = std::move(shape);
    }
  }

  // The model's name for the schema a $ref names (declaring it), or the reference as written
  // when it leads nowhere (the checks have reported that).
  std::string TypeName(const std::string& file, const YamlNode& ref) {
    const OasNode target = references_.Lookup(file, ref, /*report=*/false);
    if (!target) return ref.scalar;
    std::string name = target.file == main_file_ ? "#" + target.pointer : target.file + (target.pointer.empty() ? "" : "#" + target.pointer);
    if (target.file == main_file_) {
      for (const std::string prefix : {"/components/schemas/", "/definitions/"}) {
        if (target.pointer.rfind(prefix, 0) == 0 && target.pointer.find('/', prefix.size()) == std::string::npos) {
          name = UnescapePointerToken(target.pointer.substr(prefix.size()));
        }
      }
    }
    Declare(name, target);
    return name;
  }

  // A Schema Object (or, with `parameter`, a Swagger 2.0 parameter or header, whose schema
  // keywords sit beside name, in and a boolean `required`).
  Shape SchemaShape(const OasNode& schema, bool parameter = false) {
    Shape shape;
    const YamlNode& node = *schema.node;
    shape.location = At(schema);
    if (!node.is_mapping()) {
      // OAS 3.1 boolean schemas: true admits anything, false nothing.
      shape.type = "any";
      if (node.is_scalar() && node.scalar == "false") {
        Shape anything;
        anything.type = "any";
        shape.not_of.push_back(std::move(anything));
      }
      return shape;
    }
    if (const YamlNode* ref = node.Find("$ref"); ref && ref->is_scalar()) {
      shape.ref = TypeName(schema.file, *ref);
      if (!oas31_) return shape;  // before 3.1, a $ref's siblings are ignored
    }
    std::vector<std::string> required;
    for (const auto& [key, value] : node.pairs) {
      const OasNode child{schema.file, &value, ""};
      if (key == "$ref") continue;
      if (parameter && (key == "name" || key == "in" || key == "required" || key == "description")) continue;
      if (key == "type") ReadType(value, shape);
      else if (key == "title") shape.display_name = Text(&value);
      else if (key == "description") shape.description = Text(&value);
      else if (key == "format") shape.format = Text(&value);
      else if (key == "pattern") shape.pattern = Text(&value);
      else if (key == "enum" && value.is_sequence()) for (const auto& item : value.items) shape.enum_values.push_back(YamlToJsonText(item));
      else if (key == "const") shape.const_value = YamlToJsonText(value);
      else if (key == "minLength") shape.min_length = Count(value);
      else if (key == "maxLength") shape.max_length = Count(value);
      else if (key == "minItems") shape.min_items = Count(value);
      else if (key == "maxItems") shape.max_items = Count(value);
      else if (key == "minProperties") shape.min_properties = Count(value);
      else if (key == "maxProperties") shape.max_properties = Count(value);
      else if (key == "minimum") shape.minimum = Number(value);
      else if (key == "maximum") shape.maximum = Number(value);
      else if (key == "multipleOf") shape.multiple_of = Number(value);
      else if (key == "exclusiveMinimum") ReadExclusive(value, shape.exclusive_minimum_value, shape.exclusive_minimum);
      else if (key == "exclusiveMaximum") ReadExclusive(value, shape.exclusive_maximum_value, shape.exclusive_maximum);
      else if (key == "uniqueItems") shape.unique_items = Flag(&value);
      else if (key == "nullable" || key == "x-nullable") shape.nullable = shape.nullable || Flag(&value);
      else if (key == "readOnly") shape.read_only = Flag(&value);
      else if (key == "writeOnly") shape.write_only = Flag(&value);
      else if (key == "deprecated") shape.deprecated = Flag(&value);
      else if (key == "required" && value.is_sequence()) required = Strings(&value);
      else if ((key == "properties" || key == "patternProperties") && value.is_mapping()) {
        for (const auto& [name, property] : value.pairs)
          shape.properties.push_back({name, false, key == "patternProperties",
                                      {SchemaShape({schema.file, &property, ""})}, At(schema.file, property)});
      } else if (key == "additionalProperties") {
        if (value.is_mapping()) shape.additional_properties_shape.push_back(SchemaShape(child));
        else shape.additional_properties = !(value.is_scalar() && value.scalar == "false");
      } else if (key == "items" && value.is_mapping()) shape.items.push_back(SchemaShape(child));
      else if ((key == "allOf" || key == "anyOf" || key == "oneOf") && value.is_sequence()) {
        auto& list = key == "allOf" ? shape.all_of : key == "anyOf" ? shape.any_of : shape.one_of;
        for (const auto& item : value.items) list.push_back(SchemaShape({schema.file, &item, ""}));
      } else if (key == "not") shape.not_of.push_back(SchemaShape(child));
      else if (key == "discriminator") ReadDiscriminator(child, shape);
      else if (key == "default") shape.default_value = YamlToJsonText(value);
      else if (key == "example") shape.examples.push_back({"", YamlToJsonText(value), "", At(schema.file, value)});
      else if (key == "examples" && value.is_sequence() && oas31_) {
        for (const auto& item : value.items) shape.examples.push_back({"", YamlToJsonText(item), "", At(schema.file, item)});
      } else if (!ReadJsonSchemaKeyword(key, child, shape)) {
        if (key.rfind("x-", 0) == 0) shape.extensions[key] = YamlToJsonText(value);
        else shape.facets[key] = YamlToJsonText(value);  // xml, externalDocs, $comment, ...
      }
    }
    for (auto& property : shape.properties)
      property.required = !property.pattern && std::find(required.begin(), required.end(), property.name) != required.end();
    if (shape.type.empty() && shape.ref.empty()) {
      if (!shape.properties.empty() || !shape.additional_properties_shape.empty()) shape.type = "object";
      else if (!shape.items.empty()) shape.type = "array";
      else if (shape.all_of.empty() && shape.any_of.empty() && shape.one_of.empty() && shape.not_of.empty()) shape.type = "any";
    }
    return shape;
  }

  // 2.0/3.0: one type name; 3.1: a name or a list of names, "null" among them meaning nullable
  // (the first other name is `type`, and all of them `type_array` when there are several).
  static void ReadType(const YamlNode& value, Shape& shape) {
    if (value.is_scalar()) {
      if (value.scalar == "null") shape.nullable = true;
      shape.type = value.scalar;
      return;
    }
    std::vector<std::string> types;
    for (const auto& name : Strings(&value)) {
      if (name == "null") shape.nullable = true;
      else types.push_back(name);
    }
    shape.type = types.empty() ? "null" : types.front();
    if (types.size() > 1) shape.type_array = std::move(types);
  }

  // 2.0/3.0: a boolean beside minimum/maximum; 3.1: the exclusive bound itself.
  static void ReadExclusive(const YamlNode& value, std::optional<double>& bound, bool& exclusive) {
    if (value.scalar == "true" || value.scalar == "false") {
      exclusive = value.scalar == "true";
    } else if (const auto number = Number(value)) {
      bound = number;
    }
  }

  // The JSON Schema 2019/2020 keywords OAS 3.1 brings; false for any other key.
  bool ReadJsonSchemaKeyword(const std::string& key, const OasNode& child, Shape& shape) {
    const YamlNode& value = *child.node;
    auto one = [&](std::vector<Shape>& into) { into.push_back(SchemaShape(child)); };
    if (key == "if") one(shape.if_shape);
    else if (key == "then") one(shape.then_shape);
    else if (key == "else") one(shape.else_shape);
    else if (key == "contains") one(shape.contains);
    else if (key == "propertyNames") one(shape.property_names);
    else if (key == "contentSchema") one(shape.content_schema);
    else if (key == "minContains") shape.min_contains = Count(value);
    else if (key == "maxContains") shape.max_contains = Count(value);
    else if (key == "contentMediaType") shape.content_media_type = Text(&value);
    else if (key == "contentEncoding") shape.content_encoding = Text(&value);
    else if (key == "unevaluatedItems" || key == "unevaluatedProperties") {
      const bool items = key == "unevaluatedItems";
      if (value.is_scalar() && (value.scalar == "false" || value.scalar == "true"))
        (items ? shape.unevaluated_items : shape.unevaluated_properties) = value.scalar == "true";
      else one(items ? shape.unevaluated_items_shape : shape.unevaluated_properties_shape);
    } else if (key == "prefixItems" && value.is_sequence()) {
      for (const auto& item : value.items) shape.prefix_items.push_back(SchemaShape({child.file, &item, ""}));
    } else if (key == "dependentSchemas" && value.is_mapping()) {
      for (const auto& [name, schema] : value.pairs)
        shape.dependent_schemas.push_back({name, false, false, {SchemaShape({child.file, &schema, ""})}, At(child.file, schema)});
    } else if (key == "dependentRequired" && value.is_mapping()) {
      for (const auto& [name, names] : value.pairs) shape.dependent_required[name] = Strings(&names);
    } else {
      return false;
    }
    return true;
  }

  // An object's specification extensions (x-...), as JSON text.
  static std::map<std::string, std::string> Extensions(const YamlNode& node) {
    std::map<std::string, std::string> extensions;
    if (!node.is_mapping()) return extensions;
    for (const auto& [key, value] : node.pairs)
      if (key.rfind("x-", 0) == 0) extensions[key] = YamlToJsonText(value);
    return extensions;
  }

  // 2.0: the property name; 3.x: {propertyName, mapping: value -> schema name or reference}.
  void ReadDiscriminator(const OasNode& node, Shape& shape) {
    if (node.node->is_scalar()) {
      shape.discriminator = node.node->scalar;
      return;
    }
    shape.discriminator = Text(node.node->Find("propertyName"));
    const YamlNode* mapping = node.node->Find("mapping");
    if (!mapping || !mapping->is_mapping()) return;
    for (const auto& [value, target] : mapping->pairs) {
      if (!target.is_scalar()) continue;
      const bool reference = target.scalar.find_first_of("#/.") != std::string::npos;
      shape.discriminator_map[value] = reference ? TypeName(node.file, target) : target.scalar;
    }
  }

  OasReferences& references_;
  const std::string& main_file_;
  ApiModel& model_;
  bool swagger2_ = false;
  bool oas31_ = false;
  std::vector<std::string> default_consumes_, default_produces_;
  std::vector<std::string> consumes_, produces_;  // the current operation's (Swagger 2.0)
  std::deque<std::pair<std::string, OasNode>> pending_;
};

}  // namespace

void BuildOasModel(OasReferences& references, const std::string& main_file, const YamlNode& root, ApiModel& model) {
  ModelBuilder(references, main_file, model).Build(root);
}

}  // namespace agora::specs
