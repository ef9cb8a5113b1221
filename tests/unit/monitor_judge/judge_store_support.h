#pragma once
// Judge tests that need a store run on both dialects: a fresh SQLite file or PostgreSQL
// database per test, with the monitor's tables and a clock the test sets.
#include <string>

#include "monitor/judge/judge_scores.h"
#include "monitor_store_fixture.h"

namespace slipway::monitor::test {

class JudgeStoreTest : public MonitorStoreFixture {
 protected:
  void SetUp() override { open_store({"monitor_judge", "judge.db", "mjudge"}, Tables::Migrated); }
};

// A scored row of `version` on route "support", answered at `answered_ms`.
inline JudgeScoreRow score_row(const std::string& id, int64_t answered_ms, double score,
                               const std::string& version = "support/1",
                               const std::string& arm = "stable") {
  JudgeScoreRow row;
  row.response_id = id;
  row.route = "support";
  row.version = version;
  row.arm = arm;
  row.judge = "judge-model";
  row.outcome = JudgeOutcome::Scored;
  row.score = score;
  row.detail = "Rating: [[" + std::to_string(static_cast<int>(score)) + "]]";
  row.latency_ms = 120;
  row.answered_ms = answered_ms;
  row.judged_ms = answered_ms + 1'000;
  return row;
}

inline JudgeScoreRow outcome_row(const std::string& id, int64_t answered_ms, JudgeOutcome outcome,
                                 const std::string& version = "support/1") {
  JudgeScoreRow row = score_row(id, answered_ms, 0, version);
  row.outcome = outcome;
  row.score.reset();
  row.detail = outcome == JudgeOutcome::Failed ? "the judge did not answer in time" : "I cannot";
  return row;
}

}  // namespace slipway::monitor::test
