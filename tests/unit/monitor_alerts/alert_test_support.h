#pragma once
// Alert store tests run against both dialects: a fresh SQLite file or a fresh PostgreSQL
// database per test, migrated to the monitor's schema.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "monitor/alerts/alert_store.h"
#include "monitor/monitor_schema.h"
#include "postgres_test_db.h"
#include "store/store.h"
#include "store_backend_param.h"
#include "test_dir.h"

namespace slipway::monitor::test {

using slipway::test::Backend;
using slipway::test::backend_name;

inline constexpr int64_t kDec1 = 1796083200000;  // 2026-12-01 00:00:00 UTC
inline constexpr int64_t kMinute = 60'000;

// A drift finding on support/2's canary, as the evaluator would fire it.
inline AlertFiring drift_firing(const std::string& rule = "drift",
                                const std::string& route = "support",
                                const std::string& version = "support/2") {
  AlertFiring firing;
  firing.rule = rule;
  firing.kind = "drift";
  firing.severity = "warning";
  firing.route = route;
  firing.version = version;
  firing.summary = "length PSI 0.15 above 0.1";
  firing.evidence = {{"check", "length_psi"}, {"psi", 0.15}, {"threshold", 0.1}};
  firing.action = "pause_rollout";
  return firing;
}

class AlertStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    const auto dir = slipway::test::fresh_test_dir("monitor_alerts", "work");
    location_ = GetParam() == Backend::Postgres ? slipway::test::fresh_postgres_url("malert")
                                                : (dir / "alerts.db").string();
    store_ = store::Store::open(location_);
    migrate_monitor(*store_);
  }

  int64_t count(const std::string& sql) {
    return store_->read([&](store::Transaction& tx) { return tx.query(sql).front().integer(0); });
  }

  std::string location_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace slipway::monitor::test
