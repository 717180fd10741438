#include "packaging/pom.h"

#include <pugixml.hpp>

#include <algorithm>
#include <cctype>

namespace agora::packaging {
namespace {

Status InvalidPom(const std::string& message) {
  return Status::InvalidArgument("INVALID_POM", "Invalid POM: " + message, {message});
}

bool ContainsDoctype(std::string_view xml) {
  std::string upper(xml.substr(0, std::min<size_t>(xml.size(), kMaxPomBytes)));
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  return upper.find("<!DOCTYPE") != std::string::npos || upper.find("<!ENTITY") != std::string::npos;
}

std::string ChildText(const pugi::xml_node& node, const char* name) {
  std::string text = node.child(name).text().as_string();
  const auto b = text.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return text.substr(b, text.find_last_not_of(" \t\r\n") - b + 1);
}

std::string Escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Join(const std::vector<std::string>& items) {
  std::string joined;
  for (const auto& item : items) joined += (joined.empty() ? "" : ", ") + item;
  return joined;
}

// Property names become element names: keep only keys that are valid XML names.
bool IsXmlName(const std::string& key) {
  if (key.empty() || !(std::isalpha(static_cast<unsigned char>(key[0])) || key[0] == '_')) return false;
  return std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-' || c == '.'; });
}

}  // namespace

Result<PomModel> ParsePom(std::string_view xml) {
  if (xml.size() > kMaxPomBytes) return InvalidPom("the POM is larger than 1 MiB");
  if (ContainsDoctype(xml)) return InvalidPom("DOCTYPE and entity declarations are not allowed");
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default);
  if (!parsed) {
    return InvalidPom(std::string(parsed.description()) + " at offset " + std::to_string(parsed.offset));
  }
  const pugi::xml_node project = doc.child("project");
  if (!project) return InvalidPom("the root element must be <project>");
  const pugi::xml_node parent = project.child("parent");
  PomModel pom;
  pom.group_id = ChildText(project, "groupId");
  if (pom.group_id.empty()) pom.group_id = ChildText(parent, "groupId");
  pom.artifact_id = ChildText(project, "artifactId");
  pom.version = ChildText(project, "version");
  if (pom.version.empty()) pom.version = ChildText(parent, "version");
  pom.name = ChildText(project, "name");
  pom.description = ChildText(project, "description");
  pom.packaging = ChildText(project, "packaging");
  if (pom.group_id.empty() || pom.artifact_id.empty() || pom.version.empty())
    return InvalidPom("groupId, artifactId and version are required");
  for (const pugi::xml_node& property : project.child("properties").children()) {
    if (property.type() != pugi::node_element) continue;
    pom.properties.push_back({property.name(), ChildText(project.child("properties"), property.name())});
  }
  for (const pugi::xml_node& d : project.child("dependencies").children("dependency")) {
    pom.dependencies.push_back({ChildText(d, "groupId"), ChildText(d, "artifactId"), ChildText(d, "version"),
                                ChildText(d, "classifier"), ChildText(d, "type")});
  }
  return pom;
}

std::string GeneratePom(const assets::AssetVersion& v) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
      "<project xmlns=\"http://maven.apache.org/POM/4.0.0\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"http://maven.apache.org/POM/4.0.0 http://maven.apache.org/maven-v4_0_0.xsd\">\n"
      "  <modelVersion>4.0.0</modelVersion>\n";
  xml += "  <groupId>" + Escape(v.coordinates.group_id) + "</groupId>\n";
  xml += "  <artifactId>" + Escape(v.coordinates.asset_id) + "</artifactId>\n";
  xml += "  <version>" + Escape(v.coordinates.version) + "</version>\n";
  xml += "  <name>" + Escape(v.name) + "</name>\n";
  xml += "  <description>" + Escape(v.description) + "</description>\n";
  xml += "  <properties>\n    <type>" + Escape(v.type) + "</type>\n";
  if (!v.keywords.empty()) xml += "    <keywords>" + Escape(Join(v.keywords)) + "</keywords>\n";
  if (!v.tags.empty()) xml += "    <tags>" + Escape(Join(v.tags)) + "</tags>\n";
  for (const auto& p : v.properties)
    if (IsXmlName(p.key)) xml += "    <" + p.key + ">" + Escape(p.value) + "</" + p.key + ">\n";
  xml += "  </properties>\n";
  if (!v.dependencies.empty()) {
    xml += "  <dependencies>\n";
    for (const auto& d : v.dependencies) {
      xml += "    <dependency>\n      <groupId>" + Escape(d.group_id) + "</groupId>\n      <artifactId>" +
             Escape(d.asset_id) + "</artifactId>\n      <version>" + Escape(d.version) + "</version>\n    </dependency>\n";
    }
    xml += "  </dependencies>\n";
  }
  xml += "</project>\n";
  return xml;
}

}  // namespace agora::packaging
