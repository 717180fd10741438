#include "exchange/icon_api.h"

#include <boost/json.hpp>

#include <algorithm>
#include <optional>
#include <vector>

#include "common/ids.h"
#include "exchange/asset_json.h"
#include "exchange/handler_support.h"

namespace agora::exchange {
namespace {

namespace json = boost::json;
using server::Request;
using server::Response;

constexpr size_t kMaxIconBytes = 2 << 20;

// The packaging of an icon sent with this Content-Type (parameters ignored); nullopt for no image.
std::optional<std::string> IconPackaging(const std::string& content_type) {
  const std::string media = content_type.substr(0, content_type.find(';'));
  for (const auto& [type, packaging] : {std::pair{"image/png", "png"}, std::pair{"image/jpeg", "jpg"},
                                        std::pair{"image/gif", "gif"}, std::pair{"image/svg+xml", "svg"}})
    if (media == type) return packaging;
  return std::nullopt;
}

class IconApi {
 public:
  explicit IconApi(ExchangeServices& s) : s_(s) {}

  // 201 with the icon's file: {groupId, assetId, classifier, packaging, externalKey, externalLink}.
  Response PutAssetIcon(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(const auto versions, ManageableVersions(request));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(const assets::AssetFile icon, ReplaceIcon(request, versions));
    const assets::AssetVersion& latest = versions.back();
    const std::string url = DownloadUrl(BaseUrl(s_, request), latest, icon);
    return JsonResponse(201, json::object{{"groupId", latest.coordinates.group_id},
                                          {"assetId", latest.coordinates.asset_id},
                                          {"classifier", icon.classifier},
                                          {"packaging", icon.packaging},
                                          {"externalKey", latest.coordinates.group_id + "/" + icon.sha256 + "." + icon.packaging},
                                          {"externalLink", s_.links.ExternalLink(url, latest, icon)}});
  }

  // The version must exist; the icon is still the asset's.
  Response PutVersionIcon(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(const auto versions, ManageableVersions(request));
    const std::string wanted = request.Param("version");
    if (std::none_of(versions.begin(), versions.end(), [&](const auto& v) { return v.coordinates.version == wanted; }))
      return Response::Error(Status::NotFound("Asset " + CoordinatesOf(request).ToString() + " not found"));
    if (auto icon = ReplaceIcon(request, versions); !icon.ok()) return Response::Error(icon.status());
    return Response::NoContent();
  }

  Response DeleteAssetIcon(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(const auto versions, ManageableVersions(request));
    if (Status st = SetIcon(versions, std::nullopt); !st.ok()) return Response::Error(st);
    return Response::NoContent();
  }

 private:
  // Every version of the path's asset, for a principal who may manage it (404 when it may not read it).
  Result<std::vector<assets::AssetVersion>> ManageableVersions(const Request& request) {
    AGORA_ASSIGN_OR_RETURN(auth::Principal principal, Authenticate(s_, request));
    AGORA_ASSIGN_OR_RETURN(auto versions,
                           ReadableVersions(s_, principal, request.Param("groupId"), request.Param("assetId")));
    AGORA_RETURN_IF_ERROR(auth::Authorize(principal, versions.front().organization_id, auth::Action::kManage));
    return versions;
  }

  // Stores the body as the asset's icon.
  Result<assets::AssetFile> ReplaceIcon(Request& request, const std::vector<assets::AssetVersion>& versions) {
    const auto packaging = IconPackaging(request.Header("content-type").value_or(""));
    if (!packaging)
      return Status::InvalidArgument("INVALID_ICON", "Send the icon as image/png, image/jpeg, image/gif or image/svg+xml");
    AGORA_ASSIGN_OR_RETURN(const std::string image, request.ReadWholeBody(kMaxIconBytes));
    if (image.empty()) return Status::InvalidArgument("INVALID_ICON", "The icon is empty");
    publication::BlobLease lease(s_.reaper);
    AGORA_ASSIGN_OR_RETURN(auto writer, s_.blobs.NewWriter());
    AGORA_RETURN_IF_ERROR(writer->Append(image.data(), image.size()));
    AGORA_ASSIGN_OR_RETURN(const storage::BlobInfo blob, lease.Commit(*writer));
    const assets::AssetFile icon{"icon", *packaging, blob.sha256, blob.md5, blob.sha1, blob.size, "", false, NowMillis()};
    AGORA_RETURN_IF_ERROR(SetIcon(versions, icon));
    return icon;
  }

  // Makes `icon` the icon of every version, then reclaims the blob of the one it replaced.
  Status SetIcon(const std::vector<assets::AssetVersion>& versions, const std::optional<assets::AssetFile>& icon) {
    std::vector<std::string> replaced;
    for (const auto& f : versions.front().files)
      if (f.classifier == "icon") replaced.push_back(f.sha256);
    const auto& c = versions.front().coordinates;
    AGORA_RETURN_IF_ERROR(s_.metadata.SetAssetIcon(c.group_id, c.asset_id, icon, NowMillis()));
    return s_.reaper.Sweep(replaced);
  }

  ExchangeServices& s_;
};

}  // namespace

void RegisterIconRoutes(server::Router& router, ExchangeServices& services) {
  auto api = std::make_shared<IconApi>(services);
  for (const std::string v : {"v1", "v2"}) {
    const std::string asset = "/exchange/api/" + v + "/assets/{groupId}/{assetId}";
    router.Add("PUT", asset + "/icon", BindHandler(api, &IconApi::PutAssetIcon));
    router.Add("DELETE", asset + "/icon", BindHandler(api, &IconApi::DeleteAssetIcon));
    router.Add("PUT", asset + "/{version}/icon", BindHandler(api, &IconApi::PutVersionIcon));
  }
}

}  // namespace agora::exchange
