// The web portal: agora's catalogue for people to read, and for its owners to look after, served by
// the same binary as the Exchange API, under Exchange's own URL shapes (/exchange/ for home and
// search, /exchange/{groupId}/{assetId}/ for an asset, .../{version}/pages/{page} for its
// documentation, .../{version}/api/ for its API reference, .../{version}/dependencies for its
// graph). Pages are HTML rendered on the server (no JavaScript needed; portal.js only adds search
// as you type and keyboard use), with the static files embedded in the binary under content-hashed
// names.
//
// People sign in with a user's name and password (sessions: session.h) and then see exactly what
// that user's token may see: every page authorises through the Exchange API's own checks. The
// Exchange API's routes keep precedence: the portal's paths never shadow one of them.
//
// Module layout: routes.cpp (the table of routes, signing in and out) and one file of handlers per
// domain (reading_routes.cpp, manage_routes.cpp, publish_routes.cpp, organization_routes.cpp)
// sharing handler_support.h (the session, asset and CSRF checks), over catalogue.h (what pages
// read, with caches), page.h (the frame and security headers), search_page.h, asset_page.h,
// reference_page.h, dependency_graph.h, manage_page.h (the lifecycle and delete forms, whose
// handlers act through the Exchange API's own functions), markdown.h and html.h (escaping by
// construction).
//
// Thread safety: RegisterPortalRoutes is called once while the router is built; the handlers
// then run concurrently on the server's threads. `services` must outlive the router.
#pragma once

#include <string>

#include "exchange/exchange_api.h"
#include "server/http.h"

namespace agora::portal {

struct PortalOptions {
  // The server-wide secret that CSRF tokens are derived from (kept in the metadata store, so
  // every server over one database agrees).
  std::string session_key;
};

void RegisterPortalRoutes(server::Router& router, exchange::ExchangeServices& services, PortalOptions options);

}  // namespace agora::portal
