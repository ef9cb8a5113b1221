// The audit trail and change notifications.
#include <gtest/gtest.h>

#include <algorithm>

#include "notification_inbox.h"
#include "route_store_test_support.h"

namespace slipway::traffic::test {
namespace {

using Code = TrafficError::Code;

class RouteStoreEventTest : public RouteStoreTest {};

TEST_P(RouteStoreEventTest, EventsAreNewestFirstAndFilterByRollout) {
  routes_->create_route(route("support", "m/1"), "alice", "");
  routes_->create_route(route("billing", "b/1"), "alice", "");
  now_ms_ = kDec1 + 100;
  const Rollout started = start("support", "m/1", "m/2");

  TrafficEvent shadow = event("shadow_failed", "shadow", "timeout");
  shadow.route = "support";
  shadow.detail = {{"version", "m/9"}, {"status", 504}, {"nested", {{"a", {1, 2}}}}};
  now_ms_ = kDec1 + 200;
  routes_->record_event(shadow);

  TrafficEvent gate = event("gate_missed", "controller");
  gate.route = "support";
  gate.rollout_id = started.id;
  gate.detail = {{"gate", "p95_latency"}};
  now_ms_ = kDec1 + 300;
  routes_->record_event(gate);

  const auto all = routes_->events("support");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].kind, "gate_missed");
  EXPECT_EQ(all[1].kind, "shadow_failed");
  EXPECT_EQ(all[2].kind, "rollout_started");
  EXPECT_EQ(all[3].kind, "route_created");
  EXPECT_GT(all[0].id, all[1].id);
  EXPECT_EQ(all[0].at_ms, kDec1 + 300);
  EXPECT_EQ(all[1].detail, shadow.detail);
  EXPECT_EQ(all[1].detail["nested"]["a"][1], 2);
  EXPECT_EQ(all[1].rollout_id, 0);
  EXPECT_EQ(all[1].reason, "timeout");

  const auto of_rollout = routes_->events("support", started.id);
  ASSERT_EQ(of_rollout.size(), 2u);
  EXPECT_EQ(of_rollout[0].kind, "gate_missed");
  EXPECT_EQ(of_rollout[1].kind, "rollout_started");
  EXPECT_EQ(routes_->events("support", 0, 2).size(), 2u);
  EXPECT_EQ(routes_->events("support", 0, 2)[0].kind, "gate_missed");
  EXPECT_TRUE(routes_->events("support", 0, 0).empty());
  EXPECT_EQ(routes_->events("billing").size(), 1u);
  EXPECT_TRUE(routes_->events("nothing").empty());
}

TEST_P(RouteStoreEventTest, RouteChangesDuringARolloutJoinItsTrail) {
  routes_->create_route(route("support", "m/1"), "alice", "");
  const Rollout started = start("support", "m/1", "m/2");
  routes_->update_route(
      "support", [](Route& r) { r.shadows = {"m/7"}; }, event("route_updated"));
  const auto trail = routes_->events("support", started.id);
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[0].kind, "route_updated");
}

TEST_P(RouteStoreEventTest, RecordEventNeedsARouteName) {
  TrafficEvent nameless = event("shadow_failed");
  expect_traffic_error([&] { routes_->record_event(nameless); }, Code::Invalid, {"route name"});
  EXPECT_TRUE(routes_->events("").empty());
}

TEST_P(RouteStoreEventTest, EveryChangeNotifiesWithTheRouteName) {
  slipway::test::Inbox inbox;
  auto subscription = routes_->on_change(inbox.callback());
  // A second process on the same database hears it too.
  auto other_store = store::Store::open(location_, [] {
    store::StoreOptions options;
    options.poll_interval = std::chrono::milliseconds(20);
    return options;
  }());
  RouteStore other(*other_store);
  slipway::test::Inbox other_inbox;
  auto other_subscription = other.on_change(other_inbox.callback());

  routes_->create_route(route("support", "m/1"), "alice", "");
  routes_->create_route(route("billing", "b/1"), "alice", "");
  routes_->update_route(
      "support", [](Route& r) { r.stable = "m/2"; }, event("route_updated"));
  const Rollout started = start("billing", "b/1", "b/2");
  Rollout paused = started;
  paused.state = RolloutState::Paused;
  ASSERT_TRUE(routes_->transition(started, paused, {}, event("paused")));
  TrafficEvent note = event("shadow_failed");
  note.route = "support";
  routes_->record_event(note);
  routes_->delete_route("support", "alice", "");

  // Refusals change nothing and so notify nothing: the next notice is the next change's.
  expect_traffic_error([&] { routes_->delete_route("billing", "alice", ""); }, Code::Conflict);
  routes_->create_route(route("zeta", "z/1"), "alice", "");

  const std::vector<std::string> expected = {"support", "billing", "support", "billing",
                                             "billing", "support", "support", "zeta"};
  EXPECT_EQ(inbox.wait_for(expected.size()), expected);
  EXPECT_EQ(other_inbox.wait_for(expected.size()), expected);
}

INSTANTIATE_TEST_SUITE_P(Backends, RouteStoreEventTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::traffic::test
