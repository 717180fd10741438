// The S3 BlobStore: blobs are objects PREFIX/blobs/sha256/<hex> in an S3-compatible bucket
// (docs/storage-format.md), so several agora servers share them.
//
// An upload is spooled into a local scratch file while its digests are computed, then sent to
// its content address (one PUT, or a multipart upload for large files, read from the file: memory
// stays bounded) with its SHA-256 as the signed payload hash. An object is visible whole or not at
// all, so a failed or interrupted upload leaves nothing half-visible; content already stored is
// not sent again. Reads check the SHA-256 whenever they cover a whole blob. Blobs needed as local
// files (Fetch) are kept in a bounded cache of recently used blobs; a held blob is never evicted.
//
// Local files live under a directory of this process's own (LOCAL_DIR/instances/<uuid>, locked
// while the process runs), so servers sharing LOCAL_DIR never clean up each other's uploads;
// CleanScratch also removes the directories of processes that are gone.
//
// Thread safety: as BlobStore.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "storage/blob_store.h"
#include "storage/env.h"
#include "storage/s3_client.h"

namespace agora::storage {

struct S3BlobStoreOptions {
  S3ClientOptions s3;
  std::string prefix;     // keys start with it; empty, or ends with '/'
  std::string local_dir;  // scratch files and the cache
  uint64_t cache_bytes = 512ull << 20;
};

// Opens the store and checks that the bucket exists and accepts the credentials.
Result<std::unique_ptr<BlobStore>> OpenS3BlobStore(Env* env, S3BlobStoreOptions options);

// Reads `s3://BUCKET[/PREFIX]?endpoint=URL&region=R&style=path|virtual&cache_mb=N` and the
// credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), else the
// shared credentials file (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials, profile
// AWS_PROFILE or "default"). Credentials in the URL are refused: command lines are visible to
// every user of the machine. `local_dir` is left empty.
Result<S3BlobStoreOptions> ParseS3BlobStoreUrl(const std::string& url);

}  // namespace agora::storage
