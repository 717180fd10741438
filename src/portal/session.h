// A portal session is a login's bearer token, kept by the browser in an HttpOnly cookie. Signing
// in calls Accounts::LoginWithPassword, the logic behind POST /accounts/login, and the cookie
// lives exactly as long as the token (Max-Age = expires_in); each request turns the cookie back
// into a Principal through the same Authenticator the API uses, so the portal sees what the
// token may see, no more. Signing out revokes the token in the store, not just the cookie.
//
// The cookie is SameSite=Lax (a shared link opens signed in; no other site can post with it),
// Secure and named with the __Host- prefix over HTTPS. Forms that change anything carry a CSRF
// token bound to the session: an HMAC of the token's hash under a server-wide key, so it needs
// no storage, dies with the session and cannot be made without the cookie and the key.
//
// Thread safety: immutable after construction; use from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/accounts.h"
#include "auth/auth.h"
#include "common/status.h"
#include "server/http.h"

namespace agora::portal {

struct Session {
  std::string token;
  auth::Principal principal;
  std::string csrf_token;
};

class Sessions {
 public:
  // `key`: the server-wide secret CSRF tokens are derived with. `secure_default`: whether
  // sessions are HTTPS-only even when the request itself came over plain HTTP (a TLS-ending
  // proxy in front, known from an https --public-url).
  Sessions(auth::Authenticator& authenticator, auth::Accounts& accounts, std::string key, bool secure_default)
      : authenticator_(authenticator), accounts_(accounts), key_(std::move(key)), secure_default_(secure_default) {}

  // The request's session; 401 UNAUTHORIZED without a cookie or when its token is no longer valid.
  Result<Session> FromRequest(const server::Request& request) const;
  // Checks the credentials as POST /accounts/login does; on success, the Set-Cookie value.
  Result<std::string> SignIn(const server::Request& request, const std::string& username,
                             const std::string& password) const;
  // Revokes the session's token; the Set-Cookie value that clears the cookie.
  Result<std::string> SignOut(const server::Request& request, const Session& session) const;
  // The Set-Cookie value that clears the cookie (for a stale one).
  std::string ClearCookie(const server::Request& request) const;

  std::string CsrfToken(std::string_view token) const;
  bool CheckCsrf(const Session& session, std::string_view submitted) const;

  // Whether a state-changing request comes from the portal's own pages: Sec-Fetch-Site, else
  // Origin, must not name another site. Browsers send one of them with every POST.
  static bool SameOrigin(const server::Request& request);

 private:
  bool Secure(const server::Request& request) const;
  std::string CookieName(const server::Request& request) const;
  std::optional<std::string> CookieToken(const server::Request& request) const;

  auth::Authenticator& authenticator_;
  auth::Accounts& accounts_;
  std::string key_;
  bool secure_default_;
};

// The value of cookie `name` in a Cookie header, if present.
std::optional<std::string> CookieValue(std::string_view header, std::string_view name);

}  // namespace agora::portal
