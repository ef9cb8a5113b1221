// Pairwise judging of shadow answers through a fake judge: both orders asked, inconsistent
// verdicts are ties, decisive ones reach the preference sink, halves matched in either order.
#include <gtest/gtest.h>

#include <mutex>

#include "judge_runner_support.h"

namespace slipway::monitor::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPrimaryText = "PRIMARY: Paris is the capital.";
constexpr const char* kShadowText = "SHADOW: It is Paris, on the Seine.";

// Pairs only: no answer is scored on its own.
JudgeOptions pairs_only() {
  JudgeOptions options = judge_everything();
  options.sample_rate = 0;
  options.pair_rate = 1;
  return options;
}

// True when the rendered pair prompt shows the primary's answer as A.
bool primary_shown_first(const std::string& rendered) {
  return rendered.find(kPrimaryText) < rendered.find(kShadowText);
}

class JudgeRunnerPairs : public JudgeRunnerTest {
 protected:
  PairPreferenceSink collect() {
    return [this](const PairPreference& preference) {
      std::lock_guard lock(mutex_);
      preferences_.push_back(preference);
    };
  }
  std::vector<PairPreference> preferences() {
    std::lock_guard lock(mutex_);
    return preferences_;
  }
  std::vector<JudgePairRow> pairs() { return list_judge_pairs(*store_, "", 0, 0, 100); }

  // Observes a primary and its shadow copy (in that order unless `shadow_first`).
  void observe_pair(JudgeRunner& judge, const std::string& id, bool shadow_first = false) {
    const ObservedAnswer primary = observed(id, kPrimaryText);
    const ObservedAnswer shadow = shadow_of(id, kShadowText);
    if (shadow_first) judge.observe(shadow);
    judge.observe(primary);
    if (!shadow_first) judge.observe(shadow);
  }

  std::mutex mutex_;
  std::vector<PairPreference> preferences_;
};

TEST_P(JudgeRunnerPairs, BothOrdersAreAskedAndAConsistentPreferenceWins) {
  // Prefers the shadow's answer wherever it appears.
  use([](const std::string& rendered) {
    return FakeAnswer::say(primary_shown_first(rendered) ? "B is better. [[B]]"
                                                         : "A is better. [[A]]");
  });
  auto judge = runner(pairs_only(), collect());
  observe_pair(*judge, "chatcmpl-1");
  ASSERT_TRUE(judge->wait_idle(10s));

  const auto rendered = judge_->rendered();
  ASSERT_EQ(rendered.size(), 2u);
  EXPECT_TRUE(primary_shown_first(rendered[0]));
  EXPECT_FALSE(primary_shown_first(rendered[1]));

  const auto rows = pairs();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].verdict, "shadow");
  EXPECT_EQ(rows[0].primary_id, "chatcmpl-1");
  EXPECT_EQ(rows[0].shadow_id, "chatcmpl-1-shadow-0");
  EXPECT_EQ(rows[0].primary_version, "support/1");
  EXPECT_EQ(rows[0].shadow_version, "support/3");
  EXPECT_EQ(rows[0].answered_ms, kDec1 - kMinute);
  EXPECT_NE(rows[0].detail.find("[[B]]"), std::string::npos);

  const auto chosen = preferences();
  ASSERT_EQ(chosen.size(), 1u);
  EXPECT_EQ(chosen[0].chosen_id, "chatcmpl-1-shadow-0");
  EXPECT_EQ(chosen[0].rejected_id, "chatcmpl-1");
  EXPECT_EQ(chosen[0].judge, "fake-judge");
  EXPECT_EQ(judge->counters().pairs_judged, 1u);
  EXPECT_EQ(judge->counters().sampled, 0u);  // no score jobs
  EXPECT_NE(judge->metrics_text().find(
                "slipway_judge_pairs_total{route=\"support\",verdict=\"shadow\"} 1"),
            std::string::npos);
}

TEST_P(JudgeRunnerPairs, APrimaryPreferredInBothOrdersIsChosen) {
  use([](const std::string& rendered) {
    return FakeAnswer::say(primary_shown_first(rendered) ? "[[A]]" : "[[B]]");
  });
  auto judge = runner(pairs_only(), collect());
  observe_pair(*judge, "p1", /*shadow_first=*/true);
  ASSERT_TRUE(judge->wait_idle(10s));
  ASSERT_EQ(pairs().size(), 1u);
  EXPECT_EQ(pairs()[0].verdict, "primary");
  ASSERT_EQ(preferences().size(), 1u);
  EXPECT_EQ(preferences()[0].chosen_id, "p1");
}

TEST_P(JudgeRunnerPairs, APositionBiasedJudgeIsATie) {
  use(always(FakeAnswer::say("[[A]]")));  // whatever comes first
  auto judge = runner(pairs_only(), collect());
  observe_pair(*judge, "p1");
  ASSERT_TRUE(judge->wait_idle(10s));
  ASSERT_EQ(pairs().size(), 1u);
  EXPECT_EQ(pairs()[0].verdict, "tie");
  EXPECT_TRUE(preferences().empty());
}

TEST_P(JudgeRunnerPairs, NonsenseIsUnparsableAndNoPreference) {
  use([](const std::string& rendered) {
    return FakeAnswer::say(primary_shown_first(rendered) ? "[[B]]" : "Both have merits.");
  });
  auto judge = runner(pairs_only(), collect());
  observe_pair(*judge, "p1");
  ASSERT_TRUE(judge->wait_idle(10s));
  EXPECT_EQ(pairs().at(0).verdict, "unparsable");
  EXPECT_TRUE(preferences().empty());
}

TEST_P(JudgeRunnerPairs, AFailingJudgeRecordsAFailedPair) {
  use(always(FakeAnswer::error("judge is down", 502)));
  auto judge = runner(pairs_only(), collect());
  observe_pair(*judge, "p1");
  ASSERT_TRUE(judge->wait_idle(10s));
  ASSERT_EQ(pairs().size(), 1u);
  EXPECT_EQ(pairs()[0].verdict, "failed");
  EXPECT_NE(pairs()[0].detail.find("judge is down"), std::string::npos);
  EXPECT_EQ(judge_->requests().size(), 1u);  // the second order is not asked
  EXPECT_EQ(judge->counters().failed, 1u);
  EXPECT_TRUE(preferences().empty());
}

TEST_P(JudgeRunnerPairs, OnePrimaryWithTwoShadowsMakesTwoPairs) {
  use(always(FakeAnswer::say("[[C]]")));
  auto judge = runner(pairs_only());
  judge->observe(observed("p1", kPrimaryText));
  judge->observe(shadow_of("p1", kShadowText, "-shadow-0"));
  judge->observe(shadow_of("p1", "SHADOW two", "-shadow-1"));
  ASSERT_TRUE(judge->wait_idle(10s));
  EXPECT_EQ(pairs().size(), 2u);
  EXPECT_EQ(judge_->requests().size(), 4u);
}

TEST_P(JudgeRunnerPairs, PairsAreSampledByThePrimaryId) {
  use(always(FakeAnswer::say("[[C]]")));
  JudgeOptions options = pairs_only();
  options.pair_rate = 0;
  auto judge = runner(options);
  observe_pair(*judge, "p1");
  ASSERT_TRUE(judge->wait_idle(10s));
  EXPECT_TRUE(pairs().empty());
  EXPECT_TRUE(judge_->requests().empty());
}

TEST_P(JudgeRunnerPairs, AShadowWhosePrimaryNeverComesIsDroppedAfterTheWait) {
  use(always(FakeAnswer::say("[[C]]")));
  JudgeOptions options = pairs_only();
  options.pair_wait_ms = 60'000;
  auto judge = runner(options);
  judge->observe(shadow_of("gone", kShadowText));
  now_ms_ += 60'001;
  judge->observe(observed("gone", kPrimaryText));  // too late: the shadow left
  ASSERT_TRUE(judge->wait_idle(10s));
  EXPECT_TRUE(pairs().empty());
  EXPECT_EQ(judge->counters().pairs_dropped, 1u);
}

TEST_P(JudgeRunnerPairs, AnEmptyShadowAnswerIsStillPaired) {
  use(always(FakeAnswer::say("[[A]]")));
  auto judge = runner(pairs_only());
  judge->observe(observed("p1", kPrimaryText));
  judge->observe(shadow_of("p1", ""));
  ASSERT_TRUE(judge->wait_idle(10s));
  ASSERT_EQ(pairs().size(), 1u);  // answering nothing is a loss the judge should see
}

TEST_P(JudgeRunnerPairs, ScoresAndPairsTogether) {
  use([](const std::string& rendered) {
    return FakeAnswer::say(rendered.find("[Answer A]") != std::string::npos ? "[[C]]"
                                                                            : "Rating: [[6]]");
  });
  JudgeOptions options = pairs_only();
  options.sample_rate = 1;
  auto judge = runner(options);
  observe_pair(*judge, "p1");
  ASSERT_TRUE(judge->wait_idle(10s));
  EXPECT_EQ(judge->counters().scored, 2u);  // the primary and the shadow, each by its version
  EXPECT_EQ(pairs().size(), 1u);
  QualityQuery shadow_arm;
  shadow_arm.arm = "shadow";
  EXPECT_EQ(read_quality_total(*store_, shadow_arm).scored, 1);
}

INSTANTIATE_TEST_SUITE_P(Stores, JudgeRunnerPairs, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::monitor::test
