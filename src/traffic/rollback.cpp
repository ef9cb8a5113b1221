// Rollback: the previous stable version (or a named one) serves all of a route's traffic, in
// memory at once and in the store for every replica; the target is health-checked first.
#include <chrono>

#include "traffic/json_fields.h"
#include "traffic/traffic_service_impl.h"

namespace slipway::traffic {

namespace {

// The stable version before the current one, from the route's history.
std::string previous_stable(RouteStore& routes, const Route& route) {
  for (const StableChange& change : routes.stable_history(route.name, 50)) {
    if (change.version == route.stable && !change.previous.empty() &&
        change.previous != route.stable)
      return change.previous;
  }
  return {};
}

}  // namespace

Json TrafficService::rollback(const std::string& name, const Json& body, const std::string& actor) {
  const auto started = std::chrono::steady_clock::now();
  require_object(body, "The body");
  refuse_unknown_fields(body, {"to", "force", "reason"}, "the body");
  const Route route = impl_->require_route(name);
  std::string target;
  if (const std::string to = optional_text_field(body, "to"); !to.empty()) {
    target = impl_->pin(to).ref();
  } else if (!route.canary.empty()) {
    target = route.stable;  // during a rollout, back means the stable arm alone
  } else {
    target = previous_stable(impl_->routes, route);
    if (target.empty()) {
      throw TrafficError(
          TrafficError::Code::Conflict,
          "Route \"" + name + "\" has no previous stable version; name one (\"to\", --to).");
    }
  }
  const bool force = optional_flag_field(body, "force");
  std::string reason = optional_text_field(body, "reason");
  if (reason.empty()) reason = "rollback";
  if (target == route.stable && route.canary.empty()) {
    throw TrafficError(TrafficError::Code::Conflict,
                       "Route \"" + name + "\" already serves " + target + " alone.");
  }

  if (impl_->versions) {
    try {
      impl_->load_now(target);
    } catch (const std::exception&) {
      if (!force) throw;
    }
  }
  if (const std::string problem = impl_->health_problem(target); !problem.empty() && !force) {
    throw TrafficError(TrafficError::Code::Unhealthy,
                       "Refusing to roll back to " + problem + " (force to override).");
  }

  const Json detail = {
      {"from", route.stable}, {"canary", route.canary}, {"to", target}, {"forced", force}};
  auto to_target = [&](Route& r) {
    r.stable = target;
    r.canary.clear();
    r.canary_weight_bp = 0;
  };
  Route switched;
  int64_t rollout_id = 0;
  if (auto active = impl_->routes.active_rollout(name)) {
    Rollout next = *active;
    next.state = RolloutState::RolledBack;
    next.reason = reason;
    auto done = impl_->routes.transition(*active, next, to_target,
                                         make_event("rollback", actor, reason, detail));
    if (!done) {
      throw TrafficError(TrafficError::Code::Conflict,
                         "The rollout changed during the rollback; try again.");
    }
    switched = done->route;
    rollout_id = active->id;
  } else {
    switched =
        impl_->routes.update_route(name, to_target, make_event("rollback", actor, reason, detail));
  }
  impl_->publish(switched);  // requests admitted from now on get the target
  const double switched_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  impl_->follow_in_registry(name, rollout_id, target, actor);
  impl_->queue_upkeep(name);
  Json out = route_to_json(switched);
  out["rolled_back_from"] = route.canary.empty() ? route.stable : route.canary;
  out["switch_ms"] = switched_ms;
  return out;
}

void TrafficService::roll_back(const std::string& route, const std::string& actor,
                               const std::string& reason) {
  rollback(route, {{"reason", reason}}, actor);
}

}  // namespace slipway::traffic
