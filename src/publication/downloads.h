// DownloadCounter counts downloads of asset versions' files for the usage figures asset owners
// see (GET .../assets/{g}/{a}/metrics). A download only bumps a counter in memory; the counts are
// added to the MetadataStore (AddDownloads) in one batch every couple of seconds and when the
// counter is destroyed, so downloads cost no write and servers sharing a database add up. A crash
// loses at most the counts of the last batch period.
//
// Thread safety: Count may be called from any thread; Flush too (batches are taken under a lock).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

#include "assets/asset.h"
#include "common/status.h"
#include "storage/metadata_store.h"

namespace agora::publication {

// The day a Unix time in milliseconds falls on, in days since the epoch (UTC).
inline int64_t DayOf(int64_t millis) { return millis / 86'400'000; }

class DownloadCounter {
 public:
  explicit DownloadCounter(storage::MetadataStore& metadata,
                           std::chrono::milliseconds period = std::chrono::milliseconds(2000));
  ~DownloadCounter();

  void Count(const assets::Coordinates& coordinates);
  // Adds what was counted so far to the store; on failure the counts are kept for the next try.
  Status Flush();

 private:
  void FlushLoop();

  storage::MetadataStore& metadata_;
  const std::chrono::milliseconds period_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::pair<std::string, int64_t>, storage::DownloadCount> pending_;  // by "g/a/v" and day
  std::mutex flush_mutex_;  // one batch at a time
  std::thread flusher_;
};

}  // namespace agora::publication
