#include "specs/wsdl_reader.h"

#include <pugixml.hpp>

#include <deque>
#include <map>
#include <set>

#include "specs/spec_documents.h"
#include "specs/xml_names.h"
#include "specs/xsd_shapes.h"

namespace agora::specs {
namespace {

constexpr std::string_view kXsdNamespace = "http://www.w3.org/2001/XMLSchema";
constexpr std::string_view kSoap11 = "http://schemas.xmlsoap.org/wsdl/soap/";
constexpr std::string_view kSoap12 = "http://schemas.xmlsoap.org/wsdl/soap12/";
constexpr std::string_view kHttp = "http://schemas.xmlsoap.org/wsdl/http/";

// Schemas every SOAP toolkit knows by namespace: a WSDL importing one from its public address
// (SOAP encoding's Array, xml:lang) needs no copy in the archive, and agora never fetches it.
bool IsWellKnownNamespace(std::string_view ns) {
  return ns == kXsdNamespace || ns == "http://schemas.xmlsoap.org/soap/encoding/" ||
         ns == "http://www.w3.org/2003/05/soap-encoding" || ns == "http://www.w3.org/XML/1998/namespace" ||
         ns == "http://schemas.xmlsoap.org/wsdl/" || ns == "http://schemas.xmlsoap.org/soap/envelope/" ||
         ns == "http://www.w3.org/2003/05/soap-envelope";
}

using xml::Is;
using xml::Local;
using xml::NamespaceOf;
using xml::Prefix;

std::string Documentation(pugi::xml_node node) {
  for (pugi::xml_node child : node.children())
    if (Is(child, "documentation")) return child.text().get();
  return "";
}

// The protocol a binding or address element's namespace names.
std::string Protocol(pugi::xml_node node) {
  const std::string uri = NamespaceOf(node, Prefix(node.name()));
  if (uri == kSoap11) return "soap11";
  if (uri == kSoap12) return "soap12";
  if (uri == kHttp) return "http";
  return "";
}

std::string MediaType(const std::string& protocol) {
  if (protocol == "soap12") return "application/soap+xml";
  if (protocol == "http") return "application/xml";
  return "text/xml";
}

class WsdlReader {
 public:
  WsdlReader(const SpecSource& source, const std::string& main_file, const ReadOptions& options)
      : main_file_(main_file), options_(options), documents_(source, options, report_) {}

  SpecReport Run() {
    report_.model.format = "wsdl";
    report_.model.format_version = "1.1";
    followed_.insert(main_file_);
    Load(main_file_, {main_file_, 0, 0, ""}, 0);
    while (!pending_.empty()) {
      auto [file, from, depth] = pending_.front();
      pending_.pop_front();
      Load(file, from, depth);
    }
    if (report_.problems.empty()) Check();
    if (report_.problems.empty()) BuildModel();
    return std::move(report_);
  }

 private:
  struct Loaded {
    XmlDocument document;
    uint32_t depth = 0;  // imports away from the main file
  };

  // Reads one document of the import graph, breadth first from the main file. XSD and WSDL allow
  // imports and includes to form cycles, so each document is read once, however many import
  // it; `depth` is how many imports away from the main file it is.
  void Load(const std::string& file, const Problem& from, uint32_t depth) {
    const pugi::xml_document* xml = documents_.Xml(file, from);
    if (!xml) return;
    Loaded& loaded = documents_list_.emplace_back();
    loaded.depth = depth;
    loaded.document.file = file;
    loaded.document.text = documents_.Text(file, from);
    loaded.document.root = xml->document_element();
    loaded.document.IndexLines();
    Scan(loaded.document, loaded.document.root);
  }

  // Collects declarations and follows imports, depth first through the tree of one document
  // (recursion bounded by the document's nesting, which DocumentSet::Xml checks).
  void Scan(const XmlDocument& doc, pugi::xml_node node) {
    for (pugi::xml_node child : node.children()) {
      if (child.type() != pugi::node_element) continue;
      const std::string_view name = Local(child.name());
      const std::string declared = child.attribute("name").value();
      if (name == "import" || name == "include") Follow(doc, child);
      if (name == "message") messages_.insert(declared);
      else if (name == "portType") port_types_.push_back(child);
      else if (name == "binding" && Local(node.name()) == "definitions") bindings_.push_back(child);
      else if (name == "service") services_.push_back(child);
      else if ((name == "element" || name == "complexType" || name == "simpleType") && Local(node.name()) == "schema")
        schema_names_.insert(declared);
      if (Local(child.name()) == "part") parts_.push_back({&doc, child});
      if (Local(child.name()) == "definitions" || name == "types" || name == "schema" || name == "message" ||
          name == "portType" || name == "operation" || name == "service" || name == "port" || name == "binding")
        Scan(doc, child);
      if (name == "address" && Local(node.name()) == "port") report_.model.base_uris.push_back(child.attribute("location").value());
    }
  }

  void Follow(const XmlDocument& doc, pugi::xml_node import) {
    const char* location = import.attribute("schemaLocation").value();
    if (!*location) location = import.attribute("location").value();
    if (!*location) return;  // a namespace import satisfied elsewhere
    if (IsWellKnownNamespace(import.attribute("namespace").value()) && std::string_view(location).find("://") != std::string_view::npos)
      return;
    const Problem at = At(doc, import, "");
    auto path = ResolveReference(doc.file, location);
    if (!path.ok()) {
      report_.problems.push_back({at.file, at.line, at.column, path.status().message()});
      return;
    }
    if (!followed_.insert(*path).second) return;
    if (DepthOf(doc) + 1 >= options_.max_reference_depth) {
      report_.problems.push_back({at.file, at.line, at.column, "import chain deeper than " +
                                                                   std::to_string(options_.max_reference_depth) +
                                                                   " levels at " + *path});
      return;
    }
    pending_.push_back({*path, at, DepthOf(doc) + 1});
  }

  uint32_t DepthOf(const XmlDocument& doc) const {
    for (const auto& loaded : documents_list_)
      if (&loaded.document == &doc) return loaded.depth;
    return 0;
  }

  void Check() {
    const pugi::xml_node definitions = documents_list_.front().document.root;
    if (Local(definitions.name()) != "definitions")
      return report_.problems.push_back({main_file_, 1, 1, "the root element is not wsdl:definitions"});
    report_.model.title = definitions.attribute("name").value();
    if (report_.model.title.empty() && !services_.empty()) report_.model.title = services_.front().attribute("name").value();
    report_.model.description = Documentation(definitions);
    CheckParts();
    std::set<std::string> port_type_names;
    for (pugi::xml_node port_type : port_types_) {
      port_type_names.insert(port_type.attribute("name").value());
      for (pugi::xml_node operation : port_type.children()) {
        if (!Is(operation, "operation")) continue;
        for (pugi::xml_node io : operation.children())
          if (Is(io, "input") || Is(io, "output") || Is(io, "fault")) Expect(messages_, io, "message", "message");
      }
    }
    std::set<std::string> binding_names;
    for (pugi::xml_node binding : bindings_) {
      binding_names.insert(binding.attribute("name").value());
      Expect(port_type_names, binding, "type", "port type");
    }
    for (pugi::xml_node service : services_)
      for (pugi::xml_node port : service.children())
        if (Is(port, "port")) Expect(binding_names, port, "binding", "binding");
  }

  void CheckParts() {
    for (const auto& [doc, part] : parts_) {
      for (const char* attribute : {"element", "type"}) {
        const std::string_view qname = part.attribute(attribute).value();
        if (qname.empty() || IsWellKnownNamespace(NamespaceOf(part, Prefix(qname)))) continue;
        if (!schema_names_.count(std::string(Local(qname)))) {
          const Problem at = At(*doc, part, "");
          report_.problems.push_back({at.file, at.line, at.column,
                                      "message part " + std::string(part.attribute("name").value()) + " refers to " +
                                          std::string(attribute) + " '" + std::string(qname) + "', which no schema declares"});
        }
      }
    }
  }

  void Expect(const std::set<std::string>& declared, pugi::xml_node node, const char* attribute, const std::string& what) {
    const std::string_view qname = node.attribute(attribute).value();
    if (declared.count(std::string(Local(qname)))) return;
    const Problem at = At(*DocumentOf(node), node, "");
    report_.problems.push_back({at.file, at.line, at.column,
                                std::string(Local(node.name())) + " refers to " + what + " '" + std::string(qname) +
                                    "', which is not declared"});
  }

  const XmlDocument* DocumentOf(pugi::xml_node node) const {
    const pugi::xml_node root = node.root();
    for (const auto& loaded : documents_list_)
      if (loaded.document.root.root() == root) return &loaded.document;
    return &documents_list_.front().document;
  }

  static Problem At(const XmlDocument& doc, pugi::xml_node node, std::string message) {
    const SourceLocation location = doc.Locate(node);
    return {location.file, location.line, location.column, std::move(message)};
  }

  // ---- the model ----

  // WSDL definitions by namespace-qualified key.
  struct Definitions {
    std::map<std::string, pugi::xml_node> messages, port_types, bindings;
  };

  void BuildModel() {
    std::vector<const XmlDocument*> documents;
    for (const auto& loaded : documents_list_) documents.push_back(&loaded.document);
    XsdShapes xsd(documents);
    xsd.AddTypes(report_.model.types);
    Definitions definitions;
    for (const XmlDocument* document : documents) {
      if (!Is(document->root, "definitions")) continue;
      const std::string target = document->root.attribute("targetNamespace").value();
      for (pugi::xml_node child : document->root.children()) {
        const std::string key = xsd.KeyOf(target, child.attribute("name").value());
        if (Is(child, "message")) definitions.messages.try_emplace(key, child);
        else if (Is(child, "portType")) definitions.port_types.try_emplace(key, child);
        else if (Is(child, "binding")) definitions.bindings.try_emplace(key, child);
      }
    }
    for (pugi::xml_node port_type : port_types_) report_.model.resources.push_back(ReadPortType(xsd, definitions, port_type));
    for (pugi::xml_node service : services_) report_.model.services.push_back(ReadService(xsd, definitions, service));
    report_.problems.insert(report_.problems.end(), xsd.problems().begin(), xsd.problems().end());
  }

  // The binding of a port type (the first that names it).
  pugi::xml_node BindingOf(const XsdShapes& xsd, const Definitions& definitions, const std::string& port_type_key) {
    for (const auto& [key, binding] : definitions.bindings)
      if (xsd.Key(binding, binding.attribute("type").value()) == port_type_key) return binding;
    return {};
  }

  static pugi::xml_node Child(pugi::xml_node node, std::string_view local, std::string_view name = {}) {
    for (pugi::xml_node child : node.children())
      if (Is(child, local) && (name.empty() || name == child.attribute("name").value())) return child;
    return {};
  }

  Resource ReadPortType(XsdShapes& xsd, const Definitions& definitions, pugi::xml_node port_type) {
    const XmlDocument& document = *DocumentOf(port_type);
    Resource resource;
    resource.path = port_type.attribute("name").value();
    resource.description = Documentation(port_type);
    resource.location = document.Locate(port_type);
    const std::string key =
        xsd.KeyOf(document.root.attribute("targetNamespace").value(), port_type.attribute("name").value());
    const pugi::xml_node binding = BindingOf(xsd, definitions, key);
    const pugi::xml_node soap_binding = Child(binding, "binding");
    const std::string media_type = MediaType(soap_binding ? Protocol(soap_binding) : "");
    for (pugi::xml_node operation : port_type.children()) {
      if (!Is(operation, "operation")) continue;
      Operation& read = resource.operations.emplace_back();
      read.method = "post";
      read.operation_id = operation.attribute("name").value();
      read.description = Documentation(operation);
      read.location = document.Locate(operation);
      const pugi::xml_node bound = Child(binding, "operation", read.operation_id);
      if (const pugi::xml_node soap_operation = Child(bound, "operation"))
        read.soap_action = soap_operation.attribute("soapAction").value();
      for (pugi::xml_node io : operation.children()) {
        const pugi::xml_node message = MessageOf(xsd, definitions, io);
        if (Is(io, "input")) {
          const pugi::xml_node bound_input = Child(bound, "input");
          read.parameters = Headers(xsd, definitions, bound_input);
          read.request_bodies = {MessageBody(xsd, message, bound_input, media_type, io)};
          read.request_body_required = true;
        } else if (Is(io, "output") || Is(io, "fault")) {
          Response& response = read.responses.emplace_back();
          response.status = Is(io, "output") ? "output" : "fault:" + std::string(io.attribute("name").value());
          response.location = document.Locate(io);
          const pugi::xml_node bound_output = Is(io, "output") ? Child(bound, "output") : pugi::xml_node();
          response.headers = Headers(xsd, definitions, bound_output);
          response.bodies = {MessageBody(xsd, message, bound_output, media_type, io)};
        }
      }
    }
    return resource;
  }

  pugi::xml_node MessageOf(const XsdShapes& xsd, const Definitions& definitions, pugi::xml_node io) {
    const auto found = definitions.messages.find(xsd.Key(io, io.attribute("message").value()));
    return found == definitions.messages.end() ? pugi::xml_node() : found->second;
  }

  // The SOAP headers a binding's input or output carries: parameters "in: header".
  std::vector<Parameter> Headers(XsdShapes& xsd, const Definitions& definitions, pugi::xml_node bound) {
    std::vector<Parameter> headers;
    for (pugi::xml_node header : bound.children()) {
      if (!Is(header, "header")) continue;
      const pugi::xml_node message = MessageOf(xsd, definitions, header);
      const pugi::xml_node part = Child(message, "part", header.attribute("part").value());
      if (!part) continue;
      const XmlDocument& document = *DocumentOf(part);
      Parameter& parameter = headers.emplace_back();
      parameter.name = part.attribute("name").value();
      parameter.in = "header";
      parameter.required = true;
      parameter.shape = {xsd.PartShape(document, part)};
      parameter.location = DocumentOf(header)->Locate(header);
    }
    return headers;
  }

  // A message as a body: an object whose properties are its parts, those a binding sends as
  // SOAP headers (or leaves out of soap:body parts="...") excepted.
  Body MessageBody(XsdShapes& xsd, pugi::xml_node message, pugi::xml_node bound, const std::string& media_type,
                   pugi::xml_node io) {
    Body body;
    body.media_type = media_type;
    body.location = DocumentOf(io)->Locate(io);
    if (!message) return body;
    std::set<std::string> header_parts, body_parts;
    for (pugi::xml_node child : bound.children()) {
      if (Is(child, "header") &&
          xsd.Key(child, child.attribute("message").value()) == xsd.Key(io, io.attribute("message").value()))
        header_parts.insert(child.attribute("part").value());
      if (Is(child, "body") && *child.attribute("parts").value()) {
        const std::string parts = child.attribute("parts").value();
        size_t start = 0;
        while (start < parts.size()) {
          const size_t end = std::min(parts.find(' ', start), parts.size());
          if (end > start) body_parts.insert(parts.substr(start, end - start));
          start = end + 1;
        }
      }
    }
    const XmlDocument& document = *DocumentOf(message);
    Shape shape;
    shape.type = "object";
    shape.name = message.attribute("name").value();
    shape.location = document.Locate(message);
    for (pugi::xml_node part : message.children()) {
      if (!Is(part, "part")) continue;
      const std::string name = part.attribute("name").value();
      if (header_parts.count(name) || (!body_parts.empty() && !body_parts.count(name))) continue;
      shape.properties.push_back({name, true, false, {xsd.PartShape(document, part)}, document.Locate(part)});
    }
    body.shape = {std::move(shape)};
    return body;
  }

  Service ReadService(const XsdShapes& xsd, const Definitions& definitions, pugi::xml_node service) {
    const XmlDocument& document = *DocumentOf(service);
    Service read;
    read.name = service.attribute("name").value();
    read.location = document.Locate(service);
    for (pugi::xml_node port : service.children()) {
      if (!Is(port, "port")) continue;
      ServicePort& out = read.ports.emplace_back();
      out.name = port.attribute("name").value();
      out.binding = port.attribute("binding").value();
      out.location = document.Locate(port);
      const auto binding = definitions.bindings.find(xsd.Key(port, out.binding));
      if (binding != definitions.bindings.end()) out.port_type = Local(binding->second.attribute("type").value());
      for (pugi::xml_node address : port.children())
        if (Is(address, "address")) {
          out.address = address.attribute("location").value();
          out.protocol = Protocol(address);
        }
    }
    return read;
  }

  const std::string main_file_;
  const ReadOptions& options_;
  SpecReport report_;
  DocumentSet documents_;
  std::deque<Loaded> documents_list_;
  struct Pending {
    std::string file;
    Problem from;
    uint32_t depth;
  };
  std::deque<Pending> pending_;
  std::set<std::string> followed_;
  std::set<std::string> messages_, schema_names_;
  std::vector<pugi::xml_node> port_types_, bindings_, services_;
  std::vector<std::pair<const XmlDocument*, pugi::xml_node>> parts_;
};

}  // namespace

SpecReport ReadWsdl(const SpecSource& source, const std::string& main_file, const ReadOptions& options) {
  return WsdlReader(source, main_file, options).Run();
}

}  // namespace agora::specs
