#pragma once
// The models a running server serves, as registered versions: loads a version under a served
// name after the admission check against the memory budget and the artifact check, unloads
// it, lists what is loaded with its memory, and lets clients name a loaded version by
// "name@alias" or "name/3" as well as by its served name. Implements the admin API's
// http::ModelLoader; the models of the serve config load through it at start too.
// Embedded versions and LoRA adapters share one engine per (base) folder: an adapter costs its
// file, and at most engine.max_loras adapters are served on one base.
// Thread-safe: admin requests run on a pool, registry notifications on a store thread.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "app/serve/alias_cache.h"
#include "app/serve/base_engines.h"
#include "app/serve/memory_budget.h"
#include "app/serve/serve_config.h"
#include "app/serve/version_loader.h"
#include "backends/backend_set.h"
#include "engine/compute_pool.h"
#include "http/admin/model_loader.h"
#include "registry/registry.h"

namespace slipway::app {

class ServedModels : public http::ModelLoader {
 public:
  struct Options {
    EngineSettings engine;            // for versions loaded through the admin API
    int64_t memory_budget_bytes = 0;  // weights + KV caches of everything loaded
    // Every loaded backend is wrapped in a GuardedBackend (circuit breaker) and handed to the
    // health checker, unless failover is disabled.
    FailoverSettings failover;
    std::shared_ptr<backends::HealthChecker> health_checker;  // may be null: no checks
  };

  ServedModels(registry::Registry& registry, std::shared_ptr<backends::BackendSet> backends,
               engine::ComputePool& pool, boost::asio::io_context& io, Options options);
  // Unsubscribes from the registry and removes the resolver from the backend set.
  ~ServedModels() override;
  ServedModels(const ServedModels&) = delete;
  ServedModels& operator=(const ServedModels&) = delete;

  // Installs the "name@alias" / "name/3" resolver on the backend set and follows registry
  // changes to keep it current.
  void start_resolving();

  struct Loaded {
    backends::Json entry;  // as list() shows it
    bool already = false;  // the same version was already served under that name
  };
  // Checks (archived, admission, adapters per base, artifacts), builds the backend and serves
  // it. Throws ServeRefusal, backends::ApiError (409 name taken), registry::RegistryError, or
  // what loading the model throws.
  Loaded load_version(const registry::Version& version, const VersionServing& serving);

  // http::ModelLoader
  backends::Json list() override;
  backends::Json load(const backends::Json& body, const std::string& actor) override;
  void unload(const std::string& name, const std::string& actor) override;

  int64_t memory_used_bytes() const;
  int64_t memory_budget_bytes() const { return options_.memory_budget_bytes; }

 private:
  struct Entry {
    std::string name;
    std::string model;
    int64_t version = 0;
    std::string label;
    registry::SourceKind source = registry::SourceKind::Embedded;
    std::string base;  // LoRA: the base version, "name/N"
    MemoryUse memory;
    int64_t loaded_at = 0;  // unix seconds
    bool pending = false;   // admitted, still loading
  };
  static backends::Json to_json(const Entry& entry);
  int64_t used_locked() const;
  // Throws ServeRefusal 409 too_many_adapters when the base of `use` has max_loras adapters.
  void check_adapter_room_locked(const registry::Version& version, const MemoryUse& use,
                                 const EngineSettings& engine) const;
  // The folder of the loaded engine that serves `base` (model/version), or empty.
  std::filesystem::path loaded_base_folder(const std::string& base) const;
  std::string default_served_name(const registry::Version& version) const;
  void refresh_model(const std::string& model);  // the alias cache's copy of a model

  registry::Registry& registry_;
  std::shared_ptr<backends::BackendSet> backends_;
  boost::asio::io_context& io_;
  const Options options_;
  std::shared_ptr<AliasCache> aliases_ = std::make_shared<AliasCache>();
  BaseEngines engines_;

  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;  // by served name, loaded and pending

  std::unique_ptr<store::Subscription> subscription_;  // last: dropped first
};

}  // namespace slipway::app
