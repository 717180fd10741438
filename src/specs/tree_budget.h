// What building one YAML or JSON tree costs so far, held against YamlLimits: every string and
// every array is charged as it is allocated (an array's growth while its old copy still exists,
// since both are alive then), so that a document is refused before its tree crosses
// limits.max_bytes rather than after. Internal to the two parsers.
//
// Thread safety: one per parse, used by one thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "specs/yaml_document.h"

namespace agora::specs {

class TreeBudget {
 public:
  explicit TreeBudget(const YamlLimits& limits) : limits_(limits) {}

  static uint64_t HeapBytes(const std::string& text) { return text.capacity() > 15 ? text.capacity() + 1 : 0; }

  // False, with nothing charged, when `bytes` more would cross the limit.
  bool Charge(uint64_t bytes) {
    if (bytes_ + bytes > limits_.max_bytes) return false;
    bytes_ += bytes;
    return true;
  }
  void Refund(uint64_t bytes) { bytes_ -= std::min(bytes, bytes_); }

  bool ChargeStrings(const YamlNode& node) { return Charge(HeapBytes(node.scalar) + HeapBytes(node.tag)); }

  // Called before a push into `children`: charges the larger array the push reallocates to when
  // the array is full. False, with nothing allocated, when the budget cannot pay for it.
  template <typename T>
  bool ChargeGrowth(const std::vector<T>& children) {
    if (children.size() < children.capacity()) return true;
    const uint64_t old_bytes = children.capacity() * sizeof(T);
    if (!Charge(old_bytes + std::max<uint64_t>(old_bytes, sizeof(T)))) return false;
    Refund(old_bytes);
    return true;
  }

  // Growth by doubling leaves up to half of an array unused: a finished one is made exact.
  template <typename T>
  void ShrinkToFit(std::vector<T>& children) {
    if (children.size() == children.capacity()) return;
    const uint64_t old_bytes = children.capacity() * sizeof(T);
    if (!Charge(children.size() * sizeof(T))) return;
    children.shrink_to_fit();
    Refund(old_bytes);
  }

  // True once limits.cpu_deadline has passed; reads the clock once every 4096 calls.
  bool OutOfTime() {
    return ++calls_ % 4096 == 0 && limits_.cpu_deadline.count() && ThreadCpuTime() > limits_.cpu_deadline;
  }

  // "the document needs more than N MiB", for the parsers' errors.
  std::string MemoryMessage() const {
    return "the document needs more than " + std::to_string(limits_.max_bytes >> 20) + " MiB";
  }

  uint64_t bytes() const { return bytes_; }

 private:
  const YamlLimits& limits_;
  uint64_t bytes_ = 0;
  uint64_t calls_ = 0;
};

}  // namespace agora::specs
