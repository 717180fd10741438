#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "server/fake_request.h"
#include "server/http.h"
#include "server/rate_limiter.h"

namespace agora::server {
namespace {

Response Named(const std::string& name) { return Response::Text(200, name); }

TEST(RouterTest, BindsParametersAndPrefersLiteralSegments) {
  Router router;
  router.Add("GET", "/assets/{groupId}/{assetId}", [](Request& r) { return Named("asset " + r.Param("groupId") + "/" + r.Param("assetId")); });
  router.Add("GET", "/assets/search/{assetId}", [](Request& r) { return Named("search " + r.Param("assetId")); });
  router.Add("GET", "/files/{path*}", [](Request& r) { return Named("file " + r.Param("path")); });
  router.Add("POST", "/assets/{groupId}/{assetId}", [](Request&) { return Named("post"); });
  FakeRequest a("GET", "/assets/g/a");
  EXPECT_EQ(router.Dispatch(a).body, "asset g/a");
  FakeRequest s("GET", "/assets/search/a");
  EXPECT_EQ(router.Dispatch(s).body, "search a");
  FakeRequest f("GET", "/files/a/b/c.raml");
  EXPECT_EQ(router.Dispatch(f).body, "file a/b/c.raml");
  FakeRequest p("POST", "/assets/g/a");
  EXPECT_EQ(router.Dispatch(p).body, "post");
}

TEST(RouterTest, AnswersUnknownPathsAndMethodsAndHandlerExceptions) {
  Router router;
  router.Add("GET", "/x", [](Request&) -> Response { throw std::runtime_error("boom"); });
  router.Add("PUT", "/x", [](Request&) { return Named("put"); });
  FakeRequest missing("GET", "/y");
  EXPECT_EQ(router.Dispatch(missing).status, 404);
  FakeRequest wrong("DELETE", "/x");
  const Response not_allowed = router.Dispatch(wrong);
  EXPECT_EQ(not_allowed.status, 405);
  EXPECT_NE(not_allowed.body.find("METHOD_NOT_ALLOWED"), std::string::npos);
  FakeRequest throws("GET", "/x");
  const Response error = router.Dispatch(throws);
  EXPECT_EQ(error.status, 500);
  EXPECT_NE(error.body.find("INTERNAL_ERROR"), std::string::npos);
  FakeRequest extra("GET", "/x/y");
  EXPECT_EQ(router.Dispatch(extra).status, 404);
}

TEST(RouterTest, LiteralFirstSegmentBeatsAParameter) {
  Router router;
  router.Add("GET", "/assets/{groupId}", [](Request& r) { return Named("group " + r.Param("groupId")); });
  router.Add("GET", "/assets/search", [](Request&) { return Named("search"); });
  FakeRequest search("GET", "/assets/search");
  EXPECT_EQ(router.Dispatch(search).body, "search");
  FakeRequest group("GET", "/assets/g1");
  EXPECT_EQ(router.Dispatch(group).body, "group g1");
  FakeRequest empty("GET", "/assets/");
  EXPECT_EQ(router.Dispatch(empty).status, 404);
}

TEST(RouterTest, RestParameterNeedsAtLeastOneSegment) {
  Router router;
  router.Add("GET", "/files/{path*}", [](Request& r) { return Named(r.Param("path")); });
  FakeRequest bare("GET", "/files");
  EXPECT_EQ(router.Dispatch(bare).status, 404);
  FakeRequest nested("GET", "/files/a/b");
  EXPECT_EQ(router.Dispatch(nested).body, "a/b");
  EXPECT_EQ(nested.Param("missing"), "");
}

TEST(RouterTest, HeadUsesTheGetRouteUnlessAHeadRouteExists) {
  Router router;
  router.Add("GET", "/a", [](Request& r) { return Named("get sees " + r.method()); });
  router.Add("GET", "/b", [](Request&) { return Named("get"); });
  router.Add("HEAD", "/b", [](Request&) { return Named("head"); });
  router.Add("POST", "/c", [](Request&) { return Named("post"); });
  FakeRequest a("HEAD", "/a");
  EXPECT_EQ(router.Dispatch(a).body, "get sees HEAD");
  FakeRequest b("HEAD", "/b");
  EXPECT_EQ(router.Dispatch(b).body, "head");
  FakeRequest c("HEAD", "/c");
  EXPECT_EQ(router.Dispatch(c).status, 405);
}

std::string HeaderOf(const Response& r, const std::string& name) {
  for (const auto& [key, value] : r.headers)
    if (!CaseInsensitiveLess{}(key, name) && !CaseInsensitiveLess{}(name, key)) return value;
  return "<absent>";
}

TEST(RouterTest, MethodNotAllowedListsTheAllowedMethods) {
  Router router;
  router.Add("GET", "/x", [](Request&) { return Named("get"); });
  router.Add("PUT", "/x", [](Request&) { return Named("put"); });
  FakeRequest wrong("DELETE", "/x");
  const Response r = router.Dispatch(wrong);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(HeaderOf(r, "Allow"), "GET, PUT, HEAD");
  EXPECT_EQ(HeaderOf(r, "content-type"), "application/json");
  FakeRequest missing("GET", "/nowhere");
  const Response not_found = router.Dispatch(missing);
  EXPECT_NE(not_found.body.find("\"code\":\"NOT_FOUND\""), std::string::npos) << not_found.body;
}

TEST(RouterTest, NonStandardExceptionsBecome500) {
  Router router;
  router.Add("GET", "/x", [](Request&) -> Response { throw 42; });
  FakeRequest request("GET", "/x");
  const Response r = router.Dispatch(request);
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("INTERNAL_ERROR"), std::string::npos);
}

TEST(RequestTest, HeadersAreCaseInsensitiveAndQueriesRepeat) {
  FakeRequest r;
  r.headers_.emplace("Content-Type", "text/plain");
  r.query_ = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
  EXPECT_EQ(r.Header("content-TYPE"), "text/plain");
  EXPECT_FALSE(r.Header("accept").has_value());
  EXPECT_EQ(r.Query("a"), "1");
  EXPECT_FALSE(r.Query("c").has_value());
  EXPECT_EQ(r.QueryAll("a"), (std::vector<std::string>{"1", "3"}));
  EXPECT_TRUE(r.QueryAll("c").empty());
}

TEST(RequestTest, ReadWholeBodyEnforcesItsLimit) {
  FakeRequest small("POST", "/", std::string(100, 'x'));
  EXPECT_EQ(small.ReadWholeBody(100).value(), std::string(100, 'x'));
  FakeRequest large("POST", "/", std::string(100001, 'x'));
  EXPECT_EQ(large.ReadWholeBody(100000).status().kind(), Status::Kind::kPayloadTooLarge);
}

TEST(ServeFileTest, HeadersOfPartialAndUnsatisfiableAnswers) {
  FakeRequest r;
  r.headers_.emplace("Range", "bytes=10-19");
  const Response partial = ServeFile(r, "/f", 100, "\"e\"", "application/zip", "a.zip");
  EXPECT_EQ(HeaderOf(partial, "Content-Range"), "bytes 10-19/100");
  EXPECT_EQ(HeaderOf(partial, "Accept-Ranges"), "bytes");
  EXPECT_EQ(HeaderOf(partial, "Content-Type"), "application/zip");
  EXPECT_EQ(HeaderOf(partial, "ETag"), "\"e\"");
  EXPECT_EQ(HeaderOf(partial, "Content-Disposition"), "attachment; filename=\"a.zip\"");
  FakeRequest beyond;
  beyond.headers_.emplace("Range", "bytes=-0");
  const Response unsatisfiable = ServeFile(beyond, "/f", 100, "\"e\"", "x", "a");
  EXPECT_EQ(unsatisfiable.status, 416);
  EXPECT_EQ(HeaderOf(unsatisfiable, "Content-Range"), "bytes */100");
  EXPECT_FALSE(unsatisfiable.file.has_value());
}

TEST(ServeFileTest, MalformedOrStaleRangesGetTheWholeFile) {
  for (const std::string header : {"bytes=9-3", "bytes=a-b", "items=0-1", "bytes=-", "bytes=5"}) {
    FakeRequest r;
    r.headers_.emplace("Range", header);
    EXPECT_EQ(ServeFile(r, "/f", 100, "\"e\"", "x", "a").status, 200) << header;
  }
  FakeRequest stale;
  stale.headers_.emplace("Range", "bytes=0-1");
  stale.headers_.emplace("If-Range", "\"old\"");
  EXPECT_EQ(ServeFile(stale, "/f", 100, "\"e\"", "x", "a").status, 200);
  FakeRequest fresh;
  fresh.headers_.emplace("Range", "bytes=0-1");
  fresh.headers_.emplace("If-Range", "\"e\"");
  EXPECT_EQ(ServeFile(fresh, "/f", 100, "\"e\"", "x", "a").status, 206);
}

TEST(ServeFileTest, IfNoneMatchListsAndWeakTags) {
  for (const std::string header : {"\"a\", \"e\"", "W/\"e\"", "*"}) {
    FakeRequest r;
    r.headers_.emplace("If-None-Match", header);
    EXPECT_EQ(ServeFile(r, "/f", 100, "\"e\"", "x", "a").status, 304) << header;
  }
  FakeRequest other;
  other.headers_.emplace("If-None-Match", "\"a\", \"b\"");
  EXPECT_EQ(ServeFile(other, "/f", 100, "\"e\"", "x", "a").status, 200);
}

TEST(ServeFileTest, DownloadNamesCannotBreakTheHeader) {
  FakeRequest r;
  const Response quoted = ServeFile(r, "/f", 1, "\"e\"", "x", "a\"b\\c\r\nX: y.zip");
  EXPECT_EQ(HeaderOf(quoted, "Content-Disposition"), "attachment; filename=\"a\\\"b\\\\cX: y.zip\"");
  const Response accented = ServeFile(r, "/f", 1, "\"e\"", "x", "caf\xc3\xa9 1.zip");
  EXPECT_EQ(HeaderOf(accented, "Content-Disposition"),
            "attachment; filename=\"caf__ 1.zip\"; filename*=UTF-8''caf%C3%A9%201.zip");
}

TEST(ResponseTest, ErrorsUseTheExchangeShape) {
  const Response r = Response::Error(Status::InvalidArgument("CODE", "message", {"one", "two"}));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"status":400,"code":"CODE","message":"message","details":{"errors":["one","two"]}})");
}

TEST(ResponseTest, ErrorDetailsCarryMoreMembersButKeepTheErrors) {
  Status status = Status::Conflict("INCOMPATIBLE_VERSION", "breaks", {"one"});
  status.WithDetails(R"({"report":{"breaking":true},"errors":["ignored"]})");
  EXPECT_EQ(Response::Error(status).body,
            R"({"status":409,"code":"INCOMPATIBLE_VERSION","message":"breaks","details":{"errors":["one"],"report":{"breaking":true}}})");
  status.WithDetails("not json");
  EXPECT_EQ(Response::Error(status).body,
            R"({"status":409,"code":"INCOMPATIBLE_VERSION","message":"breaks","details":{"errors":["one"]}})");
}

TEST(ServeFileTest, RangesEtagsAndUnsatisfiableRanges) {
  FakeRequest plain;
  Response whole = ServeFile(plain, "/f", 1000, "\"e\"", "application/zip", "a.zip");
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.file->offset, 0u);
  EXPECT_EQ(whole.file->length, 1000u);
  const std::pair<std::string, std::pair<uint64_t, uint64_t>> ranges[] = {
      {"bytes=0-9", {0, 10}}, {"bytes=990-", {990, 10}}, {"bytes=-10", {990, 10}}, {"bytes=5-5000", {5, 995}}};
  for (const auto& [header, expected] : ranges) {
    FakeRequest r;
    r.headers_.emplace("Range", header);
    Response partial = ServeFile(r, "/f", 1000, "\"e\"", "application/zip", "a.zip");
    EXPECT_EQ(partial.status, 206) << header;
    EXPECT_EQ(partial.file->offset, expected.first) << header;
    EXPECT_EQ(partial.file->length, expected.second) << header;
  }
  FakeRequest beyond;
  beyond.headers_.emplace("range", "bytes=1000-");
  EXPECT_EQ(ServeFile(beyond, "/f", 1000, "\"e\"", "x", "a").status, 416);
  FakeRequest multi;
  multi.headers_.emplace("Range", "bytes=0-1,5-6");
  EXPECT_EQ(ServeFile(multi, "/f", 1000, "\"e\"", "x", "a").status, 200);
  FakeRequest cached;
  cached.headers_.emplace("If-None-Match", "\"e\"");
  EXPECT_EQ(ServeFile(cached, "/f", 1000, "\"e\"", "x", "a").status, 304);
}

}  // namespace
}  // namespace agora::server

namespace agora::server {
namespace {

TEST(RateLimiterTest, CountsPerClientInOneMinuteWindows) {
  RateLimiter limiter(2);
  EXPECT_EQ(limiter.Admit("bearer a", 1000).remaining, 1u);
  EXPECT_TRUE(limiter.Admit("bearer a", 2000).allowed);
  const RateDecision refused = limiter.Admit("bearer a", 3000);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0u);
  EXPECT_EQ(refused.reset_seconds, 58);
  EXPECT_TRUE(limiter.Admit("bearer b", 3000).allowed) << "another client has its own window";
  EXPECT_TRUE(limiter.Admit("bearer a", 61000).allowed) << "a new window starts after a minute";
}

// Two servers sharing their counts: a client spreading its requests over both gets the limit of one.
class FakeSharedCounts : public SharedRateCounts {
 public:
  Result<uint64_t> Add(const std::string& client, int64_t window_start_millis, uint64_t count) override {
    std::lock_guard lock(mutex);
    return totals[client + "@" + std::to_string(window_start_millis)] += count;
  }
  std::mutex mutex;
  std::map<std::string, uint64_t> totals;
};

TEST(RateLimiterTest, ServersSharingCountsKeepOneLimit) {
  FakeSharedCounts shared;
  RateLimiter a(10, &shared), b(10, &shared);
  const int64_t now = 60'000 * 1000 + 5'000;
  int admitted = 0;
  for (int i = 0; i < 6; ++i) admitted += a.Admit("bearer t", now).allowed;
  EXPECT_EQ(admitted, 6);
  std::this_thread::sleep_for(std::chrono::milliseconds(350));  // a's counts reach the shared ones
  for (int i = 0; i < 10; ++i) admitted += b.Admit("bearer t", now + 1).allowed;
  EXPECT_EQ(admitted, 10) << "b knew of a's six at the client's first request";
  const RateDecision refused = b.Admit("bearer t", now + 2);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0u);
  EXPECT_EQ(refused.reset_seconds, 55) << "windows start on the minute";
  EXPECT_TRUE(a.Admit("bearer t", now + 60'000).allowed) << "the next minute starts afresh";
  EXPECT_TRUE(b.Admit("bearer other", now).allowed) << "other clients have their own counts";
}

// A client whose requests reach each server rarely (here, one in turn every 120 ms) is counted
// exactly: each server reads the shared total again before it decides.
TEST(RateLimiterTest, ASlowClientOverSeveralServersIsCountedExactly) {
  FakeSharedCounts shared;
  RateLimiter a(5, &shared), b(5, &shared), c(5, &shared);
  RateLimiter* servers[] = {&a, &b, &c};
  const int64_t now = 60'000 * 1000 + 5'000;
  std::vector<bool> allowed;
  for (int i = 0; i < 7; ++i) {
    allowed.push_back(servers[i % 3]->Admit("bearer slow", now + i).allowed);
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
  }
  EXPECT_EQ(allowed, (std::vector<bool>{true, true, true, true, true, false, false}));
}

TEST(RateLimiterTest, RouterAnswers429WithHeaders) {
  Router router;
  router.Add("GET", "/x", [](Request&) { return Response::NoContent(); });
  router.LimitRate(1);
  FakeRequest first("GET", "/x");
  first.headers_.emplace("Authorization", "bearer t");
  const Response ok = router.Dispatch(first);
  EXPECT_EQ(ok.status, 204);
  FakeRequest second("GET", "/x");
  second.headers_.emplace("Authorization", "bearer t");
  const Response refused = router.Dispatch(second);
  EXPECT_EQ(refused.status, 429);
  auto header = [&](const Response& r, const std::string& name) {
    for (const auto& [key, value] : r.headers)
      if (key == name) return value;
    return std::string();
  };
  EXPECT_EQ(header(ok, "X-RateLimit-Limit"), "1");
  EXPECT_EQ(header(ok, "X-RateLimit-Remaining"), "0");
  EXPECT_FALSE(header(refused, "Retry-After").empty());
  FakeRequest anonymous("GET", "/x");
  EXPECT_EQ(router.Dispatch(anonymous).status, 204) << "no token: limited by address, separately";
}

}  // namespace
}  // namespace agora::server
