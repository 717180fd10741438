// Password hashing for users who log in with a password: Argon2id through libsodium, a
// memory-hard function, so a stolen database is expensive to attack. Hashes are libsodium's
// self-describing strings ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"), so the parameters can be
// raised later without invalidating stored hashes.
//
// Thread safety: reentrant; each call takes about 0.1 s and 64 MiB, so callers on the HTTP
// threads only park their own connection.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace agora::auth {

// Longer passwords are refused before hashing, which bounds the work one request can cause.
inline constexpr size_t kMaxPasswordLength = 1024;

Result<std::string> HashPassword(std::string_view password);
// False for a wrong password or a malformed hash; never throws.
bool VerifyPassword(const std::string& hash, std::string_view password);

}  // namespace agora::auth
