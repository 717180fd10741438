// The compatibility endpoints: the report between two published versions of an asset
// (GET .../assets/{g}/{a}/{v}/compatibility?base=...&format=...), and the compatibility rule of an
// organisation or an asset that publication enforces (docs/compatibility.md). HTTP <-> compat
// and the metadata store.
//
// Thread safety: as RegisterExchangeRoutes.
#pragma once

#include "exchange/exchange_api.h"

namespace agora::exchange {

void RegisterCompatibilityRoutes(server::Router& router, ExchangeServices& services);

}  // namespace agora::exchange
