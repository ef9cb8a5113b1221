#pragma once
// Durable routes, rollouts and events. Every change is one write transaction that also records
// its event and notifies kTrafficChannel, so an acknowledged change survives a crash and every
// replica learns it. Rollout transitions are conditional on the state they were decided from,
// so replicas ticking the same rollout apply each transition once. Thread-safe (the store is).
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/clock.h"
#include "store/store.h"
#include "traffic/route.h"

namespace slipway::traffic {

struct StableChange {
  int64_t seq = 0;       // 1, 2, ... per route
  std::string version;   // the stable version from then on
  std::string previous;  // the one before ("" for the first)
  std::string actor, reason;
  int64_t at_ms = 0;
};

class RouteStore {
 public:
  // Runs the traffic migrations (throws store::StoreError SchemaTooNew).
  explicit RouteStore(store::Store& store, store::WallClock clock = store::system_now_ms);

  std::vector<Route> list_routes();  // by name
  std::optional<Route> find_route(const std::string& name);
  // Throws TrafficError Invalid (name, versions not "model/N") or Conflict (exists).
  // Sets generation 1, times, a first stable-history row and a route_created event.
  Route create_route(Route route, const std::string& actor, const std::string& reason);
  // Applies `change` to the current row in one transaction (generation + 1, updated_ms), then
  // records `event` (its route, rollout_id and at_ms filled in) and, when the stable version
  // changed, a stable-history row. NotFound when the route does not exist; change may throw.
  Route update_route(const std::string& name, const std::function<void(Route&)>& change,
                     TrafficEvent event);
  // Conflict while a rollout is active.
  void delete_route(const std::string& name, const std::string& actor, const std::string& reason);
  // Newest first.
  std::vector<StableChange> stable_history(const std::string& route, int limit = 50);

  // Inserts the rollout (id, times filled in) and applies `route_change` to the route in the
  // same transaction; Conflict when the route already has an active rollout, NotFound without
  // the route.
  Rollout start_rollout(Rollout rollout, const std::function<void(Route&)>& route_change,
                        TrafficEvent event);
  std::optional<Rollout> active_rollout(const std::string& route);
  std::optional<Rollout> find_rollout(int64_t id);
  std::vector<Rollout> rollouts(const std::string& route, int limit = 20);  // newest first
  std::vector<Rollout> active_rollouts();
  struct Transition {
    Rollout rollout;
    Route route;
  };
  // Replaces the rollout by `next` (updated_ms set) and applies route_change (may be empty) to
  // its route, with the event, in one transaction, but only when the stored rollout still has
  // `expected`'s state, step and updated_ms; otherwise nothing is written and nullopt returned.
  std::optional<Transition> transition(const Rollout& expected, Rollout next,
                                       const std::function<void(Route&)>& route_change,
                                       TrafficEvent event);

  // Records an event that changes nothing else (e.g. shadow_failed, gate_missed details).
  void record_event(TrafficEvent event);
  // Newest first; rollout_id 0: all of the route's.
  std::vector<TrafficEvent> events(const std::string& route, int64_t rollout_id = 0,
                                   int limit = 100);

  // Calls back (on a store thread) with a route's name whenever any process changed it.
  std::unique_ptr<store::Subscription> on_change(std::function<void(const std::string&)> cb);

  store::Store& store() { return store_; }
  int64_t now_ms() const { return clock_(); }

 private:
  store::Store& store_;
  store::WallClock clock_;
};

}  // namespace slipway::traffic
