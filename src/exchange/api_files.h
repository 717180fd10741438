// The files of a version's API specification, as Exchange serves them:
//
//   GET /exchange/api/v2/assets/{groupId}/{assetId}/{version}/api/root        301 to the root (main) file
//   GET /exchange/api/v2/assets/{groupId}/{assetId}/{version}/api/{filePath*}  one file of the spec
//
// A spec published as a zip is read entry by entry; a single-file spec has one file, its main
// file. 404 NOT_FOUND for a version without a spec, an unknown file, and a version the caller may
// not read.
//
// Thread safety: as RegisterExchangeRoutes.
#pragma once

#include "exchange/exchange_api.h"

namespace agora::exchange {

void RegisterApiFileRoutes(server::Router& router, ExchangeServices& services);

}  // namespace agora::exchange
