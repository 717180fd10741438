#include "exchange/api_files.h"

#include <algorithm>
#include <string_view>

#include "exchange/handler_support.h"
#include "packaging/zip_archive.h"

namespace agora::exchange {
namespace {

using server::Request;
using server::Response;

// As much of one file as publication reads of a spec's main file.
constexpr uint64_t kMaxApiFileBytes = 64ull << 20;

// `name` as one URL path segment: unreserved characters as they are, every other byte %XX.
std::string EncodeSegment(const std::string& name) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : name) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                            std::string_view("-._~").find(static_cast<char>(c)) != std::string_view::npos;
    if (unreserved) {
      encoded += static_cast<char>(c);
    } else {
      encoded += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return encoded;
}

class ApiFiles {
 public:
  explicit ApiFiles(ExchangeServices& s) : s_(s) {}

  // 301 to .../api/{mainFile}, the file a reader of the API starts from.
  Response GetRoot(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(const Spec spec, SpecOf(request));
    Response redirect;
    redirect.status = 301;
    const std::string& path = request.path();
    redirect.SetHeader("Location", path.substr(0, path.rfind('/') + 1) + EncodeSegment(spec.file.main_file));
    return redirect;
  }

  Response GetFile(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(const Spec spec, SpecOf(request));
    const std::string name = request.Param("filePath");
    // A folder of the archive is not a file of the spec.
    if (name.empty() || name.back() == '/') return Response::Error(NoSuchFile(spec, name));
    const size_t dot = name.rfind('.'), slash = name.rfind('/');
    const std::string extension =
        dot == std::string::npos || (slash != std::string::npos && dot < slash) ? "" : name.substr(dot + 1);
    if (spec.file.packaging != "zip") {
      if (name != spec.file.main_file) return Response::Error(NoSuchFile(spec, name));
      return ServeVersionFile(s_, request, spec.version, spec.file, FileContentType(extension));
    }
    AGORA_ASSIGN_OR_RETURN_RESPONSE(const storage::LocalBlob zip, s_.blobs.Fetch(spec.file.sha256));
    auto content = packaging::ReadZipEntry(zip.path(), name, kMaxApiFileBytes);
    if (!content.ok() && content.status().kind() == Status::Kind::kNotFound) return Response::Error(NoSuchFile(spec, name));
    if (!content.ok()) return Response::Error(content.status());
    return Response::Text(200, std::move(*content), FileContentType(extension));
  }

 private:
  struct Spec {
    assets::AssetVersion version;
    assets::AssetFile file;  // the spec's file: the one with a main file
  };

  // The path's version, readable by the caller, and its spec's file.
  Result<Spec> SpecOf(const Request& request) {
    AGORA_ASSIGN_OR_RETURN(auth::Principal principal, Authenticate(s_, request));
    AGORA_ASSIGN_OR_RETURN(assets::AssetVersion version, ReadableVersion(s_, principal, CoordinatesOf(request)));
    auto spec = std::find_if(version.files.begin(), version.files.end(),
                             [](const assets::AssetFile& f) { return !f.main_file.empty(); });
    if (spec == version.files.end())
      return Status::NotFound("Asset " + version.coordinates.ToString() + " (" + version.type +
                              ") has no API specification");
    assets::AssetFile file = *spec;
    return Spec{std::move(version), std::move(file)};
  }

  static Status NoSuchFile(const Spec& spec, const std::string& name) {
    return Status::NotFound("The API specification of " + spec.version.coordinates.ToString() + " has no file '" +
                            name.substr(0, 100) + "'");
  }

  ExchangeServices& s_;
};

}  // namespace

void RegisterApiFileRoutes(server::Router& router, ExchangeServices& services) {
  auto api = std::make_shared<ApiFiles>(services);
  for (const std::string v : {"v1", "v2"}) {
    const std::string version = "/exchange/api/" + v + "/assets/{groupId}/{assetId}/{version}";
    router.Add("GET", version + "/api/root", BindHandler(api, &ApiFiles::GetRoot));
    router.Add("GET", version + "/api/{filePath*}", BindHandler(api, &ApiFiles::GetFile));
  }
}

}  // namespace agora::exchange
