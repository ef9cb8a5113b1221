// slipway serve: the OpenAI-compatible server over embedded models and upstream servers.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/commands.h"
#include "app/data_location.h"
#include "app/serve/config_registration.h"
#include "app/serve/demo_model.h"
#include "app/serve/feedback_config.h"
#include "app/serve/memory_budget.h"
#include "app/serve/model_loader.h"
#include "app/serve/serve_config.h"
#include "app/serve/served_monitoring.h"
#include "app/serve/served_traffic.h"
#include "backends/backend_set.h"
#include "engine/compute_pool.h"
#include "feedback/feedback_log.h"
#include "http/admin/admin_api.h"
#include "http/server.h"
#include "monitor/serving_metrics.h"
#include "registry/registry.h"
#include "store/store_error.h"

namespace slipway::app {
namespace {

// Flags override the YAML file; unset flags leave it alone.
struct ServeArgs {
  std::string config;
  std::string model;
  std::string served_model_name;
  std::optional<std::string> data_dir;
  std::optional<std::string> store;
  std::optional<double> memory_budget_mb;
  std::optional<std::string> host;
  std::optional<int> port;
  std::optional<int> threads;
  std::optional<double> kv_cache_mb;
  std::optional<int32_t> block_size;
  std::optional<int64_t> max_num_seqs;
  std::optional<int64_t> max_batch_tokens;
  std::optional<int64_t> max_waiting;
  std::optional<double> request_timeout;
  std::optional<double> drain_timeout;
  std::optional<std::size_t> max_body_bytes;
  std::optional<int64_t> max_lora_rank;
  std::optional<int64_t> max_loras;
  std::vector<std::string> loras;  // NAME=DIR adapters over --model
  bool no_prefix_caching = false;
  bool no_feedback_log = false;
};

void apply_engine_flags(const ServeArgs& args, EngineSettings& engine) {
  if (args.threads) engine.threads = *args.threads;
  if (args.kv_cache_mb) engine.kv_cache_mb = *args.kv_cache_mb;
  if (args.block_size) engine.block_size = *args.block_size;
  if (args.max_num_seqs) engine.max_num_seqs = *args.max_num_seqs;
  if (args.max_batch_tokens) engine.max_batch_tokens = *args.max_batch_tokens;
  if (args.max_waiting) engine.max_waiting = *args.max_waiting;
  if (args.no_prefix_caching) engine.prefix_caching = false;
  if (args.max_lora_rank) engine.max_lora_rank = *args.max_lora_rank;
  if (args.max_loras) engine.max_loras = *args.max_loras;
}

// `--lora NAME=DIR` adapters over the model of --model (named `base`).
void add_flag_adapters(const ServeArgs& args, const std::string& base, ServeConfig& config) {
  for (const auto& text : args.loras) {
    const auto equals = text.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == text.size())
      throw ConfigError("--lora " + text + ": expected NAME=DIR (an adapter folder)");
    if (base.empty())
      throw ConfigError("--lora " + text + ": adapters go over --model, which is not given");
    ModelSettings model;
    model.name = text.substr(0, equals);
    model.adapter = text.substr(equals + 1);
    model.base = base;
    model.engine = config.engine;
    config.models.push_back(std::move(model));
  }
}

// `--model` names a registered version when it is no folder and reads as a reference.
bool is_version_ref_arg(const std::string& text) {
  std::error_code error;
  return !std::filesystem::is_directory(text, error) && registry::looks_like_version_ref(text);
}

ServeConfig build_config(const ServeArgs& args) {
  ServeConfig config = args.config.empty() ? ServeConfig{} : load_serve_config(args.config);
  auto& server = config.server;
  if (args.host) server.host = *args.host;
  if (args.port) server.port = static_cast<uint16_t>(*args.port);
  if (args.request_timeout) server.request_timeout = seconds_to_ms(*args.request_timeout);
  if (args.drain_timeout) server.drain_timeout = seconds_to_ms(*args.drain_timeout);
  if (args.max_body_bytes) server.max_body_bytes = *args.max_body_bytes;
  if (args.data_dir) config.state.data_dir = *args.data_dir;
  if (args.store) config.state.store = *args.store;
  if (args.memory_budget_mb) config.state.memory_budget_mb = *args.memory_budget_mb;
  apply_engine_flags(args, config.engine);
  if (args.no_feedback_log) config.feedback.enabled = false;
  for (auto& model : config.models) apply_engine_flags(args, model.engine);

  std::string flag_model;  // the served name of --model, the base of --lora adapters
  if (!args.model.empty() && is_version_ref_arg(args.model)) {
    // A registered version: served under its model's name unless told otherwise.
    ModelSettings model;
    model.version = args.model;
    model.name = !args.served_model_name.empty() ? args.served_model_name
                                                 : registry::parse_version_ref(args.model).model;
    model.engine = config.engine;
    flag_model = model.name;
    config.models.push_back(std::move(model));
  } else {
    std::filesystem::path folder = args.model;
    if (folder.empty() && config.models.empty()) {
      folder = ensure_demo_model();
      std::fprintf(stderr,
                   "slipway: no model given: serving the demo model in %s (random weights, so "
                   "its text is gibberish; use --model DIR for a real one)\n",
                   folder.c_str());
    }
    if (!folder.empty()) {
      ModelSettings model;
      model.path = folder;
      model.name = !args.served_model_name.empty() ? args.served_model_name
                   : args.model.empty()            ? std::string("demo")
                                                   : folder.lexically_normal().filename().string();
      if (model.name.empty()) model.name = folder.lexically_normal().parent_path().filename();
      model.engine = config.engine;
      if (!args.model.empty()) flag_model = model.name;
      config.models.push_back(std::move(model));
    }
  }
  add_flag_adapters(args, flag_model, config);
  if (const char* key = std::getenv("SLIPWAY_API_KEY"); key && *key) server.api_key = key;
  validate_serve_config(config);
  return config;
}

// The registered version a configured model serves: looked up when the config names one,
// else registered now (idempotently; an adapter over `lora_base`, its base's version). `how`
// says which, for the log.
registry::Version configured_version(registry::Registry& registry, const ModelSettings& model,
                                     const std::string& lora_base, VersionServing& serving,
                                     std::string& how) {
  if (!model.version.empty()) {
    registry::Version version = registry.get_version(registry::parse_version_ref(model.version));
    how = "by reference " + model.version;
    return version;
  }
  const std::string name = registry_model_name(model.name);
  if (name.empty())
    throw ConfigError("model \"" + model.name + "\": no registry name can be made of it");
  ConfiguredVersion configured = register_configured_model(registry, name, model, lora_base);
  how = configured.created ? "registered now" : "already registered";
  serving.folder = configured.folder;
  serving.verified = true;  // registration has just checked the folder
  return std::move(configured.version);
}

// Stops the monitor's evaluator (whose alert actions use the traffic part) when it goes.
struct StopMonitorFirst {
  std::shared_ptr<monitor::MonitorService> monitor;
  ~StopMonitorFirst() {
    if (monitor) monitor->stop();
  }
};

void run_serve(const ServeArgs& args) {
  const ServeConfig config = build_config(args);
  // The registry's store first: a database migrated by a newer slipway stops the start here.
  std::unique_ptr<store::Store> store;
  std::optional<registry::Registry> reg;
  try {
    store = open_store(DataLocation{config.state.data_dir, config.state.store});
    reg.emplace(*store);
  } catch (const store::StoreError& e) {
    throw std::runtime_error(std::string("the registry store: ") + e.what());
  }
  std::fprintf(stderr, "slipway: registry in %s\n", store->describe().c_str());
  // The response log shares the registry's store (its tables migrate here).
  std::shared_ptr<feedback::FeedbackLog> feedback_log;
  try {
    feedback_log = std::make_shared<feedback::FeedbackLog>(*store, config.feedback);
  } catch (const store::StoreError& e) {
    throw std::runtime_error(std::string("the response log's store: ") + e.what());
  }
  std::fprintf(stderr, "slipway: response log in %s: %s\n", store->describe().c_str(),
               describe_feedback_settings(config.feedback).c_str());

  // Destruction runs bottom-up: the server first (with the admin API and its pool), then the
  // monitor's evaluator stops, then the traffic part (shadow copies cancelled, controller
  // stopped, metric windows flushed), then the monitor (judge calls cancelled, drift slots
  // flushed), then the loader and the backends (whose schedulers use the pool and whose upstream
  // clients use the io_context), then the pool and the io_context, then the response log (whose
  // destructor writes what is still queued, so nothing may log after it), and last the registry and
  // its store.
  boost::asio::io_context io;
  engine::ComputePool pool(config.engine.threads);
  auto backends = std::make_shared<backends::BackendSet>();
  auto metrics = std::make_shared<monitor::ServingMetrics>();
  ServedModels::Options loader_options;
  loader_options.engine = config.engine;
  loader_options.memory_budget_bytes = memory_budget_bytes(config.state.memory_budget_mb);
  loader_options.failover = config.failover;
  // Health checks run from start to the end of serving; the loader's backends are checked.
  std::shared_ptr<backends::HealthChecker> health_checker;
  if (config.failover.enabled) {
    health_checker = std::make_shared<backends::HealthChecker>();
    loader_options.health_checker = health_checker;
  }
  auto loader = std::make_shared<ServedModels>(*reg, backends, pool, io, loader_options);
  loader->start_resolving();
  ServedMonitoring monitoring(*store, config.monitoring, backends, io);
  std::fprintf(stderr, "slipway: monitoring: %s\n", describe_monitoring(config.monitoring).c_str());
  ServedTraffic traffic(*store, *reg, loader, backends, {feedback_log, monitoring.service},
                        config.traffic);
  // Alert actions reach the traffic part: they stop before it is destroyed.
  const StopMonitorFirst stop_monitor{monitoring.service};
  auto keys = std::make_shared<auth::KeyRing>(std::make_shared<auth::KeyStore>(*store),
                                              config.server.api_key);
  http::Server server(io, config.server, backends, metrics);
  server.set_keys(keys);
  server.set_feedback(feedback_log);
  server.set_traffic(traffic.service, traffic.shadow);
  server.set_windows(traffic.windows);
  server.set_monitor(monitoring.service);
  server.set_admin_api(std::make_shared<http::AdminApi>(&*reg, loader, feedback_log,
                                                        traffic.service, monitoring.service, keys));
  server.listen();

  // Models load while the server already answers /health with 503 "loading".
  std::atomic<bool> load_failed{false};
  std::string load_error;
  std::thread loading([&] {
    try {
      // Bases first, then the adapters over them (registered on their base's version).
      struct Served {
        std::string ref;  // "name/N"
        std::filesystem::path folder;
        EngineSettings engine;
      };
      std::map<std::string, Served> bases;
      for (const bool adapters : {false, true}) {
        for (const auto& model : config.models) {
          if (model.adapter.empty() == adapters) continue;
          std::string how;
          VersionServing serving;
          serving.engine = model.engine;
          std::string lora_base;
          if (adapters) {
            const Served& base = bases.at(model.base);
            lora_base = base.ref;
            serving.base_folder = base.folder;
            serving.engine = base.engine;  // an adapter runs on its base's engine
          }
          const registry::Version version =
              configured_version(*reg, model, lora_base, serving, how);
          serving.served_name = model.name;
          serving.upstream = model.upstream;
          const auto loaded = loader->load_version(version, serving);
          bases[model.name] = {version.ref(), serving_folder(version, serving), model.engine};
          const std::string on = adapters ? " on " + lora_base : "";
          std::fprintf(stderr, "slipway: serving %s (label %s, %s) as \"%s\"%s, %.1f MiB\n",
                       version.ref().c_str(), version.label.c_str(), how.c_str(),
                       model.name.c_str(), on.c_str(),
                       loaded.entry["memory_bytes"].get<double>() / static_cast<double>(kMiB));
        }
      }
      traffic.start(config.traffic);
      monitoring.start(traffic.service);
      server.set_ready(true);
    } catch (const backends::ApiError& e) {
      load_error = e.message;
      load_failed = true;
      server.shutdown();
    } catch (const std::exception& e) {
      load_error = e.what();
      load_failed = true;
      server.shutdown();
    }
  });
  server.run();
  loading.join();
  if (health_checker) health_checker->stop();
  if (load_failed) throw std::runtime_error(load_error);
}

}  // namespace

void register_serve_command(CLI::App& root) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = root.add_subcommand(
      "serve",
      "OpenAI-compatible server for embedded models and upstream servers (no model: a demo)");
  cmd->add_option("--config", args->config, "YAML configuration (docs/configuration.md)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--model", args->model,
                  "A Hugging Face model folder, or a registered version (name@alias, name/3, "
                  "name/label)")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            if (is_version_ref_arg(text)) return {};
            return CLI::ExistingDirectory(text);
          },
          "DIR|REF"));
  cmd->add_option("--served-model-name", args->served_model_name,
                  "The name clients send as \"model\" (default: the folder's or the registered "
                  "model's name)");
  cmd->add_option("--data", args->data_dir,
                  "Data folder of the registry (default: $SLIPWAY_DATA, else "
                  "~/.local/share/slipway)");
  cmd->add_option("--store", args->store,
                  "Registry database: a postgresql:// URL or a SQLite file (wins over --data)");
  cmd->add_option("--memory-budget-mb", args->memory_budget_mb,
                  "Memory the loaded models may take, weights and KV caches (default: 80% of "
                  "the machine's memory)")
      ->check(CLI::Range(1.0, 1e9));
  cmd->add_option("--host", args->host, "Address to bind (default 127.0.0.1)");
  cmd->add_option("--port", args->port, "Port (default 8000; 0: any free port)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--threads", args->threads, "Compute threads (0: one per core)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--kv-cache-mb", args->kv_cache_mb, "KV cache budget per model in MiB")
      ->check(CLI::Range(0.0, 1e7));
  cmd->add_option("--block-size", args->block_size, "Tokens per KV cache block")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--max-num-seqs", args->max_num_seqs, "Sequences in a running batch")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_option("--max-batch-tokens", args->max_batch_tokens,
                  "Tokens per scheduler step (chunked prefill budget)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_option("--max-waiting", args->max_waiting, "Waiting queue bound (429 beyond)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 24));
  cmd->add_option("--request-timeout", args->request_timeout, "Seconds a request may take")
      ->check(CLI::Range(0.001, 1e7));
  cmd->add_option("--drain-timeout", args->drain_timeout,
                  "Seconds in-flight requests get after SIGTERM")
      ->check(CLI::Range(0.0, 1e7));
  cmd->add_option("--max-body-bytes", args->max_body_bytes, "Largest request body (413 beyond)");
  cmd->add_option("--max-lora-rank", args->max_lora_rank,
                  "Largest LoRA rank an adapter may have (default 64)")
      ->check(CLI::Range(int64_t{1}, int64_t{4096}));
  cmd->add_option("--max-loras", args->max_loras,
                  "LoRA adapters served at once on one base model (default 8)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_option("--lora", args->loras,
                  "NAME=DIR: serve the LoRA adapter folder DIR as NAME over the --model model "
                  "(repeatable)");
  cmd->add_flag("--no-prefix-caching", args->no_prefix_caching,
                "Do not reuse KV blocks of identical prompt prefixes");
  cmd->add_flag("--no-feedback-log", args->no_feedback_log,
                "Log no answers and answer /v1/feedback with 503 (feedback.enabled: false)");
  cmd->callback([args] { run_serve(*args); });
}

}  // namespace slipway::app
