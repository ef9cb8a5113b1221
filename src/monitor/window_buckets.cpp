#include "monitor/window_buckets.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "monitor/traffic_windows.h"

namespace slipway::monitor {

const std::vector<double>& window_latency_bounds() {
  // Seconds, after vLLM's end-to-end latency buckets: from 50 ms (a short answer on a GPU) to
  // five minutes (a long answer on a CPU); anything slower lands in the last, open bucket.
  static const std::vector<double> bounds = {0.05, 0.1, 0.25, 0.5, 0.75, 1,   1.5, 2,
                                             2.5,  3,   4,    5,   7.5,  10,  15,  20,
                                             30,   45,  60,   90,  120,  180, 300};
  return bounds;
}

int bucket_index(double seconds) {
  if (std::isnan(seconds)) return -1;
  const auto& bounds = window_latency_bounds();
  const auto it = std::lower_bound(bounds.begin(), bounds.end(), seconds);
  return static_cast<int>(it - bounds.begin());
}

void add_buckets(std::vector<int64_t>& into, const std::vector<int64_t>& from) {
  if (into.size() < from.size()) into.resize(from.size(), 0);
  for (std::size_t i = 0; i < from.size(); ++i) into[i] += from[i];
}

std::string buckets_to_json(const std::vector<int64_t>& buckets) {
  return nlohmann::json(buckets).dump();
}

std::vector<int64_t> buckets_from_json(const std::string& text) {
  const auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return {};
  std::vector<int64_t> buckets;
  buckets.reserve(parsed.size());
  for (const auto& count : parsed) {
    if (!count.is_number_integer()) return {};
    buckets.push_back(count.get<int64_t>());
  }
  return buckets;
}

}  // namespace slipway::monitor
