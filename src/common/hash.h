// Content digests for uploaded files and tokens. MultiHasher computes MD5, SHA-1 and SHA-256 of a
// byte stream in one pass, so a file is read once however many digests the Exchange JSON reports;
// Hasher computes any one digest (SHA-512 for the Maven facade's .sha512 files). Also the
// encodings digests and credentials travel in: hex and base64.
//
// Thread safety: a MultiHasher is used by one thread at a time; the free functions are reentrant.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
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

enum class DigestAlgorithm { kMd5, kSha1, kSha256, kSha512 };

// One digest of a byte stream fed in pieces.
class Hasher {
 public:
  explicit Hasher(DigestAlgorithm algorithm);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void Update(const void* data, size_t size);
  // Lowercase hex; the hasher must not be updated afterwards.
  std::string Finish();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

std::string DigestHex(DigestAlgorithm algorithm, std::string_view data);

std::string Sha256Hex(std::string_view data);
// HMAC-SHA256 of `data` under `key`: the raw 32 bytes, and in lowercase hex.
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HmacSha256Hex(std::string_view key, std::string_view data);
std::string ToHex(const unsigned char* data, size_t size);
// Standard base64 (RFC 4648, padded); nullopt for anything else, such as HTTP Basic credentials
// that are not base64.
std::optional<std::string> DecodeBase64(std::string_view text);

// Constant-time comparison of two strings (for secrets).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace agora
