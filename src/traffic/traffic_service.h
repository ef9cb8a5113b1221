#pragma once
// The traffic part as the server and the CLI use it: routes, the per-request pick, rollouts and
// their controller, rollback with hot standby. Commands take and return JSON (the admin API's
// bodies, docs/admin-api.md), so the admin API and `slipway routes|rollout|rollback` share one
// implementation. Thread-safe.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "registry/registry.h"
#include "store/clock.h"
#include "store/store.h"
#include "traffic/gate_figures.h"
#include "traffic/json.h"
#include "traffic/route_actions.h"
#include "traffic/route_store.h"
#include "traffic/route_table.h"
#include "traffic/version_backends.h"

namespace slipway::traffic {

struct TrafficOptions {
  int standby_versions = 1;  // previous stable versions kept loaded per route for rollback
  std::chrono::milliseconds health_timeout{2'000};  // a target's health check before a switch
  std::chrono::milliseconds tick_interval{1'000};   // the rollout controller's period
  bool run_controller = true;                   // false: tick() only when called (tests, the CLI)
  std::string production_alias = "production";  // moved on completion and rollback
};

// A request's route decision with the backends to use; the backends are held, so a request
// finishes on the version it started on whatever switches meanwhile.
struct RoutedRequest {
  RoutePick pick;
  std::shared_ptr<backends::Backend> primary;   // null: the picked version is not loaded
  std::shared_ptr<backends::Backend> fallback;  // may be null
  struct Shadow {
    std::string version;
    std::shared_ptr<backends::Backend> backend;  // null: not loaded (counted, skipped)
  };
  std::vector<Shadow> shadows;
};

class TrafficService : public RouteActions {
 public:
  // `versions` null: no models here (the CLI on a store): commands that need a health check
  // need force, and arms are not loaded. `figures` null: gates all wait.
  TrafficService(store::Store& store, registry::Registry& registry, VersionBackends* versions,
                 GateFigures* figures, TrafficOptions options,
                 store::WallClock clock = store::system_now_ms);
  ~TrafficService() override;  // stops the controller and the subscription
  TrafficService(const TrafficService&) = delete;
  TrafficService& operator=(const TrafficService&) = delete;

  // Loads every route into the table, follows changes from any process (applied within the
  // store's notification delay), loads the versions routes need (arms, shadows, standby), and
  // starts the controller thread when options.run_controller.
  void start();

  // Per request, on I/O threads: nullopt when `name` is no route.
  std::optional<RoutedRequest> route(const std::string& name, const std::string& user) const;
  bool has_route(const std::string& name) const;
  std::vector<Route> routes() const;  // the table as requests see it

  // Commands. Each throws TrafficError or registry::RegistryError with a clear message.
  // Bodies are documented in docs/admin-api.md.
  Json list_routes();
  Json show_route(const std::string& name);  // route, active rollout with gates, history
  // {"name", "stable": ref, "shadows"?: [refs], "fallback"?: ref}; refs may be aliases, they are
  // pinned to "model/N" here.
  Json create_route(const Json& body, const std::string& actor);
  // {"shadows"?, "fallback"?} (null clears)
  Json update_route(const std::string& name, const Json& body, const std::string& actor);
  void delete_route(const std::string& name, const std::string& actor);

  // {"canary": ref, "steps"?: [..], "min_duration"?, "min_requests"?, "on_gate_fail"?,
  //  "gates"?: {...}} (plan_from_json)
  Json start_rollout(const std::string& route, const Json& body, const std::string& actor);
  // The active (or last) rollout: plan, step, weight, gates now with both arms' figures, events.
  Json rollout_status(const std::string& route);
  Json promote(const std::string& route, const std::string& actor, const std::string& reason);
  Json pause(const std::string& route, const std::string& actor, const std::string& reason);
  Json resume(const std::string& route, const std::string& actor, const std::string& reason);
  Json abort(const std::string& route, const std::string& actor, const std::string& reason);
  // {"to"?: ref, "force"?: bool, "reason"?: text}: the previous stable version (or `to`) serves
  // all traffic; an active rollout ends RolledBack; the production alias follows. The target is
  // health-checked first (Unhealthy unless force). Returns the route and how long it took.
  Json rollback(const std::string& route, const Json& body, const std::string& actor);
  Json events(const std::string& route, int limit);

  // RouteActions, for alert rules.
  bool pause_rollout(const std::string& route, const std::string& actor,
                     const std::string& reason) override;
  void roll_back(const std::string& route, const std::string& actor,
                 const std::string& reason) override;

  // One controller pass over the active rollouts (the thread calls it every tick_interval).
  void tick();

  RouteStore& route_store();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace slipway::traffic
