// What the load clients of bench/ (load_client, maven_load) print: latency percentiles and JSON
// strings for their one line of figures. Header-only: each client is one file.
//
// Thread safety: pure functions.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace agora::bench {

// The p-quantile (0..1) of the samples, by the nearest rank; 0 for none.
inline double Percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  return samples[std::min(samples.size() - 1, static_cast<size_t>(p * samples.size()))];
}

// `text` as a JSON string; control characters become spaces.
inline std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (static_cast<unsigned char>(c) < 0x20) out += ' ';
    else out += c;
  }
  return out + "\"";
}

}  // namespace agora::bench
