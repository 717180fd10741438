// PublicationRequest is one "create this asset version" request, as the Exchange API received it but
// free of HTTP: the target coordinates, the text fields of the form, the properties.* and the
// uploaded files, already streamed into the blob store. It is what the synchronous path hands to
// the Publisher and what the asynchronous path stores (as JSON) in a durable job, so a job can be
// run again after a restart.
//
// Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "assets/asset.h"
#include "common/status.h"
#include "storage/blob_store.h"

namespace agora::publication {

struct UploadedFile {
  std::string classifier;   // empty for the POM
  std::string packaging;    // zip, jar, raml, pom, ...
  std::string file_name;    // the multipart filename, if the client sent one
  storage::BlobInfo blob;
};

// A key with comma-separated values, as sent in categories.<key> / fields.<key>.
struct KeyValues {
  std::string key;
  std::string value;
};

struct PublicationRequest {
  std::string organization_id;
  assets::Coordinates coordinates;
  std::string created_by;

  // Form fields; nullopt when the form did not carry them.
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> type;
  std::optional<std::string> keywords;
  std::optional<std::string> tags;
  std::optional<std::string> dependencies;  // "G:A:V,G:A:V" from dependencies and properties.dependencies
  std::optional<std::string> contact_name;
  std::optional<std::string> contact_email;
  std::optional<std::string> status;
  std::vector<assets::Attribute> properties;  // properties.<key>, in form order
  std::vector<KeyValues> categories;          // categories.<key> (or the JSON form)
  std::vector<KeyValues> fields;              // fields.<key> (or the JSON form)

  std::vector<UploadedFile> files;  // the POM too, when uploaded (packaging "pom")
  bool validate_files = true;       // x-file-validation
  // x-allowed-api-spec-formats: the media types the spec may have ("application/raml",
  // "application/vnd.oai.openapi;version=3.0"); empty allows every format.
  std::vector<std::string> allowed_spec_formats;
  // Published through the Maven facade: the uploaded POM is the project's own, which the facade
  // has read (interpolating its properties) into the fields above, so the pipeline stores it
  // without reading it again; and a file may have no classifier (a Maven project's main artifact).
  bool from_maven = false;

  // Whether x-allowed-api-spec-formats lets a spec of `format` (raml, oas, wsdl; RAML fragments
  // are raml) in `version` be published: an allowed media type names its format, and its version
  // parameter, if any, is the spec's version or the part before one of its dots (version=3.0
  // allows 3.0.3). Content of no known format is allowed only when every format is.
  bool AllowsSpecFormat(const std::string& format, const std::string& version) const;
  // The media type x-allowed-api-spec-formats names a spec of `format` in `version` by.
  static std::string SpecMediaType(const std::string& format, const std::string& version);

  // True when any asset property came from the form (for the POM-and-form conflict rule).
  std::vector<std::string> FormPropertyNames() const;
  const UploadedFile* Pom() const;
  std::vector<std::string> BlobRefs() const;

  std::string ToJson() const;
  static Result<PublicationRequest> FromJson(const std::string& json);
};

// A form's list value without the spaces and double quotes around its items, each item once:
// "a, b,,c" -> {"a", "b", "c"}.
std::vector<std::string> SplitList(const std::string& text);
std::string Trim(std::string_view text);
// The entries of an x-allowed-api-spec-formats header, separated by commas (a JSON-style list
// reads the same); 400 INVALID_HEADER for an entry that names no spec format.
Result<std::vector<std::string>> ParseAllowedSpecFormats(std::string header);

}  // namespace agora::publication
