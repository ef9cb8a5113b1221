#include "app/serve/backend_factory.h"

#include <chrono>
#include <cstdlib>

#include "backends/embedded/embedded_backend.h"
#include "backends/upstream/upstream_backend.h"
#include "engine/model_package.h"
#include "engine/scheduler.h"

namespace slipway::app {
namespace {

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

engine::SchedulerConfig scheduler_config(const EngineSettings& settings) {
  engine::SchedulerConfig config;
  config.block_size = settings.block_size;
  config.kv_cache_bytes = static_cast<int64_t>(settings.kv_cache_mb * 1024.0 * 1024.0);
  config.max_num_seqs = settings.max_num_seqs;
  config.max_batch_tokens = settings.max_batch_tokens;
  config.max_waiting = settings.max_waiting;
  config.prefix_caching = settings.prefix_caching;
  return config;
}

std::shared_ptr<backends::Backend> make_embedded(const ModelSettings& model,
                                                 engine::ComputePool& pool) {
  auto package = engine::ModelPackage::load(model.path);
  auto scheduler =
      std::make_shared<engine::Scheduler>(package, pool, scheduler_config(model.engine));
  backends::EmbeddedOptions options;
  options.name = model.name;
  options.created = unix_now();
  return std::make_shared<backends::EmbeddedBackend>(options, package, scheduler);
}

std::shared_ptr<backends::Backend> make_upstream(const ModelSettings& model,
                                                 boost::asio::io_context& io) {
  const UpstreamSettings& upstream = *model.upstream;
  backends::UpstreamOptions options;
  options.name = model.name;
  options.base_url = upstream.base_url;
  if (!upstream.api_key_env.empty()) {
    const char* key = std::getenv(upstream.api_key_env.c_str());
    if (key == nullptr || *key == '\0')
      throw ConfigError("model \"" + model.name + "\": the environment variable " +
                        upstream.api_key_env + " (upstream.api_key_env) is not set");
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

}  // namespace

std::shared_ptr<backends::Backend> make_backend(const ModelSettings& model,
                                                engine::ComputePool& pool,
                                                boost::asio::io_context& io) {
  return model.upstream ? make_upstream(model, io) : make_embedded(model, pool);
}

}  // namespace slipway::app
