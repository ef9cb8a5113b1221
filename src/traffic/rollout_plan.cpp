// Rollout plans: the defaults, the checks, and the JSON users write and the store keeps.
#include <cmath>
#include <string>

#include "traffic/bucketing.h"
#include "traffic/gates.h"
#include "traffic/json_fields.h"
#include "traffic/route.h"
#include "traffic/time_text.h"

namespace slipway::traffic {

namespace {

const char* action_name(GateFailAction action) {
  return action == GateFailAction::Rollback ? "rollback" : "pause";
}

GateFailAction action_from_json(const Json& value) {
  if (value == "pause") return GateFailAction::Pause;
  if (value == "rollback") return GateFailAction::Rollback;
  throw_invalid("\"on_gate_fail\" must be \"pause\" or \"rollback\", got " + value.dump() + ".");
}

std::string step_field(size_t index, const char* field) {
  return "steps[" + std::to_string(index) + "]." + field;
}

// A step's weight in basis points, refusing what cannot be a canary's share.
int32_t step_weight_bp(const RolloutStep& step, size_t index) {
  const std::string field = step_field(index, "weight");
  if (!std::isfinite(step.weight_percent) || step.weight_percent <= 0 ||
      step.weight_percent > 100) {
    throw_invalid("\"" + field + "\" must be above 0 and at most 100, got " +
                  number_json(step.weight_percent).dump() + ".");
  }
  const int32_t bp = percent_to_bp(step.weight_percent);
  if (bp == 0) throw_invalid("\"" + field + "\" must be at least 0.01 (percent).");
  return bp;
}

// One entry of "steps": a weight, or {"weight", "min_duration"?, "min_requests"?}; what the
// entry leaves out comes from `defaults` (the plan's top-level values).
RolloutStep step_from_json(const Json& entry, size_t index, const RolloutStep& defaults) {
  RolloutStep step = defaults;
  if (entry.is_number()) {
    step.weight_percent = number_field(entry, step_field(index, "weight"));
    return step;
  }
  if (!entry.is_object()) {
    throw_invalid("\"steps[" + std::to_string(index) +
                  "]\" must be a weight or {\"weight\", \"min_duration\", \"min_requests\"}, got " +
                  entry.dump() + ".");
  }
  refuse_unknown_fields(entry, {"weight", "min_duration", "min_requests"},
                        "steps[" + std::to_string(index) + "]");
  auto weight = entry.find("weight");
  if (weight == entry.end()) throw_invalid("\"" + step_field(index, "weight") + "\" is required.");
  step.weight_percent = number_field(*weight, step_field(index, "weight"));
  if (auto it = entry.find("min_duration"); it != entry.end() && !it->is_null())
    step.min_duration_ms = duration_field(*it, step_field(index, "min_duration"));
  if (auto it = entry.find("min_requests"); it != entry.end() && !it->is_null())
    step.min_requests = count_field(*it, step_field(index, "min_requests"));
  return step;
}

}  // namespace

RolloutPlan default_rollout_plan() {
  RolloutPlan plan;
  for (double weight : {5.0, 20.0, 50.0, 100.0}) plan.steps.push_back({.weight_percent = weight});
  return plan;
}

void validate_plan(const RolloutPlan& plan) {
  if (plan.steps.size() < 2) {
    throw_invalid(
        "\"steps\" needs at least one weight below 100 and must end at 100 (e.g. [5, "
        "20, 50, 100]).");
  }
  int32_t previous_bp = 0;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const RolloutStep& step = plan.steps[i];
    const int32_t bp = step_weight_bp(step, i);
    if (bp <= previous_bp) {
      throw_invalid(
          "\"steps\" weights must increase strictly: " + number_json(bp_to_percent(bp)).dump() +
          " follows " + number_json(bp_to_percent(previous_bp)).dump() + ".");
    }
    previous_bp = bp;
    if (step.min_duration_ms < 0)
      throw_invalid("\"" + step_field(i, "min_duration") + "\" must not be negative.");
    if (step.min_requests < 0)
      throw_invalid("\"" + step_field(i, "min_requests") + "\" must not be negative.");
  }
  if (previous_bp != kBuckets) {
    throw_invalid("The last of \"steps\" must be 100 (reaching it completes the rollout), got " +
                  number_json(plan.steps.back().weight_percent).dump() + ".");
  }
  gate_settings_from_json(plan.gates);
}

Json plan_to_json(const RolloutPlan& plan) {
  Json steps = Json::array();
  for (const RolloutStep& step : plan.steps) {
    steps.push_back({{"weight", number_json(step.weight_percent)},
                     {"min_duration", exact_duration_text(step.min_duration_ms)},
                     {"min_requests", step.min_requests}});
  }
  return {{"steps", std::move(steps)},
          {"on_gate_fail", action_name(plan.on_gate_fail)},
          {"gates", plan.gates}};
}

RolloutPlan plan_from_json(const Json& json) {
  if (json.is_null()) return default_rollout_plan();
  require_object(json, "The plan");
  refuse_unknown_fields(json, {"steps", "min_duration", "min_requests", "on_gate_fail", "gates"},
                        "the plan");
  RolloutStep defaults;
  if (auto it = json.find("min_duration"); it != json.end() && !it->is_null())
    defaults.min_duration_ms = duration_field(*it, "min_duration");
  if (auto it = json.find("min_requests"); it != json.end() && !it->is_null())
    defaults.min_requests = count_field(*it, "min_requests");

  RolloutPlan plan = default_rollout_plan();
  if (auto it = json.find("steps"); it != json.end() && !it->is_null()) {
    if (!it->is_array()) throw_invalid("\"steps\" must be a list, got " + it->dump() + ".");
    plan.steps.clear();
    for (size_t i = 0; i < it->size(); ++i)
      plan.steps.push_back(step_from_json((*it)[i], i, defaults));
  } else {
    for (RolloutStep& step : plan.steps)
      step = {step.weight_percent, defaults.min_duration_ms, defaults.min_requests};
  }
  if (auto it = json.find("on_gate_fail"); it != json.end() && !it->is_null())
    plan.on_gate_fail = action_from_json(*it);
  if (auto it = json.find("gates"); it != json.end() && !it->is_null()) {
    gate_settings_from_json(*it);  // refuses bad settings now rather than at the first tick
    plan.gates = *it;
  }
  validate_plan(plan);
  return plan;
}

}  // namespace slipway::traffic
