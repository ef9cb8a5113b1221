// Deterministic judge sampling by response id.
#include "monitor/judge/judge_sampling.h"

#include <gtest/gtest.h>

#include <string>

namespace slipway::monitor {
namespace {

int sampled_count(double rate, int ids) {
  int count = 0;
  for (int i = 0; i < ids; ++i) {
    if (sampled_for_judge("chatcmpl-" + std::to_string(i), rate)) ++count;
  }
  return count;
}

TEST(JudgeSampling, SameIdSameDecision) {
  for (int i = 0; i < 1000; ++i) {
    const std::string id = "chatcmpl-" + std::to_string(i);
    EXPECT_EQ(sampled_for_judge(id, 0.3), sampled_for_judge(id, 0.3)) << id;
  }
}

TEST(JudgeSampling, RateZeroNeverAndOneAlways) {
  EXPECT_EQ(sampled_count(0.0, 10'000), 0);
  EXPECT_EQ(sampled_count(-0.5, 1'000), 0);
  EXPECT_EQ(sampled_count(1.0, 10'000), 10'000);
  EXPECT_EQ(sampled_count(2.0, 1'000), 1'000);
}

TEST(JudgeSampling, FivePercentWithinAPoint) {
  const double share = sampled_count(0.05, 100'000) / 100'000.0;
  EXPECT_NEAR(share, 0.05, 0.01);
}

TEST(JudgeSampling, FiftyPercentWithinAPoint) {
  const double share = sampled_count(0.5, 100'000) / 100'000.0;
  EXPECT_NEAR(share, 0.5, 0.01);
}

TEST(JudgeSampling, ASampledAnswerStaysSampledAtAHigherRate) {
  for (int i = 0; i < 10'000; ++i) {
    const std::string id = "cmpl-" + std::to_string(i);
    if (sampled_for_judge(id, 0.05)) {
      EXPECT_TRUE(sampled_for_judge(id, 0.2)) << id;
    }
  }
}

TEST(JudgeSampling, EmptyIdIsStillDecided) {
  EXPECT_EQ(sampled_for_judge("", 0.5), sampled_for_judge("", 0.5));
  EXPECT_TRUE(sampled_for_judge("", 1.0));
}

}  // namespace
}  // namespace slipway::monitor
