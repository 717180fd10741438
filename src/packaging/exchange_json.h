// exchange.json, the descriptor Exchange writes into the root of every RAML, OAS and RAML
// fragment archive it publishes, so that tools reading the archive (API designers, Maven
// plugins, exchange_modules resolvers) know the asset's coordinates, main file and dependencies.
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
};

// The JSON text, keys in Exchange's order (main, name, classifier, tags, groupId, assetId,
// version, apiVersion, dependencies, organizationId, originalFormat, originalFormatVersion).
std::string ToExchangeJson(const ExchangeDescriptor& descriptor);

}  // namespace agora::packaging
