// The arithmetic of one window: rates and histogram quantiles.
#include <cmath>
#include <stdexcept>
#include <string>

#include "monitor/traffic_windows.h"
#include "monitor/window_buckets.h"

namespace slipway::monitor {

namespace {

// Prometheus' histogram_quantile over per-bucket (not cumulative) counts: find the bucket the
// rank falls in and interpolate linearly inside it, the first bucket starting at 0. A rank in
// the open last bucket returns the highest finite bound, as Prometheus does.
std::optional<double> bucket_quantile(const std::vector<int64_t>& buckets, double q) {
  if (!(q >= 0.0 && q <= 1.0)) {
    throw std::invalid_argument("a quantile must be between 0 and 1, got " + std::to_string(q));
  }
  int64_t total = 0;
  for (int64_t count : buckets) total += count;
  if (total <= 0) return std::nullopt;

  const auto& bounds = window_latency_bounds();
  const double rank = q * static_cast<double>(total);
  int64_t below = 0;  // samples in the buckets before the current one
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const int64_t count = buckets[i];
    // An empty bucket cannot hold the rank (q = 0 lands on the first non-empty one).
    if (count <= 0 || static_cast<double>(below + count) < rank) {
      below += count;
      continue;
    }
    if (i >= bounds.size()) return bounds.back();
    const double lower = i == 0 ? 0.0 : bounds[i - 1];
    const double upper = bounds[i];
    return lower +
           (upper - lower) * (rank - static_cast<double>(below)) / static_cast<double>(count);
  }
  return bounds.back();  // rounding left the rank past the last count
}

}  // namespace

std::optional<double> WindowTotals::error_rate() const {
  if (requests <= 0) return std::nullopt;
  return static_cast<double>(errors) / static_cast<double>(requests);
}

std::optional<double> WindowTotals::latency_quantile(double q) const {
  return bucket_quantile(latency_buckets, q);
}

std::optional<double> WindowTotals::ttft_quantile(double q) const {
  return bucket_quantile(ttft_buckets, q);
}

void WindowTotals::add(const WindowTotals& other) {
  requests += other.requests;
  errors += other.errors;
  successes += other.successes;
  prompt_tokens += other.prompt_tokens;
  completion_tokens += other.completion_tokens;
  add_buckets(latency_buckets, other.latency_buckets);
  add_buckets(ttft_buckets, other.ttft_buckets);
}

}  // namespace slipway::monitor
