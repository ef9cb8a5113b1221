// The controller's judgement of one running rollout at one instant.
#include "traffic/rollout_decision.h"

#include "traffic/bucketing.h"
#include "traffic/json_fields.h"
#include "traffic/time_text.h"
#include "traffic/traffic_error.h"

namespace slipway::traffic {

namespace {

using Kind = RolloutDecision::Kind;

RolloutDecision wait(std::string reason, std::vector<GateResult> gates = {}) {
  return {Kind::Wait, 0, std::move(gates), std::move(reason)};
}

std::string weight_text(const RolloutStep& step) {
  return number_json(bp_to_percent(percent_to_bp(step.weight_percent))).dump() + "%";
}

// "p95_latency (canary 1.5 s > 1.2 × stable 1 s = 1.2 s); error_rate (...)"
std::string gates_with(const std::vector<GateResult>& gates, GateStatus status, bool details) {
  std::string out;
  for (const GateResult& gate : gates) {
    if (gate.status != status) continue;
    if (!out.empty()) out += details ? "; " : ", ";
    out += gate.name;
    if (details) out += " (" + gate.detail + ")";
  }
  return out;
}

std::string kind_name(Kind kind) {
  switch (kind) {
    case Kind::Wait:
      return "wait";
    case Kind::Advance:
      return "advance";
    case Kind::Complete:
      return "complete";
    case Kind::GateMiss:
      return "gate_miss";
  }
  return "unknown";
}

}  // namespace

RolloutDecision decide_rollout(const Rollout& rollout, int64_t now_ms, const ArmFigures& stable,
                               const ArmFigures& canary) {
  if (rollout.state != RolloutState::Running)
    return wait("the rollout is " + to_string(rollout.state) + ", not running");
  const std::vector<RolloutStep>& steps = rollout.plan.steps;
  if (rollout.step < 0 || static_cast<size_t>(rollout.step) >= steps.size()) {
    return wait("step " + std::to_string(rollout.step) + " is not in the plan (it has " +
                std::to_string(steps.size()) + " steps)");
  }
  const RolloutStep& step = steps[static_cast<size_t>(rollout.step)];
  const bool last = static_cast<size_t>(rollout.step) + 1 == steps.size();
  const std::string where = "step " + std::to_string(rollout.step + 1) + " of " +
                            std::to_string(steps.size()) + " (" + weight_text(step) + ")";

  const int64_t elapsed = now_ms - rollout.step_started_ms;
  if (elapsed < step.min_duration_ms) {
    return wait(where + " has run " + rough_duration_text(std::max<int64_t>(elapsed, 0)) +
                " of its " + rough_duration_text(step.min_duration_ms) + "; " +
                rough_duration_text(step.min_duration_ms - elapsed) + " to go");
  }
  // At 100% the stable arm gets nothing, so only the canary's requests can count.
  const bool stable_short = !last && stable.requests < step.min_requests;
  if (stable_short || canary.requests < step.min_requests) {
    return wait(where + " waits for " + std::to_string(step.min_requests) + " requests per arm" +
                " (stable " + std::to_string(stable.requests) + ", canary " +
                std::to_string(canary.requests) + ")");
  }
  if (last) {
    return {Kind::Complete, 0, {}, where + " is the last: the canary becomes the stable version"};
  }

  GateSettings settings;
  try {
    settings = gate_settings_from_json(rollout.plan.gates);
  } catch (const TrafficError& e) {
    return wait(std::string("the plan's gates cannot be read: ") + e.what());
  }
  std::vector<GateResult> gates = evaluate_gates(stable, canary, settings);
  if (const std::string missed = gates_with(gates, GateStatus::Fail, true); !missed.empty())
    return {Kind::GateMiss, 0, std::move(gates), "gates missed at " + where + ": " + missed};
  if (const std::string waiting = gates_with(gates, GateStatus::Waiting, true); !waiting.empty())
    return wait(where + " waits on gates: " + waiting, std::move(gates));

  std::string reason = "all gates passed at " + where;
  if (const std::string untracked = gates_with(gates, GateStatus::NotTracked, false);
      !untracked.empty())
    reason += " (not tracked: " + untracked + ")";
  const int32_t next = rollout.step + 1;
  if (static_cast<size_t>(next) + 1 == steps.size())
    return {Kind::Complete, 0, std::move(gates),
            reason + "; the canary becomes the stable version"};
  reason += "; next " + weight_text(steps[static_cast<size_t>(next)]);
  return {Kind::Advance, next, std::move(gates), reason};
}

Json decision_to_json(const RolloutDecision& decision) {
  Json gates = Json::array();
  for (const GateResult& gate : decision.gates) gates.push_back(gate_result_to_json(gate));
  Json out = {{"kind", kind_name(decision.kind)}};
  if (decision.kind == Kind::Advance) out["next_step"] = decision.next_step;
  out["reason"] = decision.reason;
  out["gates"] = std::move(gates);
  return out;
}

}  // namespace slipway::traffic
