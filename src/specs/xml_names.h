// Qualified names in the XML documents the WSDL and XSD readers walk (internal to src/specs):
// the local part and prefix of "prefix:local", the namespace a prefix is bound to, and whether a
// node is an element of a given local name.
//
// Thread safety: pure functions.
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>

namespace agora::specs::xml {

inline std::string_view Local(std::string_view qname) {
  const auto colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

inline std::string_view Prefix(std::string_view qname) {
  const auto colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view() : qname.substr(0, colon);
}

// The namespace URI a prefix (empty: the default namespace) is bound to at `node`, walking up its
// ancestors; empty when it is bound nowhere.
inline std::string NamespaceOf(pugi::xml_node node, std::string_view prefix) {
  const std::string attribute = prefix.empty() ? "xmlns" : "xmlns:" + std::string(prefix);
  for (; node; node = node.parent())
    if (auto a = node.attribute(attribute.c_str())) return a.value();
  return "";
}

// Whether `node` is an element named `local` in whatever namespace.
inline bool Is(pugi::xml_node node, std::string_view local) {
  return node.type() == pugi::node_element && Local(node.name()) == local;
}

}  // namespace agora::specs::xml
