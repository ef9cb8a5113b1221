#pragma once
// One loaded base model per folder: its package (weights, tokenizer) and its scheduler, shared
// by every backend built on it (the model served by name and its LoRA adapters), so requests
// for different adapters batch together in one scheduler. Held weakly: an engine lives while a
// backend (or a request still running on an unloaded one) holds it, and the next load of the
// folder after that loads it again. The first load of a folder decides its engine settings.
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "app/serve/serve_config.h"
#include "engine/compute_pool.h"
#include "engine/model_package.h"
#include "engine/scheduler.h"

namespace slipway::app {

struct BaseEngine {
  std::filesystem::path folder;  // canonical
  EngineSettings settings;       // of the load that created it
  std::shared_ptr<const engine::ModelPackage> package;
  std::shared_ptr<engine::Scheduler> scheduler;
};

// The key engines are shared by: the canonical folder (its absolute form when it is missing).
std::string base_engine_key(const std::filesystem::path& folder);

engine::SchedulerConfig scheduler_config(const EngineSettings& settings);

class BaseEngines {
 public:
  explicit BaseEngines(engine::ComputePool& pool) : pool_(pool) {}
  BaseEngines(const BaseEngines&) = delete;
  BaseEngines& operator=(const BaseEngines&) = delete;

  // The live engine of `folder`, else one loaded now with `settings`. Loads run one at a time,
  // so two loads of one folder never make two engines.
  std::shared_ptr<const BaseEngine> acquire(const std::filesystem::path& folder,
                                            const EngineSettings& settings);
  // The live engine of that key, or null; never loads.
  std::shared_ptr<const BaseEngine> find(const std::string& key) const;

 private:
  engine::ComputePool& pool_;
  std::mutex load_mutex_;  // held while loading
  mutable std::mutex map_mutex_;
  std::map<std::string, std::weak_ptr<const BaseEngine>> engines_;
};

}  // namespace slipway::app
