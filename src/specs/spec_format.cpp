#include "specs/spec_format.h"

#include <boost/json.hpp>
#include <pugixml.hpp>

#include "specs/text_encoding.h"
#include "specs/yaml_document.h"

namespace agora::specs {
namespace {

constexpr std::string_view kWsdl11Namespace = "http://schemas.xmlsoap.org/wsdl/";

std::string_view StripBom(std::string_view content) {
  if (content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);
  return content;
}

SpecFormat DetectRaml(std::string_view content) {
  const std::string_view first_line = content.substr(0, content.find_first_of("\r\n"));
  for (const char* version : {"1.0", "0.8"}) {
    const std::string header = std::string("#%RAML ") + version;
    if (first_line.substr(0, header.size()) == header &&
        (first_line.size() == header.size() || first_line[header.size()] == ' ' || first_line[header.size()] == '\t'))
      return {"raml", version};
  }
  return {};
}

// OpenAPI 3 names its exact version ("3.0.3"); Swagger only ever had "2.0".
SpecFormat FromOasVersion(const std::string& openapi, const std::string& swagger) {
  if (openapi.size() > 2 && openapi.compare(0, 2, "3.") == 0) return {"oas", openapi};
  if (openapi.empty() && swagger == "2.0") return {"oas", swagger};
  return {};
}

SpecFormat DetectOasJson(std::string_view content) {
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(content, ec);
  if (ec || !value.is_object()) return {};
  auto text = [&](const char* key) -> std::string {
    const auto* v = value.as_object().if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : "";
  };
  return FromOasVersion(text("openapi"), text("swagger"));
}

SpecFormat DetectOasYaml(std::string_view content) {
  const ParsedYaml parsed = ParseYaml(content);
  if (parsed.error || !parsed.root.is_mapping()) return {};
  auto text = [&](const char* key) -> std::string {
    const YamlNode* v = parsed.root.Find(key);
    return v && v->is_scalar() ? v->scalar : "";
  };
  return FromOasVersion(text("openapi"), text("swagger"));
}

SpecFormat DetectWsdl(std::string_view content) {
  pugi::xml_document doc;
  if (!doc.load_buffer(content.data(), content.size(), pugi::parse_default)) return {};
  const pugi::xml_node root = doc.document_element();
  const std::string name = root.name();
  const auto colon = name.find(':');
  const std::string local = colon == std::string::npos ? name : name.substr(colon + 1);
  const std::string ns_attribute = colon == std::string::npos ? "xmlns" : "xmlns:" + name.substr(0, colon);
  if (local == "definitions" && root.attribute(ns_attribute.c_str()).as_string() == kWsdl11Namespace)
    return {"wsdl", "1.1"};
  return {};
}

}  // namespace

SpecFormat DetectSpecFormat(const std::string& file_name, std::string_view content) {
  std::string decoded;
  if (StartsWithWideBom(content)) {  // a UTF-16 or UTF-32 file is detected by its UTF-8 form
    auto utf8 = DecodeToUtf8(std::string(content));
    if (!utf8.ok()) return {};
    decoded = std::move(utf8).value();
    content = decoded;
  }
  content = StripBom(content);
  if (SpecFormat raml = DetectRaml(content); !raml.format.empty()) return raml;
  const auto first = content.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  if (content[first] == '<') return DetectWsdl(content);
  if (content[first] == '{') return DetectOasJson(content);
  return DetectOasYaml(content);
}

}  // namespace agora::specs
