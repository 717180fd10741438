// GenerationCache keeps values the portal derived from the metadata store (parsed API models,
// search facets, organisation and tag names) while the store's generation is the one noted
// before the data was read, and for at most `max_age_millis`, since other servers' writes over
// a shared database do not move this process's generation. When full it starts over rather than
// track use: entries are cheap to rebuild and the bound is what matters.
//
// Authorisation is never cached: callers check the principal before or after every Get.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/ids.h"
#include "common/status.h"

namespace agora::portal {

template <typename T>
class GenerationCache {
 public:
  GenerationCache(size_t max_entries, int64_t max_age_millis) : max_entries_(max_entries), max_age_millis_(max_age_millis) {}

  std::shared_ptr<const T> Get(const std::string& key, uint64_t generation) const {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    if (it->second.generation != generation || NowMillis() - it->second.created_millis > max_age_millis_) {
      entries_.erase(it);
      return nullptr;
    }
    return it->second.value;
  }

  void Put(const std::string& key, uint64_t generation, std::shared_ptr<const T> value) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= max_entries_) entries_.clear();
    entries_[key] = Entry{std::move(value), generation, NowMillis()};
  }

  // The cached value, or the one `build` returns (a Result<T>), which is then cached.
  template <typename Build>
  Result<std::shared_ptr<const T>> GetOrBuild(const std::string& key, uint64_t generation, Build build) {
    if (auto cached = Get(key, generation)) return cached;
    auto built = build();
    if (!built.ok()) return built.status();
    auto value = std::make_shared<const T>(std::move(built).value());
    Put(key, generation, value);
    return value;
  }

 private:
  struct Entry {
    std::shared_ptr<const T> value;
    uint64_t generation = 0;
    int64_t created_millis = 0;
  };

  const size_t max_entries_;
  const int64_t max_age_millis_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, Entry> entries_;
};

}  // namespace agora::portal
