// Identifiers and timestamps shared by every module: random UUIDs (organisation ids, publication
// run ids), random secrets (bearer tokens) and the ISO-8601 UTC timestamps the Exchange JSON uses.
//
// Thread safety: all functions are safe to call from any thread.
#pragma once

#include <cstdint>
#include <string>

namespace agora {

// A random (version 4) UUID in its canonical lowercase form.
std::string NewUuid();
// `bytes` random bytes from the operating system's CSPRNG, as lowercase hex.
std::string RandomHex(size_t bytes);
bool IsUuid(const std::string& text);

// Milliseconds since the Unix epoch, from the system clock.
int64_t NowMillis();
// "2020-09-08T16:44:04.238Z".
std::string FormatIsoMillis(int64_t millis_since_epoch);

}  // namespace agora
