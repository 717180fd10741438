// The asset types Exchange knows, what each requires at publication (an apiVersion, a file, or
// an external link instead), and the inference of a type from an uploaded file's classifier.
//
// Thread safety: read-only tables; functions are pure.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"

namespace agora::assets {

struct AssetTypeInfo {
  const char* name;
  bool requires_api_version;
  bool requires_file;
  bool allows_asset_link;  // properties.assetLink may stand in for the file
};

// The canonical name of a known type ("connector" is stored as "extension"); nullopt if unknown.
std::optional<std::string> NormalizeTypeName(const std::string& type);
// The table entry of a canonical type name (an unknown name gets a permissive entry).
const AssetTypeInfo& AssetTypeInfoFor(const std::string& canonical_type);
// raml, oas -> rest-api; wsdl -> soap-api; mule-plugin -> extension; ... nullopt if none.
std::optional<std::string> InferTypeFromClassifier(const std::string& classifier);
// files.<classifier>.<packaging> tokens: 400 INVALID_FILE_IDENTIFIER_ERROR unless both are safe tokens.
Status ValidateFileIdentifier(const std::string& classifier, const std::string& packaging);

}  // namespace agora::assets
