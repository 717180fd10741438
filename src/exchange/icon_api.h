// An asset's icon, which every version of the asset shares (Exchange's icons are version-agnostic):
//
//   PUT    /exchange/api/v2/assets/{groupId}/{assetId}/icon            the image as the body: 201
//   DELETE /exchange/api/v2/assets/{groupId}/{assetId}/icon            204
//   PUT    /exchange/api/v2/assets/{groupId}/{assetId}/{version}/icon  the same, naming a version: 204
//
// The body is the image itself, with Content-Type image/png, image/jpeg, image/gif or
// image/svg+xml, at most 2 MiB (400 INVALID_ICON otherwise, 413 beyond the size). The icon is the
// file with classifier "icon" of every version, downloaded as the other files are. Contributors
// and administrators of the asset's organisation set it (403 for viewers); 404 for an asset that
// does not exist or that the caller may not read.
//
// Thread safety: as RegisterExchangeRoutes.
#pragma once

#include "exchange/exchange_api.h"

namespace agora::exchange {

void RegisterIconRoutes(server::Router& router, ExchangeServices& services);

}  // namespace agora::exchange
