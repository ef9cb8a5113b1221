// Routes, rollouts and events as JSON, rollout state names, and route names.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "traffic/route.h"
#include "traffic/traffic_error.h"

namespace slipway::traffic::test {
namespace {

constexpr int64_t kNoon = 1'796'126'400'000;  // 2026-12-01T12:00:00Z

TEST(RouteJson, FieldsInSnakeCaseWithPercentAndTimes) {
  Route route;
  route.name = "customer-support";
  route.stable = "support/3";
  route.canary = "support/4";
  route.canary_weight_bp = 1'234;
  route.salt = "00ff00ff00ff00ff";
  route.shadows = {"support/5"};
  route.generation = 7;
  route.created_ms = kNoon;
  route.updated_ms = kNoon + 1'500;
  const Json json = route_to_json(route);
  EXPECT_EQ(json["name"], "customer-support");
  EXPECT_EQ(json["stable"], "support/3");
  EXPECT_EQ(json["canary"], "support/4");
  EXPECT_DOUBLE_EQ(json["canary_weight_percent"].get<double>(), 12.34);
  EXPECT_EQ(json["shadows"], Json({"support/5"}));
  EXPECT_TRUE(json["fallback"].is_null());
  EXPECT_EQ(json["generation"], 7);
  EXPECT_EQ(json["created_ms"], kNoon);
  EXPECT_EQ(json["created"], "2026-12-01T12:00:00Z");
  EXPECT_EQ(json["updated"], "2026-12-01T12:00:01.500Z");

  Route plain;
  plain.name = "r";
  plain.stable = "m/1";
  const Json bare = route_to_json(plain);
  EXPECT_TRUE(bare["canary"].is_null());
  EXPECT_EQ(bare["canary_weight_percent"], 0);
  EXPECT_EQ(bare["shadows"], Json::array());
  EXPECT_EQ(bare["created"], "1970-01-01T00:00:00Z");
}

TEST(RouteJson, RolloutsCarryTheirPlanStateAndWindow) {
  Rollout rollout;
  rollout.id = 3;
  rollout.route = "cs";
  rollout.stable = "support/1";
  rollout.canary = "support/2";
  rollout.plan = default_rollout_plan();
  rollout.state = RolloutState::RolledBack;
  rollout.step = 2;
  rollout.step_started_ms = kNoon;
  rollout.reason = "error_rate missed";
  rollout.actor = "ana";
  const Json json = rollout_to_json(rollout);
  EXPECT_EQ(json["id"], 3);
  EXPECT_EQ(json["state"], "rolled_back");
  EXPECT_EQ(json["step"], 2);
  EXPECT_EQ(json["plan"], plan_to_json(rollout.plan));
  EXPECT_EQ(json["step_started_ms"], kNoon);
  EXPECT_EQ(json["step_started"], "2026-12-01T12:00:00Z");
  EXPECT_EQ(json["reason"], "error_rate missed");
  EXPECT_EQ(json["actor"], "ana");
}

TEST(RouteJson, Events) {
  TrafficEvent event;
  event.id = 9;
  event.route = "cs";
  event.kind = "route_created";
  event.actor = "ana";
  event.detail = {{"stable", "support/1"}};
  event.at_ms = kNoon - 1;
  Json json = event_to_json(event);
  EXPECT_TRUE(json["rollout_id"].is_null());
  EXPECT_EQ(json["kind"], "route_created");
  EXPECT_EQ(json["detail"]["stable"], "support/1");
  EXPECT_EQ(json["at"], "2026-12-01T11:59:59.999Z");
  EXPECT_EQ(json["at_ms"], kNoon - 1);
  event.rollout_id = 4;
  EXPECT_EQ(event_to_json(event)["rollout_id"], 4);
}

TEST(RolloutStates, NamesRoundTripAndUnknownIsRefused) {
  for (const RolloutState state :
       {RolloutState::Running, RolloutState::Paused, RolloutState::Completed, RolloutState::Aborted,
        RolloutState::RolledBack})
    EXPECT_EQ(rollout_state_from_string(to_string(state)), state);
  EXPECT_EQ(to_string(RolloutState::RolledBack), "rolled_back");
  EXPECT_EQ(to_string(RolloutState::Running), "running");
  try {
    rollout_state_from_string("Running");
    ADD_FAILURE() << "accepted";
  } catch (const TrafficError& e) {
    EXPECT_EQ(e.code(), TrafficError::Code::Invalid);
    EXPECT_NE(std::string(e.what()).find("\"Running\""), std::string::npos) << e.what();
  }
  EXPECT_TRUE(is_active(RolloutState::Paused));
  EXPECT_FALSE(is_active(RolloutState::Completed));
}

TEST(RouteNames, FollowModelNames) {
  for (const std::string& good : std::vector<std::string>{"customer-support", "a", "A9",
                                                          "v1.2_beta-3", std::string(128, 'x')})
    EXPECT_TRUE(valid_route_name(good)) << good;
  for (const std::string& bad :
       std::vector<std::string>{"", "-lead", ".hidden", "_x", "has space", "slash/name", "ünï",
                                "semi;colon", std::string(129, 'x')})
    EXPECT_FALSE(valid_route_name(bad)) << bad;
}

}  // namespace
}  // namespace slipway::traffic::test
