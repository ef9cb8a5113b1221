// Routes, their stable history and the audit trail. Each change is one write transaction with
// its event and notification (route_rows.h); rollouts are in route_store_rollouts.cpp.
#include "traffic/route_store.h"

#include <utility>

#include "traffic/route_rows.h"
#include "traffic/traffic_error.h"
#include "traffic/traffic_schema.h"

namespace slipway::traffic {

RouteStore::RouteStore(store::Store& store, store::WallClock clock)
    : store_(store), clock_(std::move(clock)) {
  migrate_traffic(store_);
}

std::vector<Route> RouteStore::list_routes() {
  return store_.read([](store::Transaction& tx) { return rows::all_routes(tx); });
}

std::optional<Route> RouteStore::find_route(const std::string& name) {
  return store_.read([&](store::Transaction& tx) { return rows::find_route(tx, name); });
}

Route RouteStore::create_route(Route route, const std::string& actor, const std::string& reason) {
  rows::check_route(route);
  const int64_t now = clock_();
  route.generation = 1;
  route.created_ms = now;
  route.updated_ms = now;
  return store_.write([&](store::Transaction& tx) {
    if (rows::find_route(tx, route.name)) {
      throw TrafficError(TrafficError::Code::Conflict,
                         "Route \"" + route.name + "\" already exists.");
    }
    rows::insert_route(tx, route);
    rows::append_stable_change(tx, route.name, route.stable, "", actor, reason, now);
    TrafficEvent event;
    event.kind = "route_created";
    event.actor = actor;
    event.reason = reason;
    event.detail = route_to_json(route);
    rows::record(tx, event, route.name, now);
    return route;
  });
}

Route RouteStore::update_route(const std::string& name, const std::function<void(Route&)>& change,
                               TrafficEvent event) {
  const int64_t now = clock_();
  return store_.write([&](store::Transaction& tx) {
    // A retried body starts again from the caller's event.
    TrafficEvent recorded = event;
    Route updated = rows::change_route(tx, name, change, recorded, now);
    // A change during a rollout belongs to the rollout's trail too.
    if (recorded.rollout_id == 0) {
      if (auto active = rows::active_rollout(tx, name)) recorded.rollout_id = active->id;
    }
    rows::record(tx, recorded, name, now);
    return updated;
  });
}

void RouteStore::delete_route(const std::string& name, const std::string& actor,
                              const std::string& reason) {
  const int64_t now = clock_();
  store_.write([&](store::Transaction& tx) {
    const auto route = rows::find_route(tx, name);
    if (!route) {
      throw TrafficError(TrafficError::Code::NotFound, "Route \"" + name + "\" does not exist.");
    }
    if (auto active = rows::active_rollout(tx, name)) {
      throw TrafficError(TrafficError::Code::Conflict,
                         "Route \"" + name + "\" has a rollout in progress (" + active->canary +
                             "); abort it before deleting the route.");
    }
    tx.execute("DELETE FROM traffic_routes WHERE name = ?", {name});
    // The stable history is the route's own (rollback reads it); a route created later under
    // the same name starts a fresh one. Rollouts and events stay as the audit trail.
    tx.execute("DELETE FROM traffic_stable_history WHERE route = ?", {name});
    TrafficEvent event;
    event.kind = "route_deleted";
    event.actor = actor;
    event.reason = reason;
    event.detail = route_to_json(*route);
    rows::record(tx, event, name, now);
  });
}

std::vector<StableChange> RouteStore::stable_history(const std::string& route, int limit) {
  return store_.read(
      [&](store::Transaction& tx) { return rows::stable_history(tx, route, limit); });
}

void RouteStore::record_event(TrafficEvent event) {
  rows::check_route_name(event.route);
  const int64_t now = clock_();
  store_.write([&](store::Transaction& tx) {
    TrafficEvent recorded = event;
    rows::record(tx, recorded, event.route, now);
  });
}

std::vector<TrafficEvent> RouteStore::events(const std::string& route, int64_t rollout_id,
                                             int limit) {
  return store_.read(
      [&](store::Transaction& tx) { return rows::select_events(tx, route, rollout_id, limit); });
}

std::unique_ptr<store::Subscription> RouteStore::on_change(
    std::function<void(const std::string&)> cb) {
  return store_.subscribe(kTrafficChannel, std::move(cb));
}

}  // namespace slipway::traffic
