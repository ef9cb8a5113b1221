// Sampler semantics: seeded reproducibility, greedy and top_k=1, what top_k/top_p/min_p keep
// (statistically, with fixed seeds), the exact effect of each penalty, and logprobs.
#include "engine/sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

namespace slipway::engine {
namespace {

std::vector<float> logits_of(const std::vector<double>& probs) {
  std::vector<float> out;
  for (double p : probs) out.push_back(static_cast<float>(std::log(p)));
  return out;
}

std::map<int32_t, int> histogram(const SamplingParams& params, const std::vector<float>& logits,
                                 int draws) {
  Sampler sampler(params, 1234);
  std::map<int32_t, int> counts;
  for (int i = 0; i < draws; ++i) counts[sampler.sample(logits, {}, {}).token]++;
  return counts;
}

int32_t pick(const SamplingParams& params, const std::vector<float>& logits,
             const std::vector<int32_t>& prompt, const std::vector<int32_t>& output) {
  Sampler sampler(params, 0);
  return sampler.sample(logits, prompt, output).token;
}

std::vector<float> random_logits(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> dist(0, 3);
  std::vector<float> out(static_cast<std::size_t>(n));
  for (float& x : out) x = dist(rng);
  return out;
}

TEST(Sampler, SameSeedSameOutput) {
  SamplingParams params;
  params.seed = 99;
  params.top_p = 0.95;
  const auto logits = random_logits(500, 1);
  Sampler a(params, 1), b(params, 2);  // the explicit seed wins over the default
  std::vector<int32_t> out_a, out_b;
  for (int i = 0; i < 50; ++i) {
    out_a.push_back(a.sample(logits, {}, out_a).token);
    out_b.push_back(b.sample(logits, {}, out_b).token);
  }
  EXPECT_EQ(out_a, out_b);

  params.seed = 100;
  Sampler c(params, 1);
  std::vector<int32_t> out_c;
  for (int i = 0; i < 50; ++i) out_c.push_back(c.sample(logits, {}, out_c).token);
  EXPECT_NE(out_a, out_c);

  params.seed.reset();  // the default seed decides
  Sampler d(params, 5), e(params, 5);
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(d.sample(logits, {}, {}).token, e.sample(logits, {}, {}).token);
}

TEST(Sampler, GreedyAndTopK1) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const auto logits = random_logits(300, seed);
    const auto best =
        static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
    SamplingParams greedy;
    greedy.temperature = 0;
    EXPECT_EQ(pick(greedy, logits, {}, {}), best);
    SamplingParams top1;
    top1.temperature = 1.3;
    top1.top_k = 1;
    top1.seed = seed;
    EXPECT_EQ(pick(top1, logits, {}, {}), best);
  }
  SamplingParams greedy;
  greedy.temperature = 0;
  EXPECT_EQ(pick(greedy, {1, 5, 2, 5, 5}, {}, {}), 1);  // ties: lowest id
}

TEST(Sampler, TopKTopPMinPKeepWhatTheyShould) {
  const auto logits = logits_of({0.5, 0.3, 0.15, 0.05});
  const int draws = 8000;
  {
    SamplingParams p;  // plain sampling follows the distribution
    const auto h = histogram(p, logits, draws);
    EXPECT_NEAR(h.at(0) / double(draws), 0.5, 0.03);
    EXPECT_NEAR(h.at(3) / double(draws), 0.05, 0.01);
  }
  {
    SamplingParams p;
    p.top_p = 0.7;  // 0.5 < 0.7 <= 0.8: keeps tokens 0 and 1
    const auto h = histogram(p, logits, draws);
    EXPECT_EQ(h.count(2) + h.count(3), 0u);
    EXPECT_NEAR(h.at(0) / double(draws), 0.5 / 0.8, 0.03);
  }
  {
    SamplingParams p;
    p.top_p = 0.01;  // keeps at least the top token
    const auto h = histogram(p, logits, 200);
    EXPECT_EQ(h.size(), 1u);
    EXPECT_EQ(h.begin()->first, 0);
  }
  {
    SamplingParams p;
    p.min_p = 0.2;  // threshold 0.1: drops only token 3
    const auto h = histogram(p, logits, draws);
    EXPECT_EQ(h.count(3), 0u);
    EXPECT_GT(h.at(2), 0);
    EXPECT_NEAR(h.at(2) / double(draws), 0.15 / 0.95, 0.02);
  }
  {
    SamplingParams p;
    p.top_k = 3;
    const auto h = histogram(p, logits, draws);
    EXPECT_EQ(h.count(3), 0u);
    EXPECT_NEAR(h.at(0) / double(draws), 0.5 / 0.95, 0.03);
  }
  {
    SamplingParams p;
    p.temperature = 0.5;  // probabilities squared, renormalized
    const auto h = histogram(p, logits, draws);
    const double z = 0.25 + 0.09 + 0.0225 + 0.0025;
    EXPECT_NEAR(h.at(0) / double(draws), 0.25 / z, 0.03);
  }
}

TEST(Sampler, TopPOnALargeFlatVocabulary) {
  std::vector<float> logits(5000, 0.0f);  // uniform: top_p just below 0.5 keeps 2500 ids,
  SamplingParams p;                       // the lowest (ties sort by id)
  p.top_p = 0.4999;
  const auto h = histogram(p, logits, 1000);
  EXPECT_LT(h.rbegin()->first, 2500);
  EXPECT_GT(h.size(), 300u);
}

TEST(Sampler, RepetitionPenaltyDividesPositiveAndMultipliesNegative) {
  SamplingParams p;
  p.temperature = 0;
  p.repetition_penalty = 2.0;
  // Token 0 (3.0) in the prompt becomes exactly 1.5.
  EXPECT_EQ(pick(p, {3.0f, 1.49f, 0.0f}, {0}, {}), 0);
  EXPECT_EQ(pick(p, {3.0f, 1.51f, 0.0f}, {0}, {}), 1);
  // Token 0 (-1.0) in the output becomes exactly -2.0.
  EXPECT_EQ(pick(p, {-1.0f, -2.01f, -3.0f}, {}, {0}), 0);
  EXPECT_EQ(pick(p, {-1.0f, -1.99f, -3.0f}, {}, {0}), 1);
  // Counted once however often it appears.
  EXPECT_EQ(pick(p, {3.0f, 1.49f}, {0, 0, 0}, {0}), 0);
}

TEST(Sampler, PresenceAndFrequencyPenaltiesCountOutputOnly) {
  SamplingParams p;
  p.temperature = 0;
  p.presence_penalty = 1.0;
  p.frequency_penalty = 0.5;
  // Token 0 generated three times: 5 - 1 - 3 * 0.5 = 2.5.
  EXPECT_EQ(pick(p, {5.0f, 2.49f}, {}, {0, 0, 0}), 0);
  EXPECT_EQ(pick(p, {5.0f, 2.51f}, {}, {0, 0, 0}), 1);
  // The prompt does not count.
  EXPECT_EQ(pick(p, {5.0f, 4.9f}, {0, 0, 0, 0}, {}), 0);
}

TEST(Sampler, LogprobsAreLogSoftmaxOfRawLogits) {
  const auto logits = random_logits(64, 3);
  SamplingParams p;
  p.temperature = 0.7;
  p.repetition_penalty = 1.5;
  p.logprobs = 64;
  p.seed = 4;
  Sampler sampler(p, 0);
  const std::vector<int32_t> prompt{1, 2, 3}, output{4};
  const SampledToken t = sampler.sample(logits, prompt, output);
  ASSERT_EQ(t.top.size(), 64u);
  double total = 0;
  for (std::size_t i = 0; i < t.top.size(); ++i) {
    total += std::exp(static_cast<double>(t.top[i].logprob));
    if (i > 0) {
      EXPECT_GE(t.top[i - 1].logprob, t.top[i].logprob);
    }
    // Differences of logprobs are differences of the raw logits (no penalty, no temperature).
    EXPECT_NEAR(t.top[i].logprob - t.top[0].logprob,
                logits[t.top[i].token] - logits[t.top[0].token], 1e-4);
  }
  EXPECT_NEAR(total, 1.0, 1e-5);
  for (const auto& e : t.top)
    if (e.token == t.token) {
      EXPECT_FLOAT_EQ(e.logprob, t.logprob);
    }

  p.logprobs = 3;
  Sampler three(p, 0);
  EXPECT_EQ(three.sample(logits, {}, {}).top.size(), 3u);
  p.logprobs = -1;
  Sampler none(p, 0);
  EXPECT_TRUE(none.sample(logits, {}, {}).top.empty());
}

}  // namespace
}  // namespace slipway::engine
