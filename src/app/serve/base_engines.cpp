#include "app/serve/base_engines.h"

#include <system_error>

namespace slipway::app {

std::string base_engine_key(const std::filesystem::path& folder) {
  std::error_code error;
  std::filesystem::path canonical = std::filesystem::canonical(folder, error);
  if (error) canonical = std::filesystem::absolute(folder).lexically_normal();
  return canonical.string();
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

std::shared_ptr<const BaseEngine> BaseEngines::find(const std::string& key) const {
  std::lock_guard lock(map_mutex_);
  auto it = engines_.find(key);
  return it == engines_.end() ? nullptr : it->second.lock();
}

std::shared_ptr<const BaseEngine> BaseEngines::acquire(const std::filesystem::path& folder,
                                                       const EngineSettings& settings) {
  const std::string key = base_engine_key(folder);
  std::lock_guard loading(load_mutex_);
  if (auto live = find(key)) return live;
  auto engine = std::make_shared<BaseEngine>();
  engine->folder = key;
  engine->settings = settings;
  engine->package = engine::ModelPackage::load(key);
  engine->scheduler =
      std::make_shared<engine::Scheduler>(engine->package, pool_, scheduler_config(settings));
  std::lock_guard lock(map_mutex_);
  for (auto it = engines_.begin(); it != engines_.end();)  // forget engines that are gone
    it = it->second.expired() ? engines_.erase(it) : std::next(it);
  engines_[key] = engine;
  return engine;
}

}  // namespace slipway::app
