// XML Schema (XSD) declarations as Shapes, for the WSDL reader (internal to src/specs).
//
// Every global element and type of the schemas a WSDL pulls in (embedded in wsdl:types, imported
// or included) becomes a named Shape in ApiModel::types, keyed "prefix:local" with one prefix per
// namespace (the one the main WSDL binds it to, else the first a schema binds it to, else
// ns1, ns2, ...). A global type that shares its name with a global element of its namespace is
// keyed "prefix:local (type)". References between declarations stay references (Shape::ref), so
// recursive schemas stay finite.
//
// Mapping: a complex type is an object whose elements and attributes are properties (minOccurs
// >= 1 or use="required": required; maxOccurs > 1: an array with minItems/maxItems; nillable:
// nullable; attributes carry the facet "xmlAttribute"), a choice is oneOf, an extension is allOf
// of its base plus what it adds; a simple type restriction is its base with the facets
// (enumeration, pattern, lengths, bounds; totalDigits, fractionDigits and whiteSpace as facets);
// list is an array, union anyOf. Built-in types map to JSON Schema types and formats.
//
// Thread safety: one instance per read, used by one thread.
#pragma once

#include <pugixml.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "specs/api_model.h"
#include "specs/resolution_stack.h"
#include "specs/spec_reader.h"

namespace agora::specs {

// One parsed XML document of a WSDL read, with what locating its nodes needs.
struct XmlDocument {
  std::string file;
  const std::string* text = nullptr;
  pugi::xml_node root;
  std::vector<size_t> line_starts;  // byte offset of each line; filled by IndexLines

  void IndexLines();
  SourceLocation Locate(pugi::xml_node node) const;
};

class XsdShapes {
 public:
  // `documents` must outlive this object; the first is the main WSDL.
  explicit XsdShapes(const std::vector<const XmlDocument*>& documents);

  // Every global element and type, by key.
  void AddTypes(std::map<std::string, Shape>& types);

  // The shape of the element or type a message part names (element="..." or type="...").
  Shape PartShape(const XmlDocument& document, pugi::xml_node part);
  // The namespace-qualified key ("prefix:local") of a QName used at `node`.
  std::string Key(pugi::xml_node node, std::string_view qname) const;
  // The key of `local` in the namespace `uri`.
  std::string KeyOf(const std::string& uri, std::string_view local) const;

  // What building the shapes found wrong: a group or attribute group that refers to itself
  // (which XSD forbids; it is not expanded again), or groups expanding past kMaxExpansions.
  const std::vector<Problem>& problems() const { return problems_; }

  // Groups are expanded in place, so groups of groups multiply: at most this many particles and
  // attributes come out of group references in one spec.
  static constexpr uint64_t kMaxExpansions = 200'000;

 private:
  struct Declaration {
    const XmlDocument* document;
    pugi::xml_node node;
  };

  std::pair<std::string, std::string> Resolve(pugi::xml_node node, std::string_view qname) const;
  Shape TypeReference(pugi::xml_node node, std::string_view qname) const;
  Shape ElementShape(const XmlDocument& document, pugi::xml_node element, int depth);
  Property ElementProperty(const XmlDocument& document, pugi::xml_node element, int depth);
  Property AttributeProperty(const XmlDocument& document, pugi::xml_node attribute, int depth);
  Shape ComplexType(const XmlDocument& document, pugi::xml_node node, int depth);
  Shape SimpleType(const XmlDocument& document, pugi::xml_node node, int depth);
  void Particles(const XmlDocument& document, pugi::xml_node group, Shape& into, int depth);
  void Particle(const XmlDocument& document, pugi::xml_node particle, Shape& into, bool optional, int depth);
  void Attributes(const XmlDocument& document, pugi::xml_node holder, Shape& into, int depth);
  Shape Choice(const XmlDocument& document, pugi::xml_node choice, int depth);

  std::vector<const XmlDocument*> documents_;
  std::map<std::string, std::string> prefixes_;  // namespace URI -> canonical prefix
  std::map<std::string, Declaration> elements_, types_, groups_, attribute_groups_;
  std::map<std::string, std::string> type_keys_;  // type declaration key -> its key in ApiModel::types
  // Enters a group or attribute group reference, for the scope's life; nullopt, with the problem
  // recorded, on a cycle, a chain too deep or an expansion past the limit.
  std::optional<ResolutionStack::Scope> Expand(ResolutionStack& stack, const XmlDocument& document,
                                                pugi::xml_node reference, const std::string& key, size_t members);
  ResolutionStack groups_expanding_{"group", 64}, attribute_groups_expanding_{"attribute group", 64};
  uint64_t expansions_ = 0;
  std::vector<Problem> problems_;
  std::set<std::string> reported_;
};

}  // namespace agora::specs
