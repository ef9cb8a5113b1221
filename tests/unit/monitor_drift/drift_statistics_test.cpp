// The drift statistics against cases worked out by hand (the arithmetic is in the comments).
#include "monitor/drift/drift_statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace slipway::monitor {
namespace {

constexpr double kTight = 1e-9;

// ---- counting helpers

TEST(DriftCounts, TotalsMeansAndQuantiles) {
  const ValueCounts lengths = {{10, 2}, {20, 1}, {40, 1}};  // 10, 10, 20, 40
  EXPECT_EQ(total_count(lengths), 4);
  EXPECT_NEAR(*mean_value(lengths), 20.0, kTight);  // (10 + 10 + 20 + 40) / 4
  // The smallest value whose cumulative share reaches q: F(10) = 0.5, F(20) = 0.75, F(40) = 1.
  EXPECT_EQ(*quantile_value(lengths, 0.0), 10);
  EXPECT_EQ(*quantile_value(lengths, 0.5), 10);  // exactly at F(10): the lower value
  EXPECT_EQ(*quantile_value(lengths, 0.51), 20);
  EXPECT_EQ(*quantile_value(lengths, 0.75), 20);
  EXPECT_EQ(*quantile_value(lengths, 0.9), 40);
  EXPECT_EQ(*quantile_value(lengths, 1.0), 40);
  EXPECT_EQ(total_count(LabelCounts{{"stop", 3}, {"length", 4}}), 7);
}

TEST(DriftCounts, ZeroCountsAreSkipped) {
  const ValueCounts lengths = {{1, 0}, {5, 2}, {9, 0}};
  EXPECT_EQ(*quantile_value(lengths, 0.0), 5);
  EXPECT_EQ(*quantile_value(lengths, 1.0), 5);
  EXPECT_NEAR(*mean_value(lengths), 5.0, kTight);
}

TEST(DriftCounts, EmptyInputsHaveNoFigures) {
  EXPECT_EQ(total_count(ValueCounts{}), 0);
  EXPECT_FALSE(mean_value({}));
  EXPECT_FALSE(mean_value({{4, 0}}));
  EXPECT_FALSE(quantile_value({}, 0.5));
  EXPECT_FALSE(population_stability_index({}, {{1, 1}}));
  EXPECT_FALSE(population_stability_index({{1, 1}}, {}));
  EXPECT_FALSE(kolmogorov_smirnov({}, {{1, 1}}));
  EXPECT_FALSE(kolmogorov_smirnov({{1, 1}}, {}));
  EXPECT_FALSE(jensen_shannon_distance({}, {{"a", 1}}));
  EXPECT_FALSE(jensen_shannon_distance({{"a", 1}}, {{"b", 0}}));
  EXPECT_FALSE(total_variation_distance({{"stop", 1}}, {}));
}

TEST(DriftCounts, BadArgumentsAreClearErrors) {
  EXPECT_THROW(quantile_value({{1, 1}}, 1.5), std::invalid_argument);
  EXPECT_THROW(quantile_value({{1, 1}}, -0.1), std::invalid_argument);
  EXPECT_THROW(quantile_value({{1, 1}}, std::nan("")), std::invalid_argument);
  EXPECT_THROW(total_count(ValueCounts{{1, -2}}), std::invalid_argument);
  EXPECT_THROW(population_stability_index({{1, 1}}, {{1, 1}}, 0), std::invalid_argument);
  EXPECT_THROW(jensen_shannon_distance({{"a", 1}}, {{"a", 1}}, 0), std::invalid_argument);
  EXPECT_THROW(total_variation_distance({{"a", -1}}, {{"a", 1}}), std::invalid_argument);
}

// ---- PSI

TEST(DriftPsi, IdenticalDistributionsGiveZero) {
  const ValueCounts lengths = {{3, 5}, {8, 10}, {20, 7}, {41, 2}};
  const auto psi = population_stability_index(lengths, lengths);
  ASSERT_TRUE(psi);
  EXPECT_NEAR(psi->psi, 0.0, kTight);
  // Same shares, a hundred times the volume: near 0, well under the 0.1 warning (the 0.5
  // smoothing weighs more on 24 answers than on 2400, so not exactly 0).
  ValueCounts scaled;
  for (const auto& [value, count] : lengths) scaled[value] = count * 100;
  EXPECT_LT(population_stability_index(lengths, scaled)->psi, 0.01);
}

TEST(DriftPsi, TwoBinsByHand) {
  // Baseline 10,10,10,10,10,20,20,20,20,20; 2 bins: the 0.5 quantile is 10 (F(10) = 0.5), so
  // the bins are <= 10 and > 10. Shares (count + 0.5) / (10 + 0.5 * 2):
  //   baseline 5.5/11 = 0.5, 5.5/11 = 0.5; current (2 and 8) 2.5/11 = 0.22727, 8.5/11 = 0.77273
  //   PSI = (0.22727 - 0.5) ln(0.22727 / 0.5) + (0.77273 - 0.5) ln(0.77273 / 0.5)
  //       = (-0.27273)(-0.78846) + (0.27273)(0.43532) = 0.21503 + 0.11873 = 0.33376
  const auto psi = population_stability_index({{10, 5}, {20, 5}}, {{10, 2}, {20, 8}}, 2);
  ASSERT_TRUE(psi);
  EXPECT_EQ(psi->upper_edges, (std::vector<int64_t>{10}));
  ASSERT_EQ(psi->baseline_shares.size(), 2u);
  EXPECT_NEAR(psi->baseline_shares[0], 0.5, kTight);
  EXPECT_NEAR(psi->current_shares[0], 2.5 / 11, kTight);
  EXPECT_NEAR(psi->current_shares[1], 8.5 / 11, kTight);
  EXPECT_NEAR(psi->psi, 0.3337569, 1e-6);
}

TEST(DriftPsi, CurrentValuesOutsideTheBaselineFallInTheEndBins) {
  // Current 1 (below every edge) goes to the first bin, 99 to the open last one: the same
  // shares as current 10 and 20, so the same PSI as the hand case above.
  const auto psi = population_stability_index({{10, 5}, {20, 5}}, {{1, 2}, {99, 8}}, 2);
  EXPECT_NEAR(psi->psi, 0.3337569, 1e-6);
}

TEST(DriftPsi, TiedQuantilesMergeIntoFewerBins) {
  // Baseline: eight 5s, one 9, one 12. Deciles 0.1 .. 0.8 are all 5 (F(5) = 0.8), 0.9 is 9
  // (F(9) = 0.9): edges 5 and 9, three bins (<= 5, 6..9, > 9) instead of ten.
  const ValueCounts baseline = {{5, 8}, {9, 1}, {12, 1}};
  const auto psi = population_stability_index(baseline, baseline, 10);
  EXPECT_EQ(psi->upper_edges, (std::vector<int64_t>{5, 9}));
  EXPECT_EQ(psi->baseline_shares.size(), 3u);
  // Quartiles are all 5: one edge, two bins.
  EXPECT_EQ(population_stability_index(baseline, baseline, 4)->upper_edges,
            (std::vector<int64_t>{5}));
  // Shares with 3 bins: (8 + 0.5) / (10 + 1.5), (1 + 0.5) / 11.5, (1 + 0.5) / 11.5.
  EXPECT_NEAR(psi->baseline_shares[0], 8.5 / 11.5, kTight);
  EXPECT_NEAR(psi->baseline_shares[2], 1.5 / 11.5, kTight);
}

TEST(DriftPsi, EmptyBinsAreSmoothedByHalfACount) {
  // Baseline all 1: every decile is 1, bins <= 1 and > 1. Current all 2.
  //   baseline shares (10 + 0.5) / 11, 0.5 / 11; current 0.5 / 11, (10 + 0.5) / 11
  //   PSI = 2 * (10 / 11) * ln(10.5 / 0.5) = 1.81818 * ln 21 = 1.81818 * 3.04452 = 5.53550
  const auto psi = population_stability_index({{1, 10}}, {{2, 10}});
  EXPECT_EQ(psi->upper_edges, (std::vector<int64_t>{1}));
  EXPECT_NEAR(psi->baseline_shares[1], 0.5 / 11, kTight);
  EXPECT_NEAR(psi->current_shares[0], 0.5 / 11, kTight);
  EXPECT_TRUE(std::isfinite(psi->psi));
  EXPECT_NEAR(psi->psi, 5.5354953, 1e-6);
}

TEST(DriftPsi, OneBinNeverDrifts) {
  EXPECT_NEAR(population_stability_index({{1, 10}}, {{50, 3}}, 1)->psi, 0.0, kTight);
}

// ---- Kolmogorov-Smirnov

TEST(DriftKs, KolmogorovDistributionMatchesTables) {
  // The classic critical values: Q_KS(1.36) = 0.05, Q_KS(1.63) = 0.01 to two figures;
  // 2(e^{-2 * 1.36^2} - e^{-8 * 1.36^2} + ...) = 2(0.0247432 - 0.0000004) = 0.0494859.
  EXPECT_NEAR(kolmogorov_q(1.36), 0.0494859, 1e-6);
  EXPECT_NEAR(kolmogorov_q(1.63), 0.0098464, 1e-6);
  EXPECT_NEAR(kolmogorov_q(1.0), 0.2699997, 1e-6);
  EXPECT_NEAR(kolmogorov_q(0.5), 0.9639452, 1e-6);                  // small λ: the Jacobi form
  EXPECT_NEAR(kolmogorov_q(1.17999), kolmogorov_q(1.18001), 1e-4);  // the two forms agree
  EXPECT_EQ(kolmogorov_q(0), 1.0);
  EXPECT_EQ(kolmogorov_q(-1), 1.0);
  EXPECT_EQ(kolmogorov_q(std::nan("")), 1.0);
  EXPECT_LT(kolmogorov_q(10), 1e-80);
}

TEST(DriftKs, StatisticWithTiesByHand) {
  // Baseline 1, 2, 2, 3; current 2, 3, 3, 4. The CDFs after each value (ties move together):
  //   1: 1/4 vs 0    -> 0.25      2: 3/4 vs 1/4 -> 0.5
  //   3: 1   vs 3/4  -> 0.25      4: 1   vs 1   -> 0       D = 0.5
  // p-value (old scipy ks_2samp: kstwobign.sf((en + 0.12 + 0.11 / en) * D), en = √(n m/(n+m))):
  //   en = √2 = 1.41421; λ = (1.41421 + 0.12 + 0.07778) * 0.5 = 0.80600
  //   Q(0.806) = 1 - √(2π)/λ · Σ e^{-(2j-1)²π²/(8λ²)} = 1 - 3.10997 * 0.14971 = 0.53442
  const auto ks = kolmogorov_smirnov({{1, 1}, {2, 2}, {3, 1}}, {{2, 1}, {3, 2}, {4, 1}});
  ASSERT_TRUE(ks);
  EXPECT_NEAR(ks->statistic, 0.5, kTight);
  EXPECT_EQ(ks->baseline_n, 4);
  EXPECT_EQ(ks->current_n, 4);
  EXPECT_NEAR(ks->p_value, 0.5344157, 1e-6);
}

TEST(DriftKs, ShiftedRangeByHand) {
  // Baseline 1..5, current 3..7: F_b(2) = 0.4 vs F_c(2) = 0, and F_b(5) = 1 vs F_c(5) = 0.6,
  // so D = 0.4. en = √(25/10) = 1.58114; λ = (1.58114 + 0.12 + 0.06957) * 0.4 = 0.70828;
  // Q(0.70828) = 1 - (2.50663 / 0.70828) * e^{-2.45920} = 1 - 3.53902 * 0.08548 = 0.69740.
  const auto ks = kolmogorov_smirnov({{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}},
                                     {{3, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}});
  EXPECT_NEAR(ks->statistic, 0.4, kTight);
  EXPECT_NEAR(ks->p_value, 0.6974049, 1e-6);
}

TEST(DriftKs, IdenticalAndDisjointSamples) {
  const ValueCounts lengths = {{5, 3}, {9, 4}, {30, 1}};
  const auto same = kolmogorov_smirnov(lengths, lengths);
  EXPECT_NEAR(same->statistic, 0.0, kTight);
  EXPECT_NEAR(same->p_value, 1.0, kTight);
  // 100 answers at 4 tokens against 100 spread over 10..59: D = 1, λ ≈ 7.2, p tiny.
  ValueCounts spread;
  for (int64_t length = 10; length < 60; ++length) spread[length] = 2;
  const auto apart = kolmogorov_smirnov(spread, {{4, 100}});
  EXPECT_NEAR(apart->statistic, 1.0, kTight);
  EXPECT_LT(apart->p_value, 1e-20);
}

// ---- Jensen-Shannon and total variation

TEST(DriftDistances, JensenShannonByHand) {
  EXPECT_NEAR(*jensen_shannon_distance({{"a", 3}, {"b", 1}}, {{"a", 6}, {"b", 2}}), 0.0, 1e-7);
  EXPECT_NEAR(*jensen_shannon_distance({{"a", 3}}, {{"b", 2}}), 1.0, kTight);  // disjoint
  // p = (1/2, 1/2), q = (1, 0), m = (3/4, 1/4):
  //   KL(p||m) = 1/2 log2(2/3) + 1/2 log2(2) = -0.29248 + 0.5 = 0.20752
  //   KL(q||m) = log2(4/3) = 0.41504
  //   JSD = (0.20752 + 0.41504) / 2 = 0.31128; distance = √0.31128 = 0.55792
  EXPECT_NEAR(*jensen_shannon_distance({{"a", 5}, {"b", 5}}, {{"a", 7}}), 0.5579230, 1e-6);
}

TEST(DriftDistances, JensenShannonKeepsOnlyEachSidesTopTerms) {
  // top 1: baseline's top is "a" (ties by label: "a" before "z"), current's is "b"; "z" and
  // "c" are left out, leaving p = (1, 0) and q = (1/3, 2/3) over a, b.
  const LabelCounts baseline = {{"a", 4}, {"z", 4}};
  const LabelCounts current = {{"a", 1}, {"b", 2}, {"c", 1}};
  // m = (2/3, 1/3): KL(p||m) = log2(3/2) = 0.58496;
  // KL(q||m) = 1/3 log2(1/2) + 2/3 log2(2) = -0.33333 + 0.66667 = 0.33333
  // JSD = 0.45915, distance 0.67760
  EXPECT_NEAR(*jensen_shannon_distance(baseline, current, 1), 0.6776045, 1e-6);
  EXPECT_NE(*jensen_shannon_distance(baseline, current, 50),
            *jensen_shannon_distance(baseline, current, 1));
}

TEST(DriftDistances, TotalVariationByHand) {
  // (0.9, 0.1, 0) vs (0.5, 0.4, 0.1): (0.4 + 0.3 + 0.1) / 2 = 0.4
  EXPECT_NEAR(*total_variation_distance({{"stop", 9}, {"length", 1}},
                                        {{"stop", 5}, {"length", 4}, {"tool_calls", 1}}),
              0.4, kTight);
  EXPECT_NEAR(*total_variation_distance({{"stop", 2}}, {{"stop", 7}}), 0.0, kTight);
  EXPECT_NEAR(*total_variation_distance({{"stop", 2}}, {{"length", 7}}), 1.0, kTight);
}

}  // namespace
}  // namespace slipway::monitor
