// The two archives Exchange derives from an uploaded API specification: the uploaded zip with
// exchange.json written into its root (and, when the publication declared dependencies, without
// the exchange_modules/ folder the upload carried), and the fat package, which adds the content
// of every dependency under exchange_modules/{groupId}/{assetId}/{version}/ so that the spec
// resolves offline. Entries that are copied from another archive keep their compressed bytes:
// nothing is recompressed.
//
// Thread safety: functions are reentrant; callers give each call its own destination path.
#pragma once

#include <string>
#include <vector>

#include "assets/asset.h"
#include "common/status.h"

namespace agora::packaging {

// An asset's spec content: a zip archive, or one spec file stored under `single_file_name`.
struct PackageContent {
  std::string path;
  bool is_zip = true;
  std::string single_file_name;
};

struct FatDependency {
  assets::Coordinates coordinates;
  PackageContent content;
};

// dest = source + root exchange.json (replacing an uploaded one), minus exchange_modules/ when
// `strip_exchange_modules`.
Status RewriteSpecArchive(const std::string& source_zip, const std::string& dest_zip, const std::string& exchange_json,
                          bool strip_exchange_modules);

// dest = base content + root exchange.json + each dependency under
// exchange_modules/{groupId}/{assetId}/{version}/. The caller passes the transitive closure; the
// dependencies' own exchange_modules/ folders, and the base's, are not copied.
Status BuildFatPackage(const PackageContent& base, const std::string& exchange_json,
                       const std::vector<FatDependency>& dependencies, const std::string& dest_zip);

}  // namespace agora::packaging
