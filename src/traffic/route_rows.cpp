// The traffic tables' rows to and from Route, Rollout, StableChange and TrafficEvent. JSON
// (shadows, plans, event details) travels as text so both dialects store it the same way.
#include "traffic/route_rows.h"

#include <algorithm>
#include <utility>

#include "traffic/traffic_error.h"
#include "traffic/traffic_schema.h"

namespace slipway::traffic::rows {

namespace {

constexpr const char* kRouteColumns =
    "name, stable, canary, canary_weight_bp, salt, shadows, fallback, generation, created_ms, "
    "updated_ms";
constexpr const char* kRolloutColumns =
    "id, route, stable, canary, plan, salt, state, step, step_started_ms, reason, actor, "
    "created_ms, updated_ms";
constexpr const char* kEventColumns = "id, route, rollout_id, kind, actor, reason, detail, at_ms";

Route route_from(const store::Row& row) {
  Route route;
  route.name = row.text(0);
  route.stable = row.text(1);
  route.canary = row.text(2);
  route.canary_weight_bp = static_cast<int32_t>(row.integer(3));
  route.salt = row.text(4);
  route.shadows = Json::parse(row.text(5)).get<std::vector<std::string>>();
  route.fallback = row.text(6);
  route.generation = row.integer(7);
  route.created_ms = row.integer(8);
  route.updated_ms = row.integer(9);
  return route;
}

store::Params route_params(const Route& route) {
  return {route.name,       route.stable,
          route.canary,     int64_t{route.canary_weight_bp},
          route.salt,       Json(route.shadows).dump(),
          route.fallback,   route.generation,
          route.created_ms, route.updated_ms};
}

Rollout rollout_from(const store::Row& row) {
  Rollout rollout;
  rollout.id = row.integer(0);
  rollout.route = row.text(1);
  rollout.stable = row.text(2);
  rollout.canary = row.text(3);
  rollout.plan = plan_from_json(Json::parse(row.text(4)));
  rollout.salt = row.text(5);
  rollout.state = rollout_state_from_string(row.text(6));
  rollout.step = static_cast<int32_t>(row.integer(7));
  rollout.step_started_ms = row.integer(8);
  rollout.reason = row.text(9);
  rollout.actor = row.text(10);
  rollout.created_ms = row.integer(11);
  rollout.updated_ms = row.integer(12);
  return rollout;
}

TrafficEvent event_from(const store::Row& row) {
  TrafficEvent event;
  event.id = row.integer(0);
  event.route = row.text(1);
  event.rollout_id = row.integer(2);
  event.kind = row.text(3);
  event.actor = row.text(4);
  event.reason = row.text(5);
  event.detail = Json::parse(row.text(6));
  event.at_ms = row.integer(7);
  return event;
}

// A limit the caller got wrong reads nothing rather than everything.
int64_t row_limit(int limit) {
  return std::max(limit, 0);
}

}  // namespace

std::optional<Route> find_route(store::Transaction& tx, const std::string& name) {
  auto found = tx.query(
      std::string("SELECT ") + kRouteColumns + " FROM traffic_routes WHERE name = ?", {name});
  if (found.empty()) return std::nullopt;
  return route_from(found.front());
}

std::vector<Route> all_routes(store::Transaction& tx) {
  std::vector<Route> routes;
  for (const auto& row :
       tx.query(std::string("SELECT ") + kRouteColumns + " FROM traffic_routes ORDER BY name"))
    routes.push_back(route_from(row));
  return routes;
}

void insert_route(store::Transaction& tx, const Route& route) {
  tx.execute(std::string("INSERT INTO traffic_routes (") + kRouteColumns +
                 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             route_params(route));
}

Route change_route(store::Transaction& tx, const std::string& name,
                   const std::function<void(Route&)>& change, const TrafficEvent& event,
                   int64_t now_ms) {
  const auto current = find_route(tx, name);
  if (!current) {
    throw TrafficError(TrafficError::Code::NotFound, "Route \"" + name + "\" does not exist.");
  }
  Route next = *current;
  if (change) change(next);
  if (next.name != name) {
    throw TrafficError(TrafficError::Code::Invalid,
                       "A route cannot be renamed (\"" + name + "\" to \"" + next.name + "\").");
  }
  check_route(next);
  // Identity and bookkeeping belong to the store, whatever the change did to them.
  next.created_ms = current->created_ms;
  next.generation = current->generation + 1;
  next.updated_ms = now_ms;
  store::Params params = route_params(next);
  params.erase(params.begin());  // the name goes last, in the WHERE clause
  params.push_back(name);
  tx.execute(
      "UPDATE traffic_routes SET stable = ?, canary = ?, canary_weight_bp = ?, salt = ?, "
      "shadows = ?, fallback = ?, generation = ?, created_ms = ?, updated_ms = ? WHERE name = ?",
      params);
  if (next.stable != current->stable) {
    append_stable_change(tx, name, next.stable, current->stable, event.actor, event.reason, now_ms);
  }
  return next;
}

void append_stable_change(store::Transaction& tx, const std::string& route,
                          const std::string& version, const std::string& previous,
                          const std::string& actor, const std::string& reason, int64_t at_ms) {
  tx.execute(
      "INSERT INTO traffic_stable_history (route, seq, version, previous, actor, reason, at_ms) "
      "SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ? FROM traffic_stable_history "
      "WHERE route = ?",
      {route, version, previous, actor, reason, at_ms, route});
}

std::vector<StableChange> stable_history(store::Transaction& tx, const std::string& route,
                                         int limit) {
  std::vector<StableChange> changes;
  for (const auto& row :
       tx.query("SELECT seq, version, previous, actor, reason, at_ms FROM traffic_stable_history "
                "WHERE route = ? ORDER BY seq DESC LIMIT ?",
                {route, row_limit(limit)})) {
    changes.push_back(
        {row.integer(0), row.text(1), row.text(2), row.text(3), row.text(4), row.integer(5)});
  }
  return changes;
}

std::optional<Rollout> find_rollout(store::Transaction& tx, int64_t id) {
  auto found = select_rollouts(tx, "id = ?", {id}, 1);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::optional<Rollout> active_rollout(store::Transaction& tx, const std::string& route) {
  auto found = select_rollouts(
      tx, "route = ? AND state IN (?, ?)",
      {route, to_string(RolloutState::Running), to_string(RolloutState::Paused)}, 1);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<Rollout> select_rollouts(store::Transaction& tx, const std::string& where,
                                     const store::Params& params, int limit) {
  store::Params all = params;
  all.emplace_back(row_limit(limit));
  std::vector<Rollout> rollouts;
  for (const auto& row :
       tx.query(std::string("SELECT ") + kRolloutColumns + " FROM traffic_rollouts" +
                    (where.empty() ? "" : " WHERE " + where) + " ORDER BY id DESC LIMIT ?",
                all))
    rollouts.push_back(rollout_from(row));
  return rollouts;
}

std::optional<int64_t> insert_rollout(store::Transaction& tx, const Rollout& rollout) {
  // DO NOTHING rather than an error: a body may not catch a refused statement (PostgreSQL
  // aborts the transaction), and the caller turns "no row" into a Conflict.
  auto inserted = tx.query(
      "INSERT INTO traffic_rollouts (route, stable, canary, plan, salt, state, step, "
      "step_started_ms, reason, actor, created_ms, updated_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
      {rollout.route, rollout.stable, rollout.canary, plan_to_json(rollout.plan).dump(),
       rollout.salt, to_string(rollout.state), int64_t{rollout.step}, rollout.step_started_ms,
       rollout.reason, rollout.actor, rollout.created_ms, rollout.updated_ms});
  if (inserted.empty()) return std::nullopt;
  return inserted.front().integer(0);
}

void update_rollout(store::Transaction& tx, const Rollout& rollout) {
  tx.execute(
      "UPDATE traffic_rollouts SET stable = ?, canary = ?, plan = ?, salt = ?, state = ?, "
      "step = ?, step_started_ms = ?, reason = ?, actor = ?, updated_ms = ? WHERE id = ?",
      {rollout.stable, rollout.canary, plan_to_json(rollout.plan).dump(), rollout.salt,
       to_string(rollout.state), int64_t{rollout.step}, rollout.step_started_ms, rollout.reason,
       rollout.actor, rollout.updated_ms, rollout.id});
}

void record(store::Transaction& tx, TrafficEvent& event, const std::string& route, int64_t at_ms) {
  event.route = route;
  event.at_ms = at_ms;
  auto inserted = tx.query(
      "INSERT INTO traffic_events (route, rollout_id, kind, actor, reason, detail, at_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {event.route, event.rollout_id, event.kind, event.actor, event.reason, event.detail.dump(),
       event.at_ms});
  event.id = inserted.front().integer(0);
  tx.notify(kTrafficChannel, route);
}

std::vector<TrafficEvent> select_events(store::Transaction& tx, const std::string& route,
                                        int64_t rollout_id, int limit) {
  store::Params params{route};
  std::string sql = std::string("SELECT ") + kEventColumns + " FROM traffic_events WHERE route = ?";
  if (rollout_id != 0) {
    sql += " AND rollout_id = ?";
    params.emplace_back(rollout_id);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(row_limit(limit));
  std::vector<TrafficEvent> events;
  for (const auto& row : tx.query(sql, params)) events.push_back(event_from(row));
  return events;
}

}  // namespace slipway::traffic::rows
