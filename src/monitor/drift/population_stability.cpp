// PSI over bins cut at the baseline's quantiles.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "monitor/drift/drift_statistics.h"

namespace slipway::monitor {
namespace {

// Upper edges of every bin but the last (open) one: the baseline's i/bins quantiles, with equal
// edges merged so that a value shared by many answers makes one bin rather than empty ones.
std::vector<int64_t> quantile_edges(const ValueCounts& baseline, int bins) {
  std::vector<int64_t> edges;
  for (int i = 1; i < bins; ++i) {
    const int64_t edge = *quantile_value(baseline, static_cast<double>(i) / bins);
    if (edges.empty() || edges.back() != edge) edges.push_back(edge);
  }
  return edges;
}

std::vector<double> smoothed_shares(const ValueCounts& counts, const std::vector<int64_t>& edges) {
  const std::size_t bins = edges.size() + 1;
  std::vector<int64_t> binned(bins, 0);
  for (const auto& [value, count] : counts) {
    const auto bin = std::lower_bound(edges.begin(), edges.end(), value) - edges.begin();
    binned[static_cast<std::size_t>(bin)] += count;
  }
  const double total = static_cast<double>(total_count(counts));
  std::vector<double> shares(bins);
  for (std::size_t i = 0; i < bins; ++i) {
    shares[i] = (static_cast<double>(binned[i]) + 0.5) / (total + 0.5 * static_cast<double>(bins));
  }
  return shares;
}

}  // namespace

std::optional<PsiResult> population_stability_index(const ValueCounts& baseline,
                                                    const ValueCounts& current, int bins) {
  if (bins < 1)
    throw std::invalid_argument("PSI needs at least 1 bin, got " + std::to_string(bins));
  if (total_count(baseline) == 0 || total_count(current) == 0) return std::nullopt;
  PsiResult result;
  result.upper_edges = quantile_edges(baseline, bins);
  result.baseline_shares = smoothed_shares(baseline, result.upper_edges);
  result.current_shares = smoothed_shares(current, result.upper_edges);
  for (std::size_t i = 0; i < result.baseline_shares.size(); ++i) {
    const double base = result.baseline_shares[i];
    const double cur = result.current_shares[i];
    result.psi += (cur - base) * std::log(cur / base);
  }
  return result;
}

}  // namespace slipway::monitor
