#pragma once
// The configuration of `slipway serve`: one YAML file (server, engine, models), every field
// with a default (docs/configuration.md), then overridden by command-line flags.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/resilience/circuit_breaker.h"
#include "backends/resilience/guarded_backend.h"
#include "feedback/log_settings.h"
#include "http/server.h"
#include "monitor/monitor_service.h"
#include "monitor/traffic_windows.h"
#include "traffic/shadow_mirror.h"
#include "traffic/traffic_service.h"

namespace slipway::app {

// A configuration mistake, with the file and line when it comes from YAML.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct EngineSettings {
  int threads = 0;                 // compute threads, 0: one per core (shared by every model)
  double kv_cache_mb = 0;          // KV cache budget per model; 0: the scheduler's default
  int32_t block_size = 16;         // tokens per KV block
  int64_t max_num_seqs = 64;       // sequences in a running batch
  int64_t max_batch_tokens = 128;  // tokens per scheduler step (chunked prefill budget)
  int64_t max_waiting = 1024;      // waiting queue bound (429 beyond)
  bool prefix_caching = true;
  int64_t max_lora_rank = 64;  // the largest LoRA rank an adapter may have
  int64_t max_loras = 8;       // LoRA adapters served at once on one base model
};

struct UpstreamSettings {
  std::string base_url;     // e.g. http://gpu-box:8000/v1
  std::string api_key_env;  // name of the environment variable holding its key
  std::string model;        // the upstream's model name; empty: the served name
  double connect_timeout_seconds = 10;
  double read_timeout_seconds = 120;
  int max_idle_connections = 16;
  bool verify_tls = true;
  std::string ca_file;
};

struct ModelSettings {
  std::string name;                          // what clients send as "model"
  std::filesystem::path path;                // an embedded model folder, or
  std::optional<UpstreamSettings> upstream;  // an upstream server, or
  std::string version;            // a registered version: "name@alias", "name/3", "name/label", or
  std::filesystem::path adapter;  // a LoRA adapter folder (PEFT) over `base`
  std::string base;       // adapters: the name of the embedded model (path or version) it adapts
  EngineSettings engine;  // the global engine settings with this model's overrides
};

// Where the server keeps its state (the registry) and how much memory its models may take.
// Read from the `server:` section next to http::ServerOptions.
struct StateSettings {
  std::string data_dir;         // --data; empty: $SLIPWAY_DATA, $XDG_DATA_HOME/slipway, ...
  std::string store;            // --store; a postgresql:// URL or a SQLite file; wins over data_dir
  double memory_budget_mb = 0;  // --memory-budget-mb; 0: 80% of the machine's memory
};

struct RouteSettings {
  std::string name;
  std::string stable;  // a version reference ("support@production", "support/3")
  std::vector<std::string> shadows;
  std::string fallback;
};

// The `traffic:` and `routes:` sections (traffic_config.h). Configured routes are created at
// start when the store does not have them; the store's routes win afterwards (they change at
// run time through rollouts and rollbacks).
struct TrafficSettings {
  traffic::TrafficOptions options;
  traffic::ShadowOptions shadow;
  monitor::WindowRecorderOptions windows;
  std::vector<RouteSettings> routes;
};

// The judge of the `monitoring:` section: a model this server answers with (a served name, a
// route or a registered version) or a private upstream (a hosted model), never both.
struct JudgeSettings {
  std::string model;
  std::optional<UpstreamSettings> upstream;
  monitor::JudgeOptions options;
  std::filesystem::path score_template;  // empty: the default
  std::filesystem::path pair_template;   // empty: the default
};

// The `monitoring:` section (monitoring_config.h): drift, quality, alerts and the judge.
struct MonitorSettings {
  bool enabled = true;
  monitor::MonitorServiceOptions service;
  std::optional<JudgeSettings> judge;
  std::filesystem::path phrases;  // refusal/uncertainty/stopword lists; empty: the defaults
  std::vector<std::string> webhook_secret_envs;  // per webhook: the signing secret's variable
};

// Failover (`failover:`, failover_config.h): circuit breaking and health checks per backend.
struct FailoverSettings {
  bool enabled = true;  // false: backends are used bare (no circuit, no health checks)
  backends::CircuitOptions circuit;
  backends::HealthCheckOptions health;
};

struct ServeConfig {
  http::ServerOptions server;
  StateSettings state;
  EngineSettings engine;
  std::vector<ModelSettings> models;
  feedback::LogSettings feedback;  // the response log and /v1/feedback (feedback_config.h)
  TrafficSettings traffic;
  MonitorSettings monitoring;
  FailoverSettings failover;
};

// Seconds as the config and flags spell durations, to the milliseconds the server counts in.
std::chrono::milliseconds seconds_to_ms(double seconds);

// Parses YAML text; `source` names it in errors. Unknown keys are errors (a typo must not be
// silently ignored). Relative model paths are taken relative to `base_dir`.
ServeConfig parse_serve_config(const std::string& yaml, const std::string& source,
                               const std::filesystem::path& base_dir);
ServeConfig load_serve_config(const std::filesystem::path& file);

// Checks what parsing alone cannot: names unique and non-empty, each model exactly one of a
// path, an upstream, a registered version or an adapter, an adapter's base naming an embedded
// model (path or version) of the same config, sane limits. Throws ConfigError.
void validate_serve_config(const ServeConfig& config);

}  // namespace slipway::app
