// Routes: create, read, change (generation, stable history), delete, and what is refused.
#include <gtest/gtest.h>

#include "route_store_test_support.h"

namespace slipway::traffic::test {
namespace {

using Code = TrafficError::Code;

TEST_P(RouteStoreTest, CreateFindAndListRoutes) {
  Route support = route("support", "support-model/1");
  support.shadows = {"support-model/2", "other/7"};
  support.fallback = "tiny/1";
  support.generation = 42;  // the store owns generations and times
  const Route created = routes_->create_route(support, "alice", "launch");
  EXPECT_EQ(created.generation, 1);
  EXPECT_EQ(created.created_ms, kDec1);
  EXPECT_EQ(created.updated_ms, kDec1);

  now_ms_ = kDec1 + 1000;
  routes_->create_route(route("billing", "billing/3"), "bob", "");

  const auto found = routes_->find_route("support");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->stable, "support-model/1");
  EXPECT_EQ(found->canary, "");
  EXPECT_EQ(found->shadows, (std::vector<std::string>{"support-model/2", "other/7"}));
  EXPECT_EQ(found->fallback, "tiny/1");
  EXPECT_EQ(found->generation, 1);
  EXPECT_EQ(found->created_ms, kDec1);
  EXPECT_FALSE(routes_->find_route("nope"));

  const auto all = routes_->list_routes();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "billing");
  EXPECT_EQ(all[1].name, "support");

  const auto history = routes_->stable_history("support");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].seq, 1);
  EXPECT_EQ(history[0].version, "support-model/1");
  EXPECT_EQ(history[0].previous, "");
  EXPECT_EQ(history[0].actor, "alice");
  EXPECT_EQ(history[0].reason, "launch");

  const auto events = routes_->events("support");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "route_created");
  EXPECT_EQ(events[0].actor, "alice");
  EXPECT_EQ(events[0].at_ms, kDec1);
}

TEST_P(RouteStoreTest, CreatingAnExistingRouteIsAConflict) {
  routes_->create_route(route("support", "m/1"), "alice", "");
  expect_traffic_error([&] { routes_->create_route(route("support", "m/2"), "bob", ""); },
                       Code::Conflict, {"support", "exists"});
  EXPECT_EQ(routes_->find_route("support")->stable, "m/1");
  EXPECT_EQ(routes_->events("support").size(), 1u);
}

TEST_P(RouteStoreTest, UpdatesBumpTheGenerationAndRecordStableChanges) {
  routes_->create_route(route("support", "m/1"), "alice", "launch");
  now_ms_ = kDec1 + 5000;
  Route updated = routes_->update_route(
      "support", [](Route& r) { r.shadows = {"m/9"}; }, event("route_updated", "bob", "shadow"));
  EXPECT_EQ(updated.generation, 2);
  EXPECT_EQ(updated.updated_ms, kDec1 + 5000);
  EXPECT_EQ(updated.created_ms, kDec1);
  EXPECT_EQ(routes_->stable_history("support").size(), 1u);  // the stable did not change

  now_ms_ = kDec1 + 9000;
  updated = routes_->update_route(
      "support", [](Route& r) { r.stable = "m/2"; }, event("route_updated", "carol", "better"));
  EXPECT_EQ(updated.generation, 3);
  now_ms_ = kDec1 + 12000;
  routes_->update_route(
      "support", [](Route& r) { r.stable = "m/3"; }, event("route_updated", "dave", "best"));

  const auto stored = routes_->find_route("support");
  EXPECT_EQ(stored->generation, 4);
  EXPECT_EQ(stored->stable, "m/3");
  EXPECT_EQ(stored->shadows, std::vector<std::string>{"m/9"});

  const auto history = routes_->stable_history("support");
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].seq, 3);
  EXPECT_EQ(history[0].version, "m/3");
  EXPECT_EQ(history[0].previous, "m/2");
  EXPECT_EQ(history[0].actor, "dave");
  EXPECT_EQ(history[0].at_ms, kDec1 + 12000);
  EXPECT_EQ(history[1].version, "m/2");
  EXPECT_EQ(history[1].previous, "m/1");
  EXPECT_EQ(history[1].reason, "better");
  EXPECT_EQ(history[2].version, "m/1");
  EXPECT_EQ(routes_->stable_history("support", 1).size(), 1u);

  const auto events = routes_->events("support");
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].route, "support");
  EXPECT_EQ(events[0].actor, "dave");
  EXPECT_EQ(events[0].at_ms, kDec1 + 12000);
}

TEST_P(RouteStoreTest, UpdateRefusalsWriteNothing) {
  expect_traffic_error(
      [&] {
        routes_->update_route(
            "ghost", [](Route&) {}, event("route_updated"));
      },
      Code::NotFound, {"ghost"});

  routes_->create_route(route("support", "m/1"), "alice", "");
  expect_traffic_error(
      [&] {
        routes_->update_route(
            "support", [](Route& r) { r.stable = "m@production"; }, event("route_updated"));
      },
      Code::Invalid, {"stable", "m@production"});
  expect_traffic_error(
      [&] {
        routes_->update_route(
            "support", [](Route& r) { r.name = "other"; }, event("route_updated"));
      },
      Code::Invalid, {"renamed"});
  expect_traffic_error(
      [&] {
        routes_->update_route(
            "support",
            [](Route&) { throw TrafficError(Code::Invalid, "the change refused itself"); },
            event("route_updated"));
      },
      Code::Invalid, {"refused itself"});

  const auto stored = routes_->find_route("support");
  EXPECT_EQ(stored->generation, 1);
  EXPECT_EQ(stored->stable, "m/1");
  EXPECT_EQ(routes_->events("support").size(), 1u);
  EXPECT_EQ(routes_->stable_history("support").size(), 1u);
}

TEST_P(RouteStoreTest, BadNamesAndVersionsAreInvalid) {
  for (const std::string& name :
       std::vector<std::string>{"", "-lead", "has space", "a/b", std::string(129, 'x')}) {
    expect_traffic_error([&] { routes_->create_route(route(name, "m/1"), "a", ""); }, Code::Invalid,
                         {"route name"});
  }
  for (const std::string& ref :
       std::vector<std::string>{"m", "m@production", "m/my-label", "m/03", "", "bad name/1"}) {
    expect_traffic_error([&] { routes_->create_route(route("r", ref), "a", ""); }, Code::Invalid,
                         {"stable"});
  }
  Route shadowed = route("r", "m/1");
  shadowed.shadows = {"m/2", "m"};
  expect_traffic_error([&] { routes_->create_route(shadowed, "a", ""); }, Code::Invalid,
                       {"shadows"});
  Route fallback = route("r", "m/1");
  fallback.fallback = "m@stable";
  expect_traffic_error([&] { routes_->create_route(fallback, "a", ""); }, Code::Invalid,
                       {"fallback"});
  Route same = route("r", "m/1");
  same.canary = "m/1";
  same.canary_weight_bp = 100;
  expect_traffic_error([&] { routes_->create_route(same, "a", ""); }, Code::Invalid,
                       {"stable version"});
  Route heavy = route("r", "m/1");
  heavy.canary = "m/2";
  heavy.canary_weight_bp = 10'001;
  expect_traffic_error([&] { routes_->create_route(heavy, "a", ""); }, Code::Invalid,
                       {"between 0 and 100"});
  Route weightless = route("r", "m/1");
  weightless.canary_weight_bp = 500;
  expect_traffic_error([&] { routes_->create_route(weightless, "a", ""); }, Code::Invalid,
                       {"canary"});
  EXPECT_TRUE(routes_->list_routes().empty());

  Route fine = route("r.v-2_x", "m.x-y_z/12");
  fine.canary = "m.x-y_z/13";
  fine.canary_weight_bp = 10'000;
  EXPECT_EQ(routes_->create_route(fine, "a", "").canary_weight_bp, 10'000);
}

TEST_P(RouteStoreTest, DeleteRefusesMissingRoutesAndActiveRollouts) {
  expect_traffic_error([&] { routes_->delete_route("ghost", "a", ""); }, Code::NotFound, {"ghost"});

  routes_->create_route(route("support", "m/1"), "alice", "");
  routes_->update_route(
      "support", [](Route& r) { r.stable = "m/2"; }, event("route_updated"));
  const Rollout active = start("support", "m/2", "m/3");
  expect_traffic_error([&] { routes_->delete_route("support", "bob", ""); }, Code::Conflict,
                       {"support", "rollout"});
  EXPECT_TRUE(routes_->find_route("support"));

  ASSERT_TRUE(abort(active));
  routes_->delete_route("support", "bob", "retired");
  EXPECT_FALSE(routes_->find_route("support"));
  EXPECT_TRUE(routes_->list_routes().empty());
  const auto events = routes_->events("support");
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].kind, "route_deleted");
  EXPECT_EQ(events[0].reason, "retired");

  // A route created again under the name starts its own stable history.
  routes_->create_route(route("support", "m/5"), "carol", "");
  const auto history = routes_->stable_history("support");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].version, "m/5");
  EXPECT_EQ(history[0].previous, "");
}

TEST_P(RouteStoreTest, ChangesSurviveReopening) {
  Route support = route("support", "m/1");
  support.shadows = {"m/4"};
  routes_->create_route(support, "alice", "launch");
  routes_->update_route(
      "support", [](Route& r) { r.stable = "m/2"; }, event("route_updated", "bob"));
  const Rollout started = start("support", "m/2", "m/3");

  open();
  const auto stored = routes_->find_route("support");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->stable, "m/2");
  EXPECT_EQ(stored->canary, "m/3");
  EXPECT_EQ(stored->canary_weight_bp, 500);
  EXPECT_EQ(stored->salt, started.salt);
  EXPECT_EQ(stored->shadows, std::vector<std::string>{"m/4"});
  EXPECT_EQ(stored->generation, 3);
  EXPECT_EQ(routes_->stable_history("support").size(), 2u);
  const auto active = routes_->active_rollout("support");
  ASSERT_TRUE(active);
  EXPECT_EQ(active->id, started.id);
  EXPECT_EQ(active->plan.steps.size(), started.plan.steps.size());
  EXPECT_EQ(routes_->events("support").size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Backends, RouteStoreTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::traffic::test
