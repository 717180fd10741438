// The health endpoints a load balancer or an orchestrator asks, without a token:
//
//   GET /health        liveness: 200 {"status":"ok"} while the process serves, also while it
//                      drains ({"status":"draining"}): restarting it would not help.
//   GET /health/ready  readiness, whether to send this server requests now: 200, or 503 while it
//                      drains (agora serve after SIGTERM) or while a store does not answer, with
//                      {"status": "ok"|"unavailable"|"draining",
//                       "checks": {"metadata": "ok"|"unavailable", "blobs": "ok"|"unavailable"}}.
//                      Why a store failed goes to the server's log, not to anonymous callers.
//
// Thread safety: the handlers may run on any thread; `draining` is read atomically.
#pragma once

#include <atomic>

#include "server/http.h"
#include "storage/blob_store.h"
#include "storage/metadata_store.h"

namespace agora::exchange {

void RegisterHealthRoutes(server::Router& router, storage::MetadataStore& metadata, storage::BlobStore& blobs,
                          const std::atomic<bool>& draining);

}  // namespace agora::exchange
