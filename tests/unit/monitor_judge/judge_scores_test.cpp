// The judge's rows in the store: windows, filters, totals, replacement, pairs and purge, on
// SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "judge_store_support.h"

namespace slipway::monitor::test {
namespace {

class JudgeScores : public JudgeStoreTest {};

TEST_P(JudgeScores, WindowsGroupByRouteVersionAndAlignedStart) {
  record_judge_score(*store_, score_row("a", kDec1 + 5 * kMinute, 8));
  record_judge_score(*store_, score_row("b", kDec1 + 59 * kMinute, 6));
  record_judge_score(*store_, score_row("c", kDec1 + kHour, 9));
  record_judge_score(*store_, score_row("d", kDec1 + 2 * kMinute, 4, "support/2", "canary"));

  QualityQuery query;
  query.since_ms = kDec1;
  query.window_ms = kHour;
  const auto windows = read_quality_windows(*store_, query);
  ASSERT_EQ(windows.size(), 3u);
  EXPECT_EQ(windows[0].version, "support/1");
  EXPECT_EQ(windows[0].start_ms, kDec1);
  EXPECT_EQ(windows[0].window_ms, kHour);
  EXPECT_EQ(windows[0].scored, 2);
  EXPECT_DOUBLE_EQ(*windows[0].mean(), 7.0);
  EXPECT_EQ(windows[1].version, "support/1");
  EXPECT_EQ(windows[1].start_ms, kDec1 + kHour);
  EXPECT_DOUBLE_EQ(*windows[1].mean(), 9.0);
  EXPECT_EQ(windows[2].version, "support/2");
  EXPECT_DOUBLE_EQ(*windows[2].mean(), 4.0);
}

TEST_P(JudgeScores, UnparsableAndFailedCountButNeverWeighInTheMean) {
  record_judge_score(*store_, score_row("a", kDec1, 8));
  record_judge_score(*store_, outcome_row("b", kDec1 + 1, JudgeOutcome::Unparsable));
  record_judge_score(*store_, outcome_row("c", kDec1 + 2, JudgeOutcome::Failed));
  record_judge_score(*store_, outcome_row("d", kDec1 + 3, JudgeOutcome::Failed));

  const QualityWindow total = read_quality_total(*store_, {});
  EXPECT_EQ(total.scored, 1);
  EXPECT_EQ(total.unparsable, 1);
  EXPECT_EQ(total.failed, 2);
  EXPECT_DOUBLE_EQ(*total.mean(), 8.0);
}

TEST_P(JudgeScores, AWindowWithoutScoresHasNoMean) {
  record_judge_score(*store_, outcome_row("a", kDec1, JudgeOutcome::Failed));
  QualityQuery query;
  query.window_ms = kHour;
  const auto windows = read_quality_windows(*store_, query);
  ASSERT_EQ(windows.size(), 1u);
  EXPECT_EQ(windows[0].failed, 1);
  EXPECT_FALSE(windows[0].mean().has_value());
  EXPECT_TRUE(quality_window_to_json(windows[0])["mean"].is_null());
}

TEST_P(JudgeScores, FiltersByArmRouteVersionAndRange) {
  record_judge_score(*store_, score_row("a", kDec1, 8, "support/1", "stable"));
  record_judge_score(*store_, score_row("b", kDec1, 2, "support/2", "canary"));
  JudgeScoreRow other = score_row("c", kDec1, 5);
  other.route = "other";
  other.version = "other/1";
  record_judge_score(*store_, other);
  record_judge_score(*store_, score_row("d", kDec1 + kHour, 10));

  QualityQuery canary;
  canary.arm = "canary";
  EXPECT_DOUBLE_EQ(*read_quality_total(*store_, canary).mean(), 2.0);

  QualityQuery route;
  route.route = "other";
  EXPECT_EQ(read_quality_total(*store_, route).scored, 1);

  QualityQuery first_hour;
  first_hour.version = "support/1";
  first_hour.since_ms = kDec1;
  first_hour.until_ms = kDec1 + kHour;  // exclusive: "d" is out
  const QualityWindow total = read_quality_total(*store_, first_hour);
  EXPECT_EQ(total.scored, 1);
  EXPECT_DOUBLE_EQ(*total.mean(), 8.0);
  EXPECT_EQ(total.start_ms, kDec1);
  EXPECT_EQ(total.window_ms, kHour);
}

TEST_P(JudgeScores, OneWindowOverTheRangeWhenNoWidthIsGiven) {
  record_judge_score(*store_, score_row("a", kDec1, 6));
  record_judge_score(*store_, score_row("b", kDec1 + 5 * kHour, 8));
  QualityQuery query;
  query.since_ms = kDec1 - kHour;
  const auto windows = read_quality_windows(*store_, query);
  ASSERT_EQ(windows.size(), 1u);
  EXPECT_EQ(windows[0].start_ms, kDec1 - kHour);
  EXPECT_EQ(windows[0].scored, 2);
  EXPECT_DOUBLE_EQ(*windows[0].mean(), 7.0);
}

TEST_P(JudgeScores, TheSameResponseIdReplacesItsRow) {
  record_judge_score(*store_, outcome_row("a", kDec1, JudgeOutcome::Failed));
  record_judge_score(*store_, score_row("a", kDec1, 9));
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_judge_scores"), 1);
  const QualityWindow total = read_quality_total(*store_, {});
  EXPECT_EQ(total.failed, 0);
  EXPECT_DOUBLE_EQ(*total.mean(), 9.0);
}

TEST_P(JudgeScores, ScoredWithoutAScoreIsStoredAsUnparsable) {
  JudgeScoreRow row = score_row("a", kDec1, 0);
  row.score.reset();
  record_judge_score(*store_, row);
  const QualityWindow total = read_quality_total(*store_, {});
  EXPECT_EQ(total.scored, 0);
  EXPECT_EQ(total.unparsable, 1);
}

TEST_P(JudgeScores, BadQueriesAreErrors) {
  QualityQuery negative;
  negative.window_ms = -1;
  EXPECT_THROW(read_quality_windows(*store_, negative), std::invalid_argument);
  EXPECT_THROW(list_judge_pairs(*store_, "", 0, 0, 0), std::invalid_argument);
}

JudgePairRow pair_row(const std::string& primary, const std::string& shadow, int64_t answered_ms,
                      const std::string& verdict, const std::string& route = "support") {
  return {primary,       shadow,  route,         route + "/1", route + "/2",
          "judge-model", verdict, "both orders", answered_ms,  answered_ms + 500};
}

TEST_P(JudgeScores, PairsAreListedNewestFirstByRouteAndRange) {
  record_judge_pair(*store_, pair_row("p1", "s1", kDec1, "primary"));
  record_judge_pair(*store_, pair_row("p2", "s2", kDec1 + kMinute, "tie"));
  record_judge_pair(*store_, pair_row("p3", "s3", kDec1 + 2 * kMinute, "shadow", "other"));
  record_judge_pair(*store_, pair_row("p1", "s1b", kDec1 + 3 * kMinute, "unparsable"));

  const auto all = list_judge_pairs(*store_, "", 0, 0, 10);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].shadow_id, "s1b");
  EXPECT_EQ(all[3].primary_id, "p1");

  const auto support = list_judge_pairs(*store_, "support", kDec1, kDec1 + 3 * kMinute, 10);
  ASSERT_EQ(support.size(), 2u);
  EXPECT_EQ(support[0].primary_id, "p2");
  EXPECT_EQ(support[0].verdict, "tie");
  EXPECT_EQ(support[1].primary_version, "support/1");
  EXPECT_EQ(support[1].shadow_version, "support/2");
  EXPECT_EQ(support[1].judged_ms, kDec1 + 500);

  EXPECT_EQ(list_judge_pairs(*store_, "", 0, 0, 1).size(), 1u);
  const auto json = judge_pair_to_json(support[0]);
  EXPECT_EQ(json["verdict"], "tie");
  EXPECT_EQ(json["shadow_id"], "s2");
}

TEST_P(JudgeScores, APairIsReplacedWhenJudgedAgain) {
  record_judge_pair(*store_, pair_row("p1", "s1", kDec1, "failed"));
  record_judge_pair(*store_, pair_row("p1", "s1", kDec1, "shadow"));
  const auto pairs = list_judge_pairs(*store_, "", 0, 0, 10);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].verdict, "shadow");
}

TEST_P(JudgeScores, PurgeDeletesOldScoresAndPairs) {
  record_judge_score(*store_, score_row("old", kDec1 - kHour, 5));
  record_judge_score(*store_, score_row("new", kDec1, 7));
  record_judge_pair(*store_, pair_row("p-old", "s", kDec1 - 1, "tie"));
  record_judge_pair(*store_, pair_row("p-new", "s", kDec1, "tie"));
  EXPECT_EQ(purge_judge_rows(*store_, kDec1), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_judge_scores"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_judge_pairs"), 1);
  EXPECT_EQ(purge_judge_rows(*store_, kDec1), 0);
}

TEST_P(JudgeScores, WindowJsonCarriesCountsAndMean) {
  record_judge_score(*store_, score_row("a", kDec1, 6));
  QualityQuery query;
  query.window_ms = kHour;
  const auto json = quality_window_to_json(read_quality_windows(*store_, query).at(0));
  EXPECT_EQ(json["route"], "support");
  EXPECT_EQ(json["start_ms"], kDec1);
  EXPECT_EQ(json["window_ms"], kHour);
  EXPECT_EQ(json["scored"], 1);
  EXPECT_DOUBLE_EQ(json["mean"].get<double>(), 6.0);
}

TEST_P(JudgeScores, AnEmptyRangeHoldsNothing) {
  record_judge_score(*store_, score_row("a", kDec1, 6));
  QualityQuery empty;
  empty.since_ms = kDec1;
  empty.until_ms = kDec1;
  EXPECT_TRUE(read_quality_windows(*store_, empty).empty());
  const QualityWindow total = read_quality_total(*store_, empty);
  EXPECT_EQ(total.scored, 0);
  EXPECT_EQ(total.window_ms, 0);
  empty.until_ms = kDec1 - 1;
  EXPECT_EQ(read_quality_total(*store_, empty).window_ms, 0);
}

INSTANTIATE_TEST_SUITE_P(Stores, JudgeScores, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::monitor::test
