#include "publication/request.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>

namespace agora::publication {
namespace json = boost::json;

std::vector<std::string> PublicationRequest::FormPropertyNames() const {
  std::vector<std::string> names;
  const std::pair<const char*, const std::optional<std::string>*> fields_in_form[] = {
      {"name", &name},         {"description", &description}, {"type", &type},
      {"keywords", &keywords}, {"tags", &tags},               {"dependencies", &dependencies},
      {"contactName", &contact_name}, {"contactEmail", &contact_email}, {"status", &status}};
  for (const auto& [field, value] : fields_in_form)
    if (value->has_value()) names.push_back(field);
  for (const auto& p : properties) names.push_back("properties." + p.key);
  return names;
}

const UploadedFile* PublicationRequest::Pom() const {
  for (const auto& f : files)
    if (f.packaging == "pom") return &f;
  return nullptr;
}

std::vector<std::string> PublicationRequest::BlobRefs() const {
  std::vector<std::string> refs;
  for (const auto& f : files) refs.push_back(f.blob.sha256);
  return refs;
}

namespace {

void PutOptional(json::object& o, const char* key, const std::optional<std::string>& value) {
  if (value) o[key] = *value;
}

std::optional<std::string> GetOptional(const json::object& o, const char* key) {
  if (const auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->as_string());
  return std::nullopt;
}

std::string GetString(const json::object& o, const char* key) { return GetOptional(o, key).value_or(""); }

json::array KeyValuesToJson(const std::vector<KeyValues>& items) {
  json::array a;
  for (const auto& kv : items) a.push_back(json::object{{"key", kv.key}, {"value", kv.value}});
  return a;
}

std::vector<KeyValues> KeyValuesFromJson(const json::object& o, const char* key) {
  std::vector<KeyValues> items;
  if (const auto* v = o.if_contains(key); v && v->is_array())
    for (const auto& item : v->as_array())
      items.push_back({GetString(item.as_object(), "key"), GetString(item.as_object(), "value")});
  return items;
}

// The media type x-allowed-api-spec-formats names a spec format by; empty for another format.
std::string FormatMediaType(const std::string& format) {
  if (format == "raml") return "application/raml";
  if (format == "oas") return "application/vnd.oai.openapi";
  if (format == "wsdl") return "application/wsdl+xml";
  return "";
}

// An entry of x-allowed-api-spec-formats as its media type, in lower case and with the other
// names of a format mapped to FormatMediaType's (an OpenAPI document's JSON and YAML forms are one
// format), and its version parameter.
std::pair<std::string, std::string> ParseAllowedFormat(std::string text) {
  std::erase_if(text, [](char c) { return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\''; });
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t semicolon = std::min(text.find(';'), text.size());
  std::string type = text.substr(0, semicolon);
  std::string version;
  for (size_t at = semicolon; at < text.size();) {
    const size_t next = std::min(text.find(';', at + 1), text.size());
    const std::string parameter = text.substr(at + 1, next - at - 1);
    if (parameter.rfind("version=", 0) == 0) version = parameter.substr(8);
    at = next;
  }
  static const std::map<std::string, std::string> kAliases = {
      {"application/vnd.oai.openapi+json", "application/vnd.oai.openapi"},
      {"application/vnd.oai.openapi+yaml", "application/vnd.oai.openapi"},
      {"application/raml+yaml", "application/raml"},  // the RAML 1.0 specification's own name
      {"application/wsdl", "application/wsdl+xml"},
  };
  if (const auto alias = kAliases.find(type); alias != kAliases.end()) type = alias->second;
  return {type, version};
}

bool IsSpecMediaType(const std::string& type) {
  for (const char* format : {"raml", "oas", "wsdl"})
    if (type == FormatMediaType(format)) return true;
  return false;
}

}  // namespace

std::string Trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t\r\n\"");
  if (begin == std::string_view::npos) return "";
  const auto end = text.find_last_not_of(" \t\r\n\"");
  return std::string(text.substr(begin, end - begin + 1));
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string item = Trim(std::string_view(text).substr(start, comma - start));
    if (!item.empty() && std::find(items.begin(), items.end(), item) == items.end()) items.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

Result<std::vector<std::string>> ParseAllowedSpecFormats(std::string header) {
  std::erase_if(header, [](char c) { return c == '[' || c == ']'; });  // the contract's example is a list
  std::vector<std::string> formats = SplitList(header);
  for (const auto& format : formats) {
    if (!IsSpecMediaType(ParseAllowedFormat(format).first))
      return Status::InvalidArgument("INVALID_HEADER", "x-allowed-api-spec-formats: '" + format.substr(0, 80) +
                                                           "' is none of application/raml, application/vnd.oai.openapi "
                                                           "and application/wsdl+xml");
  }
  return formats;
}

std::string PublicationRequest::SpecMediaType(const std::string& format, const std::string& version) {
  return FormatMediaType(format) + (version.empty() ? "" : ";version=" + version);
}

bool PublicationRequest::AllowsSpecFormat(const std::string& format, const std::string& version) const {
  if (allowed_spec_formats.empty()) return true;
  const std::string type = FormatMediaType(format);
  for (const auto& allowed : allowed_spec_formats) {
    const auto [allowed_type, allowed_version] = ParseAllowedFormat(allowed);
    if (type.empty() || allowed_type != type) continue;
    if (allowed_version.empty() || version == allowed_version || version.rfind(allowed_version + ".", 0) == 0)
      return true;
  }
  return false;
}

std::string PublicationRequest::ToJson() const {
  json::object o;
  o["organizationId"] = organization_id;
  o["groupId"] = coordinates.group_id;
  o["assetId"] = coordinates.asset_id;
  o["version"] = coordinates.version;
  o["createdBy"] = created_by;
  PutOptional(o, "name", name);
  PutOptional(o, "description", description);
  PutOptional(o, "type", type);
  PutOptional(o, "keywords", keywords);
  PutOptional(o, "tags", tags);
  PutOptional(o, "dependencies", dependencies);
  PutOptional(o, "contactName", contact_name);
  PutOptional(o, "contactEmail", contact_email);
  PutOptional(o, "status", status);
  json::array props;
  for (const auto& p : properties) props.push_back(json::object{{"key", p.key}, {"value", p.value}});
  o["properties"] = std::move(props);
  o["categories"] = KeyValuesToJson(categories);
  o["fields"] = KeyValuesToJson(fields);
  json::array files_json;
  for (const auto& f : files) {
    files_json.push_back(json::object{{"classifier", f.classifier}, {"packaging", f.packaging},
                                      {"fileName", f.file_name}, {"sha256", f.blob.sha256},
                                      {"md5", f.blob.md5}, {"sha1", f.blob.sha1}, {"size", f.blob.size}});
  }
  o["files"] = std::move(files_json);
  o["validateFiles"] = validate_files;
  json::array formats;
  for (const auto& f : allowed_spec_formats) formats.push_back(json::string(f));
  o["allowedSpecFormats"] = std::move(formats);
  o["fromMaven"] = from_maven;
  return json::serialize(o);
}

Result<PublicationRequest> PublicationRequest::FromJson(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Status::Corruption("stored publication request is not valid JSON");
  const json::object& o = v.as_object();
  try {
    PublicationRequest r;
    r.organization_id = GetString(o, "organizationId");
    r.coordinates = {GetString(o, "groupId"), GetString(o, "assetId"), GetString(o, "version")};
    r.created_by = GetString(o, "createdBy");
    r.name = GetOptional(o, "name");
    r.description = GetOptional(o, "description");
    r.type = GetOptional(o, "type");
    r.keywords = GetOptional(o, "keywords");
    r.tags = GetOptional(o, "tags");
    r.dependencies = GetOptional(o, "dependencies");
    r.contact_name = GetOptional(o, "contactName");
    r.contact_email = GetOptional(o, "contactEmail");
    r.status = GetOptional(o, "status");
    for (const auto& p : o.at("properties").as_array())
      r.properties.push_back({GetString(p.as_object(), "key"), GetString(p.as_object(), "value")});
    r.categories = KeyValuesFromJson(o, "categories");
    r.fields = KeyValuesFromJson(o, "fields");
    for (const auto& f : o.at("files").as_array()) {
      const auto& fo = f.as_object();
      UploadedFile file{GetString(fo, "classifier"), GetString(fo, "packaging"), GetString(fo, "fileName"),
                        {GetString(fo, "sha256"), GetString(fo, "md5"), GetString(fo, "sha1"),
                         fo.at("size").to_number<uint64_t>()}};
      r.files.push_back(std::move(file));
    }
    if (const auto* vf = o.if_contains("validateFiles"); vf && vf->is_bool()) r.validate_files = vf->as_bool();
    if (const auto* af = o.if_contains("allowedSpecFormats"); af && af->is_array())
      for (const auto& f : af->as_array()) r.allowed_spec_formats.push_back(std::string(f.as_string()));
    if (const auto* fm = o.if_contains("fromMaven"); fm && fm->is_bool()) r.from_maven = fm->as_bool();
    return r;
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("stored publication request is malformed: ") + e.what());
  }
}

}  // namespace agora::publication
