#include "server/multipart.h"

#include <gtest/gtest.h>

#include <random>

#include "server/fake_request.h"

namespace agora::server {
namespace {

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

Status FeedInPieces(MultipartParser& parser, const std::string& body, const std::vector<size_t>& cuts) {
  size_t at = 0;
  for (size_t cut : cuts) {
    AGORA_RETURN_IF_ERROR(parser.Feed(body.data() + at, cut - at));
    at = cut;
  }
  AGORA_RETURN_IF_ERROR(parser.Feed(body.data() + at, body.size() - at));
  return parser.Finish();
}

TEST(MultipartTest, RandomSplitsOfBinaryDataFullOfDelimiterPrefixes) {
  std::mt19937 random(7);
  std::string binary;
  for (int i = 0; i < 20000; ++i) {
    binary += static_cast<char>(random() & 0xff);
    if (i % 997 == 0) binary += "\r\n--B0undarX";  // the delimiter but for its last byte
    if (i % 1999 == 0) binary += "\r\n\r\n--";
  }
  const std::string form = Form(binary);
  for (int round = 0; round < 200; ++round) {
    std::vector<size_t> cuts(1 + random() % 40);
    for (auto& cut : cuts) cut = random() % form.size();
    std::sort(cuts.begin(), cuts.end());
    RecordingHandler handler;
    MultipartParser parser("B0undary", handler, MultipartLimits{});
    ASSERT_TRUE(FeedInPieces(parser, form, cuts).ok()) << "round " << round;
    ASSERT_EQ(handler.parts.size(), 2u);
    ASSERT_EQ(handler.parts[1].data, binary) << "round " << round;
  }
}

// Two file parts back to back, so that the delimiter between them can be split at every offset
// while both sides of the cut are larger than a delimiter (the in-place path of Feed).
TEST(MultipartTest, DelimitersSplitAtEveryOffsetBetweenLargePieces) {
  std::mt19937 random(3);
  std::string first, second;
  for (int i = 0; i < 3000; ++i) first += static_cast<char>(random() & 0xff);
  for (int i = 0; i < 3000; ++i) second += static_cast<char>(random() & 0xff);
  first += "\r\n--B0undar";  // a delimiter prefix right before the real one
  const std::string head = "--B0undary\r\nContent-Disposition: form-data; name=\"one\"; filename=\"1\"\r\n\r\n";
  const std::string middle = "\r\n--B0undary\r\nContent-Disposition: form-data; name=\"two\"; filename=\"2\"\r\n\r\n";
  const std::string form = head + first + middle + second + "\r\n--B0undary--\r\n";
  const size_t delimiter_at = head.size() + first.size();
  for (size_t offset = 0; offset <= 14; ++offset) {
    for (size_t lead : {size_t{0}, size_t{1}, size_t{5}, size_t{13}}) {
      // A small piece just before the cut leaves held-back bytes that begin the delimiter.
      const size_t cut = delimiter_at + offset;
      RecordingHandler handler;
      MultipartParser parser("B0undary", handler, MultipartLimits{});
      ASSERT_TRUE(FeedInPieces(parser, form, {head.size() + 100, cut - lead, cut}).ok()) << offset << "/" << lead;
      ASSERT_EQ(handler.parts.size(), 2u);
      EXPECT_EQ(handler.parts[0].data, first) << "offset " << offset << ", lead " << lead;
      EXPECT_EQ(handler.parts[1].data, second) << "offset " << offset << ", lead " << lead;
    }
  }
}

// In a part's body the data is handed on from the pushed chunk itself: only what was held back
// between two chunks (less than a delimiter) passes through the parser's buffer.
TEST(MultipartTest, FileDataIsHandedOnWithoutCopying) {
  class WhereFrom : public RecordingHandler {
   public:
    const char* chunk = nullptr;
    size_t chunk_size = 0;
    size_t copied = 0;  // bytes of the file part handed on from elsewhere than the pushed chunk
    Status OnPartData(const char* data, size_t size) override {
      if (parts.back().headers.filename && !(data >= chunk && data + size <= chunk + chunk_size)) copied += size;
      return RecordingHandler::OnPartData(data, size);
    }
  } handler;
  std::string binary(200000, '\0');
  std::mt19937 random(5);
  for (char& c : binary) c = static_cast<char>(random() & 0xff);
  const std::string form = Form(binary);
  MultipartParser parser("B0undary", handler, MultipartLimits{});
  const size_t body_start = form.find(binary);
  size_t pieces = 0;
  for (size_t at = 0; at < form.size(); ++pieces) {
    const size_t n = at == 0 ? body_start : std::min<size_t>(10000, form.size() - at);
    handler.chunk = form.data() + at;
    handler.chunk_size = n;
    ASSERT_TRUE(parser.Feed(form.data() + at, n).ok());
    at += n;
  }
  ASSERT_TRUE(parser.Finish().ok());
  EXPECT_EQ(handler.parts[1].data, binary);
  EXPECT_LE(handler.copied, pieces * std::string("\r\n--B0undary").size());
}

TEST(MultipartTest, EmptyPartsTokensPaddingAndExtendedFilenames) {
  const std::string body =
      "--B \t\r\nContent-Disposition: form-data; name=empty\r\n\r\n\r\n"
      "--B\r\nCONTENT-DISPOSITION: form-data; flag; name=\"f\"; filename=plain.zip; "
      "filename*=UTF-8''caf%C3%A9.zip\r\n\r\nx\r\n"
      "--B\r\nContent-Disposition: form-data; name=\"g\"; filename*=latin1''x%E9.zip; filename=\"semi;colon\"\r\n"
      "\r\ny\r\n--B--";
  RecordingHandler handler;
  MultipartParser parser("B", handler, MultipartLimits{});
  ASSERT_TRUE(parser.Feed(body.data(), body.size()).ok());
  ASSERT_TRUE(parser.Finish().ok());
  ASSERT_EQ(handler.parts.size(), 3u);
  EXPECT_EQ(handler.parts[0].headers.name, "empty");
  EXPECT_EQ(handler.parts[0].data, "");
  EXPECT_EQ(handler.parts[1].headers.filename, "caf\xc3\xa9.zip");
  EXPECT_EQ(handler.parts[1].headers.content_type, "");
  EXPECT_EQ(handler.parts[2].headers.filename, "semi;colon");
}

TEST(MultipartTest, RejectsPartsWithoutANameAndLongHeadersWhileStreaming) {
  RecordingHandler handler;
  MultipartParser unnamed("B", handler, MultipartLimits{});
  const std::string no_name = "--B\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\nx\r\n--B--";
  EXPECT_EQ(unnamed.Feed(no_name.data(), no_name.size()).code(), "INVALID_MULTIPART");
  // Headers that never end are refused once they pass the limit, not buffered forever.
  MultipartLimits limits;
  limits.max_part_header_bytes = 1024;
  MultipartParser endless("B", handler, limits);
  const std::string start = "--B\r\nX-Padding: ";
  ASSERT_TRUE(endless.Feed(start.data(), start.size()).ok());
  Status status;
  size_t fed = 0;
  while (status.ok() && fed < 100000) {
    status = endless.Feed("a", 1);
    ++fed;
  }
  EXPECT_EQ(status.code(), "INVALID_MULTIPART");
  EXPECT_NE(status.message().find("too long"), std::string::npos);
  EXPECT_LE(fed, 1100u);
}

TEST(MultipartTest, EveryHandlerErrorIsReturnedUnchanged) {
  struct FailingHandler : RecordingHandler {
    int fail_at;  // 0: begin, 1: data, 2: end
    explicit FailingHandler(int at) : fail_at(at) {}
    Status OnPartBegin(const MultipartPart& part) override {
      return fail_at == 0 ? Status::Forbidden("no parts") : RecordingHandler::OnPartBegin(part);
    }
    Status OnPartData(const char* data, size_t size) override {
      return fail_at == 1 ? Status::NoSpace("disk full") : RecordingHandler::OnPartData(data, size);
    }
    Status OnPartEnd() override { return fail_at == 2 ? Status::Conflict("DUP", "twice") : Status::Ok(); }
  };
  const std::string form = Form("data");
  const Status::Kind expected[] = {Status::Kind::kForbidden, Status::Kind::kNoSpace, Status::Kind::kConflict};
  for (int at = 0; at < 3; ++at) {
    FailingHandler handler(at);
    MultipartParser parser("B0undary", handler, MultipartLimits{});
    const Status status = parser.Feed(form.data(), form.size());
    EXPECT_EQ(status.kind(), expected[at]) << at;
  }
}

TEST(MultipartTest, ParseMultipartChecksTheContentType) {
  FakeRequest json("POST", "/", "{}");
  json.headers_.emplace("Content-Type", "application/json");
  RecordingHandler handler;
  EXPECT_EQ(ParseMultipart(json, handler, MultipartLimits{}).code(), "INVALID_MULTIPART");
  FakeRequest none("POST", "/", "");
  EXPECT_EQ(ParseMultipart(none, handler, MultipartLimits{}).code(), "INVALID_MULTIPART");
  FakeRequest truncated("POST", "/", Form("data").substr(0, 150));
  truncated.headers_.emplace("Content-Type", "multipart/form-data; boundary=B0undary");
  const Status status = ParseMultipart(truncated, handler, MultipartLimits{});
  EXPECT_EQ(status.code(), "INVALID_MULTIPART");
  EXPECT_NE(status.message().find("closing"), std::string::npos);
}

TEST(MultipartTest, BoundaryFromContentType) {
  EXPECT_EQ(*BoundaryFromContentType("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(*BoundaryFromContentType("Multipart/Form-Data; charset=utf-8; boundary=\"a b;c\""), "a b;c");
  EXPECT_EQ(BoundaryFromContentType("multipart/form-data").status().code(), "INVALID_MULTIPART");
  EXPECT_EQ(BoundaryFromContentType("application/json").status().code(), "INVALID_MULTIPART");
}

// Large bodies are read 1 MiB at a time: fewer reads and hand-offs per MiB of upload.
TEST(MultipartTest, ParseMultipartReadsLargeBodiesInLargeChunks) {
  class Sizes : public FakeRequest {
   public:
    using FakeRequest::FakeRequest;
    size_t largest_ask = 0;
    Result<size_t> ReadBody(char* buf, size_t n) override {
      largest_ask = std::max(largest_ask, n);
      return FakeRequest::ReadBody(buf, n);
    }
  };
  for (const size_t size : {size_t{1000}, size_t{3} << 20}) {
    Sizes request("POST", "/", Form(std::string(size, 'l')));
    request.headers_.emplace("Content-Type", "multipart/form-data; boundary=B0undary");
    request.content_length_ = Form(std::string(size, 'l')).size();
    RecordingHandler handler;
    ASSERT_TRUE(ParseMultipart(request, handler, MultipartLimits{}).ok());
    EXPECT_EQ(handler.parts[1].data.size(), size);
    EXPECT_EQ(request.largest_ask, size > kLargeBodyBytes ? kLargeReadBytes : kSmallReadBytes) << size;
  }
  EXPECT_EQ(MultipartReadSize(std::nullopt), kSmallReadBytes) << "chunked: no length to go by";
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
