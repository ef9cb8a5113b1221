// Rollouts: start, status, the commands that move them, and the controller's tick.
#include "traffic/bucketing.h"
#include "traffic/json_fields.h"
#include "traffic/rollout_decision.h"
#include "traffic/traffic_service_impl.h"

namespace slipway::traffic {

namespace {

constexpr const char* kController = "controller";

int32_t weight_bp_at(const Rollout& rollout, int32_t step) {
  return percent_to_bp(rollout.plan.steps.at(static_cast<size_t>(step)).weight_percent);
}

// The arms return to the stable version: the canary leaves the route.
void clear_canary(Route& route) {
  route.canary.clear();
  route.canary_weight_bp = 0;
}

}  // namespace

Rollout TrafficService::Impl::require_active(const std::string& route) {
  require_route(route);
  auto rollout = routes.active_rollout(route);
  if (!rollout) {
    throw TrafficError(TrafficError::Code::Conflict,
                       "Route \"" + route + "\" has no rollout in progress.");
  }
  return *rollout;
}

std::pair<ArmFigures, ArmFigures> TrafficService::Impl::arm_figures(const Rollout& rollout,
                                                                    int64_t now_ms) {
  // A step started this very millisecond (a promote or resume answering its own status), or a
  // wall clock stepped back, has an empty window: nothing to read, and readers refuse the range.
  if (!figures || now_ms <= rollout.step_started_ms) return {};
  return {
      figures->figures(rollout.route, rollout.stable, "stable", rollout.step_started_ms, now_ms),
      figures->figures(rollout.route, rollout.canary, "canary", rollout.step_started_ms, now_ms)};
}

Json TrafficService::Impl::status_json(const Rollout& rollout) {
  Json out = rollout_to_json(rollout);
  if (is_active(rollout.state)) {
    const int64_t now = clock();
    const auto [stable, canary] = arm_figures(rollout, now);
    const RolloutDecision decision = decide_rollout(rollout, now, stable, canary);
    out["weight_percent"] = rollout.plan.steps.at(static_cast<size_t>(rollout.step)).weight_percent;
    out["window"] = {{"since_ms", rollout.step_started_ms}, {"until_ms", now}};
    out["arms"] = {{"stable", arm_figures_to_json(stable)},
                   {"canary", arm_figures_to_json(canary)}};
    out["decision"] = decision_to_json(decision);
  }
  Json events = Json::array();
  for (const TrafficEvent& event : routes.events(rollout.route, rollout.id, 50))
    events.push_back(event_to_json(event));
  out["events"] = std::move(events);
  return out;
}

std::optional<RouteStore::Transition> TrafficService::Impl::apply(
    const Rollout& expected, Rollout next, const std::function<void(Route&)>& route_change,
    TrafficEvent event) {
  auto done = routes.transition(expected, std::move(next), route_change, std::move(event));
  if (done) publish(done->route);
  return done;
}

Json TrafficService::start_rollout(const std::string& route_name, const Json& body,
                                   const std::string& actor) {
  require_object(body, "The body");
  const Route route = impl_->require_route(route_name);
  auto canary_field = body.find("canary");
  if (canary_field == body.end() || !canary_field->is_string())
    throw TrafficError(TrafficError::Code::Invalid, "\"canary\" (a version) is required.");
  const std::string canary = impl_->pin(canary_field->get<std::string>()).ref();
  if (canary == route.stable) {
    throw TrafficError(TrafficError::Code::Invalid,
                       "The canary " + canary + " is the route's stable version already.");
  }
  if (auto active = impl_->routes.active_rollout(route_name)) {
    throw TrafficError(TrafficError::Code::Conflict,
                       "Route \"" + route_name + "\" already has a rollout in progress (" +
                           active->canary + ", " + to_string(active->state) + ").");
  }
  Json plan_body = body;
  plan_body.erase("canary");
  plan_body.erase("force");
  plan_body.erase("reason");
  const bool force = optional_flag_field(body, "force");
  const RolloutPlan plan = plan_from_json(plan_body);
  validate_plan(plan);

  if (impl_->versions) impl_->load_now(canary);
  if (const std::string problem = impl_->health_problem(canary); !problem.empty() && !force) {
    throw TrafficError(TrafficError::Code::Unhealthy,
                       "Refusing to send traffic to " + problem + " (force to override).");
  }
  Rollout rollout;
  rollout.route = route_name;
  rollout.stable = route.stable;
  rollout.canary = canary;
  rollout.plan = plan;
  rollout.salt = new_salt();
  rollout.state = RolloutState::Running;
  rollout.step = 0;
  rollout.step_started_ms = impl_->clock();
  rollout.actor = actor;
  const int32_t weight = weight_bp_at(rollout, 0);
  Rollout started = impl_->routes.start_rollout(
      rollout,
      [&](Route& r) {
        r.canary = canary;
        r.canary_weight_bp = weight;
        r.salt = rollout.salt;
      },
      make_event("rollout_started", actor, optional_text_field(body, "reason"),
                 {{"stable", route.stable}, {"canary", canary}, {"plan", plan_to_json(plan)}}));
  impl_->publish_stored(route_name);  // the canary is loaded and healthy: serve it now
  return impl_->status_json(started);
}

Json TrafficService::rollout_status(const std::string& route) {
  impl_->require_route(route);
  if (auto active = impl_->routes.active_rollout(route)) return impl_->status_json(*active);
  auto last = impl_->routes.rollouts(route, 1);
  if (last.empty()) {
    throw TrafficError(TrafficError::Code::NotFound, "Route \"" + route + "\" has had no rollout.");
  }
  return impl_->status_json(last.front());
}

namespace {

// Moves a rollout on from its step: to the next step, or to completion from the step before
// the last.
std::optional<RouteStore::Transition> step_on(TrafficService::Impl& impl, const Rollout& rollout,
                                              const std::string& kind, const std::string& actor,
                                              const std::string& reason, Json detail) {
  const int64_t now = impl.clock();
  Rollout next = rollout;
  next.reason = reason;
  const int32_t to = rollout.step + 1;
  const bool completes = static_cast<size_t>(to) + 1 >= rollout.plan.steps.size();
  if (completes) {
    next.state = RolloutState::Completed;
    detail["from"] = rollout.stable;
    detail["to"] = rollout.canary;
    detail["by"] = kind;  // step_advanced (gates passed) or promoted (by hand)
    auto done = impl.apply(
        rollout, next,
        [&](Route& route) {
          route.stable = rollout.canary;
          clear_canary(route);
        },
        make_event("completed", actor, reason, detail));
    if (done) impl.follow_in_registry(rollout.route, rollout.id, rollout.canary, actor);
    return done;
  }
  next.step = to;
  next.step_started_ms = now;
  const int32_t weight = weight_bp_at(rollout, to);
  detail["step"] = to;
  detail["weight_percent"] = bp_to_percent(weight);
  return impl.apply(
      rollout, next, [&](Route& route) { route.canary_weight_bp = weight; },
      make_event(kind, actor, reason, detail));
}

// Ends a rollout with the stable version serving everything.
std::optional<RouteStore::Transition> end_on_stable(TrafficService::Impl& impl,
                                                    const Rollout& rollout, RolloutState state,
                                                    const std::string& kind,
                                                    const std::string& actor,
                                                    const std::string& reason, Json detail) {
  Rollout next = rollout;
  next.state = state;
  next.reason = reason;
  return impl.apply(rollout, next, clear_canary, make_event(kind, actor, reason, detail));
}

Json changed_or_conflict(const std::optional<RouteStore::Transition>& done,
                         TrafficService::Impl& impl) {
  if (!done) {
    throw TrafficError(TrafficError::Code::Conflict,
                       "The rollout changed meanwhile (another command or replica); try again.");
  }
  return impl.status_json(done->rollout);
}

}  // namespace

Json TrafficService::promote(const std::string& route, const std::string& actor,
                             const std::string& reason) {
  const Rollout rollout = impl_->require_active(route);
  return changed_or_conflict(
      step_on(*impl_, rollout, "promoted", actor, reason.empty() ? "promoted by hand" : reason, {}),
      *impl_);
}

Json TrafficService::pause(const std::string& route, const std::string& actor,
                           const std::string& reason) {
  const Rollout rollout = impl_->require_active(route);
  if (rollout.state == RolloutState::Paused) return impl_->status_json(rollout);
  Rollout next = rollout;
  next.state = RolloutState::Paused;
  next.reason = reason.empty() ? "paused by " + actor : reason;
  return changed_or_conflict(
      impl_->apply(rollout, next, {}, make_event("paused", actor, next.reason)), *impl_);
}

bool TrafficService::pause_rollout(const std::string& route, const std::string& actor,
                                   const std::string& reason) {
  auto rollout = impl_->routes.active_rollout(route);
  if (!rollout || rollout->state != RolloutState::Running) return false;
  pause(route, actor, reason);
  return true;
}

Json TrafficService::resume(const std::string& route, const std::string& actor,
                            const std::string& reason) {
  const Rollout rollout = impl_->require_active(route);
  if (rollout.state == RolloutState::Running) return impl_->status_json(rollout);
  Rollout next = rollout;
  next.state = RolloutState::Running;
  next.reason = reason;
  next.step_started_ms = impl_->clock();  // a fresh window: what happened before was judged
  return changed_or_conflict(impl_->apply(rollout, next, {}, make_event("resumed", actor, reason)),
                             *impl_);
}

Json TrafficService::abort(const std::string& route, const std::string& actor,
                           const std::string& reason) {
  const Rollout rollout = impl_->require_active(route);
  return changed_or_conflict(
      end_on_stable(*impl_, rollout, RolloutState::Aborted, "aborted", actor,
                    reason.empty() ? "aborted by " + actor : reason, {{"stable", rollout.stable}}),
      *impl_);
}

void TrafficService::tick() {
  const int64_t now = impl_->clock();
  for (const Rollout& rollout : impl_->routes.active_rollouts()) {
    if (rollout.state != RolloutState::Running) continue;
    const auto [stable, canary] = impl_->arm_figures(rollout, now);
    const RolloutDecision decision = decide_rollout(rollout, now, stable, canary);
    const Json detail = {
        {"decision", decision_to_json(decision)},
        {"arms",
         {{"stable", arm_figures_to_json(stable)}, {"canary", arm_figures_to_json(canary)}}}};
    switch (decision.kind) {
      case RolloutDecision::Kind::Wait:
        break;
      case RolloutDecision::Kind::Advance:
      case RolloutDecision::Kind::Complete:
        step_on(*impl_, rollout, "step_advanced", kController, decision.reason, detail);
        break;
      case RolloutDecision::Kind::GateMiss:
        if (rollout.plan.on_gate_fail == GateFailAction::Rollback) {
          end_on_stable(*impl_, rollout, RolloutState::RolledBack, "rolled_back", kController,
                        decision.reason, detail);
        } else {
          Rollout next = rollout;
          next.state = RolloutState::Paused;
          next.reason = decision.reason;
          impl_->apply(rollout, next, {},
                       make_event("gate_missed", kController, decision.reason, detail));
        }
        break;
    }
  }
}

}  // namespace slipway::traffic
