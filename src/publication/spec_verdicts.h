// SpecVerdicts remembers what reading a specification concluded, keyed by the content it read:
// the uploaded spec blob's SHA-256, the main file, and every dependency's coordinates and blob
// SHA-256. Reading a spec is a pure function of that content, and it is most of a publication's
// CPU (parsing YAML of a large RAML or OAS file), while pipelines commonly republish the same spec
// bytes as a new version. An entry holds the verdict, the problems and the derived model, never
// anything version-specific. Only verdicts without problems are kept by the publisher. Entries are evicted least recently used once their total size
// exceeds the budget; a budget of 0 disables the cache.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/counters.h"

namespace agora::publication {

struct SpecVerdict {
  std::string format;                 // raml, oas or wsdl, from the main file; empty if none of them
  std::string format_version;         // e.g. 1.0 or 3.0.3
  std::vector<std::string> problems;  // empty when the spec is valid
  std::string model_json;
  std::string search_terms;

  size_t Bytes() const;
};

class SpecVerdicts {
 public:
  explicit SpecVerdicts(size_t budget_bytes) : budget_(budget_bytes) {}

  // The verdict stored under `key`, or null.
  std::shared_ptr<const SpecVerdict> Find(const std::string& key);
  // Stores `verdict` under `key` unless it alone exceeds the budget.
  void Remember(const std::string& key, std::shared_ptr<const SpecVerdict> verdict);

  size_t size() const;
  const HitCounter& hit_counter() const { return hits_; }

 private:
  using Order = std::list<std::string>;  // most recently used first
  struct Entry {
    std::shared_ptr<const SpecVerdict> verdict;
    Order::iterator position;
  };

  void EvictOverBudget();

  const size_t budget_;
  HitCounter hits_;
  mutable std::mutex mu_;
  size_t bytes_ = 0;
  Order order_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace agora::publication
