#include "cli/app.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "auth/accounts.h"
#include "auth/auth.h"
#include "common/ids.h"
#include "exchange/exchange_api.h"
#include "exchange/handler_support.h"
#include "exchange/health_api.h"
#include "maven/facade.h"
#include "observability/access_log.h"
#include "observability/metrics.h"
#include "portal/portal.h"
#include "publication/blob_reaper.h"
#include "publication/job_queue.h"
#include "publication/lifecycle.h"
#include "publication/portal.h"
#include "publication/publisher.h"
#include "server/rate_limiter.h"

namespace agora::cli {
namespace {

// How long an externalLink stays valid: long enough for a client to act on the JSON it just read.
constexpr int64_t kFileLinkSeconds = 3600;

using observability::Sample;

std::vector<Sample> CacheSamples(const char* cache, const HitCounter& counter) {
  const std::string labels = std::string("cache=\"") + cache + "\",result=";
  return {{labels + "\"hit\"", static_cast<double>(counter.hits.load())},
          {labels + "\"miss\"", static_cast<double>(counter.misses.load())}};
}

// A publication's outcome as a metrics label: published, or what refused it.
const char* OutcomeLabel(Status::Kind kind) {
  switch (kind) {
    case Status::Kind::kOk: return "published";
    case Status::Kind::kInvalidArgument: return "invalid";
    case Status::Kind::kConflict: return "conflict";
    case Status::Kind::kForbidden: return "forbidden";
    case Status::Kind::kNotFound: return "not_found";
    case Status::Kind::kPayloadTooLarge: return "too_large";
    case Status::Kind::kNoSpace: return "no_space";
    default: return "error";
  }
}

// The rate limits' counts, in the metadata store that every server over it shares.
class StoreRateCounts : public server::SharedRateCounts {
 public:
  explicit StoreRateCounts(storage::MetadataStore& metadata) : metadata_(metadata) {}
  Result<uint64_t> Add(const std::string& client, int64_t window_start_millis, uint64_t count) override {
    return metadata_.AddRequestCount(client, window_start_millis, count);
  }

 private:
  storage::MetadataStore& metadata_;
};

publication::PublisherOptions PublisherOptionsFor(const AppOptions& options) {
  publication::PublisherOptions publisher;
  if (options.spec_readers.workers)
    publisher.spec_readers = std::make_shared<publication::SpecReaderPool>(publication::ThisExecutable(), options.spec_readers);
  return publisher;
}

}  // namespace

// Members in dependency order: each is built from the ones above it and destroyed before them.
struct App::Parts {
  Parts(DataDir data_dir, const AppOptions& options, std::string link_key, std::string session_key)
      : dir(std::move(data_dir)),
        reaper(*dir.blobs, *dir.metadata),
        publisher(*dir.metadata, *dir.blobs, reaper, PublisherOptionsFor(options)),
        queue(publisher, *dir.metadata, reaper, options.workers,
              publication::QueueOptions{.lease_millis = options.job_lease_seconds * 1000}),
        authenticator(*dir.metadata),
        accounts(*dir.metadata, auth::AccountsOptions{options.token_ttl_seconds * 1000}),
        links(std::move(link_key), kFileLinkSeconds),
        lifecycle(*dir.metadata, reaper),
        portal(*dir.metadata, *dir.blobs, reaper),
        services{*dir.metadata, *dir.blobs, reaper,        publisher, queue,
                 lifecycle,     portal,      authenticator, accounts,  links,
                 version_cache, downloads, options.public_url, kAgoraVersion},
        maven{*dir.metadata, *dir.blobs, reaper, publisher, authenticator, accounts, downloads, maven_metadata_cache},
        staging_max_age_millis(std::max<int64_t>(1, options.staging_max_age_seconds) * 1000) {
    while (!services.public_url.empty() && services.public_url.back() == '/') services.public_url.pop_back();
    exchange::RegisterExchangeRoutes(router, services);
    exchange::RegisterHealthRoutes(router, *dir.metadata, *dir.blobs, draining);
    maven::RegisterMavenRoutes(router, maven);
    portal::RegisterPortalRoutes(router, services, {std::move(session_key)});
    router.Add("GET", "/metrics", [this](server::Request& request) { return ServeMetrics(request); });
    metrics_router.Add("GET", "/metrics", [this](server::Request&) { return MetricsResponse(); });
    router.LimitRate(options.rate_limit_per_minute, dir.shared ? &rate_counts : nullptr);
    metrics = std::make_unique<observability::Metrics>(router.routes());
    AddFamilies();
    router.AddObserver(metrics.get());
  }

  server::Response MetricsResponse() const {
    return server::Response::Text(200, metrics->Render(), observability::Metrics::kContentType);
  }

  // Metrics name every route and how busy it is: for the operators of the whole server only.
  server::Response ServeMetrics(server::Request& request) {
    auto principal = exchange::Authenticate(services, request);
    if (!principal.ok()) return server::Response::Error(principal.status());
    auto organization = dir.metadata->GetOrganization(principal->organization_id);
    if (!organization.ok()) return server::Response::Error(organization.status());
    if (principal->role != auth::Role::kAdmin || !organization->parent_id.empty())
      return server::Response::Error(Status::Forbidden("Metrics need an admin token of a root organization"));
    return MetricsResponse();
  }

  void AddFamilies() {
    observability::AddProcessFamilies(*metrics);
    metrics->AddFamily("agora_publications_total", "counter", "Publications by outcome.", [this] {
      std::vector<Sample> samples;
      for (size_t kind = 0; kind < OutcomeCounter::kKinds; ++kind) {
        const uint64_t count = publisher.outcomes().Get(static_cast<Status::Kind>(kind));
        if (count) samples.push_back({std::string("outcome=\"") + OutcomeLabel(static_cast<Status::Kind>(kind)) + "\"",
                                      static_cast<double>(count)});
      }
      return samples;
    });
    metrics->AddFamily("agora_publication_jobs_unfinished", "gauge",
                       "Asynchronous publications queued or running.", [this] {
                         auto jobs = dir.metadata->ListUnfinishedJobs();
                         return std::vector<Sample>{{"", jobs.ok() ? static_cast<double>(jobs->size()) : -1}};
                       });
    metrics->AddFamily("agora_blobs", "gauge", "Blobs the metadata references.", [this] {
      auto blobs = dir.metadata->ReferencedBlobs();
      return std::vector<Sample>{{"", blobs.ok() ? static_cast<double>(blobs->size()) : -1}};
    });
    metrics->AddFamily("agora_cache_requests_total", "counter", "Cache look-ups by cache and result.", [this] {
      std::vector<Sample> samples = CacheSamples("version_json", version_cache.hit_counter());
      for (auto more : {CacheSamples("maven_metadata", maven_metadata_cache.hit_counter()),
                        CacheSamples("principal", authenticator.cache_hits()),
                        CacheSamples("spec_verdict", publisher.verdict_hits())})
        samples.insert(samples.end(), more.begin(), more.end());
      return samples;
    });
  }

  // Reclaims interrupted Maven deploys a few times per staging age (at least every 10 minutes).
  void ReclaimStagedPeriodically() {
    const auto period = std::chrono::milliseconds(std::clamp<int64_t>(staging_max_age_millis / 4, 100, 600'000));
    std::unique_lock lock(housekeeping_mutex);
    while (!housekeeping_stopping) {
      lock.unlock();
      // A failure is retried next period; the files stay invisible meanwhile.
      (void)reaper.ReclaimStaged(NowMillis() - staging_max_age_millis);
      lock.lock();
      housekeeping_wake.wait_for(lock, period, [this] { return housekeeping_stopping; });
    }
  }

  DataDir dir;
  std::atomic<bool> draining{false};
  StoreRateCounts rate_counts{*dir.metadata};
  publication::BlobReaper reaper;
  publication::Publisher publisher;
  publication::PublicationQueue queue;
  auth::Authenticator authenticator;
  auth::Accounts accounts;
  exchange::FileLinks links;
  exchange::ResponseCache version_cache;
  exchange::ResponseCache maven_metadata_cache;
  publication::DownloadCounter downloads{*dir.metadata};
  publication::AssetLifecycle lifecycle;
  publication::DocumentationPortal portal;
  exchange::ExchangeServices services;
  maven::FacadeServices maven;
  server::Router router;
  server::Router metrics_router;
  std::unique_ptr<observability::Metrics> metrics;
  std::unique_ptr<observability::AccessLog> access_log;
  const int64_t staging_max_age_millis;
  std::mutex housekeeping_mutex;
  std::condition_variable housekeeping_wake;
  bool housekeeping_stopping = false;
  std::thread housekeeping;
};

Result<std::unique_ptr<App>> App::Open(const StorageLocation& location, const AppOptions& options) {
  AGORA_ASSIGN_OR_RETURN(DataDir dir, DataDir::Open(location));
  // The key that signs files' externalLinks: made by the first server over this database, kept after.
  AGORA_ASSIGN_OR_RETURN(std::string link_key, dir.metadata->GetOrCreateSetting("file_link_key", RandomHex(32)));
  // The key portal sessions derive their CSRF tokens from, shared the same way.
  AGORA_ASSIGN_OR_RETURN(std::string session_key, dir.metadata->GetOrCreateSetting("portal_session_key", RandomHex(32)));
  auto parts = std::make_unique<Parts>(std::move(dir), options, std::move(link_key), std::move(session_key));
  if (!options.access_log.empty()) {
    AGORA_ASSIGN_OR_RETURN(parts->access_log, observability::AccessLog::Open(options.access_log));
    parts->router.AddObserver(parts->access_log.get());
  }
  // Other servers' scratch files in a shared blob directory are theirs; their running jobs too.
  AGORA_RETURN_IF_ERROR(parts->reaper.CollectGarbage(/*clean_scratch=*/!parts->dir.shared_blobs));
  if (!parts->dir.shared) AGORA_RETURN_IF_ERROR(parts->queue.Recover());
  return std::unique_ptr<App>(new App(std::move(parts)));
}

App::App(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
App::~App() {
  if (parts_) StopWorkers();
}

const server::Router& App::router() const { return parts_->router; }
const server::Router& App::metrics_router() const { return parts_->metrics_router; }
storage::MetadataStore& App::metadata() { return *parts_->dir.metadata; }
bool App::shared() const { return parts_->dir.shared; }
void App::BeginDrain() { parts_->draining = true; }
void App::StartWorkers() {
  parts_->queue.Start();
  if (parts_->housekeeping.joinable()) return;
  parts_->housekeeping_stopping = false;
  parts_->housekeeping = std::thread([parts = parts_.get()] { parts->ReclaimStagedPeriodically(); });
}

void App::StopWorkers() {
  parts_->queue.Stop();
  {
    std::lock_guard lock(parts_->housekeeping_mutex);
    parts_->housekeeping_stopping = true;
  }
  parts_->housekeeping_wake.notify_all();
  if (parts_->housekeeping.joinable()) parts_->housekeeping.join();
}

}  // namespace agora::cli
