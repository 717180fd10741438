// Usage figures of an asset, in Exchange's metrics shape: downloads of its versions' files and
// the versions that depend on it, over a period (periodType DAY, WEEK, MONTH or QUARTER: the last
// 1, 7, 30 or 90 days, today included) and in all. JSON, or CSV with format=csv or Accept: text/csv.
//
//   GET /exchange/api/v2/assets/{groupId}/{assetId}/metrics           the asset's totals
//   GET /exchange/api/v2/assets/{groupId}/{assetId}/metrics/versions  per version
//
// Thread safety: as RegisterExchangeRoutes.
#pragma once

#include "exchange/exchange_api.h"

namespace agora::exchange {

void RegisterUsageRoutes(server::Router& router, ExchangeServices& services);

}  // namespace agora::exchange
