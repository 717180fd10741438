#include "specs/raml_schemas.h"

#include <boost/json.hpp>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "specs/json_document.h"
#include "specs/json_schema_rewrite.h"
#include "specs/oas_official_schema.h"
#include "specs/oas_schema_graph.h"
#include "specs/schema_complaints.h"
#include "specs/yaml_json.h"

namespace agora::specs::raml {
namespace {

namespace json = boost::json;

// Where the files a schema refers to go in the one document valijson is given.
constexpr std::string_view kFilesKey = "x-agora-files";
// Files one schema may gather (its references, theirs, ...).
constexpr size_t kMaxSchemaFiles = 64;

bool StartsWith(const std::string& text, char c) {
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && text[first] == c;
}

// The drafts to read `schema` in, in order: the one its `$schema` names, or, when it names none,
// draft 4 and then draft 3 (RAML 0.8's schemas are often draft 3 without saying so:
// `"required": true` on a property).
std::vector<valijson::SchemaParser::Version> DraftsOf(const json::value& schema, bool& json_schema_2020) {
  json_schema_2020 = false;
  const json::value* declared = schema.is_object() ? schema.as_object().if_contains("$schema") : nullptr;
  const std::string name = declared && declared->is_string() ? std::string(declared->as_string()) : "";
  if (name.find("draft-03") != std::string::npos) return {valijson::SchemaParser::kDraft3};
  if (name.find("draft-06") != std::string::npos || name.find("draft-07") != std::string::npos)
    return {valijson::SchemaParser::kDraft7};
  json_schema_2020 = name.find("2019-09") != std::string::npos || name.find("2020-12") != std::string::npos;
  if (json_schema_2020) return {valijson::SchemaParser::kDraft7};
  if (name.empty()) return {valijson::SchemaParser::kDraft4, valijson::SchemaParser::kDraft3};
  return {valijson::SchemaParser::kDraft4};
}

// Draft 3's boolean `required` says whether a property must be present; written anywhere else (the
// schema's root, an array's items, as many RAML 0.8 schemas do) it means nothing, but valijson
// refuses the whole schema for it.
void DropRequiredOutsideProperties(json::value& node, bool property) {
  if (node.is_array()) {
    for (auto& item : node.as_array()) DropRequiredOutsideProperties(item, false);
    return;
  }
  if (!node.is_object()) return;
  json::object& object = node.as_object();
  if (const auto* required = object.if_contains("required"); required && required->is_bool() && !property)
    object.erase("required");
  for (auto& [key, value] : object) {
    if (key == "enum" || key == "default" || key == "example" || key == "examples") continue;
    if (key == "properties" && value.is_object()) {
      for (auto& [name, member] : value.as_object()) DropRequiredOutsideProperties(member, true);
    } else {
      DropRequiredOutsideProperties(value, false);
    }
  }
}

// Gathers a JSON schema and the archive files its references name into one document: each file
// once, under kFilesKey, every `$ref` rewritten to a pointer from that document's root (and every
// `id`, which would move what references are resolved against, dropped). References that name
// nothing are reported as problems of the schema.
class SchemaGatherer {
 public:
  SchemaGatherer(RamlLoader& loader, const RamlNode& at) : loader_(loader), at_(at) {}

  // The gathered document, or nullopt when a file it needs could not be had (reported).
  std::optional<json::value> Gather(json::value schema, const std::string& file) {
    files_.push_back({file, std::move(schema), ""});
    slots_[file] = 0;
    for (size_t i = 0; i < files_.size(); ++i) {
      // the deque keeps references stable while Rewrite appends files
      Rewrite(files_[i].document, files_[i].path, files_[i].base);
    }
    if (failed_) return std::nullopt;
    json::value document = std::move(files_.front().document);
    if (files_.size() > 1) {
      if (!document.is_object()) return std::nullopt;
      json::object gathered;
      for (size_t i = 1; i < files_.size(); ++i) gathered[std::to_string(i)] = std::move(files_[i].document);
      document.as_object()[kFilesKey] = std::move(gathered);
    }
    return document;
  }

 private:
  struct File {
    std::string path;
    json::value document;
    std::string base;  // its pointer in the gathered document: "" or "/x-agora-files/N"
  };

  void Report(std::string message) {
    loader_.Report(at_, std::move(message));
    failed_ = true;
  }

  // The index of the archive file `path` among the gathered files, reading it the first time.
  std::optional<size_t> FileIndex(const std::string& path, const std::string& ref) {
    if (const auto found = slots_.find(path); found != slots_.end()) return found->second;
    if (files_.size() >= kMaxSchemaFiles) {
      Report("the JSON schema refers to more than " + std::to_string(kMaxSchemaFiles) + " files");
      return std::nullopt;
    }
    const Problem from{loader_.files()[at_.file], at_.line, at_.column, ""};
    const std::string* text = loader_.documents().Text(path, from);
    if (!text) {
      failed_ = true;  // the document set said why
      return std::nullopt;
    }
    boost::system::error_code error;
    json::value document = json::parse(*text, error);
    if (error) {
      Report("the JSON schema's $ref '" + ref + "' names " + path + ", which is not valid JSON: " + error.message());
      return std::nullopt;
    }
    const size_t index = files_.size();
    files_.push_back({path, std::move(document), "/" + std::string(kFilesKey) + "/" + std::to_string(index)});
    slots_[path] = index;
    return index;
  }

  void RewriteReference(json::value& ref_value, const std::string& file) {
    const std::string ref(ref_value.as_string());
    if (ref.find("://") != std::string::npos || ref.rfind("urn:", 0) == 0) return;  // a URL: not fetched
    const size_t hash = ref.find('#');
    const std::string file_part = ref.substr(0, hash);
    const std::string fragment = hash == std::string::npos ? "" : ref.substr(hash + 1);
    size_t index = slots_.at(file);
    if (!file_part.empty()) {
      const auto path = loader_.Resolve(file, file_part);
      if (!path.ok()) return Report("the JSON schema's $ref '" + ref + "': " + path.status().message());
      const auto found = FileIndex(*path, ref);
      if (!found) return;
      index = *found;
    }
    if (!fragment.empty() && fragment.front() != '/') return;  // a name an `id` declares: left to valijson
    if (!JsonSchemaAt(files_[index].document, "#" + fragment))
      return Report("the JSON schema's $ref '" + ref + "' names nothing in " + files_[index].path);
    ref_value = "#" + files_[index].base + fragment;
  }

  void Rewrite(json::value& node, const std::string& file, const std::string& base) {
    if (node.is_array()) {
      for (auto& item : node.as_array()) Rewrite(item, file, base);
      return;
    }
    if (!node.is_object()) return;
    json::object& object = node.as_object();
    for (const char* id : {"id", "$id"})
      if (const auto* value = object.if_contains(id); value && value->is_string()) object.erase(id);
    if (auto* ref = object.if_contains("$ref"); ref && ref->is_string()) RewriteReference(*ref, file);
    for (auto& [key, value] : object)
      if (key != "enum" && key != "const" && key != "default" && key != "examples" && key != "example" && key != "$ref")
        Rewrite(value, file, base);
  }

  RamlLoader& loader_;
  const RamlNode& at_;
  std::deque<File> files_;
  std::map<std::string, size_t> slots_;
  bool failed_ = false;
};

// libxml2 must never read anything but the text it is given: no DTD, no xs:include.
xmlParserInputPtr RefuseExternalDocuments(const char*, const char*, xmlParserCtxtPtr) { return nullptr; }
void IgnoreGenericError(void*, const char*, ...) {}

void InitialiseLibxml2() {
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    xmlSetExternalEntityLoader(RefuseExternalDocuments);
  });
  xmlSetGenericErrorFunc(nullptr, IgnoreGenericError);  // per thread
}

constexpr int kXmlOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;

// The first error libxml2 reports through a structured error handler.
void KeepFirstError(void* data, xmlErrorPtr error) {
  auto* first = static_cast<std::string*>(data);
  if (!first->empty() || !error || !error->message) return;
  *first = error->message;
  while (!first->empty() && (first->back() == '\n' || first->back() == ' ')) first->pop_back();
  if (error->line > 0) *first = "line " + std::to_string(error->line) + ": " + *first;
}

struct XmlDocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using XmlDoc = std::unique_ptr<xmlDoc, XmlDocFree>;

// `text` parsed, or null with `error` set.
XmlDoc ParseXml(const std::string& text, const char* url, std::string& error) {
  if (text.find("<!DOCTYPE") != std::string::npos) {
    error = "a DOCTYPE is not accepted (no entity is ever expanded)";
    return nullptr;
  }
  xmlParserCtxtPtr context = xmlNewParserCtxt();
  if (!context) return nullptr;
  XmlDoc doc(xmlCtxtReadMemory(context, text.data(), static_cast<int>(text.size()), url, nullptr, kXmlOptions));
  if (!doc) {
    const xmlError* last = xmlCtxtGetLastError(context);
    error = last && last->message ? last->message : "malformed XML";
    while (!error.empty() && error.back() == '\n') error.pop_back();
    if (last && last->line > 0) error += " (line " + std::to_string(last->line) + ")";
  }
  xmlFreeParserCtxt(context);
  return doc;
}

// libxml2 compiles an XSD's content models into automata whose size grows with minOccurs and
// maxOccurs: a hostile `maxOccurs="100000000"` would take the reading's memory and time.
constexpr uint64_t kMaxOccurs = 10'000;

// The largest number an `minOccurs`/`maxOccurs` attribute of `xsd` gives (`unbounded` needs none).
uint64_t LargestOccurs(const std::string& xsd) {
  uint64_t largest = 0;
  for (size_t at = xsd.find("Occurs"); at != std::string::npos; at = xsd.find("Occurs", at + 1)) {
    size_t digit = xsd.find_first_not_of(" \t\r\n=\"'", at + 6);
    uint64_t value = 0;
    while (digit < xsd.size() && xsd[digit] >= '0' && xsd[digit] <= '9' && value <= kMaxOccurs)
      value = value * 10 + static_cast<uint64_t>(xsd[digit++] - '0');
    largest = std::max(largest, value);
  }
  return largest;
}

}  // namespace

struct ExternalSchemas::JsonSchema {
  json::value document;
  std::unique_ptr<valijson::Schema> schema;  // a failed reading leaves a Schema half built: one per draft tried
  std::optional<PatternPropertiesGuard> guard;
};

struct ExternalSchemas::XmlSchema {
  XmlDoc document;
  xmlSchemaPtr schema = nullptr;
  ~XmlSchema() {
    if (schema) xmlSchemaFree(schema);
  }
};

struct ExternalSchemas::Compiled {
  std::unique_ptr<JsonSchema> json;  // when usable
  std::unique_ptr<XmlSchema> xml;    // when usable
};

ExternalSchemas::ExternalSchemas(RamlLoader& loader) : loader_(loader) {}
ExternalSchemas::~ExternalSchemas() = default;

void ExternalSchemas::Check(const RamlNode& schema) { CompiledFor(schema); }

ExternalSchemas::Compiled& ExternalSchemas::CompiledFor(const RamlNode& schema) {
  auto& compiled = compiled_[{schema.file, schema.line, schema.column}];
  if (compiled) return *compiled;
  compiled = std::make_unique<Compiled>();
  if (StartsWith(schema.scalar, '<')) CompileXml(schema, *compiled);
  else CompileJson(schema, *compiled);
  return *compiled;
}

void ExternalSchemas::CompileJson(const RamlNode& schema, Compiled& compiled) {
  boost::system::error_code error;
  json::value parsed = json::parse(schema.scalar, error);
  if (error) return;  // the type system reports it
  bool json_schema_2020 = false;
  const auto drafts = DraftsOf(parsed, json_schema_2020);
  const std::string file = schema.included_file.empty() ? loader_.files()[schema.file] : schema.included_file;
  std::optional<json::value> gathered = SchemaGatherer(loader_, schema).Gather(std::move(parsed), file);
  if (!gathered) return;
  auto unchecked = [&](const std::string& why) { loader_.Warn(schema, "examples of this JSON schema are not checked: " + why); };
  if (const std::string why = SchemaGraph(*gathered).Unusable(""); !why.empty()) return unchecked(why);
  auto usable = std::make_unique<JsonSchema>();
  usable->document = std::move(*gathered);
  if (drafts.back() == valijson::SchemaParser::kDraft3) DropRequiredOutsideProperties(usable->document, false);
  PrepareForValijson(usable->document, json_schema_2020);
  usable->guard.emplace(usable->document);
  // Only draft 4's meta-schema, embedded, is ever fetched (schemas that describe schemas use it).
  auto fetch = [](const std::string& uri) -> const json::value* {
    if (uri != "http://json-schema.org/draft-04/schema") return nullptr;
    return new json::value(json::parse(JsonSchemaDraft04Text()));
  };
  auto free = [](const json::value* document) { delete document; };
  for (size_t i = 0; i < drafts.size(); ++i) {
    try {
      auto schema_of_draft = std::make_unique<valijson::Schema>();
      PreparedSchemaParser(drafts[i]).populateSchema(valijson::adapters::BoostJsonAdapter(usable->document),
                                                     *schema_of_draft, fetch, free);
      usable->schema = std::move(schema_of_draft);
      compiled.json = std::move(usable);
      return;
    } catch (const std::exception& e) {
      if (i + 1 == drafts.size()) return unchecked(e.what());
    }
  }
}

void ExternalSchemas::CompileXml(const RamlNode& schema, Compiled& compiled) {
  if (LargestOccurs(schema.scalar) > kMaxOccurs)
    return loader_.Warn(schema, "examples of this XSD are not checked: it counts occurrences past " +
                                    std::to_string(kMaxOccurs));
  InitialiseLibxml2();
  std::string error;
  auto usable = std::make_unique<XmlSchema>();
  usable->document = ParseXml(schema.scalar, "schema.xsd", error);
  if (!usable->document) return loader_.Report(schema, "the XSD is not well-formed XML: " + error);
  xmlSchemaParserCtxtPtr parser = xmlSchemaNewDocParserCtxt(usable->document.get());
  if (!parser) return;
  xmlSchemaSetParserStructuredErrors(parser, KeepFirstError, &error);
  usable->schema = xmlSchemaParse(parser);
  xmlSchemaFreeParserCtxt(parser);
  if (!usable->schema) return loader_.Warn(schema, "examples of this XSD are not checked: " + error);
  compiled.xml = std::move(usable);
}

std::string ExternalSchemas::Mismatch(const RamlNode& schema, const RamlNode& value) {
  const Compiled& compiled = CompiledFor(schema);
  if (compiled.json) return JsonMismatch(*compiled.json, value);
  if (compiled.xml) return XmlMismatch(*compiled.xml, value);
  return "";
}

std::string ExternalSchemas::JsonMismatch(const JsonSchema& schema, const RamlNode& value) {
  const bool text = value.is_scalar() && TypeOfScalar(value) == ScalarType::kString;
  if (text && StartsWith(value.scalar, '<')) return "";  // an XML example: not this schema's to check
  // A string that holds JSON is the JSON it holds; any other value is itself.
  const bool json_text = text && (StartsWith(value.scalar, '{') || StartsWith(value.scalar, '['));
  const ParsedYaml parsed = ParseJson(json_text ? value.scalar : ToJsonText(value));
  if (parsed.error)
    return "it is not valid JSON (" + parsed.error->message + " at line " + std::to_string(parsed.error->line) + ")";
  const json::value instance = YamlToJson(parsed.root);
  if (std::string why = schema.guard->Unsafe(instance); !why.empty()) return why;
  const valijson::adapters::BoostJsonAdapter adapter(instance);
  valijson::Validator validator;
  if (validator.validate(*schema.schema, adapter, nullptr)) return "";
  valijson::ValidationResults results;
  validator.validate(*schema.schema, adapter, &results);
  const auto complaints = ExplainComplaints(results, parsed.root, "its JSON schema", "the value");
  return complaints.empty() ? "it does not match its JSON schema" : complaints.front().message;
}

std::string ExternalSchemas::XmlMismatch(const XmlSchema& schema, const RamlNode& value) {
  if (!value.is_scalar() || !StartsWith(value.scalar, '<')) return "";  // not XML: not this schema's to check
  InitialiseLibxml2();
  std::string error;
  const XmlDoc example = ParseXml(value.scalar, "example.xml", error);
  if (!example) return "it is not well-formed XML: " + error;
  xmlSchemaValidCtxtPtr validation = xmlSchemaNewValidCtxt(schema.schema);
  if (!validation) return "";
  xmlSchemaSetValidStructuredErrors(validation, KeepFirstError, &error);
  const int verdict = xmlSchemaValidateDoc(validation, example.get());
  xmlSchemaFreeValidCtxt(validation);
  if (verdict <= 0) return "";  // valid, or libxml2 could not tell
  return error.empty() ? "it does not match its XSD" : error;
}

}  // namespace agora::specs::raml
