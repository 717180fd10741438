// RateLimiter counts each client's requests in fixed one-minute windows and says whether one
// more is allowed, with the figures for the X-RateLimit-Limit / -Remaining / -Reset headers. A
// client is its bearer token (hashed, so no token is kept in memory in clear), or its address
// when it sends none. Windows of idle clients are dropped as the table grows.
//
// Thread safety: Admit may be called from any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace agora::server {

struct RateDecision {
  bool allowed = true;
  uint32_t limit = 0;
  uint32_t remaining = 0;
  int64_t reset_seconds = 0;  // until the window ends
};

class RateLimiter {
 public:
  explicit RateLimiter(uint32_t requests_per_minute) : limit_(requests_per_minute) {}

  // `client`: the Authorization header's value, or the remote address. `now_millis`: a clock.
  RateDecision Admit(const std::string& client, int64_t now_millis);

 private:
  struct Window {
    int64_t start_millis = 0;
    uint32_t count = 0;
  };

  const uint32_t limit_;
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace agora::server
