#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "common/ids.h"
#include "server/http.h"
#include "server/multipart.h"

namespace agora::server {
namespace {

// A Request whose body comes from a string, for handler-level tests.
class FakeRequest : public Request {
 public:
  explicit FakeRequest(std::string method = "GET", std::string path = "/", std::string body = "")
      : body_(std::move(body)) {
    method_ = std::move(method);
    path_ = std::move(path);
  }
  Result<size_t> ReadBody(char* buf, size_t n) override {
    const size_t count = std::min(n, body_.size() - offset_);
    std::copy_n(body_.data() + offset_, count, buf);
    offset_ += count;
    return count;
  }

 private:
  std::string body_;
  size_t offset_ = 0;
};

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

TEST(ResponseTest, ErrorsUseTheExchangeShape) {
  const Response r = Response::Error(Status::InvalidArgument("CODE", "message", {"one", "two"}));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"status":400,"code":"CODE","message":"message","details":{"errors":["one","two"]}})");
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

// Records what the parser reports.
class RecordingHandler : public MultipartHandler {
 public:
  struct Part {
    MultipartPart headers;
    std::string data;
  };
  std::vector<Part> parts;
  Status OnPartBegin(const MultipartPart& part) override {
    parts.push_back({part, ""});
    return Status::Ok();
  }
  Status OnPartData(const char* data, size_t size) override {
    parts.back().data.append(data, size);
    return Status::Ok();
  }
  Status OnPartEnd() override { return Status::Ok(); }
};

std::string Form(const std::string& binary) {
  return "preamble\r\n--B0undary\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nMy \"API\"\r\n"
         "--B0undary\r\ncontent-disposition: form-data; name=\"files.raml.zip\"; filename=\"a \\\"b\\\".zip\"\r\n"
         "Content-Type: application/zip\r\n\r\n" + binary + "\r\n--B0undary--\r\nepilogue";
}

TEST(MultipartTest, ParsesFieldsAndFilesInAnyChunking) {
  std::string binary = "\r\n--B0undar\r\nx--B0undary\r\n";  // delimiter look-alikes inside the data
  std::mt19937 random(42);
  for (int i = 0; i < 5000; ++i) binary += static_cast<char>(random() & 0xff);
  const std::string form = Form(binary);
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{7}, size_t{64}, size_t{1000}, form.size()}) {
    RecordingHandler handler;
    MultipartParser parser("B0undary", handler, MultipartLimits{});
    for (size_t i = 0; i < form.size(); i += chunk)
      ASSERT_TRUE(parser.Feed(form.data() + i, std::min(chunk, form.size() - i)).ok()) << chunk;
    ASSERT_TRUE(parser.Finish().ok());
    ASSERT_EQ(handler.parts.size(), 2u);
    EXPECT_EQ(handler.parts[0].headers.name, "name");
    EXPECT_EQ(handler.parts[0].data, "My \"API\"");
    EXPECT_FALSE(handler.parts[0].headers.filename.has_value());
    EXPECT_EQ(handler.parts[1].headers.name, "files.raml.zip");
    EXPECT_EQ(handler.parts[1].headers.filename, "a \"b\".zip");
    EXPECT_EQ(handler.parts[1].headers.content_type, "application/zip");
    EXPECT_EQ(handler.parts[1].data, binary) << "chunk size " << chunk;
  }
}

TEST(MultipartTest, RejectsMalformedBodies) {
  const std::pair<std::string, std::string> cases[] = {
      {"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue", "closing"},
      {"--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--", "Content-Disposition"},
      {"--B\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--B--", "form-data"},
      {"--B\r\nno colon\r\n\r\nx\r\n--B--", "':'"},
      {"--Bjunk\r\n", "CRLF"},
      {"no boundary at all", "closing"}};
  for (const auto& [body, expected] : cases) {
    RecordingHandler handler;
    MultipartParser parser("B", handler, MultipartLimits{});
    Status st = parser.Feed(body.data(), body.size());
    if (st.ok()) st = parser.Finish();
    EXPECT_EQ(st.code(), "INVALID_MULTIPART") << body;
    EXPECT_NE(st.message().find(expected), std::string::npos) << st.message();
  }
}

TEST(MultipartTest, EnforcesLimits) {
  MultipartLimits limits;
  limits.max_parts = 2;
  std::string body;
  for (int i = 0; i < 3; ++i) body += "--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n";
  body += "--B--";
  RecordingHandler handler;
  MultipartParser parser("B", handler, limits);
  EXPECT_EQ(parser.Feed(body.data(), body.size()).code(), "INVALID_MULTIPART");
  limits = MultipartLimits{};
  limits.max_part_header_bytes = 100;
  const std::string long_header = "--B\r\nContent-Disposition: form-data; name=\"" + std::string(200, 'n') + "\"\r\n\r\n";
  MultipartParser strict("B", handler, limits);
  EXPECT_EQ(strict.Feed(long_header.data(), long_header.size()).code(), "INVALID_MULTIPART");
}

TEST(MultipartTest, HandlerErrorsStopParsing) {
  class Refusing : public RecordingHandler {
    Status OnPartData(const char*, size_t) override { return Status::NoSpace("disk full"); }
  } handler;
  const std::string form = Form("data");
  MultipartParser parser("B0undary", handler, MultipartLimits{});
  EXPECT_EQ(parser.Feed(form.data(), form.size()).kind(), Status::Kind::kNoSpace);
}

TEST(MultipartTest, BoundaryFromContentType) {
  EXPECT_EQ(*BoundaryFromContentType("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(*BoundaryFromContentType("Multipart/Form-Data; charset=utf-8; boundary=\"a b;c\""), "a b;c");
  EXPECT_EQ(BoundaryFromContentType("multipart/form-data").status().code(), "INVALID_MULTIPART");
  EXPECT_EQ(BoundaryFromContentType("application/json").status().code(), "INVALID_MULTIPART");
}

TEST(MultipartTest, ParseMultipartReadsTheRequestBody) {
  FakeRequest request("POST", "/", Form(std::string(300000, 'z')));
  request.headers_.emplace("Content-Type", "multipart/form-data; boundary=B0undary");
  RecordingHandler handler;
  ASSERT_TRUE(ParseMultipart(request, handler, MultipartLimits{}).ok());
  ASSERT_EQ(handler.parts.size(), 2u);
  EXPECT_EQ(handler.parts[1].data.size(), 300000u);
}

}  // namespace
}  // namespace agora::server
