#include "publication/spec_verdicts.h"

namespace agora::publication {

size_t SpecVerdict::Bytes() const {
  size_t bytes = sizeof(SpecVerdict) + format.size() + format_version.size() + model_json.size() + search_terms.size();
  for (const auto& problem : problems) bytes += problem.size();
  return bytes;
}

std::shared_ptr<const SpecVerdict> SpecVerdicts::Find(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  hits_.Count(it != entries_.end());
  if (it == entries_.end()) return nullptr;
  order_.splice(order_.begin(), order_, it->second.position);
  return it->second.verdict;
}

void SpecVerdicts::Remember(const std::string& key, std::shared_ptr<const SpecVerdict> verdict) {
  const size_t bytes = verdict->Bytes() + key.size();
  if (bytes > budget_) return;
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    bytes_ -= it->second.verdict->Bytes() + key.size();
    order_.erase(it->second.position);
    entries_.erase(it);
  }
  order_.push_front(key);
  entries_.emplace(key, Entry{std::move(verdict), order_.begin()});
  bytes_ += bytes;
  EvictOverBudget();
}

void SpecVerdicts::EvictOverBudget() {
  while (bytes_ > budget_) {
    auto it = entries_.find(order_.back());
    bytes_ -= it->second.verdict->Bytes() + it->first.size();
    entries_.erase(it);
    order_.pop_back();
  }
}

size_t SpecVerdicts::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace agora::publication
