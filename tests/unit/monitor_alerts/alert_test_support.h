#pragma once
// Alert store tests run against both dialects: a fresh SQLite file or a fresh PostgreSQL
// database per test, migrated to the monitor's schema.
#include <string>

#include "monitor/alerts/alert_store.h"
#include "monitor_store_fixture.h"

namespace slipway::monitor::test {

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

class AlertStoreTest : public MonitorStoreFixture {
 protected:
  void SetUp() override { open_store({"monitor_alerts", "alerts.db", "malert"}, Tables::Migrated); }
};

}  // namespace slipway::monitor::test
