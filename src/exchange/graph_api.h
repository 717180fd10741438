// The Graph API (/graph/api/v1|v2/graphql) as Exchange clients query it: `assets` (search, by
// organisations and types, paged, latest versions only or all) and `asset(groupId, assetId,
// version)`, each object carrying its __typename. The caller authenticates with the usual header
// or, as anypoint-cli does, with variables.accessToken. HTTP <-> the GraphQL engine (src/graphql)
// and the search of the metadata store.
//
// Thread safety: as RegisterExchangeRoutes.
#pragma once

#include "exchange/exchange_api.h"

namespace agora::exchange {

void RegisterGraphRoutes(server::Router& router, ExchangeServices& services);

}  // namespace agora::exchange
