// `agora serve`: opens the data directory, bootstraps an empty one (default organisation and
// admin token, printed once), collects blobs a crash left behind, resumes unfinished asynchronous
// publications, and serves until SIGTERM or SIGINT, when it stops gracefully (in-flight requests
// and running publications finish).

#include <signal.h>

#include <chrono>
#include <atomic>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "auth/api_tokens.h"
#include "cli/admin.h"
#include "cli/app.h"
#include "cli/command.h"
#include "common/ids.h"
#include "server/server.h"

namespace agora::cli {
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
// Of several servers starting together on a new database, only the one whose claim the store
// keeps makes them.
Status Bootstrap(storage::MetadataStore& metadata) {
  AGORA_ASSIGN_OR_RETURN(auto organizations, metadata.ListOrganizations());
  if (!organizations.empty()) return Status::Ok();
  const std::string claim = NewUuid();
  AGORA_ASSIGN_OR_RETURN(std::string bootstrapper, metadata.GetOrCreateSetting("bootstrap", claim));
  if (bootstrapper != claim) return Status::Ok();
  AGORA_ASSIGN_OR_RETURN(std::string organization_id, CreateOrganization(metadata, "Default organization"));
  AGORA_ASSIGN_OR_RETURN(std::string token, auth::IssueApiToken(metadata, organization_id, "admin", "admin", 0));
  std::cout << "organization id: " << organization_id << "\n" << "admin token: " << token << std::endl;
  return Status::Ok();
}

// Blocks SIGINT/SIGTERM in every thread and turns them into a graceful stop. SIGTERM (what an
// orchestrator or a rolling restart sends) first drains: GET /health/ready answers 503 and every answer
// closes its connection for `drain_seconds`, long enough for a balancer to notice and send new
// requests elsewhere, while this server still serves what reaches it; then the server stops
// accepting, finishes what is in flight and exits. SIGINT (Ctrl-C), or a second signal, skips
// the wait.
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
  void Start(server::Server& server, App& app, int drain_seconds) {
    thread_ = std::thread([this, &server, &app, drain_seconds] {
      const int signal = Next();
      if (signal == SIGTERM && drain_seconds > 0) {
        std::cout << "agora: draining for " << drain_seconds << " s" << std::endl;
        app.BeginDrain();
        server.EndKeepAlive();
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(drain_seconds);
        while (!done_ && std::chrono::steady_clock::now() < until)
          if (Next(std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now())) > 0)
            break;
      }
      if (signal <= 0) return;
      std::cout << "agora: stopping" << std::endl;
      server.Stop();
    });
  }

 private:
  // The next signal, or 0 when stopped or after `wait`.
  int Next(std::chrono::milliseconds wait = std::chrono::hours(24 * 365)) {
    const auto until = std::chrono::steady_clock::now() + wait;
    while (!done_ && std::chrono::steady_clock::now() < until) {
      const timespec tick{0, 200 * 1000 * 1000};
      const int signal = sigtimedwait(&signals_, nullptr, &tick);
      if (signal > 0) return signal;
    }
    return 0;
  }

  sigset_t signals_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

int Fail(const Status& status) {
  std::cerr << "agora serve: " << status.ToString() << "\n";
  return 1;
}


void AddServeOptions(po::options_description& options) {
  AddStorageOptions(options);
  options.add_options()("listen", po::value<std::vector<std::string>>()->value_name("[http://|https://]HOST:PORT"),
      "where to listen (repeatable; default 127.0.0.1:8081)")(
      "public-url", po::value<std::string>()->value_name("URL")->default_value(""),
      "base URL of links in responses (default: the request's Host)")(
      "max-upload-mb", po::value<uint64_t>()->value_name("N")->default_value(4096), "largest accepted request body, MiB")(
      "threads", po::value<int>()->value_name("N")->default_value(0), "HTTP threads (0: one per core)")(
      "workers", po::value<int>()->value_name("N")->default_value(2), "asynchronous publication workers")(
      "job-lease-seconds", po::value<int64_t>()->value_name("N")->default_value(30),
      "with --metadata: how long the asynchronous publications of a server that died wait for another")(
      "rate-limit", po::value<uint32_t>()->value_name("N")->default_value(0),
      "requests per minute per token or address (0: no limit)")(
      "tls-cert", po::value<std::string>()->value_name("PEM")->default_value(""), "certificate chain: serve HTTPS")(
      "tls-key", po::value<std::string>()->value_name("PEM")->default_value(""), "private key of --tls-cert")(
      "token-ttl", po::value<int64_t>()->value_name("SECONDS")->default_value(3600), "lifetime of the tokens logins issue")(
      "access-log", po::value<std::string>()->value_name("FILE")->default_value(""),
      "append a JSON line per request to FILE ('-': standard output)")(
      "metrics-listen", po::value<std::string>()->value_name("HOST:PORT")->default_value(""),
      "also serve GET /metrics without a token on this plain-HTTP address (keep it private)")(
      "drain-seconds", po::value<int>()->value_name("N")->default_value(-1),
      "on SIGTERM, report unhealthy and keep serving this long before stopping "
      "(default: 10 with --metadata, behind a balancer; 0 otherwise)")(
      "staging-max-age", po::value<int64_t>()->value_name("SECONDS")->default_value(24 * 3600),
      "how long the files of an unfinished Maven deploy stay staged before they are reclaimed")(
      "spec-readers", po::value<size_t>()->value_name("N")->default_value(2),
      "specs read at once at publication, by as many worker processes (0: in the server process)")(
      "spec-reader-memory-mb", po::value<uint64_t>()->value_name("N")->default_value(2048),
      "memory (address space) of each spec reader process, MiB")(
      "spec-reader-cpu-seconds", po::value<int64_t>()->value_name("N")->default_value(30),
      "CPU time of each spec reading in a worker process");
}

int Serve(const po::variables_map& vm) {
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
  std::optional<server::ServerOptions> metrics_options;
  if (const std::string& listen = vm["metrics-listen"].as<std::string>(); !listen.empty()) {
    auto endpoint = ParseListen("http://" + listen, false);
    if (!endpoint.ok()) return Fail(endpoint.status());
    metrics_options.emplace();
    metrics_options->endpoints = {*endpoint};
    metrics_options->threads = 1;
  }

  const int64_t staging_max_age = vm["staging-max-age"].as<int64_t>();
  if (staging_max_age <= 0) return Fail(Status::InvalidArgument("USAGE", "--staging-max-age takes a positive number of seconds"));
  const int64_t reader_seconds = vm["spec-reader-cpu-seconds"].as<int64_t>();
  const uint64_t reader_mb = vm["spec-reader-memory-mb"].as<uint64_t>();
  if (reader_seconds < 1 || reader_seconds > 3600 || reader_mb < 64 || reader_mb > (uint64_t{1} << 20))
    return Fail(Status::InvalidArgument("USAGE", "--spec-reader-cpu-seconds takes 1 to 3600, --spec-reader-memory-mb 64 to 1048576"));
  AppOptions app_options{vm["public-url"].as<std::string>(), vm["workers"].as<int>(), vm["rate-limit"].as<uint32_t>(),
                         token_ttl, vm["access-log"].as<std::string>()};
  app_options.spec_readers = {vm["spec-readers"].as<size_t>(), reader_mb << 20, std::chrono::seconds(reader_seconds)};
  app_options.job_lease_seconds = vm["job-lease-seconds"].as<int64_t>();
  if (app_options.job_lease_seconds < 1 || app_options.job_lease_seconds > 86400)
    return Fail(Status::InvalidArgument("USAGE", "--job-lease-seconds takes 1 to 86400"));
  app_options.staging_max_age_seconds = staging_max_age;
  auto app = App::Open(StorageFromOptions(vm), app_options);
  if (!app.ok()) return Fail(app.status());
  if (Status st = Bootstrap((*app)->metadata()); !st.ok()) return Fail(st);
  server::Server http(server_options, (*app)->router());
  if (Status st = http.Start(); !st.ok()) return Fail(st);
  std::unique_ptr<server::Server> metrics_http;
  if (metrics_options) {
    metrics_http = std::make_unique<server::Server>(*metrics_options, (*app)->metrics_router());
    if (Status st = metrics_http->Start(); !st.ok()) return Fail(st);
    std::cout << "agora metrics on http://" << metrics_options->endpoints[0].host << ":"
              << metrics_http->bound_ports()[0] << "/metrics" << std::endl;
  }
  (*app)->StartWorkers();
  const auto ports = http.bound_ports();
  for (size_t i = 0; i < ports.size(); ++i) {
    const auto& endpoint = server_options.endpoints[i];
    const std::string host = endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host;
    std::cout << "agora listening on " << (endpoint.tls ? "https" : "http") << "://" << host << ":" << ports[i]
              << std::endl;
  }
  int drain_seconds = vm["drain-seconds"].as<int>();
  if (drain_seconds > 3600) return Fail(Status::InvalidArgument("USAGE", "--drain-seconds takes at most 3600"));
  if (drain_seconds < 0) drain_seconds = (*app)->shared() ? 10 : 0;
  signals.Start(http, **app, drain_seconds);
  http.Wait();
  if (metrics_http) metrics_http->Stop(), metrics_http->Wait();
  (*app)->StopWorkers();
  std::cout << "agora: stopped" << std::endl;
  return 0;
}

}  // namespace

std::vector<Command> ServeCommands() {
  return {{"serve", "runs the server: the Exchange API over one data directory",
           "Opens (or creates) the data directory, prints the URL it listens on and, on the first start, the\n"
           "default organisation's id and an admin token, and serves until SIGTERM or SIGINT, which stop it\n"
           "gracefully.",
           AddServeOptions, {}, {"agora serve --data ./agora-data --listen 127.0.0.1:8081",
                                 "agora serve --tls-cert server.pem --tls-key server.key --listen https://0.0.0.0:8443"},
           Serve}};
}

}  // namespace agora::cli
