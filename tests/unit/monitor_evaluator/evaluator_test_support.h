#pragma once
// Quality-trend and evaluator tests run on both dialects: a fresh SQLite file or PostgreSQL
// database per test, a clock the test sets, and helpers that write judge scores and answers
// the way the judge and the drift recorder do.
#include <cstdint>
#include <string>

#include "monitor/judge/judge_scores.h"
#include "monitor_store_fixture.h"

namespace slipway::monitor::test {

class MonitorStoreTest : public MonitorStoreFixture {
 protected:
  void SetUp() override {
    open_store({"monitor_evaluator", "monitor.db", "meval"}, Tables::Migrated);
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

  int next_id_ = 0;
};

}  // namespace slipway::monitor::test
