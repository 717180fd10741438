// Walks every route the router knows, generated from its own table so that a new endpoint cannot
// escape, with no token, another organisation's admin, and each role of the owning organisation,
// and checks each outcome against one policy table. A route missing from the table fails the test.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <vector>

#include "auth/api_tokens.h"
#include "cli/admin.h"
#include "cli/app.h"
#include "server/fake_request.h"
#include "storage/testing.h"

namespace agora::cli {
namespace {

enum class Access {
  kOpen,     // no token needed, and a missing one is no reason to refuse (logins, analytics)
  kPublic,   // anyone, without a token
  kList,     // any token: answers within the caller's own organisation
  kAnyToken, // any valid token (the caller's own profile, GraphQL)
  kRead,     // viewers and up, of the owning organisation
  kPublishForm,  // contributors and admins; the organisation is named in the request's form
  kManage,   // contributors and admins of the owning organisation
  kAdmin,    // admins of the owning organisation
  kOperator, // admins of any root organisation: the server's own figures (metrics)
  // The portal's pages carry the token as the session cookie, not as a header.
  kPortalOpen,     // static files and the sign-in page: nobody is refused
  kPortalSession,  // any session; without one, the visitor is sent to the sign-in page
  kPortalRead,     // sessions that may read the asset; to others it does not exist (404)
  kPortalAdmin,    // sessions of the owning organisation's admins; viewers and contributors 403, others 404
  kPortalForm,     // any session, with the session's CSRF token: without it, 403 and nothing changes
  kPortalManage,   // sessions of the owning organisation's contributors and admins; viewers 403, others 404
  kPortalPublish,  // sessions whose role may publish in their organisation (viewers 403)
  kPortalOrgAdmin, // sessions of administrators, for their own organisation (viewers and contributors 403)
};

// The policy: "METHOD path pattern", with /exchange/api/v1|v2 left out.
const std::map<std::string, Access>& Policy() {
  static const std::map<std::string, Access> kPolicy = {
      {"GET /", Access::kPublic},
      {"GET /health", Access::kPublic},
      {"GET /health/ready", Access::kPublic},
      {"GET /assets", Access::kList},
      {"GET /assets/search", Access::kList},
      {"GET /assets/{groupId}/{assetId}", Access::kRead},
      {"GET /assets/{groupId}/{assetId}/asset", Access::kRead},
      {"GET /assets/{groupId}/{assetId}/versionGroups", Access::kRead},
      {"GET /assets/{groupId}/{assetId}/{version}", Access::kRead},
      {"GET /assets/{groupId}/{assetId}/{version}/asset", Access::kRead},
      {"GET /assets/{groupId}/{assetId}/{version}/api/model", Access::kRead},
      {"GET /assets/{groupId}/{assetId}/{version}/api/root", Access::kRead},
      {"GET /assets/{groupId}/{assetId}/{version}/api/{filePath*}", Access::kRead},
      {"GET /assets/{groupId}/{assetId}/{version}/compatibility", Access::kRead},
      {"GET /organizations/{organizationId}/compatibility", Access::kAdmin},
      {"PUT /organizations/{organizationId}/compatibility", Access::kAdmin},
      {"GET /assets/{groupId}/{assetId}/compatibility", Access::kAdmin},
      {"PUT /assets/{groupId}/{assetId}/compatibility", Access::kAdmin},
      {"GET /assets/{groupId}/{assetId}/{version}/portal", Access::kRead},
      {"GET /assets/{groupId}/{assetId}/{version}/portal/pages", Access::kRead},
      {"GET /assets/{groupId}/{assetId}/{version}/portal/pages/{pagePath*}", Access::kRead},
      {"GET /assets/{groupId}/{assetId}/{version}/portal/resources", Access::kRead},
      {"GET /assets/{groupId}/{assetId}/{version}/portal/resources/{resourceId*}", Access::kRead},
      {"GET /exchange/files/api/v1/organizations/{organizationId}/assets/{groupId}/{assetId}/{version}/{packaging}", Access::kRead},
      {"GET /exchange/files/api/v1/organizations/{organizationId}/assets/{groupId}/{assetId}/{version}/{classifier}/{packaging}",
       Access::kRead},
      {"GET /exchange/files/api/v1/organizations/{organizationId}/assets/{groupId}/{assetId}/{version}/{classifier}/{packaging}/{fileName}",
       Access::kRead},
      {"GET /organizations/{organizationId}/assets/{groupId}/{assetId}/{version}/mutabledata/status/{runId}", Access::kRead},
      {"GET /organizations/{organizationId}/assets/{groupId}/{assetId}/{version}/publication/status/{runId}", Access::kRead},
      {"GET /organizations/{organizationId}/assets/{groupId}/{assetId}/{version}/publication/extendedStatus/{runId}",
       Access::kRead},
      {"GET /organizations/{organizationId}/categories", Access::kRead},
      {"GET /organizations/{organizationId}/fields", Access::kRead},
      {"GET /organizations/{organizationId}/groups/{groupId}/assets/{assetId}/nextAvailableVersion", Access::kRead},
      {"GET /organizations/{organizationId}/softDeleted", Access::kRead},
      {"GET /assets/{groupId}/{assetId}/{version}/portal/draft", Access::kManage},
      {"GET /assets/{groupId}/{assetId}/{version}/portal/draft/pages", Access::kManage},
      {"GET /assets/{groupId}/{assetId}/{version}/portal/draft/pages/{pagePath*}", Access::kManage},
      {"GET /assets/{groupId}/{assetId}/{version}/portal/draft/resources", Access::kManage},
      {"GET /assets/{groupId}/{assetId}/{version}/portal/draft/resources/{resourceId*}", Access::kManage},
      {"POST /organizations/{organizationId}/assets/{groupId}/{assetId}/{version}", Access::kManage},
      {"PATCH /assets/{groupId}/{assetId}", Access::kManage},
      {"PATCH /assets/{groupId}/{assetId}/{version}", Access::kManage},
      {"PATCH /assets/{groupId}/{assetId}/{version}/portal", Access::kManage},
      {"PATCH /organizations/{organizationId}/assets/{groupId}/{assetId}/{version}/metadata", Access::kManage},
      {"PATCH /organizations/{organizationId}/assets/{groupId}/{assetId}/{version}/mutabledata", Access::kManage},
      {"POST /assets/{groupId}/{assetId}/{version}/portal/draft/pages", Access::kManage},
      {"POST /assets/{groupId}/{assetId}/{version}/portal/draft/resources", Access::kManage},
      {"PUT /assets/{groupId}/{assetId}/{version}/portal/draft", Access::kManage},
      {"PUT /assets/{groupId}/{assetId}/{version}/portal/draft/pages/{pagePath*}", Access::kManage},
      {"PUT /assets/{groupId}/{assetId}/{version}/portal/draft/pagesOrder", Access::kManage},
      {"DELETE /assets/{groupId}/{assetId}/{version}/portal/draft", Access::kManage},
      {"DELETE /assets/{groupId}/{assetId}/{version}/portal/draft/pages/{pagePath*}", Access::kManage},
      {"DELETE /assets/{groupId}/{assetId}/{version}/portal/draft/resources/{resourceId*}", Access::kManage},
      {"PUT /assets/{groupId}/{assetId}/{version}/status", Access::kManage},
      {"PUT /assets/{groupId}/{assetId}/icon", Access::kManage},
      {"PUT /assets/{groupId}/{assetId}/{version}/icon", Access::kManage},
      {"DELETE /assets/{groupId}/{assetId}/icon", Access::kManage},
      {"PUT /assets/{groupId}/{assetId}/{version}/tags", Access::kManage},
      {"PUT /assets/{groupId}/{assetId}/{version}/tags/categories/{tagKey}", Access::kManage},
      {"PUT /assets/{groupId}/{assetId}/{version}/tags/fields/{tagKey}", Access::kManage},
      {"DELETE /assets/{groupId}/{assetId}/{version}/tags/categories/{tagKey}", Access::kManage},
      {"DELETE /assets/{groupId}/{assetId}/{version}/tags/fields/{tagKey}", Access::kManage},
      {"POST /organizations/{organizationId}/categories", Access::kAdmin},
      {"POST /organizations/{organizationId}/fields", Access::kAdmin},
      {"PATCH /organizations/{organizationId}/categories/{id}", Access::kAdmin},
      {"PATCH /organizations/{organizationId}/fields/{id}", Access::kAdmin},
      {"DELETE /organizations/{organizationId}/categories/{id}", Access::kAdmin},
      {"DELETE /organizations/{organizationId}/fields/{id}", Access::kAdmin},
      {"DELETE /assets/{groupId}/{assetId}", Access::kAdmin},
      {"DELETE /assets/{groupId}/{assetId}/{version}", Access::kAdmin},
      {"DELETE /organizations/{organizationId}/assets/{groupId}/{assetId}/{version}", Access::kAdmin},
      {"POST /assets", Access::kPublishForm},
      {"POST /accounts/login", Access::kOpen},
      {"POST /accounts/api/v2/oauth2/token", Access::kOpen},
      {"POST /cli/api/v1/analytics/event", Access::kOpen},
      {"POST /cli/api/v1/analytics/error", Access::kOpen},
      {"GET /accounts/api/users/me", Access::kAnyToken},
      {"POST /graph/api/v1/graphql", Access::kAnyToken},
      {"POST /graph/api/v2/graphql", Access::kAnyToken},
      {"GET /accounts/api/organizations/{organizationId}/environments", Access::kRead},
      {"GET /accounts/api/organizations/{organizationId}/environments/{environmentId}", Access::kRead},
      {"GET /metrics", Access::kOperator},
      {"GET /assets/{groupId}/{assetId}/metrics", Access::kRead},
      {"GET /assets/{groupId}/{assetId}/metrics/versions", Access::kRead},
      {"GET /exchange/-/static/{file}", Access::kPortalOpen},
      {"GET /exchange/-/login", Access::kPortalOpen},
      {"POST /exchange/-/login", Access::kPortalOpen},
      {"POST /exchange/-/logout", Access::kPortalForm},
      {"GET /exchange/", Access::kPortalSession},
      {"GET /exchange/-/results", Access::kPortalSession},
      {"GET /exchange/{groupId}/{assetId}", Access::kPortalOpen},  // a redirect to the trailing slash
      {"GET /exchange/{groupId}/{assetId}/", Access::kPortalRead},
      {"GET /exchange/{groupId}/{assetId}/minor/{minor}/", Access::kPortalRead},
      {"GET /exchange/{groupId}/{assetId}/{version}/", Access::kPortalRead},
      {"GET /exchange/{groupId}/{assetId}/{version}/pages/{page*}", Access::kPortalRead},
      {"GET /exchange/{groupId}/{assetId}/{version}/resources/{name*}", Access::kPortalRead},
      {"GET /exchange/{groupId}/{assetId}/{version}/files/{classifier}/{packaging}", Access::kPortalRead},
      {"GET /exchange/{groupId}/{assetId}/{version}/api/", Access::kPortalRead},
      {"GET /exchange/{groupId}/{assetId}/{version}/api/operations/{operation*}", Access::kPortalRead},
      {"GET /exchange/{groupId}/{assetId}/{version}/api/types/{type*}", Access::kPortalRead},
      {"GET /exchange/{groupId}/{assetId}/{version}/dependencies", Access::kPortalRead},
      {"GET /exchange/{groupId}/{assetId}/{version}/compare", Access::kPortalRead},
      {"POST /exchange/{groupId}/{assetId}/{version}/status", Access::kPortalForm},
      {"GET /exchange/{groupId}/{assetId}/{version}/delete", Access::kPortalAdmin},
      {"POST /exchange/{groupId}/{assetId}/{version}/delete", Access::kPortalForm},
      {"GET /exchange/{groupId}/{assetId}/{version}/edit", Access::kPortalManage},
      {"GET /exchange/-/publish", Access::kPortalPublish},
      {"POST /exchange/-/publish", Access::kPortalForm},
      {"GET /exchange/-/publish/{runId}", Access::kPortalRead},
      {"GET /exchange/-/organization", Access::kPortalOrgAdmin},
      {"POST /exchange/-/organization/definitions", Access::kPortalForm},
      {"POST /exchange/-/organization/definitions/delete", Access::kPortalForm},
      {"GET /exchange/-/dependency-choices", Access::kPortalSession},
      {"GET /exchange/-/organization/tokens", Access::kPortalOrgAdmin},
      {"POST /exchange/-/organization/tokens", Access::kPortalForm},
      {"POST /exchange/-/organization/tokens/revoke", Access::kPortalForm},  // another organisation's publication does not exist
      {"POST /exchange/{groupId}/{assetId}/{version}/edit", Access::kPortalForm},
      {"GET /exchange/{groupId}/{assetId}/{version}/documentation", Access::kPortalManage},
      {"GET /exchange/{groupId}/{assetId}/{version}/documentation/edit/{page*}", Access::kPortalManage},
      {"GET /exchange/{groupId}/{assetId}/{version}/documentation/resources/{name*}", Access::kPortalManage},
      {"POST /exchange/{groupId}/{assetId}/{version}/documentation/pages", Access::kPortalForm},
      {"POST /exchange/{groupId}/{assetId}/{version}/documentation/rename", Access::kPortalForm},
      {"POST /exchange/{groupId}/{assetId}/{version}/documentation/move", Access::kPortalForm},
      {"POST /exchange/{groupId}/{assetId}/{version}/documentation/delete", Access::kPortalForm},
      {"POST /exchange/{groupId}/{assetId}/{version}/documentation/publish", Access::kPortalForm},
      {"POST /exchange/{groupId}/{assetId}/{version}/documentation/discard", Access::kPortalForm},
      {"POST /exchange/{groupId}/{assetId}/{version}/documentation/resources", Access::kPortalForm},
      {"POST /exchange/{groupId}/{assetId}/{version}/documentation/resources/delete", Access::kPortalForm},
      {"POST /exchange/{groupId}/{assetId}/{version}/documentation/edit/{page*}", Access::kPortalForm},
  };
  static const std::map<std::string, Access> kWithMaven = [] {
    // The Maven facade: reading, deploying into an organisation, read-only without one; DELETE is
    // 405 to everyone.
    std::map<std::string, Access> policy = kPolicy;
    std::vector<std::string> deployable = {"/organizations/{organizationId}/maven/{path*}"};  // /exchange/api/v1|v2
    for (const std::string v : {"v1", "v2", "v3"}) {
      deployable.push_back("/api/" + v + "/organizations/{organizationId}/maven/{path*}");
      policy["GET /api/" + v + "/maven/{path*}"] = Access::kRead;
      policy["PUT /api/" + v + "/maven/{path*}"] = Access::kOpen;
      policy["DELETE /api/" + v + "/maven/{path*}"] = Access::kOpen;
    }
    for (const auto& pattern : deployable) {
      policy["GET " + pattern] = Access::kRead;
      policy["PUT " + pattern] = Access::kManage;
      policy["DELETE " + pattern] = Access::kOpen;
    }
    return policy;
  }();
  return kWithMaven;
}

class AccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto app = App::Open(dir_.str(), {});
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = std::move(app).value();
    org_ = *CreateOrganization(app_->metadata(), "owner");
    for (const char* role : {"admin", "contributor", "viewer"}) tokens_[role] = *auth::IssueApiToken(app_->metadata(), org_, role, role, 0);
    tokens_["stranger"] = *auth::IssueApiToken(app_->metadata(), *CreateOrganization(app_->metadata(), "other"), "admin", "x", 0);
    PublishFixture();
  }

  void PublishFixture() {
    const std::string body =
        "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nFixture\r\n"
        "--b\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\ncustom\r\n"
        "--b\r\nContent-Disposition: form-data; name=\"files.custom.txt\"; filename=\"a.txt\"\r\n\r\nhello\r\n--b--\r\n";
    server::FakeRequest request("POST", "/exchange/api/v2/organizations/" + org_ + "/assets/" + org_ + "/fixture/1.0.0", body);
    request.headers_.emplace("Authorization", "bearer " + tokens_["admin"]);
    request.headers_.emplace("Content-Type", "multipart/form-data; boundary=b");
    request.headers_.emplace("x-sync-publication", "true");
    request.content_length_ = body.size();
    ASSERT_EQ(app_->router().Dispatch(request).status, 201);
  }

  // The pattern with every parameter bound to the fixture's values.
  std::string PathOf(const std::string& pattern) const {
    static const std::map<std::string, std::string> kValues = {
        {"groupId", ""}, {"organizationId", ""}, {"assetId", "fixture"}, {"version", "1.0.0"}, {"runId", "run"},
        {"tagKey", "key"}, {"id", "definition"}, {"pagePath*", "home"}, {"resourceId*", "image.png"},
        {"classifier", "custom"}, {"packaging", "txt"}, {"environmentId", "environment"}, {"fileName", "fixture-1.0.0-custom.txt"},
        {"file", "portal.css"}, {"minor", "1.0"}, {"page*", "home"}, {"name*", "image.png"}, {"operation*", "get/x"},
        {"type*", "T"}, {"filePath*", "api.raml"}};
    std::string path = pattern;
    // A Maven path to the fixture's file: {groupId as folders}/{assetId}/{version}/{file}.
    if (const size_t at = path.find("{path*}"); at != std::string::npos)
      path.replace(at, 7, org_ + "/fixture/1.0.0/fixture-1.0.0-custom.txt");
    for (const auto& [name, value] : kValues)
      for (size_t at; (at = path.find("{" + name + "}")) != std::string::npos;)
        path.replace(at, name.size() + 2, value.empty() ? org_ : value);
    return path;
  }

  static bool IsPortal(const server::Router::Route& route) {
    return route.pattern.rfind("/exchange/", 0) == 0 && route.pattern.rfind("/exchange/api/", 0) != 0 &&
           route.pattern.rfind("/exchange/files/", 0) != 0;
  }

  int Status(const server::Router::Route& route, const std::string& token) {
    server::FakeRequest request(route.method, PathOf(route.pattern));
    if (!token.empty() && IsPortal(route)) request.headers_.emplace("Cookie", "agora_session=" + token);
    else if (!token.empty()) request.headers_.emplace("Authorization", "bearer " + token);
    request.headers_.emplace("x-delete-type", "hard-delete");  // so that the fixture can be published again
    request.content_length_ = 0;
    return app_->router().Dispatch(request).status;
  }

  // Without a session the portal sends people to its sign-in page (303), or answers 401 where a
  // script asked; with another organisation's, the asset does not exist.
  void CheckPortalRoute(const server::Router::Route& route, Access access, int anonymous) {
    const std::string what = route.method + " " + route.pattern;
    auto signed_out = [](int status) { return status == 303 || status == 401; };
    if (access == Access::kPortalOpen) {
      EXPECT_FALSE(denied_or_sent_away(anonymous)) << what << ": " << anonymous;
      return;
    }
    EXPECT_TRUE(signed_out(anonymous)) << what << ": " << anonymous;
    EXPECT_TRUE(signed_out(Status(route, "not-a-token"))) << what;
    if (access == Access::kPortalForm) {
      for (const char* role : {"viewer", "admin"})
        EXPECT_EQ(Status(route, tokens_[role]), 403) << what << ": no CSRF token, no change (" << role << ")";
      return;
    }
    if (access == Access::kPortalOrgAdmin) {
      for (const char* role : {"viewer", "contributor"}) EXPECT_EQ(Status(route, tokens_[role]), 403) << what;
      for (const char* role : {"admin", "stranger"}) EXPECT_EQ(Status(route, tokens_[role]), 200) << what;
      return;
    }
    if (access == Access::kPortalPublish) {
      EXPECT_EQ(Status(route, tokens_["viewer"]), 403) << what;
      for (const char* role : {"contributor", "admin", "stranger"})
        EXPECT_EQ(Status(route, tokens_[role]), 200) << what << " (" << role << ")";
      return;
    }
    const int stranger = Status(route, tokens_["stranger"]);
    if (access == Access::kPortalSession) EXPECT_EQ(stranger, 200) << what;
    else EXPECT_EQ(stranger, 404) << what << " answered another organisation " << stranger;
    if (access == Access::kPortalAdmin || access == Access::kPortalManage) {
      EXPECT_EQ(Status(route, tokens_["viewer"]), 403) << what;
      if (access == Access::kPortalManage)
        EXPECT_FALSE(denied_or_sent_away(Status(route, tokens_["contributor"]))) << what;
      else
        EXPECT_EQ(Status(route, tokens_["contributor"]), 403) << what;
      EXPECT_FALSE(denied_or_sent_away(Status(route, tokens_["admin"]))) << what;
      return;
    }
    for (const char* role : {"viewer", "contributor", "admin"}) {
      const int status = Status(route, tokens_[role]);
      EXPECT_FALSE(denied_or_sent_away(status)) << what << " refused a " << role << ": " << status;
    }
  }
  static bool denied_or_sent_away(int status) { return status == 401 || status == 403 || status == 303; }

  storage::testing::TempDir dir_;
  std::unique_ptr<App> app_;
  std::string org_;
  std::map<std::string, std::string> tokens_;
};

TEST_F(AccessTest, MetricsAreForRootOrganisationAdminsOnly) {
  const std::string group = *CreateOrganization(app_->metadata(), "team", org_);
  const std::string group_admin = *auth::IssueApiToken(app_->metadata(), group, "admin", "team-admin", 0);
  server::FakeRequest request("GET", "/metrics");
  request.headers_.emplace("Authorization", "bearer " + group_admin);
  EXPECT_EQ(app_->router().Dispatch(request).status, 403);
  server::FakeRequest open("GET", "/metrics");
  EXPECT_EQ(app_->metrics_router().Dispatch(open).status, 200) << "its own listener needs no token";
}

TEST_F(AccessTest, EveryRouteFollowsThePolicy) {
  const std::regex version_prefix("^/exchange/api/v[12]");
  std::vector<std::pair<const server::Router::Route*, Access>> routes;
  for (const auto& route : app_->router().routes()) {
    const std::string key = route.method + " " + std::regex_replace(route.pattern, version_prefix, "");
    const auto policy = Policy().find(key);
    ASSERT_NE(policy, Policy().end()) << "route without a policy: " << key;
    routes.emplace_back(&route, policy->second);
  }
  auto denied = [](int status) { return status == 401 || status == 403; };
  for (const auto& [route, access] : routes) {
    const std::string what = route->method + " " + route->pattern;
    const int anonymous = Status(*route, "");
    if (access >= Access::kPortalOpen) {
      CheckPortalRoute(*route, access, anonymous);
      continue;
    }
    if (access == Access::kOpen) {
      EXPECT_FALSE(denied(anonymous)) << what;
      EXPECT_FALSE(denied(Status(*route, "not-a-token"))) << what << ": a stale token must not matter";
      continue;
    }
    if (access == Access::kPublic) {
      EXPECT_EQ(anonymous, 200) << what;
      continue;
    }
    EXPECT_EQ(anonymous, 401) << what;
    EXPECT_EQ(Status(*route, "not-a-token"), 401) << what;
    const int stranger = Status(*route, tokens_["stranger"]);
    if (access == Access::kList || access == Access::kOperator) EXPECT_EQ(stranger, 200) << what;
    else if (access == Access::kAnyToken || access == Access::kPublishForm) EXPECT_FALSE(denied(stranger)) << what;
    else EXPECT_TRUE(stranger == 403 || stranger == 404) << what << " answered another organisation " << stranger;
    const int viewer = Status(*route, tokens_["viewer"]);
    if (access <= Access::kRead) EXPECT_FALSE(denied(viewer)) << what << " refused a viewer: " << viewer;
    else EXPECT_EQ(viewer, 403) << what;
    const int contributor = Status(*route, tokens_["contributor"]);
    if (access <= Access::kManage) EXPECT_FALSE(denied(contributor)) << what << " refused a contributor: " << contributor;
    else EXPECT_EQ(contributor, 403) << what;
  }
  // Admins last: their deletes remove the fixture, so each one is published again first. (The
  // portal's forms need a CSRF token, and signing out revokes the token: CheckPortalRoute covers them.)
  for (const auto& [route, access] : routes) {
    if (app_->metadata().GetVersion({org_, "fixture", "1.0.0"}).status().kind() == Status::Kind::kNotFound)
      PublishFixture();
    if (access == Access::kPortalForm) continue;
    const int admin = Status(*route, tokens_["admin"]);
    EXPECT_FALSE(denied(admin)) << route->method << " " << route->pattern << " refused an admin: " << admin;
  }
}

}  // namespace
}  // namespace agora::cli
