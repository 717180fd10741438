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

std::string Sha256Hex(std::string_view data);
// HMAC-SHA256 of `data` under `key`, lowercase hex.
std::string HmacSha256Hex(std::string_view key, std::string_view data);
std::string ToHex(const unsigned char* data, size_t size);

// Constant-time comparison of two strings (for secrets).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace agora
