#include "cli/serve.h"

#include <signal.h>

#include <boost/program_options.hpp>

#include <atomic>
#include <iostream>
#include <thread>

#include "cli/admin.h"
#include "cli/app.h"
#include "server/server.h"

namespace agora::cli {
namespace po = boost::program_options;

namespace {

// [http://|https://]HOST:PORT. Without a scheme an endpoint serves HTTPS when a certificate is
// configured, so `--listen https://0.0.0.0:8443 --listen http://127.0.0.1:8081` serves both.
Result<server::ListenEndpoint> ParseListen(std::string text, bool have_certificate) {
  server::ListenEndpoint endpoint;
  endpoint.tls = have_certificate;
  for (const auto& [scheme, tls] : {std::pair{"http://", false}, std::pair{"https://", true}}) {
    if (text.rfind(scheme, 0) != 0) continue;
    text.erase(0, std::string_view(scheme).size());
    endpoint.tls = tls;
  }
  if (endpoint.tls && !have_certificate)
    return Status::InvalidArgument("USAGE", "an https:// --listen needs --tls-cert and --tls-key");
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("USAGE", "--listen takes HOST:PORT, got " + text);
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
      "listen", po::value<std::vector<std::string>>(), "[http://|https://]HOST:PORT to listen on (repeatable)")(
      "public-url", po::value<std::string>()->default_value(""), "base URL for links in responses")(
      "max-upload-mb", po::value<uint64_t>()->default_value(4096), "largest accepted request body, MiB")(
      "threads", po::value<int>()->default_value(0), "HTTP threads (0: by cores)")(
      "workers", po::value<int>()->default_value(2), "asynchronous publication workers")(
      "rate-limit", po::value<uint32_t>()->default_value(0), "requests per minute per token (0: no limit)")(
      "tls-cert", po::value<std::string>()->default_value(""), "PEM certificate: serve HTTPS")(
      "tls-key", po::value<std::string>()->default_value(""), "PEM private key for --tls-cert")(
      "token-ttl", po::value<int64_t>()->default_value(3600), "seconds until a login's token expires")(
      "blobs", po::value<std::string>()->default_value(""),
      "s3://BUCKET[/PREFIX]?endpoint=URL&region=R: keep file contents in S3 (credentials from "
      "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or ~/.aws/credentials); default: DATA/blobs");
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
  if (tls != !vm["tls-key"].as<std::string>().empty())
    return Fail(Status::InvalidArgument("USAGE", "--tls-cert and --tls-key go together"));
  const int64_t token_ttl = vm["token-ttl"].as<int64_t>();
  if (token_ttl <= 0 || token_ttl > int64_t{10} * 365 * 24 * 3600)
    return Fail(Status::InvalidArgument("USAGE", "--token-ttl takes 1 second to 10 years"));
  server_options.tls_certificate_file = vm["tls-cert"].as<std::string>();
  server_options.tls_private_key_file = vm["tls-key"].as<std::string>();
  const auto listens = vm.count("listen") ? vm["listen"].as<std::vector<std::string>>()
                                          : std::vector<std::string>{"127.0.0.1:8081"};
  for (const auto& listen : listens) {
    auto endpoint = ParseListen(listen, tls);
    if (!endpoint.ok()) return Fail(endpoint.status());
    server_options.endpoints.push_back(*endpoint);
  }
  server_options.threads = vm["threads"].as<int>();
  server_options.max_body_bytes = vm["max-upload-mb"].as<uint64_t>() << 20;

  SignalWatcher signals;
  AppOptions app_options{vm["public-url"].as<std::string>(), vm["workers"].as<int>(), vm["rate-limit"].as<uint32_t>(),
                         token_ttl, vm["blobs"].as<std::string>()};
  auto app = App::Open(vm["data"].as<std::string>(), app_options);
  if (!app.ok()) return Fail(app.status());
  if (Status st = Bootstrap((*app)->metadata()); !st.ok()) return Fail(st);
  server::Server http(server_options, (*app)->router());
  if (Status st = http.Start(); !st.ok()) return Fail(st);
  (*app)->StartWorkers();
  const auto ports = http.bound_ports();
  for (size_t i = 0; i < ports.size(); ++i) {
    const auto& endpoint = server_options.endpoints[i];
    const std::string host = endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host;
    std::cout << "agora listening on " << (endpoint.tls ? "https" : "http") << "://" << host << ":" << ports[i]
              << std::endl;
  }
  signals.Start(http);
  http.Wait();
  (*app)->StopWorkers();
  std::cout << "agora: stopped" << std::endl;
  return 0;
}

}  // namespace agora::cli
