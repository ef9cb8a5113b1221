#pragma once
// Judge tests that need a store run on both dialects: a fresh SQLite file or PostgreSQL
// database per test, with the monitor's tables and a clock the test sets.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "monitor/judge/judge_scores.h"
#include "monitor/monitor_schema.h"
#include "postgres_test_db.h"
#include "store/clock.h"
#include "store/store.h"
#include "store_backend_param.h"
#include "test_dir.h"

namespace slipway::monitor::test {

using slipway::test::Backend;
using slipway::test::backend_name;

// 2026-12-01 00:00:00 UTC: a multiple of every window the tests use.
inline constexpr int64_t kDec1 = 1796083200000;
inline constexpr int64_t kMinute = 60'000;
inline constexpr int64_t kHour = 60 * kMinute;

class JudgeStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    const auto dir = slipway::test::fresh_test_dir("monitor_judge", "store");
    const std::string location = GetParam() == Backend::Postgres
                                     ? slipway::test::fresh_postgres_url("mjudge")
                                     : (dir / "judge.db").string();
    store_ = store::Store::open(location);
    migrate_monitor(*store_);
  }

  store::WallClock clock() {
    return [this] { return now_ms_.load(); };
  }

  int64_t count(const std::string& sql) {
    return store_->read([&](store::Transaction& tx) { return tx.query(sql).front().integer(0); });
  }

  std::atomic<int64_t> now_ms_{kDec1};
  std::unique_ptr<store::Store> store_;
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
