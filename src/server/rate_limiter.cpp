#include "server/rate_limiter.h"

#include <iterator>

#include "common/hash.h"

namespace agora::server {
namespace {
constexpr int64_t kWindowMillis = 60'000;
constexpr size_t kMaxClients = 100'000;
}  // namespace

RateDecision RateLimiter::Admit(const std::string& client, int64_t now_millis) {
  const std::string key = Sha256Hex(client);
  std::lock_guard lock(mutex_);
  if (windows_.size() >= kMaxClients) {
    for (auto it = windows_.begin(); it != windows_.end();)
      it = now_millis - it->second.start_millis >= kWindowMillis ? windows_.erase(it) : std::next(it);
  }
  Window& window = windows_.try_emplace(key, Window{now_millis, 0}).first->second;
  if (now_millis - window.start_millis >= kWindowMillis) window = {now_millis, 0};
  RateDecision decision;
  decision.limit = limit_;
  decision.reset_seconds = (window.start_millis + kWindowMillis - now_millis + 999) / 1000;
  decision.allowed = window.count < limit_;
  if (decision.allowed) ++window.count;
  decision.remaining = limit_ - window.count;
  return decision;
}

}  // namespace agora::server
