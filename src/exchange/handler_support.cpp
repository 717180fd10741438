#include "exchange/handler_support.h"

#include "assets/coordinates.h"
#include "exchange/file_links.h"
#include "publication/job_queue.h"

namespace agora::exchange {

server::Response JsonResponse(int status, const boost::json::value& value) {
  return server::Response::Json(status, boost::json::serialize(value));
}

Result<boost::json::object> JsonBody(server::Request& request) {
  AGORA_ASSIGN_OR_RETURN(std::string text, request.ReadWholeBody(1 << 20));
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  if (ec || !value.is_object()) return Status::InvalidArgument("BAD_REQUEST", "The body must be a JSON object");
  return std::move(value.as_object());
}

std::string StringField(const boost::json::object& object, const char* key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : "";
}

std::string BaseUrl(const ExchangeServices& services, const server::Request& request) {
  if (!services.public_url.empty()) return services.public_url;
  return (request.secure() ? "https://" : "http://") + request.Header("host").value_or("localhost");
}

std::vector<std::string> StringList(const boost::json::object& object, const char* key) {
  std::vector<std::string> values;
  const auto* value = object.if_contains(key);
  if (value && value->is_string()) values.emplace_back(value->as_string());
  if (value && value->is_array())
    for (const auto& item : value->as_array())
      if (item.is_string()) values.emplace_back(item.as_string());
  return values;
}

assets::Coordinates CoordinatesOf(const server::Request& request) {
  return {request.Param("groupId"), request.Param("assetId"), request.Param("version")};
}

Result<auth::Principal> Authenticate(ExchangeServices& services, const server::Request& request) {
  auto principal = services.authenticator.Authenticate(request.Header("authorization"));
  if (principal.ok()) request.SetPrincipal(principal->subject);
  return principal;
}

Status MayReadAsset(const auth::Principal& principal, const std::string& organization_id, const std::string& what) {
  if (!auth::Authorize(principal, organization_id, auth::Action::kRead).ok()) return Status::NotFound(what + " not found");
  return Status::Ok();
}

Result<std::vector<assets::AssetVersion>> ReadableVersions(ExchangeServices& services, const auth::Principal& principal,
                                                           const std::string& group_id, const std::string& asset_id) {
  const std::string what = "Asset " + group_id + ":" + asset_id;
  AGORA_ASSIGN_OR_RETURN(auto versions, services.metadata.ListVersions(group_id, asset_id));
  if (versions.empty()) return Status::NotFound(what + " not found");
  AGORA_RETURN_IF_ERROR(MayReadAsset(principal, versions.front().organization_id, what));
  return versions;
}

Result<assets::AssetVersion> ReadableVersion(ExchangeServices& services, const auth::Principal& principal,
                                             const assets::Coordinates& coordinates) {
  const std::string what = "Asset " + coordinates.ToString();
  auto version = services.metadata.GetVersion(coordinates);
  if (!version.ok()) {
    if (version.status().kind() == Status::Kind::kNotFound) return Status::NotFound(what + " not found");
    return version.status();
  }
  AGORA_RETURN_IF_ERROR(MayReadAsset(principal, version->organization_id, what));
  return version;
}

Result<assets::AssetVersion> ManageableVersion(ExchangeServices& services, const auth::Principal& principal,
                                               const server::Request& request) {
  AGORA_ASSIGN_OR_RETURN(assets::AssetVersion version, ReadableVersion(services, principal, CoordinatesOf(request)));
  AGORA_RETURN_IF_ERROR(auth::Authorize(principal, version.organization_id, auth::Action::kManage));
  return version;
}

Status MayPublish(ExchangeServices& services, const auth::Principal& principal, const std::string& organization_id,
                  const assets::Coordinates& coordinates) {
  AGORA_RETURN_IF_ERROR(auth::Authorize(principal, organization_id, auth::Action::kPublish));
  AGORA_RETURN_IF_ERROR(assets::ValidateCoordinates(coordinates));
  return auth::AuthorizeGroup(principal, services.metadata, organization_id, coordinates.group_id,
                              auth::Action::kPublish);
}

Result<std::string> QueuePublication(ExchangeServices& services, const publication::PublicationRequest& publication,
                                     publication::BlobLease& lease) {
  auto run_id = services.queue.Submit(publication);
  lease.Release(/*sweep=*/!run_id.ok());  // once submitted, the job row holds the blobs
  return run_id;
}

auth::Action StatusChangeAction(const assets::AssetVersion& version, assets::Lifecycle to) {
  const bool deprecation = to == assets::Lifecycle::kDeprecated || version.status == assets::Lifecycle::kDeprecated;
  return deprecation ? auth::Action::kDeprecate : auth::Action::kManage;
}

Status ChangeVersionStatus(ExchangeServices& services, const auth::Principal& principal,
                           const assets::AssetVersion& version, assets::Lifecycle to) {
  AGORA_RETURN_IF_ERROR(auth::Authorize(principal, version.organization_id, auth::Action::kManage));
  AGORA_RETURN_IF_ERROR(auth::Authorize(principal, version.organization_id, StatusChangeAction(version, to)));
  return services.lifecycle.ChangeStatus(version, to);
}

Status DeleteVersions(ExchangeServices& services, const auth::Principal& principal,
                      const std::vector<assets::AssetVersion>& versions, bool soft) {
  if (versions.empty()) return Status::InvalidArgument("BAD_REQUEST", "Nothing to delete");
  AGORA_RETURN_IF_ERROR(auth::Authorize(principal, versions.front().organization_id, auth::Action::kDelete));
  return services.lifecycle.Delete(versions, soft);
}

namespace {

// A blob range read from the store, as the server pulls a streamed body.
class BlobBodySource : public server::BodySource {
 public:
  explicit BlobBodySource(std::unique_ptr<storage::SequentialFile> file) : file_(std::move(file)) {}
  Result<size_t> Read(char* buf, size_t n) override { return file_->Read(buf, n); }

 private:
  std::unique_ptr<storage::SequentialFile> file_;
};

// A download, for the usage figures: the whole file, or the first part of a ranged one.
bool IsDownload(const server::Response& response) {
  if (response.status == 200) return true;
  if (response.status != 206) return false;
  for (const auto& [name, value] : response.headers)
    if (name == "Content-Range") return value.rfind("bytes 0-", 0) == 0;
  return false;
}

}  // namespace

std::string FileContentType(const std::string& extension) {
  if (extension == "zip" || extension == "jar") return "application/zip";
  if (extension == "pom" || extension == "xml" || extension == "wsdl" || extension == "xsd") return "application/xml";
  if (extension == "json") return "application/json";
  if (extension == "yaml" || extension == "yml" || extension == "raml") return "application/yaml";
  return "application/octet-stream";
}

server::Response ServeBlob(storage::BlobStore& blobs, const server::Request& request, const std::string& sha256,
                           uint64_t size, const std::string& content_type, const std::string& download_name) {
  const std::string etag = "\"" + sha256 + "\"";
  if (auto path = blobs.FilePath(sha256))
    return server::ServeFile(request, *path, size, etag, content_type, download_name);
  return server::ServeStream(request, size, etag, content_type, download_name,
                             [&](uint64_t offset, uint64_t length) -> Result<std::shared_ptr<server::BodySource>> {
                               AGORA_ASSIGN_OR_RETURN(auto file, blobs.OpenRange(sha256, offset, length));
                               return std::shared_ptr<server::BodySource>(std::make_shared<BlobBodySource>(std::move(file)));
                             });
}

server::Response ServeDownload(storage::BlobStore& blobs, publication::DownloadCounter& downloads,
                               const server::Request& request, const assets::Coordinates& version,
                               const std::string& sha256, uint64_t size, const std::string& content_type,
                               const std::string& download_name) {
  server::Response response = ServeBlob(blobs, request, sha256, size, content_type, download_name);
  if (request.method() == "GET" && IsDownload(response)) downloads.Count(version);
  return response;
}

server::Response ServeVersionFile(ExchangeServices& services, const server::Request& request,
                                  const assets::AssetVersion& version, const assets::AssetFile& file,
                                  const std::string& content_type) {
  return ServeDownload(services.blobs, services.downloads, request, version.coordinates, file.sha256, file.size,
                       content_type, FileLinks::FileName(version, file.classifier, file.packaging));
}

Result<boost::json::object> ShownVersions::Json(const assets::AssetVersion& version) {
  static const TagDisplayNames kNone;
  if (version.categories.empty() && version.fields.empty())
    return AssetVersionJson(version, base_url_, services_.links, kNone);
  auto named = names_.find(version.organization_id);
  if (named == names_.end()) {
    TagDisplayNames names;
    for (auto [kind, by_key] : {std::pair{"category", &names.categories}, std::pair{"field", &names.fields}}) {
      AGORA_ASSIGN_OR_RETURN(auto definitions, services_.metadata.ListTagDefinitions(version.organization_id, kind));
      for (auto& d : definitions) by_key->emplace(std::move(d.tag_key), std::move(d.display_name));
    }
    named = names_.emplace(version.organization_id, std::move(names)).first;
  }
  return AssetVersionJson(version, base_url_, services_.links, named->second);
}

}  // namespace agora::exchange
