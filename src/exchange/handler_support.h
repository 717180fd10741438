// What every Exchange handler file shares: turning a failed Result into the contract's error
// response, the coordinates of a request's path, and the access checks (who is calling, and may
// they read or manage this version). Internal to src/exchange, and to src/portal, whose pages
// authorise through these same checks.
//
// Thread safety: pure functions over thread-safe services.
#pragma once

#include <boost/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "assets/asset.h"
#include "auth/auth.h"
#include "exchange/asset_json.h"
#include "exchange/exchange_api.h"
#include "publication/blob_reaper.h"
#include "publication/request.h"
#include "server/http.h"

// Like AGORA_ASSIGN_OR_RETURN, for handlers that answer a Response.
#define AGORA_ASSIGN_OR_RETURN_RESPONSE(lhs, expr) \
  AGORA_ASSIGN_OR_RETURN_RESPONSE_IMPL(AGORA_CONCAT(agora_result_, __LINE__), lhs, expr)
#define AGORA_ASSIGN_OR_RETURN_RESPONSE_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                         \
  if (!tmp.ok()) return server::Response::Error(tmp.status()); \
  lhs = std::move(tmp).value()

namespace agora::exchange {

server::Response JsonResponse(int status, const boost::json::value& value);
// The request's body as a JSON object (at most 1 MiB); 400 BAD_REQUEST otherwise.
Result<boost::json::object> JsonBody(server::Request& request);
// The member's string value, or empty when it is missing or not a string.
std::string StringField(const boost::json::object& object, const char* key);
// The member's strings: an array's string items, or a lone string as a list of one.
std::vector<std::string> StringList(const boost::json::object& object, const char* key);

// A route handler calling `method` on the shared handler object `api`.
template <typename Api>
server::Handler BindHandler(std::shared_ptr<Api> api, server::Response (Api::*method)(server::Request&)) {
  return [api = std::move(api), method](server::Request& request) { return ((*api).*method)(request); };
}
assets::Coordinates CoordinatesOf(const server::Request& request);
// Where links in responses point: --public-url, else the scheme and Host the request came with.
std::string BaseUrl(const ExchangeServices& services, const server::Request& request);
Result<auth::Principal> Authenticate(ExchangeServices& services, const server::Request& request);
// Whether the principal may read an asset of the organisation: one it may not is answered as one
// that does not exist (404 NOT_FOUND "<what> not found"), so another organisation can tell its
// private assets from missing ones by neither the status nor the message.
Status MayReadAsset(const auth::Principal& principal, const std::string& organization_id, const std::string& what);
// The version, if the principal may read it (404 for an unknown one and for another organisation's).
Result<assets::AssetVersion> ReadableVersion(ExchangeServices& services, const auth::Principal& principal,
                                             const assets::Coordinates& coordinates);
// Every version of an asset, if the principal may read it (404 when it has none, or it is another
// organisation's).
Result<std::vector<assets::AssetVersion>> ReadableVersions(ExchangeServices& services, const auth::Principal& principal,
                                                           const std::string& group_id, const std::string& asset_id);
// The path's version, if the principal may manage (tag, edit, document) it: 404 as ReadableVersion,
// 403 when the principal may read it but its role may not manage.
Result<assets::AssetVersion> ManageableVersion(ExchangeServices& services, const auth::Principal& principal,
                                               const server::Request& request);

// Whether the principal may publish these coordinates in the organisation: the role, valid
// coordinates, and a group that is the organisation's own (or new).
Status MayPublish(ExchangeServices& services, const auth::Principal& principal, const std::string& organization_id,
                  const assets::Coordinates& coordinates);
// Queues an asynchronous publication; returns its run id. The lease lets go of the uploaded blobs
// once the job row holds them (or sweeps them when the job could not be stored).
Result<std::string> QueuePublication(ExchangeServices& services, const publication::PublicationRequest& publication,
                                     publication::BlobLease& lease);

// Which lifecycle actions a role allows on a version of the organisation: changing the status
// needs kManage, and deprecating or taking a version back from deprecation kDeprecate (an
// administrator's decision). The API's PUT .../status and the portal's buttons both ask here.
auth::Action StatusChangeAction(const assets::AssetVersion& version, assets::Lifecycle to);
// PUT .../status: authorises the principal for the change, then makes it with the lifecycle's
// rules (400 INVALID_TRANSITION, 400 DEVELOPMENT_DEPENDENCIES).
Status ChangeVersionStatus(ExchangeServices& services, const auth::Principal& principal,
                           const assets::AssetVersion& version, assets::Lifecycle to);
// DELETE of a version or an asset: `versions` (of one asset, which the principal may read) go if
// the principal may delete in their organisation and nothing else depends on them (409
// ASSET_HAS_DEPENDENTS).
Status DeleteVersions(ExchangeServices& services, const auth::Principal& principal,
                      const std::vector<assets::AssetVersion>& versions, bool soft);

// Downloads a blob (ETag its SHA-256, Range, If-None-Match): with sendfile from the blob's own
// file where the store keeps files, streamed from the store otherwise (S3).
server::Response ServeBlob(storage::BlobStore& blobs, const server::Request& request, const std::string& sha256,
                           uint64_t size, const std::string& content_type, const std::string& download_name);

// The Content-Type of a file with this extension (a file's packaging): zip, jar, XML, JSON, YAML
// (RAML too), else application/octet-stream.
std::string FileContentType(const std::string& extension);

// ServeBlob for a file of `version`, counted in the usage figures when the request is a
// download: a GET of the whole file or of its first part (never a HEAD, a 304 or a later part).
server::Response ServeDownload(storage::BlobStore& blobs, publication::DownloadCounter& downloads,
                               const server::Request& request, const assets::Coordinates& version,
                               const std::string& sha256, uint64_t size, const std::string& content_type,
                               const std::string& download_name);

// Downloads one of a version's files with ServeDownload.
server::Response ServeVersionFile(ExchangeServices& services, const server::Request& request,
                                  const assets::AssetVersion& version, const assets::AssetFile& file,
                                  const std::string& content_type);

// Versions' JSON (AssetVersionJson) with their categories and custom fields under the display
// names their organisation defined. An organisation's definitions are read only for a version that
// carries some, and once however many of its versions are shown (a listing).
class ShownVersions {
 public:
  ShownVersions(ExchangeServices& services, std::string base_url)
      : services_(services), base_url_(std::move(base_url)) {}
  Result<boost::json::object> Json(const assets::AssetVersion& version);

 private:
  ExchangeServices& services_;
  const std::string base_url_;
  std::map<std::string, TagDisplayNames, std::less<>> names_;  // by organisation, as read
};

}  // namespace agora::exchange
