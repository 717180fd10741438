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

namespace {

const EVP_MD* DigestOf(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kMd5: return EVP_md5();
    case DigestAlgorithm::kSha1: return EVP_sha1();
    case DigestAlgorithm::kSha256: return EVP_sha256();
    case DigestAlgorithm::kSha512: return EVP_sha512();
  }
  return EVP_sha256();
}

}  // namespace

struct Hasher::Context {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(ctx); }
};

Hasher::Hasher(DigestAlgorithm algorithm) : context_(std::make_unique<Context>()) {
  if (!context_->ctx || EVP_DigestInit_ex(context_->ctx, DigestOf(algorithm), nullptr) != 1)
    throw std::runtime_error("OpenSSL digest initialisation failed");
}

Hasher::~Hasher() = default;

void Hasher::Update(const void* data, size_t size) { EVP_DigestUpdate(context_->ctx, data, size); }

std::string Hasher::Finish() { return FinishOne(context_->ctx); }

std::string DigestHex(DigestAlgorithm algorithm, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, DigestOf(algorithm), nullptr);
  return ToHex(out, len);
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  // EVP_DecodeBlock rejects characters outside the alphabet but decodes padding as zero bytes.
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  if (text.find('=') < text.size() - padding) return std::nullopt;  // '=' only at the end
  out.resize(static_cast<size_t>(n) - padding);
  return out;
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

std::string Sha256Hex(std::string_view data) { return DigestHex(DigestAlgorithm::kSha256, data); }

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  const std::string digest = HmacSha256(key, data);
  return ToHex(reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace agora
