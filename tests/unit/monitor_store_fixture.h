#pragma once
// What the monitor's store-backed suites share: each test runs on both dialects (a fresh SQLite
// file or a fresh PostgreSQL database), with a clock the test sets and small SQL helpers.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "monitor/monitor_schema.h"
#include "postgres_test_db.h"
#include "store/clock.h"
#include "store/store.h"
#include "store_backend_param.h"
#include "test_dir.h"

namespace slipway::monitor::test {

using slipway::test::Backend;
using slipway::test::backend_name;

// 2026-12-01 00:00:00 UTC: a multiple of every window, slot and step the tests use.
inline constexpr int64_t kDec1 = 1796083200000;
inline constexpr int64_t kMinute = 60'000;
inline constexpr int64_t kHour = 60 * kMinute;
inline constexpr int64_t kDay = 24 * kHour;

class MonitorStoreFixture : public ::testing::TestWithParam<Backend> {
 protected:
  // Where a suite keeps its stores: its folder under the test tmp dir, the SQLite file's name
  // there, and the prefix of its PostgreSQL databases.
  struct StorePlace {
    std::string folder;
    std::string sqlite_file;
    std::string postgres_prefix;
  };
  enum class Tables { Empty, Migrated };

  // A fresh store for this test on the parameter's dialect; `Empty` for recorders that migrate
  // on their own.
  void open_store(const StorePlace& place, Tables tables) {
    const auto dir = slipway::test::fresh_test_dir(place.folder, "work");
    location_ = GetParam() == Backend::Postgres
                    ? slipway::test::fresh_postgres_url(place.postgres_prefix)
                    : (dir / place.sqlite_file).string();
    store_ = store::Store::open(location_);
    if (tables == Tables::Migrated) migrate_monitor(*store_);
  }

  store::WallClock clock() {
    return [this] { return now_ms_.load(); };
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

  // Waits (real time) for a flush thread to reach `condition`; false after 10 seconds.
  static bool eventually(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return condition();
  }

  std::atomic<int64_t> now_ms_{kDec1};
  std::string location_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace slipway::monitor::test
