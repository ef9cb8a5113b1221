#pragma once
// RouteStore's building blocks inside one transaction: reading and writing the traffic tables'
// rows, and the checks a route or rollout passes before it is written. Private to
// route_store*.cpp; everything here is pure SQL and in-memory work, so a write body the store
// retries on a conflict can call it again safely.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"
#include "traffic/route.h"
#include "traffic/route_store.h"

namespace slipway::traffic::rows {

// --- checks (route_checks.cpp); each throws TrafficError(Invalid) naming the field ---
void check_route_name(const std::string& name);
// A pinned version "model/N"; `field` names it in the message.
void check_pinned_version(const std::string& field, const std::string& version);
void check_route(const Route& route);
void check_rollout(const Rollout& rollout);

// --- routes ---
std::optional<Route> find_route(store::Transaction& tx, const std::string& name);
std::vector<Route> all_routes(store::Transaction& tx);
void insert_route(store::Transaction& tx, const Route& route);
// Loads `name` (NotFound without it), applies `change` to a copy, checks it, bumps its
// generation, writes it and, when the stable version changed, a stable-history row with the
// event's actor and reason.
Route change_route(store::Transaction& tx, const std::string& name,
                   const std::function<void(Route&)>& change, const TrafficEvent& event,
                   int64_t now_ms);
void append_stable_change(store::Transaction& tx, const std::string& route,
                          const std::string& version, const std::string& previous,
                          const std::string& actor, const std::string& reason, int64_t at_ms);
std::vector<StableChange> stable_history(store::Transaction& tx, const std::string& route,
                                         int limit);

// --- rollouts ---
std::optional<Rollout> find_rollout(store::Transaction& tx, int64_t id);
std::optional<Rollout> active_rollout(store::Transaction& tx, const std::string& route);
// `where` is a condition on the rollouts table (may be empty); newest first.
std::vector<Rollout> select_rollouts(store::Transaction& tx, const std::string& where,
                                     const store::Params& params, int limit);
// The new id, or nullopt when the one-active-rollout index refused it.
std::optional<int64_t> insert_rollout(store::Transaction& tx, const Rollout& rollout);
void update_rollout(store::Transaction& tx, const Rollout& rollout);

// --- events ---
// Stamps the event (route, at_ms), inserts it and notifies kTrafficChannel with the route.
void record(store::Transaction& tx, TrafficEvent& event, const std::string& route, int64_t at_ms);
std::vector<TrafficEvent> select_events(store::Transaction& tx, const std::string& route,
                                        int64_t rollout_id, int limit);

}  // namespace slipway::traffic::rows
