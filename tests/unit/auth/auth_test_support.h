#pragma once
// What the auth suites share: a store on either dialect (a fresh SQLite file or a fresh
// PostgreSQL database per test), a clock the test sets, and waiting for another thread.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "auth/key_store.h"
#include "postgres_test_db.h"
#include "store/clock.h"
#include "store/store.h"
#include "store_backend_param.h"
#include "test_dir.h"

namespace slipway::auth::test {

using slipway::test::Backend;
using slipway::test::backend_name;

// 2026-12-01 00:00:00 UTC.
inline constexpr int64_t kDec1 = 1796083200000;
inline constexpr int64_t kMinute = 60'000;
inline constexpr int64_t kHour = 60 * kMinute;

class AuthStoreFixture : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    const auto dir = slipway::test::fresh_test_dir("auth", "work");
    location_ = GetParam() == Backend::Postgres ? slipway::test::fresh_postgres_url("auth")
                                                : (dir / "auth.db").string();
    store_ = store::Store::open(location_, fast_notifications());
    keys_ = std::make_shared<KeyStore>(*store_, clock());
  }

  // SQLite notifications are polled: poll often so waits end quickly.
  static store::StoreOptions fast_notifications() {
    store::StoreOptions options;
    options.poll_interval = std::chrono::milliseconds(20);
    return options;
  }

  store::WallClock clock() {
    return [this] { return now_ms_.load(); };
  }

  static KeyRequest request(const std::string& name, Scopes scopes = kAllScopes) {
    KeyRequest request;
    request.name = name;
    request.scopes = scopes;
    return request;
  }

  int64_t count(const std::string& sql) {
    return store_->read([&](store::Transaction& tx) { return tx.query(sql).front().integer(0); });
  }

  // Waits (real time) for another thread to reach `condition`; false after 10 seconds.
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
  std::shared_ptr<KeyStore> keys_;
};

}  // namespace slipway::auth::test
