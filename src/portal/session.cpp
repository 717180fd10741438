#include "portal/session.h"

#include "common/hash.h"

namespace agora::portal {
namespace {

constexpr std::string_view kCookie = "agora_session";
// Over HTTPS the __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only
// and for path /, so neither a sibling domain nor plain HTTP can plant or read one.
constexpr std::string_view kSecureCookie = "__Host-agora_session";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "https://host:port" of a URL, lower-cased; empty if it has none.
std::string OriginOf(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "";
  const auto path = url.find('/', scheme_end + 3);
  std::string origin(url.substr(0, path));
  for (char& c : origin) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return origin;
}

}  // namespace

std::optional<std::string> CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semicolon = header.find(';');
    const std::string_view pair = Trim(header.substr(0, semicolon));
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && Trim(pair.substr(0, equals)) == name) {
      std::string_view value = Trim(pair.substr(equals + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      return std::string(value);
    }
    if (semicolon == std::string_view::npos) break;
    header.remove_prefix(semicolon + 1);
  }
  return std::nullopt;
}

bool Sessions::Secure(const server::Request& request) const { return secure_default_ || request.secure(); }

std::string Sessions::CookieName(const server::Request& request) const {
  return std::string(Secure(request) ? kSecureCookie : kCookie);
}

std::optional<std::string> Sessions::CookieToken(const server::Request& request) const {
  const auto header = request.Header("cookie");
  if (!header) return std::nullopt;
  auto token = CookieValue(*header, CookieName(request));
  if (!token || token->empty()) return std::nullopt;
  return token;
}

Result<Session> Sessions::FromRequest(const server::Request& request) const {
  const auto token = CookieToken(request);
  if (!token) return Status::Unauthorized("Sign in to use the portal");
  // The same door as the API's Authorization header: a token is a token, whoever carries it.
  AGORA_ASSIGN_OR_RETURN(auth::Principal principal, authenticator_.Authenticate("bearer " + *token));
  return Session{*token, std::move(principal), CsrfToken(*token)};
}

Result<std::string> Sessions::SignIn(const server::Request& request, const std::string& username,
                                     const std::string& password) const {
  AGORA_ASSIGN_OR_RETURN(auth::IssuedToken token, accounts_.LoginWithPassword(username, password));
  std::string cookie = CookieName(request) + "=" + token.access_token +
                       "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(token.expires_in_seconds);
  if (Secure(request)) cookie += "; Secure";
  return cookie;
}

Result<std::string> Sessions::SignOut(const server::Request& request, const Session& session) const {
  AGORA_RETURN_IF_ERROR(authenticator_.Revoke(session.token));
  return ClearCookie(request);
}

std::string Sessions::ClearCookie(const server::Request& request) const {
  return CookieName(request) + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" + (Secure(request) ? "; Secure" : "");
}

std::string Sessions::CsrfToken(std::string_view token) const {
  return HmacSha256Hex(key_, "portal-csrf\n" + Sha256Hex(token));
}

bool Sessions::CheckCsrf(const Session& session, std::string_view submitted) const {
  return !submitted.empty() && ConstantTimeEquals(session.csrf_token, submitted);
}

bool Sessions::SameOrigin(const server::Request& request) {
  if (const auto site = request.Header("sec-fetch-site")) return *site == "same-origin" || *site == "none";
  const auto origin = request.Header("origin");
  if (!origin || *origin == "null") return !origin.has_value();
  const auto host = request.Header("host");
  if (!host) return false;
  std::string expected = std::string(request.secure() ? "https://" : "http://") + *host;
  for (char& c : expected) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Behind a TLS-ending proxy the request arrives as http: accept the https form of our host too.
  std::string secure_expected = "https://" + expected.substr(expected.find("://") + 3);
  const std::string actual = OriginOf(*origin);
  return actual == expected || actual == secure_expected;
}

}  // namespace agora::portal
