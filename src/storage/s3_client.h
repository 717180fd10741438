// S3Client is agora's thin client for S3-compatible object storage: libcurl as the transport,
// requests signed by s3_signer.h. It does what the S3 BlobStore needs and nothing more: upload a
// local file as an object (one PUT, or a multipart upload past a threshold; streamed from the
// file, so memory stays at curl's buffer whatever the size), HEAD, ranged GET read through a
// bounded buffer, DELETE, ListObjects (version 1, with markers), and HEAD/PUT of the bucket for
// start-up checks and tests.
//
// Why our own client: Debian 12 packages no AWS SDK for C++ nor minio-cpp, and libs3 signs only
// the retired SigV2. The S3 calls agora makes are few and simple; a client of a few hundred lines
// over libcurl is easier to keep right than a vendored SDK.
//
// Every request is retried, with exponential backoff and jitter, on connection errors, stalls and
// 5xx/429 answers (a GET resumes where it stopped). What S3 refuses becomes a Status that says
// what S3 said: a missing object is NotFound; refused credentials, a missing bucket and an
// unreachable endpoint are Unavailable (the server cannot work until someone fixes its set-up).
//
// Thread safety: all S3Client methods may be called from any thread (each request takes a curl
// handle from a pool). An S3ObjectReader belongs to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/env.h"
#include "storage/s3_signer.h"

namespace agora::storage {

struct S3ClientOptions {
  std::string endpoint;  // scheme://host[:port]; empty: https://s3.REGION.amazonaws.com
  std::string bucket;
  std::string region = "us-east-1";
  bool path_style = true;  // ENDPOINT/BUCKET/KEY; false: BUCKET.HOST/KEY (virtual-hosted, AWS's default)
  S3Credentials credentials;
  int max_attempts = 5;            // per request, for retryable failures
  int initial_backoff_ms = 100;    // doubled per attempt, with jitter, capped at 5 s
  int connect_timeout_seconds = 10;
  int stall_timeout_seconds = 60;  // a transfer that moves nothing this long is retried
  uint64_t multipart_threshold = 64ull << 20;  // files larger than this go up in parts
  uint64_t part_size = 16ull << 20;            // at least 5 MiB (S3's minimum but for the last part)
};

struct S3ObjectInfo {
  std::string key;
  uint64_t size = 0;
  std::string sha256;  // as recorded by PutFile (x-amz-meta-sha256); empty when absent or unknown
};

class S3Client {
 public:
  static Result<std::unique_ptr<S3Client>> Create(S3ClientOptions options);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  const S3ClientOptions& options() const { return options_; }
  // "bucket B at ENDPOINT", for messages.
  std::string Describe() const;

  // Whether the bucket exists and the credentials are accepted.
  Status CheckBucket();
  Status CreateBucket();

  // NotFound when there is no such object.
  Result<S3ObjectInfo> Head(const std::string& key);
  // Uploads the local file `path` (`size` bytes, SHA-256 `sha256` in hex, which S3 checks the
  // body against) as `key`, recording the digest as the object's metadata (x-amz-meta-sha256,
  // written with the object's last byte, so it also tells a whole object on servers that let an
  // interrupted upload leave part of its bytes behind, as s3rver does). On S3 the object appears
  // whole or not at all.
  Status PutFile(const std::string& key, const std::string& path, uint64_t size, const std::string& sha256);
  // Reads [offset, offset + length) of the object (length may run past its end: up to the end).
  // The request is made before this returns, so a missing object is NotFound here. With
  // `expected_sha256`, an object without that recorded digest is NotFound (none recorded: not a
  // whole upload) or Corruption (another), and when the read covers the whole object its bytes
  // are checked too: a mismatch fails the Read that would return the last bytes, with Corruption.
  Result<std::unique_ptr<SequentialFile>> Get(const std::string& key, uint64_t offset, uint64_t length,
                                              const std::string& expected_sha256 = "");
  // Deleting a missing object succeeds, as in S3.
  Status Delete(const std::string& key);
  // Every object whose key starts with `prefix`, in key order (pages of S3's 1,000 keys).
  Result<std::vector<S3ObjectInfo>> List(const std::string& prefix);

 private:
  friend class S3ObjectReader;
  struct Call;
  struct Reply;
  class Handle;

  explicit S3Client(S3ClientOptions options);

  // Sends the call, retrying what may be retried; a reply with any final status.
  Result<Reply> Perform(const Call& call);
  Result<Reply> PerformOnce(const Call& call, Handle& handle);
  // Sets up a curl handle for one attempt of `call` (URL, method, signed headers).
  void Prepare(const Call& call, Handle& handle);
  Status ErrorOf(const Reply& reply, const std::string& what) const;
  Status PutMultipart(const std::string& key, const std::string& path, uint64_t size, const std::string& sha256);
  void Backoff(int attempt) const;

  std::unique_ptr<Handle> Acquire();
  void Release(std::unique_ptr<Handle> handle);

  S3ClientOptions options_;
  std::string host_;         // the Host header (and signed host)
  std::string url_base_;     // scheme://host[:port]
  std::string bucket_path_;  // "/BUCKET" (path style) or "" (virtual-hosted)
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<Handle>> pool_;
};

}  // namespace agora::storage
