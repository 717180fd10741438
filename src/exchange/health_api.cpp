#include "exchange/health_api.h"

#include <boost/json.hpp>

#include <cstdio>
#include <string>

namespace agora::exchange {
namespace json = boost::json;

namespace {

// A blob that never exists: asking for its size reaches the store without reading anything.
const std::string kAbsentBlob(64, '0');

// "ok", or "unavailable" with the reason in the server's log.
const char* Check(const char* store, const Status& status) {
  if (status.ok()) return "ok";
  std::fprintf(stderr, "agora health: the %s store does not answer: %s\n", store, status.ToString().c_str());
  return "unavailable";
}

Status BlobsAnswer(storage::BlobStore& blobs) {
  const auto size = blobs.Size(kAbsentBlob);
  return size.ok() || size.status().kind() == Status::Kind::kNotFound ? Status::Ok() : size.status();
}

}  // namespace

void RegisterHealthRoutes(server::Router& router, storage::MetadataStore& metadata, storage::BlobStore& blobs,
                          const std::atomic<bool>& draining) {
  router.Add("GET", "/health", [&draining](server::Request&) {
    return server::Response::Json(200, json::serialize(json::object{{"status", draining ? "draining" : "ok"}}));
  });
  router.Add("GET", "/health/ready", [&metadata, &blobs, &draining](server::Request&) {
    const std::string metadata_check = Check("metadata", metadata.Ping());
    const std::string blobs_check = Check("blob", BlobsAnswer(blobs));
    const bool stopping = draining.load();
    const bool ready = !stopping && metadata_check == "ok" && blobs_check == "ok";
    const json::object body{{"status", stopping ? "draining" : ready ? "ok" : "unavailable"},
                            {"checks", {{"metadata", metadata_check}, {"blobs", blobs_check}}}};
    return server::Response::Json(ready ? 200 : 503, json::serialize(body));
  });
}

}  // namespace agora::exchange
