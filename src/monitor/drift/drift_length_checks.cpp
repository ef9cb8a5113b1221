// The output length checks: PSI over quantile bins and the K-S test.
#include <utility>

#include "monitor/drift/drift_checks.h"

namespace slipway::monitor::drift_checks {
namespace {

nlohmann::json optional_number(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json optional_number(const std::optional<int64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json psi_bins(const PsiResult& psi) {
  auto bins = nlohmann::json::array();
  for (std::size_t i = 0; i < psi.baseline_shares.size(); ++i) {
    bins.push_back({{"upper", i < psi.upper_edges.size() ? nlohmann::json(psi.upper_edges[i])
                                                         : nlohmann::json(nullptr)},
                    {"baseline", psi.baseline_shares[i]},
                    {"current", psi.current_shares[i]}});
  }
  return bins;
}

// "mean 21.3 → 4.0 tokens", the figure a reader checks first.
std::string means(const std::optional<double>& baseline, const std::optional<double>& current) {
  if (!baseline || !current) return "no lengths on one side";
  return "mean " + fixed(*baseline, 1) + " → " + fixed(*current, 1) + " tokens";
}

}  // namespace

DriftCheck length_psi(const DriftSample& baseline, const DriftSample& current,
                      const DriftThresholds& thresholds) {
  DriftCheck check;
  check.name = "length_psi";
  check.warning = thresholds.psi_warning;
  check.critical = thresholds.psi_critical;
  const auto baseline_mean = mean_value(baseline.lengths);
  const auto current_mean = mean_value(current.lengths);
  check.detail = {{"baseline_mean", optional_number(baseline_mean)},
                  {"current_mean", optional_number(current_mean)},
                  {"baseline_median", optional_number(quantile_value(baseline.lengths, 0.5))},
                  {"current_median", optional_number(quantile_value(current.lengths, 0.5))},
                  {"bins", nlohmann::json::array()}};
  const auto psi =
      population_stability_index(baseline.lengths, current.lengths, thresholds.length_bins);
  if (psi) {
    check.value = psi->psi;
    check.detail["bins"] = psi_bins(*psi);
  }
  const std::string figure = psi ? "length PSI " + fixed(psi->psi, 2) : "length PSI";
  if (auto why = ungraded_sentence(figure, psi.has_value(), "lengths", baseline.answers,
                                   current.answers, thresholds.min_answers)) {
    check.sentence = std::move(*why);
    return check;
  }
  check.state = grade(psi->psi, check.warning, check.critical);
  check.sentence = figure + " " + against_thresholds(psi->psi, check.warning, check.critical) +
                   ": " + means(baseline_mean, current_mean);
  return check;
}

DriftCheck length_ks(const DriftSample& baseline, const DriftSample& current,
                     const DriftThresholds& thresholds) {
  DriftCheck check;
  check.name = "length_ks";
  check.warning = thresholds.ks_min_statistic;
  const auto ks = kolmogorov_smirnov(baseline.lengths, current.lengths);
  check.detail = {{"alpha", thresholds.ks_alpha}};
  if (ks) {
    check.value = ks->statistic;
    check.detail.update({{"statistic", ks->statistic},
                         {"p_value", ks->p_value},
                         {"baseline_n", ks->baseline_n},
                         {"current_n", ks->current_n}});
  }
  const std::string figure =
      ks ? "length K-S D " + fixed(ks->statistic, 2) : std::string("length K-S");
  if (auto why = ungraded_sentence(figure, ks.has_value(), "lengths", baseline.answers,
                                   current.answers, thresholds.min_answers)) {
    check.sentence = std::move(*why);
    return check;
  }
  // Both: a tiny p-value on a huge window can come with a shift nobody would notice.
  const bool shifted = ks->p_value < thresholds.ks_alpha;
  const bool large = reaches(ks->statistic, thresholds.ks_min_statistic);
  check.state = shifted && large ? DriftState::Warning : DriftState::Ok;
  check.sentence = figure + (large ? " ≥ " : " < ") + general(thresholds.ks_min_statistic) +
                   ", p " + general(ks->p_value) + (shifted ? " < " : " ≥ ") +
                   general(thresholds.ks_alpha);
  return check;
}

}  // namespace slipway::monitor::drift_checks
