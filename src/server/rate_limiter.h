// RateLimiter counts each client's requests in fixed one-minute windows and says whether one
// more is allowed, with the figures for the X-RateLimit-Limit / -Remaining / -Reset headers. A
// client is its bearer token (hashed, so no token is kept in memory in clear), or its address
// when it sends none. Windows of idle clients are dropped as the table grows.
//
// Several servers behind a balancer share the limit through SharedRateCounts (the metadata
// store): a client's window then starts on the minute, every server counts into it, and the
// limit means the same however requests are spread. A server adds a client's request to the
// shared total and reads it back when it has not read it for 100 ms (the first request of a
// window, or after a quiet spell); in between it counts locally and adds its count every 100 ms,
// taking back the total. A slow client is thus counted exactly; a busy one spread over N servers
// may pass the limit by what N servers admit in 100 ms.
//
// Thread safety: Admit may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "common/status.h"

namespace agora::server {

struct RateDecision {
  bool allowed = true;
  uint32_t limit = 0;
  uint32_t remaining = 0;
  int64_t reset_seconds = 0;  // until the window ends
};

// Request counts several servers share: adds `count` requests of `client` to its window starting
// at `window_start_millis` and answers the window's total over every server.
class SharedRateCounts {
 public:
  virtual ~SharedRateCounts() = default;
  virtual Result<uint64_t> Add(const std::string& client, int64_t window_start_millis, uint64_t count) = 0;
};

class RateLimiter {
 public:
  // `shared`: the counts of other servers, outliving the limiter; nullptr when this server is alone.
  explicit RateLimiter(uint32_t requests_per_minute, SharedRateCounts* shared = nullptr);
  ~RateLimiter();

  // `client`: the Authorization header's value, or the remote address. `now_millis`: a clock.
  RateDecision Admit(const std::string& client, int64_t now_millis);

 private:
  struct Window {
    int64_t start_millis = 0;
    uint32_t count = 0;       // this server's requests, admitted (alone: all of them)
    uint64_t shared = 0;      // the shared total at the last exchange, this server's included
    uint32_t unsent = 0;      // this server's requests since that exchange
    std::chrono::steady_clock::time_point refreshed;  // when `shared` was last read
  };

  RateDecision AdmitShared(const std::string& key, int64_t now_millis);
  void ExchangeLoop();

  const uint32_t limit_;
  SharedRateCounts* const shared_;
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread exchanger_;
};

}  // namespace agora::server
