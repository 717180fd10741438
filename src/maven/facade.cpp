#include "maven/facade.h"

#include <memory>

#include "assets/coordinates.h"
#include "common/hash.h"
#include "exchange/handler_support.h"
#include "maven/checksums.h"
#include "maven/deploys.h"
#include "maven/repository.h"

namespace agora::maven {
namespace {

using server::Request;
using server::Response;

constexpr size_t kMaxChecksumBody = 1024;
constexpr size_t kMaxMetadataBody = 1 << 20;

// A refusal as Maven shows it: only the status line is printed, so it carries the message.
Response Refusal(const Status& status) {
  Response response = Response::Error(status);
  response.reason = status.message();
  if (status.kind() == Status::Kind::kUnauthorized) response.SetHeader("WWW-Authenticate", "Basic realm=\"agora\"");
  return response;
}

Response Created() {
  Response response;
  response.status = 201;
  return response;
}

Response NotAllowed(const std::string& why) {
  Response response = Refusal(Status::MethodNotAllowed(why));
  response.SetHeader("Allow", "GET, HEAD, PUT");
  return response;
}

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if ((text[i] | 0x20) != (prefix[i] | 0x20)) return false;
  return true;
}

// Everything the facade's handlers share; one per router.
class Facade {
 public:
  explicit Facade(FacadeServices& s)
      : s_(s),
        checksums_(s.blobs),
        deploys_(s.metadata, s.blobs, s.reaper, s.publisher, checksums_),
        repository_(s.metadata, checksums_, s.metadata_cache) {}

  // Reads need credentials; what they may read is decided with the content.
  std::optional<Response> AdmitRead(Request& request) {
    if (auto caller = Caller(request); !caller.ok()) return Refusal(caller.status());
    return std::nullopt;
  }

  // An upload needs credentials allowed to publish in the URL's organisation under the path's
  // group, and a path in the repository layout: all known before its body.
  std::optional<Response> AdmitDeploy(Request& request) {
    auto caller = Caller(request);
    if (!caller.ok()) return Refusal(caller.status());
    auto path = ParseRepositoryPath(request.Param("path"));
    if (!path.ok()) return Refusal(path.status());
    if (path->kind != RepositoryPath::Kind::kArtifactMetadata) {
      if (Status st = assets::ValidateCoordinates({path->group_id, path->artifact_id, path->version}); !st.ok())
        return Refusal(st);
    }
    if (Status st = auth::AuthorizeGroup(*caller, s_.metadata, request.Param("organizationId"), path->group_id,
                                         auth::Action::kPublish);
        !st.ok())
      return Refusal(st);
    return std::nullopt;
  }

  Response Get(Request& request) {
    auto caller = Caller(request);
    if (!caller.ok()) return Refusal(caller.status());
    auto path = ParseRepositoryPath(request.Param("path"));
    if (!path.ok()) return Refusal(Status::NotFound(path.status().message()));  // nothing is there
    auto content = repository_.Read(*caller, request.Param("organizationId"), *path);
    if (!content.ok()) return Refusal(content.status());
    if (!content->blob) return Response::Text(200, std::move(content->text), content->content_type);
    const storage::BlobInfo& blob = *content->blob;
    Response response = content->download_of
                            ? exchange::ServeDownload(s_.blobs, s_.downloads, request, *content->download_of,
                                                      blob.sha256, blob.size, content->content_type, content->file_name)
                            : exchange::ServeBlob(s_.blobs, request, blob.sha256, blob.size, content->content_type,
                                                  content->file_name);
    // Newer Maven resolvers take the checksums from these headers instead of a second request.
    response.SetHeader("X-Checksum-SHA1", blob.sha1);
    response.SetHeader("X-Checksum-MD5", blob.md5);
    response.SetHeader("X-Checksum-SHA256", blob.sha256);
    return response;
  }

  Response Put(Request& request) {
    auto caller = Caller(request);
    if (!caller.ok()) return Refusal(caller.status());
    auto path = ParseRepositoryPath(request.Param("path"));
    if (!path.ok()) return Refusal(path.status());
    const Deployer deployer{request.Param("organizationId"), caller->subject};
    if (path->kind == RepositoryPath::Kind::kFile && !path->checksum) {
      auto stored = deploys_.PutFile(deployer, *path, request.content_length(),
                                     [&request](char* buffer, size_t size) { return request.ReadBody(buffer, size); });
      if (!stored.ok()) return Refusal(stored.status());
      return Created();
    }
    const bool metadata = path->kind != RepositoryPath::Kind::kFile;
    auto body = request.ReadWholeBody(metadata ? kMaxMetadataBody : kMaxChecksumBody);
    if (!body.ok()) return Refusal(body.status());
    const Status st = metadata ? deploys_.PutMetadata(deployer, *path, *body) : deploys_.PutChecksum(*path, *body);
    return st.ok() ? Created() : Refusal(st);
  }

 private:
  // Basic credentials in Exchange's three styles, or a Bearer token.
  Result<auth::Principal> Caller(const Request& request) {
    const auto header = request.Header("authorization");
    if (!header) return Status::Unauthorized("Credentials are required");
    std::string_view value = *header;
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    if (!StartsWithIgnoringCase(value, "basic ")) return s_.authenticator.Authenticate(header);
    value.remove_prefix(6);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    const auto decoded = DecodeBase64(value);
    const size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) return Status::Unauthorized("Malformed Basic credentials");
    return s_.accounts.AuthenticateBasic(std::string_view(*decoded).substr(0, colon),
                                         std::string_view(*decoded).substr(colon + 1));
  }

  FacadeServices& s_;
  Checksums checksums_;
  MavenDeploys deploys_;
  MavenRepository repository_;
};

}  // namespace

void RegisterMavenRoutes(server::Router& router, FacadeServices& services) {
  auto facade = std::make_shared<Facade>(services);
  const server::Handler get = [facade](Request& r) { return facade->Get(r); };
  const server::Handler put = [facade](Request& r) { return facade->Put(r); };
  const server::Admission admit_read = [facade](Request& r) { return facade->AdmitRead(r); };
  const server::Admission admit_deploy = [facade](Request& r) { return facade->AdmitDeploy(r); };
  const server::Handler no_delete = [](Request&) {
    return NotAllowed("The Maven facade does not delete: delete versions through the Exchange API");
  };
  const server::Handler read_only = [](Request&) {
    return NotAllowed("This repository is read-only: deploy to /api/v3/organizations/{organizationId}/maven");
  };
  std::vector<std::string> deployable, read_only_bases;
  for (const std::string v : {"v1", "v2", "v3"}) {
    deployable.push_back("/api/" + v + "/organizations/{organizationId}/maven/{path*}");
    read_only_bases.push_back("/api/" + v + "/maven/{path*}");
  }
  for (const std::string v : {"v1", "v2"}) deployable.push_back("/exchange/api/" + v + "/organizations/{organizationId}/maven/{path*}");
  for (const auto& pattern : deployable) {
    router.Add("GET", pattern, get, admit_read);
    router.Add("PUT", pattern, put, admit_deploy);
    router.Add("DELETE", pattern, no_delete);
  }
  for (const auto& pattern : read_only_bases) {
    router.Add("GET", pattern, get, admit_read);
    router.Add("PUT", pattern, read_only);
    router.Add("DELETE", pattern, no_delete);
  }
}

}  // namespace agora::maven
