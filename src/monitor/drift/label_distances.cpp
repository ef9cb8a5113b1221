// Distances between label distributions (terms, finish reasons).
#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>

#include "monitor/drift/drift_statistics.h"

namespace slipway::monitor {
namespace {

// The `top` labels with the largest counts, ties broken by label so the choice is stable.
std::vector<std::string> top_labels(const LabelCounts& counts, int top) {
  std::vector<std::pair<std::string, int64_t>> ranked;
  for (const auto& [label, count] : counts) {
    if (count > 0) ranked.emplace_back(label, count);
  }
  const auto keep = std::min(ranked.size(), static_cast<std::size_t>(top));
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep),
                    ranked.end(), [](const auto& a, const auto& b) {
                      return a.second != b.second ? a.second > b.second : a.first < b.first;
                    });
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < keep; ++i) labels.push_back(ranked[i].first);
  return labels;
}

int64_t count_of(const LabelCounts& counts, const std::string& label) {
  const auto it = counts.find(label);
  return it == counts.end() ? 0 : it->second;
}

// p·log2(p/m), with the 0·log 0 = 0 convention.
double kl_term(double p, double m) {
  return p > 0 ? p * std::log2(p / m) : 0.0;
}

}  // namespace

std::optional<double> jensen_shannon_distance(const LabelCounts& baseline,
                                              const LabelCounts& current, int top_terms) {
  if (top_terms < 1) {
    throw std::invalid_argument("top_terms must be at least 1, got " + std::to_string(top_terms));
  }
  total_count(baseline);  // rejects negative counts
  total_count(current);
  std::set<std::string> labels;
  for (const auto& label : top_labels(baseline, top_terms)) labels.insert(label);
  for (const auto& label : top_labels(current, top_terms)) labels.insert(label);
  int64_t base_total = 0;
  int64_t cur_total = 0;
  for (const auto& label : labels) {
    base_total += count_of(baseline, label);
    cur_total += count_of(current, label);
  }
  if (base_total == 0 || cur_total == 0) return std::nullopt;
  double divergence = 0;
  for (const auto& label : labels) {
    const double p =
        static_cast<double>(count_of(baseline, label)) / static_cast<double>(base_total);
    const double q = static_cast<double>(count_of(current, label)) / static_cast<double>(cur_total);
    const double m = (p + q) / 2;
    divergence += (kl_term(p, m) + kl_term(q, m)) / 2;
  }
  return std::sqrt(std::clamp(divergence, 0.0, 1.0));
}

std::optional<double> total_variation_distance(const LabelCounts& baseline,
                                               const LabelCounts& current) {
  const int64_t base_total = total_count(baseline);
  const int64_t cur_total = total_count(current);
  if (base_total == 0 || cur_total == 0) return std::nullopt;
  std::set<std::string> labels;
  for (const auto& [label, count] : baseline) labels.insert(label);
  for (const auto& [label, count] : current) labels.insert(label);
  double sum = 0;
  for (const auto& label : labels) {
    sum +=
        std::abs(static_cast<double>(count_of(baseline, label)) / static_cast<double>(base_total) -
                 static_cast<double>(count_of(current, label)) / static_cast<double>(cur_total));
  }
  return std::clamp(sum / 2, 0.0, 1.0);
}

}  // namespace slipway::monitor
