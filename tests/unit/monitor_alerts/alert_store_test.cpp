// The alert store on both dialects: firing, deduplication while active (also between replicas
// racing), resolving, listing and purging.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "alert_test_support.h"

namespace slipway::monitor::test {
namespace {

bool is_alert_id(const std::string& id) {
  if (id.size() != 22 || id.rfind("alert-", 0) != 0) return false;
  return id.find_first_not_of("0123456789abcdef", 6) == std::string::npos;
}

TEST_P(AlertStoreTest, FireCreatesAnActiveAlertWithItsEvidence) {
  const FireOutcome outcome = fire_alert(*store_, drift_firing(), kDec1);
  EXPECT_TRUE(outcome.created);
  const AlertRecord& alert = outcome.alert;
  EXPECT_TRUE(is_alert_id(alert.id)) << alert.id;
  EXPECT_EQ(alert.state, "active");
  EXPECT_EQ(alert.fired_ms, kDec1);
  EXPECT_EQ(alert.last_seen_ms, kDec1);
  EXPECT_FALSE(alert.resolved_ms.has_value());

  const auto read = get_alert(*store_, alert.id);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->rule, "drift");
  EXPECT_EQ(read->kind, "drift");
  EXPECT_EQ(read->severity, "warning");
  EXPECT_EQ(read->route, "support");
  EXPECT_EQ(read->version, "support/2");
  EXPECT_EQ(read->summary, "length PSI 0.15 above 0.1");
  EXPECT_EQ(read->evidence, drift_firing().evidence);
  EXPECT_EQ(read->action, "pause_rollout");
  EXPECT_EQ(read->action_result, "");
  EXPECT_FALSE(read->notified_fire);
  EXPECT_FALSE(read->notified_resolve);
  EXPECT_FALSE(get_alert(*store_, "alert-0000000000000000").has_value());
}

TEST_P(AlertStoreTest, FiringWhileActiveRefreshesTheSameAlert) {
  const AlertRecord first = fire_alert(*store_, drift_firing(), kDec1).alert;
  AlertFiring worse = drift_firing();
  worse.severity = "critical";
  worse.summary = "length PSI 0.31 above 0.2";
  worse.evidence = {{"psi", 0.31}};
  worse.action = "rollback";  // the action is the creator's: a refresh does not change it

  const FireOutcome again = fire_alert(*store_, worse, kDec1 + 5 * kMinute);
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.alert.id, first.id);
  EXPECT_EQ(again.alert.severity, "critical");
  EXPECT_EQ(again.alert.summary, "length PSI 0.31 above 0.2");
  EXPECT_EQ(again.alert.evidence, worse.evidence);
  EXPECT_EQ(again.alert.fired_ms, kDec1);
  EXPECT_EQ(again.alert.last_seen_ms, kDec1 + 5 * kMinute);
  EXPECT_EQ(again.alert.action, "pause_rollout");
  EXPECT_EQ(get_alert(*store_, first.id)->severity, "critical");
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_alerts"), 1);
}

TEST_P(AlertStoreTest, EachRuleRouteAndVersionHasItsOwnAlert) {
  std::set<std::string> ids;
  for (const AlertFiring& firing :
       {drift_firing(), drift_firing("drift-critical"), drift_firing("drift", "billing"),
        drift_firing("drift", "support", "support/3")}) {
    const FireOutcome outcome = fire_alert(*store_, firing, kDec1);
    EXPECT_TRUE(outcome.created);
    ids.insert(outcome.alert.id);
  }
  EXPECT_EQ(ids.size(), 4u);
}

TEST_P(AlertStoreTest, ResolvedAlertsStayAndAFreshFiringCreatesANewOne) {
  const AlertRecord first = fire_alert(*store_, drift_firing(), kDec1).alert;
  const auto resolved =
      resolve_alert(*store_, "drift", "support", "support/2", "condition cleared", kDec1 + kMinute);
  ASSERT_TRUE(resolved.has_value());
  EXPECT_EQ(resolved->id, first.id);
  EXPECT_EQ(resolved->state, "resolved");
  EXPECT_EQ(resolved->resolved_ms, kDec1 + kMinute);
  EXPECT_EQ(resolved->resolution, "condition cleared");
  // Only the caller that resolved it gets it.
  EXPECT_FALSE(resolve_alert(*store_, "drift", "support", "support/2", "again", kDec1 + 2 * kMinute)
                   .has_value());
  EXPECT_FALSE(
      resolve_alert(*store_, "quality", "support", "support/2", "none", kDec1).has_value());

  const FireOutcome second = fire_alert(*store_, drift_firing(), kDec1 + 3 * kMinute);
  EXPECT_TRUE(second.created);
  EXPECT_NE(second.alert.id, first.id);
  EXPECT_EQ(second.alert.fired_ms, kDec1 + 3 * kMinute);
  EXPECT_EQ(get_alert(*store_, first.id)->state, "resolved");
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_alerts"), 2);
}

TEST_P(AlertStoreTest, ResolveByIdOnlyResolvesAnActiveAlert) {
  const AlertRecord alert = fire_alert(*store_, drift_firing(), kDec1).alert;
  EXPECT_FALSE(resolve_alert_by_id(*store_, "alert-unknown", "by alice", kDec1).has_value());
  const auto resolved = resolve_alert_by_id(*store_, alert.id, "resolved by alice", kDec1 + 1);
  ASSERT_TRUE(resolved.has_value());
  EXPECT_EQ(resolved->resolution, "resolved by alice");
  EXPECT_EQ(resolved->resolved_ms, kDec1 + 1);
  EXPECT_FALSE(resolve_alert_by_id(*store_, alert.id, "again", kDec1 + 2).has_value());
  EXPECT_EQ(get_alert(*store_, alert.id)->resolution, "resolved by alice");
}

// Two replicas (two stores on one database) fire the same keys at the same moment.
TEST_P(AlertStoreTest, ConcurrentFiringsOfOneKeyCreateExactlyOneAlert) {
  auto replica = store::Store::open(location_);
  constexpr int kKeys = 8;
  std::atomic<int> ready{0};
  std::vector<FireOutcome> outcomes_a(kKeys), outcomes_b(kKeys);
  const auto run = [&](store::Store& store, std::vector<FireOutcome>& outcomes) {
    ++ready;
    while (ready.load() < 2) std::this_thread::yield();
    for (int key = 0; key < kKeys; ++key) {
      outcomes[key] =
          fire_alert(store, drift_firing("drift", "route-" + std::to_string(key)), kDec1);
    }
  };
  std::thread a([&] { run(*store_, outcomes_a); });
  std::thread b([&] { run(*replica, outcomes_b); });
  a.join();
  b.join();

  for (int key = 0; key < kKeys; ++key) {
    EXPECT_NE(outcomes_a[key].created, outcomes_b[key].created) << "key " << key;
    EXPECT_EQ(outcomes_a[key].alert.id, outcomes_b[key].alert.id) << "key " << key;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_alerts"), kKeys);
}

TEST_P(AlertStoreTest, ListFiltersAndOrdersNewestFirst) {
  const auto fire = [&](const std::string& rule, const std::string& kind, const std::string& route,
                        const std::string& version, int64_t at) {
    AlertFiring firing = drift_firing(rule, route, version);
    firing.kind = kind;
    return fire_alert(*store_, firing, at).alert.id;
  };
  const std::string a = fire("drift", "drift", "support", "support/1", kDec1);
  const std::string b = fire("quality", "quality", "support", "support/2", kDec1 + kMinute);
  const std::string c = fire("drift", "drift", "billing", "billing/1", kDec1 + 2 * kMinute);
  const std::string d = fire("drift", "drift", "support", "support/2", kDec1 + 3 * kMinute);
  ASSERT_TRUE(resolve_alert_by_id(*store_, a, "cleared", kDec1 + 4 * kMinute));

  const auto ids = [&](const AlertFilter& filter) {
    std::vector<std::string> out;
    for (const auto& alert : list_alerts(*store_, filter)) out.push_back(alert.id);
    return out;
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(ids({}), (Ids{d, c, b, a}));
  EXPECT_EQ(ids({.state = "active"}), (Ids{d, c, b}));
  EXPECT_EQ(ids({.state = "resolved"}), (Ids{a}));
  EXPECT_EQ(ids({.route = "support"}), (Ids{d, b, a}));
  EXPECT_EQ(ids({.version = "support/2"}), (Ids{d, b}));
  EXPECT_EQ(ids({.rule = "quality"}), (Ids{b}));
  EXPECT_EQ(ids({.kind = "drift"}), (Ids{d, c, a}));
  EXPECT_EQ(ids({.since_ms = kDec1 + 2 * kMinute}), (Ids{d, c}));
  EXPECT_EQ(ids({.limit = 2}), (Ids{d, c}));
  EXPECT_EQ(ids({.state = "active", .route = "support", .rule = "drift"}), (Ids{d}));
  EXPECT_TRUE(ids({.route = "nowhere"}).empty());

  EXPECT_THROW(list_alerts(*store_, {.state = "open"}), std::invalid_argument);
  EXPECT_THROW(list_alerts(*store_, {.limit = 0}), std::invalid_argument);
}

TEST_P(AlertStoreTest, ActionResultAndNotifiedFlagsAreStored) {
  const AlertRecord alert = fire_alert(*store_, drift_firing(), kDec1).alert;
  set_alert_action_result(*store_, alert.id, "paused rollout 3");
  mark_alert_notified(*store_, alert.id, false);
  AlertRecord read = *get_alert(*store_, alert.id);
  EXPECT_EQ(read.action_result, "paused rollout 3");
  EXPECT_TRUE(read.notified_fire);
  EXPECT_FALSE(read.notified_resolve);

  mark_alert_notified(*store_, alert.id, true);
  read = *get_alert(*store_, alert.id);
  EXPECT_TRUE(read.notified_fire);
  EXPECT_TRUE(read.notified_resolve);
  // A refresh keeps both.
  EXPECT_EQ(fire_alert(*store_, drift_firing(), kDec1 + 1).alert.action_result, "paused rollout 3");
}

TEST_P(AlertStoreTest, PurgeDeletesOnlyAlertsResolvedBeforeTheCutoff) {
  const std::string old_one = fire_alert(*store_, drift_firing("a"), kDec1).alert.id;
  const std::string recent = fire_alert(*store_, drift_firing("b"), kDec1).alert.id;
  const std::string active = fire_alert(*store_, drift_firing("c"), kDec1).alert.id;
  resolve_alert_by_id(*store_, old_one, "cleared", kDec1 + kMinute);
  resolve_alert_by_id(*store_, recent, "cleared", kDec1 + 10 * kMinute);

  EXPECT_EQ(purge_resolved_alerts(*store_, kDec1 + 5 * kMinute), 1);
  EXPECT_FALSE(get_alert(*store_, old_one).has_value());
  EXPECT_TRUE(get_alert(*store_, recent).has_value());
  EXPECT_TRUE(get_alert(*store_, active).has_value());
  EXPECT_EQ(purge_resolved_alerts(*store_, kDec1 + 5 * kMinute), 0);
}

TEST_P(AlertStoreTest, BadFiringsAreRefusedWithAReason) {
  AlertFiring bad = drift_firing();
  bad.severity = "info";
  try {
    fire_alert(*store_, bad, kDec1);
    FAIL() << "an unknown severity was stored";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("severity"), std::string::npos) << error.what();
  }
  bad = drift_firing("");
  EXPECT_THROW(fire_alert(*store_, bad, kDec1), std::invalid_argument);
  bad = drift_firing();
  bad.action = "reboot";
  EXPECT_THROW(fire_alert(*store_, bad, kDec1), std::invalid_argument);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_alerts"), 0);
}

TEST_P(AlertStoreTest, UnreadableEvidenceStillLists) {
  const AlertRecord alert = fire_alert(*store_, drift_firing(), kDec1).alert;
  store_->write([&](store::Transaction& tx) {
    tx.execute("UPDATE monitor_alerts SET evidence_json = ? WHERE id = ?",
               {std::string("{broken"), alert.id});
  });
  EXPECT_EQ(get_alert(*store_, alert.id)->evidence, (nlohmann::json{{"unparsable", "{broken"}}));
}

INSTANTIATE_TEST_SUITE_P(Stores, AlertStoreTest, slipway::test::kBothBackends, backend_name);

TEST(AlertJson, CarriesEveryFieldAndNullUntilResolved) {
  AlertRecord alert;
  alert.id = "alert-00000000000000ab";
  alert.rule = "drift";
  alert.kind = "drift";
  alert.severity = "critical";
  alert.route = "support";
  alert.version = "support/2";
  alert.state = "active";
  alert.summary = "s";
  alert.evidence = {{"psi", 0.3}};
  alert.fired_ms = 5;
  alert.last_seen_ms = 6;
  nlohmann::json json = alert_to_json(alert);
  EXPECT_EQ(json["id"], "alert-00000000000000ab");
  EXPECT_EQ(json["severity"], "critical");
  EXPECT_EQ(json["evidence"]["psi"], 0.3);
  EXPECT_EQ(json["action"], "none");
  EXPECT_EQ(json["fired_ms"], 5);
  EXPECT_EQ(json["last_seen_ms"], 6);
  EXPECT_TRUE(json["resolved_ms"].is_null());
  EXPECT_EQ(json["notified_fire"], false);

  alert.resolved_ms = 9;
  alert.resolution = "cleared";
  json = alert_to_json(alert);
  EXPECT_EQ(json["resolved_ms"], 9);
  EXPECT_EQ(json["resolution"], "cleared");
}

}  // namespace
}  // namespace slipway::monitor::test
