// The platform endpoints Exchange clients call around Exchange itself, as anypoint-cli-v4 uses
// them: password and client-credential logins, the caller's profile with its organisations
// (users/me), each organisation's environments, and the CLI's analytics, accepted and dropped.
// HTTP <-> auth::Accounts and the metadata store.
//
// Thread safety: as RegisterExchangeRoutes.
#pragma once

#include "exchange/exchange_api.h"

namespace agora::exchange {

void RegisterAccountsRoutes(server::Router& router, ExchangeServices& services);

}  // namespace agora::exchange
