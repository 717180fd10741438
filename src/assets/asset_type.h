// The asset types Exchange knows and what each requires at publication (an apiVersion, a file,
// or an external link instead of the file), which types are API specifications that get an
// exchange.json and a fat package, and the inference of a type from an uploaded file's
// classifier when the publisher does not name one.
//
// Thread safety: read-only tables; functions are pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace agora::assets {

struct AssetTypeInfo {
  const char* name;
  bool requires_api_version;  // properties.apiVersion must be set (400 MISSING_REQUIRED_PROPERTIES)
  bool requires_file;         // a content file must be uploaded (400 MISSING_FILES_ERROR) ...
  bool allows_asset_link;     // ... unless properties.assetLink stands in for it
  bool is_spec_type;          // a RAML/OAS spec: its archive gets exchange.json and a fat-<classifier> copy
};

// The canonical name of a known type ("connector" is stored as "extension"); nullopt if unknown.
// Case-sensitive, like Exchange's type values.
std::optional<std::string> NormalizeTypeName(const std::string& type);
// The table entry of a canonical type name; an unknown name gets an entry requiring nothing.
const AssetTypeInfo& AssetTypeInfoFor(const std::string& canonical_type);
// raml, oas -> rest-api; wsdl -> soap-api; mule-plugin -> extension; ... nullopt when the
// classifier implies no type (docs, asyncapi, ...).
std::optional<std::string> InferTypeFromClassifier(const std::string& classifier);
// Whether `token` is 1 to 100 ASCII letters, digits, '.', '_' or '-', starting with a letter or
// digit, without "..": safe as a form field's name and as a URL path segment.
bool IsSafeToken(const std::string& token);
// The classifiers whose files make an asset of `canonical_type` ("raml", "oas" for rest-api), for
// messages; empty when none implies it.
std::vector<std::string> ClassifiersOf(const std::string& canonical_type);
// The classifier of the fat package derived from a spec file: raml -> fat-raml, oas -> fat-oas,
// raml-fragment -> fat-raml-fragment; nullopt for every other classifier.
std::optional<std::string> FatClassifier(const std::string& classifier);
// files.<classifier>.<packaging>: each token 1 to 100 of [A-Za-z0-9._-], starting with a letter
// or digit, without ".."; else 400 INVALID_FILE_IDENTIFIER_ERROR.
Status ValidateFileIdentifier(const std::string& classifier, const std::string& packaging);

}  // namespace agora::assets
