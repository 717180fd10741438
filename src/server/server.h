// Server accepts HTTP/1.1 connections (keep-alive, optionally TLS) on one or more endpoints and
// hands each request to a Router. It is the only part of agora that includes Boost.Beast.
//
// Each connection runs as a stackful coroutine on a pool of threads (2 per core by default); a
// handler's blocking work only parks its own thread. Request headers and bodies are bounded by
// the limits below and by read timeouts, so a slow or hostile client cannot hold resources.
//
// Thread safety: Start, Stop and Wait are called from the owning thread. Stop may also be called
// from a signal-handling thread; it stops accepting, lets in-flight requests finish (up to the
// drain timeout) and then closes every connection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "server/http.h"

namespace agora::server {

struct ListenEndpoint {
  std::string host = "127.0.0.1";
  uint16_t port = 8081;  // 0 picks a free port (see Server::bound_ports)
  bool tls = false;
};

struct ServerOptions {
  std::vector<ListenEndpoint> endpoints;
  int threads = 0;                           // 0: max(4, 2 x cores), as handlers may block
  std::string tls_certificate_file;          // PEM, for TLS endpoints
  std::string tls_private_key_file;          // PEM
  uint64_t max_body_bytes = 2ull << 30;      // 413 past this
  uint32_t max_header_bytes = 64 * 1024;     // 431 past this
  int header_timeout_seconds = 30;           // time to receive a request's headers
  int body_idle_timeout_seconds = 60;        // longest pause while receiving a body
  int keep_alive_timeout_seconds = 75;
  int drain_timeout_seconds = 30;            // graceful shutdown: wait this long for requests
};

class Server {
 public:
  Server(ServerOptions options, const Router& router);
  ~Server();

  // Binds every endpoint and starts the threads. Fails if an endpoint cannot be bound.
  Status Start();
  // Actual ports, in the order of options.endpoints (resolves port 0).
  std::vector<uint16_t> bound_ports() const;
  // From now on every answer ends its connection (Connection: close), while the server goes on
  // accepting and serving: before a graceful stop, a balancer's idle keep-alive connections to
  // this server then end cleanly rather than under a request (see agora serve's drain).
  void EndKeepAlive();
  // Graceful stop; idempotent.
  void Stop();
  // Blocks until the server has stopped.
  void Wait();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agora::server
