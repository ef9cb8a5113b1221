#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>

#include "app/loadgen/arrival_schedule.h"
#include "app/loadgen/prompt_synth.h"
#include "app/loadgen/stats.h"

namespace slipway::app::loadgen {
namespace {

TEST(BenchStats, PercentilesInterpolateLikeNumpy) {
  // numpy.percentile([1..10], [50, 95, 99]) = 5.5, 9.55, 9.91
  std::vector<double> values{10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  EXPECT_DOUBLE_EQ(percentile(values, 50), 5.5);
  EXPECT_NEAR(percentile(values, 95), 9.55, 1e-12);
  EXPECT_NEAR(percentile(values, 99), 9.91, 1e-12);
  EXPECT_DOUBLE_EQ(percentile(values, 0), 1);
  EXPECT_DOUBLE_EQ(percentile(values, 100), 10);
  EXPECT_DOUBLE_EQ(percentile({42}, 99), 42);
  EXPECT_DOUBLE_EQ(percentile({}, 50), 0);
  // numpy.percentile([1, 2, 4, 8], 25) = 1.75
  EXPECT_DOUBLE_EQ(percentile({8, 1, 4, 2}, 25), 1.75);
}

TEST(BenchStats, Summary) {
  std::vector<double> values(100);
  std::iota(values.begin(), values.end(), 1.0);  // 1..100
  const auto s = summarize(values);
  EXPECT_EQ(s.count, 100u);
  EXPECT_DOUBLE_EQ(s.mean, 50.5);
  EXPECT_DOUBLE_EQ(s.p50, 50.5);
  EXPECT_NEAR(s.p95, 95.05, 1e-9);
  EXPECT_NEAR(s.p99, 99.01, 1e-9);
  EXPECT_EQ(summarize({}).count, 0u);
}

TEST(BenchSchedule, PoissonIsReproducibleAndHasTheRate) {
  const auto a = poisson_arrivals(20000, 8.0, 42);
  const auto b = poisson_arrivals(20000, 8.0, 42);
  const auto c = poisson_arrivals(20000, 8.0, 43);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  ASSERT_EQ(a.size(), 20000u);
  EXPECT_EQ(a[0], 0.0);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  // 19999 gaps of mean 1/8 s: the mean rate is within ~2% (7 standard errors is ~5%).
  const double rate = (a.size() - 1) / a.back();
  EXPECT_NEAR(rate, 8.0, 0.4);
  // Exponential gaps: their standard deviation equals their mean.
  double sum = 0, sum2 = 0;
  for (std::size_t i = 1; i < a.size(); ++i) {
    const double gap = a[i] - a[i - 1];
    sum += gap;
    sum2 += gap * gap;
  }
  const double mean = sum / (a.size() - 1);
  const double sd = std::sqrt(sum2 / (a.size() - 1) - mean * mean);
  EXPECT_NEAR(sd / mean, 1.0, 0.05);
}

TEST(BenchSchedule, InfiniteRateSendsAllAtOnce) {
  const auto times = poisson_arrivals(5, std::numeric_limits<double>::infinity(), 1);
  EXPECT_EQ(times, std::vector<double>(5, 0.0));
  EXPECT_TRUE(poisson_arrivals(0, 3.0, 1).empty());
}

TEST(BenchPrompts, SeededDistinctAndSized) {
  PromptSynth a(7), b(7), c(8);
  std::set<std::string> prefixes;
  for (int i = 0; i < 200; ++i) {
    const auto pa = a.make(32);
    EXPECT_EQ(pa, b.make(32));
    EXPECT_EQ(std::count(pa.begin(), pa.end(), ' '), 31);
    std::string prefix;
    int spaces = 0;
    for (char ch : pa) {
      if (ch == ' ' && ++spaces == PromptSynth::kDistinctPrefix) break;
      prefix.push_back(ch);
    }
    EXPECT_TRUE(prefixes.insert(prefix).second) << "repeated prefix " << prefix;
  }
  EXPECT_NE(PromptSynth(7).make(16), c.make(16));
  EXPECT_EQ(PromptSynth::words_for_tokens(32, 1.0), 32);
  EXPECT_EQ(PromptSynth::words_for_tokens(32, 1.6), 20);
  EXPECT_EQ(PromptSynth::words_for_tokens(1, 4.0), 1);
}

}  // namespace
}  // namespace slipway::app::loadgen
