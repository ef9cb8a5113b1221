#pragma once
// Quality-trend and evaluator tests run on both dialects: a fresh SQLite file or PostgreSQL
// database per test, a clock the test sets, and helpers that write judge scores and answers
// the way the judge and the drift recorder do.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
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

class MonitorStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    const auto dir = slipway::test::fresh_test_dir("monitor_evaluator", "work");
    const std::string location = GetParam() == Backend::Postgres
                                     ? slipway::test::fresh_postgres_url("meval")
                                     : (dir / "monitor.db").string();
    store_ = store::Store::open(location);
    migrate_monitor(*store_);
  }

  store::WallClock clock() {
    return [this] { return now_ms_.load(); };
  }

  // `count` scored answers of `score`, answered inside the hour that starts `hour` hours after
  // kDec1 (spread over its first half).
  void judged(const std::string& route, const std::string& version, const std::string& arm,
              int64_t hour, int count, double score) {
    for (int i = 0; i < count; ++i) {
      JudgeScoreRow row;
      row.response_id = "chatcmpl-" + std::to_string(++next_id_);
      row.route = route;
      row.version = version;
      row.arm = arm;
      row.judge = "judge-model";
      row.outcome = JudgeOutcome::Scored;
      row.score = score;
      row.answered_ms = kDec1 + hour * kHour + i * kMinute;
      row.judged_ms = row.answered_ms + 1'000;
      record_judge_score(*store_, row);
    }
  }

  std::atomic<int64_t> now_ms_{kDec1};
  std::unique_ptr<store::Store> store_;
  int next_id_ = 0;
};

}  // namespace slipway::monitor::test
