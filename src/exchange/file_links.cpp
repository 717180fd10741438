#include "exchange/file_links.h"

#include "common/hash.h"
#include "common/ids.h"

namespace agora::exchange {

std::string FileLinks::FileName(const assets::AssetVersion& version, const std::string& classifier,
                                const std::string& packaging) {
  const auto& c = version.coordinates;
  return c.asset_id + "-" + c.version + (classifier.empty() ? "" : "-" + classifier) + "." + packaging;
}

std::string FileLinks::Signature(const std::string& organization_id, const assets::Coordinates& coordinates,
                                 const std::string& classifier, const std::string& packaging, int64_t expires) const {
  // Newline-separated: no part may contain one, so two different files never sign the same text.
  const std::string text = organization_id + "\n" + coordinates.group_id + "\n" + coordinates.asset_id + "\n" +
                           coordinates.version + "\n" + classifier + "\n" + packaging + "\n" + std::to_string(expires);
  return HmacSha256Hex(key_, text);
}

std::string FileLinks::ExternalLink(const std::string& download_url, const assets::AssetVersion& version,
                                    const assets::AssetFile& file) const {
  const int64_t expires = NowMillis() / 1000 + ttl_seconds_;
  // A POM's URL ends in /pom, where a further segment would read as a classifier and packaging.
  std::string link = download_url;
  if (!file.classifier.empty()) link += "/" + FileName(version, file.classifier, file.packaging);
  link += "?expires=" + std::to_string(expires);
  link += "&signature=" + Signature(version.organization_id, version.coordinates, file.classifier, file.packaging, expires);
  return link;
}

bool FileLinks::IsSigned(const server::Request& request) { return request.Query("signature").has_value(); }

Status FileLinks::Verify(const server::Request& request) const {
  const Status refused = Status::Forbidden("The link has expired or its signature is not valid");
  const std::string expires_text = request.Query("expires").value_or("");
  if (expires_text.empty() || expires_text.size() > 18 || expires_text.find_first_not_of("0123456789") != std::string::npos)
    return refused;
  const int64_t expires = std::stoll(expires_text);
  if (expires < NowMillis() / 1000) return refused;
  const std::string packaging = request.Param("packaging").empty() ? "pom" : request.Param("packaging");
  const std::string expected =
      Signature(request.Param("organizationId"),
                {request.Param("groupId"), request.Param("assetId"), request.Param("version")},
                request.Param("classifier"), packaging, expires);
  if (!ConstantTimeEquals(expected, request.Query("signature").value_or(""))) return refused;
  return Status::Ok();
}

}  // namespace agora::exchange
