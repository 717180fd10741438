#include "server/rate_limiter.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <vector>

#include "common/hash.h"

namespace agora::server {
namespace {
constexpr int64_t kWindowMillis = 60'000;
constexpr size_t kMaxClients = 100'000;
constexpr auto kExchangePeriod = std::chrono::milliseconds(100);
}  // namespace

RateLimiter::RateLimiter(uint32_t requests_per_minute, SharedRateCounts* shared)
    : limit_(requests_per_minute), shared_(shared) {
  if (shared_) exchanger_ = std::thread([this] { ExchangeLoop(); });
}

RateLimiter::~RateLimiter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  if (exchanger_.joinable()) exchanger_.join();
}

RateDecision RateLimiter::Admit(const std::string& client, int64_t now_millis) {
  const std::string key = Sha256Hex(client);
  if (shared_) return AdmitShared(key, now_millis);
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

RateDecision RateLimiter::AdmitShared(const std::string& key, int64_t now_millis) {
  const int64_t start = now_millis - now_millis % kWindowMillis;  // windows on the minute, alike on every server
  RateDecision decision;
  decision.limit = limit_;
  decision.reset_seconds = (start + kWindowMillis - now_millis + 999) / 1000;
  const auto now = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  auto it = windows_.find(key);
  const bool known = it != windows_.end() && it->second.start_millis == start;
  if (known && now - it->second.refreshed < kExchangePeriod) {
    // A busy client: the total is at most one exchange old, count here.
    Window& window = it->second;
    const uint64_t seen = window.shared + window.unsent;
    decision.allowed = seen < limit_;
    if (decision.allowed) ++window.unsent;
    decision.remaining = seen + decision.allowed >= limit_ ? 0 : static_cast<uint32_t>(limit_ - seen - decision.allowed);
    return decision;
  }
  if (!known && windows_.size() >= kMaxClients) {
    for (auto old = windows_.begin(); old != windows_.end();)
      old = old->second.start_millis != start ? windows_.erase(old) : std::next(old);
  }
  // The client's first request of the window here, or its first after a quiet spell: what the
  // other servers admitted meanwhile decides.
  lock.unlock();
  auto total = shared_->Add(key, start, 1);
  lock.lock();
  Window& window = windows_[key];
  if (window.start_millis != start) window = Window{start};
  if (total.ok()) {
    window.shared = std::max(window.shared, *total);  // totals only grow: an exchange may have answered later
    window.refreshed = now;
  } else {
    ++window.unsent;  // sent again by the exchange
  }
  const uint64_t seen = window.shared + window.unsent;
  decision.allowed = seen <= limit_;
  decision.remaining = seen >= limit_ ? 0 : static_cast<uint32_t>(limit_ - seen);
  return decision;
}

// Adds what this server admitted since the last exchange to the shared counts, and takes back
// the totals. A failed exchange keeps the requests for the next one.
void RateLimiter::ExchangeLoop() {
  std::unique_lock lock(mutex_);
  while (!stop_.wait_for(lock, kExchangePeriod, [this] { return stopping_; })) {
    std::vector<std::pair<std::string, Window>> unsent;
    for (auto& [key, window] : windows_)
      if (window.unsent > 0) unsent.emplace_back(key, window);
    lock.unlock();
    std::vector<std::pair<std::string, Result<uint64_t>>> totals;
    for (const auto& [key, window] : unsent) totals.emplace_back(key, shared_->Add(key, window.start_millis, window.unsent));
    lock.lock();
    for (size_t i = 0; i < unsent.size(); ++i) {
      auto it = windows_.find(unsent[i].first);
      if (!totals[i].second.ok() || it == windows_.end() || it->second.start_millis != unsent[i].second.start_millis)
        continue;
      it->second.unsent -= unsent[i].second.unsent;
      it->second.shared = std::max(it->second.shared, *totals[i].second);
      it->second.refreshed = std::chrono::steady_clock::now();
    }
  }
}

}  // namespace agora::server
