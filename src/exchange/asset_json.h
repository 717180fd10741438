// Renders domain values as the Exchange API's JSON: an asset version with its files (whose
// downloadURL is built from the server's public base URL), and the short form the 201 response
// and the publication status carry.
//
// Thread safety: pure functions.
#pragma once

#include <functional>
#include <map>
#include <string>

#include <boost/json/object.hpp>

#include "assets/asset.h"
#include "exchange/file_links.h"

namespace agora::exchange {

// "https://host/exchange/files/api/v1/organizations/{org}/assets/{g}/{a}/{v}/{classifier}/{packaging}"
std::string DownloadUrl(const std::string& base_url, const assets::AssetVersion& version, const assets::AssetFile& file);

// The display names the organisation gave its categories and custom fields, by tag key.
struct TagDisplayNames {
  std::map<std::string, std::string, std::less<>> categories;
  std::map<std::string, std::string, std::less<>> fields;
};

// The version as Exchange shows it; each file's externalLink is signed by `links`. A category or
// custom field shows its definition's display name from `names`, or its key without one.
boost::json::object AssetVersionJson(const assets::AssetVersion& version, const std::string& base_url,
                                     const FileLinks& links, const TagDisplayNames& names = {});
// {organizationId, groupId, assetId, version, name, type}
boost::json::object AssetSummaryJson(const assets::AssetVersion& version);
// An item of a listing or search: the summary plus minorVersion, description, versionGroup,
// status, isPublic, createdById and createdAt.
boost::json::object SearchItemJson(const assets::AssetVersion& version);

}  // namespace agora::exchange
