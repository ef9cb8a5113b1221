#pragma once
// Response log tests run against both dialects: a fresh SQLite file or a fresh PostgreSQL
// database per test, with a clock the test sets.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "feedback/feedback_log.h"
#include "postgres_test_db.h"
#include "store/store.h"
#include "store_backend_param.h"
#include "test_dir.h"

namespace slipway::feedback::test {

using slipway::test::Backend;
using slipway::test::backend_name;

// 2026-12-01 00:00:00 UTC
inline constexpr int64_t kDec1 = 1796083200000;
inline constexpr int64_t kDayMs = 24LL * 3600 * 1000;

// "<prefix><i>" (built by append: GCC 12 warns falsely on "literal" + std::to_string).
inline std::string numbered(const std::string& prefix, int i) {
  std::string id = prefix;
  id += std::to_string(i);
  return id;
}

// A chat answer with `n` choices ("answer <i>"), asked by `user`.
inline LoggedAnswer chat_answer(const std::string& id, const std::string& user = "alice", int n = 1,
                                const std::string& question = "What is 2+2?") {
  LoggedAnswer answer;
  answer.id = id;
  answer.kind = AnswerKind::Chat;
  answer.route = "demo";
  answer.version = "demo/1";
  answer.user = user;
  answer.request = Json{{"model", "demo"},
                        {"messages", Json::array({Json{{"role", "user"}, {"content", question}}})},
                        {"temperature", 0.7},
                        {"n", n},
                        {"user", user},
                        {"stream", false}};
  for (int i = 0; i < n; ++i) {
    LoggedChoice choice;
    choice.index = i;
    choice.output = Json{{"role", "assistant"}, {"content", "answer " + std::to_string(i)}};
    choice.finish_reason = "stop";
    choice.completion_tokens = 3;
    answer.choices.push_back(choice);
  }
  answer.prompt_tokens = 12;
  answer.ttft_seconds = 0.05;
  answer.latency_seconds = 0.25;
  return answer;
}

inline RatingSubmission thumbs(const std::string& id, int rating, const std::string& user = "",
                               int choice = 0) {
  RatingSubmission submission;
  submission.response_id = id;
  submission.choice_index = choice;
  submission.user = user;
  submission.rating = Patch<int>::set(rating);
  return submission;
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = slipway::test::fresh_test_dir("feedback_log", "work");
    location_ = GetParam() == Backend::Postgres ? slipway::test::fresh_postgres_url("fblog")
                                                : (dir_ / "feedback.db").string();
    store_ = store::Store::open(location_);
  }

  int64_t count(const std::string& sql, const store::Params& params = {}) {
    return store_->read(
        [&](store::Transaction& tx) { return tx.query(sql, params).front().integer(0); });
  }

  store::WallClock clock() {
    return [this] { return now_ms_.load(); };
  }

  // Long flush interval and no periodic purge: batches are written only when full, asked for,
  // or at shutdown, so their count is exact.
  static LogSettings quiet_settings() {
    LogSettings settings;
    settings.flush_interval_ms = 3'600'000;
    settings.purge_interval_ms = 0;
    return settings;
  }

  std::filesystem::path dir_;
  std::string location_;
  std::atomic<int64_t> now_ms_{kDec1};
  std::unique_ptr<store::Store> store_;
};

}  // namespace slipway::feedback::test
