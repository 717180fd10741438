// The portal's URLs, in the shapes of Exchange's own (/exchange/{groupId}/{assetId}/ for an
// asset's latest version, .../minor/{major.minor}/, .../{version}/, .../{version}/pages/{page}),
// and the words pages show for asset types and lifecycle states.
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include "assets/asset.h"

namespace agora::portal {

std::string AssetUrl(const std::string& group_id, const std::string& asset_id);
std::string MinorUrl(const std::string& group_id, const std::string& asset_id, const std::string& minor);
std::string VersionUrl(const assets::Coordinates& coordinates);
std::string PageUrl(const assets::Coordinates& coordinates, const std::string& page);
std::string ReferenceUrl(const assets::Coordinates& coordinates);
std::string DependenciesUrl(const assets::Coordinates& coordinates);
// Where a version's lifecycle form posts, and its delete page (GET: confirm; POST: delete).
std::string StatusUrl(const assets::Coordinates& coordinates);
std::string DeleteUrl(const assets::Coordinates& coordinates);
// The administration page of an organisation (its categories and custom fields).
std::string OrganizationUrl(const std::string& organization_id);
// Its API tokens page.
std::string TokensUrl(const std::string& organization_id);
// The publish form, for a new version of the asset.
std::string PublishUrl(const assets::Coordinates& coordinates);
// The edit form of the asset's details and the version's tags (GET: the form; POST: save).
std::string EditUrl(const assets::Coordinates& coordinates);
// The compare page of a version against `base` (empty: the default base, the previous version).
std::string CompareUrl(const assets::Coordinates& coordinates, const std::string& base);
// The portal's download of one of the version's files.
std::string DownloadUrl(const assets::Coordinates& coordinates, const assets::AssetFile& file);

// "REST API" for rest-api, ...; the type itself when unknown.
std::string TypeLabel(const std::string& type);
// Exchange calls a published version "Stable".
std::string StatusLabel(const std::string& status);
std::string StatusLabel(assets::Lifecycle status);

}  // namespace agora::portal
