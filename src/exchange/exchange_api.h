// The Exchange API endpoints (v1 and v2): each handler authenticates the caller, translates the
// HTTP request into a call on the domain services and the result back into the contract's JSON
// and status codes. No business rule lives here; the publication pipeline, the stores and the
// authoriser decide.
//
// Thread safety: handlers run concurrently on the server's threads; ExchangeServices must outlive
// the router and its members must be thread-safe (they are).
#pragma once

#include <cstdint>
#include <string>

#include "auth/accounts.h"
#include "auth/auth.h"
#include "exchange/file_links.h"
#include "exchange/response_cache.h"
#include "publication/blob_reaper.h"
#include "publication/downloads.h"
#include "publication/job_queue.h"
#include "publication/lifecycle.h"
#include "publication/portal.h"
#include "publication/publisher.h"
#include "server/http.h"
#include "storage/blob_store.h"
#include "storage/metadata_store.h"

namespace agora::exchange {

struct ExchangeServices {
  storage::MetadataStore& metadata;
  storage::BlobStore& blobs;
  publication::BlobReaper& reaper;
  publication::Publisher& publisher;
  publication::PublicationQueue& queue;
  publication::AssetLifecycle& lifecycle;
  publication::DocumentationPortal& portal;
  auth::Authenticator& authenticator;
  auth::Accounts& accounts;
  const FileLinks& links;
  ResponseCache& version_cache;  // asset version JSON bodies
  publication::DownloadCounter& downloads;
  std::string public_url;  // empty: derive from the request's Host header
  std::string server_version;
};

void RegisterExchangeRoutes(server::Router& router, ExchangeServices& services);

}  // namespace agora::exchange
