#pragma once
// The statistics drift detection compares windows with. Pure functions over counts, so the
// values can be checked against hand-computed cases.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace slipway::monitor {

// Integer value (for example an answer's length in tokens) -> how many times it was seen.
using ValueCounts = std::map<int64_t, int64_t>;
// A label (a term, a finish reason) -> count.
using LabelCounts = std::map<std::string, int64_t>;

// Population Stability Index of `current` against `baseline` over `bins` bins cut at the
// baseline's quantiles (i/bins, by the lower value: a value v falls in the first bin whose
// upper edge is >= v; equal edges merge, so a baseline with few distinct values gets fewer
// bins). Each bin's share is (count + 0.5) / (total + 0.5 · bins) on both sides (so an empty
// bin costs a large but finite term); PSI = Σ (cur − base) · ln(cur / base).
// Absent when either side is empty.
struct PsiResult {
  double psi = 0;
  // Each bin's largest value, for every bin but the last (open) one: one entry fewer than the
  // shares below.
  std::vector<int64_t> upper_edges;
  std::vector<double> baseline_shares;
  std::vector<double> current_shares;
};
std::optional<PsiResult> population_stability_index(const ValueCounts& baseline,
                                                    const ValueCounts& current, int bins = 10);

// Two-sample Kolmogorov-Smirnov test: D = sup |F_base − F_cur| over all values (ties counted
// as the empirical CDFs do), and the asymptotic p-value Q_KS(√(n·m/(n+m)) · D) with the
// Stephens small-sample correction (√ne + 0.12 + 0.11/√ne)·D. Absent when either side is
// empty.
struct KsResult {
  double statistic = 0;  // D in [0, 1]
  double p_value = 1;
  int64_t baseline_n = 0;
  int64_t current_n = 0;
};
std::optional<KsResult> kolmogorov_smirnov(const ValueCounts& baseline, const ValueCounts& current);
// The Kolmogorov distribution's survival function Q_KS(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}
// (1 for λ <= 0 or NaN): the p-value above, exposed for tests against tabulated values.
double kolmogorov_q(double lambda);

// Jensen-Shannon distance (the square root of the divergence with log base 2, so in [0, 1])
// between the two label distributions, over the union of both sides' top `top_terms` labels by
// count (ties by label); other labels are left out of both. Absent when either side has no
// count among those labels.
std::optional<double> jensen_shannon_distance(const LabelCounts& baseline,
                                              const LabelCounts& current, int top_terms = 50);

// Total variation distance (half the L1 distance between the shares), in [0, 1]. Absent when
// either side is empty.
std::optional<double> total_variation_distance(const LabelCounts& baseline,
                                               const LabelCounts& current);

// Arithmetic helpers the reports show next to the statistics.
int64_t total_count(const ValueCounts& counts);
int64_t total_count(const LabelCounts& counts);
std::optional<double> mean_value(const ValueCounts& counts);
// The q-quantile (0..1) by the lower value of the empirical distribution.
std::optional<int64_t> quantile_value(const ValueCounts& counts, double q);

}  // namespace slipway::monitor
