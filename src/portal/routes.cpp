// The portal's table of routes, and what every handler shares (PortalCore, handler_support.h):
// the session's checks, the Server-Timing of every answer, the static files and signing in and out.
// Each domain's handlers are in their own file: reading_routes.cpp (home, search, asset pages,
// reference, compare, files), manage_routes.cpp (lifecycle, delete, edit), publish_routes.cpp
// (the publish form and its steps), organization_routes.cpp (categories and custom fields),
// documentation_routes.cpp (the documentation draft's editor).
#include <time.h>

#include <chrono>
#include <cstdio>

#include "portal/csrf_multipart.h"
#include "portal/handler_support.h"
#include "portal/static_files.h"

namespace agora::portal {
namespace {

using server::Request;
using server::Response;

double ThreadCpuMillis() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

// Where to go after signing in: a portal page of this server, never another site.
std::string SafeNext(const std::string& next) {
  if (next.rfind("/exchange/", 0) != 0 || next.find('\\') != std::string::npos) return "/exchange/";
  for (char c : next)
    if (static_cast<unsigned char>(c) < 0x20) return "/exchange/";
  return next;
}

// The static files, and signing in and out.
class SessionPages {
 public:
  explicit SessionPages(std::shared_ptr<PortalCore> core) : core_(std::move(core)) {}

  Response Static(Request& request) {
    const StaticFile* file = FindStaticFile(request.Param("file"));
    if (!file) return ErrorPage(Status::NotFound("No such file"), nullptr);
    Response response;
    if (const auto etag = request.Header("if-none-match"); etag && *etag == file->etag) {
      response.status = 304;
    } else {
      response.body = std::string(file->content);
      response.SetHeader("Content-Type", std::string(file->content_type));
    }
    response.SetHeader("ETag", std::string(file->etag));
    // The name changes with the content, so a copy never needs checking again.
    response.SetHeader("Cache-Control", "public, max-age=31536000, immutable");
    AddSecurityHeaders(response);
    return response;
  }

  Response SignInPage(Request& request) {
    if (core_->sessions.FromRequest(request).ok()) return Redirect(SafeNext(request.Query("next").value_or("")));
    return SignInForm(200, "", request.Query("next").value_or(""), "");
  }

  Response SignIn(Request& request) {
    if (!Sessions::SameOrigin(request))
      return ErrorPage(Status::Forbidden("Sign in from agora's own sign-in page"), nullptr);
    auto fields = Form::FromRequest(request, kMaxFormBytes);
    if (!fields.ok()) return ErrorPage(fields.status(), nullptr);
    const std::string username = (*fields)["username"], next = (*fields)["next"];
    auto cookie = core_->sessions.SignIn(request, username, (*fields)["password"]);
    if (!cookie.ok()) {
      if (cookie.status().kind() == Status::Kind::kUnauthorized || cookie.status().kind() == Status::Kind::kInvalidArgument)
        return SignInForm(200, username, next, "The username or password is not right.");
      return ErrorPage(cookie.status(), nullptr);
    }
    Response response = Redirect(SafeNext(next));
    response.SetHeader("Set-Cookie", *cookie);
    return response;
  }

  Response SignOut(Request& request) {
    auto session = core_->sessions.FromRequest(request);
    if (!session.ok()) {
      Response response = Redirect("/exchange/-/login");
      response.SetHeader("Set-Cookie", core_->sessions.ClearCookie(request));
      return response;
    }
    auto fields = core_->CheckedForm(request, *session);
    if (!fields.ok()) return ErrorPage(fields.status(), &*session);
    auto cookie = core_->sessions.SignOut(request, *session);
    if (!cookie.ok()) return ErrorPage(cookie.status(), &*session);
    Response response = Redirect("/exchange/-/login");
    response.SetHeader("Set-Cookie", *cookie);
    return response;
  }


 private:
  Response SignInForm(int status, const std::string& username, const std::string& next, const std::string& error) {
    Html html;
    BeginPage(html, {"Sign in", nullptr});
    auto box = html.Tag("div", {{"class", "signin"}});
    html.Element("h1", "Sign in to agora");
    if (!error.empty()) html.Element("p", {{"class", "alert"}, {"role", "alert"}}, error);
    auto form = html.Tag("form", {{"action", "/exchange/-/login"}, {"method", "post"}});
    html.Void("input", {{"type", "hidden"}, {"name", "next"}, {"value", SafeNext(next)}});
    html.Element("label", {{"for", "username"}}, "Username");
    html.Void("input", {{"type", "text"}, {"id", "username"}, {"name", "username"}, {"value", username},
                        {"autocomplete", "username"}, {"required", "required"}, {"autofocus", "autofocus"}});
    html.Element("label", {{"for", "password"}}, "Password");
    html.Void("input", {{"type", "password"}, {"id", "password"}, {"name", "password"},
                        {"autocomplete", "current-password"}, {"required", "required"}});
    html.Element("button", {{"type", "submit"}}, "Sign in");
    html.Close("form").Close("div");
    EndPage(html);
    // The scopes above were closed by hand: the page must end inside <main>.
    std::string body = html.Take();
    return HtmlResponse(status, std::move(body));
  }


  std::shared_ptr<PortalCore> core_;
};

}  // namespace

Result<Form> PortalCore::CheckedForm(Request& request, const Session& session, size_t max_bytes) {
  AGORA_ASSIGN_OR_RETURN(Form fields, Form::FromRequest(request, max_bytes));
  if (!Sessions::SameOrigin(request) || !sessions.CheckCsrf(session, fields["csrf"]))
    return ForeignForm();
  return fields;
}

Response PortalCore::SignInFirst(Request& request, const Status& why) {
  if (why.kind() != Status::Kind::kUnauthorized) return ErrorPage(why, nullptr);
  Response response = Redirect("/exchange/-/login?next=" + UrlEncode(request.target()));
  if (request.Header("cookie")) response.SetHeader("Set-Cookie", sessions.ClearCookie(request));
  return response;
}

MarkdownOptions PortalCore::MarkdownFor(const AssetContext& context) {
  MarkdownOptions options;
  options.resource_base = VersionUrl(context.version->coordinates);
  auto view = s.portal.Get(*context.version, false);
  if (view.ok())
    for (const auto& resource : view->portal.resources) options.resources.insert(resource.path);
  return options;
}

Response PortalCore::DocumentationImage(Request& request, const Session& session, const assets::AssetVersion& version,
                                        bool draft) {
  AGORA_ASSIGN_OR_RETURN_PAGE(storage::PortalResource resource,
                              s.portal.Resource(version, draft, "resources/" + request.Param("name")), session);
  AGORA_ASSIGN_OR_RETURN_PAGE(uint64_t size, s.blobs.Size(resource.sha256), session);
  Response response = exchange::ServeBlob(s.blobs, request, resource.sha256, size, resource.media_type, request.Param("name"));
  response.SetHeader("Content-Disposition", "inline");
  Harden(response);
  return response;
}

void Harden(Response& response) {
  response.SetHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  response.SetHeader("X-Content-Type-Options", "nosniff");
  response.SetHeader("Cache-Control", "private, max-age=300");
}

server::Handler Timed(std::function<Response(Request&)> handler) {
  return [handler = std::move(handler)](Request& request) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = ThreadCpuMillis();
    Response response = handler(request);
    const double millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    char timing[80];
    std::snprintf(timing, sizeof timing, "app;dur=%.2f, cpu;dur=%.2f", millis, ThreadCpuMillis() - cpu_start);
    response.SetHeader("Server-Timing", timing);
    return response;
  };
}

void RegisterPortalRoutes(server::Router& router, exchange::ExchangeServices& services, PortalOptions options) {
  auto core = std::make_shared<PortalCore>(services, std::move(options));
  auto bind = RouteBinder(std::make_shared<SessionPages>(core));
  router.Add("GET", "/exchange/-/static/{file}", bind(&SessionPages::Static));
  router.Add("GET", "/exchange/-/login", bind(&SessionPages::SignInPage));
  router.Add("POST", "/exchange/-/login", bind(&SessionPages::SignIn));
  router.Add("POST", "/exchange/-/logout", bind(&SessionPages::SignOut));
  RegisterReadingRoutes(router, core);
  RegisterPublishRoutes(router, core);
  RegisterOrganizationRoutes(router, core);
  RegisterTokenRoutes(router, core);
  RegisterManageRoutes(router, core);
  RegisterDocumentationRoutes(router, core);
}

}  // namespace agora::portal
