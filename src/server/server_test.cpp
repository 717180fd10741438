// Integration tests: a real Server on 127.0.0.1, spoken to over raw sockets so that every byte
// of the HTTP exchange (100 Continue, keep-alive, framing, closes) is under the test's control.
#include "server/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <atomic>
#include <cstdlib>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "common/ids.h"

namespace agora::server {
namespace {

using Clock = std::chrono::steady_clock;

struct Reply {
  int status = 0;
  std::string reason;
  std::map<std::string, std::string, CaseInsensitiveLess> headers;
  std::string body;
  bool has(const std::string& name) const { return headers.count(name) > 0; }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "<absent>" : it->second;
  }
};

// A blocking HTTP/1.1 client over one TCP connection; every read gives up after 5 seconds.
class Client {
 public:
  explicit Client(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Client() { ::close(fd_); }

  bool connected() const { return connected_; }
  int fd() const { return fd_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads a response; its body by Content-Length unless `head` or the status has none.
  std::optional<Reply> Read(bool head = false) {
    size_t end;
    while ((end = buffered_.find("\r\n\r\n")) == std::string::npos)
      if (!Fill()) return std::nullopt;
    Reply reply;
    const std::string head_block = buffered_.substr(0, end);
    buffered_.erase(0, end + 4);
    reply.status = std::stoi(head_block.substr(9, 3));
    reply.reason = head_block.substr(13, head_block.find("\r\n") - 13);
    size_t line = head_block.find("\r\n");
    while (line != std::string::npos) {
      const size_t next = head_block.find("\r\n", line + 2);
      const std::string field = head_block.substr(line + 2, next == std::string::npos ? next : next - line - 2);
      const size_t colon = field.find(':');
      reply.headers.emplace(field.substr(0, colon), field.substr(colon + 2));
      line = next;
    }
    if (head || reply.status == 100 || reply.status == 204 || reply.status == 304) return reply;
    const size_t length = std::stoul(reply.header("Content-Length"));
    while (buffered_.size() < length)
      if (!Fill()) return std::nullopt;
    reply.body = buffered_.substr(0, length);
    buffered_.erase(0, length);
    return reply;
  }

  std::optional<Reply> Exchange(const std::string& request, bool head = false) {
    if (!Send(request)) return std::nullopt;
    return Read(head);
  }

  // True if the server closed the connection (rather than the read timing out).
  bool ClosedByServer() {
    char c;
    while (true) {
      const ssize_t n = ::recv(fd_, &c, 1, 0);
      if (n == 0 || (n < 0 && errno == ECONNRESET)) return true;
      if (n < 0) return false;
    }
  }

  // Bytes already received but not consumed by Read.
  const std::string& buffered() const { return buffered_; }

 private:
  bool Fill() {
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffered_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
  std::string buffered_;
};

std::string Get(const std::string& target, const std::string& extra_headers = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extra_headers + "\r\n";
}

// Reads the whole body with ReadBody in reads of up to `buffer_bytes`, pausing before each, and
// answers 200 with the reads' sizes folded into one figure.
Response ReadBodyPaced(Request& request, std::chrono::milliseconds pause, size_t buffer_bytes,
                       uint64_t (*fold)(uint64_t so_far, size_t read)) {
  std::vector<char> buffer(buffer_bytes);
  uint64_t figure = 0;
  while (true) {
    std::this_thread::sleep_for(pause);
    auto n = request.ReadBody(buffer.data(), buffer.size());
    if (!n.ok()) return Response::Error(n.status());
    if (*n == 0) return Response::Text(200, std::to_string(figure));
    figure = fold(figure, *n);
  }
}

uint64_t Sum(uint64_t so_far, size_t read) { return so_far + read; }
uint64_t Largest(uint64_t so_far, size_t read) { return std::max<uint64_t>(so_far, read); }

// Counts the body with ReadBody, 64 KiB at a time.
Response CountBody(Request& request) { return ReadBodyPaced(request, std::chrono::milliseconds(0), 64 * 1024, Sum); }

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() / ("agora-server-test-" + RandomHex(8));
    std::filesystem::create_directories(directory_);
    file_path_ = (directory_ / "asset.zip").string();
    for (int i = 0; i < 1 << 20; ++i) file_content_ += static_cast<char>('a' + i % 26);
    std::ofstream(file_path_, std::ios::binary) << file_content_;

    router_.Add("GET", "/hello/{name}", [](Request& r) { return Response::Text(200, "hello " + r.Param("name")); });
    router_.Add("GET", "/echo", [](Request& r) { return Response::Text(200, r.path() + "?" + r.Query("q").value_or("")); });
    router_.Add("POST", "/count", CountBody);
    // Lets the socket fill before each read, then reports the largest single read.
    router_.Add("POST", "/largest", [](Request& r) {
      return ReadBodyPaced(r, std::chrono::milliseconds(20), 1 << 20, Largest);
    });
    // Reads slower than a loopback client sends, so the socket always holds data.
    router_.Add("POST", "/slow-count", [](Request& r) {
      return ReadBodyPaced(r, std::chrono::milliseconds(10), 1 << 20, Sum);
    });
    router_.Add("POST", "/status", [this](Request& r) {
      Response counted = CountBody(r);
      std::lock_guard lock(status_mutex_);
      last_status_ = counted.status == 200 ? "ok" : counted.body;
      status_cv_.notify_all();
      return counted;
    });
    router_.Add("POST", "/ignore", [](Request&) { return Response::Text(200, "ignored"); });
    // Counts the body of requests whose head carries "X-Key: open", refuses the others unread.
    router_.Add("PUT", "/guarded", CountBody, [this](Request& r) -> std::optional<Response> {
      ++admissions_;
      if (r.Header("x-key") == "open") return std::nullopt;
      Response refusal = Response::Error(Status::Unauthorized());
      refusal.reason = "Wrong key\r\nX-Forged: 1";
      return refusal;
    });
    router_.Add("GET", "/file", [this](Request& r) {
      return ServeFile(r, file_path_, file_content_.size(), "\"v1\"", "application/zip", "asset.zip");
    });
    router_.Add("GET", "/slow", [this](Request&) {
      slow_started_ = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      return Response::Text(200, "slow done");
    });
  }

  void TearDown() override {
    if (server_) {
      server_->Stop();
      server_->Wait();
    }
    std::filesystem::remove_all(directory_);
  }

  uint16_t StartServer(ServerOptions options = {}, bool tls = false) {
    options.endpoints = {ListenEndpoint{"127.0.0.1", 0, tls}};
    if (options.threads == 0) options.threads = 4;
    if (options.drain_timeout_seconds == 30) options.drain_timeout_seconds = 5;
    server_ = std::make_unique<Server>(options, router_);
    const Status status = server_->Start();
    EXPECT_TRUE(status.ok()) << status.ToString();
    return server_->bound_ports().at(0);
  }

  // Sends /slow-count a 2 GiB body (20 s at the handler's pace) as fast as the server takes it,
  // until the server closes the connection.
  static std::thread SendLargeBody(uint16_t port) {
    return std::thread([port] {
      constexpr uint64_t kSize = 2ull << 30;
      Client client(port);
      if (!client.Send("POST /slow-count HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(kSize) + "\r\n\r\n"))
        return;
      const std::string chunk(1 << 20, 's');
      for (uint64_t sent = 0; sent < kSize && client.Send(chunk); sent += chunk.size()) {
      }
    });
  }

  std::filesystem::path directory_;
  std::string file_path_;
  std::string file_content_;
  std::atomic<bool> slow_started_{false};
  std::atomic<int> admissions_{0};
  std::mutex status_mutex_;
  std::condition_variable status_cv_;
  std::string last_status_;  // what /status's body reading ended with
  Router router_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, BindsAnEphemeralPortAndServesKeepAliveRequests) {
  const uint16_t port = StartServer();
  EXPECT_NE(port, 0);
  Client client(port);
  ASSERT_TRUE(client.connected());
  auto first = client.Exchange(Get("/hello/ana"));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, "hello ana");
  EXPECT_EQ(first->header("Server"), "agora");
  EXPECT_EQ(first->header("Content-Length"), "9");
  auto second = client.Exchange(Get("/echo?q=a%20b+c"));  // same connection
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "/echo?a b c");
  // Pipelined requests are answered in order.
  ASSERT_TRUE(client.Send(Get("/hello/x") + Get("/hello/y")));
  EXPECT_EQ(client.Read()->body, "hello x");
  EXPECT_EQ(client.Read()->body, "hello y");
}

TEST_F(ServerTest, ErrorsAreExchangeJsonAndConnectionCloseIsHonoured) {
  const uint16_t port = StartServer();
  Client client(port);
  auto missing = client.Exchange(Get("/nowhere"));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->header("Content-Type"), "application/json");
  EXPECT_NE(missing->body.find("\"code\":\"NOT_FOUND\""), std::string::npos);
  auto wrong_method = client.Exchange("DELETE /hello/x HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(wrong_method);
  EXPECT_EQ(wrong_method->status, 405);
  EXPECT_EQ(wrong_method->header("Allow"), "GET, HEAD");
  auto closing = client.Exchange(Get("/hello/x", "Connection: close\r\n"));
  ASSERT_TRUE(closing);
  EXPECT_EQ(closing->header("Connection"), "close");
  EXPECT_TRUE(client.ClosedByServer());
}

TEST_F(ServerTest, BadTargetsAndMalformedRequestsGet400ThenClose) {
  const uint16_t port = StartServer();
  for (const std::string target : {"/hello/a%2Fb", "/hello/a%00", "/hello/%zz"}) {
    Client client(port);
    auto reply = client.Exchange(Get(target));
    ASSERT_TRUE(reply) << target;
    EXPECT_EQ(reply->status, 400) << target;
    EXPECT_TRUE(client.ClosedByServer()) << target;
  }
  Client garbage(port);
  auto reply = garbage.Exchange("THIS IS NOT HTTP\r\n\r\n");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_NE(reply->body.find("BAD_REQUEST"), std::string::npos);
  EXPECT_TRUE(garbage.ClosedByServer());
}

long ResidentKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

TEST_F(ServerTest, StreamsA50MegabyteUploadThroughBoundedMemory) {
  const uint16_t port = StartServer();
  Client client(port);
  constexpr uint64_t kSize = 50ull << 20;
  const std::string chunk(1 << 20, 'u');
  const long before = ResidentKiB();
  ASSERT_TRUE(client.Send("POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(kSize) + "\r\n\r\n"));
  for (uint64_t sent = 0; sent < kSize; sent += chunk.size()) ASSERT_TRUE(client.Send(chunk));
  auto reply = client.Read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, std::to_string(kSize));
  EXPECT_LT(ResidentKiB() - before, 20 * 1024) << "the upload was buffered";
  // The connection is still usable.
  EXPECT_EQ(client.Exchange(Get("/hello/again"))->body, "hello again");
}

// A Content-Length body is read past Beast's parser: what arrived with the header first, then
// the socket, never beyond the body's end, so a pipelined request right behind it is intact.
TEST_F(ServerTest, ALengthBodyEndsExactlyWherePipelinedRequestsBegin) {
  const uint16_t port = StartServer();
  Client client(port);
  for (const size_t size : {size_t{1}, size_t{10}, size_t{70000}, size_t{3} << 20}) {
    const std::string post = "POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n";
    ASSERT_TRUE(client.Send(post + std::string(size, 'p') + Get("/hello/next") + post + std::string(size, 'q')));
    auto counted = client.Read();
    ASSERT_TRUE(counted);
    EXPECT_EQ(counted->body, std::to_string(size));
    auto next = client.Read();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->body, "hello next");
    auto again = client.Read();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->body, std::to_string(size));
  }
}

// One read returns what the socket holds, up to the handler's buffer: not 64 KiB at a time.
TEST_F(ServerTest, LargeBodyReadsAreNotCutInto64KiBPieces) {
  const uint16_t port = StartServer();
  Client client(port);
  constexpr size_t kSize = 8 << 20;
  ASSERT_TRUE(client.Send("POST /largest HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(kSize) + "\r\n\r\n"));
  ASSERT_TRUE(client.Send(std::string(kSize, 'l')));
  auto reply = client.Read();
  ASSERT_TRUE(reply);
  EXPECT_GT(std::stoul(reply->body), 128u * 1024) << "largest single read";
}

// A client that goes away mid-body gives the handler an error at once, not a hang.
TEST_F(ServerTest, AClientClosingMidBodyFailsTheRead) {
  const uint16_t port = StartServer();
  {
    Client client(port);
    ASSERT_TRUE(client.Send("POST /status HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n" +
                            std::string(300000, 'c')));
  }
  std::unique_lock lock(status_mutex_);
  ASSERT_TRUE(status_cv_.wait_for(lock, std::chrono::seconds(3), [this] { return !last_status_.empty(); }));
  EXPECT_NE(last_status_.find("bytes before the end of the request body"), std::string::npos) << last_status_;
}

// A body the client spoiled is its error, not the server's: 400, with the contract's JSON shape.
TEST_F(ServerTest, AMalformedChunkedBodyIsABadRequest) {
  const uint16_t port = StartServer();
  Client client(port);
  auto reply = client.Exchange("POST /count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "ZZZ\r\nabc\r\n0\r\n\r\n");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_NE(reply->body.find("INVALID_REQUEST_BODY"), std::string::npos) << reply->body;
}

TEST_F(ServerTest, ABodyCutShortIsABadRequest) {
  const uint16_t port = StartServer();
  Client client(port);
  ASSERT_TRUE(client.Send("POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nshort"));
  ASSERT_EQ(::shutdown(client.fd(), SHUT_WR), 0);
  auto reply = client.Read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_NE(reply->body.find("INCOMPLETE_REQUEST_BODY"), std::string::npos) << reply->body;
}

// Links in answers are built from Host: a value that is not a host and port is refused.
TEST_F(ServerTest, AnInvalidHostIsABadRequest) {
  const uint16_t port = StartServer();
  for (const std::string host : {"evil.example\"><script>", "user@host", "a b", ":80"}) {
    Client client(port);
    auto reply = client.Exchange("GET /echo HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    ASSERT_TRUE(reply) << host;
    EXPECT_EQ(reply->status, 400) << host;
    EXPECT_NE(reply->body.find("INVALID_HOST"), std::string::npos) << reply->body;
  }
  for (const std::string host : {"example.com", "127.0.0.1:8080", "[::1]:80", "exchange.internal"}) {
    Client client(port);
    auto reply = client.Exchange("GET /echo HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    ASSERT_TRUE(reply) << host;
    EXPECT_EQ(reply->status, 200) << host;
  }
  Client twice(port);
  auto reply = twice.Exchange("GET /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
}

TEST_F(ServerTest, ReadsChunkedBodies) {
  const uint16_t port = StartServer();
  Client client(port);
  auto reply = client.Exchange(
      "POST /count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, "21");
}

TEST_F(ServerTest, SendsContinueOnlyWhenTheHandlerReadsTheBody) {
  const uint16_t port = StartServer();
  Client client(port);
  const std::string body(100000, 'b');
  ASSERT_TRUE(client.Send("POST /count HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n"));
  auto proceed = client.Read();
  ASSERT_TRUE(proceed) << "no 100 Continue: the client would wait";
  EXPECT_EQ(proceed->status, 100);
  ASSERT_TRUE(client.Send(body));
  auto counted = client.Read();
  ASSERT_TRUE(counted);
  EXPECT_EQ(counted->body, "100000");

  // A handler that answers without reading: no 100 Continue, the final answer comes at once,
  // and since the body was never sent the connection cannot be reused.
  Client refused(port);
  const auto start = Clock::now();
  auto reply = refused.Exchange("POST /ignore HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("Connection"), "close");
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(900));
}

TEST_F(ServerTest, AnAdmissionRefusesBeforeContinueSoNoBodyIsSent) {
  const uint16_t port = StartServer();
  const std::string head = "PUT /guarded HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n";
  Client refused(port);
  const auto start = Clock::now();
  auto reply = refused.Exchange(head + "X-Key: wrong\r\n\r\n");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 401) << "the refusal, not 100 Continue, is the first answer";
  EXPECT_EQ(reply->reason, "Wrong key  X-Forged: 1") << "the handler's reason phrase, unable to forge headers";
  EXPECT_FALSE(reply->has("X-Forged"));
  EXPECT_EQ(reply->header("Connection"), "close") << "the body was never sent: the connection cannot be reused";
  EXPECT_TRUE(refused.ClosedByServer());
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(900));
  EXPECT_EQ(admissions_, 1);

  Client admitted(port);
  ASSERT_TRUE(admitted.Send(head + "X-Key: open\r\n\r\n"));
  auto proceed = admitted.Read();
  ASSERT_TRUE(proceed);
  EXPECT_EQ(proceed->status, 100);
  ASSERT_TRUE(admitted.Send(std::string(100000, 'b')));
  auto counted = admitted.Read();
  ASSERT_TRUE(counted);
  EXPECT_EQ(counted->status, 200);
  EXPECT_EQ(counted->reason, "OK");
  EXPECT_EQ(counted->body, "100000");
}

TEST_F(ServerTest, DrainsSmallUnreadBodiesAndClosesOnLargeOnes) {
  const uint16_t port = StartServer();
  Client small(port);
  auto first = small.Exchange("POST /ignore HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'x'));
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->has("Connection"));
  EXPECT_EQ(small.Exchange(Get("/hello/kept"))->body, "hello kept");

  Client large(port);
  const std::string headers = "POST /ignore HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\n";
  ASSERT_TRUE(large.Send(headers + std::string(100000, 'x')));
  auto reply = large.Read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("Connection"), "close");
}

TEST_F(ServerTest, RefusesBodiesOverTheLimit) {
  ServerOptions options;
  options.max_body_bytes = 64 * 1024;
  const uint16_t port = StartServer(options);
  // Announced by Content-Length with Expect: refused before the client sends anything.
  Client announced(port);
  ASSERT_TRUE(announced.Send("POST /count HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\n\r\n"));
  auto refused = announced.Read();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413);
  EXPECT_NE(refused->body.find("PAYLOAD_TOO_LARGE"), std::string::npos);
  EXPECT_EQ(refused->header("Connection"), "close");
  // Announced and sent at once: the 413 still reaches the client.
  Client eager(port);
  ASSERT_TRUE(eager.Send("POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: 300000\r\n\r\n"));
  eager.Send(std::string(300000, 'e'));
  auto eager_reply = eager.Read();
  ASSERT_TRUE(eager_reply);
  EXPECT_EQ(eager_reply->status, 413);
  // Chunked: no length up front, refused once the count passes the limit.
  Client chunked(port);
  ASSERT_TRUE(chunked.Send("POST /count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"));
  std::string chunks;
  for (int i = 0; i < 10; ++i) chunks += "8000\r\n" + std::string(0x8000, 'c') + "\r\n";
  chunked.Send(chunks);
  auto chunked_reply = chunked.Read();
  ASSERT_TRUE(chunked_reply);
  EXPECT_EQ(chunked_reply->status, 413);
}

TEST_F(ServerTest, RefusesHugeHeadersWith431) {
  ServerOptions options;
  options.max_header_bytes = 8 * 1024;
  const uint16_t port = StartServer(options);
  Client client(port);
  auto reply = client.Exchange(Get("/hello/x", "X-Big: " + std::string(20000, 'h') + "\r\n"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 431);
  EXPECT_NE(reply->body.find("REQUEST_HEADER_FIELDS_TOO_LARGE"), std::string::npos);
  EXPECT_TRUE(client.ClosedByServer());
}

TEST_F(ServerTest, ClosesConnectionsThatSendNoHeadersInTime) {
  ServerOptions options;
  options.header_timeout_seconds = 1;
  const uint16_t port = StartServer(options);
  Client silent(port);
  Client trickling(port);
  ASSERT_TRUE(trickling.Send("GET /hello/x HTTP/1.1\r\n"));  // never finishes its headers
  const auto start = Clock::now();
  EXPECT_TRUE(silent.ClosedByServer());
  EXPECT_TRUE(trickling.ClosedByServer());
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(3000));
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(800));
}

TEST_F(ServerTest, ClosesBodiesThatStallPastTheIdleTimeout) {
  ServerOptions options;
  options.body_idle_timeout_seconds = 1;
  const uint16_t port = StartServer(options);
  Client client(port);
  ASSERT_TRUE(client.Send("POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\nonly this"));
  const auto start = Clock::now();
  EXPECT_TRUE(client.ClosedByServer());
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(800));
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(3000));
}

// Timeouts bound waiting for the client, never the handler: /slow takes longer than all of them.
TEST_F(ServerTest, AHandlerMayTakeLongerThanTheTimeoutsAndTheIdleConnectionThenCloses) {
  ServerOptions options;
  options.header_timeout_seconds = 1;
  options.body_idle_timeout_seconds = 1;
  options.keep_alive_timeout_seconds = 1;
  const uint16_t port = StartServer(options);
  Client client(port);
  auto reply = client.Exchange(Get("/slow"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, "slow done");
  auto again = client.Exchange(Get("/hello/b"));  // within the keep-alive timeout
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, "hello b");
  const auto start = Clock::now();
  EXPECT_TRUE(client.ClosedByServer());
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(800));
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(3000));
}

TEST_F(ServerTest, DownloadsFilesWithRangesAndHead) {
  const uint16_t port = StartServer();
  Client client(port);
  auto whole = client.Exchange(Get("/file"));
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->status, 200);
  EXPECT_EQ(whole->body, file_content_);
  EXPECT_EQ(whole->header("ETag"), "\"v1\"");
  EXPECT_EQ(whole->header("Accept-Ranges"), "bytes");
  EXPECT_EQ(whole->header("Content-Disposition"), "attachment; filename=\"asset.zip\"");

  auto range = client.Exchange(Get("/file", "Range: bytes=100-199\r\n"));
  ASSERT_TRUE(range);
  EXPECT_EQ(range->status, 206);
  EXPECT_EQ(range->header("Content-Range"), "bytes 100-199/1048576");
  EXPECT_EQ(range->body, file_content_.substr(100, 100));

  auto tail = client.Exchange(Get("/file", "Range: bytes=-5\r\n"));
  EXPECT_EQ(tail->body, file_content_.substr(file_content_.size() - 5));

  auto unsatisfiable = client.Exchange(Get("/file", "Range: bytes=2000000-\r\n"));
  EXPECT_EQ(unsatisfiable->status, 416);
  EXPECT_EQ(unsatisfiable->header("Content-Range"), "bytes */1048576");

  auto cached = client.Exchange(Get("/file", "If-None-Match: \"v1\"\r\n"));
  EXPECT_EQ(cached->status, 304);

  // HEAD: the headers of the GET, no body (the next response on the connection parses cleanly).
  auto head = client.Exchange("HEAD /file HTTP/1.1\r\nHost: t\r\n\r\n", /*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("Content-Length"), "1048576");
  auto head_text = client.Exchange("HEAD /hello/x HTTP/1.1\r\nHost: t\r\n\r\n", /*head=*/true);
  EXPECT_EQ(head_text->header("Content-Length"), "7");
  auto after = client.Exchange(Get("/hello/after"));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body, "hello after");
}

TEST_F(ServerTest, AMissingFileIsA500NotAHalfResponse) {
  const uint16_t port = StartServer();
  std::filesystem::remove(file_path_);
  Client client(port);
  auto reply = client.Exchange(Get("/file"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 500);
  EXPECT_NE(reply->body.find("IO_ERROR"), std::string::npos);
}

TEST_F(ServerTest, StopLetsTheInFlightRequestFinish) {
  const uint16_t port = StartServer();
  Client idle(port);
  ASSERT_TRUE(idle.Exchange(Get("/hello/idle")));
  std::optional<Reply> slow_reply;
  std::thread slow_client([&] {
    Client client(port);
    slow_reply = client.Exchange(Get("/slow"));
  });
  while (!slow_started_) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const auto start = Clock::now();
  server_->Stop();
  EXPECT_TRUE(idle.ClosedByServer());  // idle keep-alive connections are closed at once
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1000));
  server_->Wait();
  slow_client.join();
  ASSERT_TRUE(slow_reply);
  EXPECT_EQ(slow_reply->status, 200);
  EXPECT_EQ(slow_reply->body, "slow done");
  EXPECT_EQ(slow_reply->header("Connection"), "close");
  EXPECT_FALSE(Client(port).connected());  // no longer accepting
  server_->Stop();  // idempotent
}

// A body that keeps arriving faster than the handler reads it is still cut off when the drain
// timeout passes: the reads that take data already received without yielding must notice it.
TEST_F(ServerTest, StopEndsABodyStillArrivingAfterTheDrainTimeout) {
  ServerOptions options;
  options.drain_timeout_seconds = 1;
  const uint16_t port = StartServer(options);
  std::thread sender = SendLargeBody(port);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto start = Clock::now();
  server_->Stop();
  server_->Wait();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  sender.join();
}

// A body arriving faster than it is read does not keep its thread from other connections: with
// one thread, a GET is answered while the upload goes on.
TEST_F(ServerTest, AFastUploadLetsItsThreadServeOthers) {
  ServerOptions options;
  options.threads = 1;
  options.drain_timeout_seconds = 1;
  const uint16_t port = StartServer(options);
  std::thread sender = SendLargeBody(port);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto start = Clock::now();
  auto reply = Client(port).Exchange(Get("/hello/meanwhile"));
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, "hello meanwhile");
  server_->Stop();
  server_->Wait();
  sender.join();
}

// Sends one request over TLS and returns everything the server sent until it closed.
std::optional<std::string> TlsExchange(uint16_t port, const std::string& request) {
  Client tcp(port);
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  std::unique_ptr<SSL, decltype(&SSL_free)> tls(SSL_new(context.get()), SSL_free);
  SSL_set_fd(tls.get(), tcp.fd());
  if (SSL_connect(tls.get()) != 1) return std::nullopt;
  if (SSL_write(tls.get(), request.data(), static_cast<int>(request.size())) <= 0) return std::nullopt;
  std::string received;
  char chunk[65536];
  int n;
  while ((n = SSL_read(tls.get(), chunk, sizeof chunk)) > 0) received.append(chunk, static_cast<size_t>(n));
  return received;
}

TEST_F(ServerTest, ServesTlsEndpointsThroughTheSameConnectionCode) {
  const std::string certificate = (directory_ / "cert.pem").string(), key = (directory_ / "key.pem").string();
  const std::string command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                              "-subj /CN=localhost -days 1 -keyout " + key + " -out " + certificate + " 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  ServerOptions options;
  options.tls_certificate_file = certificate;
  options.tls_private_key_file = key;
  const uint16_t port = StartServer(options, /*tls=*/true);
  auto hello = TlsExchange(port, Get("/hello/tls", "Connection: close\r\n"));
  ASSERT_TRUE(hello) << "TLS handshake failed";
  EXPECT_EQ(hello->rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << *hello;
  EXPECT_TRUE(hello->ends_with("\r\n\r\nhello tls")) << *hello;
  auto file = TlsExchange(port, Get("/file", "Connection: close\r\n"));
  ASSERT_TRUE(file);
  EXPECT_TRUE(file->ends_with("\r\n\r\n" + file_content_)) << "the whole file, copied through TLS";
  auto upload = TlsExchange(port, "POST /count HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 300000\r\n\r\n" +
                                      std::string(300000, 't'));
  ASSERT_TRUE(upload);
  EXPECT_TRUE(upload->ends_with("\r\n\r\n300000")) << "a Content-Length body read through TLS";
  // A plain-text request on the TLS port is not served.
  Client plain(port);
  plain.Send(Get("/hello/x"));
  EXPECT_FALSE(plain.Read());
}

TEST_F(ServerTest, StartFailsWithoutAUsableTlsCertificate) {
  ServerOptions options;
  options.endpoints = {ListenEndpoint{"127.0.0.1", 0, true}};
  options.tls_certificate_file = (directory_ / "missing.pem").string();
  options.tls_private_key_file = (directory_ / "missing.key").string();
  Server server(options, router_);
  const Status status = server.Start();
  EXPECT_EQ(status.code(), "INVALID_TLS") << status.ToString();
}

TEST_F(ServerTest, StartFailsWhenThePortIsTaken) {
  const uint16_t port = StartServer();
  ServerOptions options;
  options.endpoints = {ListenEndpoint{"127.0.0.1", port, false}};
  Server second(options, router_);
  EXPECT_EQ(second.Start().kind(), Status::Kind::kIOError);
  ServerOptions bad;
  bad.endpoints = {ListenEndpoint{"not an address", 0, false}};
  Server third(bad, router_);
  EXPECT_EQ(third.Start().kind(), Status::Kind::kInvalidArgument);
}

}  // namespace
}  // namespace agora::server

namespace agora::server {
namespace {

// Keeps every record the router reports, for the tests below.
class RecordingObserver : public RequestObserver {
 public:
  struct Kept {
    std::string method, target, route, principal, request_id;
    int status = 0;
    uint64_t bytes = 0;
    double seconds = 0;
  };
  void RequestDone(const RequestRecord& r) override {
    std::lock_guard lock(mutex_);
    kept_.push_back({std::string(r.method), std::string(r.target), std::string(r.route), std::string(r.principal),
                     std::string(r.request_id), r.status, r.bytes_sent, r.seconds});
  }
  // Records arrive after the response is written: wait for the n-th.
  Kept WaitFor(size_t n) {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(mutex_);
        if (kept_.size() >= n) return kept_[n - 1];
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "no record " << n;
    return {};
  }

 private:
  std::mutex mutex_;
  std::vector<Kept> kept_;
};

TEST_F(ServerTest, EveryAnswerCarriesARequestIdAndIsObservedOnceWritten) {
  RecordingObserver observer;
  router_.Add("GET", "/who", [](Request& r) {
    r.SetPrincipal("jdoe");
    return Response::Text(200, "you");
  });
  router_.AddObserver(&observer);
  const uint16_t port = StartServer();
  Client client(port);
  auto hello = client.Exchange(Get("/who", "X-Request-Id: client-id.1\r\n"));
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->header("X-Request-Id"), "client-id.1");
  auto kept = observer.WaitFor(1);
  EXPECT_EQ(kept.method, "GET");
  EXPECT_EQ(kept.target, "/who");
  EXPECT_EQ(kept.route, "/who");
  EXPECT_EQ(kept.status, 200);
  EXPECT_EQ(kept.bytes, 3u);
  EXPECT_EQ(kept.principal, "jdoe");
  EXPECT_EQ(kept.request_id, "client-id.1");
  EXPECT_GT(kept.seconds, 0);

  // A client id that could forge log lines is replaced; errors name the id in their body.
  auto missing = client.Exchange(Get("/nowhere", "X-Request-Id: bad\"id with spaces\r\n"));
  ASSERT_TRUE(missing);
  const std::string id = missing->header("X-Request-Id");
  EXPECT_EQ(id.size(), 16u) << id;
  EXPECT_NE(missing->body.find("\"requestId\":\"" + id + "\""), std::string::npos) << missing->body;
  kept = observer.WaitFor(2);
  EXPECT_EQ(kept.route, "") << "no route matched";
  EXPECT_EQ(kept.status, 404);
  EXPECT_EQ(kept.request_id, id);

  // A file's bytes count once they are sent; a HEAD sends none.
  ASSERT_TRUE(client.Exchange(Get("/file")));
  EXPECT_EQ(observer.WaitFor(3).bytes, file_content_.size());
  ASSERT_TRUE(client.Exchange("HEAD /file HTTP/1.1\r\nHost: t\r\n\r\n", /*head=*/true));
  EXPECT_EQ(observer.WaitFor(4).bytes, 0u);

  // Requests refused before dispatch are answered with an id and observed too.
  Client garbage(port);
  auto refused = garbage.Exchange("THIS IS NOT HTTP\r\n\r\n");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_NE(refused->body.find("\"requestId\":\"" + refused->header("X-Request-Id") + "\""), std::string::npos);
  kept = observer.WaitFor(5);
  EXPECT_EQ(kept.status, 400);
  EXPECT_EQ(kept.method, "-");
}

}  // namespace
}  // namespace agora::server
