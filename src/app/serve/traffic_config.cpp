#include "app/serve/traffic_config.h"

namespace slipway::app {

void read_traffic_config(YamlSection section, TrafficSettings& settings) {
  auto& options = settings.options;
  read_range(section, "standby_versions", options.standby_versions, 0, 16);
  read_seconds(section, "health_timeout_seconds", options.health_timeout, 600);
  read_seconds(section, "tick_seconds", options.tick_interval, 3600);
  section.read("production_alias", options.production_alias);
  if (options.production_alias.empty())
    section.fail_at("production_alias", "traffic.production_alias must not be empty");
  read_range(section, "shadow_max_in_flight", settings.shadow.max_in_flight, 0, 100'000);
  read_seconds(section, "shadow_timeout_seconds", settings.shadow.timeout, 86'400);
  std::chrono::milliseconds flush{settings.windows.flush_interval_ms};
  read_seconds(section, "window_flush_seconds", flush, 3600);
  settings.windows.flush_interval_ms = flush.count();
  read_range(section, "window_retention_days", settings.windows.retention_days, 1, 100'000);
  section.reject_unknown_keys();
}

void read_routes_config(YamlSection& top, TrafficSettings& settings) {
  const YAML::Node routes = top.child("routes");
  if (!routes || routes.IsNull()) return;
  if (!routes.IsSequence())
    top.fail("routes must be a list of {name, stable, shadows, fallback}", routes.Mark());
  for (std::size_t i = 0; i < routes.size(); ++i) {
    YamlSection section(routes[i], "routes[" + std::to_string(i) + "]", top.source());
    RouteSettings route;
    section.read("name", route.name);
    section.read("stable", route.stable);
    section.read("shadows", route.shadows);
    section.read("fallback", route.fallback);
    section.reject_unknown_keys();
    if (route.name.empty()) section.fail(section.where() + ": name is required");
    if (route.stable.empty())
      section.fail(section.where() + " (" + route.name + "): stable is required");
    for (const RouteSettings& other : settings.routes) {
      if (other.name == route.name)
        section.fail(section.where() + ": route \"" + route.name + "\" is listed twice");
    }
    settings.routes.push_back(std::move(route));
  }
}

}  // namespace slipway::app
