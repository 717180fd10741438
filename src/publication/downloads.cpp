#include "publication/downloads.h"

#include <cstdio>

#include "common/ids.h"

namespace agora::publication {

DownloadCounter::DownloadCounter(storage::MetadataStore& metadata, std::chrono::milliseconds period)
    : metadata_(metadata), period_(period) {
  flusher_ = std::thread([this] { FlushLoop(); });
}

DownloadCounter::~DownloadCounter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  flusher_.join();
}

void DownloadCounter::Count(const assets::Coordinates& coordinates) {
  const int64_t day = DayOf(NowMillis());
  std::lock_guard lock(mutex_);
  auto& count = pending_[{coordinates.ToString(), day}];
  count.coordinates = coordinates;
  count.day = day;
  ++count.downloads;
}

Status DownloadCounter::Flush() {
  std::lock_guard flushing(flush_mutex_);
  std::map<std::pair<std::string, int64_t>, storage::DownloadCount> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
  }
  if (batch.empty()) return Status::Ok();
  std::vector<storage::DownloadCount> counts;
  for (auto& [key, count] : batch) counts.push_back(count);
  Status added = metadata_.AddDownloads(counts);
  if (!added.ok()) {  // keep them for the next batch
    std::lock_guard lock(mutex_);
    for (const auto& [key, count] : batch) {
      storage::DownloadCount& kept = pending_[key];
      kept.coordinates = count.coordinates;
      kept.day = count.day;
      kept.downloads += count.downloads;
    }
  }
  return added;
}

void DownloadCounter::FlushLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    const bool stop = wake_.wait_for(lock, period_, [this] { return stopping_; });
    lock.unlock();
    if (Status flushed = Flush(); !flushed.ok())
      std::fprintf(stderr, "agora: download counts not stored yet: %s\n", flushed.message().c_str());
    if (stop) return;
    lock.lock();
  }
}

}  // namespace agora::publication
