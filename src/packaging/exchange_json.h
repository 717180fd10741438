// exchange.json, the descriptor Exchange writes into the root of every RAML, OAS and RAML
// fragment archive it publishes, so that tools reading the archive (API designers, Maven
// plugins, exchange_modules resolvers) know the asset's coordinates, main file and dependencies.
// Exchange's own files are pretty-printed with a fixed key order; unknown keys of an uploaded
// descriptor (metadata, backwardsCompatible, descriptorVersion, ...) are kept.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "assets/asset.h"

namespace agora::packaging {

struct ExchangeDescriptor {
  std::string main;
  std::string name;
  std::string classifier;
  std::vector<std::string> tags;
  std::string group_id;
  std::string asset_id;
  std::string version;
  std::string api_version;
  std::vector<assets::Coordinates> dependencies;
  std::string organization_id;
  std::string original_format;
  std::string original_format_version;
  // The exchange.json found in the upload, if any. Its keys that the fields above do not define
  // are appended, in their order; text that is not a JSON object contributes nothing (it is
  // replaced, as Exchange replaces an uploaded exchange.json).
  std::string uploaded_json;
};

// The JSON text, keys in Exchange's order (main, name, classifier, tags, groupId, assetId,
// version, apiVersion, dependencies, organizationId, originalFormat, originalFormatVersion),
// then the uploaded unknown keys; indented by two spaces, ending with a newline.
std::string ToExchangeJson(const ExchangeDescriptor& descriptor);

}  // namespace agora::packaging
