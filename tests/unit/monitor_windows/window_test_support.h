#pragma once
// Window tests run against both dialects: a fresh SQLite file or a fresh PostgreSQL database
// per test, with a clock the test sets.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "monitor/traffic_windows.h"
#include "postgres_test_db.h"
#include "store/store.h"
#include "store_backend_param.h"
#include "test_dir.h"

namespace slipway::monitor::test {

using slipway::test::Backend;
using slipway::test::backend_name;

// 2026-12-01 00:00:00 UTC: a multiple of every step the tests use.
inline constexpr int64_t kDec1 = 1796083200000;
inline constexpr int64_t kMinute = 60'000;
inline constexpr int64_t kHour = 60 * kMinute;
inline constexpr int64_t kDay = 24 * kHour;

// A 200 answer of `route` on "stable" taking `latency` seconds (TTFT a tenth of it).
inline WindowSample answer(const std::string& route = "support", double latency = 0.2,
                           int status = 200, const std::string& arm = "stable") {
  WindowSample sample;
  sample.route = route;
  sample.version = route + "/1";
  sample.arm = arm;
  sample.status = status;
  sample.latency_seconds = latency;
  sample.first_token_seconds = latency / 10;
  sample.prompt_tokens = 10;
  sample.completion_tokens = 5;
  return sample;
}

class WindowStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    const auto dir = slipway::test::fresh_test_dir("monitor_windows", "work");
    const std::string location = GetParam() == Backend::Postgres
                                     ? slipway::test::fresh_postgres_url("mwin")
                                     : (dir / "windows.db").string();
    store_ = store::Store::open(location);
  }

  store::WallClock clock() {
    return [this] { return now_ms_.load(); };
  }

  // The flush thread stays asleep (an hour of real time): tests flush when they mean to.
  WindowRecorderOptions quiet(const std::string& replica = "replica-a") {
    WindowRecorderOptions options;
    options.flush_interval_ms = 3'600'000;
    options.replica_id = replica;
    return options;
  }

  int64_t count(const std::string& sql) {
    return store_->read([&](store::Transaction& tx) { return tx.query(sql).front().integer(0); });
  }
  void execute(const std::string& sql) {
    store_->write([&](store::Transaction& tx) { tx.execute(sql); });
  }

  WindowTotals totals(WindowQuery query = {}) { return read_window_totals(*store_, query); }

  // Waits (real time) for the flush thread to reach `condition`; false after 10 seconds.
  static bool eventually(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return condition();
  }

  std::atomic<int64_t> now_ms_{kDec1};
  std::unique_ptr<store::Store> store_;
};

}  // namespace slipway::monitor::test
