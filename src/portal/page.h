// The frame every portal page shares (document head, the header with the search box and the
// signed-in user, the footer) and the HTTP answers pages are sent as: HTML with the portal's
// security headers (a Content-Security-Policy that allows no inline script and no other host,
// frame-ancestors 'none', nosniff), redirects and error pages.
//
// Thread safety: reentrant.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "portal/html.h"
#include "portal/session.h"
#include "server/http.h"

namespace agora::portal {

struct PageOptions {
  std::string title = {};            // without the " · agora" suffix
  const Session* session = nullptr;  // null: signed out (no search box, no user menu)
  std::string query = {};            // the header search box's text
  // Extra fields of the header search form (the search page's filters and sort).
  std::vector<std::pair<std::string, std::string>> search_fields = {};
  std::string description = {};      // <meta name="description">
  int refresh_seconds = 0;           // > 0: the page reloads itself (a job's progress, without script)
};

// Writes the document up to the opening of <main>; EndPage closes it.
void BeginPage(Html& html, const PageOptions& options);
void EndPage(Html& html);

// Breadcrumbs: (label, href) pairs, the last being the current page (its href unused).
void Breadcrumbs(Html& html, const std::vector<std::pair<std::string, std::string>>& trail);

// Adds the headers every portal response carries.
void AddSecurityHeaders(server::Response& response);
server::Response HtmlResponse(int status, std::string body);
// 303 See Other to a path of this server.
server::Response Redirect(const std::string& location);
// An error page for a failed Status (404, 403, 500, ...), signed in or not.
server::Response ErrorPage(const Status& status, const Session* session);

// "12 Mar 2026" for a time in milliseconds since the epoch (UTC).
std::string FormatDate(int64_t millis);
// "1.4 MB", "512 B".
std::string FormatBytes(uint64_t bytes);

}  // namespace agora::portal
