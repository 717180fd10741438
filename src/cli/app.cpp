#include "cli/app.h"

#include "auth/accounts.h"
#include "auth/auth.h"
#include "common/ids.h"
#include "exchange/exchange_api.h"
#include "publication/blob_reaper.h"
#include "publication/job_queue.h"
#include "publication/lifecycle.h"
#include "publication/portal.h"
#include "publication/publisher.h"

namespace agora::cli {
namespace {

// How long an externalLink stays valid: long enough for a client to act on the JSON it just read.
constexpr int64_t kFileLinkSeconds = 3600;

}  // namespace

// Members in dependency order: each is built from the ones above it and destroyed before them.
struct App::Parts {
  Parts(DataDir data_dir, const AppOptions& options, std::string link_key)
      : dir(std::move(data_dir)),
        reaper(*dir.blobs, *dir.metadata),
        publisher(*dir.metadata, *dir.blobs, reaper),
        queue(publisher, *dir.metadata, reaper, options.workers),
        authenticator(*dir.metadata),
        accounts(*dir.metadata, auth::AccountsOptions{options.token_ttl_seconds * 1000}),
        links(std::move(link_key), kFileLinkSeconds),
        lifecycle(*dir.metadata, reaper),
        portal(*dir.metadata, *dir.blobs, reaper),
        services{*dir.metadata, *dir.blobs, reaper, publisher, queue, lifecycle, portal, authenticator, accounts, links,
                 options.public_url, kAgoraVersion} {
    while (!services.public_url.empty() && services.public_url.back() == '/') services.public_url.pop_back();
    exchange::RegisterExchangeRoutes(router, services);
    router.LimitRate(options.rate_limit_per_minute);
  }

  DataDir dir;
  publication::BlobReaper reaper;
  publication::Publisher publisher;
  publication::PublicationQueue queue;
  auth::Authenticator authenticator;
  auth::Accounts accounts;
  exchange::FileLinks links;
  publication::AssetLifecycle lifecycle;
  publication::DocumentationPortal portal;
  exchange::ExchangeServices services;
  server::Router router;
};

Result<std::unique_ptr<App>> App::Open(const std::string& data_dir, const AppOptions& options) {
  AGORA_ASSIGN_OR_RETURN(DataDir dir, DataDir::Open(data_dir, options.blobs_url));
  // The key that signs files' externalLinks: made by the first server over this database, kept after.
  AGORA_ASSIGN_OR_RETURN(std::string link_key, dir.metadata->GetOrCreateSetting("file_link_key", RandomHex(32)));
  auto parts = std::make_unique<Parts>(std::move(dir), options, std::move(link_key));
  AGORA_RETURN_IF_ERROR(parts->reaper.CollectGarbage());
  AGORA_RETURN_IF_ERROR(parts->queue.Recover());
  return std::unique_ptr<App>(new App(std::move(parts)));
}

App::App(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
App::~App() = default;

const server::Router& App::router() const { return parts_->router; }
storage::MetadataStore& App::metadata() { return *parts_->dir.metadata; }
void App::StartWorkers() { parts_->queue.Start(); }
void App::StopWorkers() { parts_->queue.Stop(); }

}  // namespace agora::cli
