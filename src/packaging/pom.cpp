#include "packaging/pom.h"

#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

namespace agora::packaging {
namespace {

Status InvalidPom(const std::string& message) {
  return Status::InvalidArgument("INVALID_POM", "Invalid POM: " + message, {message});
}

std::string Position(std::string_view xml, size_t offset) {
  offset = std::min(offset, xml.size());
  const std::string_view before = xml.substr(0, offset);
  const size_t line = static_cast<size_t>(std::count(before.begin(), before.end(), '\n')) + 1;
  const size_t line_start = before.rfind('\n');
  const size_t column = offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + " (offset " +
         std::to_string(offset) + ")";
}

// Stops the (iterative) traversal as soon as the tree is deeper than allowed.
class DepthProbe : public pugi::xml_tree_walker {
 public:
  bool for_each(pugi::xml_node&) override {
    too_deep_ = depth() >= kMaxPomDepth;
    return !too_deep_;
  }
  bool too_deep() const { return too_deep_; }

 private:
  bool too_deep_ = false;
};

std::string Trim(const std::string& text) {
  const auto b = text.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return text.substr(b, text.find_last_not_of(" \t\r\n") - b + 1);
}

// All the character data directly inside `node` (text split by comments or CDATA included).
std::string TextOf(const pugi::xml_node& node) {
  std::string text;
  for (const pugi::xml_node& child : node.children())
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) text += child.value();
  return Trim(text);
}

std::string ChildText(const pugi::xml_node& node, const char* name) { return TextOf(node.child(name)); }

std::string MissingCoordinates(const PomModel& pom) {
  std::string missing;
  for (const auto& [field, value] : {std::pair<const char*, const std::string&>{"groupId", pom.group_id},
                                     {"artifactId", pom.artifact_id},
                                     {"version", pom.version}})
    if (value.empty()) missing += (missing.empty() ? "" : ", ") + std::string(field);
  return missing;
}

Result<pugi::xml_node> LoadProject(std::string_view xml, pugi::xml_document& doc) {
  if (xml.size() > kMaxPomBytes) return InvalidPom("the POM is larger than " + std::to_string(kMaxPomBytes) + " bytes");
  // parse_doctype keeps a DOCTYPE as a node so that it can be refused; pugixml never expands
  // entities declared in one, but a POM has no business carrying one.
  const pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_doctype);
  if (!parsed) return InvalidPom(std::string(parsed.description()) + " at " + Position(xml, parsed.offset));
  for (const pugi::xml_node& node : doc.children())
    if (node.type() == pugi::node_doctype) return InvalidPom("a DOCTYPE is not allowed");
  DepthProbe probe;
  doc.traverse(probe);
  if (probe.too_deep()) return InvalidPom("elements are nested more than " + std::to_string(kMaxPomDepth) + " deep");
  const pugi::xml_node project = doc.document_element();
  if (std::string_view(project.name()) != "project") return InvalidPom("the root element must be <project>");
  return project;
}

// ---- Generation ----

// Text XML 1.0 can carry and that parses back unchanged: other C0 controls are dropped and line
// ends are normalised as any XML parser would.
std::string XmlText(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r') {
      if (i + 1 == text.size() || text[i + 1] != '\n') out += '\n';
    } else if (c >= 0x20 || c == '\t' || c == '\n') {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Property names become element names: only keys that are XML names can.
bool IsXmlName(const std::string& key) {
  auto start = [](unsigned char c) { return std::isalpha(c) || c == '_'; };
  auto rest = [&](unsigned char c) { return start(c) || std::isdigit(c) || c == '-' || c == '.'; };
  return !key.empty() && start(static_cast<unsigned char>(key[0])) &&
         std::all_of(key.begin(), key.end(), [&](char c) { return rest(static_cast<unsigned char>(c)); });
}

std::string Join(const std::vector<std::string>& items) {
  std::string joined;
  for (const auto& item : items) joined += (joined.empty() ? "" : ", ") + item;
  return joined;
}

void AppendText(pugi::xml_node& parent, const char* name, const std::string& value) {
  parent.append_child(name).text().set(XmlText(value).c_str());
}

std::string PrimaryPackaging(const assets::AssetVersion& v) {
  for (const auto& file : v.files)
    if (!file.is_generated && !file.classifier.empty()) return file.packaging;
  return "";
}

void AppendProperties(pugi::xml_node& project, const assets::AssetVersion& v) {
  std::vector<assets::Attribute> properties = {{"type", v.type},
                                               {"apiVersion", v.Property("apiVersion")},
                                               {"mainFile", v.Property("mainFile")},
                                               {"keywords", Join(v.keywords)},
                                               {"tags", Join(v.tags)},
                                               {"contactName", v.contact_name},
                                               {"contactEmail", v.contact_email}};
  const size_t fixed = properties.size();
  for (const auto& p : v.properties) {
    const bool taken = std::any_of(properties.begin(), properties.begin() + static_cast<std::ptrdiff_t>(fixed),
                                   [&](const assets::Attribute& f) { return f.key == p.key; });
    if (!taken && IsXmlName(p.key)) properties.push_back(p);
  }
  pugi::xml_node node = project.append_child("properties");
  for (const auto& p : properties)
    if (!p.value.empty()) AppendText(node, p.key.c_str(), p.value);
}

void AppendDependencies(pugi::xml_node& project, const assets::AssetVersion& v, const std::vector<PomDependency>& typed) {
  if (v.dependencies.empty()) return;
  pugi::xml_node list = project.append_child("dependencies");
  for (const auto& d : v.dependencies) {
    pugi::xml_node node = list.append_child("dependency");
    AppendText(node, "groupId", d.group_id);
    AppendText(node, "artifactId", d.asset_id);
    AppendText(node, "version", d.version);
    for (const auto& t : typed) {
      if (t.group_id != d.group_id || t.artifact_id != d.asset_id || t.version != d.version) continue;
      if (!t.classifier.empty()) AppendText(node, "classifier", t.classifier);
      if (!t.type.empty()) AppendText(node, "type", t.type);
      break;
    }
  }
}

}  // namespace

Result<PomModel> ParsePom(std::string_view xml) {
  pugi::xml_document doc;
  AGORA_ASSIGN_OR_RETURN(const pugi::xml_node project, LoadProject(xml, doc));
  const pugi::xml_node parent = project.child("parent");
  PomModel pom;
  pom.parent = {ChildText(parent, "groupId"), ChildText(parent, "artifactId"), ChildText(parent, "version"), "", ""};
  pom.group_id = ChildText(project, "groupId");
  if (pom.group_id.empty()) pom.group_id = ChildText(parent, "groupId");
  pom.artifact_id = ChildText(project, "artifactId");
  pom.version = ChildText(project, "version");
  if (pom.version.empty()) pom.version = ChildText(parent, "version");
  if (const std::string missing = MissingCoordinates(pom); !missing.empty())
    return InvalidPom("the POM has no " + missing);
  pom.name = ChildText(project, "name");
  pom.description = ChildText(project, "description");
  pom.packaging = ChildText(project, "packaging");
  for (const pugi::xml_node& property : project.child("properties").children()) {
    if (property.type() != pugi::node_element) continue;
    const std::string_view name = property.name();
    const pugi::xml_attribute key = property.attribute("key");
    if (key && (name == "categories" || name == "fields")) {
      (name == "categories" ? pom.categories : pom.fields).push_back({Trim(key.value()), TextOf(property)});
    } else {
      pom.properties.push_back({property.name(), TextOf(property)});
    }
  }
  for (const pugi::xml_node& d : project.child("dependencies").children("dependency")) {
    pom.dependencies.push_back({ChildText(d, "groupId"), ChildText(d, "artifactId"), ChildText(d, "version"),
                                ChildText(d, "classifier"), ChildText(d, "type")});
  }
  return pom;
}

namespace {

// The values "${name}" may refer to, in precedence order, and the resolution of one text.
class Interpolator {
 public:
  void Add(const std::string& name, const std::string& value) { values_.emplace(name, value); }  // first one wins

  std::string Resolve(const std::string& text) const { return Resolve(text, 0); }

 private:
  static constexpr int kMaxDepth = 16;  // deeper chains are cycles in practice

  std::string Resolve(const std::string& text, int depth) const {
    if (depth > kMaxDepth || text.find("${") == std::string::npos) return text;
    std::string out;
    size_t at = 0;
    while (true) {
      const size_t open = text.find("${", at);
      const size_t close = open == std::string::npos ? open : text.find('}', open + 2);
      if (close == std::string::npos) return out + text.substr(at);
      out += text.substr(at, open - at);
      const auto value = values_.find(text.substr(open + 2, close - open - 2));
      const std::string resolved = value == values_.end() ? "" : Resolve(value->second, depth + 1);
      // Unknown, or a cycle that never bottoms out: leave the reference as written.
      out += value == values_.end() || resolved.find("${") != std::string::npos ? text.substr(open, close + 1 - open)
                                                                                : resolved;
      at = close + 1;
    }
  }

  std::map<std::string, std::string> values_;
};

}  // namespace

void InterpolatePom(PomModel& pom, const std::vector<assets::Attribute>& given,
                    const std::vector<assets::Attribute>& inherited) {
  Interpolator values;
  for (const auto& g : given) values.Add(g.key, g.value);
  const std::pair<const char*, const std::string*> model[] = {
      {"groupId", &pom.group_id},       {"artifactId", &pom.artifact_id},       {"version", &pom.version},
      {"packaging", &pom.packaging},    {"name", &pom.name},                    {"description", &pom.description},
      {"parent.groupId", &pom.parent.group_id}, {"parent.artifactId", &pom.parent.artifact_id},
      {"parent.version", &pom.parent.version}};
  for (const char* prefix : {"project.", "pom.", ""})
    for (const auto& [name, value] : model) values.Add(prefix + std::string(name), *value);
  for (const auto& p : pom.properties) values.Add(p.key, p.value);
  for (const auto& p : inherited) values.Add(p.key, p.value);

  for (std::string* text : {&pom.group_id, &pom.artifact_id, &pom.version, &pom.packaging, &pom.name, &pom.description,
                            &pom.parent.group_id, &pom.parent.artifact_id, &pom.parent.version})
    *text = values.Resolve(*text);
  for (auto* list : {&pom.properties, &pom.categories, &pom.fields})
    for (auto& item : *list) item.value = values.Resolve(item.value);
  for (auto& d : pom.dependencies)
    for (std::string* text : {&d.group_id, &d.artifact_id, &d.version, &d.classifier, &d.type}) *text = values.Resolve(*text);
}

std::string GeneratePom(const assets::AssetVersion& v, const std::vector<PomDependency>& typed) {
  pugi::xml_document doc;
  pugi::xml_node declaration = doc.append_child(pugi::node_declaration);
  declaration.append_attribute("version") = "1.0";
  declaration.append_attribute("encoding") = "UTF-8";
  declaration.append_attribute("standalone") = "no";
  pugi::xml_node project = doc.append_child("project");
  project.append_attribute("xmlns") = "http://maven.apache.org/POM/4.0.0";
  project.append_attribute("xmlns:xsi") = "http://www.w3.org/2001/XMLSchema-instance";
  project.append_attribute("xsi:schemaLocation") =
      "http://maven.apache.org/POM/4.0.0 http://maven.apache.org/maven-v4_0_0.xsd";
  AppendText(project, "modelVersion", "4.0.0");
  AppendText(project, "groupId", v.coordinates.group_id);
  AppendText(project, "artifactId", v.coordinates.asset_id);
  AppendText(project, "version", v.coordinates.version);
  AppendText(project, "name", v.name);
  AppendText(project, "description", v.description);
  if (const std::string packaging = PrimaryPackaging(v); !packaging.empty()) AppendText(project, "packaging", packaging);
  AppendProperties(project, v);
  AppendDependencies(project, v, typed);
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace agora::packaging
