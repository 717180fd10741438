#include "specs/xsd_shapes.h"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <set>

#include "specs/xml_names.h"

namespace agora::specs {
namespace {

constexpr std::string_view kXsd = "http://www.w3.org/2001/XMLSchema";
constexpr int kMaxDepth = 128;  // nesting of anonymous types and groups inside one declaration

using xml::Is;
using xml::Local;
using xml::NamespaceOf;
using xml::Prefix;

std::string JsonString(std::string_view text) { return boost::json::serialize(boost::json::string(text)); }

std::optional<double> Number(const char* text) {
  if (!*text) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (end == text || *end) return std::nullopt;
  return value;
}

std::optional<uint64_t> Count(const char* text) {
  uint64_t value = 0;
  const char* end = text + std::strlen(text);
  const auto [rest, error] = std::from_chars(text, end, value);
  if (error != std::errc() || rest != end || rest == text) return std::nullopt;
  return value;
}

// XSD's built-in types as JSON Schema types and formats.
Shape Builtin(std::string_view name) {
  Shape shape;
  struct Entry {
    std::string_view name, type, format;
  };
  static constexpr Entry kBuiltins[] = {
      {"string", "string", ""}, {"normalizedString", "string", ""}, {"token", "string", ""},
      {"language", "string", ""}, {"Name", "string", ""}, {"NCName", "string", ""}, {"ID", "string", ""},
      {"IDREF", "string", ""}, {"ENTITY", "string", ""}, {"NMTOKEN", "string", ""}, {"QName", "string", "qname"},
      {"anyURI", "string", "uri"}, {"boolean", "boolean", ""}, {"decimal", "number", ""},
      {"float", "number", "float"}, {"double", "number", "double"}, {"integer", "integer", ""},
      {"long", "integer", "int64"}, {"int", "integer", "int32"}, {"short", "integer", "int16"},
      {"byte", "integer", "int8"}, {"nonNegativeInteger", "integer", ""}, {"positiveInteger", "integer", ""},
      {"nonPositiveInteger", "integer", ""}, {"negativeInteger", "integer", ""},
      {"unsignedLong", "integer", "uint64"}, {"unsignedInt", "integer", "uint32"},
      {"unsignedShort", "integer", "uint16"}, {"unsignedByte", "integer", "uint8"},
      {"date", "string", "date"}, {"dateTime", "string", "date-time"}, {"time", "string", "time"},
      {"duration", "string", "duration"}, {"gYear", "string", "gYear"}, {"gYearMonth", "string", "gYearMonth"},
      {"gMonth", "string", "gMonth"}, {"gMonthDay", "string", "gMonthDay"}, {"gDay", "string", "gDay"},
      {"base64Binary", "string", "byte"}, {"hexBinary", "string", "hex"}, {"anyType", "", ""},
      {"anySimpleType", "", ""}, {"IDREFS", "array", ""}, {"NMTOKENS", "array", ""}, {"ENTITIES", "array", ""},
  };
  for (const Entry& entry : kBuiltins) {
    if (entry.name != name) continue;
    shape.type = std::string(entry.type);
    shape.format = std::string(entry.format);
    if (name == "nonNegativeInteger" || name.rfind("unsigned", 0) == 0) shape.minimum = 0;
    if (name == "positiveInteger") shape.minimum = 1;
    if (name == "nonPositiveInteger") shape.maximum = 0;
    if (name == "negativeInteger") shape.maximum = -1;
    if (shape.type == "array") shape.items = {Builtin("string")};
    return shape;
  }
  shape.type = "string";  // an unknown built-in: its lexical form is a string
  return shape;
}

// minOccurs/maxOccurs on a particle: an element repeated is an array of it.
void ApplyOccurs(pugi::xml_node particle, Property& property) {
  const auto min = Count(particle.attribute("minOccurs").value());
  const std::string max = particle.attribute("maxOccurs").value();
  property.required = !min || *min > 0;
  const auto max_count = Count(max.c_str());
  if (max == "unbounded" || (max_count && *max_count > 1)) {
    Shape array;
    array.type = "array";
    array.items = std::move(property.shape);
    if (min && *min > 0) array.min_items = *min;
    if (max_count) array.max_items = *max_count;
    array.location = array.items.empty() ? SourceLocation{} : array.items.front().location;
    property.shape = {std::move(array)};
  }
}

}  // namespace

void XmlDocument::IndexLines() {
  line_starts.assign(1, 0);
  for (size_t i = 0; i < text->size(); ++i)
    if ((*text)[i] == '\n') line_starts.push_back(i + 1);
}

SourceLocation XmlDocument::Locate(pugi::xml_node node) const {
  const ptrdiff_t offset = node.offset_debug();
  if (offset < 0 || line_starts.empty()) return {file, 0, 0};
  const auto line = std::upper_bound(line_starts.begin(), line_starts.end(), static_cast<size_t>(offset)) - 1;
  return {file, static_cast<uint32_t>(line - line_starts.begin() + 1), static_cast<uint32_t>(offset - *line + 1)};
}

XsdShapes::XsdShapes(const std::vector<const XmlDocument*>& documents) : documents_(documents) {
  // One prefix per namespace, and one namespace per prefix: the main document's bindings first,
  // then the schemas'; a prefix already taken by another namespace is not reused.
  std::set<std::string> taken;
  auto bind = [this, &taken](pugi::xml_node node) {
    for (pugi::xml_attribute attribute : node.attributes()) {
      const std::string_view name = attribute.name();
      if (name.rfind("xmlns:", 0) != 0 || prefixes_.count(attribute.value())) continue;
      const std::string prefix(name.substr(6));
      if (taken.insert(prefix).second) prefixes_[attribute.value()] = prefix;
    }
  };
  for (const XmlDocument* document : documents_) bind(document->root);
  std::vector<std::pair<const XmlDocument*, pugi::xml_node>> schemas;
  for (const XmlDocument* document : documents_) {
    if (Is(document->root, "schema")) schemas.push_back({document, document->root});
    for (pugi::xml_node types : document->root.children())
      if (Is(types, "types"))
        for (pugi::xml_node schema : types.children())
          if (Is(schema, "schema")) schemas.push_back({document, schema});
  }
  for (const auto& [document, schema] : schemas) bind(schema);
  int generated = 0;
  for (const auto& [document, schema] : schemas) {
    const std::string target = schema.attribute("targetNamespace").value();
    while (!target.empty() && !prefixes_.count(target))
      if (taken.insert("ns" + std::to_string(++generated)).second) prefixes_[target] = "ns" + std::to_string(generated);
  }
  for (const auto& [document, schema] : schemas) {
    const std::string target = schema.attribute("targetNamespace").value();
    for (pugi::xml_node child : schema.children()) {
      const char* name = child.attribute("name").value();
      if (!*name) continue;
      const std::string key = KeyOf(target, name);
      if (Is(child, "element")) elements_.try_emplace(key, Declaration{document, child});
      else if (Is(child, "complexType") || Is(child, "simpleType")) types_.try_emplace(key, Declaration{document, child});
      else if (Is(child, "group")) groups_.try_emplace(key, Declaration{document, child});
      else if (Is(child, "attributeGroup")) attribute_groups_.try_emplace(key, Declaration{document, child});
    }
  }
  for (const auto& [key, declaration] : types_) type_keys_[key] = elements_.count(key) ? key + " (type)" : key;
}

std::string XsdShapes::KeyOf(const std::string& uri, std::string_view local) const {
  if (uri.empty()) return std::string(local);
  const auto prefix = prefixes_.find(uri);
  return (prefix == prefixes_.end() ? uri : prefix->second) + ":" + std::string(local);
}

std::pair<std::string, std::string> XsdShapes::Resolve(pugi::xml_node node, std::string_view qname) const {
  return {NamespaceOf(node, Prefix(qname)), std::string(Local(qname))};
}

std::string XsdShapes::Key(pugi::xml_node node, std::string_view qname) const {
  const auto [uri, local] = Resolve(node, qname);
  return KeyOf(uri, local);
}

Shape XsdShapes::TypeReference(pugi::xml_node node, std::string_view qname) const {
  const auto [uri, local] = Resolve(node, qname);
  if (uri == kXsd) return Builtin(local);
  Shape shape;
  const std::string key = KeyOf(uri, local);
  const auto found = type_keys_.find(key);
  shape.ref = found == type_keys_.end() ? key : found->second;
  return shape;
}

void XsdShapes::AddTypes(std::map<std::string, Shape>& types) {
  for (const auto& [key, declaration] : elements_) {
    Shape shape = ElementShape(*declaration.document, declaration.node, 0);
    shape.name = key;
    types[key] = std::move(shape);
  }
  for (const auto& [key, declaration] : types_) {
    const bool complex = Is(declaration.node, "complexType");
    Shape shape = complex ? ComplexType(*declaration.document, declaration.node, 0)
                          : SimpleType(*declaration.document, declaration.node, 0);
    shape.name = type_keys_.at(key);
    types[shape.name] = std::move(shape);
  }
}

Shape XsdShapes::PartShape(const XmlDocument& document, pugi::xml_node part) {
  Shape shape;
  if (const char* element = part.attribute("element").value(); *element) shape.ref = Key(part, element);
  else if (const char* type = part.attribute("type").value(); *type) shape = TypeReference(part, type);
  shape.location = document.Locate(part);
  return shape;
}

Shape XsdShapes::ElementShape(const XmlDocument& document, pugi::xml_node element, int depth) {
  Shape shape;
  if (depth > kMaxDepth) return shape;
  if (const char* type = element.attribute("type").value(); *type) {
    shape = TypeReference(element, type);
  } else {
    for (pugi::xml_node child : element.children()) {
      if (Is(child, "complexType")) shape = ComplexType(document, child, depth + 1);
      else if (Is(child, "simpleType")) shape = SimpleType(document, child, depth + 1);
    }
  }
  if (std::string_view(element.attribute("nillable").value()) == "true") shape.nullable = true;
  if (const char* fallback = element.attribute("default").value(); *fallback) shape.default_value = JsonString(fallback);
  if (const char* fixed = element.attribute("fixed").value(); *fixed) shape.const_value = JsonString(fixed);
  for (pugi::xml_node child : element.children())
    if (Is(child, "annotation"))
      for (pugi::xml_node documentation : child.children())
        if (Is(documentation, "documentation")) shape.description = documentation.text().get();
  shape.location = document.Locate(element);
  return shape;
}

Property XsdShapes::ElementProperty(const XmlDocument& document, pugi::xml_node element, int depth) {
  Property property;
  if (const char* ref = element.attribute("ref").value(); *ref) {
    property.name = std::string(Local(ref));
    Shape shape;
    shape.ref = Key(element, ref);
    shape.location = document.Locate(element);
    property.shape = {std::move(shape)};
  } else {
    property.name = element.attribute("name").value();
    property.shape = {ElementShape(document, element, depth)};
  }
  property.location = document.Locate(element);
  ApplyOccurs(element, property);
  return property;
}

Property XsdShapes::AttributeProperty(const XmlDocument& document, pugi::xml_node attribute, int depth) {
  Property property;
  Shape shape;
  if (const char* ref = attribute.attribute("ref").value(); *ref) {
    property.name = std::string(Local(ref));
    shape = Builtin("string");
  } else {
    property.name = attribute.attribute("name").value();
    if (const char* type = attribute.attribute("type").value(); *type) shape = TypeReference(attribute, type);
    for (pugi::xml_node child : attribute.children())
      if (Is(child, "simpleType")) shape = SimpleType(document, child, depth + 1);
  }
  if (const char* fallback = attribute.attribute("default").value(); *fallback) shape.default_value = JsonString(fallback);
  if (const char* fixed = attribute.attribute("fixed").value(); *fixed) shape.const_value = JsonString(fixed);
  shape.facets["xmlAttribute"] = "true";
  shape.location = document.Locate(attribute);
  property.shape = {std::move(shape)};
  property.required = std::string_view(attribute.attribute("use").value()) == "required";
  property.location = document.Locate(attribute);
  return property;
}

void XsdShapes::Particles(const XmlDocument& document, pugi::xml_node group, Shape& into, int depth) {
  if (depth > kMaxDepth) return;
  const bool optional_group = std::string_view(group.attribute("minOccurs").value()) == "0";
  for (pugi::xml_node child : group.children()) Particle(document, child, into, optional_group, depth + 1);
}

void XsdShapes::Particle(const XmlDocument& document, pugi::xml_node particle, Shape& into, bool optional, int depth) {
  if (depth > kMaxDepth) return;
  if (Is(particle, "element")) {
    Property property = ElementProperty(document, particle, depth + 1);
    if (optional) property.required = false;
    into.properties.push_back(std::move(property));
  } else if (Is(particle, "sequence") || Is(particle, "all")) {
    Particles(document, particle, into, depth + 1);
  } else if (Is(particle, "choice")) {
    into.one_of.push_back(Choice(document, particle, depth + 1));
  } else if (Is(particle, "group")) {
    const std::string key = Key(particle, particle.attribute("ref").value());
    const auto found = groups_.find(key);
    if (found == groups_.end()) return;
    const auto models = found->second.node.children();
    const auto scope =
        Expand(groups_expanding_, document, particle, key, std::distance(models.begin(), models.end()));
    if (!scope) return;
    for (pugi::xml_node model : models) Particle(*found->second.document, model, into, optional, depth + 1);
  }
}

std::optional<ResolutionStack::Scope> XsdShapes::Expand(ResolutionStack& stack, const XmlDocument& document,
                                                        pugi::xml_node reference, const std::string& key, size_t members) {
  auto report = [&](std::string message) -> std::optional<ResolutionStack::Scope> {
    const SourceLocation at = document.Locate(reference);
    Problem problem{at.file, at.line, at.column, std::move(message)};
    if (reported_.insert(problem.ToString()).second) problems_.push_back(std::move(problem));  // once per place
    return std::nullopt;
  };
  if (expansions_ > kMaxExpansions) return std::nullopt;  // reported once, when crossed
  expansions_ += members;
  if (expansions_ > kMaxExpansions)
    return report("groups expand to more than " + std::to_string(kMaxExpansions) + " particles and attributes");
  auto entered = stack.Enter(key);
  if (!entered) return report(entered.refusal());
  return std::optional<ResolutionStack::Scope>(std::move(entered));
}

// A choice is one of its alternatives: each an object holding one element (or one sequence).
Shape XsdShapes::Choice(const XmlDocument& document, pugi::xml_node choice, int depth) {
  Shape alternatives;
  alternatives.location = document.Locate(choice);
  if (depth > kMaxDepth) return alternatives;
  for (pugi::xml_node child : choice.children()) {
    Shape alternative;
    alternative.type = "object";
    alternative.location = document.Locate(child);
    if (Is(child, "choice")) alternative = Choice(document, child, depth + 1);
    else if (Is(child, "element") || Is(child, "sequence") || Is(child, "all") || Is(child, "group"))
      Particle(document, child, alternative, false, depth + 1);
    else continue;
    alternatives.one_of.push_back(std::move(alternative));
  }
  return alternatives;
}

void XsdShapes::Attributes(const XmlDocument& document, pugi::xml_node holder, Shape& into, int depth) {
  if (depth > kMaxDepth) return;
  for (pugi::xml_node child : holder.children()) {
    if (Is(child, "attribute")) {
      into.properties.push_back(AttributeProperty(document, child, depth + 1));
    } else if (Is(child, "attributeGroup")) {
      const std::string key = Key(child, child.attribute("ref").value());
      const auto found = attribute_groups_.find(key);
      if (found == attribute_groups_.end()) continue;
      const auto members = found->second.node.children();
      const auto scope =
          Expand(attribute_groups_expanding_, document, child, key, std::distance(members.begin(), members.end()));
      if (scope) Attributes(*found->second.document, found->second.node, into, depth + 1);
    }
  }
}

Shape XsdShapes::ComplexType(const XmlDocument& document, pugi::xml_node node, int depth) {
  Shape shape;
  shape.type = "object";
  shape.location = document.Locate(node);
  if (depth > kMaxDepth) return shape;
  if (std::string_view(node.attribute("abstract").value()) == "true") shape.facets["abstract"] = "true";
  for (pugi::xml_node child : node.children()) {
    if (Is(child, "sequence") || Is(child, "all") || Is(child, "group") || Is(child, "choice")) {
      Particle(document, child, shape, false, depth + 1);
    } else if (Is(child, "complexContent") || Is(child, "simpleContent")) {
      for (pugi::xml_node derivation : child.children()) {
        const bool extension = Is(derivation, "extension");
        if (!extension && !Is(derivation, "restriction")) continue;
        const char* base = derivation.attribute("base").value();
        if (*base && (extension || Is(child, "simpleContent"))) shape.all_of.push_back(TypeReference(derivation, base));
        for (pugi::xml_node particle : derivation.children()) Particle(document, particle, shape, false, depth + 1);
        Attributes(document, derivation, shape, depth + 1);
      }
    } else if (Is(child, "annotation")) {
      for (pugi::xml_node documentation : child.children())
        if (Is(documentation, "documentation")) shape.description = documentation.text().get();
    }
  }
  Attributes(document, node, shape, depth + 1);
  return shape;
}

Shape XsdShapes::SimpleType(const XmlDocument& document, pugi::xml_node node, int depth) {
  Shape shape;
  const SourceLocation location = document.Locate(node);
  if (depth > kMaxDepth) return shape;
  for (pugi::xml_node child : node.children()) {
    if (Is(child, "restriction")) {
      if (const char* base = child.attribute("base").value(); *base) shape = TypeReference(child, base);
      for (pugi::xml_node facet : child.children()) {
        const std::string_view name = Local(facet.name());
        const char* value = facet.attribute("value").value();
        if (name == "simpleType") shape = SimpleType(document, facet, depth + 1);
        else if (name == "enumeration") shape.enum_values.push_back(JsonString(value));
        else if (name == "pattern") shape.pattern = value;
        else if (name == "length") shape.min_length = shape.max_length = Count(value);
        else if (name == "minLength") shape.min_length = Count(value);
        else if (name == "maxLength") shape.max_length = Count(value);
        else if (name == "minInclusive" && Number(value)) shape.minimum = Number(value);
        else if (name == "maxInclusive" && Number(value)) shape.maximum = Number(value);
        else if (name == "minExclusive" && Number(value)) shape.exclusive_minimum_value = Number(value);
        else if (name == "maxExclusive" && Number(value)) shape.exclusive_maximum_value = Number(value);
        else if (facet.type() == pugi::node_element && name != "annotation") shape.facets[std::string(name)] = JsonString(value);
      }
    } else if (Is(child, "list")) {
      shape = Shape{};
      shape.type = "array";
      if (const char* item = child.attribute("itemType").value(); *item) shape.items = {TypeReference(child, item)};
      for (pugi::xml_node inner : child.children())
        if (Is(inner, "simpleType")) shape.items = {SimpleType(document, inner, depth + 1)};
    } else if (Is(child, "union")) {
      shape = Shape{};
      shape.type = "union";
      const std::string members = child.attribute("memberTypes").value();
      size_t start = 0;
      while (start < members.size()) {
        const size_t end = std::min(members.find(' ', start), members.size());
        if (end > start) shape.any_of.push_back(TypeReference(child, std::string_view(members).substr(start, end - start)));
        start = end + 1;
      }
      for (pugi::xml_node inner : child.children())
        if (Is(inner, "simpleType")) shape.any_of.push_back(SimpleType(document, inner, depth + 1));
    } else if (Is(child, "annotation")) {
      for (pugi::xml_node documentation : child.children())
        if (Is(documentation, "documentation")) shape.description = documentation.text().get();
    }
  }
  shape.location = location;
  return shape;
}

}  // namespace agora::specs
