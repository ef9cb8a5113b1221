// Rollouts: start, read back, conditional transitions, and at most one active per route.
#include <gtest/gtest.h>

#include <latch>
#include <optional>
#include <thread>

#include "route_store_test_support.h"

namespace slipway::traffic::test {
namespace {

using Code = TrafficError::Code;

class RouteStoreRolloutTest : public RouteStoreTest {
 protected:
  void SetUp() override {
    RouteStoreTest::SetUp();
    routes_->create_route(route("support", "m/1"), "alice", "");
  }

  int64_t count(const std::string& table) {
    return store_->read([&](store::Transaction& tx) {
      return tx.query("SELECT COUNT(*) FROM " + table).front().integer(0);
    });
  }
};

TEST_P(RouteStoreRolloutTest, StartStoresTheRolloutAndChangesTheRouteTogether) {
  RolloutPlan plan;
  plan.steps = {{10, 60'000, 5}, {100, 120'000, 7}};
  plan.on_gate_fail = GateFailAction::Rollback;
  Rollout wanted = rollout("support", "", "m/2");  // the stable comes from the route
  wanted.plan = plan;
  now_ms_ = kDec1 + 1000;
  const Rollout started = routes_->start_rollout(
      wanted,
      [](Route& r) {
        r.canary = "m/2";
        r.canary_weight_bp = 1000;
        r.salt = "00112233aabbccdd";
      },
      event("rollout_started", "alice", "try m/2"));
  EXPECT_GT(started.id, 0);
  EXPECT_EQ(started.stable, "m/1");
  EXPECT_EQ(started.created_ms, kDec1 + 1000);
  EXPECT_EQ(started.updated_ms, kDec1 + 1000);
  EXPECT_EQ(started.step_started_ms, kDec1 + 1000);
  EXPECT_EQ(started.state, RolloutState::Running);

  const auto found = routes_->find_rollout(started.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->route, "support");
  EXPECT_EQ(found->canary, "m/2");
  EXPECT_EQ(found->salt, "00112233aabbccdd");
  EXPECT_EQ(found->actor, "alice");
  ASSERT_EQ(found->plan.steps.size(), 2u);
  EXPECT_DOUBLE_EQ(found->plan.steps[0].weight_percent, 10);
  EXPECT_EQ(found->plan.steps[0].min_duration_ms, 60'000);
  EXPECT_EQ(found->plan.steps[0].min_requests, 5);
  EXPECT_EQ(found->plan.steps[1].min_requests, 7);
  EXPECT_EQ(found->plan.on_gate_fail, GateFailAction::Rollback);
  EXPECT_EQ(plan_to_json(found->plan), plan_to_json(plan));

  const auto active = routes_->active_rollout("support");
  ASSERT_TRUE(active);
  EXPECT_EQ(active->id, started.id);
  const auto route_now = routes_->find_route("support");
  EXPECT_EQ(route_now->canary, "m/2");
  EXPECT_EQ(route_now->canary_weight_bp, 1000);
  EXPECT_EQ(route_now->generation, 2);

  const auto events = routes_->events("support", started.id);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "rollout_started");
  EXPECT_EQ(events[0].rollout_id, started.id);
  EXPECT_EQ(events[0].reason, "try m/2");
}

TEST_P(RouteStoreRolloutTest, StartRefusals) {
  expect_traffic_error([&] { start("ghost", "m/1", "m/2"); }, Code::NotFound, {"ghost"});
  expect_traffic_error([&] { start("support", "m/1", "m@canary"); }, Code::Invalid, {"canary"});
  expect_traffic_error([&] { start("support", "m/1", "m/1"); }, Code::Invalid, {"stable version"});
  const Rollout first = start("support", "m/1", "m/2");
  const int64_t generation = routes_->find_route("support")->generation;
  expect_traffic_error([&] { start("support", "m/1", "m/3"); }, Code::Conflict,
                       {"support", "already has a rollout", "m/2"});
  EXPECT_EQ(routes_->find_route("support")->canary, "m/2");
  EXPECT_EQ(routes_->find_route("support")->generation, generation);
  EXPECT_EQ(count("traffic_rollouts"), 1);
  EXPECT_EQ(routes_->active_rollout("support")->id, first.id);
}

TEST_P(RouteStoreRolloutTest, TransitionsApplyOnlyFromTheStateTheyWereDecidedFrom) {
  const Rollout started = start("support", "m/1", "m/2");
  now_ms_ = kDec1 + 60'000;
  Rollout advanced = started;
  advanced.step = 1;
  advanced.step_started_ms = kDec1 + 60'000;
  const auto done = routes_->transition(
      started, advanced, [](Route& r) { r.canary_weight_bp = 2000; },
      event("step_advanced", "controller"));
  ASSERT_TRUE(done);
  EXPECT_EQ(done->rollout.step, 1);
  EXPECT_EQ(done->rollout.id, started.id);
  EXPECT_EQ(done->rollout.updated_ms, kDec1 + 60'000);
  EXPECT_EQ(done->route.canary_weight_bp, 2000);
  EXPECT_EQ(done->route.generation, 3);

  // A second replica decided the same advance from the old state: nothing is written.
  Rollout twice = started;
  twice.step = 1;
  EXPECT_FALSE(routes_->transition(
      started, twice, [](Route& r) { r.canary_weight_bp = 9000; }, event("step_advanced")));
  const auto route_now = routes_->find_route("support");
  EXPECT_EQ(route_now->canary_weight_bp, 2000);
  EXPECT_EQ(route_now->generation, 3);
  EXPECT_EQ(routes_->events("support", started.id).size(), 2u);

  // Same state and step but an older updated_ms is stale too; without a route change the
  // route is returned as it is.
  Rollout paused = done->rollout;
  paused.state = RolloutState::Paused;
  paused.reason = "gate missed";
  Rollout old = done->rollout;
  old.updated_ms -= 1;
  EXPECT_FALSE(routes_->transition(old, paused, {}, event("paused")));
  const auto paused_done = routes_->transition(done->rollout, paused, {}, event("paused"));
  ASSERT_TRUE(paused_done);
  EXPECT_EQ(paused_done->route.generation, 3);
  EXPECT_EQ(routes_->find_rollout(started.id)->state, RolloutState::Paused);
  EXPECT_EQ(routes_->find_rollout(started.id)->reason, "gate missed");
  // The clock did not move, yet the new state is distinguishable from the one it replaced.
  EXPECT_GT(paused_done->rollout.updated_ms, done->rollout.updated_ms);
  EXPECT_TRUE(routes_->active_rollout("support"));
}

TEST_P(RouteStoreRolloutTest, CompletingMakesTheCanaryStableAndEndsTheRollout) {
  const Rollout started = start("support", "m/1", "m/2");
  now_ms_ = kDec1 + 1000;
  Rollout completed = started;
  completed.state = RolloutState::Completed;
  const auto done = routes_->transition(
      started, completed,
      [](Route& r) {
        r.stable = r.canary;
        r.canary.clear();
        r.canary_weight_bp = 0;
      },
      event("completed", "controller", "all gates passed"));
  ASSERT_TRUE(done);
  EXPECT_EQ(done->route.stable, "m/2");
  EXPECT_FALSE(routes_->active_rollout("support"));
  EXPECT_TRUE(routes_->active_rollouts().empty());
  const auto history = routes_->stable_history("support");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].version, "m/2");
  EXPECT_EQ(history[0].previous, "m/1");
  EXPECT_EQ(history[0].actor, "controller");

  // The next rollout may start now; rollouts() lists newest first.
  const Rollout second = start("support", "m/2", "m/3");
  const auto all = routes_->rollouts("support");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, second.id);
  EXPECT_EQ(all[1].id, started.id);
  EXPECT_EQ(all[1].state, RolloutState::Completed);
  EXPECT_EQ(routes_->rollouts("support", 1).size(), 1u);
  expect_traffic_error([&] { routes_->transition(Rollout{}, second, {}, event("x")); },
                       Code::NotFound, {"Rollout 0"});
}

TEST_P(RouteStoreRolloutTest, ActiveRolloutsAcrossRoutes) {
  routes_->create_route(route("billing", "b/1"), "alice", "");
  routes_->create_route(route("search", "s/1"), "alice", "");
  const Rollout a = start("support", "m/1", "m/2");
  const Rollout b = start("billing", "b/1", "b/2");
  const auto active = routes_->active_rollouts();
  ASSERT_EQ(active.size(), 2u);
  EXPECT_EQ(active[0].id, b.id);
  EXPECT_EQ(active[1].id, a.id);
  EXPECT_FALSE(routes_->active_rollout("search"));
}

TEST_P(RouteStoreRolloutTest, TheDatabaseRefusesASecondActiveRollout) {
  const Rollout first = start("support", "m/1", "m/2");
  try {
    store_->write([&](store::Transaction& tx) {
      tx.execute(
          "INSERT INTO traffic_rollouts (route, stable, canary, plan, salt, state, step, "
          "step_started_ms, reason, actor, created_ms, updated_ms) "
          "VALUES ('support', 'm/1', 'm/3', '{}', 's', 'paused', 0, 0, '', '', 0, 0)");
    });
    ADD_FAILURE() << "a second active rollout was stored";
  } catch (const store::StoreError& e) {
    EXPECT_EQ(e.kind(), store::StoreError::Kind::Unique) << e.what();
  }
  // Ended rollouts do not count.
  store_->write([&](store::Transaction& tx) {
    tx.execute(
        "INSERT INTO traffic_rollouts (route, stable, canary, plan, salt, state, step, "
        "step_started_ms, reason, actor, created_ms, updated_ms) "
        "VALUES ('support', 'm/1', 'm/3', '{}', 's', 'aborted', 0, 0, '', '', 0, 0)");
  });
  EXPECT_EQ(routes_->active_rollout("support")->id, first.id);
}

TEST_P(RouteStoreRolloutTest, TwoConcurrentStartsExactlyOneWins) {
  // A second RouteStore on its own connection pool, as another replica would have.
  store::StoreOptions options;
  options.poll_interval = std::chrono::milliseconds(20);
  auto other_store = store::Store::open(location_, options);
  RouteStore other(*other_store, [this] { return now_ms_.load(); });

  for (int round = 0; round < 5; ++round) {
    std::latch go(2);
    std::optional<Rollout> won[2];
    std::optional<TrafficError::Code> lost[2];
    auto attempt = [&](int who, RouteStore& routes, const std::string& canary) {
      go.arrive_and_wait();
      try {
        Rollout r = rollout("support", "", canary);
        won[who] = routes.start_rollout(
            r,
            [&](Route& changed) {
              changed.canary = canary;
              changed.canary_weight_bp = 500;
            },
            event("rollout_started"));
      } catch (const TrafficError& e) {
        lost[who] = e.code();
      }
    };
    std::thread first([&] { attempt(0, *routes_, "m/2"); });
    std::thread second([&] { attempt(1, other, "m/3"); });
    first.join();
    second.join();

    ASSERT_EQ(won[0].has_value() + won[1].has_value(), 1) << "round " << round;
    const int loser = won[0] ? 1 : 0;
    ASSERT_TRUE(lost[loser]) << "round " << round;
    EXPECT_EQ(*lost[loser], Code::Conflict);
    const Rollout winner = won[0] ? *won[0] : *won[1];
    EXPECT_EQ(routes_->active_rollout("support")->id, winner.id);
    EXPECT_EQ(routes_->find_route("support")->canary, winner.canary);

    ASSERT_TRUE(abort(winner));
  }
  EXPECT_EQ(count("traffic_rollouts"), 5);
}

INSTANTIATE_TEST_SUITE_P(Backends, RouteStoreRolloutTest, slipway::test::kBothBackends,
                         backend_name);

}  // namespace
}  // namespace slipway::traffic::test
