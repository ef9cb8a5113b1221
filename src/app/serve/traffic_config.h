#pragma once
// The `traffic:` and `routes:` sections of the serve YAML (docs/configuration.md): the rollout
// controller, hot standby and health checks, shadow copies, the per-minute metric windows, and
// routes to create at start (TrafficSettings in serve_config.h).
#include <string>

#include "app/serve/yaml_section.h"

namespace slipway::app {

// Reads `traffic:` over the defaults in `settings`; throws ConfigError (file and line).
void read_traffic_config(YamlSection section, TrafficSettings& settings);
// Reads the top mapping's `routes:` (a list of {name, stable, shadows, fallback}).
void read_routes_config(YamlSection& top, TrafficSettings& settings);

}  // namespace slipway::app
