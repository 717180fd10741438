#include "portal/page.h"

#include <ctime>

#include "portal/static_files.h"

namespace agora::portal {

// No inline script or style, nothing from another host; forms post only here; no framing.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

void AddSecurityHeaders(server::Response& response) {
  response.SetHeader("Content-Security-Policy", kContentSecurityPolicy);
  response.SetHeader("X-Content-Type-Options", "nosniff");
  response.SetHeader("X-Frame-Options", "DENY");
  response.SetHeader("Referrer-Policy", "same-origin");
  response.SetHeader("Cross-Origin-Opener-Policy", "same-origin");
}

server::Response HtmlResponse(int status, std::string body) {
  server::Response response = server::Response::Text(status, std::move(body), "text/html; charset=utf-8");
  // Pages show what one session may see: never stored by shared caches, always revalidated.
  response.SetHeader("Cache-Control", "private, no-cache");
  response.SetHeader("Vary", "Cookie");
  AddSecurityHeaders(response);
  return response;
}

server::Response Redirect(const std::string& location) {
  server::Response response;
  response.status = 303;
  response.SetHeader("Location", location);
  response.SetHeader("Cache-Control", "no-store");
  AddSecurityHeaders(response);
  return response;
}

void BeginPage(Html& html, const PageOptions& options) {
  html.Reserve(16 * 1024);
  html.Literal("<!DOCTYPE html>");
  html.Open("html", {{"lang", "en"}});
  html.Open("head");
  html.Void("meta", {{"charset", "utf-8"}});
  html.Void("meta", {{"name", "viewport"}, {"content", "width=device-width, initial-scale=1"}});
  html.Void("meta", {{"name", "color-scheme"}, {"content", "light dark"}});
  if (!options.description.empty()) html.Void("meta", {{"name", "description"}, {"content", options.description}});
  if (options.refresh_seconds > 0)
    html.Void("meta", {{"http-equiv", "refresh"}, {"content", std::to_string(options.refresh_seconds)}});
  html.Element("title", options.title.empty() ? "agora" : options.title + " · agora");
  const std::string css = StaticUrl("portal.css"), icon = StaticUrl("icon.svg"), js = StaticUrl("portal.js");
  html.Void("link", {{"rel", "stylesheet"}, {"href", css}});
  html.Void("link", {{"rel", "icon"}, {"href", icon}, {"type", "image/svg+xml"}});
  if (options.session) html.Open("script", {{"src", js}, {"defer", "defer"}}).Close("script");
  html.Close("head");
  html.Open("body");
  html.Element("a", {{"class", "skip-link"}, {"href", "#main"}}, "Skip to content");
  {
    auto header = html.Tag("header", {{"class", "site-header"}});
    {
      auto brand = html.Tag("a", {{"class", "brand"}, {"href", "/exchange/"}});
      html.Void("img", {{"src", icon}, {"alt", ""}, {"width", "24"}, {"height", "24"}});
      html.Text("agora");
    }
    if (options.session) {
      {
        auto form = html.Tag("form", {{"class", "header-search"}, {"id", "search-form"}, {"role", "search"},
                                      {"action", "/exchange/"}, {"method", "get"}});
        auto row = html.Tag("div", {{"class", "search-row"}});
        html.Element("label", {{"for", "q"}, {"class", "visually-hidden"}}, "Search assets");
        html.Void("input", {{"type", "search"}, {"id", "q"}, {"name", "q"}, {"value", options.query},
                            {"placeholder", "Search assets (press / to focus)"}, {"autocomplete", "off"}});
        for (const auto& [name, value] : options.search_fields)
          html.Void("input", {{"type", "hidden"}, {"name", name}, {"value", value}});
        html.Element("button", {{"type", "submit"}}, "Search");
      }
      auto user = html.Tag("div", {{"class", "user"}});
      {
        auto name = html.Tag("span");
        html.Element("span", {{"class", "visually-hidden"}}, "Signed in as ").Text(options.session->principal.subject);
      }
      const auth::Principal& principal = options.session->principal;
      if (auth::Authorize(principal, principal.organization_id, auth::Action::kPublish).ok())
        html.Element("a", {{"href", "/exchange/-/publish"}}, "Publish");
      if (auth::Authorize(principal, principal.organization_id, auth::Action::kAdminister).ok())
        html.Element("a", {{"href", "/exchange/-/organization"}}, "Organization");
      auto form = html.Tag("form", {{"action", "/exchange/-/logout"}, {"method", "post"}});
      CsrfInput(html, options.session->csrf_token);
      html.Element("button", {{"type", "submit"}, {"class", "secondary"}}, "Sign out");
    }
  }
  html.Open("main", {{"id", "main"}});
}

void EndPage(Html& html) {
  html.Close("main");
  html.Open("footer").Text("agora, a self-hosted API exchange").Close("footer");
  html.Close("body").Close("html");
}

void Breadcrumbs(Html& html, const std::vector<std::pair<std::string, std::string>>& trail) {
  auto nav = html.Tag("nav", {{"class", "breadcrumbs"}, {"aria-label", "Breadcrumbs"}});
  auto list = html.Tag("ol");
  for (size_t i = 0; i < trail.size(); ++i) {
    auto item = html.Tag("li");
    if (i + 1 == trail.size()) html.Element("span", {{"aria-current", "page"}}, trail[i].first);
    else html.Element("a", {{"href", trail[i].second}}, trail[i].first);
  }
}

server::Response ErrorPage(const Status& status, const Session* session) {
  const int code = status.http_status();
  const char* title = code == 404   ? "Not found"
                      : code == 403 ? "Not allowed"
                      : code == 400 ? "Bad request"
                      : code < 500  ? "Request refused"
                                    : "Something went wrong";
  Html html;
  BeginPage(html, {title, session});
  html.Element("h1", title);
  // Messages of client errors say what was asked for; server errors say no more than that.
  html.Element("p", code < 500 ? status.message() : "The server could not answer this request. Try again later.");
  html.Open("p").Element("a", {{"href", "/exchange/"}}, "Back to the catalogue").Close("p");
  EndPage(html);
  return HtmlResponse(code, html.Take());
}

std::string FormatDate(int64_t millis) {
  if (millis <= 0) return "";
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%d %b %Y", &tm);
  return text[0] == '0' ? text + 1 : text;
}

std::string FormatBytes(uint64_t bytes) {
  static const char* const kUnits[] = {"B", "KB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1000 && unit < 4) value /= 1000, ++unit;
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, kUnits[unit]);
  return text;
}

}  // namespace agora::portal
