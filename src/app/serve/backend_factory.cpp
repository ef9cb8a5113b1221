#include "app/serve/backend_factory.h"

#include <chrono>
#include <cstdlib>

#include "backends/embedded/embedded_backend.h"
#include "backends/upstream/upstream_backend.h"

namespace slipway::app {
namespace {

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::shared_ptr<backends::Backend> make_embedded_backend(
    const std::string& name, const std::shared_ptr<const BaseEngine>& engine,
    std::shared_ptr<const engine::LoraAdapter> adapter, const std::string& parent) {
  backends::EmbeddedOptions options;
  options.name = name;
  options.created = unix_now();
  options.adapter = std::move(adapter);
  options.parent = parent;
  // An aliasing pointer: the backend's scheduler shares ownership of the whole engine. The
  // package goes as it is, because request states (owned by the scheduler's sequences) keep
  // it: owning the engine through them would let the loop thread destroy its own scheduler.
  std::shared_ptr<engine::Scheduler> scheduler(engine, engine->scheduler.get());
  return std::make_shared<backends::EmbeddedBackend>(options, engine->package,
                                                     std::move(scheduler));
}

std::shared_ptr<backends::Backend> make_upstream_backend(const std::string& name,
                                                         const UpstreamSettings& upstream,
                                                         boost::asio::io_context& io) {
  backends::UpstreamOptions options;
  options.name = name;
  options.base_url = upstream.base_url;
  if (!upstream.api_key_env.empty()) {
    const char* key = std::getenv(upstream.api_key_env.c_str());
    if (key == nullptr || *key == '\0')
      throw ConfigError("model \"" + name + "\": the environment variable " + upstream.api_key_env +
                        " (upstream.api_key_env) is not set");
    options.api_key = key;
  }
  options.upstream_model = upstream.model;
  options.connect_timeout = seconds_to_ms(upstream.connect_timeout_seconds);
  options.read_timeout = seconds_to_ms(upstream.read_timeout_seconds);
  options.max_idle_connections = upstream.max_idle_connections;
  options.verify_tls = upstream.verify_tls;
  options.ca_file = upstream.ca_file;
  return std::make_shared<backends::UpstreamBackend>(io, options);
}

}  // namespace slipway::app
