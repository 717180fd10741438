#include "exchange/response_cache.h"

namespace agora::exchange {

std::optional<ResponseCache::Entry> ResponseCache::Get(const std::string& key, uint64_t generation,
                                                      int64_t now_millis) const {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  const bool hit = it != entries_.end() && it->second.generation == generation &&
                   now_millis - it->second.created_millis < max_age_millis_;
  hits_.Count(hit);
  if (!hit) return std::nullopt;
  return it->second;
}

void ResponseCache::Put(const std::string& key, Entry entry) {
  std::lock_guard lock(mutex_);
  // Past the bound, start over: entries are cheap to rebuild, and tracking age would cost every read.
  if (entries_.size() >= max_entries_ && !entries_.count(key)) entries_.clear();
  entries_[key] = std::move(entry);
}

}  // namespace agora::exchange
