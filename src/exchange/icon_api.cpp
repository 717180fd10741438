#include "exchange/icon_api.h"

#include <boost/algorithm/string.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <optional>
#include <string_view>
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

// An image type an icon may have, and how its bytes begin.
struct IconFormat {
  std::string_view media_type;
  std::string_view packaging;
  std::string_view signature;  // the file's first bytes; an SVG is XML text holding an <svg element
};
constexpr IconFormat kIconFormats[] = {{"image/png", "png", "\x89PNG\r\n\x1a\n"},
                                       {"image/jpeg", "jpg", "\xff\xd8\xff"},
                                       {"image/gif", "gif", "GIF8"},
                                       {"image/svg+xml", "svg", ""}};

// The format of an icon sent with this Content-Type (case and parameters ignored); null for none.
const IconFormat* FormatOf(const std::string& content_type) {
  std::string media = boost::algorithm::to_lower_copy(content_type.substr(0, content_type.find(';')));
  boost::algorithm::trim(media);
  for (const IconFormat& format : kIconFormats)
    if (media == format.media_type) return &format;
  return nullptr;
}

// Whether `image` is what its format says: clients show icons as images, so a file that is not
// one (or an image of another type, which browsers would sniff) is refused.
bool LooksLike(const IconFormat& format, std::string_view image) {
  if (!format.signature.empty()) return image.starts_with(format.signature);
  const size_t start = image.find_first_not_of(" \t\r\n\xef\xbb\xbf");
  return start != std::string_view::npos && image[start] == '<' && image.find("<svg") != std::string_view::npos;
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
    const IconFormat* format = FormatOf(request.Header("content-type").value_or(""));
    if (!format)
      return Status::InvalidArgument("INVALID_ICON", "Send the icon as image/png, image/jpeg, image/gif or image/svg+xml");
    AGORA_ASSIGN_OR_RETURN(const std::string image, request.ReadWholeBody(kMaxIconBytes));
    if (image.empty()) return Status::InvalidArgument("INVALID_ICON", "The icon is empty");
    if (!LooksLike(*format, image))
      return Status::InvalidArgument("INVALID_ICON", "The icon is not a " + std::string(format->media_type) + " image");
    publication::BlobLease lease(s_.reaper);
    AGORA_ASSIGN_OR_RETURN(auto writer, s_.blobs.NewWriter());
    AGORA_RETURN_IF_ERROR(writer->Append(image.data(), image.size()));
    AGORA_ASSIGN_OR_RETURN(const storage::BlobInfo blob, lease.Commit(*writer));
    const assets::AssetFile icon{"icon", std::string(format->packaging), blob.sha256, blob.md5, blob.sha1, blob.size, "", false, NowMillis()};
    AGORA_RETURN_IF_ERROR(SetIcon(versions, icon));
    return icon;
  }

  // Makes `icon` the icon of every version. The blob of the icon it replaces is left to the
  // garbage collection at the next start, not swept now: a version being published at this
  // moment may have read it as the asset's icon to hold too (Publisher's InheritIcon).
  Status SetIcon(const std::vector<assets::AssetVersion>& versions, const std::optional<assets::AssetFile>& icon) {
    const auto& c = versions.front().coordinates;
    return s_.metadata.SetAssetIcon(c.group_id, c.asset_id, icon, NowMillis());
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
