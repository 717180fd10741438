// The blob half of `agora migrate`: copying an installation's blobs from one BlobStore to another
// (the embedded file store to S3), resumably, and checking every copy.
//
// A blob is addressed by its content, so copying is idempotent: a run skips the blobs the target
// already holds whole, and a run that was interrupted (killed, S3 gone) is resumed by running it
// again. Each copy is streamed (no blob is held in memory) and its SHA-256, computed by the target's
// writer, must equal its id. VerifyBlobs reads blobs back from the target and checks each one's
// SHA-256, for the final verification after the metadata has been copied too.
//
// Thread safety: one call at a time per pair of stores; the stores themselves are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/blob_store.h"

namespace agora::migration {

struct BlobCopyReport {
  uint64_t copied = 0;   // blobs sent by this run
  uint64_t skipped = 0;  // blobs the target already held
  uint64_t bytes = 0;    // bytes sent by this run
};

// Called after each blob with its id and whether it was copied (false: already there).
using BlobProgress = std::function<void(const std::string& sha256, bool copied)>;

// Copies the blobs `sha256s` that `to` lacks. NotFound if `from` lacks one.
Result<BlobCopyReport> CopyBlobs(storage::BlobStore& from, storage::BlobStore& to, const std::vector<std::string>& sha256s,
                                 const BlobProgress& progress = {});

// The ids of `sha256s` that the target lacks, or whose content does not match their id.
Result<std::vector<std::string>> VerifyBlobs(storage::BlobStore& to, const std::vector<std::string>& sha256s);

}  // namespace agora::migration
