// Counters that modules keep about themselves for the operator's metrics (GET /metrics reads
// them when scraped): a cache's hits and misses, an operation's outcomes by Status kind.
//
// Thread safety: atomics; any thread may count and read.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "common/status.h"

namespace agora {

struct HitCounter {
  std::atomic<uint64_t> hits{0};
  std::atomic<uint64_t> misses{0};

  void Count(bool hit) { (hit ? hits : misses).fetch_add(1, std::memory_order_relaxed); }
};

// How many operations ended with each Status kind (kOk for success).
class OutcomeCounter {
 public:
  void Count(const Status& status) { counts_[static_cast<size_t>(status.kind())].fetch_add(1, std::memory_order_relaxed); }
  uint64_t Get(Status::Kind kind) const { return counts_[static_cast<size_t>(kind)].load(std::memory_order_relaxed); }

  static constexpr size_t kKinds = static_cast<size_t>(Status::Kind::kNoSpace) + 1;

 private:
  std::array<std::atomic<uint64_t>, kKinds> counts_{};
};

}  // namespace agora
