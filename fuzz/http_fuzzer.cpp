// Fuzzes the whole HTTP request path: the bytes go over a loopback connection to an in-process
// agora server (Beast's parser, target decoding, routing, authentication, every Exchange handler,
// multipart, publication) over a temporary data directory. "@TOKEN@" and "@ORG@" in an input are
// replaced with an admin token and its organisation, so seeds can reach authorised handlers.
// After sending, the client half-closes and reads the answer until the server closes.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "auth/api_tokens.h"
#include "cli/admin.h"
#include "cli/app.h"
#include "fuzz_target.h"
#include "server/server.h"

namespace {

struct Fixture {
  std::unique_ptr<agora::cli::App> app;
  std::unique_ptr<agora::server::Server> server;
  uint16_t port = 0;
  std::string organization;
  std::string token;
};

// Built once per process; a failure here is a broken build, not a finding.
Fixture& TheFixture() {
  static Fixture* fixture = [] {
    auto* f = new Fixture;
    static char dir[] = "/tmp/agora-http-fuzz-XXXXXX";
    if (!mkdtemp(dir)) std::abort();
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    });
    auto app = agora::cli::App::Open(agora::cli::StorageLocation(dir), {});
    if (!app.ok()) std::abort();
    f->app = std::move(app).value();
    auto organization = agora::cli::CreateOrganization(f->app->metadata(), "fuzz");
    if (!organization.ok()) std::abort();
    f->organization = *organization;
    auto token = agora::auth::IssueApiToken(f->app->metadata(), f->organization, "admin", "fuzz", 0);
    if (!token.ok()) std::abort();
    f->token = *token;
    agora::server::ServerOptions options;
    options.endpoints = {{"127.0.0.1", 0, false}};
    options.threads = 2;
    options.max_body_bytes = 1 << 20;
    options.header_timeout_seconds = 2;
    options.body_idle_timeout_seconds = 2;
    f->server = std::make_unique<agora::server::Server>(options, f->app->router());
    if (!f->server->Start().ok()) std::abort();
    f->port = f->server->bound_ports().at(0);
    f->app->StartWorkers();
    return f;
  }();
  return *fixture;
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Fixture& f = TheFixture();
  std::string request(reinterpret_cast<const char*>(data), size);
  ReplaceAll(request, "@TOKEN@", f.token);
  ReplaceAll(request, "@ORG@", f.organization);

  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(f.port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    for (size_t sent = 0; sent < request.size();) {
      const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    shutdown(fd, SHUT_WR);
    char buffer[16384];
    while (recv(fd, buffer, sizeof buffer, 0) > 0) {
    }
  }
  close(fd);
  return 0;
}
