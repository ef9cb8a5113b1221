#include "app/serve/failover_config.h"

namespace slipway::app {

void read_failover_config(YamlSection section, FailoverSettings& failover) {
  section.read("enabled", failover.enabled);
  read_range(section, "failure_threshold", failover.circuit.failure_threshold, 1, 1'000);
  read_seconds(section, "open_seconds", failover.circuit.open_for, 3'600);
  read_range(section, "half_open_probes", failover.circuit.half_open_probes, 1, 100);
  read_seconds(section, "health_interval_seconds", failover.health.interval, 3'600);
  read_seconds(section, "health_timeout_seconds", failover.health.timeout, 600);
  read_range(section, "failures_to_remove", failover.health.failures_to_remove, 1, 100);
  read_seconds(section, "cooldown_seconds", failover.health.cooldown, 3'600);
  section.reject_unknown_keys();
}

void read_key_defaults(YamlSection section, http::ServerOptions& server) {
  constexpr int64_t kMax = int64_t{1} << 40;
  read_range(section, "requests_per_minute", server.key_requests_per_minute, 0, kMax);
  read_range(section, "tokens_per_minute", server.key_tokens_per_minute, 0, kMax);
  read_range(section, "max_streams", server.key_max_streams, 0, 1'000'000);
  section.reject_unknown_keys();
}

}  // namespace slipway::app
