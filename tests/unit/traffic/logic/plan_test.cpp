// Rollout plans as JSON: the defaults, a round trip, durations, and every refusal.
#include <gtest/gtest.h>

#include <string>

#include "traffic/route.h"
#include "traffic/traffic_error.h"

namespace slipway::traffic::test {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kDay = 24 * 60 * kMinute;

std::vector<double> weights(const RolloutPlan& plan) {
  std::vector<double> out;
  for (const RolloutStep& step : plan.steps) out.push_back(step.weight_percent);
  return out;
}

// Runs `body` expecting TrafficError(Invalid) whose message contains `part`.
template <class Body>
void expect_invalid(Body&& body, const std::string& part) {
  try {
    body();
    ADD_FAILURE() << "accepted; expected an error naming " << part;
  } catch (const TrafficError& e) {
    EXPECT_EQ(e.code(), TrafficError::Code::Invalid) << e.what();
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
        << "\"" << part << "\" not in: " << e.what();
  }
}

void expect_plan_refused(const Json& body, const std::string& part) {
  expect_invalid([&] { plan_from_json(body); }, part);
}

TEST(RolloutPlan, Defaults) {
  for (const RolloutPlan& plan :
       {default_rollout_plan(), plan_from_json(Json::object()), plan_from_json(nullptr)}) {
    EXPECT_EQ(weights(plan), (std::vector<double>{5, 20, 50, 100}));
    for (const RolloutStep& step : plan.steps) {
      EXPECT_EQ(step.min_duration_ms, 10 * kMinute);
      EXPECT_EQ(step.min_requests, 100);
    }
    EXPECT_EQ(plan.on_gate_fail, GateFailAction::Pause);
    EXPECT_EQ(plan.gates, Json::object());
    EXPECT_NO_THROW(validate_plan(plan));
  }
}

TEST(RolloutPlan, TopLevelValuesApplyToStepsWithoutTheirOwn) {
  const RolloutPlan plan = plan_from_json(
      {{"steps",
        {1, {{"weight", 10}, {"min_duration", "2h"}}, {{"weight", 100}, {"min_requests", 0}}}},
       {"min_duration", "1d"},
       {"min_requests", 500},
       {"on_gate_fail", "rollback"}});
  EXPECT_EQ(weights(plan), (std::vector<double>{1, 10, 100}));
  EXPECT_EQ(plan.steps[0].min_duration_ms, kDay);
  EXPECT_EQ(plan.steps[0].min_requests, 500);
  EXPECT_EQ(plan.steps[1].min_duration_ms, 2 * 60 * kMinute);
  EXPECT_EQ(plan.steps[1].min_requests, 500);
  EXPECT_EQ(plan.steps[2].min_duration_ms, kDay);
  EXPECT_EQ(plan.steps[2].min_requests, 0);
  EXPECT_EQ(plan.on_gate_fail, GateFailAction::Rollback);

  const RolloutPlan defaults_only = plan_from_json({{"min_duration", 90}, {"min_requests", 7}});
  EXPECT_EQ(weights(defaults_only), (std::vector<double>{5, 20, 50, 100}));
  EXPECT_EQ(defaults_only.steps[3].min_duration_ms, 90'000);
  EXPECT_EQ(defaults_only.steps[3].min_requests, 7);
}

TEST(RolloutPlan, JsonRoundTripsExactly) {
  const Json body = {{"steps", {0.5, 12.34, {{"weight", 50}, {"min_duration", "1500ms"}}, 100}},
                     {"min_duration", "3d"},
                     {"min_requests", 250},
                     {"on_gate_fail", "rollback"},
                     {"gates", {{"latency_p95_ratio", 1.5}, {"min_feedback_samples", 40}}}};
  const RolloutPlan plan = plan_from_json(body);
  const Json json = plan_to_json(plan);
  EXPECT_EQ(json["steps"][0],
            Json({{"weight", 0.5}, {"min_duration", "3d"}, {"min_requests", 250}}));
  EXPECT_EQ(json["steps"][2]["min_duration"], "1500ms");
  EXPECT_EQ(json["steps"][3]["weight"], 100) << "whole weights stay whole: " << json.dump();
  EXPECT_EQ(json["on_gate_fail"], "rollback");
  EXPECT_EQ(json["gates"], body["gates"]) << "gates are kept as written";

  const RolloutPlan again = plan_from_json(json);
  EXPECT_EQ(plan_to_json(again), json);
  ASSERT_EQ(again.steps.size(), 4u);
  EXPECT_DOUBLE_EQ(again.steps[1].weight_percent, 12.34);
  EXPECT_EQ(again.steps[2].min_duration_ms, 1'500);
  EXPECT_EQ(again.steps[1].min_duration_ms, 3 * kDay);
  EXPECT_EQ(plan_to_json(plan_from_json(plan_to_json(default_rollout_plan()))),
            plan_to_json(default_rollout_plan()));
}

TEST(RolloutPlan, BadStepsAreRefused) {
  expect_plan_refused({{"steps", {20, 5, 100}}}, "increase");
  expect_plan_refused({{"steps", {5, 5, 100}}}, "increase");
  expect_plan_refused({{"steps", {5, 50}}}, "must be 100");
  expect_plan_refused({{"steps", {100}}}, "below 100");
  expect_plan_refused({{"steps", Json::array()}}, "below 100");
  expect_plan_refused({{"steps", {-5, 100}}}, "steps[0].weight");
  expect_plan_refused({{"steps", {0, 100}}}, "steps[0].weight");
  expect_plan_refused({{"steps", {5, 150}}}, "steps[1].weight");
  expect_plan_refused({{"steps", {0.001, 100}}}, "0.01");
  expect_plan_refused({{"steps", {"5", 100}}}, "steps[0]");
  expect_plan_refused({{"steps", 5}}, "list");
  expect_plan_refused({{"steps", {{{"min_requests", 5}}, 100}}}, "steps[0].weight\" is required");
  expect_plan_refused({{"steps", {{{"weight", 5}, {"duration", "1h"}}, 100}}}, "\"duration\"");
}

TEST(RolloutPlan, BadFieldsAreRefusedByName) {
  expect_plan_refused({{"steps", {5, 100}}, {"colour", "red"}}, "\"colour\"");
  expect_plan_refused({{"stepz", {5, 100}}, {"min_duraton", 5}}, "\"stepz\", \"min_duraton\"");
  expect_plan_refused({{"min_duration", "soon"}}, "min_duration");
  expect_plan_refused({{"min_duration", -10}}, "min_duration");
  expect_plan_refused({{"min_duration", "-10s"}}, "min_duration");
  expect_plan_refused({{"min_duration", true}}, "min_duration");
  expect_plan_refused({{"steps", {{{"weight", 5}, {"min_duration", "5x"}}, 100}}},
                      "steps[0].min_duration");
  expect_plan_refused({{"min_requests", -1}}, "min_requests");
  expect_plan_refused({{"min_requests", 1.5}}, "min_requests");
  expect_plan_refused({{"min_requests", "100"}}, "min_requests");
  expect_plan_refused({{"on_gate_fail", "explode"}}, "on_gate_fail");
  expect_plan_refused({{"gates", {{"p95", 2}}}}, "\"p95\"");
  expect_plan_refused({{"gates", "strict"}}, "gates");
  expect_plan_refused(Json::array({5, 100}), "plan");
}

TEST(RolloutPlan, ValidateRefusesWhatJsonCannotExpress) {
  RolloutPlan plan = default_rollout_plan();
  plan.steps[1].min_duration_ms = -1;
  expect_invalid([&] { validate_plan(plan); }, "steps[1].min_duration");
  plan = default_rollout_plan();
  plan.steps[2].min_requests = -1;
  expect_invalid([&] { validate_plan(plan); }, "steps[2].min_requests");
  plan = default_rollout_plan();
  plan.gates = {{"min_judged_samples", -1}};
  expect_invalid([&] { validate_plan(plan); }, "min_judged_samples");
  plan = default_rollout_plan();
  plan.steps.clear();
  expect_invalid([&] { validate_plan(plan); }, "steps");
}

TEST(Durations, UnitsAndPlainSeconds) {
  EXPECT_EQ(parse_duration_ms("30s"), 30'000);
  EXPECT_EQ(parse_duration_ms("10m"), 10 * kMinute);
  EXPECT_EQ(parse_duration_ms("2h"), 120 * kMinute);
  EXPECT_EQ(parse_duration_ms("1d"), kDay);
  EXPECT_EQ(parse_duration_ms("1500ms"), 1'500);
  EXPECT_EQ(parse_duration_ms("90"), 90'000);
  EXPECT_EQ(parse_duration_ms("1.5"), 1'500);
  EXPECT_EQ(parse_duration_ms("0.5h"), 30 * kMinute);
  EXPECT_EQ(parse_duration_ms("0"), 0);
  EXPECT_EQ(parse_duration_ms("365d"), 365 * kDay);
}

TEST(Durations, BadTextIsRefused) {
  for (const std::string bad : {"", "abc", "-5s", "10x", "1e3", " 5s", "5 s", "inf", "nan", "ms",
                                "s", ".5s", "5.s", "366d", "1.2.3s", "99999999999999999999999d"}) {
    expect_invalid([&] { parse_duration_ms(bad); }, "\"" + bad + "\"");
  }
}

}  // namespace
}  // namespace slipway::traffic::test
