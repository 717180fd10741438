// The two archives Exchange derives from an uploaded API specification: the uploaded zip with
// exchange.json written into its root (and without the upload's own copies of the declared
// dependencies under exchange_modules/), and the fat package, which adds the content
// of every dependency under exchange_modules/{groupId}/{assetId}/{version}/ so that the spec
// resolves offline. Entries that come from another archive keep their compressed bytes, method
// and modification time: nothing is decompressed or recompressed, so a zip bomb that slipped
// past inspection is never expanded here and large specs cost a copy, not a deflate.
//
// The caller chooses the destination paths (scratch files of the blob store), or builds a small
// archive in memory (an empty destination path: the call returns the archive's bytes, which the
// caller can hash as it stores them, rather than have libzip write a temporary file and rename
// it, and read the file back to hash it). A failed call leaves nothing at the destination. libzip and file-system failures are IOError (NoSpace for
// a full disk); unusable inputs are InvalidArgument.
//
// Thread safety: functions are reentrant; callers give each call its own destination path.
#pragma once

#include <string>
#include <vector>

#include "assets/asset.h"
#include "common/status.h"

namespace agora::packaging {

// An asset's spec content: a zip archive, or one spec file stored as `single_file_name`.
struct PackageContent {
  std::string path;
  bool is_zip = true;
  std::string single_file_name;
};

struct FatDependency {
  assets::Coordinates coordinates;
  PackageContent content;
};

// dest = source + root exchange.json (replacing an uploaded one), minus the upload's own copy of
// each of `dependencies` (its exchange_modules/{g}/{a}/{v}/ folder): a declared dependency's
// content wins over the upload's, as when publication read the spec; the upload's other
// exchange_modules/ entries stay, since the spec was validated with them. 400 INVALID_ZIP when the
// source is not a zip archive. Returns the archive's bytes when `dest_zip` is empty, else an
// empty string.
Result<std::string> RewriteSpecArchive(const std::string& source_zip, const std::string& dest_zip,
                                       const std::string& exchange_json,
                                       const std::vector<assets::Coordinates>& dependencies);

// dest = base content (its exchange.json and its copies of the dependencies left out, as in
// RewriteSpecArchive) + root exchange.json + each dependency's content under
// exchange_modules/{groupId}/{assetId}/{version}/. The caller passes the transitive closure, each
// dependency once; the package is flat, so a dependency's own exchange_modules/ folder is not
// copied, and its references into it resolve at the root (specs::ArchiveSpecSource reads
// them there). 400 INVALID_ZIP for an input that is not a zip, 400 INVALID_PACKAGE_ENTRY for
// coordinates or a file name that would make an unsafe entry name. Returns the archive's bytes
// when `dest_zip` is empty, else an empty string.
Result<std::string> BuildFatPackage(const PackageContent& base, const std::string& exchange_json,
                                    const std::vector<FatDependency>& dependencies, const std::string& dest_zip);

}  // namespace agora::packaging
