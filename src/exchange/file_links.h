// FileLinks makes the `externalLink` of an asset file: its download URL plus a file name and an
// expiring HMAC signature, the role pre-signed storage URLs play in Exchange. Clients fetch those
// links without a token (anypoint-cli's download and copy do, unless the host looks like
// Anypoint's), so the signature alone grants reading that one file until it expires.
//
// The key is a server-wide setting in the metadata store, shared by every process over the same
// database and kept across restarts.
//
// Thread safety: immutable after construction; use from any thread.
#pragma once

#include <cstdint>
#include <string>

#include "assets/asset.h"
#include "common/status.h"
#include "server/http.h"

namespace agora::exchange {

class FileLinks {
 public:
  FileLinks(std::string key, int64_t ttl_seconds) : key_(std::move(key)), ttl_seconds_(ttl_seconds) {}

  // downloadURL + "/" + file name + "?expires=<unix seconds>&signature=<hex>".
  std::string ExternalLink(const std::string& download_url, const assets::AssetVersion& version,
                           const assets::AssetFile& file) const;
  // Whether the request carries a signature at all (else it must authenticate).
  static bool IsSigned(const server::Request& request);
  // OK for a valid, unexpired signature over the request's file; 403 FORBIDDEN otherwise.
  Status Verify(const server::Request& request) const;

  // "<assetId>-<version>[-<classifier>].<packaging>", the name downloads are saved under.
  static std::string FileName(const assets::AssetVersion& version, const std::string& classifier,
                              const std::string& packaging);

 private:
  std::string Signature(const std::string& organization_id, const assets::Coordinates& coordinates,
                        const std::string& classifier, const std::string& packaging, int64_t expires) const;

  std::string key_;
  int64_t ttl_seconds_;
};

}  // namespace agora::exchange
