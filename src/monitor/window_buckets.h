#pragma once
// What the recorder and the readers share: minute alignment, and histogram buckets as the
// windows keep them (counts per upper bound of window_latency_bounds(), plus one for the
// rest), stored as a JSON array of integers.
#include <cstdint>
#include <string>
#include <vector>

namespace slipway::monitor {

inline constexpr int64_t kMinuteMs = 60'000;

// The largest multiple of `step` not above `value` (floor, also before the epoch).
inline int64_t align_down(int64_t value, int64_t step) {
  int64_t steps = value / step;
  if (value % step != 0 && value < 0) --steps;
  return steps * step;
}

// The bucket that counts `seconds` (the first bound it does not exceed, Prometheus' `le`);
// negative values count in the first bucket. Absent (-1) for NaN.
int bucket_index(double seconds);
// Element-wise sum; the shorter array is padded with zeros (rows of another bound list).
void add_buckets(std::vector<int64_t>& into, const std::vector<int64_t>& from);
std::string buckets_to_json(const std::vector<int64_t>& buckets);
// Tolerant: text that is not an array of integers reads as no samples rather than failing
// every later read of the range.
std::vector<int64_t> buckets_from_json(const std::string& text);

}  // namespace slipway::monitor
