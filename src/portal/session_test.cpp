// Portal sessions over the real SQLite store: the cookie carries a login's token, the CSRF token
// is bound to it, and signing out revokes it.
#include "portal/session.h"

#include <gtest/gtest.h>

#include "common/ids.h"
#include "server/fake_request.h"
#include "storage/testing.h"

namespace agora::portal {
namespace {

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::OpenSqliteMetadataStore(dir_.str() + "/meta.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    metadata_ = std::move(store).value();
    ASSERT_TRUE(metadata_->CreateOrganization({"org-1", "Root", "", NowMillis()}).ok());
    accounts_ = std::make_unique<auth::Accounts>(*metadata_, auth::AccountsOptions{120'000});
    authenticator_ = std::make_unique<auth::Authenticator>(*metadata_);
    ASSERT_TRUE(accounts_->CreateUser("org-1", "jdoe", "s3cret pass", "viewer").ok());
  }

  // The cookie a browser would send back for a Set-Cookie value.
  static std::string CookieFrom(const std::string& set_cookie) { return set_cookie.substr(0, set_cookie.find(';')); }

  storage::testing::TempDir dir_;
  std::unique_ptr<storage::MetadataStore> metadata_;
  std::unique_ptr<auth::Accounts> accounts_;
  std::unique_ptr<auth::Authenticator> authenticator_;
};

TEST(CookieTest, FindsACookieAmongOthers) {
  EXPECT_EQ(CookieValue("a=1; agora_session=tok; b=2", "agora_session"), "tok");
  EXPECT_EQ(CookieValue("agora_session=\"tok\"", "agora_session"), "tok");
  EXPECT_EQ(CookieValue("xagora_session=tok", "agora_session"), std::nullopt);
  EXPECT_EQ(CookieValue("", "agora_session"), std::nullopt);
  EXPECT_EQ(CookieValue(";;=;agora_session", "agora_session"), std::nullopt);
}

TEST_F(SessionTest, SignsInWithAnHttpOnlyCookieThatExpiresWithTheToken) {
  Sessions sessions(*authenticator_, *accounts_, "key", false);
  server::FakeRequest request;
  auto cookie = sessions.SignIn(request, "jdoe", "s3cret pass");
  ASSERT_TRUE(cookie.ok()) << cookie.status().ToString();
  EXPECT_EQ(cookie->rfind("agora_session=agora_", 0), 0u) << *cookie;
  EXPECT_NE(cookie->find("; Path=/; HttpOnly; SameSite=Lax; Max-Age=120"), std::string::npos) << *cookie;
  EXPECT_EQ(cookie->find("Secure"), std::string::npos) << "plain HTTP: a Secure cookie would never come back";

  request.headers_.emplace("Cookie", "theme=dark; " + CookieFrom(*cookie));
  auto session = sessions.FromRequest(request);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  EXPECT_EQ(session->principal.subject, "jdoe");
  EXPECT_EQ(session->principal.organization_id, "org-1");

  EXPECT_EQ(sessions.SignIn(request, "jdoe", "wrong").status().kind(), Status::Kind::kUnauthorized);
  EXPECT_EQ(sessions.SignIn(request, "nobody", "s3cret pass").status().kind(), Status::Kind::kUnauthorized);
}

TEST_F(SessionTest, OverHttpsTheCookieIsSecureAndHostOnly) {
  Sessions sessions(*authenticator_, *accounts_, "key", false);
  server::FakeRequest request;
  request.secure_ = true;
  auto cookie = sessions.SignIn(request, "jdoe", "s3cret pass");
  ASSERT_TRUE(cookie.ok());
  EXPECT_EQ(cookie->rfind("__Host-agora_session=", 0), 0u) << *cookie;
  EXPECT_NE(cookie->find("; Secure"), std::string::npos);
  request.headers_.emplace("Cookie", "agora_session=" + CookieFrom(*cookie).substr(21));
  EXPECT_EQ(sessions.FromRequest(request).status().kind(), Status::Kind::kUnauthorized)
      << "over HTTPS only the __Host- cookie counts";
  Sessions behind_proxy(*authenticator_, *accounts_, "key", true);
  server::FakeRequest plain;
  EXPECT_NE(behind_proxy.SignIn(plain, "jdoe", "s3cret pass")->find("; Secure"), std::string::npos)
      << "an https public URL makes cookies Secure behind a TLS-ending proxy";
}

TEST_F(SessionTest, CsrfTokensAreBoundToTheSessionAndTheKey) {
  Sessions sessions(*authenticator_, *accounts_, "key", false), other_key(*authenticator_, *accounts_, "other", false);
  server::FakeRequest request;
  request.headers_.emplace("Cookie", CookieFrom(*sessions.SignIn(request, "jdoe", "s3cret pass")));
  auto session = sessions.FromRequest(request);
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(session->csrf_token.size(), 64u);
  EXPECT_EQ(session->csrf_token.find(session->token), std::string::npos) << "it does not reveal the token";
  EXPECT_TRUE(sessions.CheckCsrf(*session, session->csrf_token));
  EXPECT_FALSE(sessions.CheckCsrf(*session, ""));
  EXPECT_FALSE(sessions.CheckCsrf(*session, other_key.CsrfToken(session->token)));
  EXPECT_NE(sessions.CsrfToken("agora_another"), session->csrf_token);
}

TEST_F(SessionTest, SigningOutRevokesTheToken) {
  Sessions sessions(*authenticator_, *accounts_, "key", false);
  server::FakeRequest request;
  request.headers_.emplace("Cookie", CookieFrom(*sessions.SignIn(request, "jdoe", "s3cret pass")));
  auto session = sessions.FromRequest(request);
  ASSERT_TRUE(session.ok());
  auto cleared = sessions.SignOut(request, *session);
  ASSERT_TRUE(cleared.ok());
  EXPECT_NE(cleared->find("agora_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"), std::string::npos);
  EXPECT_EQ(sessions.FromRequest(request).status().kind(), Status::Kind::kUnauthorized);
  EXPECT_EQ(authenticator_->Authenticate("bearer " + session->token).status().kind(), Status::Kind::kUnauthorized)
      << "the API refuses the token too";
}

TEST(SameOriginTest, RefusesCrossSitePosts) {
  auto request = [](std::vector<std::pair<std::string, std::string>> headers) {
    server::FakeRequest r("POST", "/exchange/-/login");
    for (auto& [k, v] : headers) r.headers_.emplace(k, v);
    return Sessions::SameOrigin(r);
  };
  EXPECT_TRUE(request({{"Sec-Fetch-Site", "same-origin"}, {"Origin", "http://evil.example"}}));
  EXPECT_FALSE(request({{"Sec-Fetch-Site", "cross-site"}}));
  EXPECT_FALSE(request({{"Sec-Fetch-Site", "same-site"}}));
  EXPECT_TRUE(request({{"Host", "agora.example:8081"}, {"Origin", "http://agora.example:8081"}}));
  EXPECT_TRUE(request({{"Host", "agora.example"}, {"Origin", "https://AGORA.example"}})) << "behind a TLS proxy";
  EXPECT_FALSE(request({{"Host", "agora.example"}, {"Origin", "http://evil.example"}}));
  EXPECT_FALSE(request({{"Host", "agora.example"}, {"Origin", "null"}}));
  EXPECT_TRUE(request({{"Host", "agora.example"}})) << "no browser headers: not a browser, nothing to forge";
}

}  // namespace
}  // namespace agora::portal
