// What the portal's handlers share, for the route files only (reading_routes.cpp,
// manage_routes.cpp, publish_routes.cpp, organization_routes.cpp, token_routes.cpp, documentation_routes.cpp; the
// table of routes is in routes.cpp): the services, the sessions and the catalogue (PortalCore), the
// steps every handler starts with (a session, else the sign-in page; the asset version the path
// names; a form checked for the session's CSRF token), and the error page for a failed Result.
//
// Each route file owns one domain's handlers and adds them with its Register... function; a new
// domain (e.g. the organisation's tokens) is a new file with its own Register... function, called
// from RegisterPortalRoutes.
//
// Thread safety: one PortalCore is built while the router is built; its methods then run
// concurrently on the server's threads (Sessions and Catalogue are thread-safe).
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "exchange/exchange_api.h"
#include "exchange/handler_support.h"
#include "portal/asset_page.h"
#include "portal/catalogue.h"
#include "portal/form.h"
#include "portal/links.h"
#include "portal/manage_page.h"
#include "portal/markdown.h"
#include "portal/page.h"
#include "portal/portal.h"
#include "portal/session.h"
#include "server/http.h"

// Like AGORA_ASSIGN_OR_RETURN, answering an error page for the session.
#define AGORA_ASSIGN_OR_RETURN_PAGE(lhs, expr, session) \
  AGORA_ASSIGN_OR_RETURN_PAGE_IMPL(AGORA_CONCAT(agora_page_, __LINE__), lhs, expr, session)
#define AGORA_ASSIGN_OR_RETURN_PAGE_IMPL(tmp, lhs, expr, session) \
  auto tmp = (expr);                                              \
  if (!tmp.ok()) return ErrorPage(tmp.status(), &(session));      \
  lhs = std::move(tmp).value()

namespace agora::portal {

// The largest urlencoded form a page posts.
inline constexpr size_t kMaxFormBytes = 64 * 1024;

class PortalCore {
 public:
  PortalCore(exchange::ExchangeServices& services, PortalOptions options)
      : s(services),
        sessions(services.authenticator, services.accounts, std::move(options.session_key),
                 services.public_url.rfind("https://", 0) == 0),
        catalogue(services) {}

  exchange::ExchangeServices& s;
  Sessions sessions;
  Catalogue catalogue;

  // Runs `page` for a signed-in visitor; others go to the sign-in page and come back after.
  template <typename Page>
  server::Response WithSession(server::Request& request, Page page) {
    auto session = sessions.FromRequest(request);
    if (!session.ok()) return SignInFirst(request, session.status());
    return page(*session);
  }

  // Runs `page` with the asset version the path names ({groupId}, {assetId}; `version` as
  // Catalogue::Asset takes it), if the session may read it.
  template <typename Page>
  server::Response WithAsset(server::Request& request, const std::string& version, Page page) {
    return WithSession(request, [&](const Session& session) -> server::Response {
      AGORA_ASSIGN_OR_RETURN_PAGE(auto directory, catalogue.DirectoryFor(session.principal), session);
      AGORA_ASSIGN_OR_RETURN_PAGE(
          AssetView view, catalogue.Asset(session.principal, request.Param("groupId"), request.Param("assetId"), version),
          session);
      AssetContext context{&view, view.shown, directory.get(), {}, !view.shown->original_format.empty()};
      AGORA_ASSIGN_OR_RETURN_PAGE(auto portal, s.metadata.GetPortal(view.shown->coordinates, false), session);
      if (portal) context.pages = portal->pages;
      return page(session, context);
    });
  }

  // The same, with the version's parsed API model (404 without a specification).
  template <typename Page>
  server::Response WithModel(server::Request& request, Page page) {
    return WithAsset(request, request.Param("version"), [&](const Session& session, AssetContext& context) -> server::Response {
      AGORA_ASSIGN_OR_RETURN_PAGE(auto model, catalogue.Model(*context.version), session);
      if (!model) return ErrorPage(Status::NotFound("This asset has no API specification"), &session);
      return page(session, context, *model);
    });
  }

  // A state-changing form's fields, when it came from the portal's own page with the session's
  // CSRF token; otherwise 403 and nothing changes.
  Result<Form> CheckedForm(server::Request& request, const Session& session);

  // Runs `action` for a signed-in visitor's checked form (CheckedForm); without a session, the
  // visitor signs in and comes back to `page` (by default the version's page), not to the
  // form's address.
  template <typename Action>
  server::Response WithForm(server::Request& request, Action action) {
    return WithForm(request, VersionUrl(exchange::CoordinatesOf(request)), action);
  }
  template <typename Action>
  server::Response WithForm(server::Request& request, const std::string& page, Action action) {
    auto session = sessions.FromRequest(request);
    if (!session.ok()) {
      if (session.status().kind() != Status::Kind::kUnauthorized) return ErrorPage(session.status(), nullptr);
      return Redirect("/exchange/-/login?next=" + UrlEncode(page));
    }
    auto fields = CheckedForm(request, *session);
    if (!fields.ok()) return ErrorPage(fields.status(), &*session);
    return action(*session, *fields);
  }

  // How the version's published documentation is rendered: images point to its resources.
  MarkdownOptions MarkdownFor(const AssetContext& context);

 private:
  // The sign-in page, coming back to this request's page after; an error page when `why` is not
  // a missing or expired session.
  server::Response SignInFirst(server::Request& request, const Status& why);
};

// Served files are data, never a document of this origin: an SVG opened on its own runs nothing.
void Harden(server::Response& response);

// The version's overview (reading_routes.cpp); after a refused action, with the refusal (and its
// status code).
server::Response OverviewPage(PortalCore& core, server::Request& request, const std::string& version,
                              const ActionOutcome& outcome = {});

// A handler of a route file's class, as a route: the answer says how long the server took
// (Server-Timing: `app` the time, `cpu` its thread's processor time, which a busy machine does not
// inflate), read by browsers' tools and bench/portal.sh.
server::Handler Timed(std::function<server::Response(server::Request&)> handler);
template <typename Handlers>
auto RouteBinder(std::shared_ptr<Handlers> handlers) {
  return [handlers](server::Response (Handlers::*handler)(server::Request&)) -> server::Handler {
    return Timed([handlers, handler](server::Request& request) { return ((*handlers).*handler)(request); });
  };
}

// Each domain's routes.
void RegisterReadingRoutes(server::Router& router, std::shared_ptr<PortalCore> core);
void RegisterManageRoutes(server::Router& router, std::shared_ptr<PortalCore> core);
void RegisterPublishRoutes(server::Router& router, std::shared_ptr<PortalCore> core);
void RegisterOrganizationRoutes(server::Router& router, std::shared_ptr<PortalCore> core);
void RegisterTokenRoutes(server::Router& router, std::shared_ptr<PortalCore> core);

}  // namespace agora::portal
