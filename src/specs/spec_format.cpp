#include "specs/spec_format.h"

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

// Beyond this, a document is not recognised (its reader, within its own limits, says why).
constexpr std::chrono::seconds kDetectionCpuTime{10};

// Streams the document rather than building it, so that detection costs no memory whatever
// the upload (the readers bound what building it costs). JSON's versions are strings, so a JSON
// document's must be quoted.
SpecFormat DetectOas(std::string_view content, bool json) {
  YamlLimits limits;
  limits.cpu_deadline = ThreadCpuTime() + kDetectionCpuTime;
  const auto scalars = TopLevelScalars(content, {"openapi", "swagger"}, limits);
  if (!scalars) return {};
  auto text = [&](std::string_view key) -> std::string {
    const auto found = scalars->find(key);
    return found == scalars->end() || (json && !found->second.quoted) ? "" : found->second.text;
  };
  return FromOasVersion(text("openapi"), text("swagger"));
}

// The root element's start tag (after any declaration, comments, processing instructions and
// DOCTYPE), or an empty view: only the root decides, so nothing more is parsed.
std::string_view RootStartTag(std::string_view content) {
  size_t at = 0;
  while (true) {
    at = content.find('<', at);
    if (at == std::string_view::npos) return {};
    const std::string_view rest = content.substr(at);
    size_t end;
    if (rest.starts_with("<?")) end = content.find("?>", at);
    else if (rest.starts_with("<!--")) end = content.find("-->", at);
    else if (rest.starts_with("<!")) {
      // A DOCTYPE, with its internal subset in brackets when it has one.
      const size_t bracket = content.find('[', at), close = content.find('>', at);
      end = bracket < close ? content.find("]", bracket) : close;
    } else {
      char quote = 0;
      for (size_t i = at + 1; i < content.size(); ++i) {
        if (quote) {
          if (content[i] == quote) quote = 0;
        } else if (content[i] == '"' || content[i] == '\'') {
          quote = content[i];
        } else if (content[i] == '>') {
          return content.substr(at, i + 1 - at);
        }
      }
      return {};
    }
    if (end == std::string_view::npos) return {};
    at = end + 1;
  }
}

SpecFormat DetectWsdl(std::string_view content) {
  std::string tag(RootStartTag(content));
  if (tag.size() < 3) return {};
  if (tag[tag.size() - 2] != '/') tag.insert(tag.size() - 1, "/");  // the root alone, closed
  pugi::xml_document doc;
  if (!doc.load_buffer(tag.data(), tag.size(), pugi::parse_default)) return {};
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
  return DetectOas(content, content[first] == '{');
}

}  // namespace agora::specs
