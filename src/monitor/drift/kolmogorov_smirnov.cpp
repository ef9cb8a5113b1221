// Two-sample K-S over counted values, with the asymptotic Kolmogorov p-value.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "monitor/drift/drift_statistics.h"

namespace slipway::monitor {
// Q_KS(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2 j² λ²}. That series converges slowly for small λ, where
// the equivalent Jacobi form 1 − (√(2π)/λ) Σ_{j≥1} e^{−(2j−1)² π² / (8 λ²)} converges fast.
double kolmogorov_q(double lambda) {
  if (!(lambda > 0)) return 1;  // NaN too
  double q = 0;
  if (lambda < 1.18) {
    const double factor = std::numbers::pi * std::numbers::pi / (8 * lambda * lambda);
    double sum = 0;
    for (int j = 1; j <= 10; ++j) sum += std::exp(-(2.0 * j - 1) * (2.0 * j - 1) * factor);
    q = 1 - std::sqrt(2 * std::numbers::pi) / lambda * sum;
  } else {
    double sign = 1;
    for (int j = 1; j <= 100; ++j) {
      const double term = std::exp(-2.0 * j * j * lambda * lambda);
      q += sign * term;
      if (term < 1e-300) break;
      sign = -sign;
    }
    q *= 2;
  }
  return std::clamp(q, 0.0, 1.0);
}

std::optional<KsResult> kolmogorov_smirnov(const ValueCounts& baseline,
                                           const ValueCounts& current) {
  KsResult result;
  result.baseline_n = total_count(baseline);
  result.current_n = total_count(current);
  if (result.baseline_n == 0 || result.current_n == 0) return std::nullopt;
  // Walk both sorted maps together; the CDFs only change at a value either side has, and a
  // tied value moves both before they are compared.
  const double n = static_cast<double>(result.baseline_n);
  const double m = static_cast<double>(result.current_n);
  auto base = baseline.begin();
  auto cur = current.begin();
  int64_t base_seen = 0;
  int64_t cur_seen = 0;
  while (base != baseline.end() || cur != current.end()) {
    const bool take_base =
        cur == current.end() || (base != baseline.end() && base->first <= cur->first);
    const bool take_cur =
        base == baseline.end() || (cur != current.end() && cur->first <= base->first);
    if (take_base) base_seen += (base++)->second;
    if (take_cur) cur_seen += (cur++)->second;
    const double gap =
        std::abs(static_cast<double>(base_seen) / n - static_cast<double>(cur_seen) / m);
    result.statistic = std::max(result.statistic, gap);
  }
  const double effective = std::sqrt(n * m / (n + m));
  result.p_value = kolmogorov_q((effective + 0.12 + 0.11 / effective) * result.statistic);
  return result;
}

}  // namespace slipway::monitor
