#include "specs/resolution_stack.h"

#include <algorithm>

namespace agora::specs {

ResolutionStack::Scope ResolutionStack::Enter(std::string key) {
  const auto first = std::find(chain_.begin(), chain_.end(), key);
  if (first != chain_.end()) {
    std::string cycle = link_ + " cycle: ";
    for (auto it = first; it != chain_.end(); ++it) cycle += *it + " -> ";
    return Scope(nullptr, cycle + key, /*cycle=*/true);
  }
  if (chain_.size() >= max_depth_)
    return Scope(nullptr, link_ + " chain deeper than " + std::to_string(max_depth_) + " levels at " + key, false);
  chain_.push_back(std::move(key));
  return Scope(this, "", false);
}

bool ResolutionStack::Contains(const std::string& key) const {
  return std::find(chain_.begin(), chain_.end(), key) != chain_.end();
}

}  // namespace agora::specs
