// ResponseCache keeps recently built JSON bodies of read endpoints (an asset version's JSON) so
// that repeated reads skip the store and the serialisation. An entry is valid while the metadata
// store's generation is the one noted before its data was read, and for at most `max_age_millis`
// (its signed links must stay valid long after it is served). Authorisation is never cached: an
// entry carries the organisation that owns it, and the caller checks the principal every time.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/counters.h"

namespace agora::exchange {

class ResponseCache {
 public:
  struct Entry {
    std::shared_ptr<const std::string> body;
    std::string organization_id;  // whose data it is
    uint64_t generation = 0;      // the store's generation before the data was read
    int64_t created_millis = 0;
  };

  explicit ResponseCache(int64_t max_age_millis = 60'000, size_t max_entries = 4096)
      : max_age_millis_(max_age_millis), max_entries_(max_entries) {}

  // The entry for `key` if it is still current at `generation` and `now_millis`.
  std::optional<Entry> Get(const std::string& key, uint64_t generation, int64_t now_millis) const;
  void Put(const std::string& key, Entry entry);
  const HitCounter& hit_counter() const { return hits_; }

 private:
  const int64_t max_age_millis_;
  const size_t max_entries_;
  mutable std::mutex mutex_;
  mutable HitCounter hits_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace agora::exchange
