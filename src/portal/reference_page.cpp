#include "portal/reference_page.h"

#include <boost/json.hpp>

#include <cstdio>
#include <functional>

#include "portal/links.h"
#include "portal/markdown.h"

namespace agora::portal {
namespace {

namespace json = boost::json;

constexpr int kMaxInlineDepth = 6;

std::string TypeUrl(const assets::Coordinates& c, const std::string& name) {
  return ReferenceUrl(c) + "types/" + UrlEncodePath(name);
}

std::string OperationUrl(const assets::Coordinates& c, const std::string& key) {
  return ReferenceUrl(c) + "operations/" + UrlEncodePath(key);
}

// Descriptions in specifications are Markdown (OAS says CommonMark; RAML descriptions are too).
void Description(Html& html, const std::string& text) {
  if (text.empty()) return;
  auto doc = html.Tag("div", {{"class", "doc"}});
  html.Raw(RenderMarkdown(text, {}));
}

void MethodBadge(Html& html, std::string method) {
  for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  html.Element("span", {{"class", "method"}}, method);
}

std::string FormatNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

void WriteJson(std::string& out, const json::value& value, int indent) {
  const std::string pad(static_cast<size_t>(indent) * 2, ' '), inner(static_cast<size_t>(indent + 1) * 2, ' ');
  if (value.is_object() && !value.as_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& member : value.as_object()) {
      if (!first) out += ",\n";
      first = false;
      out += inner + json::serialize(json::value(member.key())) + ": ";
      WriteJson(out, member.value(), indent + 1);
    }
    out += "\n" + pad + "}";
  } else if (value.is_array() && !value.as_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const auto& item : value.as_array()) {
      if (!first) out += ",\n";
      first = false;
      out += inner;
      WriteJson(out, item, indent + 1);
    }
    out += "\n" + pad + "]";
  } else {
    out += json::serialize(value);
  }
}

class ShapeWriter {
 public:
  ShapeWriter(Html& html, const assets::Coordinates& coordinates) : html_(html), c_(coordinates) {}

  // What a shape is, in one line: a linked type name, "array of X", "string (date-time)", ...
  void TypeLabel(const specs::Shape& shape) {
    html_.Open("span", {{"class", "type"}});
    Label(shape);
    html_.Close("span");
  }

  // The shape's constraints, properties (inline shapes written out, named ones linked) and examples.
  void Details(const specs::Shape& shape, int depth) {
    Constraints(shape);
    if (depth >= kMaxInlineDepth) return;
    for (const auto& parent : shape.all_of) {
      if (!parent.ref.empty()) continue;  // named parents are in the label
      Details(parent, depth + 1);
    }
    if (!shape.properties.empty()) {
      auto list = html_.Tag("ul", {{"aria-label", "Properties"}});
      for (const auto& property : shape.properties) {
        auto item = html_.Tag("li");
        html_.Element("span", {{"class", "name"}}, property.name);
        if (property.required) html_.Text(" ").Element("span", {{"class", "required"}}, "required");
        if (property.shape.empty()) continue;
        const auto& inner = property.shape.front();
        html_.Text(" ");
        TypeLabel(inner);
        Description(html_, inner.description);
        if (inner.ref.empty()) Details(inner, depth + 1);
      }
    }
    for (const auto* variants : {&shape.any_of, &shape.one_of}) {
      if (variants->empty()) continue;
      auto list = html_.Tag("ul", {{"aria-label", "Variants"}});
      for (const auto& variant : *variants) {
        auto item = html_.Tag("li");
        TypeLabel(variant);
        if (variant.ref.empty()) Details(variant, depth + 1);
      }
    }
    if (!shape.items.empty() && shape.items.front().ref.empty() && !shape.items.front().properties.empty())
      Details(shape.items.front(), depth + 1);
  }

  void Examples(const std::vector<specs::Example>& examples) {
    for (const auto& example : examples) {
      html_.Element("p", {{"class", "muted"}}, example.name.empty() ? "Example" : "Example: " + example.name);
      auto pre = html_.Tag("pre");
      html_.Element("code", PrettyJson(example.value));
    }
  }

  void Shape(const specs::Shape& shape) {
    auto box = html_.Tag("div", {{"class", "shape"}});
    TypeLabel(shape);
    Description(html_, shape.description);
    Details(shape, 0);
    if (!shape.schema_text.empty()) {
      html_.Element("p", {{"class", "muted"}}, "Schema (" + shape.schema_language + ")");
      auto pre = html_.Tag("pre");
      html_.Element("code", shape.schema_text);
    }
    Examples(shape.examples);
  }

 private:
  void Label(const specs::Shape& shape) {
    if (!shape.ref.empty()) {
      html_.Element("a", {{"href", TypeUrl(c_, shape.ref)}}, shape.ref);
    } else if (shape.type == "array" && !shape.items.empty()) {
      html_.Text("array of ");
      Label(shape.items.front());
    } else if (!shape.any_of.empty() || !shape.one_of.empty()) {
      const auto& variants = shape.any_of.empty() ? shape.one_of : shape.any_of;
      for (size_t i = 0; i < variants.size(); ++i) {
        if (i) html_.Text(" | ");
        Label(variants[i]);
      }
    } else if (!shape.all_of.empty() && shape.type.empty()) {
      for (size_t i = 0; i < shape.all_of.size(); ++i) {
        if (i) html_.Text(" & ");
        Label(shape.all_of[i]);
      }
    } else if (!shape.type_array.empty()) {  // OAS 3.1 `type: [string, integer]`
      for (size_t i = 0; i < shape.type_array.size(); ++i) html_.Text((i ? " | " : "") + shape.type_array[i]);
    } else {
      html_.Text(shape.type.empty() ? "any" : shape.type);
      if (!shape.format.empty()) html_.Text(" (" + shape.format + ")");
    }
    if (shape.nullable) html_.Text(" or null");
  }

  void Constraints(const specs::Shape& s) {
    std::vector<std::string> facts;
    if (!s.enum_values.empty()) {
      std::string values;
      for (const auto& v : s.enum_values) values += (values.empty() ? "" : ", ") + v;
      facts.push_back("one of " + values);
    }
    if (!s.const_value.empty()) facts.push_back("always " + s.const_value);
    if (!s.pattern.empty()) facts.push_back("pattern " + s.pattern);
    if (s.min_length) facts.push_back("at least " + std::to_string(*s.min_length) + " characters");
    if (s.max_length) facts.push_back("at most " + std::to_string(*s.max_length) + " characters");
    if (s.minimum) facts.push_back((s.exclusive_minimum ? "> " : ">= ") + FormatNumber(*s.minimum));
    if (s.maximum) facts.push_back((s.exclusive_maximum ? "< " : "<= ") + FormatNumber(*s.maximum));
    if (s.exclusive_minimum_value) facts.push_back("> " + FormatNumber(*s.exclusive_minimum_value));
    if (s.exclusive_maximum_value) facts.push_back("< " + FormatNumber(*s.exclusive_maximum_value));
    if (s.multiple_of) facts.push_back("multiple of " + FormatNumber(*s.multiple_of));
    if (s.min_items) facts.push_back("at least " + std::to_string(*s.min_items) + " items");
    if (s.max_items) facts.push_back("at most " + std::to_string(*s.max_items) + " items");
    if (s.unique_items) facts.push_back("unique items");
    if (!s.default_value.empty()) facts.push_back("default " + s.default_value);
    if (s.read_only) facts.push_back("read-only");
    if (s.write_only) facts.push_back("write-only");
    if (s.deprecated) facts.push_back("deprecated");
    if (!s.additional_properties) facts.push_back("no other properties");
    if (!s.discriminator.empty()) facts.push_back("discriminator " + s.discriminator);
    if (facts.empty()) return;
    std::string text;
    for (const auto& f : facts) text += (text.empty() ? "" : "; ") + f;
    html_.Element("p", {{"class", "muted"}}, text);
  }

  Html& html_;
  const assets::Coordinates& c_;
};

bool IsSoap(const specs::ApiModel& model) { return model.format == "wsdl"; }

// Whether `resource` is one of the model's webhooks (OAS 3.1), which the API calls rather than serves.
bool IsWebhook(const specs::ApiModel& model, const specs::Resource& resource) {
  const std::less<const specs::Resource*> before;
  return !model.webhooks.empty() && !before(&resource, model.webhooks.data()) &&
         before(&resource, model.webhooks.data() + model.webhooks.size());
}

// Every operation of the model, resources first, then webhooks.
template <typename Visit>
void ForEachOperation(const specs::ApiModel& model, Visit visit) {
  for (const auto* resources : {&model.resources, &model.webhooks})
    for (const auto& resource : *resources)
      for (const auto& operation : resource.operations) visit(resource, operation);
}

void Parameters(Html& html, ShapeWriter& shapes, const std::vector<specs::Parameter>& parameters) {
  for (const char* in : {"base", "path", "query", "header", "cookie"}) {
    std::vector<const specs::Parameter*> group;
    for (const auto& p : parameters)
      if (p.in == in) group.push_back(&p);
    if (group.empty()) continue;
    const std::string title = std::string(in) == "base" ? "Base URI parameters"
                              : std::string(in) == "path" ? "Path parameters"
                              : std::string(in) == "query" ? "Query parameters"
                              : std::string(in) == "header" ? "Headers"
                                                            : "Cookies";
    html.Element("h3", title);
    auto scroll = html.Tag("div", {{"class", "table-scroll"}});
    auto table = html.Tag("table");
    TableHead(html, {"Name", "Type", "Description"});
    auto body = html.Tag("tbody");
    for (const auto* p : group) {
      auto row = html.Tag("tr");
      {
        auto cell = html.Tag("td");
        html.Element("span", {{"class", "name"}}, p->name);
        if (p->required) html.Text(" ").Element("span", {{"class", "required"}}, "required");
        if (p->deprecated) html.Text(" (deprecated)");
      }
      {
        auto cell = html.Tag("td");
        if (!p->shape.empty()) {
          shapes.TypeLabel(p->shape.front());
          shapes.Details(p->shape.front(), kMaxInlineDepth - 1);
        }
      }
      auto cell = html.Tag("td");
      Description(html, p->description.empty() && !p->shape.empty() ? p->shape.front().description : p->description);
      shapes.Examples(p->examples);
    }
  }
}

void Bodies(Html& html, ShapeWriter& shapes, const std::vector<specs::Body>& bodies) {
  for (const auto& body : bodies) {
    html.Element("h4", body.media_type.empty() ? "Body" : body.media_type);
    if (!body.shape.empty()) shapes.Shape(body.shape.front());
    shapes.Examples(body.examples);
  }
}

void Security(Html& html, const std::string& reference_url, const std::vector<specs::SecurityRequirement>& security) {
  if (security.empty()) return;
  html.Element("h2", "Security");
  auto list = html.Tag("ul");
  for (const auto& alternative : security) {
    auto item = html.Tag("li");
    for (size_t i = 0; i < alternative.size(); ++i) {
      if (i) html.Text(" and ");
      const auto& use = alternative[i];
      if (use.scheme == "null") {
        html.Text("anonymous access");
        continue;
      }
      html.Element("a", {{"href", reference_url + "#security-" + UrlEncode(use.scheme)}}, use.scheme);
      if (!use.scopes.empty()) {
        std::string scopes;
        for (const auto& s : use.scopes) scopes += (scopes.empty() ? "" : ", ") + s;
        html.Text(" (scopes: " + scopes + ")");
      }
    }
  }
}

// A heading, then per resource its operations, each a link to its page.
void OperationList(Html& html, const assets::Coordinates& c, const specs::ApiModel& model,
                   const std::vector<specs::Resource>& resources, const std::string& title) {
  if (resources.empty()) return;
  html.Element("h2", title);
  for (const auto& resource : resources) {
    auto group = html.Tag("section", {{"class", "resource-group"}});
    html.Element("h3", {{"class", "resource"}}, resource.path);
    if (!resource.description.empty()) Description(html, resource.description);
    auto list = html.Tag("ul", {{"class", "operations"}, {"aria-label", resource.path}});
    for (const auto& operation : resource.operations) {
      auto item = html.Tag("li");
      auto link = html.Tag("a", {{"href", OperationUrl(c, OperationKey(model, resource, operation))}});
      MethodBadge(html, IsSoap(model) ? "soap" : operation.method);
      html.Text(" " + (IsSoap(model) ? operation.operation_id : resource.path));
      const std::string summary = !operation.summary.empty()                                ? operation.summary
                                  : !IsSoap(model) && !operation.operation_id.empty() ? operation.operation_id
                                                                                        : "";
      if (!summary.empty()) html.Text(" · ").Element("span", {{"class", "muted"}}, summary);
    }
  }
}

}  // namespace

std::string PrettyJson(const std::string& text) {
  boost::system::error_code ec;
  const json::value value = json::parse(text, ec);
  if (ec) return text;
  if (value.is_string()) return std::string(value.as_string());  // an XML or plain-text example
  std::string out;
  WriteJson(out, value, 0);
  return out;
}

std::string OperationKey(const specs::ApiModel& model, const specs::Resource& resource, const specs::Operation& operation) {
  if (IsSoap(model)) return resource.path + "/" + operation.operation_id;
  // A webhook's name is no path: "webhooks/{name}/{method}" cannot be a REST key, which starts with a method.
  if (IsWebhook(model, resource)) return "webhooks/" + resource.path + "/" + operation.method;
  return operation.method + (resource.path.rfind('/', 0) == 0 ? "" : "/") + resource.path;
}

std::optional<OperationRef> FindOperation(const specs::ApiModel& model, const std::string& key) {
  std::optional<OperationRef> found;
  ForEachOperation(model, [&](const specs::Resource& resource, const specs::Operation& operation) {
    if (!found && OperationKey(model, resource, operation) == key) found = OperationRef{&resource, &operation};
  });
  return found;
}

std::string OperationTitle(const specs::ApiModel& model, const OperationRef& ref) {
  if (IsSoap(model)) return ref.resource->path + "." + ref.operation->operation_id;
  std::string method = ref.operation->method;
  for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return (IsWebhook(model, *ref.resource) ? "Webhook " : "") + method + " " + ref.resource->path;
}

void RenderReferenceSummary(Html& html, const assets::AssetVersion& version, const specs::ApiModel& model) {
  const auto& c = version.coordinates;
  html.Element("h1", "API reference");
  {
    auto facts = html.Tag("dl", {{"class", "facts"}});
    html.Element("dt", "Title").Element("dd", model.title);
    if (!model.version.empty()) html.Element("dt", "API version").Element("dd", model.version);
    html.Element("dt", "Specification")
        .Element("dd", (model.format == "oas" ? "OpenAPI" : model.format == "wsdl" ? "WSDL" : "RAML") +
                           std::string(" ") + model.format_version +
                           (model.fragment_kind.empty() ? "" : " " + model.fragment_kind + " fragment"));
    if (!model.base_uris.empty()) {
      html.Element("dt", "Base URI");
      auto dd = html.Tag("dd");
      for (const auto& uri : model.base_uris) html.Open("div").Element("code", uri).Close("div");
    }
    if (!model.media_types.empty()) {
      std::string types;
      for (const auto& t : model.media_types) types += (types.empty() ? "" : ", ") + t;
      html.Element("dt", "Media types").Element("dd", types);
    }
    if (!model.protocols.empty()) {
      std::string protocols;
      for (const auto& p : model.protocols) protocols += (protocols.empty() ? "" : ", ") + p;
      html.Element("dt", "Protocols").Element("dd", protocols);
    }
  }
  Description(html, model.description);
  ShapeWriter shapes(html, c);
  Parameters(html, shapes, model.base_uri_parameters);

  if (!model.services.empty()) {
    html.Element("h2", "Services");
    auto list = html.Tag("ul");
    for (const auto& service : model.services) {
      auto item = html.Tag("li");
      html.Element("strong", service.name);
      auto ports = html.Tag("ul");
      for (const auto& port : service.ports) {
        auto entry = html.Tag("li");
        html.Text(port.name + " (" + port.protocol + ", port type " + port.port_type + "): ");
        html.Element("code", port.address);
      }
    }
  }
  OperationList(html, c, model, model.resources, IsSoap(model) ? "Operations" : "Resources");
  OperationList(html, c, model, model.webhooks, "Webhooks");
  if (!model.security_schemes.empty()) {
    html.Element("h2", "Security schemes");
    for (const auto& scheme : model.security_schemes) {
      html.Element("h3", {{"id", "security-" + UrlEncode(scheme.name)}}, scheme.name + " (" + scheme.type + ")");
      Description(html, scheme.description);
      if (scheme.settings.empty()) continue;
      auto facts = html.Tag("dl", {{"class", "facts"}});
      for (const auto& [name, value] : scheme.settings) {
        html.Element("dt", name);
        auto dd = html.Tag("dd");
        auto pre = html.Tag("pre");
        html.Element("code", PrettyJson(value));
      }
    }
  }
  if (!model.types.empty()) {
    html.Element("h2", "Data types");
    auto list = html.Tag("ul", {{"class", "chips"}, {"aria-label", "Data types"}});
    for (const auto& [name, shape] : model.types) {
      auto item = html.Tag("li");
      html.Element("a", {{"class", "chip"}, {"href", TypeUrl(c, name)}}, name);
    }
  }
  for (const auto& item : model.documentation) {
    html.Element("h2", item.title);
    Description(html, item.content);
  }
}

void RenderOperation(Html& html, const assets::AssetVersion& version, const specs::ApiModel& model,
                     const OperationRef& ref) {
  const auto& op = *ref.operation;
  {
    auto heading = html.Tag("h1");
    MethodBadge(html, IsSoap(model) ? "soap" : op.method);
    html.Text(" " + (IsSoap(model) ? ref.resource->path + "." + op.operation_id : ref.resource->path));
  }
  html.Open("p").Element("a", {{"href", ReferenceUrl(version.coordinates)}}, "All operations").Close("p");
  const bool webhook = IsWebhook(model, *ref.resource);
  if (webhook) html.Element("p", "A webhook: the API sends this request to an address its consumer registers.");
  if (!op.summary.empty()) html.Element("p", {{"class", "lead"}}, op.summary);
  if (op.deprecated) html.Element("p", {{"class", "alert"}}, "This operation is deprecated.");
  {
    auto facts = html.Tag("dl", {{"class", "facts"}});
    if (!op.operation_id.empty()) html.Element("dt", "Operation ID").Element("dd", op.operation_id);
    if (!op.soap_action.empty()) html.Element("dt", "SOAP action").Element("dd", op.soap_action);
    if (!model.base_uris.empty() && !IsSoap(model) && !webhook)
      html.Element("dt", "URL").Open("dd").Element("code", model.base_uris.front() + ref.resource->path).Close("dd");
    if (!op.tags.empty()) {
      std::string tags;
      for (const auto& t : op.tags) tags += (tags.empty() ? "" : ", ") + t;
      html.Element("dt", "Tags").Element("dd", tags);
    }
  }
  Description(html, op.description);
  ShapeWriter shapes(html, version.coordinates);
  if (!op.parameters.empty()) {
    html.Element("h2", "Parameters");
    Parameters(html, shapes, op.parameters);
  }
  if (!op.request_bodies.empty()) {
    html.Element("h2", IsSoap(model) ? "Input message" : op.request_body_required ? "Request body (required)"
                                                                                     : "Request body");
    Bodies(html, shapes, op.request_bodies);
  }
  if (!op.responses.empty()) {
    html.Element("h2", "Responses");
    for (const auto& response : op.responses) {
      html.Element("h3", response.status == "output" ? "Output message" : response.status);
      Description(html, response.description);
      if (!response.headers.empty()) Parameters(html, shapes, response.headers);
      Bodies(html, shapes, response.bodies);
    }
  }
  Security(html, ReferenceUrl(version.coordinates), op.security);
}

void RenderDataType(Html& html, const assets::AssetVersion& version, const specs::ApiModel& model,
                    const std::string& name, const specs::Shape& shape) {
  html.Element("h1", name);
  html.Open("p").Element("a", {{"href", ReferenceUrl(version.coordinates)}}, "All data types").Close("p");
  ShapeWriter shapes(html, version.coordinates);
  if (!shape.all_of.empty()) {
    html.Open("p").Text("Extends ");
    for (size_t i = 0; i < shape.all_of.size(); ++i) {
      if (i) html.Text(", ");
      shapes.TypeLabel(shape.all_of[i]);
    }
    html.Close("p");
  }
  shapes.Shape(shape);
  // Where the type is used: every operation whose bodies name it.
  std::vector<std::pair<std::string, std::string>> uses;
  std::function<bool(const specs::Shape&, int)> names = [&](const specs::Shape& s, int depth) {
    if (s.ref == name) return true;
    if (depth > kMaxInlineDepth) return false;
    for (const auto* list : {&s.items, &s.all_of, &s.any_of, &s.one_of})
      for (const auto& inner : *list)
        if (names(inner, depth + 1)) return true;
    for (const auto& p : s.properties)
      if (!p.shape.empty() && names(p.shape.front(), depth + 1)) return true;
    return false;
  };
  ForEachOperation(model, [&](const specs::Resource& resource, const specs::Operation& op) {
    bool used = false;
    for (const auto& body : op.request_bodies) used = used || (!body.shape.empty() && names(body.shape.front(), 0));
    for (const auto& response : op.responses)
      for (const auto& body : response.bodies) used = used || (!body.shape.empty() && names(body.shape.front(), 0));
    if (used) uses.emplace_back(OperationKey(model, resource, op), OperationTitle(model, {&resource, &op}));
  });
  if (uses.empty()) return;
  html.Element("h2", "Used by");
  auto list = html.Tag("ul");
  for (const auto& [key, title] : uses) {
    auto item = html.Tag("li");
    html.Element("a", {{"href", OperationUrl(version.coordinates, key)}}, title);
  }
}

}  // namespace agora::portal
