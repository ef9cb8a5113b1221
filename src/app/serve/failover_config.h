#pragma once
// The `failover:` section: circuit breaking per backend and the health checks that take a
// failing version out of rotation and probe it back in (backends/resilience).
#include "app/serve/yaml_section.h"

namespace slipway::app {

void read_failover_config(YamlSection section, FailoverSettings& failover);

// `keys:` — the limits of API keys that set none of their own (ServerOptions::key_*).
void read_key_defaults(YamlSection section, http::ServerOptions& server);

}  // namespace slipway::app
