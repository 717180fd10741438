#include "auth/password.h"

#include <sodium.h>

namespace agora::auth {
namespace {

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  if (password.empty() || password.size() > kMaxPasswordLength)
    return Status::InvalidArgument("INVALID_PASSWORD", "A password has 1 to 1024 characters");
  if (!SodiumReady()) return Status::Internal("libsodium could not be initialised");
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return Status::Internal("out of memory while hashing a password");
  return std::string(hash);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  if (password.size() > kMaxPasswordLength || hash.size() >= crypto_pwhash_STRBYTES || !SodiumReady()) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace agora::auth
