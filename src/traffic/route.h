#pragma once
// A route: the public model name clients send (e.g. "customer-support") and the registry
// versions behind it. Versions are pinned refs "model/N" (never aliases), so what serves a
// route changes only through the route's own commands.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "traffic/json.h"

namespace slipway::traffic {

struct Route {
  std::string name;
  std::string stable;                // "model/N"
  std::string canary;                // "model/N" or "" (no canary)
  int32_t canary_weight_bp = 0;      // 0..10,000; 0 without a canary
  std::string salt;                  // the current split's salt (new per rollout)
  std::vector<std::string> shadows;  // "model/N" each, copies of the traffic, logged only
  std::string fallback;              // "model/N" or "": answers when the chosen one cannot
  int64_t generation = 0;            // +1 per change; replicas compare it
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

// One step of a plan: the canary's weight, how long it lasts at least, and how many requests
// each arm must have answered in the step before its gates are judged.
struct RolloutStep {
  double weight_percent = 0;  // 0 < w <= 100; strictly increasing; the last is 100 (reaching
                              // it completes the rollout) and at least one step is below it
  int64_t min_duration_ms = 10 * 60'000;
  int64_t min_requests = 100;  // per arm; at 100% only the canary arm is counted
};

enum class GateFailAction { Pause, Rollback };

struct RolloutPlan {
  std::vector<RolloutStep> steps;  // default: 5, 20, 50, 100
  GateFailAction on_gate_fail = GateFailAction::Pause;
  // GateSettings as JSON (gates.h); kept as JSON so the stored plan round-trips exactly.
  Json gates = Json::object();
};
RolloutPlan default_rollout_plan();
// Throws TrafficError(Invalid) naming the field: no steps, weights not increasing or outside
// (0, 100], last step not 100, negative durations or request counts, bad gate settings.
void validate_plan(const RolloutPlan& plan);
Json plan_to_json(const RolloutPlan& plan);
// Absent fields take the defaults (steps 5/20/50/100, 10 min, 100 requests, pause);
// "min_duration" may be a number of seconds or a text like "30s", "10m", "2h", "1d".
RolloutPlan plan_from_json(const Json& json);
// "30s", "10m", "2h", "1d", "1500ms", or plain seconds; throws TrafficError(Invalid).
int64_t parse_duration_ms(const std::string& text);

enum class RolloutState {
  Running,
  Paused,      // by a command or a missed gate; resume continues the same step
  Completed,   // the canary became the route's stable version
  Aborted,     // back to stable by a command
  RolledBack,  // back to stable by a missed gate (on_gate_fail: rollback) or a rollback
};
std::string to_string(RolloutState state);
RolloutState rollout_state_from_string(const std::string& text);  // throws Invalid
inline bool is_active(RolloutState s) {
  return s == RolloutState::Running || s == RolloutState::Paused;
}

struct Rollout {
  int64_t id = 0;
  std::string route;
  std::string stable;  // the route's stable version when the rollout started
  std::string canary;
  RolloutPlan plan;
  std::string salt;
  RolloutState state = RolloutState::Running;
  int32_t step = 0;             // index into plan.steps
  int64_t step_started_ms = 0;  // when the current step's window began (reset on resume)
  std::string reason;           // why it is paused / how it ended
  std::string actor;            // who started it
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

// Every change to a route or rollout, as the audit trail shows it.
struct TrafficEvent {
  int64_t id = 0;
  std::string route;
  int64_t rollout_id = 0;  // 0: none
  std::string kind;        // route_created, route_updated, rollout_started, step_advanced,
                           // gate_missed, paused, resumed, promoted, completed, aborted,
                           // rolled_back, rollback, shadow_failed, ...
  std::string actor;
  std::string reason;
  Json detail = Json::object();  // e.g. the gates that decided, from/to versions
  int64_t at_ms = 0;
};

Json route_to_json(const Route& route);
Json rollout_to_json(const Rollout& rollout);
Json event_to_json(const TrafficEvent& event);

// Route names follow model names: [A-Za-z0-9][A-Za-z0-9._-]{0,127}.
bool valid_route_name(const std::string& name);

}  // namespace slipway::traffic
