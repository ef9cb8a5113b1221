#include "monitor/drift/drift_statistics.h"

#include <cmath>
#include <stdexcept>

#include "monitor/drift/count_checks.h"

namespace slipway::monitor {

int64_t total_count(const ValueCounts& counts) {
  int64_t total = 0;
  for (const auto& [value, count] : counts) total += checked_count(count);
  return total;
}

int64_t total_count(const LabelCounts& counts) {
  int64_t total = 0;
  for (const auto& [label, count] : counts) total += checked_count(count);
  return total;
}

std::optional<double> mean_value(const ValueCounts& counts) {
  const int64_t total = total_count(counts);
  if (total == 0) return std::nullopt;
  // Long double: lengths times counts can pass 2^53 on a busy route's long window.
  long double sum = 0;
  for (const auto& [value, count] : counts) sum += static_cast<long double>(value) * count;
  return static_cast<double>(sum / total);
}

std::optional<int64_t> quantile_value(const ValueCounts& counts, double q) {
  if (!(q >= 0 && q <= 1)) {
    throw std::invalid_argument("quantile must be between 0 and 1, got " + std::to_string(q));
  }
  const int64_t total = total_count(counts);
  if (total == 0) return std::nullopt;
  // The smallest value whose cumulative share reaches q (inverse of the empirical CDF); the
  // small tolerance keeps q = k/n exact despite rounding in q * total.
  const double needed = q * static_cast<double>(total) - 1e-9;
  int64_t cumulative = 0;
  for (const auto& [value, count] : counts) {
    cumulative += count;
    if (count > 0 && static_cast<double>(cumulative) >= needed) return value;
  }
  return counts.rbegin()->first;
}

}  // namespace slipway::monitor
