#include "cli/serve.h"

#include <signal.h>

#include <boost/program_options.hpp>

#include <atomic>
#include <iostream>
#include <thread>

#include "auth/auth.h"
#include "cli/admin.h"
#include "cli/data_dir.h"
#include "exchange/exchange_api.h"
#include "publication/blob_reaper.h"
#include "publication/job_queue.h"
#include "publication/publisher.h"
#include "server/server.h"

namespace agora::cli {
namespace po = boost::program_options;

namespace {

constexpr const char* kVersion = "0.1.0";

Result<server::ListenEndpoint> ParseListen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("USAGE", "--listen takes HOST:PORT, got " + text);
  server::ListenEndpoint endpoint;
  endpoint.host = text.substr(0, colon);
  if (endpoint.host.size() > 2 && endpoint.host.front() == '[' && endpoint.host.back() == ']')
    endpoint.host = endpoint.host.substr(1, endpoint.host.size() - 2);
  try {
    const int port = std::stoi(text.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    endpoint.port = static_cast<uint16_t>(port);
  } catch (const std::exception&) {
    return Status::InvalidArgument("USAGE", "invalid port in --listen " + text);
  }
  return endpoint;
}

// An empty data directory gets a default organisation and an admin token, printed once.
Status Bootstrap(storage::MetadataStore& metadata) {
  AGORA_ASSIGN_OR_RETURN(auto organizations, metadata.ListOrganizations());
  if (!organizations.empty()) return Status::Ok();
  AGORA_ASSIGN_OR_RETURN(std::string organization_id, CreateOrganization(metadata, "Default organization"));
  AGORA_ASSIGN_OR_RETURN(std::string token, CreateToken(metadata, organization_id, "admin", "admin"));
  std::cout << "organization id: " << organization_id << "\n" << "admin token: " << token << std::endl;
  return Status::Ok();
}

// Blocks SIGINT/SIGTERM in every thread and turns them into a graceful stop.
class SignalWatcher {
 public:
  SignalWatcher() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);  // inherited by threads created afterwards
  }
  ~SignalWatcher() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }
  void Start(server::Server& server) {
    thread_ = std::thread([this, &server] {
      const timespec tick{0, 200 * 1000 * 1000};
      while (!done_) {
        if (sigtimedwait(&signals_, nullptr, &tick) > 0) {
          std::cout << "agora: stopping" << std::endl;
          server.Stop();
          return;
        }
      }
    });
  }

 private:
  sigset_t signals_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

int Fail(const Status& status) {
  std::cerr << "agora serve: " << status.ToString() << "\n";
  return 1;
}

}  // namespace

int RunServe(const std::vector<std::string>& args) {
  po::options_description options("serve options");
  options.add_options()("data", po::value<std::string>()->default_value("./agora-data"), "data directory")(
      "listen", po::value<std::vector<std::string>>(), "HOST:PORT to listen on (repeatable)")(
      "public-url", po::value<std::string>()->default_value(""), "base URL for links in responses")(
      "max-upload-mb", po::value<uint64_t>()->default_value(4096), "largest accepted request body, MiB")(
      "threads", po::value<int>()->default_value(0), "HTTP threads (0: by cores)")(
      "workers", po::value<int>()->default_value(2), "asynchronous publication workers")(
      "tls-cert", po::value<std::string>()->default_value(""), "PEM certificate: serve HTTPS")(
      "tls-key", po::value<std::string>()->default_value(""), "PEM private key for --tls-cert");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "agora serve: " << e.what() << "\n" << options;
    return 2;
  }

  server::ServerOptions server_options;
  const bool tls = !vm["tls-cert"].as<std::string>().empty();
  server_options.tls_certificate_file = vm["tls-cert"].as<std::string>();
  server_options.tls_private_key_file = vm["tls-key"].as<std::string>();
  const auto listens = vm.count("listen") ? vm["listen"].as<std::vector<std::string>>()
                                          : std::vector<std::string>{"127.0.0.1:8081"};
  for (const auto& listen : listens) {
    auto endpoint = ParseListen(listen);
    if (!endpoint.ok()) return Fail(endpoint.status());
    endpoint->tls = tls;
    server_options.endpoints.push_back(*endpoint);
  }
  server_options.threads = vm["threads"].as<int>();
  server_options.max_body_bytes = vm["max-upload-mb"].as<uint64_t>() << 20;

  SignalWatcher signals;
  auto dir = DataDir::Open(vm["data"].as<std::string>());
  if (!dir.ok()) return Fail(dir.status());
  if (Status st = Bootstrap(*dir->metadata); !st.ok()) return Fail(st);

  publication::BlobReaper reaper(*dir->blobs, *dir->metadata);
  if (Status st = reaper.CollectGarbage(); !st.ok()) return Fail(st);
  publication::Publisher publisher(*dir->metadata, *dir->blobs, reaper);
  publication::PublicationQueue queue(publisher, *dir->metadata, reaper, vm["workers"].as<int>());
  if (Status st = queue.Recover(); !st.ok()) return Fail(st);
  auth::Authenticator authenticator(*dir->metadata);
  publication::AssetLifecycle lifecycle(*dir->metadata, reaper);

  exchange::ExchangeServices services{*dir->metadata, *dir->blobs, reaper, publisher, queue, lifecycle, authenticator,
                                      vm["public-url"].as<std::string>(), kVersion};
  while (!services.public_url.empty() && services.public_url.back() == '/') services.public_url.pop_back();
  server::Router router;
  exchange::RegisterExchangeRoutes(router, services);

  server::Server http(server_options, router);
  if (Status st = http.Start(); !st.ok()) return Fail(st);
  queue.Start();
  const auto ports = http.bound_ports();
  for (size_t i = 0; i < ports.size(); ++i) {
    const auto& endpoint = server_options.endpoints[i];
    const std::string host = endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host;
    std::cout << "agora listening on " << (endpoint.tls ? "https" : "http") << "://" << host << ":" << ports[i]
              << std::endl;
  }
  signals.Start(http);
  http.Wait();
  queue.Stop();
  std::cout << "agora: stopped" << std::endl;
  return 0;
}

}  // namespace agora::cli
