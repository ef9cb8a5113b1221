// Rollouts: at most one active per route (checked in the transaction, and by a partial unique
// index so two replicas starting at once cannot both win), and transitions conditional on the
// state they were decided from.
#include <algorithm>
#include <limits>
#include <utility>

#include "traffic/route_rows.h"
#include "traffic/route_store.h"
#include "traffic/traffic_error.h"

namespace slipway::traffic {

namespace {

[[noreturn]] void already_active(const std::string& route, const std::string& detail) {
  throw TrafficError(TrafficError::Code::Conflict,
                     "Route \"" + route + "\" already has a rollout in progress" + detail + ".");
}

}  // namespace

Rollout RouteStore::start_rollout(Rollout rollout, const std::function<void(Route&)>& route_change,
                                  TrafficEvent event) {
  rows::check_route_name(rollout.route);
  const int64_t now = clock_();
  rollout.created_ms = now;
  rollout.updated_ms = now;
  if (rollout.step_started_ms == 0) rollout.step_started_ms = now;
  return store_.write([&](store::Transaction& tx) {
    Rollout started = rollout;
    const auto route = rows::find_route(tx, started.route);
    if (!route) {
      throw TrafficError(TrafficError::Code::NotFound,
                         "Route \"" + started.route + "\" does not exist.");
    }
    if (auto active = rows::active_rollout(tx, started.route)) {
      already_active(started.route, " (" + active->canary + ", " + to_string(active->state) + ")");
    }
    if (started.stable.empty()) started.stable = route->stable;
    rows::check_rollout(started);
    const auto id = rows::insert_rollout(tx, started);
    if (!id) already_active(started.route, "");
    started.id = *id;
    TrafficEvent recorded = event;
    rows::change_route(tx, started.route, route_change, recorded, now);
    recorded.rollout_id = started.id;
    rows::record(tx, recorded, started.route, now);
    return started;
  });
}

std::optional<Rollout> RouteStore::active_rollout(const std::string& route) {
  return store_.read([&](store::Transaction& tx) { return rows::active_rollout(tx, route); });
}

std::optional<Rollout> RouteStore::find_rollout(int64_t id) {
  return store_.read([&](store::Transaction& tx) { return rows::find_rollout(tx, id); });
}

std::vector<Rollout> RouteStore::rollouts(const std::string& route, int limit) {
  return store_.read([&](store::Transaction& tx) {
    return rows::select_rollouts(tx, "route = ?", {route}, limit);
  });
}

std::vector<Rollout> RouteStore::active_rollouts() {
  return store_.read([&](store::Transaction& tx) {
    return rows::select_rollouts(
        tx, "state IN (?, ?)", {to_string(RolloutState::Running), to_string(RolloutState::Paused)},
        std::numeric_limits<int>::max());
  });
}

std::optional<RouteStore::Transition> RouteStore::transition(
    const Rollout& expected, Rollout next, const std::function<void(Route&)>& route_change,
    TrafficEvent event) {
  const int64_t now = clock_();
  return store_.write([&](store::Transaction& tx) -> std::optional<Transition> {
    const auto stored = rows::find_rollout(tx, expected.id);
    if (!stored) {
      throw TrafficError(TrafficError::Code::NotFound,
                         "Rollout " + std::to_string(expected.id) + " does not exist.");
    }
    // Another replica (or command) moved it since `expected` was read: its decision stands.
    if (stored->state != expected.state || stored->step != expected.step ||
        stored->updated_ms != expected.updated_ms) {
      return std::nullopt;
    }
    Transition done{next, {}};
    done.rollout.id = stored->id;
    done.rollout.route = stored->route;
    done.rollout.created_ms = stored->created_ms;
    // Strictly later than the state it replaces, so a decision taken from the old state can
    // never match the new one even when the clock has not moved.
    done.rollout.updated_ms = std::max(now, stored->updated_ms + 1);
    rows::check_rollout(done.rollout);
    rows::update_rollout(tx, done.rollout);
    TrafficEvent recorded = event;
    if (route_change) {
      done.route = rows::change_route(tx, stored->route, route_change, recorded, now);
    } else if (auto route = rows::find_route(tx, stored->route)) {
      done.route = *route;
    } else {
      throw TrafficError(TrafficError::Code::NotFound,
                         "Route \"" + stored->route + "\" does not exist.");
    }
    recorded.rollout_id = stored->id;
    rows::record(tx, recorded, stored->route, now);
    return done;
  });
}

}  // namespace slipway::traffic
