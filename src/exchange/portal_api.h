// The documentation endpoints of an asset version: its published portal (pages, resources), the
// draft editors change (pages with the x-move-source rename, resources) and publishing it
// (including v1's PATCH of the version), and the mutable-data update (tags, categories, fields
// and a docs.zip in one multipart PATCH) with its status link. HTTP <-> DocumentationPortal.
//
// Thread safety: as RegisterExchangeRoutes.
#pragma once

#include "exchange/exchange_api.h"

namespace agora::exchange {

void RegisterPortalRoutes(server::Router& router, ExchangeServices& services);

}  // namespace agora::exchange
