// Helpers for tests against S3 (header-only, never in the agora_storage library):
//
// - S3TestServer: the s3rver of tests/s3. Under ctest it is the `s3` fixture's (its state
//   directory: AGORA_S3_STATE, else the build's, AGORA_S3_STATE_DIR); a test binary run alone
//   starts one itself with the same script and stops it at exit. A
//   missing server or npm package fails the test, never skips it.
// - NewTestBucket: S3 client options for a fresh bucket of one's own, so tests run in parallel.
// - FaultyProxy: a TCP proxy in front of the server that fails on request: refuses or resets
//   connections, answers 503, cuts a download once, or vanishes after so many uploaded bytes
//   (the server gone mid-upload).
//
// Thread safety: S3TestServer::Get may be called from any thread; a FaultyProxy's setters too.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <list>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "common/ids.h"
#include "storage/s3_client.h"

namespace agora::storage::testing {

class S3TestServer {
 public:
  // "http://127.0.0.1:PORT"; throws (failing the test) when no server can be had.
  static const std::string& Endpoint() {
    static S3TestServer server;
    return server.endpoint_;
  }

 private:
  S3TestServer() {
    if (const char* state = std::getenv("AGORA_S3_STATE")) {
      endpoint_ = ReadEndpoint(std::string(state) + "/endpoint");
      if (endpoint_.empty())
        throw std::runtime_error(std::string("the s3 fixture has no endpoint in ") + state +
                                 "/endpoint: did `ctest` run s3.start (tests/s3/fixture.sh)?");
      return;
    }
#ifdef AGORA_S3_STATE_DIR
    endpoint_ = ReadEndpoint(AGORA_S3_STATE_DIR "/endpoint");  // the ctest fixture's, while it runs
    if (!endpoint_.empty()) return;
#endif
    own_state_ = "/tmp/agora-s3rver-" + NewUuid();
    const std::string command = "bash " AGORA_SOURCE_DIR "/tests/s3/fixture.sh start " + own_state_ + " >/dev/null";
    if (std::system(command.c_str()) != 0)
      throw std::runtime_error("cannot start the S3 test server (tests/s3/fixture.sh; npm ci in tests/s3 first)");
    endpoint_ = ReadEndpoint(own_state_ + "/endpoint");
  }
  ~S3TestServer() {
    if (!own_state_.empty()) (void)std::system(("bash " AGORA_SOURCE_DIR "/tests/s3/fixture.sh stop " + own_state_).c_str());
  }
  static std::string ReadEndpoint(const std::string& path) {
    std::string endpoint;
    std::ifstream(path) >> endpoint;
    return endpoint;
  }

  std::string endpoint_;
  std::string own_state_;
};

// s3rver's credentials.
inline S3Credentials TestCredentials() { return S3Credentials{"S3RVER", "S3RVER", ""}; }

// Options for a new, empty bucket on the test server (created here), with quick retries.
inline S3ClientOptions NewTestBucket() {
  S3ClientOptions options;
  options.endpoint = S3TestServer::Endpoint();
  options.bucket = "t-" + NewUuid().substr(0, 18);
  options.credentials = TestCredentials();
  options.initial_backoff_ms = 5;
  options.max_attempts = 3;
  auto client = S3Client::Create(options);
  if (!client.ok()) throw std::runtime_error(client.status().ToString());
  Status st = (*client)->CreateBucket();
  if (!st.ok()) throw std::runtime_error("cannot create a test bucket: " + st.ToString());
  return options;
}

class FaultyProxy {
 public:
  explicit FaultyProxy(const std::string& target_endpoint) {
    target_port_ = static_cast<uint16_t>(std::stoi(target_endpoint.substr(target_endpoint.rfind(':') + 1)));
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), size) != 0 || ::listen(listener_, 64) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0)
      throw std::runtime_error("proxy: cannot listen");
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { Accept(); });
  }
  ~FaultyProxy() {
    stopping_ = true;
    acceptor_.join();
    std::lock_guard lock(mutex_);
    for (auto& t : pumps_) t.join();
    ::close(listener_);
  }

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The next `n` connections are closed at once, before any answer. Like every fault, it also
  // cuts the connections open now, so the client's next request makes a new one.
  void ResetConnections(int n) {
    resets_ = n;
    ++generation_;
  }
  // The next `n` connections get "503 Slow Down".
  void Answer503(int n) {
    slow_downs_ = n;
    ++generation_;
  }
  // Once, a connection is cut after `bytes` more bytes to the client.
  void CutDownloadAfter(int64_t bytes) { cut_down_after_ = bytes; }
  // After `bytes` more bytes from clients, every connection is cut and new ones are closed.
  void GoneAfter(int64_t bytes) {
    gone_after_ = bytes;
    ++generation_;
  }
  uint64_t bytes_up() const { return bytes_up_; }

 private:
  void Accept() {
    while (!stopping_) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      if (gone_ || TakeOne(resets_)) {
        ::close(client);
        continue;
      }
      if (TakeOne(slow_downs_)) {
        SlowDown(client);
        continue;
      }
      std::lock_guard lock(mutex_);
      pumps_.emplace_back([this, client] { Pump(client); });
    }
  }

  static bool TakeOne(std::atomic<int>& count) {
    int n = count.load();
    while (n > 0 && !count.compare_exchange_weak(n, n - 1)) {
    }
    return n > 0;
  }

  void SlowDown(int client) {
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      request.append(buffer, static_cast<size_t>(n));
    }
    const std::string body = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
    const std::string answer = "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    (void)::send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
    ::close(client);
  }

  void Pump(int client) {
    const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(target_port_);
    const int generation = generation_;
    if (::connect(server, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      char buffer[64 * 1024];
      pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      while (!stopping_ && !gone_ && generation == generation_) {
        if (::poll(fds, 2, 50) <= 0) continue;
        const bool up = fds[0].revents != 0;
        const int from = up ? client : server, to = up ? server : client;
        const ssize_t n = ::recv(from, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        if (up && gone_after_ >= 0 && (gone_after_ -= n) < 0) {
          gone_ = true;  // the server vanishes: this and every later connection die
          break;
        }
        if (!up && cut_down_after_ >= 0 && (cut_down_after_ -= n) < 0) {
          cut_down_after_ = -1;
          break;
        }
        if (up) bytes_up_ += static_cast<uint64_t>(n);
        if (::send(to, buffer, static_cast<size_t>(n), MSG_NOSIGNAL) != n) break;
      }
    }
    ::close(server);
    ::close(client);
  }

  uint16_t target_port_ = 0;
  uint16_t port_ = 0;
  int listener_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> gone_{false};
  std::atomic<int> generation_{0};
  std::atomic<int> resets_{0};
  std::atomic<int> slow_downs_{0};
  std::atomic<int64_t> cut_down_after_{-1};
  std::atomic<int64_t> gone_after_{-1};
  std::atomic<uint64_t> bytes_up_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::list<std::thread> pumps_;
};

}  // namespace agora::storage::testing
