#include "specs/wsdl_reader.h"

#include <pugixml.hpp>

#include <deque>
#include <set>

#include "specs/spec_documents.h"

namespace agora::specs {
namespace {

constexpr std::string_view kXsdNamespace = "http://www.w3.org/2001/XMLSchema";

std::string_view Local(std::string_view qname) {
  const auto colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

std::string_view Prefix(std::string_view qname) {
  const auto colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view() : qname.substr(0, colon);
}

// Line and column (1-based) of a byte offset.
std::pair<uint32_t, uint32_t> Position(const std::string& text, ptrdiff_t offset) {
  uint32_t line = 1, column = 1;
  for (ptrdiff_t i = 0; i < offset && i < static_cast<ptrdiff_t>(text.size()); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// The namespace URI a prefix is bound to at `node` (walking up its ancestors).
std::string NamespaceOf(pugi::xml_node node, std::string_view prefix) {
  const std::string attribute = prefix.empty() ? "xmlns" : "xmlns:" + std::string(prefix);
  for (; node; node = node.parent())
    if (auto a = node.attribute(attribute.c_str())) return a.value();
  return "";
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
    return std::move(report_);
  }

 private:
  struct Document {
    std::string file;
    const std::string* text = nullptr;
    std::unique_ptr<pugi::xml_document> xml;
    uint32_t depth = 0;  // imports away from the main file
  };

  // Reads one document of the import graph, breadth first from the main file. XSD and WSDL allow
  // imports and includes to form cycles, so each document is read once, however many import
  // it; `depth` is how many imports away from the main file it is.
  void Load(const std::string& file, const Problem& from, uint32_t depth) {
    const std::string* text = documents_.Text(file, from);
    if (!text) return;
    if (text->find("<!DOCTYPE") != std::string::npos) {
      const auto [line, column] = Position(*text, static_cast<ptrdiff_t>(text->find("<!DOCTYPE")));
      report_.problems.push_back({file, line, column, "a DOCTYPE is not accepted (no entity is ever expanded)"});
      return;
    }
    auto xml = std::make_unique<pugi::xml_document>();
    const pugi::xml_parse_result parsed = xml->load_buffer(text->data(), text->size(), pugi::parse_default);
    if (!parsed) {
      const auto [line, column] = Position(*text, parsed.offset);
      report_.problems.push_back({file, line, column, std::string("malformed XML: ") + parsed.description()});
      return;
    }
    if (!CheckNesting(file, *text, *xml)) return;
    documents_list_.push_back({file, text, std::move(xml), depth});
    Scan(documents_list_.back(), documents_list_.back().xml->document_element());
  }

  // Walks the tree without recursion; the readers' own walks recurse, within this bound.
  bool CheckNesting(const std::string& file, const std::string& text, const pugi::xml_document& xml) {
    uint32_t depth = 0;
    pugi::xml_node node = xml.first_child();
    while (node) {
      if (node.first_child()) {
        node = node.first_child();
        if (++depth >= options_.max_nesting) {
          const Problem at = At(file, text, node, "XML elements nest deeper than " + std::to_string(options_.max_nesting) + " levels");
          report_.problems.push_back(at);
          return false;
        }
        continue;
      }
      while (node && !node.next_sibling()) {
        node = node.parent();
        --depth;
      }
      if (node) node = node.next_sibling();
    }
    return true;
  }

  // Collects declarations and follows imports, depth first through the tree of one document
  // (recursion bounded by CheckNesting).
  void Scan(const Document& doc, pugi::xml_node node) {
    for (pugi::xml_node child : node.children()) {
      if (child.type() != pugi::node_element) continue;
      const std::string_view name = Local(child.name());
      const std::string declared = child.attribute("name").value();
      if (name == "import" || name == "include") Follow(doc, child);
      if (name == "message") messages_.insert(declared);
      else if (name == "portType") port_types_.push_back(child);
      else if (name == "binding" && Local(node.name()) == "definitions") bindings_.push_back(child);
      else if (name == "service") services_.push_back(child);
      else if ((name == "element" || name == "complexType" || name == "simpleType") && Local(node.name()) == "schema") {
        schema_names_.insert(declared);
        report_.model.types.try_emplace(declared).first->second.name = declared;
      }
      if (Local(child.name()) == "part") parts_.push_back({doc.file, doc.text, child});
      if (Local(child.name()) == "definitions" || name == "types" || name == "schema" || name == "message" ||
          name == "portType" || name == "operation" || name == "service" || name == "port" || name == "binding")
        Scan(doc, child);
      if (name == "address" && Local(node.name()) == "port") report_.model.base_uris.push_back(child.attribute("location").value());
    }
  }

  void Follow(const Document& doc, pugi::xml_node import) {
    const char* location = import.attribute("schemaLocation").value();
    if (!*location) location = import.attribute("location").value();
    if (!*location) return;  // a namespace import satisfied elsewhere
    const Problem at = At(doc.file, *doc.text, import, "");
    auto path = ResolveReference(doc.file, location);
    if (!path.ok()) {
      report_.problems.push_back({at.file, at.line, at.column, path.status().message()});
      return;
    }
    if (!followed_.insert(*path).second) return;
    if (doc.depth + 1 >= options_.max_reference_depth) {
      report_.problems.push_back({at.file, at.line, at.column, "import chain deeper than " +
                                                                   std::to_string(options_.max_reference_depth) +
                                                                   " levels at " + *path});
      return;
    }
    pending_.push_back({*path, at, doc.depth + 1});
  }

  void Check() {
    const pugi::xml_node definitions = documents_list_.front().xml->document_element();
    if (Local(definitions.name()) != "definitions")
      return report_.problems.push_back({main_file_, 1, 1, "the root element is not wsdl:definitions"});
    report_.model.title = definitions.attribute("name").value();
    if (report_.model.title.empty() && !services_.empty()) report_.model.title = services_.front().attribute("name").value();
    for (pugi::xml_node child : definitions.children())
      if (Local(child.name()) == "documentation") report_.model.description = child.text().get();
    CheckParts();
    std::set<std::string> port_type_names;
    for (pugi::xml_node port_type : port_types_) port_type_names.insert(ReadPortType(port_type));
    std::set<std::string> binding_names;
    for (pugi::xml_node binding : bindings_) {
      binding_names.insert(binding.attribute("name").value());
      Expect(port_type_names, binding, "type", "port type");
    }
    for (pugi::xml_node service : services_)
      for (pugi::xml_node port : service.children())
        if (Local(port.name()) == "port") Expect(binding_names, port, "binding", "binding");
  }

  void CheckParts() {
    for (const auto& part : parts_) {
      for (const char* attribute : {"element", "type"}) {
        const std::string_view qname = part.node.attribute(attribute).value();
        if (qname.empty() || NamespaceOf(part.node, Prefix(qname)) == kXsdNamespace) continue;
        if (!schema_names_.count(std::string(Local(qname)))) {
          const Problem at = At(part.file, *part.text, part.node, "");
          report_.problems.push_back({at.file, at.line, at.column,
                                      "message part " + std::string(part.node.attribute("name").value()) + " refers to " +
                                          std::string(attribute) + " '" + std::string(qname) + "', which no schema declares"});
        }
      }
    }
  }

  std::string ReadPortType(pugi::xml_node port_type) {
    Resource resource;
    resource.path = port_type.attribute("name").value();
    for (pugi::xml_node operation : port_type.children()) {
      if (Local(operation.name()) != "operation") continue;
      Operation& read = resource.operations.emplace_back();
      read.method = "post";
      read.operation_id = operation.attribute("name").value();
      for (pugi::xml_node io : operation.children())
        if (const std::string_view local = Local(io.name()); local == "input" || local == "output" || local == "fault")
          Expect(messages_, io, "message", "message");
    }
    report_.model.resources.push_back(resource);
    return resource.path;
  }

  void Expect(const std::set<std::string>& declared, pugi::xml_node node, const char* attribute, const std::string& what) {
    const std::string_view qname = node.attribute(attribute).value();
    if (declared.count(std::string(Local(qname)))) return;
    const Problem at = At(main_file_, *documents_list_.front().text, node, "");
    report_.problems.push_back({at.file, at.line, at.column,
                                std::string(Local(node.name())) + " refers to " + what + " '" + std::string(qname) +
                                    "', which is not declared"});
  }

  static Problem At(const std::string& file, const std::string& text, pugi::xml_node node, std::string message) {
    const auto [line, column] = Position(text, node.offset_debug());
    return {file, line, column, std::move(message)};
  }

  struct Part {
    std::string file;
    const std::string* text;
    pugi::xml_node node;
  };

  const std::string main_file_;
  const ReadOptions& options_;
  SpecReport report_;
  DocumentSet documents_;
  std::deque<Document> documents_list_;
  struct Pending {
    std::string file;
    Problem from;
    uint32_t depth;
  };
  std::deque<Pending> pending_;
  std::set<std::string> followed_;
  std::set<std::string> messages_, schema_names_;
  std::vector<pugi::xml_node> port_types_, bindings_, services_;
  std::vector<Part> parts_;
};

}  // namespace

SpecReport ReadWsdl(const SpecSource& source, const std::string& main_file, const ReadOptions& options) {
  return WsdlReader(source, main_file, options).Run();
}

}  // namespace agora::specs
