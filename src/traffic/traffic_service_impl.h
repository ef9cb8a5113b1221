#pragma once
// The state TrafficService's files share (traffic_service.cpp: lifecycle, picks and routes;
// rollout_commands.cpp: rollouts and the controller; rollback.cpp: rollback and health checks;
// version_upkeep.cpp: keeping the versions routes need loaded).
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "traffic/traffic_error.h"
#include "traffic/traffic_service.h"

namespace slipway::traffic {

struct TrafficService::Impl {
  Impl(store::Store& store, registry::Registry& registry, VersionBackends* versions,
       GateFigures* figures, TrafficOptions options, store::WallClock clock);

  registry::Registry& registry;
  VersionBackends* versions;
  GateFigures* figures;
  const TrafficOptions options;
  store::WallClock clock;
  RouteStore routes;
  RouteTable table;

  // Pins a user's reference ("m@production", "m/3", "m/label", "m") to "model/N".
  registry::Version pin(const std::string& ref);
  // Follows a change here or in another process: with models here, the loader thread loads
  // the versions the route now needs, then publishes it (requests never pick a version that is
  // still loading); without, the route is published at once.
  void refresh(const std::string& route);
  // Reads a route from the store into the table now (erases it when it is gone).
  void publish_stored(const std::string& route);
  // Loads what a route needs (arms, shadows, fallback, standby versions); errors are logged.
  void keep_loaded(const Route& route);
  // Loads a version now; TrafficError(Unavailable) when there is no server here.
  void load_now(const std::string& version);
  // Health-checks a loaded version; the reason it is unhealthy, or "" when healthy.
  std::string health_problem(const std::string& version);
  // Moves the production alias (and the stage, as far as the rules allow) to `version`; a
  // failure becomes an event, never an error for the caller (the route already switched).
  void follow_in_registry(const std::string& route, int64_t rollout_id, const std::string& version,
                          const std::string& actor);
  // The follow is a write after the route's own: a crash in between leaves the alias behind.
  // At start, follows again when the alias is not on the route's stable version and has not
  // moved since the route's last stable change (a later move by hand stands).
  void catch_up_in_registry(const Route& route);
  Route require_route(const std::string& name);
  Rollout require_active(const std::string& route);
  // The figures of both arms of a rollout over its current step's window.
  std::pair<ArmFigures, ArmFigures> arm_figures(const Rollout& rollout, int64_t now_ms);
  Json status_json(const Rollout& rollout);
  // Applies a rollout transition and publishes the route here at once.
  std::optional<RouteStore::Transition> apply(const Rollout& expected, Rollout next,
                                              const std::function<void(Route&)>& route_change,
                                              TrafficEvent event);
  void publish(const Route& route) { table.put(route); }

  // The background threads: the controller's ticks and the loader's queue of routes.
  void start_threads(TrafficService& service);
  void stop_threads();
  void queue_upkeep(const std::string& route);

  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::deque<std::string> upkeep_queue;
  std::thread controller;
  std::thread loader;
  std::unique_ptr<store::Subscription> subscription;
};

// Common event construction.
TrafficEvent make_event(std::string kind, const std::string& actor, std::string reason,
                        Json detail = Json::object());
// "model/N" → (model, N); throws TrafficError(Invalid).
std::pair<std::string, int64_t> split_version(const std::string& version);

}  // namespace slipway::traffic
