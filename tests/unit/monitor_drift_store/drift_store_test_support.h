#pragma once
// Drift slot tests run against both dialects: a fresh SQLite file or a fresh PostgreSQL
// database per test, a clock the test sets, and short phrase lists the tests can reason about.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "monitor/drift/drift_recorder.h"
#include "postgres_test_db.h"
#include "store/store.h"
#include "store_backend_param.h"
#include "test_dir.h"

namespace slipway::monitor::test {

using slipway::test::Backend;
using slipway::test::backend_name;

// 2026-12-01 00:00:00 UTC: a multiple of every slot the tests use.
inline constexpr int64_t kDec1 = 1796083200000;
inline constexpr int64_t kMinute = 60'000;
inline constexpr int64_t kHour = 60 * kMinute;
inline constexpr int64_t kDay = 24 * kHour;

inline std::shared_ptr<const PhraseMatcher> test_phrases() {
  PhraseLists lists;
  lists.refusal = {"I can't help"};
  lists.uncertainty = {"not sure"};
  lists.stopwords = {"the", "and", "with"};
  return std::make_shared<const PhraseMatcher>(lists);
}

// A plain answer of `route` on "support/1", "stable", arriving at `created_ms`.
inline ObservedAnswer answer(const std::string& route = "support", int64_t created_ms = kDec1,
                             const std::string& response = "Restart the router",
                             const std::string& prompt = "router offline") {
  ObservedAnswer observed;
  observed.id = "chatcmpl-1";
  observed.route = route;
  observed.version = route + "/1";
  observed.arm = "stable";
  observed.prompt = prompt;
  observed.response = response;
  observed.finish_reason = "stop";
  observed.completion_tokens = 12;
  observed.created_ms = created_ms;
  return observed;
}

class DriftStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    const auto dir = slipway::test::fresh_test_dir("monitor_drift_store", "work");
    const std::string location = GetParam() == Backend::Postgres
                                     ? slipway::test::fresh_postgres_url("mdrift")
                                     : (dir / "drift.db").string();
    store_ = store::Store::open(location);
  }

  store::WallClock clock() {
    return [this] { return now_ms_.load(); };
  }

  // The flush thread stays asleep (an hour of real time): tests flush when they mean to.
  DriftRecorderOptions quiet(const std::string& replica = "replica-a") {
    DriftRecorderOptions options;
    options.flush_interval_ms = 3'600'000;
    options.replica_id = replica;
    return options;
  }

  std::unique_ptr<DriftRecorder> recorder(DriftRecorderOptions options) {
    return std::make_unique<DriftRecorder>(*store_, test_phrases(), std::move(options), clock());
  }

  int64_t count(const std::string& sql) {
    return store_->read([&](store::Transaction& tx) { return tx.query(sql).front().integer(0); });
  }
  std::string text(const std::string& sql) {
    return store_->read([&](store::Transaction& tx) { return tx.query(sql).front().text(0); });
  }
  void execute(const std::string& sql) {
    store_->write([&](store::Transaction& tx) { tx.execute(sql); });
  }

  DriftSample read(DriftQuery query = {}) {
    if (query.route.empty()) query.route = "support";
    return read_drift_sample(*store_, query);
  }

  // Waits (real time) for the flush thread to reach `condition`; false after 10 seconds.
  static bool eventually(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return condition();
  }

  std::atomic<int64_t> now_ms_{kDec1 + kMinute};
  std::unique_ptr<store::Store> store_;
};

}  // namespace slipway::monitor::test
