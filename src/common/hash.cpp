#include "common/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace agora {

struct MultiHasher::Contexts {
  EVP_MD_CTX* md5 = EVP_MD_CTX_new();
  EVP_MD_CTX* sha1 = EVP_MD_CTX_new();
  EVP_MD_CTX* sha256 = EVP_MD_CTX_new();
  ~Contexts() {
    EVP_MD_CTX_free(md5);
    EVP_MD_CTX_free(sha1);
    EVP_MD_CTX_free(sha256);
  }
};

MultiHasher::MultiHasher() : contexts_(std::make_unique<Contexts>()) {
  if (!contexts_->md5 || !contexts_->sha1 || !contexts_->sha256 ||
      EVP_DigestInit_ex(contexts_->md5, EVP_md5(), nullptr) != 1 ||
      EVP_DigestInit_ex(contexts_->sha1, EVP_sha1(), nullptr) != 1 ||
      EVP_DigestInit_ex(contexts_->sha256, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL digest initialisation failed");
  }
}

MultiHasher::~MultiHasher() = default;

void MultiHasher::Update(const void* data, size_t size) {
  EVP_DigestUpdate(contexts_->md5, data, size);
  EVP_DigestUpdate(contexts_->sha1, data, size);
  EVP_DigestUpdate(contexts_->sha256, data, size);
}

static std::string FinishOne(EVP_MD_CTX* ctx) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, out, &len);
  return ToHex(out, len);
}

Digests MultiHasher::Finish() {
  return Digests{FinishOne(contexts_->md5), FinishOne(contexts_->sha1), FinishOne(contexts_->sha256)};
}

std::string ToHex(const unsigned char* data, size_t size) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    hex[2 * i] = kDigits[data[i] >> 4];
    hex[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return hex;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
            data.size(), digest, &size))
    throw std::runtime_error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  const std::string digest = HmacSha256(key, data);
  return ToHex(reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
}

Sha256Hasher::Sha256Hasher() : context_(EVP_MD_CTX_new()) {
  if (!context_ || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(context_), EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL digest initialisation failed");
}

Sha256Hasher::~Sha256Hasher() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context_)); }

void Sha256Hasher::Update(const void* data, size_t size) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context_), data, size);
}

std::string Sha256Hasher::FinishHex() { return FinishOne(static_cast<EVP_MD_CTX*>(context_)); }

std::string Sha256Hex(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr);
  return ToHex(out, len);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace agora
