// App is one agora server's domain side, wired over one data directory: the stores, the blob
// reaper, the publication pipeline and its durable queue, the lifecycle, the authenticator and
// a router holding every Exchange route and the operator's GET /metrics (an admin token of a root
// organisation), whose metrics and access log observe every request it answers. `agora serve`
// puts it behind a server::Server; the HTTP fuzz target does the same in-process.
//
// Open collects blobs a crash left behind and re-queues unfinished asynchronous publications;
// the queue's workers run only between StartWorkers and StopWorkers.
//
// Thread safety: built and torn down by one thread; router() may then be dispatched from any
// number of threads (the services behind it are thread-safe).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "cli/data_dir.h"
#include "common/status.h"
#include "publication/spec_reading.h"
#include "server/http.h"

namespace agora::cli {

struct AppOptions {
  std::string public_url;  // base of links in responses; empty: from the request's Host
  int workers = 2;         // asynchronous publication workers
  uint32_t rate_limit_per_minute = 0;  // per client (see server::Router::LimitRate); 0: none
  int64_t token_ttl_seconds = 3600;    // lifetime of the tokens logins issue
  std::string access_log;              // where JSON access log lines go ("-": stdout); empty: none
  int64_t job_lease_seconds = 30;      // how long a dead server's publications wait for another server
  // Specs are read at publication in worker processes under these limits (see
  // publication/spec_reading.h); workers == 0 reads them in the server process.
  publication::SpecReaderLimits spec_readers = {.workers = 0};
};

class App {
 public:
  static Result<std::unique_ptr<App>> Open(const StorageLocation& location, const AppOptions& options);
  ~App();

  const server::Router& router() const;
  // GET /metrics alone, without authentication, for a listener of its own (serve --metrics-listen).
  const server::Router& metrics_router() const;
  storage::MetadataStore& metadata();
  // Whether other servers share this server's stores (its metadata is in PostgreSQL).
  bool shared() const;
  // GET /health answers 503 "draining" from now on (the server is about to stop).
  void BeginDrain();
  void StartWorkers();
  void StopWorkers();

 private:
  struct Parts;
  explicit App(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

// The server's version, as GET / reports it.
inline constexpr const char* kAgoraVersion = "0.1.0";

}  // namespace agora::cli
