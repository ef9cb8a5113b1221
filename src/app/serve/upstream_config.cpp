#include "app/serve/upstream_config.h"

namespace slipway::app {

UpstreamSettings read_upstream(YamlSection section) {
  UpstreamSettings upstream;
  section.read("base_url", upstream.base_url);
  section.read("api_key_env", upstream.api_key_env);
  section.read("model", upstream.model);
  section.read("connect_timeout_seconds", upstream.connect_timeout_seconds);
  section.read("read_timeout_seconds", upstream.read_timeout_seconds);
  section.read("max_idle_connections", upstream.max_idle_connections);
  section.read("verify_tls", upstream.verify_tls);
  section.read("ca_file", upstream.ca_file);
  section.reject_unknown_keys();
  return upstream;
}

}  // namespace slipway::app
