// Gates as JSON: results and figures with rates as fractions, and the plan's "gates" settings.
#include <gtest/gtest.h>

#include <string>

#include "traffic/gates.h"
#include "traffic/traffic_error.h"

namespace slipway::traffic::test {
namespace {

TEST(GatesJson, ResultsAndFiguresUseFractionsAndNulls) {
  ArmFigures arm;
  arm.requests = 200;
  arm.errors = 1;
  arm.satisfaction = 0.75;
  arm.ratings = 4;
  const Json figures = arm_figures_to_json(arm);
  EXPECT_DOUBLE_EQ(figures["error_rate"].get<double>(), 0.005);
  EXPECT_TRUE(figures["p95_latency_seconds"].is_null());
  EXPECT_TRUE(figures["completion_rate"].is_null());
  EXPECT_DOUBLE_EQ(figures["satisfaction"].get<double>(), 0.75);
  EXPECT_EQ(figures["requests"], 200);
  EXPECT_EQ(figures["ratings"], 4);

  const Json result = gate_result_to_json(evaluate_gates(arm, arm, {}).at(2));
  EXPECT_EQ(result["name"], "error_rate");
  EXPECT_EQ(result["status"], "pass");
  EXPECT_DOUBLE_EQ(result["canary"].get<double>(), 0.005);
  EXPECT_DOUBLE_EQ(result["threshold"].get<double>(), 0.01);
  const Json untracked = gate_result_to_json(evaluate_gates(arm, arm, {}).at(0));
  EXPECT_EQ(untracked["status"], "not_tracked");
  EXPECT_TRUE(untracked["stable"].is_null());
  EXPECT_EQ(to_string(GateStatus::Waiting), "waiting");
  EXPECT_EQ(to_string(GateStatus::Fail), "fail");
}

void expect_invalid(const Json& json, const std::string& part) {
  try {
    gate_settings_from_json(json);
    ADD_FAILURE() << json.dump() << " was accepted";
  } catch (const TrafficError& e) {
    EXPECT_EQ(e.code(), TrafficError::Code::Invalid);
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(GateSettingsJson, DefaultsOverridesAndRoundTrip) {
  const GateSettings defaults = gate_settings_from_json(Json::object());
  EXPECT_DOUBLE_EQ(defaults.completion_drop_points, 2.0);
  EXPECT_DOUBLE_EQ(defaults.latency_p95_ratio, 1.2);
  EXPECT_DOUBLE_EQ(defaults.error_rate_rise_points, 0.5);
  EXPECT_DOUBLE_EQ(defaults.satisfaction_drop_points, 5.0);
  EXPECT_DOUBLE_EQ(defaults.judged_quality_drop, 0.5);
  EXPECT_EQ(defaults.min_feedback_samples, 20);
  EXPECT_EQ(defaults.min_judged_samples, 20);

  const GateSettings custom =
      gate_settings_from_json({{"latency_p95_ratio", 1.5}, {"min_feedback_samples", 50}});
  EXPECT_DOUBLE_EQ(custom.latency_p95_ratio, 1.5);
  EXPECT_EQ(custom.min_feedback_samples, 50);
  EXPECT_DOUBLE_EQ(custom.completion_drop_points, 2.0);
  const Json again = gate_settings_to_json(gate_settings_from_json(gate_settings_to_json(custom)));
  EXPECT_EQ(again, gate_settings_to_json(custom));
  EXPECT_EQ(again["min_feedback_samples"], 50);
}

TEST(GateSettingsJson, BadSettingsAreRefusedByName) {
  expect_invalid({{"latency_ratio", 1.5}}, "\"latency_ratio\"");
  expect_invalid({{"completion_drop_points", -1}}, "completion_drop_points");
  expect_invalid({{"latency_p95_ratio", 0}}, "latency_p95_ratio");
  expect_invalid({{"error_rate_rise_points", "0.5"}}, "error_rate_rise_points");
  expect_invalid({{"min_feedback_samples", 2.5}}, "min_feedback_samples");
  expect_invalid({{"min_judged_samples", -3}}, "min_judged_samples");
  expect_invalid(Json::array({1, 2}), "gates");
}

}  // namespace
}  // namespace slipway::traffic::test
