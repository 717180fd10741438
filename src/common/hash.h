// Content digests for uploaded files and tokens. MultiHasher computes MD5, SHA-1 and SHA-256 of a
// byte stream in one pass, so a file is read once however many digests the Exchange JSON reports.
//
// Thread safety: a MultiHasher is used by one thread at a time; the free functions are reentrant.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace agora {

struct Digests {
  std::string md5;     // lowercase hex
  std::string sha1;    // lowercase hex
  std::string sha256;  // lowercase hex
};

class MultiHasher {
 public:
  MultiHasher();
  ~MultiHasher();
  MultiHasher(const MultiHasher&) = delete;
  MultiHasher& operator=(const MultiHasher&) = delete;

  void Update(const void* data, size_t size);
  // Finishes the digests; the hasher must not be updated afterwards.
  Digests Finish();

 private:
  struct Contexts;
  std::unique_ptr<Contexts> contexts_;
};

// SHA-256 alone, incrementally (S3 request payloads, downloaded blobs checked against their id).
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(const void* data, size_t size);
  // The digest in lowercase hex; the hasher must not be updated afterwards.
  std::string FinishHex();

 private:
  void* context_;  // EVP_MD_CTX, kept out of this header
};

std::string Sha256Hex(std::string_view data);
// HMAC-SHA256 of `data` under `key`: the raw 32 bytes, and in lowercase hex.
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HmacSha256Hex(std::string_view key, std::string_view data);
std::string ToHex(const unsigned char* data, size_t size);

// Constant-time comparison of two strings (for secrets).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace agora
